"""max_pool2d(input, kernel_size, stride=None): the largest value in every window.

Mirrors ``course_utils.functional.max_pool2d`` and ``torch.nn.functional.max_pool2d`` with
int kernel_size and stride: windows of kernel_size x kernel_size moved by ``stride`` pixels
(``stride=None`` means ``stride = kernel_size``), no padding, output size
``(H - kernel_size) // stride + 1`` (a last window that does not fit is dropped).
Input (N, C, H, W), output (N, C, H_out, W_out).
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake

# (input shape, kernel_size, stride (None: the default), dtype, ties). "ties" fills the input
# with a few small integers, so that windows hold several equal maxima.
PUBLIC = [((2, 3, 4, 4), 2, 2, "float64", True),
          ((1, 2, 5, 5), 2, None, "float64", False),
          ((2, 2, 5, 5), 3, 1, "float64", True),
          ((1, 3, 6, 6), 3, 2, "float32", False),
          ((2, 1, 7, 5), 3, 2, "float32", True),
          ((1, 2, 4, 7), 2, None, "float32", False)]


def make_case(rng, shape, kernel_size, stride, dtype, ties):
    values = rng.integers(-2, 3, shape) if ties else rng.standard_normal(shape)
    kwargs = {} if stride is None else {"stride": stride}
    return Case((values.astype(dtype), kernel_size), kwargs, note="many tied maxima" if ties else "")


def public():
    rng = np.random.default_rng(5)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Both dtypes; kernels 2-4 with the default stride, overlapping windows and another
    stride; sizes that need not divide; with and without ties."""
    configs = []
    for dtype in FLOATS:
        for stride_kind in ("default", "overlapping", "other"):
            kernel = int(rng.integers(2, 5))
            stride = {"default": None, "overlapping": int(rng.integers(1, kernel)),
                      "other": int(rng.integers(1, 4))}[stride_kind]
            height, width = (int(v) for v in rng.integers(kernel, kernel + 7, 2))
            shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), height, width)
            configs.append((shape, kernel, stride, dtype, bool(rng.integers(2))))
    return [make_case(rng, *config) for config in configs]


def reference(input, kernel_size, stride=None):
    return pytorch.numpy(pytorch.F().max_pool2d(pytorch.tensor(input), kernel_size, stride))


def _stride(kernel_size, stride):
    return kernel_size if stride is None else stride


def with_extra_rows(output, input, kernel_size, stride):
    """The output of a pooling whose size is rounded up: the extra last row and column (if the
    windows do not divide) hold values the mistake leaves open (NaN)."""
    step = _stride(kernel_size, stride)
    extra = [int(np.ceil((size - kernel_size) / step)) + 1 - out
             for size, out in zip(input.shape[2:], output.shape[2:])]
    n, c, h, w = output.shape
    grown = np.full((n, c, h + extra[0], w + extra[1]), np.nan)
    grown[:, :, :h, :w] = output
    return grown


@mistake("the average is taken instead of the maximum")
def average_instead_of_max(input, kernel_size, stride=None):
    return pytorch.numpy(pytorch.F().avg_pool2d(pytorch.tensor(input), kernel_size, stride))


@mistake("the stride is ignored: the window moves by `stride` pixels")
def stride_ignored(input, kernel_size, stride=None):
    return reference(input, kernel_size, 1)


@mistake("stride=None is taken as 1: PyTorch's default stride is kernel_size "
         "(windows side by side)")
def default_stride_one(input, kernel_size, stride=None):
    return reference(input, kernel_size, 1 if stride is None else stride)


@mistake("the output is channels-last (N, H, W, C): PyTorch's layout is (N, C, H, W)")
def channels_last(input, kernel_size, stride=None):
    return np.ascontiguousarray(reference(input, kernel_size, stride).transpose(0, 2, 3, 1))


@mistake("the output size is rounded up: PyTorch (ceil_mode=False) drops a last window that "
         "does not fit: H_out = (H - kernel_size) // stride + 1")
def size_rounded_up(input, kernel_size, stride=None):
    return with_extra_rows(reference(input, kernel_size, stride), input, kernel_size, stride)


def _fits(v):
    step = _stride(v["kernel_size"], v["stride"])
    return all((size - v["kernel_size"]) % step == 0 for size in v["input"].shape[2:])


PROMISES = (
    ("stride left to its default (None)", lambda v: v["stride"] is None, "public"),
    ("overlapping windows (stride < kernel_size)",
     lambda v: _stride(v["kernel_size"], v["stride"]) < v["kernel_size"], "public"),
    ("windows that do not divide the input (a last partial window)",
     lambda v: not _fits(v), "public"),
    ("a rectangular input", lambda v: v["input"].shape[2] != v["input"].shape[3], "public"),
)
SPACE = {"input": Array((4,)), "kernel_size": Choice((2, 3))}

EXERCISE = Exercise(
    name="max_pool2d", signature="max_pool2d(input, kernel_size, stride=None)",
    returns="the output: an array of shape (N, C, H_out, W_out), of input's dtype", points=2,
    space=SPACE, promises=PROMISES, public=public, hidden=hidden, reference=reference,
    mistakes=(average_instead_of_max, stride_ignored, default_stride_one, channels_last,
              size_rounded_up))
