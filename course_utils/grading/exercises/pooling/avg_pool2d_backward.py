"""avg_pool2d_backward(grad_output, input, kernel_size, stride=None): the gradient of
``avg_pool2d``.

Mirrors ``course_utils.functional.avg_pool2d_backward``: every one of a window's
kernel_size * kernel_size inputs gets ``grad_output / kernel_size ** 2``; overlapping windows
add their contributions. Returns grad_input, shaped like input.
"""

import numpy as np

from ... import pytorch
from ...exercise import Exercise, mistake
from . import max_pool2d, max_pool2d_backward


def reference(grad_output, input, kernel_size, stride=None):
    F = pytorch.F()
    return pytorch.gradients(lambda x: F.avg_pool2d(x, kernel_size, stride), grad_output, input)[0]


@mistake("the gradient is not divided by the window size: each of the kernel_size ** 2 inputs "
         "gets grad_output / kernel_size ** 2")
def not_divided(grad_output, input, kernel_size, stride=None):
    return reference(grad_output, input, kernel_size, stride) * np.asarray(kernel_size ** 2,
                                                                           input.dtype)


@mistake("overlapping windows overwrite each other's gradient: accumulate with += (a pixel in "
         "two windows gets both contributions)")
def overwritten(grad_output, input, kernel_size, stride=None):
    grad_input = np.zeros_like(input)
    for out_index, window in max_pool2d_backward.windows(input, kernel_size, stride):
        grad_input[window] = grad_output[out_index] / kernel_size ** 2
    return grad_input


EXERCISE = Exercise(
    name="avg_pool2d_backward",
    signature="avg_pool2d_backward(grad_output, input, kernel_size, stride=None)",
    returns="grad_input: an array shaped like input, of its dtype", points=2,
    space={"grad_output": max_pool2d.SPACE["input"], **max_pool2d.SPACE},
    promises=max_pool2d.PROMISES,
    public=max_pool2d_backward.public, hidden=max_pool2d_backward.hidden, reference=reference,
    mistakes=(not_divided, overwritten))
