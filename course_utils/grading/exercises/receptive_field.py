"""Notebook 04, receptive fields: receptive_field_size, graded against a measurement.

The oracle does not use the formula: it stacks 1-D convolutions with all-ones kernels in torch
and counts the input positions whose gradient, for the centre output, is nonzero.
"""

from .. import diagnostics as d
from .. import oracle
from ..registry import Case, Exercise, register

# Each layer: (kernel, stride, padding, dilation).
_PUBLIC = [[(3, 1, 1, 1)],
           [(3, 1, 1, 1)] * 3,
           [(3, 2, 1, 1), (3, 2, 1, 1), (3, 1, 1, 1)],
           [(5, 1, 2, 1), (2, 2, 0, 1), (5, 1, 2, 1), (2, 2, 0, 1)],
           [(3, 1, 2, 2), (3, 1, 4, 4)],
           [(7, 2, 3, 1), (3, 2, 1, 1), (3, 1, 1, 1), (3, 1, 1, 1)]]
_HIDDEN = [[(5, 1, 0, 1)],
           [(3, 2, 0, 1), (3, 2, 0, 1), (3, 2, 0, 1), (3, 2, 0, 1)],
           [(1, 1, 0, 1), (3, 1, 1, 1), (1, 2, 0, 1), (3, 1, 2, 2)],
           [(11, 4, 2, 1), (3, 2, 0, 1), (5, 1, 2, 1), (3, 2, 0, 1), (3, 1, 1, 1)],
           [(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4), (3, 1, 8, 8)],
           [(2, 2, 0, 1), (4, 1, 0, 1), (3, 3, 1, 2)]]


def _cases(hidden):
    return [Case((list(layers),)) for layers in (_HIDDEN if hidden else _PUBLIC)]


register(Exercise(
    name="receptive_field_size", notebook="04", signature="receptive_field_size(layers)",
    returns="int", cases=_cases, reference=oracle.receptive_field_size,
    variants=(d.rf_strides_ignored, d.rf_dilation_ignored, d.rf_own_stride_included,
              d.rf_kernels_summed, d.rf_plus_one_forgotten, d.rf_padding_added)))
