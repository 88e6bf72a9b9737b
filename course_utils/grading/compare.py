"""Comparing an answer with PyTorch's: type, shape, dtype, finiteness, then values.

``compare(got, expected)`` returns None when they agree and a ``Mismatch`` saying what differs
otherwise. The tolerance depends on the dtype: an element agrees when
``|got - expected| <= atol + rtol * |expected|``. The relative error reported is the largest
absolute error divided by the largest ``|expected|``.
"""

import dataclasses

import numpy as np

# (rtol, atol) by dtype; float32 sums of a few hundred terms stay well inside these.
TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-6, 1e-9)}


class Shape(tuple):
    """A wrong variant known only by the shape of its output (e.g. 'rounded up')."""


@dataclasses.dataclass
class Mismatch:
    kind: str                      # 'type', 'length', 'shape', 'dtype', 'non-finite', 'values'
    problem: str
    max_abs_error: float | None = None
    max_rel_error: float | None = None


def is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def type_problem(got, wanted="a NumPy array"):
    """Why ``got`` is not ``wanted``, in a sentence a student can act on."""
    kind = type(got)
    if got is None:
        return f"it returned None instead of {wanted}: did you forget `return`?"
    if kind.__module__.split(".")[0] == "torch":
        return (f"it returned a {kind.__module__}.{kind.__name__} instead of {wanted}: "
                "this exercise is about NumPy, so compute and return NumPy arrays")
    if isinstance(got, np.ndarray):
        return f"it returned a {kind.__name__} (a subclass of ndarray): return a plain np.ndarray"
    if isinstance(got, (list, tuple)):
        return f"it returned a {kind.__name__} instead of {wanted} (wrap it with np.array(...))"
    return f"it returned a {kind.__name__} ({_short(got)}) instead of {wanted}"


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _index(flat_index, shape):
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))


def compare_arrays(got, expected, name="the output", tolerance=None):
    if type(got) is not np.ndarray:
        return Mismatch("type", f"{name}: " + type_problem(got))
    if got.shape != expected.shape:
        return Mismatch("shape", f"{name} has shape {got.shape}; PyTorch gives {expected.shape}")
    if got.dtype != expected.dtype:
        return Mismatch("dtype", f"{name} has dtype {got.dtype}; PyTorch gives {expected.dtype} "
                        "for these inputs (keep the input's dtype: e.g. "
                        "np.zeros(shape, dtype=x.dtype))")
    rtol, atol = tolerance or TOLERANCES.get(expected.dtype.name, TOLERANCES["float64"])
    got64, expected64 = got.astype(np.float64), expected.astype(np.float64)
    bad_finite = ~np.isfinite(got64) & np.isfinite(expected64)
    if bad_finite.any():
        first = _index(np.flatnonzero(bad_finite)[0], got.shape)
        kinds = " and ".join(k for k, m in (("NaN", np.isnan(got64)), ("inf", np.isinf(got64)))
                             if (m & bad_finite).any())
        return Mismatch("non-finite", f"{name} contains {kinds} at {int(bad_finite.sum())} "
                        f"position(s), the first at index {first}; PyTorch's values are finite")
    error = np.abs(got64 - expected64)
    error[~np.isfinite(expected64) & (got64 == expected64)] = 0.0
    bad = ~(error <= atol + rtol * np.abs(expected64))
    if not bad.any():
        return None
    max_abs = float(np.max(error)) if error.size else 0.0
    scale = float(np.max(np.abs(expected64))) if expected64.size else 0.0
    first = np.flatnonzero(bad)[0]
    index = _index(first, got.shape)
    return Mismatch("values",
                    f"{name} differs from PyTorch at {int(bad.sum())} of {bad.size} positions; "
                    f"first at index {index}: yours {got64.flat[first]:.6g}, "
                    f"PyTorch {expected64.flat[first]:.6g}",
                    max_abs, max_abs / scale if scale > 0 else float("inf"))


def compare_integers(got, expected, name="the result"):
    if not is_integer(got):
        if isinstance(got, (float, np.floating)) and float(got).is_integer():
            return Mismatch("type", f"{name} is the float {got!r}: return an int "
                            "(use // for floor division, or int(...))")
        return Mismatch("type", f"{name}: " + type_problem(got, "an int"))
    if int(got) != int(expected):
        return Mismatch("values", f"{name} is {int(got)}; PyTorch gives {int(expected)}")
    return None


def compare(got, expected, names=None, tolerance=None):
    """None if ``got`` agrees with ``expected`` (an array, an int, a Shape, or a tuple of them,
    named by ``names``); else the first Mismatch."""
    if isinstance(expected, Shape):
        shape = getattr(got, "shape", None)
        if shape == tuple(expected):
            return None
        return Mismatch("shape", f"shape {shape} is not {tuple(expected)}")
    if isinstance(expected, tuple):
        names = names or [f"output {i}" for i in range(len(expected))]
        if not isinstance(got, (tuple, list)):
            return Mismatch("type", type_problem(got, f"a tuple ({', '.join(names)})"))
        if len(got) != len(expected):
            return Mismatch("length", f"it returned {len(got)} values; expected {len(expected)} "
                            f"({', '.join(names)})")
        for item, reference, name in zip(got, expected, names):
            mismatch = compare(item, reference, [name], tolerance)
            if mismatch:
                return mismatch
        return None
    name = names[0] if names else "the output"
    if is_integer(expected):
        return compare_integers(got, expected, name)
    return compare_arrays(got, expected, name, tolerance)
