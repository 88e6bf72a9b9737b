"""Every exercise: found by the registry, named and shaped like the library function it mirrors,
passed by its notebook's worked solution and by the library itself, on the public grid and on
hidden grids drawn with several secrets."""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import solutions
from course_utils import functional, gradcheck, grading, shapes
from course_utils.grading import exercises, registry

SECRETS = ["alpha", "bravo", "charlie"]
NOTEBOOK_SOLUTIONS = solutions.notebook_solutions()
LIBRARY = {name: getattr(module, name) for module in (functional, shapes, gradcheck)
           for name in dir(module) if name in grading.EXERCISES}


def test_every_exercise_module_is_registered_and_names_are_unique():
    modules = [info.name for info in pkgutil.walk_packages(exercises.__path__,
                                                           exercises.__name__ + ".")
               if not info.ispkg]
    defined = [importlib.import_module(m).EXERCISE.name for m in modules
               if hasattr(importlib.import_module(m), "EXERCISE")]
    assert sorted(defined) == sorted(grading.EXERCISES)
    assert len(defined) == len(set(defined))
    for name, exercise in grading.EXERCISES.items():
        assert exercise.name == name and exercise.notebook[:2].isdigit(), name


@pytest.mark.parametrize("name", sorted(grading.EXERCISES))
def test_the_worked_solution_passes_public_and_hidden_grids(name):
    solution = NOTEBOOK_SOLUTIONS[name]
    assert grading.grade(name, solution).passed, str(grading.grade(name, solution))
    for secret in SECRETS:
        result = grading.grade(name, solution, secret=secret)
        assert result.passed and result.points == result.max_points, str(result)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_the_library_twin_is_a_correct_answer_with_the_same_signature(name):
    exercise = grading.EXERCISES[name]
    declared = list(declared_signature(exercise).parameters.values())
    library = list(inspect.signature(LIBRARY[name]).parameters.values())[:len(declared)]
    assert [(p.name, p.default) for p in declared] == [(p.name, p.default) for p in library]
    for secret in [None] + SECRETS:
        assert grading.grade(name, LIBRARY[name], secret=secret, numpy_only=False).passed, name


def declared_signature(exercise):
    """The signature the exercise declares, as inspect sees it."""
    namespace = {}
    exec(f"def {exercise.signature}: pass", namespace)
    return inspect.signature(namespace[exercise.name])


@pytest.mark.parametrize("name", sorted(grading.EXERCISES))
def test_the_notebook_solution_has_the_exercise_signature(name):
    assert inspect.signature(NOTEBOOK_SOLUTIONS[name]) == declared_signature(grading.EXERCISES[name])


@pytest.mark.parametrize("name", sorted(grading.EXERCISES))
def test_grids_are_deterministic_and_hidden_grids_depend_on_the_secret(name):
    exercise = grading.EXERCISES[name]
    describe = lambda cases: [exercise.describe(c) for c in cases]          # noqa: E731
    assert describe(exercise.public()) == describe(exercise.public())
    assert len(exercise.public()) >= 3
    first, again = exercise.hidden_cases(1), exercise.hidden_cases(1)
    assert describe(first) == describe(again) and len(first) >= 3
    arrays = lambda cases: [a for c in cases for a in c.args if isinstance(a, np.ndarray)]  # noqa
    assert all(np.array_equal(a, b) for a, b in zip(arrays(first), arrays(again)))
    other = exercise.hidden_cases(2)
    assert describe(first) != describe(other) or not all(
        np.array_equal(a, b) for a, b in zip(arrays(first), arrays(other)))


def test_example_returns_fresh_copies_of_public_cases():
    args, kwargs = grading.example("conv2d_naive", 2)
    args[0][...] = 0
    again, _ = grading.example("conv2d_naive", 2)
    assert np.abs(again[0]).sum() > 0
    with pytest.raises(KeyError, match="Known exercises"):
        registry.get("conv3d")


def test_dropout_law_is_pytorchs():
    """The law dropout_forward is graded by is what torch.nn.functional.dropout does."""
    from course_utils.grading.exercises.normalization import dropout_forward as module
    ones = np.ones((100, 100))
    for p in (0.1, 0.5, 0.8):
        output = module.torch_dropout(ones, p)
        mask = output != 0
        law = module.reference(ones, p, True)
        assert module.compare_dropout(((output, mask), (output, mask)), law) is None
    assert module.compare_dropout(((ones, ones > 0), (ones, ones > 0)),
                                  module.reference(ones, 0.5, False)) is None
