"""The grader: every exercise of the course, checked against PyTorch.

- ``grade(exercise, fn)`` runs the student's ``fn`` and PyTorch on the exercise's grid of
  configurations and returns a ``Result`` (``.passed``, ``.score``, a readable report). It never
  raises because of what ``fn`` did.
- ``check(exercise, fn)`` is for the notebooks' check cells: it returns the Result when the
  exercise passes and raises AssertionError carrying the report when it fails.
- ``EXERCISES``: the registry, exercise name -> ``Exercise``.
- ``example(exercise, index)``: the arguments of one configuration, to reproduce a failure.
- ``hidden_check(exercise, fn)``: the hidden tests, with a freshly loaded grader;
  ``check_cell_source(name)``: the exact text of a notebook check cell (see
  ``hidden.py`` for why it looks the way it does).

The package, by concern: ``registry`` (exercises), ``oracle`` (PyTorch's answers),
``diagnostics`` (known wrong answers, named for the mistake), ``compare`` (type, shape, dtype,
values), ``safety`` (time limits, captured output, forbidden imports, modified inputs),
``report`` (the Result), ``exercises/`` (one module per notebook topic).
"""

from . import exercises as _exercises  # noqa: F401  (fills the registry)
from .core import check, grade
from .hidden import check_cell_source, hidden_check
from .registry import EXERCISES, Exercise, example
from .report import Result

__all__ = ["EXERCISES", "Exercise", "Result", "check", "example", "grade", "hidden_check",
           "check_cell_source"]
