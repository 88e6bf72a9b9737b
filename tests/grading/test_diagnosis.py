"""Diagnoses are right or absent.

Every named mistake, written as a student would write it, is diagnosed as itself, on the
public grid (what a student sees) and on the public and hidden grids (what an instructor's
grading sees). Wrong answers that are not among the named mistakes (``wrong_answers.py``)
fail, and get no "Likely mistake": the report says plainly that the grader does not recognise
the mistake, and where the answer differs.
"""

import pytest

import solutions
import wrong_answers
from course_utils import grading
from course_utils.grading.report import NOT_RECOGNISED

MISTAKES = [(name, index) for name, exercise in sorted(grading.EXERCISES.items())
            for index in range(len(exercise.mistakes))]


@pytest.mark.parametrize("name, index", MISTAKES,
                         ids=[f"{n}-{grading.EXERCISES[n].mistakes[i].fn.__name__}"
                              for n, i in MISTAKES])
def test_every_named_mistake_is_diagnosed_as_itself(name, index):
    exercise = grading.EXERCISES[name]
    mistake = exercise.mistakes[index]
    student = solutions.mistake_as_student(exercise, mistake)
    for secret in (None, "alpha", "bravo"):
        result = grading.grade(name, student, secret=secret, numpy_only=False)
        assert not result.passed, f"{name}: the grid cannot tell '{mistake.text}' from right"
        assert result.mistake == mistake.text, str(result)


def test_every_exercise_has_named_mistakes():
    assert all(len(exercise.mistakes) >= 2 for exercise in grading.EXERCISES.values())


def test_there_are_enough_unlisted_wrong_answers():
    assert len(wrong_answers.ALL) >= 20
    assert len({name for name, _ in wrong_answers.ALL}) >= 12     # across many exercises


@pytest.mark.parametrize("name, answer", wrong_answers.ALL,
                         ids=[f"{n}-{a.__doc__.split(':')[0]}" for n, a in wrong_answers.ALL])
def test_an_unlisted_mistake_is_located_but_not_named(name, answer):
    for secret in (None, "alpha"):
        result = grading.grade(name, answer, secret=secret)
        assert not result.passed, f"{answer.__doc__} passes"
        assert result.mistake == "" and not result.recognised, str(result)
        report = str(result)
        assert "First failing configuration" in report and "Problem" in report, report
        if result.status == "failed":
            assert NOT_RECOGNISED in report
