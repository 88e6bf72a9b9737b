"""Padding and windows: the two steps that convolution and pooling share.

Convolution and pooling are the same loop: pad the input, cut out every window the kernel
visits, and reduce each window (a dot product with the kernel, a max, a mean). Going backward,
each window's gradient is added back to the pixels that window covered: ``fold_windows2d`` is
the adjoint (the backward) of ``windows2d`` and takes the same arguments. Writing these steps
once, here, is what keeps ``conv.py`` and ``pooling.py`` short.

Padding is given per side, ``((top, bottom), (left, right))``: the layers turn PyTorch's
``padding=p`` or ``(p_h, p_w)`` into this form, and pooling's ``ceil_mode`` pads the bottom
and the right more than the top and the left.

Shapes::

    input                 (N, C, H, W)
    pad2d(input)          (N, C, top + H + bottom, left + W + right)
    windows2d(input)      (N, C, H_out, W_out, kH, kW)   a view of the padded input, no copy
    fold_windows2d(grad)  (N, C, H_out, W_out, kH, kW) -> (N, C, H, W)

H_out and W_out come from ``course_utils.shapes.window_count``, the course's one output-size
formula.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..shapes import window_count
from ..utils import pair

NO_PADDING = ((0, 0), (0, 0))


def pad2d(input, padding, value=0.0):
    """Pad the last two axes of an (N, C, H, W) array by ``padding = ((top, bottom), (left,
    right))`` with ``value`` (zeros for convolution, ``-inf`` for max pooling)."""
    if padding == NO_PADDING:
        return input
    return np.pad(input, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)


def windows2d(input, kernel_size, stride=1, padding=NO_PADDING, dilation=1, value=0.0):
    """Every window a kernel visits on the input padded with ``value``, as a read-only view.

    ``windows[n, c, i, j, u, v] = padded[n, c, i*stride + u*dilation, j*stride + v*dilation]``:
    (i, j) is the window, (u, v) the offset inside it. Raises (from ``window_count``) when the
    kernel does not fit in the padded input.
    """
    (kh, kw), (sh, sw), (dh, dw) = pair(kernel_size), pair(stride), pair(dilation)
    n, c, h, w = input.shape
    h_out = window_count(h, kh, sh, padding[0], dh)
    w_out = window_count(w, kw, sw, padding[1], dw)
    padded = pad2d(input, padding, value)
    s = padded.strides
    return as_strided(padded, shape=(n, c, h_out, w_out, kh, kw),
                      strides=(s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw),
                      writeable=False)


def fold_windows2d(grad_windows, input_shape, stride=1, padding=NO_PADDING, dilation=1):
    """The backward of ``windows2d``: add every window's gradient back where it was read.

    ``grad_input[n, c, y, x]`` is the sum of ``grad_windows[n, c, i, j, u, v]`` over every
    (i, j, u, v) whose window entry read pixel (y, x): windows that overlap accumulate, and
    what landed on the padding is dropped. input_shape is (N, C, H, W), before padding.
    Vectorised: one loop over the kH*kW kernel offsets, never over output pixels.
    """
    n, c, h_out, w_out, kh, kw = grad_windows.shape
    (sh, sw), (dh, dw), ((top, bottom), (left, right)) = pair(stride), pair(dilation), padding
    height, width = input_shape[2] + top + bottom, input_shape[3] + left + right
    # zeros laid out in memory like the incoming gradients (order "K"): the adds run faster
    grad = np.zeros_like(grad_windows[..., 0, 0], shape=(n, c, height, width))
    for u in range(kh):
        for v in range(kw):
            rows = slice(u * dh, u * dh + sh * (h_out - 1) + 1, sh)
            cols = slice(v * dw, v * dw + sw * (w_out - 1) + 1, sw)
            grad[:, :, rows, cols] += grad_windows[:, :, :, :, u, v]
    return grad[:, :, top : height - bottom, left : width - right]
