"""Naming a mistake only when it is certainly the one: a diagnosis is right, or absent.

A known mistake (``Mistake``: a function computing what that mistake returns) explains a wrong
answer when, on *every* configuration graded, it reproduces what the student's function did:

- where the mistake returns a value, the student's function returned the same value (shapes
  and values, any float dtype; a mistake leaves NaN where it does not determine the value,
  e.g. in the extra row of an output size rounded up);
- where the mistake raises (it is impossible there, e.g. a transposed weight that is not
  square), the student's function raised too;

and it differs from PyTorch's answer on at least one configuration the student failed. If no
mistake, or more than one, explains the answer, the report names none and says so: sending a
student to fix code that is already right is worse than saying nothing.
"""

from .compare import agrees

_RAISED = object()


def _answer(exercise, outcome):
    """The student's answer as compared: the value, then any in-place arguments after the call."""
    if exercise.in_place:
        return (outcome.value,) + tuple(outcome.after.get(name) for name in exercise.in_place)
    return outcome.value


def _same(exercise, got, wrong):
    if exercise.compare is not None:
        return exercise.compare(got, wrong, exercise) is None
    return agrees(got, wrong, exercise.tolerance)


def _mistake_answer(mistake, case):
    args, kwargs = case.fresh()
    try:
        return mistake.fn(*args, **kwargs)
    except Exception:                  # the mistake is impossible here (e.g. shapes)
        return _RAISED


def explains(exercise, mistake, cases, outcomes, passed):
    """Does ``mistake`` reproduce the student's outcome on every case (see above)?"""
    makes_a_difference = False
    for case, outcome, case_passed in zip(cases, outcomes, passed):
        wrong = _mistake_answer(mistake, case)
        if wrong is _RAISED or outcome.error:
            if wrong is not _RAISED or not outcome.error:
                return False
            continue
        if not _same(exercise, _answer(exercise, outcome), wrong):
            return False
        makes_a_difference = makes_a_difference or not case_passed
    return makes_a_difference


def diagnose(exercise, cases, outcomes, passed):
    """The text of the one known mistake that explains the answer, or ''."""
    explaining = [m for m in exercise.mistakes if explains(exercise, m, cases, outcomes, passed)]
    return explaining[0].text if len(explaining) == 1 else ""
