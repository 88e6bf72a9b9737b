"""numerical_gradient(f, x, h=1e-6): the gradient of f at x by central differences.

Mirrors ``course_utils.gradcheck.numerical_gradient``: ``grad[i] = (f(x + h e_i) - f(x - h e_i))
/ (2h)`` for every entry i of x (any shape, float32 or float64), computed on a float64 copy
of x and returned as float64, shaped like x. Graded against autograd, in float64.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake

# Smooth functions to differentiate: the NumPy version the student's code calls, and the same
# function in torch for autograd (their docstrings name them in the reports).


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
FUNCTIONS = tuple(TORCH_TWINS)

# (f, shape of x, dtype, h: None for the default)
PUBLIC = [(sum_sin_x_times_x, (3,), "float64", None), (log_sum_exp, (2, 3), "float64", 1e-4),
          (sum_tanh_squared, (2, 2, 2), "float64", None), (sum_sin_x_times_x, (4,), "float32", None),
          (log_sum_exp, (2, 2), "float32", 1e-5)]


def make_case(rng, f, shape, dtype, h):
    return Case((f, rng.standard_normal(shape).astype(dtype)), {} if h is None else {"h": h})


def public():
    rng = np.random.default_rng(2)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Every function, both dtypes, ranks 1 to 3; one other step size."""
    configs = []
    for index, f in enumerate(FUNCTIONS):
        for dtype in FLOATS:
            shape = tuple(int(n) for n in rng.integers(1, 4, size=1 + (index + len(configs)) % 3))
            configs.append((f, shape, dtype, None))
    configs.append((FUNCTIONS[int(rng.integers(3))], (3,), "float64", float(rng.choice([1e-4, 1e-5]))))
    return [make_case(rng, *config) for config in configs]


def reference(f, x, h=1e-6):
    t = pytorch.tensor(np.asarray(x, dtype=np.float64), grad=True)
    TORCH_TWINS[f](t).backward()
    return pytorch.numpy(t.grad)


def _differences(f, x, h, step, dtype=np.float64):
    x = np.array(x, dtype=dtype)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        grad[index] = step(f, x, index, h)
    return grad


def _at(f, x, index, delta):
    y = x.copy()
    y[index] += delta
    return f(y)


@mistake("a forward difference (f(x + h) - f(x)) / h: its error shrinks like h, the central "
         "difference (f(x + h) - f(x - h)) / (2h) is far more accurate")
def forward_difference(f, x, h=1e-6):
    return _differences(f, x, h, lambda f, x, i, h: (_at(f, x, i, h) - f(x)) / h)


@mistake("the central difference is divided by h instead of 2h: (f(x + h) - f(x - h)) / (2h)")
def central_difference_over_h(f, x, h=1e-6):
    return _differences(f, x, h, lambda f, x, i, h: (_at(f, x, i, h) - _at(f, x, i, -h)) / h)


@mistake("x is nudged in its own dtype: in float32, x + h with h = 1e-6 keeps only a few digits "
         "of h; work on a float64 copy, np.array(x, dtype=np.float64)")
def nudged_in_float32(f, x, h=1e-6):
    return _differences(f, x, h, lambda f, x, i, h: (_at(f, x, i, h) - _at(f, x, i, -h)) / (2 * h),
                        dtype=np.asarray(x).dtype)


EXERCISE = Exercise(
    name="numerical_gradient", signature="numerical_gradient(f, x, h=1e-6)",
    returns="the gradient: a float64 array shaped like x",
    points=2,
    space={"f": Choice(FUNCTIONS), "x": Array((1, 2, 3))},
    promises=(("a step h other than the default", lambda v: v["h"] != 1e-6, "any"),),
    public=public, hidden=hidden, reference=reference,
    mistakes=(forward_difference, central_difference_over_h, nudged_in_float32),
    tolerance=(1e-7, 1e-8), mutation_atol=1e-9)
