"""conv2d_naive(input, weight, bias=None, stride=1, padding=0): convolution with loops.

Mirrors ``course_utils.functional.conv2d_naive`` and ``torch.nn.functional.conv2d``, for int
stride and padding: a cross-correlation (no kernel flip), ``padding`` zeros on every side,
output size ``(H + 2 * padding - kH) // stride + 1`` (rounded down). Input (N, C_in, H, W),
weight (C_out, C_in, kH, kW), bias (C_out,) or None; output (N, C_out, H_out, W_out).
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal

# (input shape, weight shape, stride, padding, dtype, with a bias), ordered so that each common
# mistake shows on an early, small configuration: plain (flip, bias), padding 1, stride 2, a
# stride that does not divide (rounding), a rectangular output, a 1x1 convolution without bias.
PUBLIC = [((2, 3, 5, 5), (4, 3, 3, 3), 1, 0, "float64", True),
          ((2, 3, 6, 6), (4, 3, 3, 3), 1, 1, "float64", True),
          ((1, 2, 7, 7), (3, 2, 3, 3), 2, 1, "float64", True),
          ((2, 1, 8, 8), (2, 1, 3, 3), 2, 0, "float32", True),
          ((1, 3, 5, 8), (2, 3, 2, 4), 1, 2, "float32", True),
          ((1, 2, 6, 9), (3, 2, 3, 3), 2, 0, "float64", True),
          ((3, 4, 4, 4), (1, 4, 1, 1), 1, 0, "float64", False)]


def make_case(rng, input_shape, weight_shape, stride, padding, dtype, with_bias):
    bias = normal(rng, weight_shape[0], dtype) if with_bias else None
    return Case((normal(rng, input_shape, dtype), normal(rng, weight_shape, dtype), bias),
                {"stride": stride, "padding": padding})


def public():
    rng = np.random.default_rng(3)
    return [make_case(rng, *config) for config in PUBLIC]


def random_config(rng, dtype, with_bias, stride, padding):
    """A random valid convolution with this stride and padding: kernels up to 4x4 (not always
    square), sizes that need not divide."""
    kernel = tuple(int(k) for k in rng.integers(1, 5, 2))
    size = tuple(int(rng.integers(max(1, k - 2 * padding), k + 8)) for k in kernel)
    n, c_in, c_out = (int(v) for v in rng.integers(1, 4, 3))
    return ((n, c_in, *size), (c_out, c_in, *kernel), stride, padding, dtype, with_bias)


def hidden(rng):
    """Both dtypes, with and without a bias, every stride 1-3 and padding 0-2."""
    kinds = [(dtype, with_bias) for dtype in FLOATS for with_bias in (True, False)] * 2
    return [make_case(rng, *random_config(rng, dtype, with_bias, 1 + i % 3, (i // 3) % 3))
            for i, (dtype, with_bias) in enumerate(kinds)]


def reference(input, weight, bias=None, stride=1, padding=0):
    F, t = pytorch.F(), pytorch.tensor
    return pytorch.numpy(F.conv2d(t(input), t(weight), t(bias), stride=stride, padding=padding))


def _pad(input, before, after):
    return np.pad(input, ((0, 0), (0, 0), (before, after), (before, after)))


def _with_extra_rows(output, extra_h, extra_w):
    """output, grown by extra rows and columns whose values the mistake leaves open (NaN)."""
    n, c, h, w = output.shape
    grown = np.full((n, c, h + extra_h, w + extra_w), np.nan)
    grown[:, :, :h, :w] = output
    return grown


@mistake("the kernel is flipped: that is true convolution. Deep-learning 'convolution' "
         "(PyTorch's conv2d) is cross-correlation: out[i, j] = sum(window * weight), no flip")
def kernel_flipped(input, weight, bias=None, stride=1, padding=0):
    return reference(input, weight[..., ::-1, ::-1], bias, stride, padding)


@mistake("the bias is forgotten: add bias[f] to every position of output channel f")
def bias_forgotten(input, weight, bias=None, stride=1, padding=0):
    return reference(input, weight, None, stride, padding)


@mistake("the padding is added on one side only (top and left): PyTorch pads `padding` zeros "
         "on EVERY side")
def padding_one_side(input, weight, bias=None, stride=1, padding=0):
    return reference(_pad(input, padding, 0), weight, bias, stride, 0)


@mistake("`padding` is treated as the total over both sides: PyTorch's padding is per side "
         "(padding=1 adds one row on top AND one at the bottom)")
def padding_total(input, weight, bias=None, stride=1, padding=0):
    return reference(_pad(input, (padding + 1) // 2, padding // 2), weight, bias, stride, 0)


@mistake("the stride is ignored: the window moves by `stride` pixels")
def stride_ignored(input, weight, bias=None, stride=1, padding=0):
    return reference(input, weight, bias, 1, padding)


@mistake("the output is channels-last (N, H, W, C): PyTorch's layout is channels-first "
         "(N, C, H, W)")
def channels_last(input, weight, bias=None, stride=1, padding=0):
    return np.ascontiguousarray(reference(input, weight, bias, stride, padding).transpose(0, 2, 3, 1))


def _size(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) / stride + 1


@mistake("the output size is rounded up: PyTorch rounds down, "
         "H_out = floor((H + 2 * padding - kernel) / stride) + 1")
def size_rounded_up(input, weight, bias=None, stride=1, padding=0):
    output = reference(input, weight, bias, stride, padding)
    extra = [int(np.ceil(_size(s, k, stride, padding))) - o
             for s, k, o in zip(input.shape[2:], weight.shape[2:], output.shape[2:])]
    return _with_extra_rows(output, *extra)


@mistake("the output size is one too small: H_out = (H + 2 * padding - kernel) // stride + 1 "
         "(don't forget the + 1)")
def size_one_too_small(input, weight, bias=None, stride=1, padding=0):
    return reference(input, weight, bias, stride, padding)[:, :, :-1, :-1].copy()


@mistake("the output size is one too large: H_out = (H + 2 * padding - kernel) // stride + 1")
def size_one_too_large(input, weight, bias=None, stride=1, padding=0):
    return _with_extra_rows(reference(input, weight, bias, stride, padding), 1, 1)


MISTAKES = (kernel_flipped, bias_forgotten, padding_one_side, padding_total, stride_ignored,
            channels_last, size_rounded_up, size_one_too_small, size_one_too_large)

SPACE = {"input": Array((4,)), "weight": Array((4,)), "bias": Array((1,), optional=True),
         "stride": Choice((1, 2, 3)), "padding": Choice((0, 1, 2))}


def _output_shape(v):
    return [int(_size(s, k, v["stride"], v["padding"]))
            for s, k in zip(v["input"].shape[2:], v["weight"].shape[2:])]


PROMISES = (
    ("a rectangular output (H_out != W_out)",
     lambda v: len(set(_output_shape(v))) == 2, "public"),
    ("a stride that does not divide (H + 2 * padding - kH)",
     lambda v: any((s + 2 * v["padding"] - k) % v["stride"]
                   for s, k in zip(v["input"].shape[2:], v["weight"].shape[2:])), "public"),
    ("a rectangular kernel", lambda v: v["weight"].shape[2] != v["weight"].shape[3], "any"),
)

EXERCISE = Exercise(
    name="conv2d_naive", signature="conv2d_naive(input, weight, bias=None, stride=1, padding=0)",
    returns="the output: an array of shape (N, C_out, H_out, W_out), of input's dtype",
    points=2, space=SPACE, promises=PROMISES,
    public=public, hidden=hidden, reference=reference, mistakes=MISTAKES, time_limit=20.0)
