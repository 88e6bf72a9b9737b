"""2-D convolution, forward and backward, as ``torch.nn.functional.conv2d``.

What deep learning calls convolution is cross-correlation: the kernel slides over the input
without being flipped (a textbook or ``scipy.signal.convolve2d`` convolution flips it):

    out[n, f, i, j] = bias[f] + sum_{c, u, v} weight[f, c, u, v] * x[n, c, i*s + u*d, j*s + v*d]

where x is the zero-padded input, s the stride and d the dilation. With ``groups=G`` the
channels are cut into G equal groups and filter f only sees the channels of its own group.

Two forward versions compute the same numbers:

- ``conv2d_naive``: plain Python loops that read like the formula above. The teaching version;
  slow.
- ``conv2d``: vectorised with "im2col": copy every window into one column of a matrix, then a
  single matrix multiply does all the dot products. This is what the ``nn`` modules use.

The output size is ``H_out = floor((H + top + bottom - dilation * (kH - 1) - 1) / stride) + 1``
(``course_utils.shapes.window_count``). PyTorch floors; lectures write ``(H - K + 2P)/S + 1``
and ask that it divide.
"""

import numpy as np

from ..shapes import window_count
from ..utils import as_float, pair
from .windows import fold_windows2d, pad2d, windows2d


def conv_padding(padding, kernel_size, stride=1, dilation=1):
    """Any ``padding`` that ``F.conv2d`` accepts -> ``((top, bottom), (left, right))``.

    ``'valid'`` is no padding. ``'same'`` keeps H and W (stride 1 only, as in PyTorch): it
    pads ``dilation*(k-1)`` in total, half before and the odd one out after (bottom/right), so
    an even kernel is padded asymmetrically. Lectures' ``P = (K-1)/2`` only works for odd K.
    """
    if not isinstance(padding, str):
        return tuple((p, p) for p in pair(padding, "padding"))
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding != "same":
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', not {padding!r}")
    if pair(stride) != (1, 1):
        raise ValueError(
            f"padding='same' is not supported for strided convolutions (stride={stride}), as in "
            "PyTorch: with stride > 1 no padding keeps the size. Give the padding as a number.")
    total = [d * (k - 1) for k, d in zip(pair(kernel_size), pair(dilation))]
    return tuple((t // 2, t - t // 2) for t in total)


def _prepare(input, weight, bias, stride, padding, dilation, groups):
    """The arrays in the input's dtype and the padding per side, after checking the shapes (a
    kernel larger than the padded input is caught by ``window_count``)."""
    input = as_float(input)
    weight = np.asarray(weight, dtype=input.dtype)
    bias = None if bias is None else np.asarray(bias, dtype=input.dtype)
    if input.ndim != 4 or weight.ndim != 4:
        raise ValueError(f"conv2d expects input (N, C, H, W) and weight (C_out, C_in/groups, kH, "
                         f"kW), got {input.shape} and {weight.shape}; for one image add a batch "
                         "axis: x[None]")
    if input.shape[1] != weight.shape[1] * groups or weight.shape[0] % groups:
        raise ValueError(f"input {input.shape} has {input.shape[1]} channels but weight "
                         f"{weight.shape} with groups={groups} expects {weight.shape[1] * groups}, "
                         "and C_out must be divisible by groups")
    if bias is not None and bias.shape != weight.shape[:1]:
        raise ValueError(f"bias must have shape ({weight.shape[0]},), one per filter, "
                         f"got {bias.shape}")
    return input, weight, bias, conv_padding(padding, weight.shape[2:], stride, dilation)


def conv2d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Convolution with plain loops over (n, f, i, j): the teaching version (slow).

    Each output is one dot product between filter f and the window it sits on,
    ``out[n, f, i, j] = bias[f] + sum(weight[f] * window)``. Same arguments, shapes and
    result as ``conv2d``; use it to read, ``conv2d`` to run.
    """
    input, weight, bias, padding = _prepare(input, weight, bias, stride, padding, dilation, groups)
    (sh, sw), (dh, dw) = pair(stride), pair(dilation)
    n_images, _, height, width = input.shape
    filters, group_channels, kh, kw = weight.shape
    h_out = window_count(height, kh, sh, padding[0], dh)
    w_out = window_count(width, kw, sw, padding[1], dw)
    x = pad2d(input, padding)
    bias = np.zeros(filters, dtype=input.dtype) if bias is None else bias
    out = np.zeros((n_images, filters, h_out, w_out), dtype=input.dtype)
    for n in range(n_images):
        for f in range(filters):
            g = f // (filters // groups)  # the group filter f belongs to
            c = slice(g * group_channels, (g + 1) * group_channels)
            for i in range(h_out):
                for j in range(w_out):
                    rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)
                    cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)
                    out[n, f, i, j] = bias[f] + np.sum(weight[f] * x[n, c, rows, cols])
    return out


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: every window the kernel visits, as one column; as ``F.unfold``.

    Shapes::

        input   (N, C, H, W)
        output  (N, C * kH * kW, H_out * W_out), in the input's dtype

    kernel_size, dilation, padding, stride: int or (h, w) (torch's argument order; padding is
    per side, zeros). Row ``c * kH * kW + u * kW + v`` holds offset (u, v) of channel c; column
    ``i * W_out + j`` is the window of output position (i, j). A convolution is then one matrix
    product: ``weight.reshape(C_out, -1) @ unfold(input, ...)`` is (N, C_out, H_out * W_out).
    A copy: every pixel appears in up to kH * kW columns.
    """
    input = as_float(input)
    if input.ndim != 4:
        raise ValueError(f"unfold expects input (N, C, H, W), got shape {input.shape}; for one "
                         "image add a batch axis: x[None]")
    padding = tuple((p, p) for p in pair(padding, "padding"))
    windows = windows2d(input, kernel_size, stride, padding, dilation)  # (N, C, H_out, W_out, kH, kW)
    n, c, h_out, w_out, kh, kw = windows.shape
    return np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * kh * kw, -1)


def _columns(input, kernel_size, stride, padding, dilation, groups):
    """im2col: every window as one column. Returns cols (G, C/G*kH*kW, N*H_out*W_out), h_out, w_out."""
    windows = windows2d(input, kernel_size, stride, padding, dilation)
    n, c, h_out, w_out, kh, kw = windows.shape
    windows = windows.reshape(n, groups, c // groups, h_out, w_out, kh, kw)
    cols = windows.transpose(1, 2, 5, 6, 0, 3, 4).reshape(groups, -1, n * h_out * w_out)
    return cols, h_out, w_out


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Convolution, vectorised (im2col + one matrix multiply per group); as ``F.conv2d``.

    Shapes::

        input   (N, C_in, H, W)
        weight  (C_out, C_in / groups, kH, kW)
        bias    (C_out,) or None
        output  (N, C_out, H_out, W_out), in the input's dtype

    stride, dilation: int or (h, w); padding: int, (h, w), 'valid' or 'same'.

    Step: cols = im2col(x) of shape (K, N*H_out*W_out) with K = C_in/groups*kH*kW; then
    out = weight.reshape(C_out, K) @ cols, reshaped to (N, C_out, H_out, W_out), plus bias.
    """
    input, weight, bias, padding = _prepare(input, weight, bias, stride, padding, dilation, groups)
    cols, h_out, w_out = _columns(input, weight.shape[2:], stride, padding, dilation, groups)
    filters = weight.shape[0]
    out = np.matmul(weight.reshape(groups, filters // groups, -1), cols)  # (G, C_out/G, N*H_out*W_out)
    out = out.reshape(filters, input.shape[0], h_out, w_out).transpose(1, 0, 2, 3)
    if bias is not None:
        out = out + bias[:, None, None]
    return np.ascontiguousarray(out)


def conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of ``conv2d``, derived by hand (no autograd).

    Shapes::

        grad_output  (N, C_out, H_out, W_out)   dL/dout
        grad_input   (N, C_in, H, W)
        grad_weight  (C_out, C_in / groups, kH, kW)
        grad_bias    (C_out,)                  only when bias is not None

    What it needs from the forward: the input's columns (for grad_weight) and the weight (for
    grad_input). It is passed the forward's arguments, as autograd would be, and rebuilds the
    columns from the input: recomputed on purpose, so that the signature is torch's and the
    exercise's, and im2col is one copy, cheap next to the two matrix products below.

    The forward is out = W @ cols + b (per group), so by the chain rule:
      grad_bias   = sum of grad_output over n, i, j
      grad_weight = grad_output @ cols^T        (each filter: sum of windows weighted by dL/dout)
      grad_cols   = W^T @ grad_output, then folded back: every window adds its gradient to
                    the pixels it read (overlaps add up; what lands on padding is dropped).
    """
    input, weight, bias, padding = _prepare(input, weight, bias, stride, padding, dilation, groups)
    grad_output = np.asarray(grad_output, dtype=input.dtype)
    cols, h_out, w_out = _columns(input, weight.shape[2:], stride, padding, dilation, groups)
    n, channels = input.shape[:2]
    filters, _, kh, kw = weight.shape
    grad_out = grad_output.transpose(1, 0, 2, 3).reshape(groups, filters // groups, -1)
    weight_matrix = weight.reshape(groups, filters // groups, -1)
    # One 2-D product per group: NumPy's batched matmul is slow on the transposed cols. Written
    # (cols @ grad_out^T)^T: the same numbers, but multi-threaded OpenBLAS is several times
    # slower on the (C_out x M) @ (M x K) form at LeNet's sizes.
    grad_weight = np.stack([(c @ g.T).T for g, c in zip(grad_out, cols)]).reshape(weight.shape)
    grad_cols = np.matmul(weight_matrix.transpose(0, 2, 1), grad_out)  # (G, K, N*H_out*W_out)
    grad_windows = grad_cols.reshape(channels, kh, kw, n, h_out, w_out).transpose(3, 0, 4, 5, 1, 2)
    grad_input = fold_windows2d(grad_windows, input.shape, stride, padding, dilation)
    if bias is None:
        return grad_input, grad_weight
    return grad_input, grad_weight, grad_output.sum(axis=(0, 2, 3))
