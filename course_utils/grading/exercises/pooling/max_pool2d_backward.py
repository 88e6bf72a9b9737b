"""max_pool2d_backward(grad_output, input, kernel_size, stride=None): the gradient of
``max_pool2d``.

Mirrors ``course_utils.functional.max_pool2d_backward``: each window sends its upstream
gradient to the position of its maximum; when several entries tie for the maximum, PyTorch
sends all of it to the first one in row-major order (np.argmax of the flattened window).
Overlapping windows add their contributions. Returns grad_input, shaped like input.
"""

import numpy as np

from ... import pytorch
from ...exercise import Case, Exercise, mistake, normal
from . import max_pool2d


def _with_gradient(rng, case):
    output_shape = max_pool2d.reference(*case.args, **case.kwargs).shape
    return Case((normal(rng, output_shape, case.args[0].dtype), *case.args), case.kwargs,
                note=case.note)


def public():
    rng = np.random.default_rng(6)
    return [_with_gradient(rng, case) for case in max_pool2d.public()]


def hidden(rng):
    return [_with_gradient(rng, case) for case in max_pool2d.hidden(rng)]


def reference(grad_output, input, kernel_size, stride=None):
    F = pytorch.F()
    return pytorch.gradients(lambda x: F.max_pool2d(x, kernel_size, stride), grad_output, input)[0]


def windows(input, kernel_size, stride):
    """Yield (output index (n, c, i, j), the window's slice of input) for every window."""
    step = kernel_size if stride is None else stride
    n, c, height, width = input.shape
    for i in range((height - kernel_size) // step + 1):
        for j in range((width - kernel_size) // step + 1):
            rows, cols = slice(i * step, i * step + kernel_size), slice(j * step, j * step + kernel_size)
            for b in range(n):
                for ch in range(c):
                    yield (b, ch, i, j), (b, ch, rows, cols)


def _routed(grad_output, input, kernel_size, stride, route):
    """The gradient when each window's share goes where ``route(window)`` (a mask) says."""
    grad_input = np.zeros_like(input)
    for out_index, window in windows(input, kernel_size, stride):
        grad_input[window] += route(input[window]) * grad_output[out_index]
    return grad_input


@mistake("the gradient is sent to every tied maximum: PyTorch sends it to one position only, "
         "the first maximum of the window in row-major order (np.argmax)")
def to_all_ties(grad_output, input, kernel_size, stride=None):
    return _routed(grad_output, input, kernel_size, stride,
                   lambda w: (w == w.max()).astype(input.dtype))


@mistake("the gradient is split among tied maxima: PyTorch sends all of it to the first "
         "maximum of the window in row-major order (np.argmax)")
def split_among_ties(grad_output, input, kernel_size, stride=None):
    return _routed(grad_output, input, kernel_size, stride,
                   lambda w: (w == w.max()).astype(input.dtype) / (w == w.max()).sum())


def _last_maximum(window):
    mask = np.zeros(window.size, dtype=window.dtype)
    mask[window.size - 1 - np.argmax(window.ravel()[::-1])] = 1
    return mask.reshape(window.shape)


@mistake("the gradient goes to the LAST tied maximum: PyTorch picks the first one in row-major "
         "order (np.argmax of the flattened window)")
def to_last_tie(grad_output, input, kernel_size, stride=None):
    return _routed(grad_output, input, kernel_size, stride, _last_maximum)


@mistake("overlapping windows overwrite each other's gradient: accumulate with += (a pixel in "
         "two windows gets both contributions)")
def overwritten(grad_output, input, kernel_size, stride=None):
    grad_input = np.zeros_like(input)
    for out_index, window in windows(input, kernel_size, stride):
        block = input[window]
        target = grad_input[window]
        target.flat[np.argmax(block.ravel())] = grad_output[out_index]
    return grad_input


EXERCISE = Exercise(
    name="max_pool2d_backward",
    signature="max_pool2d_backward(grad_output, input, kernel_size, stride=None)",
    returns="grad_input: an array shaped like input, of its dtype", points=3,
    space={"grad_output": max_pool2d.SPACE["input"], **max_pool2d.SPACE},
    promises=max_pool2d.PROMISES + (("tied maxima in a window",
                                     lambda v: np.array_equal(v["input"], np.round(v["input"])),
                                     "public"),),
    public=public, hidden=hidden, reference=reference,
    mistakes=(to_all_ties, split_among_ties, to_last_tie, overwritten))
