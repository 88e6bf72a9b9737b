"""conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0): the gradients
of a convolution.

Mirrors ``course_utils.functional.conv2d_backward``: returns (grad_input, grad_weight), plus
grad_bias as a third value when the convolution has a bias; each is shaped like the array it is
the gradient of. Graded against autograd.
"""

import numpy as np

from ... import pytorch
from ...exercise import Exercise, Case, mistake, normal
from . import conv2d_naive


def _with_gradient(rng, case):
    output_shape = conv2d_naive.reference(*case.args, **case.kwargs).shape
    grad_output = normal(rng, output_shape, case.args[0].dtype)
    return Case((grad_output, *case.args), case.kwargs)


def public():
    rng = np.random.default_rng(4)
    return [_with_gradient(rng, case) for case in conv2d_naive.public()]


def hidden(rng):
    return [_with_gradient(rng, case) for case in conv2d_naive.hidden(rng)]


def reference(grad_output, input, weight, bias=None, stride=1, padding=0):
    F = pytorch.F()
    return pytorch.gradients(lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding),
                             grad_output, input, weight, bias)


def _replace(grads, index, value):
    return grads[:index] + (value,) + grads[index + 1:]


@mistake("grad_input is computed without flipping the kernel: the gradient of a "
         "cross-correlation is a full convolution, i.e. a correlation with the kernel rotated "
         "by 180 degrees")
def grad_input_not_flipped(grad_output, input, weight, bias=None, stride=1, padding=0):
    flipped = weight[..., ::-1, ::-1].copy()
    return _replace(reference(grad_output, input, weight, bias, stride, padding), 0,
                    reference(grad_output, input, flipped, None, stride, padding)[0])


@mistake("grad_weight is flipped (rotated by 180 degrees): grad_weight[f, c, i, j] = sum over "
         "n, p, q of grad_output[n, f, p, q] * input_padded[n, c, p * stride + i, q * stride + j]")
def grad_weight_flipped(grad_output, input, weight, bias=None, stride=1, padding=0):
    grads = reference(grad_output, input, weight, bias, stride, padding)
    return _replace(grads, 1, grads[1][..., ::-1, ::-1].copy())


@mistake("grad_input still has the padding: crop it, grad_input = "
         "grad_input_padded[:, :, padding:-padding, padding:-padding]")
def grad_input_padded(grad_output, input, weight, bias=None, stride=1, padding=0):
    padded = np.pad(input, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return reference(grad_output, padded, weight, bias, stride, 0)


@mistake("grad_bias is summed over the batch only: sum over N, H_out and W_out, "
         "grad_bias = grad_output.sum(axis=(0, 2, 3))")
def grad_bias_batch_only(grad_output, input, weight, bias=None, stride=1, padding=0):
    grads = reference(grad_output, input, weight, bias, stride, padding)
    return _replace(grads, 2, grad_output.sum(axis=0)) if bias is not None else grads


@mistake("grad_bias is summed over space only: sum over the batch too, "
         "grad_bias = grad_output.sum(axis=(0, 2, 3))")
def grad_bias_space_only(grad_output, input, weight, bias=None, stride=1, padding=0):
    grads = reference(grad_output, input, weight, bias, stride, padding)
    return _replace(grads, 2, grad_output.sum(axis=(2, 3))) if bias is not None else grads


EXERCISE = Exercise(
    name="conv2d_backward",
    signature="conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0)",
    returns="(grad_input, grad_weight), plus grad_bias as a third value when bias is not None; "
            "each shaped like the array it is the gradient of",
    points=3,
    space={"grad_output": conv2d_naive.SPACE["input"], **conv2d_naive.SPACE},
    promises=conv2d_naive.PROMISES[1:2] + conv2d_naive.PROMISES[2:],
    public=public, hidden=hidden, reference=reference,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    mistakes=(grad_input_not_flipped, grad_weight_flipped, grad_input_padded,
              grad_bias_batch_only, grad_bias_space_only), time_limit=20.0)
