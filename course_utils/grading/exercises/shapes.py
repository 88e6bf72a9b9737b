"""Notebook 03, shape arithmetic: conv_output_size, conv_parameter_count, conv_multiply_adds.

Graded against what torch builds: the output size of a real convolution, the parameters of an
``nn.Conv2d``, the multiply-adds counted by torch's FlopCounterMode.
"""

from .. import diagnostics as d
from .. import oracle
from ..registry import Case, Exercise, register

_SIZES_PUBLIC = [(5, 3, 1, 0, 1), (7, 3, 2, 1, 1), (8, 3, 2, 0, 1), (9, 3, 3, 1, 1),
                 (28, 5, 1, 2, 1), (32, 3, 1, 1, 2), (10, 4, 3, 0, 1), (224, 7, 2, 3, 1),
                 (6, 1, 1, 0, 1)]
_SIZES_HIDDEN = [(13, 3, 2, 0, 1), (14, 3, 2, 1, 1), (11, 5, 3, 2, 1), (20, 3, 1, 0, 3),
                 (3, 3, 1, 0, 1), (15, 2, 2, 0, 1), (100, 11, 4, 2, 1), (17, 3, 4, 4, 2)]


def _size_cases(hidden):
    return [Case((size, kernel), {"stride": stride, "padding": padding, "dilation": dilation})
            for size, kernel, stride, padding, dilation in
            (_SIZES_HIDDEN if hidden else _SIZES_PUBLIC)]


def _count_cases(hidden):
    public = [(3, 16, 3, True), (1, 20, 5, True), (20, 50, 5, False), (64, 128, 1, True),
              (512, 512, 3, True)]
    secret = [(3, 64, 7, False), (16, 16, 3, True), (1, 1, 1, True), (256, 10, 2, True),
              (6, 16, 5, False)]
    return [Case((i, o, k), {"bias": b}) for i, o, k, b in (secret if hidden else public)]


def _macs_cases(hidden):
    public = [(1, 20, 5, 28), (20, 50, 5, 14), (3, 64, 3, 224), (64, 64, 1, 56)]
    secret = [(3, 96, 11, 55), (256, 384, 3, 13), (1, 6, 5, 28), (128, 128, 3, 7), (2, 3, 2, 1)]
    return [Case(args) for args in (secret if hidden else public)]


register(Exercise(
    name="conv_output_size", notebook="03",
    signature="conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1)",
    returns="int", cases=_size_cases, reference=oracle.conv_output_size,
    variants=(d.size_rounded_up, d.size_rounded_to_nearest, d.size_plus_one_forgotten,
              d.size_padding_once, d.size_dilation_ignored, d.size_stride_ignored)))

register(Exercise(
    name="conv_parameter_count", notebook="03",
    signature="conv_parameter_count(in_channels, out_channels, kernel_size, bias=True)",
    returns="int", cases=_count_cases, reference=oracle.conv_parameter_count,
    variants=(d.count_bias_forgotten, d.count_bias_always, d.count_kernel_not_squared,
              d.count_in_channels_ignored)))

register(Exercise(
    name="conv_multiply_adds", notebook="03",
    signature="conv_multiply_adds(in_channels, out_channels, kernel_size, output_size)",
    returns="int", cases=_macs_cases, reference=oracle.conv_multiply_adds,
    variants=(d.macs_counted_as_flops, d.macs_output_not_squared, d.macs_kernel_not_squared,
              d.macs_bias_counted, d.macs_in_channels_ignored)))
