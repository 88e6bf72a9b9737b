"""linear_backward(grad_output, input, weight, bias=None): the gradients of ``linear``.

Mirrors ``course_utils.functional.linear_backward``: returns (grad_input, grad_weight), and
grad_bias as a third value when the layer has a bias.
"""

import numpy as np

from ... import pytorch
from ...exercise import Array, Case, Exercise, mistake, normal
from . import linear


def _with_gradient(rng, case):
    input, weight, bias = case.args
    grad_output = normal(rng, (input.shape[0], weight.shape[0]), input.dtype)
    return Case((grad_output, input, weight, bias))


def public():
    rng = np.random.default_rng(1)
    return [_with_gradient(rng, case) for case in linear.public()]


def hidden(rng):
    return [_with_gradient(rng, case) for case in linear.hidden(rng)]


def reference(grad_output, input, weight, bias=None):
    return pytorch.gradients(pytorch.F().linear, grad_output, input, weight, bias)


def _replace(grads, index, value):
    return grads[:index] + (value,) + grads[index + 1:]


@mistake("grad_weight is transposed: it has weight's shape (out_features, in_features), "
         "grad_weight = grad_output.T @ input")
def grad_weight_transposed(grad_output, input, weight, bias=None):
    grads = reference(grad_output, input, weight, bias)
    return _replace(grads, 1, grads[1].T.copy())


@mistake("grad_bias is not summed over the batch: grad_bias = grad_output.sum(axis=0)")
def grad_bias_not_summed(grad_output, input, weight, bias=None):
    grads = reference(grad_output, input, weight, bias)
    return _replace(grads, 2, grad_output.copy()) if bias is not None else grads


@mistake("the gradients are averaged over the batch instead of summed (the mean belongs in "
         "the loss, not in the layer)")
def gradients_averaged(grad_output, input, weight, bias=None):
    grads = reference(grad_output, input, weight, bias)
    return grads[:1] + tuple(g / input.shape[0] for g in grads[1:])


@mistake("grad_input uses the weight transposed: grad_input = grad_output @ weight")
def grad_input_weight_transposed(grad_output, input, weight, bias=None):
    return _replace(reference(grad_output, input, weight, bias), 0, grad_output @ weight.T)


EXERCISE = Exercise(
    name="linear_backward", signature="linear_backward(grad_output, input, weight, bias=None)",
    returns="(grad_input, grad_weight), plus grad_bias as a third value when bias is not None; "
            "each shaped like the array it is the gradient of",
    points=2,
    space={"grad_output": Array((2,)), "input": Array((2,)), "weight": Array((2,)),
           "bias": Array((1,), optional=True)},
    public=public, hidden=hidden, reference=reference,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    mistakes=(grad_weight_transposed, grad_bias_not_summed, gradients_averaged,
              grad_input_weight_transposed))
