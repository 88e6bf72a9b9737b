"""The grids test what the exercises' texts promise.

Each exercise declares the inputs its text allows (``space``: the ranks and dtypes of every
array argument, None where it is optional, the values of other arguments) and names other
kinds of input it promises (``promises``). Every one of them must appear among the public cases
together with the hidden cases, for any secret; the promises marked 'public' among the public
cases alone, where a student can see them. A new exercise cannot forget this: an array
argument left out of its ``space`` fails the first test.
"""

import numpy as np
import pytest

from course_utils import grading
from course_utils.grading.exercise import Array, Choice

SECRETS = ["alpha", "bravo", "charlie", "delta"]


def kinds_seen(exercise, cases):
    """{(argument, kind)} for the cases: 'ndim 4', 'float32', 'None', a value, a kind label."""
    seen = set()
    for case in cases:
        bound = exercise.bound(case)
        for name, spec in exercise.space.items():
            value = bound[name]
            if isinstance(spec, Array):
                seen |= {(name, "None")} if value is None else \
                    {(name, f"ndim {value.ndim}"), (name, str(value.dtype))}
            else:
                seen.add((name, repr(value)))
                seen |= {(name, label) for label, holds in spec.kinds if holds(value)}
    return seen


def kinds_required(exercise):
    required = set()
    for name, spec in exercise.space.items():
        if isinstance(spec, Array):
            required |= {(name, f"ndim {n}") for n in spec.ndims} | {(name, d) for d in spec.dtypes}
            required |= {(name, "None")} if spec.optional else set()
        else:
            required |= {(name, repr(v)) for v in spec.values} | {(name, l) for l, _ in spec.kinds}
    return required


@pytest.mark.parametrize("name", sorted(grading.EXERCISES))
def test_every_array_argument_is_declared(name):
    exercise = grading.EXERCISES[name]
    for case in exercise.public() + exercise.hidden_cases(0):
        for argument, value in exercise.bound(case).items():
            if isinstance(value, np.ndarray):
                assert isinstance(exercise.space.get(argument), Array), \
                    f"{name}: declare {argument!r} in the exercise's space"


@pytest.mark.parametrize("name", sorted(grading.EXERCISES))
@pytest.mark.parametrize("secret", SECRETS)
def test_every_declared_kind_of_input_appears(name, secret):
    exercise = grading.EXERCISES[name]
    cases = exercise.public() + exercise.hidden_cases(grading.exercise.seed_for(secret, name))
    missing = kinds_required(exercise) - kinds_seen(exercise, cases)
    assert not missing, f"{name}: no case has {sorted(missing)}"
    for label, holds, grid in exercise.promises:
        grid_cases = exercise.public() if grid == "public" else cases
        assert any(holds(exercise.bound(case)) for case in grid_cases), \
            f"{name}: no {grid} case has {label}"


def test_spaces_are_what_the_texts_say():
    """Spot checks of the declarations themselves against the exercises' texts."""
    space = {name: exercise.space for name, exercise in grading.EXERCISES.items()}
    assert space["numerical_gradient"]["x"].dtypes == ("float32", "float64")
    for name in ("batch_norm", "batch_norm_backward", "group_norm", "layer_norm"):
        assert set(space[name]["input"].ndims) == {2, 3, 4}, name
    assert space["conv2d_naive"]["bias"].optional and space["linear"]["bias"].optional
    promised = {label for _, exercise in grading.EXERCISES.items()
                for label, _, _ in exercise.promises}
    assert "a rectangular output (H_out != W_out)" in promised
    assert "windows that do not divide the input (a last partial window)" in promised
    assert "H or W not divisible by 4 (pooling rounds down)" in promised
