"""residual_block_backward(grad_output, input, weight1, weight2): the gradients of the residual
block.

Mirrors ``course_utils.functional.residual.residual_block_backward``: returns (grad_input,
grad_weight1, grad_weight2), each shaped like the array it is the gradient of, of input's
dtype. The block is ``relu(input + conv2d(relu(conv2d(input, weight1)), weight2))`` (see
``residual_block``). Graded against autograd.
"""

import numpy as np

from ... import pytorch
from ...exercise import Exercise, mistake
from . import residual


def public():
    return residual.cases(residual.public_arrays(21), np.random.default_rng(22))


def hidden(rng):
    return residual.cases(residual.hidden_arrays(rng), rng)


def reference(grad_output, input, weight1, weight2):
    return residual.gradients(grad_output, input, weight1, weight2)


@mistake("the shortcut's gradient is missing from grad_input: the input reaches the output "
         "along two paths, so grad_input = (gradient through the shortcut) + (gradient through "
         "the branch), and the shortcut passes the gradient after the last ReLU on unchanged")
def shortcut_gradient_forgotten(grad_output, input, weight1, weight2):
    grad_input, grad_weight1, grad_weight2 = reference(grad_output, input, weight1, weight2)
    pre = residual.forward(*residual.pieces(input, weight1, weight2), last="none")
    through_shortcut = grad_output * (pre.detach().numpy() > 0)
    return (grad_input - through_shortcut).astype(input.dtype), grad_weight1, grad_weight2


@mistake("the shortcut passes grad_output on without the last ReLU's mask: the ReLU comes after "
         "the addition, so both paths start from grad_output * (input + F(input) > 0)")
def shortcut_gradient_unmasked(grad_output, input, weight1, weight2):
    grad_input, grad_weight1, grad_weight2 = reference(grad_output, input, weight1, weight2)
    pre = residual.forward(*residual.pieces(input, weight1, weight2), last="none")
    masked = grad_output * (pre.detach().numpy() > 0)
    return (grad_input - masked + grad_output).astype(input.dtype), grad_weight1, grad_weight2


@mistake("the last ReLU's mask is missing: multiply grad_output by (input + F(input) > 0) "
         "before it goes back along the shortcut and the branch")
def last_mask_forgotten(grad_output, input, weight1, weight2):
    return residual.gradients(grad_output, input, weight1, weight2, last="none")


@mistake("the inner ReLU's mask is missing: the gradient reaching the first convolution's "
         "output is multiplied by (conv1(input) > 0)")
def inner_mask_forgotten(grad_output, input, weight1, weight2):
    x, w1, w2 = residual.pieces(input, weight1, weight2)
    F = pytorch.F()
    pre = F.conv2d(x, w1, padding=(w1.shape[-1] - 1) // 2)
    mask = (pre > 0).detach().to(pre.dtype)
    # The inner ReLU's value in the forward, the identity's slope in the backward.
    hidden = pre * mask + (pre - pre.detach()) * (1 - mask)
    branch = F.conv2d(hidden, w2, padding=(w2.shape[-1] - 1) // 2)
    F.relu(x + branch).backward(pytorch.tensor(grad_output))
    return tuple(pytorch.numpy(t.grad) for t in (x, w1, w2))


EXERCISE = Exercise(
    name="residual_block_backward",
    signature="residual_block_backward(grad_output, input, weight1, weight2)",
    returns="(grad_input, grad_weight1, grad_weight2), each shaped like the array it is the "
            "gradient of, of input's dtype",
    points=3,
    space={"grad_output": residual.SPACE["input"], **residual.SPACE},
    promises=residual.PROMISES,
    public=public, hidden=hidden, reference=reference,
    outputs=("grad_input", "grad_weight1", "grad_weight2"),
    mistakes=(shortcut_gradient_forgotten, shortcut_gradient_unmasked, last_mask_forgotten,
              inner_mask_forgotten))
