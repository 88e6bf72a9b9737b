"""The exercise registry: every exercise of notebooks 01-07, by name.

An ``Exercise`` says what the student writes (its signature), how to build the grid of
configurations it is graded on (public, and hidden), what PyTorch answers (``reference``), and
which known wrong answers to compare a failing answer with (``variants``).
"""

import ast
import copy
import dataclasses
from typing import Callable

import numpy as np

EXERCISES = {}


@dataclasses.dataclass
class Case:
    """One configuration: the arguments to call the student's function with."""
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    note: str = ""                 # extra words for the description (e.g. "windows overlap")


@dataclasses.dataclass
class Variant:
    """A known wrong answer: ``fn`` takes the exercise's arguments and returns what the
    mistake produces; ``mistake`` names it and says what PyTorch does instead."""
    mistake: str
    fn: Callable


@dataclasses.dataclass
class Exercise:
    """One exercise.

    name, notebook, signature: as in CONTRIBUTING.md's table ('conv2d_naive(x, weight, ...)').
    returns:      what it returns, for the docs ('out', '(grad_x, grad_weight, grad_bias)').
    cases:        cases(hidden: bool) -> list of Case (deterministic).
    reference:    reference(*args, **kwargs) -> what a correct answer returns, from PyTorch.
    variants:     known wrong answers, tried in order when an answer is wrong.
    output_names: names of the returned values (a tuple answer), for the report.
    in_place:     arguments the function must update in place; they are compared after the
                  call as extra outputs, and may change (every other array argument may not).
    compare:      compare(got, expected) -> Mismatch | None, when the generic one won't do.
    tolerance:    (rtol, atol) instead of the dtype's default.
    mutation_atol: changes to inputs up to this size are not counted as modifications.
    time_limit:   seconds per configuration.
    structure:    structure(fn) -> '' or a problem (e.g. loops over output pixels).
    """
    name: str
    notebook: str
    signature: str
    returns: str
    cases: Callable
    reference: Callable
    variants: tuple = ()
    output_names: tuple = ()
    in_place: tuple = ()
    compare: Callable | None = None
    tolerance: tuple | None = None
    mutation_atol: float = 0.0
    time_limit: float = 10.0
    structure: Callable | None = None

    @property
    def parameters(self):
        """Argument names, from the signature."""
        tree = ast.parse(f"def {self.signature}: pass")
        return [a.arg for a in tree.body[0].args.args]

    def describe(self, case):
        """'x (2, 3, 5, 5) float64, weight (4, 3, 3, 3) float64, stride=2, padding=1'."""
        names = self.parameters
        parts = [_describe_value(n, v) for n, v in zip(names, case.args)]
        parts += [_describe_value(n, v) for n, v in case.kwargs.items()]
        if case.note:
            parts.append(case.note)
        return ", ".join(parts)


def _describe_value(name, value):
    if isinstance(value, np.ndarray):
        return f"{name} {value.shape} {value.dtype}"
    if callable(value):
        return f"{name}={getattr(value, '__doc__', None) or getattr(value, '__name__', '?')}"
    return f"{name}={value!r}"


def register(exercise):
    EXERCISES[exercise.name] = exercise
    return exercise


def get(name):
    """The exercise called ``name`` (KeyError listing the known names otherwise)."""
    try:
        return EXERCISES[name]
    except KeyError:
        known = ", ".join(sorted(EXERCISES))
        raise KeyError(f"No exercise called {name!r}. Known exercises: {known}") from None


def example(name, index=0, hidden=False):
    """The arguments of configuration ``index`` of an exercise: ``(args, kwargs)``, fresh copies.

    Reproduce a failing configuration with::

        args, kwargs = grading.example("conv2d_naive", 3)
        out = conv2d_naive(*args, **kwargs)
    """
    case = get(name).cases(hidden)[index]
    return copy.deepcopy(case.args), copy.deepcopy(case.kwargs)


def rng(seed):
    """The one random generator used to build configurations."""
    return np.random.default_rng(seed)
