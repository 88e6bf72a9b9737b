"""Notebook 01, fully connected layers: linear_forward, linear_backward, numerical_gradient."""

import numpy as np

from .. import diagnostics as d
from .. import oracle
from ..registry import Case, Exercise, register, rng


def _linear_cases(hidden):
    # (N, in_features, out_features, dtype); the first is square so that a transposed weight
    # gives a wrong answer instead of an exception.
    public = [(2, 3, 3, "float64"), (4, 5, 3, "float64"), (1, 7, 2, "float32"),
              (8, 16, 10, "float32")]
    secret = [(3, 4, 4, "float32"), (5, 1, 6, "float64"), (16, 32, 8, "float64"),
              (2, 9, 9, "float32"), (1, 1, 1, "float64")]
    cases = []
    for seed, (n, fan_in, fan_out, dtype) in enumerate(secret if hidden else public):
        r = rng(seed + (100 if hidden else 0))
        cases.append(Case((r.standard_normal((n, fan_in)).astype(dtype),
                           r.standard_normal((fan_out, fan_in)).astype(dtype),
                           r.standard_normal(fan_out).astype(dtype))))
    return cases


def _linear_backward_cases(hidden):
    cases = []
    for case in _linear_cases(hidden):
        x, weight, _ = case.args
        grad_out = rng(x.size).standard_normal((x.shape[0], weight.shape[0])).astype(x.dtype)
        cases.append(Case((grad_out, x, weight)))
    return cases


register(Exercise(
    name="linear_forward", notebook="01", signature="linear_forward(x, weight, bias)",
    returns="out", cases=_linear_cases, reference=oracle.linear,
    variants=(d.linear_bias_forgotten, d.linear_weight_transposed, d.linear_output_transposed)))

register(Exercise(
    name="linear_backward", notebook="01", signature="linear_backward(grad_out, x, weight)",
    returns="(grad_x, grad_weight, grad_bias)", cases=_linear_backward_cases,
    reference=oracle.linear_backward, output_names=("grad_x", "grad_weight", "grad_bias"),
    variants=(d.linear_grad_weight_transposed, d.linear_grad_bias_not_summed,
              d.linear_gradients_averaged, d.linear_grad_x_weight_transposed)))


# Smooth test functions for numerical_gradient: a NumPy version (what the student's code calls)
# and the same function in torch (what autograd differentiates). The docstring names them.

def sum_sin_x_times_x(x):
    """f(x) = sum(sin(x) * x)"""
    return float(np.sum(np.sin(x) * x))


def log_sum_exp(x):
    """f(x) = log(sum(exp(x)))"""
    return float(np.log(np.sum(np.exp(x))))


def sum_tanh_squared(x):
    """f(x) = sum(tanh(x) ** 2) + sum(x) ** 2 / 2"""
    return float(np.sum(np.tanh(x) ** 2) + np.sum(x) ** 2 / 2)


TORCH_TWINS = {
    sum_sin_x_times_x: lambda t: (t.sin() * t).sum(),
    log_sum_exp: lambda t: t.exp().sum().log(),
    sum_tanh_squared: lambda t: (t.tanh() ** 2).sum() + t.sum() ** 2 / 2,
}


def _gradient_cases(hidden):
    public = [(sum_sin_x_times_x, (3,), None), (log_sum_exp, (2, 3), 1e-4),
              (sum_tanh_squared, (2, 2, 2), None)]
    secret = [(sum_tanh_squared, (5,), 1e-5), (sum_sin_x_times_x, (3, 2), 1e-4),
              (log_sum_exp, (1, 4), None), (sum_sin_x_times_x, (1,), None)]
    cases = []
    for seed, (f, shape, h) in enumerate(secret if hidden else public):
        x = rng(seed + (100 if hidden else 0)).standard_normal(shape)
        cases.append(Case((f, x), {} if h is None else {"h": h}))
    return cases


def _gradient_reference(f, x, h=1e-6):
    return oracle.gradient(TORCH_TWINS[f], x)


register(Exercise(
    name="numerical_gradient", notebook="01", signature="numerical_gradient(f, x, h=1e-6)",
    returns="grad", cases=_gradient_cases, reference=_gradient_reference,
    variants=(d.forward_difference, d.central_difference_over_h),
    tolerance=(1e-5, 1e-7), mutation_atol=1e-9))
