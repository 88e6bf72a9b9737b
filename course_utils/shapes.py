"""The arithmetic of convolution layers: output sizes, parameter counts, multiply-adds.

One formula, PyTorch's. Where a lecture says a configuration "doesn't fit" because
``(W - K + 2P) / S`` is not a whole number, PyTorch rounds down (floors) and silently ignores
the input rows and columns the last window cannot reach; we do the same, so every number here
matches the shapes ``torch.nn.Conv2d`` and ``torch.nn.MaxPool2d`` actually produce.

Sizes are per spatial dimension (one int). Kernel and output sizes of the counting functions
accept an int (square) or a pair ``(height, width)``.
"""

import math

from .utils import pair


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution along one spatial dimension, exactly as PyTorch computes it.

        out = floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1

    With ``dilation=1`` this is the lecture's ``floor((W - K + 2P) / S) + 1``: the dilated
    kernel covers ``dilation * (kernel_size - 1) + 1`` input positions. When the stride does
    not divide ``W - K + 2P`` the lecture says the configuration "doesn't fit"; PyTorch floors.

    Raises ValueError when the (dilated) kernel is larger than the padded input, as PyTorch does.
    """
    _check_sizes(size, kernel_size, stride, padding, dilation)
    return window_count(size, kernel_size, stride, padding, dilation)


def pool_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Output size of ``max_pool2d``/``avg_pool2d`` along one dimension, as PyTorch computes it.

    ``stride`` defaults to ``kernel_size`` (PyTorch's pooling default; convolutions default to 1).
    With ``ceil_mode=False`` this is :func:`conv_output_size`. With ``ceil_mode=True`` the
    division rounds up, but a last window that would start inside the right padding is dropped.
    """
    stride = kernel_size if stride is None else stride
    _check_sizes(size, kernel_size, stride, padding, dilation)
    return window_count(size, kernel_size, stride, padding, dilation, ceil_mode)


def _check_sizes(size, kernel_size, stride, padding, dilation):
    for name, value, smallest in (("size", size, 1), ("kernel_size", kernel_size, 1),
                                  ("stride", stride, 1), ("padding", padding, 0),
                                  ("dilation", dilation, 1)):
        if not isinstance(value, int) or value < smallest:
            raise ValueError(f"{name} must be an int >= {smallest}; got {value!r}.")


def window_count(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Number of window positions along one axis, by PyTorch's rule: the one formula behind
    every output size in the course (the layers of ``course_utils.functional`` use it too).

    ``padding`` is an int or a pair ``(before, after)`` for uneven padding. With
    ``span = dilation * (kernel_size - 1) + 1``, the input positions one window covers:

        out = floor((size + before + after - span) / stride) + 1

    with ceil instead of floor when ``ceil_mode`` (pooling only); PyTorch then keeps the extra
    window only if it starts inside the input or the left padding. Raises ValueError when no
    window fits (out < 1). No other argument checks: :func:`conv_output_size` makes them.
    """
    before, after = padding if isinstance(padding, tuple) else (padding, padding)
    span = dilation * (kernel_size - 1) + 1
    room = size + before + after - span
    out = (math.ceil(room / stride) if ceil_mode else room // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + before:
        out -= 1
    if out < 1:
        raise ValueError(
            f"The kernel covers {span} positions (kernel_size={kernel_size}, dilation={dilation}) "
            f"but the padded input has only {size + before + after} (size={size}, "
            f"padding={padding}): use a smaller kernel or more padding.")
    return out


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True, groups=1):
    """Learnable parameters of ``torch.nn.Conv2d(in_channels, out_channels, kernel_size, ...)``.

        weights: out_channels * (in_channels / groups) * kernel_height * kernel_width
        biases:  out_channels (one per filter), if ``bias``

    Each filter spans the full input depth (``in_channels / groups``). Stride, padding and the
    input's height and width do not change the count. Example: 10 filters of 5x5 on an RGB input
    have 10 * (3 * 5 * 5 + 1) = 760 parameters.
    """
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"in_channels ({in_channels}) and out_channels ({out_channels}) must both "
                         f"be divisible by groups ({groups}).")
    kernel_height, kernel_width = pair(kernel_size, "kernel_size")
    weights = out_channels * (in_channels // groups) * kernel_height * kernel_width
    return weights + (out_channels if bias else 0)


def conv_multiply_adds(in_channels, out_channels, kernel_size, output_size, groups=1):
    """Multiply-adds of one convolution layer for one input image (the lecture's count).

        (number of output values) * (multiply-adds per output value)
        = out_channels * out_height * out_width * (in_channels / groups) * kernel_height * kernel_width

    Bias additions are not counted, and windows that overlap the zero padding count in full,
    as in the lecture. Example: 10 filters of 5x5 on 3x32x32 with padding 2 give a 10x32x32
    output, 10,240 values of 75 multiply-adds each: 768,000.
    """
    if in_channels % groups:
        raise ValueError(f"in_channels ({in_channels}) must be divisible by groups ({groups}).")
    kernel_height, kernel_width = pair(kernel_size, "kernel_size")
    out_height, out_width = pair(output_size, "output_size")
    per_output = (in_channels // groups) * kernel_height * kernel_width
    return out_channels * out_height * out_width * per_output
