"""layer_norm_backward(grad_output, input, normalized_shape, weight=None, eps=1e-5): the
gradients of ``layer_norm``.

Mirrors ``course_utils.functional.layer_norm_backward``: returns (grad_input, grad_weight,
grad_bias), grad_input shaped like input and the other two shaped ``normalized_shape`` (also
when weight is None: the gradients that weight = 1 and bias = 0 would get). Every example is
standardised over its last ``len(normalized_shape)`` axes, so the mean and variance that
grad_input flows through are taken over those axes, one pair per leading index; the weight
has one value per element of ``normalized_shape``, so its gradient is summed over the leading
axes. Graded against autograd.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal
from .common import standardize

# At least this many values share a mean in the hidden cases: the backward of a variance of two
# or three values is ill-conditioned (a correct float32 answer can miss the tolerance).
MIN_SHARED = 4

# (input shape, number of normalised trailing axes, with a weight, dtype)
PUBLIC = [((4, 6), 1, True, "float64"), ((2, 3, 4, 4), 3, True, "float64"),
          ((3, 5), 1, True, "float32"), ((2, 3, 4, 5), 2, True, "float64"),
          ((2, 4, 3), 2, False, "float32"), ((3, 4, 5), 1, True, "float64")]


def make_case(rng, shape, trailing, with_weight, dtype):
    normalized = tuple(shape[len(shape) - trailing:])
    x = normal(rng, shape, dtype, scale=2, shift=1)
    weight = normal(rng, normalized, dtype) if with_weight else None
    return Case((normal(rng, shape, dtype), x, normalized, weight))


def public():
    rng = np.random.default_rng(13)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Every rank (2-4) in both dtypes, with and without a weight; one case that normalises
    fewer axes than input.shape[1:]."""
    cases = []
    for ndim in (2, 3, 4):
        for dtype in FLOATS:
            shape = tuple(int(v) for v in rng.integers(2, 6, ndim))
            trailing = int(rng.integers(1, ndim))
            if np.prod(shape[ndim - trailing:]) < MIN_SHARED:   # a well-conditioned variance
                shape = shape[:-1] + (MIN_SHARED,)
            cases.append(make_case(rng, shape, trailing, bool((ndim + len(cases)) % 2), dtype))
    shape = tuple(int(v) for v in rng.integers(2, 5, 4))
    cases.append(make_case(rng, shape, 2, True, "float64"))
    return cases


def reference(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    normalized_shape = tuple(normalized_shape)
    weight = np.ones(normalized_shape, input.dtype) if weight is None else weight
    forward = lambda x, w, b: pytorch.F().layer_norm(x, normalized_shape, w, b,  # noqa: E731
                                                     eps=eps)
    return pytorch.gradients(forward, grad_output, input, weight,
                             np.zeros(normalized_shape, input.dtype))


def _trailing(x, normalized_shape):
    return tuple(range(x.ndim - len(normalized_shape), x.ndim))


def _leading(x, normalized_shape):
    return tuple(range(x.ndim - len(normalized_shape)))


def _gradients(grad_output, input, normalized_shape, weight, eps, grad_input_rule,
               weight_source="x_hat", apply_weight=True):
    """(grad_input, grad_weight, grad_bias) with one step computed as a mistake would."""
    axes, leading = _trailing(input, normalized_shape), _leading(input, normalized_shape)
    x_hat = standardize(input, axes, eps)
    s = 1 / np.sqrt(input.var(axis=axes, keepdims=True) + eps)
    g = grad_output if weight is None or not apply_weight else grad_output * weight
    grad_input = grad_input_rule(g, x_hat, s, axes, leading)
    source = x_hat if weight_source == "x_hat" else input
    grad_weight = (grad_output * source).sum(axis=leading)
    grad_bias = grad_output.sum(axis=leading)
    dtype = input.dtype
    return grad_input.astype(dtype), grad_weight.astype(dtype), grad_bias.astype(dtype)


def _right(g, x_hat, s, axes, leading):
    return s * (g - g.mean(axis=axes, keepdims=True)
                - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))


@mistake("grad_input treats the mean and the variance as constants: they are computed from the "
         "input, so grad_input has two more terms (the chain rule through the mean and the "
         "variance of each example)")
def statistics_ignored(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    return _gradients(grad_output, input, normalized_shape, weight, eps,
                      lambda g, x_hat, s, axes, leading: s * g)


@mistake("grad_input follows the mean but not the variance: the variance depends on the input "
         "too, which subtracts the part of dL/dx_hat along x_hat, x_hat * mean(dL/dx_hat * "
         "x_hat)")
def variance_ignored(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    return _gradients(grad_output, input, normalized_shape, weight, eps,
                      lambda g, x_hat, s, axes, leading: s * (g - g.mean(axis=axes,
                                                                          keepdims=True)))


@mistake("the means in grad_input run over the leading (batch) axes, as in batch norm: in layer "
         "norm the statistics, and so the means of the backward, are over the last "
         "len(normalized_shape) axes of each example")
def batch_axes_in_grad_input(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    return _gradients(grad_output, input, normalized_shape, weight, eps,
                      lambda g, x_hat, s, axes, leading: _right(g, x_hat, s, leading, axes))


@mistake("grad_weight multiplies grad_output by the input: the weight scales x_hat, so "
         "grad_weight = sum of grad_output * x_hat over the leading axes")
def grad_weight_from_input(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    return _gradients(grad_output, input, normalized_shape, weight, eps, _right,
                      weight_source="input")


@mistake("grad_input leaves out the weight: the gradient reaching x_hat is grad_output * weight")
def weight_not_applied(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    return _gradients(grad_output, input, normalized_shape, weight, eps, _right,
                      apply_weight=False)


EXERCISE = Exercise(
    name="layer_norm_backward",
    signature="layer_norm_backward(grad_output, input, normalized_shape, weight=None, eps=1e-5)",
    returns="(grad_input, grad_weight, grad_bias): grad_input shaped like input, the others "
            "shaped normalized_shape, all of input's dtype",
    points=3,
    space={"grad_output": Array((2, 3, 4)), "input": Array((2, 3, 4)),
           "weight": Array((1, 2, 3), optional=True)},
    promises=(("normalized_shape shorter than input.shape[1:]",
               lambda v: len(v["normalized_shape"]) < v["input"].ndim - 1, "public"),),
    public=public, hidden=hidden, reference=reference,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    mistakes=(statistics_ignored, variance_ignored, batch_axes_in_grad_input,
              grad_weight_from_input, weight_not_applied))
