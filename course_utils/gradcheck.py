"""Numerical gradients and the course's one tolerance policy.

The error measure used by the tests, the notebooks and the grader's reports::

    relative_error(a, b) = max|a - b| / max(max|a|, max|b|, tiny)

the largest difference measured against the scale of the arrays. It is 0 for equal arrays, at
most 2, and does not blow up on single entries that happen to be near zero (an element-wise
ratio, as in CS231n's ``rel_error``, does: a correct 1e-9 next to a correct 2e-9 is "100% off").

``assert_close(actual, expected)`` passes when ``max|a - e| <= atol + rtol * max(max|a|, max|e|)``,
with (rtol, atol) from ``tolerances(dtype)``:

- float64, (1e-6, 1e-8): float64 keeps about 16 significant digits, but a central difference
  ``(f(x+h) - f(x-h)) / 2h`` has a truncation error O(h^2) (about 1e-12 at h = 1e-6) and a
  rounding error O(eps * |f| / h) (about 1e-10 * |f|), so analytic and numerical gradients
  agree to about 1e-8 to 1e-9 relative; 1e-6 leaves a margin and still catches every real bug
  (a wrong gradient is off by 1e-2 or more).
- float32, (1e-4, 1e-6): float32 keeps about 7 significant digits (eps = 1.2e-7), and a sum of
  K products loses up to about log10(K) more, so two correct float32 implementations that add
  in a different order (ours and PyTorch's) differ by 1e-6 to 1e-5 relative.
  Numerical gradients are always taken in float64: in float32, eps / h would swamp them.

The grader (``course_utils/grading/compare.py``) applies the same policy element by element,
``|got - expected| <= atol + rtol * |expected|``, so that it can point at the first wrong entry;
an element-wise test needs a larger float32 atol (1e-5, 1e-9 in float64) for entries that
cancel to nearly zero. It keeps its own copy of these numbers because hidden tests must not
rely on a module that a student's notebook could patch.

Kinks: ReLU and max are not differentiable at a tie (x = 0 for ReLU, two equal entries for
max). If x sits within h of a kink, ``f(x+h)`` and ``f(x-h)`` fall on different sides and the
numerical gradient is a meaningless average of the two slopes, so a correct analytic gradient
can legitimately disagree. The tests avoid it by drawing inputs away from kinks: ReLU inputs
with |x| > 1e-3, max-pool inputs that are a permutation of well-separated values.
"""

import numpy as np

TINY = 1e-30


def numerical_gradient(f, x, h=1e-6):
    """Central differences: ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)`` for every entry i.

    f: function from an array shaped like x to a scalar; x: any shape. Works on a float64 copy
    of x (one entry nudged at a time) and returns the gradient, float64, shaped like x.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = float(f(x))
        x[i] = old - h
        minus = float(f(x))
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(a, b):
    """``max|a - b| / max(max|a|, max|b|, tiny)``: the course's one error measure (see above)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max(), TINY)
    return float(np.abs(a - b).max() / scale)


def tolerances(dtype):
    """``(rtol, atol)`` for comparing arrays of this dtype: float32 (1e-4, 1e-6), float64 (1e-6, 1e-8)."""
    return (1e-4, 1e-6) if np.dtype(dtype) == np.float32 else (1e-6, 1e-8)


def assert_close(actual, expected, dtype=None, name=""):
    """Raise AssertionError unless ``max|a - e| <= atol + rtol * max(max|a|, max|e|)``.

    dtype picks the tolerances; by default the lower precision of the two arrays (anything
    not float32 counts as float64). Torch tensors are accepted (detached, moved to the CPU). The
    message gives the shapes, the max absolute and relative errors and where the largest
    difference is.
    """
    a, e = _numpy(actual), _numpy(expected)
    label = f"{name}: " if name else ""
    if a.shape != e.shape:
        raise AssertionError(f"{label}shape {a.shape} differs from the expected {e.shape}")
    if dtype is None:
        dtype = np.float32 if np.float32 in (a.dtype, e.dtype) else np.float64
    rtol, atol = tolerances(dtype)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    same = (a64 == e64) | (np.isnan(a64) & np.isnan(e64))  # equal infinities and NaNs match
    with np.errstate(invalid="ignore"):  # inf - inf
        diff = np.nan_to_num(np.where(same, 0.0, np.abs(a64 - e64)), nan=np.inf)
    scale = max(_finite_max(a64), _finite_max(e64), TINY)
    if diff.size and diff.max() > atol + rtol * scale:
        where = np.unravel_index(diff.argmax(), diff.shape)
        raise AssertionError(
            f"{label}arrays of shape {a.shape} differ: max abs error {diff.max():.3g}, "
            f"relative error {diff.max() / scale:.3g} (allowed: rtol={rtol:g}, atol={atol:g}, "
            f"{np.dtype(dtype).name}); largest at index {tuple(int(i) for i in where)}: "
            f"actual {a64[where]:.6g}, expected {e64[where]:.6g}"
        )


def _numpy(x):
    return np.asarray(x.detach().cpu() if hasattr(x, "detach") else x)


def _finite_max(x):
    return np.abs(x[np.isfinite(x)]).max(initial=0.0)


def check_gradient(f, x, analytic_grad, h=1e-6, name="gradient"):
    """Assert that ``analytic_grad`` matches ``numerical_gradient(f, x, h)`` (float64 tolerances).

    Returns the numerical gradient, for printing or plotting.
    """
    numeric = numerical_gradient(f, x, h)
    assert_close(analytic_grad, numeric, dtype=np.float64, name=name)
    return numeric
