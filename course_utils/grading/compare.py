"""Comparing an answer with PyTorch's: type, shape, dtype, finiteness, then values.

``compare(got, expected)`` returns None when they agree and a ``Mismatch`` saying what differs
otherwise. ``expected`` is an array, an int, or a tuple or list of them. An element agrees when
``|got - expected| <= atol + rtol * |expected|``, with (rtol, atol) from the dtype (or the
exercise's own tolerance). The relative error reported is the largest absolute error divided
by the largest ``|expected|``.

The grader keeps its own copy of the tolerances (``course_utils/gradcheck.py`` explains the
policy): the numbers are the same policy applied element by element.
"""

import dataclasses

import numpy as np

from .encode import Opaque

# (rtol, atol) by dtype; float32 sums of a few hundred terms stay well inside these.
TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-6, 1e-9)}


@dataclasses.dataclass
class Mismatch:
    kind: str                      # 'type', 'length', 'shape', 'dtype', 'non-finite', 'values'
    problem: str
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    tolerance: str = ""            # the rule that was applied, in words


def is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def describe_type(got):
    """'a tuple', 'a torch.Tensor', 'None', ... for a report."""
    if got is None:
        return "None"
    if isinstance(got, Opaque):
        return f"a {got.type}" if got.module == "builtins" else f"a {got.module}.{got.type}"
    return f"a {type(got).__name__}"


def type_problem(got, wanted):
    """Why ``got`` is not ``wanted`` (e.g. 'a NumPy array'), in a sentence a student can act on."""
    if got is None:
        return f"it returned None instead of {wanted}: did you forget `return`?"
    if isinstance(got, Opaque) and got.module.split(".")[0] == "torch":
        return (f"it returned a {got.module}.{got.type} instead of {wanted}: this exercise is "
                "about NumPy, so compute and return NumPy arrays")
    if isinstance(got, Opaque) and got.type == "ndarray":
        return f"it returned an array of Python objects instead of {wanted}"
    if isinstance(got, Opaque) and got.module.startswith("numpy"):
        return f"it returned a {got.type} (a subclass of ndarray): return a plain np.ndarray"
    return f"it returned {describe_type(got)} instead of {wanted}"


def tolerance_rule(dtype, tolerance=None):
    rtol, atol = tolerance or TOLERANCES.get(np.dtype(dtype).name, TOLERANCES["float64"])
    return f"|yours - PyTorch| <= {atol:g} + {rtol:g} * |PyTorch| for {np.dtype(dtype).name}"


def _index(flat_index, shape):
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))


def compare_arrays(got, expected, name="the output", tolerance=None):
    if isinstance(got, np.generic) and expected.ndim == 0:
        got = np.asarray(got)
    if type(got) is not np.ndarray:
        return Mismatch("type", f"{name}: " + type_problem(got, "a NumPy array"))
    if got.shape != expected.shape:
        return Mismatch("shape", f"{name} has shape {got.shape}; PyTorch gives {expected.shape}")
    if got.dtype != expected.dtype:
        return Mismatch("dtype", f"{name} has dtype {got.dtype}; PyTorch gives {expected.dtype} "
                        "for these inputs (an array made with np.zeros(shape) is float64: give "
                        "it the dtype you need, np.zeros(shape, dtype=...))")
    if expected.dtype == np.bool_ or np.issubdtype(expected.dtype, np.integer):
        wrong = got != expected
        if wrong.any():
            first = _index(np.flatnonzero(wrong)[0], got.shape)
            return Mismatch("values", f"{name} differs from PyTorch at {int(wrong.sum())} of "
                            f"{wrong.size} positions; first at index {first}: yours "
                            f"{got[first]!r}, PyTorch {expected[first]!r}")
        return None
    return _compare_floats(got, expected, name, tolerance)


def _compare_floats(got, expected, name, tolerance):
    rtol, atol = tolerance or TOLERANCES.get(expected.dtype.name, TOLERANCES["float64"])
    rule = tolerance_rule(expected.dtype, tolerance)
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
    max_abs = float(np.max(error))
    scale = float(np.max(np.abs(expected64)))
    first = np.flatnonzero(bad)[0]
    return Mismatch("values",
                    f"{name} differs from PyTorch at {int(bad.sum())} of {bad.size} positions; "
                    f"first at index {_index(first, got.shape)}: yours {got64.flat[first]:.6g}, "
                    f"PyTorch {expected64.flat[first]:.6g}",
                    max_abs, max_abs / scale if scale > 0 else float("inf"), rule)


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
    """None if ``got`` agrees with ``expected`` (an array, an int, or a tuple of them, named by
    ``names``); else the first Mismatch."""
    if isinstance(expected, tuple):
        names = list(names or [f"output {i}" for i in range(len(expected))])[:len(expected)]
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
    if expected is None:
        return None if got is None else Mismatch("type", f"{name}: it is {describe_type(got)}; "
                                                 "PyTorch gives None here")
    if is_integer(expected):
        return compare_integers(got, expected, name)
    return compare_arrays(got, expected, name, tolerance)


def agrees(got, wrong, tolerance=None):
    """Does ``got`` reproduce a mistake's answer ``wrong``? Values and shapes only (any float
    dtype, the looser tolerance); NaN entries of ``wrong`` are the ones the mistake leaves
    undetermined (e.g. the extra row of an output size rounded up) and match anything."""
    if isinstance(wrong, (tuple, list)):
        return isinstance(got, (tuple, list)) and len(got) == len(wrong) and \
            all(agrees(g, w, tolerance) for g, w in zip(got, wrong))
    if is_integer(wrong):
        return is_integer(got) and int(got) == int(wrong)
    if wrong is None or got is None:
        return got is wrong
    if isinstance(got, np.generic):
        got = np.asarray(got)
    wrong = np.asarray(wrong)
    if type(got) is not np.ndarray or got.shape != wrong.shape or got.dtype.hasobject:
        return False
    if wrong.dtype == np.bool_ or got.dtype == np.bool_:
        return bool(np.array_equal(got, wrong))
    rtol, atol = tolerance or TOLERANCES["float32"]
    wrong64, got64 = wrong.astype(np.float64), got.astype(np.float64)
    known = ~np.isnan(wrong64)
    close = np.abs(got64 - wrong64) <= atol + rtol * np.abs(wrong64)
    return bool(np.all(close[known]))
