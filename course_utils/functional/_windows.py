"""The one padding helper and the one window helper, shared by convolution and pooling.

Convolution and pooling are the same loop: pad the input, cut out every window the kernel
visits, and reduce each window (a dot product with the kernel, a max, a mean). Going backward,
each window's gradient is added back to the pixels that window covered (``fold_windows2d``,
the adjoint of ``windows2d``). Writing these steps once, here, is what keeps ``conv.py`` and
``pooling.py`` short.

Padding is given per side, as PyTorch's ``F.pad`` does, in one of three forms:
``p`` (all four sides), ``(p_h, p_w)`` (top=bottom, left=right), or
``((top, bottom), (left, right))``.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..shapes import window_count


def pair(x):
    """``3 -> (3, 3)``; ``(3, 2) -> (3, 2)``. The (height, width) form of a size argument."""
    if isinstance(x, (tuple, list)):
        if len(x) != 2:
            raise ValueError(f"expected one int or two (height, width), got {x!r}")
        return int(x[0]), int(x[1])
    return int(x), int(x)


def as_float(x):
    """The array as NumPy, float32 and float64 kept as they are, anything else as float64."""
    x = np.asarray(x)
    return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)


def pad_widths(padding):
    """Any padding form -> ``((top, bottom), (left, right))``."""
    if isinstance(padding, (tuple, list)) and len(padding) == 2 and all(
        isinstance(p, (tuple, list)) for p in padding
    ):
        return tuple(pair(p) for p in padding)
    ph, pw = pair(padding)
    return (ph, ph), (pw, pw)


def pad2d(input, padding, value=0.0):
    """Pad the last two axes of an (N, C, H, W) array.

    input: (N, C, H, W); padding: ``p``, ``(p_h, p_w)`` or ``((top, bottom), (left, right))``.
    Returns (N, C, top + H + bottom, left + W + right), filled with ``value`` (zeros for
    convolution, ``-inf`` for max pooling).
    """
    (top, bottom), (left, right) = pad_widths(padding)
    if top == bottom == left == right == 0:
        return input
    widths = ((0, 0),) * (input.ndim - 2) + ((top, bottom), (left, right))
    return np.pad(input, widths, constant_values=value)


def windows2d(input, kernel_size, stride=1, dilation=1):
    """Every window a kernel visits, as a read-only view (no copy).

    input: (N, C, H, W), already padded. Returns (N, C, H_out, W_out, kH, kW) with
    ``windows[n, c, i, j, u, v] = input[n, c, i*stride + u*dilation, j*stride + v*dilation]``
    and ``H_out = floor((H - dilation*(kH-1) - 1) / stride) + 1`` (the same for W).
    """
    (kh, kw), (sh, sw), (dh, dw) = pair(kernel_size), pair(stride), pair(dilation)
    n, c, h, w = input.shape
    h_out = window_count(h, kh, sh, 0, dh)
    w_out = window_count(w, kw, sw, 0, dw)
    s = input.strides
    return as_strided(
        input,
        shape=(n, c, h_out, w_out, kh, kw),
        strides=(s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw),
        writeable=False,
    )


def fold_windows2d(grad_windows, input_shape, stride=1, padding=0, dilation=1):
    """The adjoint (backward) of ``windows2d`` after ``pad2d``: add window gradients back.

    grad_windows: (N, C, H_out, W_out, kH, kW), the gradient of each window entry.
    input_shape: (N, C, H, W), the shape before padding. Returns grad_input (N, C, H, W):
    ``grad_input[n, c, y, x] = sum of grad_windows[n, c, i, j, u, v]`` over all (i, j, u, v)
    whose window entry read pixel (y, x); windows that overlap accumulate. Gradients that
    landed on padding are dropped. Vectorised: one loop over the kH*kW kernel offsets, never
    over output pixels.
    """
    n, c, h_out, w_out, kh, kw = grad_windows.shape
    (sh, sw), (dh, dw) = pair(stride), pair(dilation)
    (top, bottom), (left, right) = pad_widths(padding)
    height, width = input_shape[2] + top + bottom, input_shape[3] + left + right
    # zeros laid out in memory like the incoming gradients (order "K"): the adds run faster
    grad = np.zeros_like(grad_windows[..., 0, 0], shape=(n, c, height, width))
    for u in range(kh):
        for v in range(kw):
            rows = slice(u * dh, u * dh + sh * (h_out - 1) + 1, sh)
            cols = slice(v * dw, v * dw + sw * (w_out - 1) + 1, sw)
            grad[:, :, rows, cols] += grad_windows[:, :, :, :, u, v]
    return grad[:, :, top : height - bottom, left : width - right]
