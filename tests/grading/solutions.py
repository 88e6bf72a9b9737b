"""The worked solutions of the exercises, taken from the notebooks' answer cells (the same code
students see in the instructor's edition), and student versions of the named mistakes."""

import copy
from pathlib import Path

import nbformat
import numpy as np

from course_utils.grading import EXERCISES
from course_utils.grading.exercise import Case

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def notebook_solutions():
    """{exercise name: the function its notebook's answer cell defines}. A notebook's answer
    cells run in order in one namespace, as in the student's kernel: an answer may call the
    functions of the answers above it (02's conv2d calls im2col)."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        namespace = {"np": np}
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id.endswith("_answer"):
                name = grade_id[: -len("_answer")]
                exec(cell.source, namespace)
                found[name] = namespace[name]
    return found


def as_student(exercise, fn):
    """A student's function computing what ``fn`` (a mistake, or a reference, returning the
    in-place arguments' new values after the output) computes, updating in place as asked."""
    if not exercise.in_place:
        return fn

    def student(*args, **kwargs):
        output, *after = fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        bound = exercise.bound(Case(args, kwargs))
        for name, value in zip(exercise.in_place, after):
            if bound[name] is not None and value is not None:
                bound[name][...] = value
        return output
    return student


def _dropout(scale=lambda p: 1 / (1 - p), drop=lambda p: p, in_eval=False,
             use_generator=True, mask_kept=True):
    """A student's dropout_forward with the given quirks."""
    def dropout_forward(input, p=0.5, training=True, generator=None):
        if not training and not in_eval:
            return input.copy(), np.ones(input.shape, dtype=bool)
        draw = generator.random if use_generator else np.random.random
        kept = draw(input.shape) >= drop(p)
        output = (input * kept * scale(p)).astype(input.dtype)
        return output, kept if mask_kept else ~kept
    return dropout_forward


# Student versions of the mistakes that are laws, not arrays (dropout's answers are random),
# by the name of the mistake in its exercise module.
DROPOUT_STUDENTS = {
    "not_scaled": _dropout(scale=lambda p: 1.0),
    "scaled_by_keep": _dropout(scale=lambda p: 1 - p),
    "p_is_keep": _dropout(drop=lambda p: 1 - p, scale=lambda p: 1 / p if p else 1.0),
    "dropped_in_eval": _dropout(in_eval=True),
    "global_random": _dropout(use_generator=False),
    "mask_inverted": _dropout(mask_kept=False),
}


def mistake_as_student(exercise, mistake):
    """A function a student could have written that makes ``mistake``."""
    if exercise.name == "dropout_forward":
        from course_utils.grading.exercises.normalization import dropout_forward as module
        return next(DROPOUT_STUDENTS[name] for name in DROPOUT_STUDENTS
                    if getattr(module, name) is mistake)
    return as_student(exercise, mistake.fn)
