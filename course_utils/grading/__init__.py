"""The grader: every exercise of the course, checked against PyTorch.

For students:

- ``check(name, fn)``: a notebook's check cell. Runs ``fn`` on the exercise's public
  configurations, shows a report (what differs, where, by how much, the likely mistake when
  the grader is certain of it) and fails the cell when ``fn`` is wrong;
- ``example(name, index)``: the arguments of one public configuration, to reproduce a failure.

For instructors and tests: ``grade(name, fn, secret=None)`` returns the ``Result``;
``EXERCISES`` maps every exercise's name to its ``Exercise``.

The package, by concern:

- ``exercise`` (what an exercise is) and ``exercises/`` (one module per exercise, by notebook),
  found by ``registry``;
- ``run`` (calling a student's function safely) and ``recording`` (the files exchanged with a
  student's kernel while grading, through ``encode``);
- ``assess`` (the trusted side: PyTorch's answers, ``compare``, ``diagnose``, the points) and
  ``report`` (the Result);
- ``checking`` (``check`` and ``grade``).
"""

from .checking import CheckFailed, check, grade
from .registry import EXERCISES, example
from .report import Result

__all__ = ["EXERCISES", "CheckFailed", "Result", "check", "example", "grade"]
