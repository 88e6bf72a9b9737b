"""Hidden tests that a notebook cannot fool by replacing the grader or numpy.

A student's notebook runs in the same Python process as the hidden test cell, so it could
replace ``grading.check`` with a function that always passes, or patch ``numpy.allclose``.
The hidden test cell therefore uses this module, loaded afresh, and:

1. refuses to run, and fails, when functions the grader relies on (numpy, torch, a few
   builtins) are no longer the genuine ones, checked before and after grading;
2. grades with a fresh copy of the grading package, executed from its files on disk under a
   private name, so nothing the notebook did to ``course_utils.grading`` matters;
3. computes every PyTorch answer before calling the student's function.

A check cell is ``check_cell_source(name)``, e.g. for linear_forward::

    grading.check("linear_forward", linear_forward)
    ### BEGIN HIDDEN TESTS
    import sys; sys.modules.pop("course_utils.grading.hidden", None)
    from course_utils.grading.hidden import hidden_check
    hidden_check("linear_forward", linear_forward)
    ### END HIDDEN TESTS

(the pop makes the import load this file afresh, whatever the notebook did to the module).

Limits: this is not a sandbox (nbgrader's own advice is to autograde inside a container). A
determined student can still defeat in-process checks, e.g. by replacing the import system;
these checks stop the casual tampering the course expects.

This module imports nothing from the grading package at import time (only the standard
library), so loading it afresh is enough to get code the notebook has not touched.
"""

import importlib.util
import itertools
import os
import sys

# The text of a check cell (an nbgrader "autograder tests" cell) for exercise {name}.
CHECK_CELL = """grading.check("{name}", {name})
### BEGIN HIDDEN TESTS
import sys; sys.modules.pop("course_utils.grading.hidden", None)
from course_utils.grading.hidden import hidden_check
hidden_check("{name}", {name})
### END HIDDEN TESTS"""


def check_cell_source(name):
    """The source of the check cell that grades the student's function ``name``."""
    return CHECK_CELL.format(name=name)


_HEAPTYPE = 1 << 9           # set for classes defined in Python (a student's), not C types
_fresh_names = itertools.count()

# Functions the grader relies on, by module, with the __name__ the genuine one has (a tuple
# where it changed between releases: np.max is called "amax" before NumPy 1.25).
_RELIED_ON = {
    "numpy": {"allclose": "allclose", "isclose": "isclose", "array_equal": "array_equal",
              "abs": "absolute", "max": ("max", "amax"), "all": "all", "isfinite": "isfinite",
              "isnan": "isnan", "isinf": "isinf", "asarray": "asarray", "array": "array",
              "zeros": "zeros", "flatnonzero": "flatnonzero", "unravel_index": "unravel_index",
              "pad": "pad", "shape": "shape"},
    "numpy.testing": {"assert_allclose": "assert_allclose"},
    "torch": {"from_numpy": "from_numpy", "empty": "empty", "zeros": "zeros", "ones": "ones"},
    "torch.nn.functional": {"conv1d": "conv1d", "conv2d": "conv2d", "linear": "linear",
                            "max_pool2d": "max_pool2d", "avg_pool2d": "avg_pool2d",
                            "batch_norm": "batch_norm", "layer_norm": "layer_norm",
                            "group_norm": "group_norm"},
    "torch.Tensor": {"backward": "backward", "numpy": "numpy", "detach": "detach"},
    "copy": {"deepcopy": "deepcopy"},
    "sys": {"setprofile": "setprofile", "getprofile": "getprofile", "settrace": "settrace"},
    "signal": {"setitimer": "setitimer", "signal": "signal"},
    "builtins": {"isinstance": "isinstance", "abs": "abs", "len": "len", "max": "max",
                 "min": "min", "getattr": "getattr", "callable": "callable", "repr": "repr",
                 "sum": "sum", "zip": "zip", "any": "any", "all": "all"},
}
_TYPES = {"builtins": ("type", "int", "float", "bool", "tuple", "list", "dict", "str",
                       "AssertionError", "NotImplementedError", "Exception", "BaseException"),
          "numpy": ("ndarray",)}


def _package_dir(module):
    return os.path.dirname(os.path.abspath(module.__file__)) if getattr(module, "__file__", None) \
        else None


def _genuine(obj, name, folder):
    """Is ``obj`` the library's own function called ``name`` (or one of the names in a
    tuple), not a replacement?"""
    if getattr(obj, "__name__", None) not in ((name,) if isinstance(name, str) else name):
        return False
    implementation = getattr(obj, "_implementation", obj)   # numpy's dispatchers
    code = getattr(implementation, "__code__", None)
    if code is not None:
        return folder is not None and os.path.abspath(code.co_filename).startswith(folder)
    return not type(obj).__flags__ & _HEAPTYPE                # a C function or descriptor


def _lookup(path):
    """The module or class called ``path`` if it is already imported, else None."""
    module_name, _, attribute = path.rpartition(".")
    if path in sys.modules:
        return sys.modules[path]
    if module_name in sys.modules:
        return getattr(sys.modules[module_name], attribute, None)
    return None


def tampering():
    """Descriptions of the functions and types the grader relies on that were replaced."""
    replaced = []
    for owner_name, names in _RELIED_ON.items():
        owner = _lookup(owner_name)
        if owner is None:
            continue                          # not imported yet: nothing can have patched it
        folder = _package_dir(sys.modules.get(owner_name.split(".")[0]))
        for attribute, name in names.items():
            if not _genuine(getattr(owner, attribute, None), name, folder):
                replaced.append(f"{owner_name}.{attribute}")
    literal_types = {"type": type(type), "int": type(0), "float": type(0.0),
                     "bool": type(True), "tuple": type(()), "list": type([]),
                     "dict": type({}), "str": type("")}
    for owner_name, names in _TYPES.items():
        owner = sys.modules.get(owner_name)
        for name in names if owner is not None else ():
            cls = getattr(owner, name, None)
            genuine = literal_types[name] is cls if name in literal_types else (
                isinstance(cls, type(type)) and cls.__name__ == name
                and not cls.__flags__ & _HEAPTYPE)
            if not genuine:
                replaced.append(f"{owner_name}.{name}")
    return replaced


def fresh_grading():
    """A copy of course_utils.grading executed afresh from its files, under a private name,
    sharing nothing with the copy the notebook imported (but numpy and torch, checked by
    ``tampering``)."""
    folder = os.path.dirname(os.path.abspath(__file__))
    name = f"_course_utils_grading_fresh_{next(_fresh_names)}"
    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "__init__.py"),
                                                  submodule_search_locations=[folder])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
    return module


def _refuse(exercise, replaced, when):
    raise AssertionError(
        f"{exercise}: FAILED (tampered), score 0.00\n"
        f"The hidden tests cannot run: {when}, the notebook has replaced "
        f"{', '.join(replaced)}, which the grader relies on. Remove the code that replaces "
        "them, restart the kernel and run all cells again.")


def hidden_check(exercise, fn):
    """Grade ``fn`` on the exercise's hidden grid with a fresh grader; return the Result when it
    passes, raise AssertionError (the report) when it fails or the grader was tampered with."""
    __tracebackhide__ = True
    replaced = tampering()
    if replaced:
        _refuse(exercise, replaced, "before grading")
    result = fresh_grading().grade(exercise, fn, hidden=True)
    replaced = tampering()
    if replaced:
        _refuse(exercise, replaced, "while your function ran")
    if not result.passed:
        raise AssertionError(str(result))
    return result
