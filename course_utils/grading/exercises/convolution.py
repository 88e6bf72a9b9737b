"""Notebook 02, convolution: conv2d_naive, conv2d_vectorized, conv2d_backward."""

from .. import diagnostics as d
from .. import oracle, safety
from ..registry import Case, Exercise, register, rng

# (x shape, weight shape, stride, padding, dtype). Ordered so that each common mistake shows up
# on an early, small configuration: plain (flip, bias), padding 1, stride 2, a stride that does
# not divide (rounding), rectangular kernel with padding 2, a 1x1 convolution.
PUBLIC = [((2, 3, 5, 5), (4, 3, 3, 3), 1, 0, "float64"),
          ((2, 3, 6, 6), (4, 3, 3, 3), 1, 1, "float64"),
          ((1, 2, 7, 7), (3, 2, 3, 3), 2, 1, "float64"),
          ((2, 1, 8, 8), (2, 1, 3, 3), 2, 0, "float32"),
          ((1, 3, 5, 7), (2, 3, 2, 4), 1, 2, "float32"),
          ((3, 4, 4, 4), (1, 4, 1, 1), 1, 0, "float64")]
HIDDEN = [((1, 1, 9, 9), (2, 1, 3, 3), 3, 2, "float64"),
          ((2, 2, 6, 5), (3, 2, 5, 3), 1, 0, "float32"),
          ((4, 3, 6, 6), (5, 3, 3, 3), 2, 2, "float32"),
          ((1, 2, 4, 4), (2, 2, 4, 4), 1, 0, "float64"),
          ((2, 5, 10, 3), (2, 5, 3, 2), 2, 1, "float64"),
          ((1, 1, 2, 2), (1, 1, 3, 3), 1, 1, "float32")]


def _conv_cases(hidden):
    cases = []
    for seed, (x_shape, w_shape, stride, padding, dtype) in enumerate(HIDDEN if hidden else PUBLIC):
        r = rng(seed + (200 if hidden else 0))
        cases.append(Case((r.standard_normal(x_shape).astype(dtype),
                           r.standard_normal(w_shape).astype(dtype),
                           r.standard_normal(w_shape[0]).astype(dtype)),
                          {"stride": stride, "padding": padding}))
    return cases


def _conv_backward_cases(hidden):
    cases = []
    for case in _conv_cases(hidden):
        x, weight, bias = case.args
        out_shape = oracle.conv2d(x, weight, bias, **case.kwargs).shape
        grad_out = rng(x.size).standard_normal(out_shape).astype(x.dtype)
        cases.append(Case((grad_out, x, weight), case.kwargs))
    return cases


def no_loop_over_pixels(fn):
    """'' if fn runs about as many lines of its own code for a 12x12 output as for a 4x4 one;
    otherwise a sentence saying it loops over output pixels."""
    r = rng(7)
    weight, bias = r.standard_normal((2, 2, 3, 3)), r.standard_normal(2)
    small, big = (safety.count_student_lines(fn, (r.standard_normal((1, 2, size, size)), weight,
                                                  bias)) for size in (6, 14))
    if small is None or big is None:
        return ""          # the grid already reports why the function fails
    if big - small >= (144 - 16) // 2:
        return (f"it runs {big} lines of Python for a 12x12 output but {small} for a 4x4 one: "
                "it loops over output pixels. Vectorise (loop over the kernel's kh * kw "
                "offsets at most, or build all windows at once) and let NumPy do the rest")
    return ""


_CONV_VARIANTS = (d.conv_kernel_flipped, d.conv_bias_forgotten, d.conv_padding_one_side,
                  d.conv_padding_total, d.conv_stride_ignored, d.conv_channels_last,
                  d.conv_size_rounded_up, d.conv_size_one_too_small, d.conv_size_one_too_large)

register(Exercise(
    name="conv2d_naive", notebook="02",
    signature="conv2d_naive(x, weight, bias, stride=1, padding=0)", returns="out",
    cases=_conv_cases, reference=oracle.conv2d, variants=_CONV_VARIANTS, time_limit=20.0))

register(Exercise(
    name="conv2d_vectorized", notebook="02",
    signature="conv2d_vectorized(x, weight, bias, stride=1, padding=0)", returns="out",
    cases=_conv_cases, reference=oracle.conv2d, variants=_CONV_VARIANTS, time_limit=10.0,
    structure=no_loop_over_pixels))

register(Exercise(
    name="conv2d_backward", notebook="02",
    signature="conv2d_backward(grad_out, x, weight, stride=1, padding=0)",
    returns="(grad_x, grad_weight, grad_bias)", cases=_conv_backward_cases,
    reference=oracle.conv2d_backward, output_names=("grad_x", "grad_weight", "grad_bias"),
    variants=(d.conv_grad_x_not_flipped, d.conv_grad_weight_flipped, d.conv_grad_x_padded,
              d.conv_grad_bias_batch_only, d.conv_grad_bias_space_only), time_limit=20.0))
