"""conv2d(input, weight, bias=None, stride=1, padding=0): convolution, vectorised.

The same answers as ``conv2d_naive`` (and ``course_utils.functional.conv2d``), computed without
a Python loop over output pixels: loop over the kernel's kH * kW offsets at most, or build
every window at once (im2col) and let one matrix product do the rest.
"""

import dataclasses

import numpy as np

from ...exercise import Case
from . import conv2d_naive


def probes():
    """The same convolution on a 4x4 and on a 12x12 output."""
    rng = np.random.default_rng(7)
    weight, bias = rng.standard_normal((2, 2, 3, 3)), rng.standard_normal(2)
    return [Case((rng.standard_normal((1, 2, size, size)), weight, bias)) for size in (6, 14)]


def no_loop_over_pixels(lines):
    """'' if the function runs about as many lines of its own code for a 12x12 output as for a
    4x4 one; otherwise a sentence saying it loops over output pixels."""
    small, big = lines
    if small is None or big is None:
        return ""          # it fails on the grid, which already says why
    if big - small >= (144 - 16) // 2:
        return (f"it runs {big} lines of Python for a 12x12 output but {small} for a 4x4 one: "
                "it loops over output pixels. Vectorise (loop over the kernel's kH * kW "
                "offsets at most, or build all windows at once) and let NumPy do the rest")
    return ""


EXERCISE = dataclasses.replace(
    conv2d_naive.EXERCISE, name="conv2d",
    signature="conv2d(input, weight, bias=None, stride=1, padding=0)",
    time_limit=10.0, structure=(probes, no_loop_over_pixels))
