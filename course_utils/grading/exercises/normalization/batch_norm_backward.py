"""batch_norm_backward(grad_output, input, running_mean=None, running_var=None, weight=None,
training=False, eps=1e-5): the gradients of ``batch_norm``.

Mirrors ``course_utils.functional.batch_norm_backward``: returns (grad_input, grad_weight,
grad_bias), grad_input shaped like input and the other two (C,) (also when weight is None: the
gradients that weight = 1 and bias = 0 would get). In training mode the batch mean and variance
depend on the input, so the gradient flows through them too; in evaluation mode batch norm is
a fixed per-channel affine map of its input. Graded against autograd.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal
from .common import batch_axes, input_shape, per_channel, standardize

# (input shape, training, with a weight, dtype)
PUBLIC = [((4, 3, 3, 3), True, True, "float64"), ((2, 2, 4, 4), True, True, "float64"),
          ((6, 4, 1, 1), True, True, "float32"), ((8, 3), True, False, "float64"),
          ((5, 2, 3), False, True, "float64"), ((4, 3), False, True, "float32")]


def make_case(rng, shape, training, with_weight, dtype):
    c = shape[1]
    x = normal(rng, shape, dtype, scale=3, shift=-1)
    mean = None if training else normal(rng, c, dtype)
    var = None if training else rng.uniform(0.5, 2, c).astype(dtype)
    weight = normal(rng, c, dtype) if with_weight else None
    return Case((normal(rng, shape, dtype), x, mean, var, weight), {"training": training})


def public():
    rng = np.random.default_rng(9)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    return [make_case(rng, input_shape(rng, ndim, int(rng.integers(1, 5))), training,
                      bool(rng.integers(2)), dtype)
            for ndim in (2, 3, 4) for dtype in FLOATS for training in (True, False)
            if (ndim + (dtype == "float32") + training) % 2 or ndim == 4]


def reference(grad_output, input, running_mean=None, running_var=None, weight=None,
              training=False, eps=1e-5):
    c = input.shape[1]
    weight = np.ones(c, input.dtype) if weight is None else weight
    t, F = pytorch.tensor, pytorch.F()
    forward = lambda x, w, b: F.batch_norm(x, t(running_mean), t(running_var), w, b,  # noqa: E731
                                           training=training, eps=eps)
    return pytorch.gradients(forward, grad_output, input, weight, np.zeros(c, input.dtype))


def _replace(grads, index, value):
    return grads[:index] + (value,) + grads[index + 1:]


@mistake("grad_input treats the batch mean and variance as constants: in training mode they "
         "depend on the input too, so grad_input has two more terms (the chain rule through "
         "mean and var)")
def statistics_ignored(grad_output, input, running_mean=None, running_var=None, weight=None,
                       training=False, eps=1e-5):
    grads = reference(grad_output, input, running_mean, running_var, weight, training, eps)
    if not training:
        return grads
    weight = np.ones(input.shape[1]) if weight is None else weight
    std = np.sqrt(input.var(axis=batch_axes(input), keepdims=True) + eps)
    return _replace(grads, 0, (grad_output * per_channel(weight, input.ndim) / std).astype(input.dtype))


@mistake("the gradient of the training-mode normalisation is used in evaluation mode: at test "
         "time the statistics are constants, grad_input = grad_output * weight / "
         "sqrt(running_var + eps)")
def training_gradient_in_eval(grad_output, input, running_mean=None, running_var=None,
                              weight=None, training=False, eps=1e-5):
    return reference(grad_output, input, None, None, weight, True, eps)


@mistake("grad_weight is summed over the batch only: sum over every axis but the channel axis, "
         "grad_weight = (grad_output * x_hat).sum(axis=(0, 2, 3)) for images")
def grad_weight_batch_only(grad_output, input, running_mean=None, running_var=None,
                           weight=None, training=False, eps=1e-5):
    grads = reference(grad_output, input, running_mean, running_var, weight, training, eps)
    if training:
        x_hat = standardize(input, batch_axes(input), eps)
    else:
        x_hat = (input - per_channel(running_mean, input.ndim)) / np.sqrt(
            per_channel(running_var, input.ndim) + eps)
    grad_weight = (grad_output * x_hat).sum(axis=0)
    return _replace(grads, 1, grad_weight.astype(input.dtype))


@mistake("grad_bias is summed over the batch only: sum over every axis but the channel axis, "
         "grad_bias = grad_output.sum(axis=(0, 2, 3)) for images")
def grad_bias_batch_only(grad_output, input, running_mean=None, running_var=None, weight=None,
                         training=False, eps=1e-5):
    grads = reference(grad_output, input, running_mean, running_var, weight, training, eps)
    return _replace(grads, 2, grad_output.sum(axis=0))


EXERCISE = Exercise(
    name="batch_norm_backward",
    signature="batch_norm_backward(grad_output, input, running_mean=None, running_var=None, "
              "weight=None, training=False, eps=1e-5)",
    returns="(grad_input, grad_weight, grad_bias): grad_input shaped like input, the others "
            "(C,), all of input's dtype",
    points=3,
    space={"grad_output": Array((2, 3, 4)), "input": Array((2, 3, 4)),
           "running_mean": Array((1,), optional=True), "running_var": Array((1,), optional=True),
           "weight": Array((1,), optional=True), "training": Choice((True, False))},
    public=public, hidden=hidden, reference=reference,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    mistakes=(statistics_ignored, training_gradient_in_eval, grad_weight_batch_only,
              grad_bias_batch_only))
