"""conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1): the output size of a
convolution along one axis.

Mirrors ``course_utils.shapes.conv_output_size``: ``(size + 2 * padding - dilation *
(kernel_size - 1) - 1) // stride + 1``, rounded down as PyTorch does. Graded against the shape
of a real torch convolution (on the meta device: shapes only).
"""

from ... import pytorch
from ...exercise import Case, Choice, Exercise, mistake

# (size, kernel_size, stride, padding, dilation)
PUBLIC = [(5, 3, 1, 0, 1), (7, 3, 2, 1, 1), (8, 3, 2, 0, 1), (9, 3, 3, 1, 1), (28, 5, 1, 2, 1),
          (32, 3, 1, 1, 2), (10, 4, 3, 0, 1), (224, 7, 2, 3, 1), (6, 1, 1, 0, 1)]


def make_case(size, kernel_size, stride, padding, dilation):
    return Case((size, kernel_size), {"stride": stride, "padding": padding, "dilation": dilation})


def public():
    return [make_case(*config) for config in PUBLIC]


def hidden(rng):
    cases = []
    while len(cases) < 10:
        kernel, stride, padding, dilation = (int(v) for v in rng.integers([1, 1, 0, 1], [8, 5, 4, 4]))
        size = int(rng.integers(1, 80))
        if size + 2 * padding >= dilation * (kernel - 1) + 1:
            cases.append(make_case(size, kernel, stride, padding, dilation))
    return cases


def reference(size, kernel_size, stride=1, padding=0, dilation=1):
    t = pytorch.torch()
    x = t.empty(1, 1, size, size, device="meta")
    w = t.empty(1, 1, kernel_size, kernel_size, device="meta")
    return int(t.nn.functional.conv2d(x, w, stride=stride, padding=padding,
                                      dilation=dilation).shape[-1])


def _span(kernel_size, dilation):
    return dilation * (kernel_size - 1) + 1


@mistake("the division is rounded up: PyTorch rounds down, "
         "(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1")
def rounded_up(size, kernel_size, stride=1, padding=0, dilation=1):
    return -(-(size + 2 * padding - _span(kernel_size, dilation)) // stride) + 1


@mistake("the division is rounded to the nearest integer: PyTorch rounds down (floor)")
def rounded_to_nearest(size, kernel_size, stride=1, padding=0, dilation=1):
    return round((size + 2 * padding - _span(kernel_size, dilation)) / stride) + 1


@mistake("the + 1 is forgotten: (size + 2 * padding - dilation * (kernel_size - 1) - 1) "
         "// stride + 1")
def plus_one_forgotten(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - _span(kernel_size, dilation)) // stride


@mistake("the padding is counted once: `padding` zeros are added on each side, so 2 * padding")
def padding_once(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + padding - _span(kernel_size, dilation)) // stride + 1


@mistake("the dilation is ignored: a dilated kernel spans dilation * (kernel_size - 1) + 1 "
         "pixels")
def dilation_ignored(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - kernel_size) // stride + 1


@mistake("the stride is ignored: divide by the stride (rounding down) before adding 1")
def stride_ignored(size, kernel_size, stride=1, padding=0, dilation=1):
    return size + 2 * padding - _span(kernel_size, dilation) + 1


def _divides(v):
    return (v["size"] + 2 * v["padding"] - _span(v["kernel_size"], v["dilation"])) % v["stride"] == 0


EXERCISE = Exercise(
    name="conv_output_size",
    signature="conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1)",
    returns="the output size: an int", points=1,
    space={"stride": Choice((1, 2, 3)), "padding": Choice((0, 1)), "dilation": Choice((1, 2))},
    promises=(("a stride that does not divide", lambda v: not _divides(v), "public"),),
    public=public, hidden=hidden, reference=reference,
    mistakes=(rounded_up, rounded_to_nearest, plus_one_forgotten, padding_once, dilation_ignored,
              stride_ignored))
