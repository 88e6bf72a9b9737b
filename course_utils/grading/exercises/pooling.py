"""Notebook 05, pooling: max/avg pooling, forward and backward."""

from .. import diagnostics as d
from .. import oracle
from ..registry import Case, Exercise, register, rng

# (x shape, kernel_size, stride, dtype, ties). "ties" fills x with a few small integers, so
# that windows hold several equal maxima (PyTorch routes the gradient to the first one).
_PUBLIC = [((2, 3, 4, 4), 2, 2, "float64", True),
           ((1, 2, 5, 5), 2, 2, "float64", False),
           ((2, 2, 5, 5), 3, 1, "float64", True),
           ((1, 3, 6, 6), 3, 2, "float32", False),
           ((2, 1, 7, 5), 3, 2, "float32", True)]
_HIDDEN = [((1, 1, 6, 6), 2, 1, "float64", True),
           ((3, 2, 9, 9), 3, 3, "float32", False),
           ((1, 4, 8, 6), 4, 2, "float64", True),
           ((2, 2, 3, 3), 3, 3, "float64", False),
           ((1, 1, 5, 5), 2, 1, "float32", True)]


def _pool_cases(hidden):
    cases = []
    for seed, (shape, kernel, stride, dtype, ties) in enumerate(_HIDDEN if hidden else _PUBLIC):
        r = rng(seed + (300 if hidden else 0))
        x = r.integers(-2, 3, shape) if ties else r.standard_normal(shape)
        note = "many tied maxima" if ties else ""
        cases.append(Case((x.astype(dtype), kernel, stride), note=note))
    return cases


def _pool_backward_cases(hidden):
    cases = []
    for case in _pool_cases(hidden):
        x, kernel, stride = case.args
        out_shape = oracle.max_pool2d(x, kernel, stride).shape
        grad_out = rng(x.size).standard_normal(out_shape).astype(x.dtype)
        cases.append(Case((grad_out, x, kernel, stride), note=case.note))
    return cases


register(Exercise(
    name="max_pool2d_forward", notebook="05",
    signature="max_pool2d_forward(x, kernel_size, stride)", returns="out",
    cases=_pool_cases, reference=oracle.max_pool2d,
    variants=(d.pool_average_instead_of_max, d.max_pool_stride_ignored, d.pool_channels_last,
              d.pool_size_rounded_up)))

register(Exercise(
    name="max_pool2d_backward", notebook="05",
    signature="max_pool2d_backward(grad_out, x, kernel_size, stride)", returns="grad_x",
    cases=_pool_backward_cases, reference=oracle.max_pool2d_backward,
    variants=(d.max_pool_grad_to_all_ties, d.max_pool_grad_split_among_ties,
              d.max_pool_grad_to_last_tie, d.max_pool_grad_overwritten)))

register(Exercise(
    name="avg_pool2d_forward", notebook="05",
    signature="avg_pool2d_forward(x, kernel_size, stride)", returns="out",
    cases=_pool_cases, reference=oracle.avg_pool2d,
    variants=(d.pool_sum_instead_of_average, d.pool_max_instead_of_average,
              d.avg_pool_stride_ignored, d.pool_channels_last, d.pool_size_rounded_up)))

register(Exercise(
    name="avg_pool2d_backward", notebook="05",
    signature="avg_pool2d_backward(grad_out, x, kernel_size, stride)", returns="grad_x",
    cases=_pool_backward_cases, reference=oracle.avg_pool2d_backward,
    variants=(d.avg_pool_grad_not_divided, d.avg_pool_grad_overwritten)))
