"""residual_block(input, weight1, weight2): ResNet's residual block, forward (no batch norm).

Mirrors ``course_utils.functional.residual.residual_block``:
``relu(input + conv2d(relu(conv2d(input, weight1)), weight2))``, both convolutions with odd
square kernels, stride 1, padding ``(k - 1) // 2`` (so that the branch keeps H and W and the
input can be added to it) and no bias. input (N, C, H, W); weight1 (C_mid, C, k1, k1);
weight2 (C, C_mid, k2, k2); output (N, C, H, W) of input's dtype. Graded against
``torch.nn.functional``.
"""

from ... import pytorch
from ...exercise import Exercise, mistake
from . import residual


def public():
    return residual.cases(residual.public_arrays(20))


def hidden(rng):
    return residual.cases(residual.hidden_arrays(rng))


def _run(input, weight1, weight2, **variant):
    return pytorch.numpy(residual.forward(*residual.pieces(input, weight1, weight2), **variant))


def reference(input, weight1, weight2):
    return _run(input, weight1, weight2)


@mistake("the shortcut is missing: that is a plain block, relu(F(input)); a residual block adds "
         "the input back, relu(input + F(input))")
def shortcut_forgotten(input, weight1, weight2):
    return _run(input, weight1, weight2, shortcut=False)


@mistake("the ReLU after the addition is missing: the block of the 2015 paper (and "
         "torchvision's) is relu(input + F(input)), not input + F(input)")
def last_relu_forgotten(input, weight1, weight2):
    return _run(input, weight1, weight2, last="none")


@mistake("the last ReLU is applied to the branch before the addition: it comes after it, "
         "relu(input + F(input)), not input + relu(F(input))")
def last_relu_on_the_branch(input, weight1, weight2):
    return _run(input, weight1, weight2, last="branch")


@mistake("the ReLU between the two convolutions is missing: F(input) = conv2(relu(conv1(input)))")
def inner_relu_forgotten(input, weight1, weight2):
    return _run(input, weight1, weight2, inner_relu=False)


EXERCISE = Exercise(
    name="residual_block", signature="residual_block(input, weight1, weight2)",
    returns="the output: an array shaped like input, of its dtype", points=2,
    space=residual.SPACE, promises=residual.PROMISES,
    public=public, hidden=hidden, reference=reference,
    mistakes=(shortcut_forgotten, last_relu_forgotten, last_relu_on_the_branch,
              inner_relu_forgotten))
