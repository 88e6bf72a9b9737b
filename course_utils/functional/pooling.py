"""Max and average pooling, forward and backward, as ``torch.nn.functional``.

Pooling slides a kH x kW window over each channel separately and keeps one number per window:
the largest (max) or the mean (avg). Unlike ``conv2d`` the stride defaults to the kernel size,
so windows do not overlap unless asked. Output size along an axis (PyTorch's rule; lectures
write ``(H - K)/S + 1`` with no padding and assume it divides):

    H_out = floor((H + 2*padding - dilation*(kH-1) - 1) / stride) + 1

(ceil instead of floor with ``ceil_mode=True``, dropping a last window that would start in the
right padding). PyTorch allows ``padding`` of at most half the kernel; so do we.

The windows come from ``windows.py``, as for ``conv2d``: ``windows2d`` going forward, its
adjoint ``fold_windows2d`` going backward.
"""

import numpy as np

from ..shapes import window_count
from ..utils import as_float, pair
from .windows import fold_windows2d, windows2d


def _pool_padding(input, kernel_size, stride, padding, dilation, ceil_mode):
    """Check a pooling call; return its stride (the kernel size by default) and its padding per
    side ``((top, bottom), (left, right))``, the bottom and right widened when ceil_mode keeps
    a last window that hangs past the padding (that overhang is padding too)."""
    if input.ndim != 4:
        raise ValueError(f"pooling expects input of shape (N, C, H, W), got {input.shape}; "
                         "for one image add a batch axis: x[None]")
    stride = pair(kernel_size if stride is None else stride, "stride")
    sides = []
    for size, k, s, p, d in zip(input.shape[2:], pair(kernel_size, "kernel_size"), stride,
                                pair(padding, "padding"), pair(dilation, "dilation")):
        if p > k // 2:
            raise ValueError(f"padding {p} is more than half the kernel size {k}, which PyTorch "
                             "refuses")
        out = window_count(size, k, s, p, d, ceil_mode)
        sides.append((p, max(p, (out - 1) * s + d * (k - 1) + 1 - size - p)))
    return stride, tuple(sides)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max pooling: ``out[n, c, i, j] = max over (u, v) of x[n, c, i*s + u*d, j*s + v*d]``.

    Shapes::

        input   (N, C, H, W)
        output  (N, C, H_out, W_out), in the input's dtype

    Padding is filled with -inf, so it never wins; a dilated window that sees only padding
    gives -inf, as in PyTorch. NaN wins, as in PyTorch.
    """
    input = as_float(input)
    stride, sides = _pool_padding(input, kernel_size, stride, padding, dilation, ceil_mode)
    windows = windows2d(input, kernel_size, stride, sides, dilation, value=-np.inf)
    # One pass per kernel offset (u, v), as fold_windows2d does: windows.max(axis=(4, 5)) gives
    # the same numbers but reduces over tiny, strided axes, about 15x more slowly at LeNet's sizes.
    out = windows[..., 0, 0].copy()
    for u, v in np.ndindex(windows.shape[4:]):
        np.maximum(out, windows[..., u, v], out=out)
    return out


def max_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Gradient of ``max_pool2d``: each window sends its upstream gradient to its maximum.

    Shapes::

        grad_output  (N, C, H_out, W_out)
        grad_input   (N, C, H, W)

    What it needs from the forward: which entry of each window won. It is passed the forward's
    arguments and recomputes the windows and their maxima from the input (PyTorch instead keeps
    the winners' indices from the forward): on purpose, so that the signature is torch's and
    the exercise's; the price is one more forward pass.

    The local gradient of a max is 1 for the winning entry and 0 for the others; where windows
    overlap, the gradients add up. Ties: like PyTorch on CPU, the whole gradient goes to ONE
    entry, the first maximum in row-major window order (top row first, left to right). This
    matters for windows of equal values, such as all-zero windows after a ReLU. CS231n's
    ``max_pool_backward`` instead splits the gradient equally among tied maxima. A window that
    sees only padding (possible with dilation) passes no gradient here; PyTorch sends it to a
    pixel outside the window, so the tests leave that case out.
    """
    input = as_float(input)
    grad_output = np.asarray(grad_output, dtype=input.dtype)
    out = max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)
    stride, sides = _pool_padding(input, kernel_size, stride, padding, dilation, ceil_mode)
    windows = windows2d(input, kernel_size, stride, sides, dilation, value=-np.inf)
    grad_windows = np.zeros(windows.shape, dtype=input.dtype)
    taken = np.zeros(out.shape, dtype=bool)  # has this window's maximum been found yet?
    for u, v in np.ndindex(windows.shape[4:]):  # row-major order, so the FIRST maximum wins ties
        entry = windows[..., u, v]
        winner = ((entry == out) | np.isnan(entry)) & ~taken
        taken |= winner
        grad_windows[..., u, v] = np.where(winner, grad_output, 0)
    return fold_windows2d(grad_windows, input.shape, stride, sides, dilation)


def _divisor(size, kernel_size, stride, padding, sides, count_include_pad):
    """How many entries each average divides by, shape (H_out, W_out), as PyTorch counts them:
    a mask of ones over what counts (the image, plus its padding if count_include_pad), zeros
    over the rest (the ceil_mode overhang never counts), summed over each window."""
    ph, pw = pair(padding) if count_include_pad else (0, 0)
    mask = np.ones((1, 1, size[0] + 2 * ph, size[1] + 2 * pw))
    (top, bottom), (left, right) = sides
    rest = ((top - ph, bottom - ph), (left - pw, right - pw))
    return windows2d(mask, kernel_size, stride, rest)[0, 0].sum(axis=(2, 3))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Average pooling: ``out[n, c, i, j] = sum of the window / divisor``.

    Shapes::

        input   (N, C, H, W)
        output  (N, C, H_out, W_out), in the input's dtype

    Padding is zeros. The divisor is kH*kW, except where a window covers padding and
    ``count_include_pad=False`` (only real pixels count) or hangs past the padding in
    ceil_mode (the overhang never counts).
    """
    input = as_float(input)
    stride, sides = _pool_padding(input, kernel_size, stride, padding, 1, ceil_mode)
    windows = windows2d(input, kernel_size, stride, sides)
    divisor = _divisor(input.shape[2:], kernel_size, stride, padding, sides, count_include_pad)
    return (windows.sum(axis=(4, 5)) / divisor).astype(input.dtype)


def avg_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Gradient of ``avg_pool2d``: each window shares its upstream gradient equally.

    Shapes::

        grad_output  (N, C, H_out, W_out)
        grad_input   (N, C, H, W)

    What it needs from the forward: only the input's shape (the divisors depend on it), not its
    values: a mean's gradient does not depend on what was averaged. Every entry of a window
    gets ``grad_output[n, c, i, j] / divisor[i, j]``; where windows overlap, the shares add up.
    """
    input = as_float(input)
    grad_output = np.asarray(grad_output, dtype=input.dtype)
    stride, sides = _pool_padding(input, kernel_size, stride, padding, 1, ceil_mode)
    divisor = _divisor(input.shape[2:], kernel_size, stride, padding, sides, count_include_pad)
    share = (grad_output / divisor).astype(input.dtype)
    grad_windows = np.broadcast_to(share[..., None, None], share.shape + pair(kernel_size))
    return fold_windows2d(grad_windows, input.shape, stride, sides)
