"""layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5): layer normalisation,
as ``torch.nn.functional.layer_norm``.

Mirrors ``course_utils.functional.layer_norm``: every example is standardised over its last
``len(normalized_shape)`` axes (which must have the shape ``normalized_shape``), with the biased
variance; weight and bias, if given, have the shape ``normalized_shape``. The same in training
and evaluation. Returns the output, shaped like input, of its dtype.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal
from .common import standardize

# (input shape, number of normalised trailing axes, affine, dtype)
PUBLIC = [((4, 6), 1, True, "float64"), ((2, 3, 4, 4), 3, True, "float64"),
          ((3, 5), 1, True, "float32"), ((2, 3, 4, 5), 2, True, "float64"),
          ((2, 4, 3), 2, False, "float32")]


def make_case(rng, shape, trailing, with_affine, dtype):
    normalized = tuple(shape[len(shape) - trailing:])
    x = normal(rng, shape, dtype, scale=2, shift=3)
    weight, bias = (normal(rng, normalized, dtype), normal(rng, normalized, dtype)) \
        if with_affine else (None, None)
    return Case((x, normalized, weight, bias))


def public():
    rng = np.random.default_rng(10)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    cases = []
    for ndim in (2, 3, 4):
        for dtype in FLOATS:
            shape = tuple(int(v) for v in rng.integers(2, 6, ndim))
            cases.append(make_case(rng, shape, int(rng.integers(1, ndim)), bool(rng.integers(2)),
                                   dtype))
    return cases


def reference(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    t = pytorch.tensor
    return pytorch.numpy(pytorch.F().layer_norm(t(input), tuple(normalized_shape), t(weight),
                                                t(bias), eps=eps))


def _normalized(x, normalized_shape, weight, bias, axes, eps, **kwargs):
    out = standardize(x, axes, eps, **kwargs)
    out = out if weight is None else out * weight
    return (out if bias is None else out + bias).astype(x.dtype)


def _trailing(x, normalized_shape):
    return tuple(range(x.ndim - len(normalized_shape), x.ndim))


@mistake("normalised over the batch axis, like batch norm: layer norm normalises each example "
         "on its own, over its last len(normalized_shape) axes")
def batch_norm_axes(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _normalized(input, normalized_shape, weight, bias, (0,) + tuple(range(2, input.ndim)),
                       eps)


@mistake("normalised over every axis but the first, whatever normalized_shape says: normalise "
         "over the last len(normalized_shape) axes only")
def all_but_first_axis(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _normalized(input, normalized_shape, weight, bias, tuple(range(1, input.ndim)), eps)


@mistake("the unbiased variance is used: normalisation layers divide by m, not m - 1")
def unbiased_variance(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _normalized(input, normalized_shape, weight, bias, _trailing(input, normalized_shape),
                       eps, ddof=1)


@mistake("eps is added outside the square root: PyTorch divides by sqrt(var + eps)")
def eps_outside_sqrt(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _normalized(input, normalized_shape, weight, bias, _trailing(input, normalized_shape),
                       eps, eps_outside=True)


EXERCISE = Exercise(
    name="layer_norm", signature="layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)",
    returns="the output: an array shaped like input, of its dtype", points=2,
    space={"input": Array((2, 3, 4)), "weight": Array((1, 2, 3), optional=True),
           "bias": Array((1, 2, 3), optional=True)},
    promises=(("normalized_shape shorter than input.shape[1:]",
               lambda v: len(v["normalized_shape"]) < v["input"].ndim - 1, "public"),),
    public=public, hidden=hidden, reference=reference,
    mistakes=(batch_norm_axes, all_but_first_axis, unbiased_variance, eps_outside_sqrt))
