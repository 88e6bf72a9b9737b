"""``grading.check`` for the notebooks' check cells, and ``grading.grade`` for scripts and tests.

In a student's own notebook, ``check("conv2d", conv2d)`` runs the function on the exercise's
public configurations, compares with PyTorch, shows the report once, and raises ``CheckFailed``
(a one-line error, no grader internals) when something is wrong, so that the cell is marked as
failed. While an instructor grades (``COURSE_GRADING_DIR`` is set in the sandboxed kernel), it
only records what the function does on the cases the grader chose (``recording.record``) and
shows nothing: the comparison and the report are made outside the kernel and written into the
graded notebook.
"""

import dataclasses
import os
import warnings

from . import recording, registry
from .assess import assess
from .exercise import seed_for
from .report import Result
from .run import run_case

class CheckFailed(AssertionError):
    """A failed check. Its message is the report; in a notebook, where the report is already
    shown above, the traceback is a single line."""

    def __init__(self, result):
        super().__init__(str(result))
        self.result = result

    def _render_traceback_(self):
        return [f"{self.result.exercise}: FAILED. The report above says what differs, and how "
                "to reproduce it."]


def _not_a_function(exercise, fn):
    return Result(exercise=exercise.name, passed=False, status="error", max_points=exercise.points,
                  summary=f"grading needs the function you wrote; got {type(fn).__name__} "
                          f"{fn!r:.60}.")


def grade(name, fn, secret=None, numpy_only=True, time_limit=None):
    """Grade ``fn`` in this process: on the public configurations, or, given the instructor's
    ``secret``, on the public and hidden ones as the grader does. Returns a Result; never raises
    because of what ``fn`` does (only for an unknown exercise name). ``numpy_only=False`` lets
    ``fn`` use torch and the course's reference code (to check the library itself);
    ``time_limit`` replaces the exercise's seconds per call."""
    exercise = registry.get(name)
    if not callable(fn):
        return _not_a_function(exercise, fn)
    cases = list(exercise.public())
    first_hidden = len(cases)
    if secret is not None:
        cases += exercise.hidden_cases(seed_for(secret, name))
    rules = dataclasses.replace(recording.rules_for(exercise), numpy_only=numpy_only,
                                time_limit=time_limit or exercise.time_limit)
    with warnings.catch_warnings():          # in a check cell, stderr would cost every point
        warnings.simplefilter("ignore")
        outcomes = recording.roundtrip([run_case(fn, case, rules) for case in cases])
        probes = [run_case(fn, case, rules, count_lines=True).lines
                  for case in (exercise.structure[0]() if exercise.structure else ())]
        return assess(exercise, cases, outcomes, graded=secret is not None,
                      first_hidden=first_hidden, probe_lines=probes)


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def check(name, fn):
    """The check cell of exercise ``name``: see the module docstring."""
    __tracebackhide__ = True
    directory = os.environ.get(recording.DIRECTORY)
    if directory:
        recording.record(directory, name, fn)
        return
    result = grade(name, fn)
    if _in_notebook():
        from IPython.display import display
        display(result)
    if not result.passed:
        raise CheckFailed(result)
