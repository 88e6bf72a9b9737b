"""avg_pool2d(input, kernel_size, stride=None): the mean of every window.

Mirrors ``course_utils.functional.avg_pool2d`` and ``torch.nn.functional.avg_pool2d`` with int
kernel_size and stride and no padding: the same windows as ``max_pool2d``, each replaced by
the mean of its kernel_size * kernel_size values.
"""

import numpy as np

from ... import pytorch
from ...exercise import Exercise, mistake
from . import max_pool2d


def public():
    return max_pool2d.public()


def hidden(rng):
    return max_pool2d.hidden(rng)


def reference(input, kernel_size, stride=None):
    return pytorch.numpy(pytorch.F().avg_pool2d(pytorch.tensor(input), kernel_size, stride))


@mistake("the window is summed instead of averaged: divide by kernel_size * kernel_size")
def sum_instead_of_average(input, kernel_size, stride=None):
    return reference(input, kernel_size, stride) * np.asarray(kernel_size ** 2, input.dtype)


@mistake("the window's sum is divided by kernel_size: a window holds kernel_size * kernel_size "
         "values")
def divided_by_kernel_size(input, kernel_size, stride=None):
    return reference(input, kernel_size, stride) * np.asarray(kernel_size, input.dtype)


@mistake("the maximum is taken instead of the average")
def max_instead_of_average(input, kernel_size, stride=None):
    return max_pool2d.reference(input, kernel_size, stride)


@mistake("the stride is ignored: the window moves by `stride` pixels")
def stride_ignored(input, kernel_size, stride=None):
    return reference(input, kernel_size, 1)


@mistake("stride=None is taken as 1: PyTorch's default stride is kernel_size "
         "(windows side by side)")
def default_stride_one(input, kernel_size, stride=None):
    return reference(input, kernel_size, 1 if stride is None else stride)


@mistake("the output is channels-last (N, H, W, C): PyTorch's layout is (N, C, H, W)")
def channels_last(input, kernel_size, stride=None):
    return np.ascontiguousarray(reference(input, kernel_size, stride).transpose(0, 2, 3, 1))


@mistake("the output size is rounded up: PyTorch (ceil_mode=False) drops a last window that "
         "does not fit: H_out = (H - kernel_size) // stride + 1")
def size_rounded_up(input, kernel_size, stride=None):
    return max_pool2d.with_extra_rows(reference(input, kernel_size, stride), input, kernel_size,
                                      stride)


EXERCISE = Exercise(
    name="avg_pool2d", signature="avg_pool2d(input, kernel_size, stride=None)",
    returns="the output: an array of shape (N, C, H_out, W_out), of input's dtype", points=1,
    space=max_pool2d.SPACE, promises=max_pool2d.PROMISES,
    public=public, hidden=hidden, reference=reference,
    mistakes=(sum_instead_of_average, divided_by_kernel_size, max_instead_of_average,
              stride_ignored, default_stride_one, channels_last, size_rounded_up))
