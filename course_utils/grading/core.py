"""grade() and check(): run a student's function on an exercise's grid and report.

``grade`` never raises because of what the student's function did: every problem becomes a
report with a score. ``check`` is for notebook check cells: it returns the result (so the cell
shows it) and raises AssertionError carrying the report when the exercise fails.
"""

import copy
import warnings

import numpy as np

from . import registry, safety
from .compare import TOLERANCES, Shape, compare, is_integer
from .report import Result


def _reproduce(name, index, hidden):
    flag = ", hidden=True" if hidden else ""
    return (f'args, kwargs = grading.example("{name}", {index}{flag}); '
            f"{name}(*args, **kwargs)")


def _agrees(got, wrong, exercise):
    """Does ``got`` match a wrong variant (with the dtype's tolerance; any float dtype)?"""
    if exercise.compare is not None:
        return exercise.compare(got, wrong) is None
    if isinstance(wrong, Shape):
        return getattr(got, "shape", None) == tuple(wrong)
    if isinstance(wrong, tuple):
        return isinstance(got, (tuple, list)) and len(got) == len(wrong) and \
            all(_agrees(g, w, exercise) for g, w in zip(got, wrong))
    if is_integer(wrong):
        return is_integer(got) and int(got) == int(wrong)
    if not isinstance(got, np.ndarray) or got.shape != np.shape(wrong):
        return False
    rtol, atol = exercise.tolerance or TOLERANCES.get(got.dtype.name, TOLERANCES["float32"])
    wrong = np.asarray(wrong, dtype=np.float64)
    return bool(np.all(np.abs(got.astype(np.float64) - wrong) <= atol + rtol * np.abs(wrong)))


def _first_different(got, expected, exercise):
    """For a tuple answer: the index of the first value that disagrees with PyTorch."""
    for index, (g, e) in enumerate(zip(got, expected)):
        if compare(g, e, tolerance=exercise.tolerance) is not None:
            return index
    return None


def diagnose(exercise, case, got, expected):
    """The first known mistake whose answer ``got`` matches on this case, or ''."""
    index = None
    if isinstance(expected, tuple) and exercise.compare is None and \
            isinstance(got, (tuple, list)) and len(got) == len(expected):
        index = _first_different(got, expected, exercise)
    for variant in exercise.variants:
        try:
            wrong = variant.fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except Exception:               # the mistake is impossible here (e.g. shapes)
            continue
        if index is not None:
            wrong, target, right = wrong[index], got[index], expected[index]
        else:
            target, right = got, expected
        if not isinstance(wrong, Shape) and _agrees(right, wrong, exercise):
            continue                    # this mistake makes no difference here
        if _agrees(target, wrong, exercise):
            return variant.mistake
    return ""


class _Grading:
    """The state of one grade() run: counts, the first failure, what was printed."""

    def __init__(self, exercise, hidden):
        self.exercise, self.hidden = exercise, hidden
        self.cases = exercise.cases(hidden)
        self.passed = 0
        self.failure = None             # dict of Result fields for the first failing case
        self.output, self.output_lines = "", 0

    def result(self, status=None, summary="", score=None, **fields):
        total = len(self.cases)
        if status is None and self.failure is None:
            status, summary = "passed", (f"Your {self.exercise.name} agrees with PyTorch on "
                                         f"every {'hidden' if self.hidden else 'public'} "
                                         "configuration.")
        elif status is None:
            fields = {**self.failure, **fields}
            status, summary = fields.pop("status"), fields.pop("summary")
        if score is None:
            score = self.passed / total if total else 0.0
        return Result(exercise=self.exercise.name, passed=status == "passed", score=score,
                      status=status, summary=summary, cases_passed=self.passed,
                      cases_total=total, hidden=self.hidden, output=self.output,
                      output_lines=self.output_lines, **fields)

    def where(self, index):
        case = self.cases[index]
        label = "hidden" if self.hidden else "public"
        return {"configuration": f"#{index} ({label}): {self.exercise.describe(case)}",
                "reproduce": _reproduce(self.exercise.name, index, self.hidden)}

    def fail(self, index, status, summary, **fields):
        if self.failure is None:
            self.failure = {"status": status, "summary": summary, **self.where(index), **fields}

    def record_output(self, outcome):
        if outcome.output and not self.output:
            self.output = outcome.output
        self.output_lines += outcome.output_lines


# More printed lines than this, over a whole grid, is a problem in itself (zero points).
MAX_PRINTED_LINES = 2000


def grade(exercise, fn, hidden=False, time_limit=None):
    """Grade ``fn`` on ``exercise``'s public grid (or its hidden grid); returns a Result.

    Raises only for the instructor's mistakes (an unknown exercise name), never because of
    what ``fn`` does. Warnings are silenced: in a check cell, anything written to stderr makes
    nbgrader give zero points."""
    ex = registry.get(exercise)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _grade(ex, fn, hidden, time_limit)


def _grade(ex, fn, hidden, time_limit):
    run = _Grading(ex, hidden)
    name = ex.name
    if not callable(fn):
        return run.result("error", f"grading needs the function you wrote; got "
                                   f"{type(fn).__name__} {fn!r:.60}.", score=0.0)
    forbidden = safety.forbidden_reference(fn)
    if forbidden:
        return _not_numpy(run, forbidden)
    expected = [ex.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
                for c in run.cases]
    limit = time_limit or ex.time_limit
    for index, case in enumerate(run.cases):
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        before = safety.snapshot(args)
        outcome = safety.call(fn, args, kwargs, limit)
        run.record_output(outcome)
        if run.output_lines > MAX_PRINTED_LINES:
            return run.result("too much output", f"{name} printed {run.output_lines} lines; "
                              f"more than {MAX_PRINTED_LINES} drowns everything else. Remove "
                              "the print calls (or print only on a small example).",
                              score=0.0, **run.where(index))
        if outcome.forbidden:
            return _not_numpy(run, outcome.forbidden)
        if outcome.timed_out:
            return run.result("time limit", f"{name} did not finish within {limit:g} s on "
                              "one configuration: is there an infinite loop (a while loop "
                              "whose condition never changes)?", score=0.0, **run.where(index))
        if isinstance(outcome.error, NotImplementedError):
            return run.result("not implemented", f"{name} is not implemented yet: replace "
                              "`raise NotImplementedError()` with your code.", score=0.0)
        if outcome.error is not None:
            run.fail(index, "error", f"{name} raised {type(outcome.error).__name__}.",
                     problem=f"{type(outcome.error).__name__}: {outcome.error}"
                     + (f"\n(at {outcome.error_line})" if outcome.error_line else ""))
            continue
        names = ex.parameters[:len(args)]
        protected = [(n, a, b) for n, a, b in zip(names, args, before) if n not in ex.in_place]
        changed = safety.modified([a for _, a, _ in protected], [b for _, _, b in protected],
                                  [n for n, _, _ in protected], ex.mutation_atol)
        if changed:
            return run.result("modified input", f"{name} changed its input "
                              f"{', '.join(changed)} in place. Never modify an input: work on "
                              "a copy (x = x.copy()), or write into a new array"
                              + (", or restore each entry exactly after perturbing it"
                                 if name == "numerical_gradient" else "") + ".",
                              score=0.0, **run.where(index))
        got = outcome.value
        if ex.in_place:
            got = (got,) + tuple(args[names.index(n)] for n in ex.in_place)
        mismatch = (ex.compare or compare)(got, expected[index], list(ex.output_names) or None,
                                           ex.tolerance)
        if mismatch is None:
            run.passed += 1
            continue
        if run.failure is None:
            status = "wrong output type" if mismatch.kind in ("type", "length") else "failed"
            mistake = diagnose(ex, case, got, expected[index]) \
                if mismatch.kind in ("values", "shape") else ""
            run.fail(index, status, f"{name} disagrees with PyTorch.", problem=mismatch.problem,
                     mistake=mistake, max_abs_error=mismatch.max_abs_error,
                     max_rel_error=mismatch.max_rel_error)
    if run.failure is None and ex.structure is not None:
        problem = ex.structure(fn)
        if problem:
            return run.result("failed", f"{name} gives the right numbers but not the way the "
                              "exercise asks.", score=0.0, problem=problem)
    return run.result()


def _not_numpy(run, what):
    return run.result("not NumPy", f"{run.exercise.name} must be written with NumPy, but it uses "
                      f"{what}. torch and the course's reference implementations "
                      "(course_utils.functional, course_utils.nn, ...) are what it is checked "
                      "against, so they may not be used here.", score=0.0)


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def check(exercise, fn, hidden=False):
    """Grade ``fn``; return the Result when it passes, raise AssertionError (whose message is
    the report) when it fails. In a notebook the failing report is also shown as HTML.

    ``hidden=True`` grades the hidden grid with a freshly loaded copy of the grader (see
    ``course_utils.grading.hidden``)."""
    __tracebackhide__ = True
    if hidden:
        from . import hidden as hidden_module
        return hidden_module.hidden_check(exercise, fn)
    result = grade(exercise, fn)
    if not result.passed:
        if _in_notebook():
            from IPython.display import display
            display(result)
        raise AssertionError(str(result))
    return result
