"""im2col(input, kernel_size, stride=1, padding=0): every window as one column of a matrix.

The column matrix of ``torch.nn.functional.unfold`` (and ``course_utils.functional.unfold``),
with dilation 1 and int stride and padding (zeros on every side): an array of shape
(N, C_in * kH * kW, H_out * W_out). Row ``c * kH * kW + u * kW + v`` holds offset (u, v) of
channel c of each window; column ``i * W_out + j`` is the window of output position (i, j),
whose top-left corner is at row ``i * stride``, column ``j * stride`` of the padded input. A
convolution is then one matrix product, ``weight.reshape(C_out, -1) @ columns``.

Its own name (the lectures' and CS231n's), with the argument order of the course's conv2d:
torch's ``unfold(input, kernel_size, dilation=1, padding=0, stride=1)`` orders them differently.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal

def pair(kernel_size):
    """3 -> (3, 3); (2, 3) stays. The grader's own copy of ``course_utils.utils.pair``: the
    grader imports nothing from the library it checks."""
    return tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2


# (input shape, kernel_size, stride, padding, dtype), ordered so that each common mistake shows
# early: a plain 3x3 on several channels (row order), padding 1, stride 2, a stride that does
# not divide, a rectangular kernel and output, a 1x1 kernel.
PUBLIC = [((2, 3, 5, 5), 3, 1, 0, "float64"),
          ((1, 2, 6, 6), 3, 1, 1, "float64"),
          ((1, 2, 7, 7), 3, 2, 1, "float64"),
          ((2, 1, 8, 8), (2, 3), 2, 0, "float32"),
          ((1, 3, 5, 8), (2, 4), 1, 2, "float32"),
          ((1, 2, 6, 9), 3, 2, 0, "float64"),
          ((3, 4, 4, 4), 1, 1, 0, "float64")]


def make_case(rng, input_shape, kernel_size, stride, padding, dtype):
    return Case((normal(rng, input_shape, dtype), kernel_size),
                {"stride": stride, "padding": padding})


def public():
    rng = np.random.default_rng(21)
    return [make_case(rng, *config) for config in PUBLIC]


def random_config(rng, dtype, stride, padding, as_pair):
    """A random valid configuration: kernels up to 4x4 (not always square), sizes that need not
    divide."""
    kernel = tuple(int(k) for k in rng.integers(1, 5, 2))
    size = tuple(int(rng.integers(max(1, k - 2 * padding), k + 8)) for k in kernel)
    n, channels = (int(v) for v in rng.integers(1, 4, 2))
    kernel_size = kernel if as_pair or kernel[0] != kernel[1] else kernel[0]
    return ((n, channels, *size), kernel_size, stride, padding, dtype)


def hidden(rng):
    """Both dtypes, kernel sizes as an int and as a pair, every stride 1-3 and padding 0-2."""
    kinds = [(dtype, as_pair) for dtype in FLOATS for as_pair in (True, False)] * 2
    return [make_case(rng, *random_config(rng, dtype, 1 + i % 3, (i // 3) % 3, as_pair))
            for i, (dtype, as_pair) in enumerate(kinds)]


def reference(input, kernel_size, stride=1, padding=0):
    F, t = pytorch.F(), pytorch.tensor
    return pytorch.numpy(F.unfold(t(input), kernel_size, padding=padding, stride=stride))


def _windows(input, kernel_size, stride, padding):
    """(N, C, H_out, W_out, kH, kW): the windows, as PyTorch places them."""
    kh, kw = pair(kernel_size)
    padded = np.pad(input, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(2, 3))
    return windows[:, :, ::stride, ::stride]


def _columns(windows, order):
    """The windows as (N, rows, H_out * W_out), the rows read in ``order`` (axes 1, 4, 5)."""
    n, _, h_out, w_out = windows.shape[:4]
    return np.ascontiguousarray(windows.transpose(0, *order, 2, 3)).reshape(n, -1, h_out * w_out)


@mistake("the rows are ordered (kernel row, kernel column, channel): F.unfold reads each window "
         "channel by channel, row c * kH * kW + u * kW + v = channel c, offset (u, v), as "
         "weight.reshape(C_out, -1) does")
def rows_channels_last(input, kernel_size, stride=1, padding=0):
    return _columns(_windows(input, kernel_size, stride, padding), (4, 5, 1))


@mistake("each window is flattened column by column (the kernel's columns outermost): read it "
         "row by row, as reshape does: row c * kH * kW + u * kW + v holds offset (u, v)")
def offsets_column_major(input, kernel_size, stride=1, padding=0):
    return _columns(_windows(input, kernel_size, stride, padding), (1, 5, 4))


@mistake("the windows are rows (N, H_out * W_out, C_in * kH * kW): F.unfold puts each window in "
         "a COLUMN, shape (N, C_in * kH * kW, H_out * W_out), so that weight_matrix @ columns "
         "is the convolution")
def windows_as_rows(input, kernel_size, stride=1, padding=0):
    return np.ascontiguousarray(reference(input, kernel_size, stride, padding).transpose(0, 2, 1))


@mistake("the images are side by side in one matrix (C_in * kH * kW, N * H_out * W_out): "
         "F.unfold keeps the batch axis first, (N, C_in * kH * kW, H_out * W_out)")
def batch_in_columns(input, kernel_size, stride=1, padding=0):
    columns = reference(input, kernel_size, stride, padding)
    return np.ascontiguousarray(columns.transpose(1, 0, 2)).reshape(columns.shape[1], -1)


@mistake("the output positions are ordered column by column (j * H_out + i): F.unfold reads "
         "them row by row, column i * W_out + j is output position (i, j)")
def positions_column_major(input, kernel_size, stride=1, padding=0):
    windows = _windows(input, kernel_size, stride, padding)
    return _columns(windows.transpose(0, 1, 3, 2, 4, 5), (1, 4, 5))


@mistake("the padding is added on one side only (top and left): PyTorch pads `padding` zeros "
         "on EVERY side")
def padding_one_side(input, kernel_size, stride=1, padding=0):
    padded = np.pad(input, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
    return reference(padded, kernel_size, stride, 0)


@mistake("the stride is ignored: consecutive windows start `stride` pixels apart")
def stride_ignored(input, kernel_size, stride=1, padding=0):
    return reference(input, kernel_size, 1, padding)


def _output_shape(v):
    return [(s + 2 * v["padding"] - k) // v["stride"] + 1
            for s, k in zip(v["input"].shape[2:], pair(v["kernel_size"]))]


PROMISES = (
    ("a rectangular output (H_out != W_out)",
     lambda v: len(set(_output_shape(v))) == 2, "public"),
    ("a stride that does not divide (H + 2 * padding - kH)",
     lambda v: any((s + 2 * v["padding"] - k) % v["stride"]
                   for s, k in zip(v["input"].shape[2:], pair(v["kernel_size"]))), "public"),
    ("a rectangular kernel", lambda v: len(set(pair(v["kernel_size"]))) == 2, "public"),
    ("several channels and a kernel larger than 1x1",
     lambda v: v["input"].shape[1] > 1 and max(pair(v["kernel_size"])) > 1, "public"),
)

EXERCISE = Exercise(
    name="im2col", signature="im2col(input, kernel_size, stride=1, padding=0)",
    returns="the column matrix: an array of shape (N, C_in * kH * kW, H_out * W_out), of "
            "input's dtype, in F.unfold's order",
    points=2,
    space={"input": Array((4,)),
           "kernel_size": Choice(kinds=(("an int", lambda k: isinstance(k, int)),
                                        ("a pair (kH, kW)", lambda k: isinstance(k, tuple)))),
           "stride": Choice((1, 2, 3)), "padding": Choice((0, 1, 2))},
    promises=PROMISES,
    public=public, hidden=hidden, reference=reference,
    mistakes=(rows_channels_last, offsets_column_major, windows_as_rows, batch_in_columns,
              positions_column_major, padding_one_side, stride_ignored),
    time_limit=10.0)
