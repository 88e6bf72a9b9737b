"""What an exercise is: everything the grader knows about one function a student writes.

Each exercise lives in its own module under ``exercises/<notebook topic>/`` and ends with
``EXERCISE = Exercise(...)``; the registry finds it there. An exercise declares:

- ``signature`` and ``returns``: what the student writes. A function that mirrors one of the
  course's library functions (``course_utils.functional`` and friends, which mirror PyTorch)
  has its name, argument names, order and return shape, so the library function itself is a
  correct answer;
- ``space``: the inputs its text allows, argument by argument (``Array``, ``Choice``). Every
  option of every argument must appear in the public or hidden cases (a test checks it), and
  ``promises`` name other kinds of input the text allows that the cases must contain;
- ``public()``: the cases a student sees (``grading.example`` reproduces them);
  ``hidden(rng)``: cases drawn at grading time from a generator seeded with the instructor's
  secret, so that no student can know them in advance;
- ``reference``: PyTorch's answer for the same arguments (it runs on the trusted side only);
- ``mistakes``: known wrong answers, each a function with the exercise's signature computing
  what that mistake returns, named by what is wrong and what PyTorch does instead;
- how an answer is compared (``compare``, ``tolerance``) and checked (``structure``).
"""

import ast
import copy
import dataclasses
import hashlib
from typing import Callable

import numpy as np

from . import encode

FLOATS = ("float32", "float64")


@dataclasses.dataclass(frozen=True)
class Case:
    """One configuration: the arguments to call the student's function with.

    ``calls=2`` calls it twice with fresh copies of the same arguments (a random function
    must give the same answer for the same seed); the answer is then the pair of results.
    """
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    note: str = ""
    calls: int = 1

    def fresh(self):
        """Deep copies of (args, kwargs) for one call, seeded generators made afresh."""
        return (encode.live(copy.deepcopy(self.args)),
                {name: encode.live(value) for name, value in copy.deepcopy(self.kwargs).items()})


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``fn`` takes the exercise's arguments and returns what the mistake
    returns; ``text`` says what is wrong and what PyTorch does instead."""
    text: str
    fn: Callable


def mistake(text):
    """Decorator: turn a function computing a wrong answer into a ``Mistake``."""
    return lambda fn: Mistake(text, fn)


@dataclasses.dataclass(frozen=True)
class Array:
    """An array argument: the ranks and dtypes the exercise's text allows."""
    ndims: tuple
    dtypes: tuple = FLOATS
    optional: bool = False       # None is allowed too


@dataclasses.dataclass(frozen=True)
class Choice:
    """A non-array argument and the values (or kinds of value) its text allows. ``kinds`` maps
    a label to a predicate on the value, for options that are not single values."""
    values: tuple = ()
    kinds: tuple = ()            # ((label, predicate), ...)


def normal(rng, shape, dtype, scale=1.0, shift=0.0):
    """Standard-normal values (times scale, plus shift) of a dtype: most cases' inputs."""
    return (rng.standard_normal(shape) * scale + shift).astype(dtype)


def seed_for(secret, exercise):
    """The seed of an exercise's hidden cases, from the instructor's secret."""
    digest = hashlib.sha256(f"{secret}\n{exercise}".encode()).hexdigest()
    return int(digest[:16], 16)


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise (see the module docstring).

    name:       the function the student writes; signature: its ``def`` line, without ``def``.
    returns:    what it returns, in words a student can act on (reports quote it).
    points:     what the check cell is worth (its nbgrader metadata must say the same).
    notebook:   filled in by the registry from the exercise's package.
    outputs:    names of the returned values, when the answer is a tuple.
    in_place:   arguments the function must update in place; compared after the call as
                extra outputs (every other array argument must not change).
    compare:    compare(got, expected, exercise) -> Mismatch | None, when the generic one will
                not do (a table, a random answer).
    tolerance:  (rtol, atol) instead of the dtype's default.
    time_limit: seconds per call.
    structure:  (probes, judge): cases whose executed line counts ``judge(counts)`` turns into
                '' or a problem (e.g. a loop over output pixels).
    mutation_atol: changes to inputs up to this size are not counted as modifications.
    """
    name: str
    signature: str
    returns: str
    points: int
    space: dict
    public: Callable
    hidden: Callable
    reference: Callable
    mistakes: tuple = ()
    promises: tuple = ()         # ((label, predicate on {argument: value}, 'public' or 'any'), ...)
    outputs: tuple = ()
    in_place: tuple = ()
    compare: Callable | None = None
    tolerance: tuple | None = None
    time_limit: float = 10.0
    structure: tuple | None = None
    mutation_atol: float = 0.0
    notebook: str = ""

    @property
    def parameters(self):
        """[(argument name, default or inspect-like EMPTY)] from the signature."""
        function = ast.parse(f"def {self.signature}: pass").body[0].args
        names = [a.arg for a in function.args]
        defaults = [ast.literal_eval(d) for d in function.defaults]
        empty = [_EMPTY] * (len(names) - len(defaults))
        return list(zip(names, empty + defaults))

    def bound(self, case):
        """{argument name: value} for a case, defaults filled in."""
        values = dict(self.parameters)
        values.update(zip(values, case.args))
        values.update(case.kwargs)
        return values

    def hidden_cases(self, seed):
        return self.hidden(np.random.default_rng(seed))

    def describe(self, case):
        """'input (2, 3, 5, 5) float64, weight (4, 3, 3, 3) float64, stride=2, padding=1'."""
        names = [name for name, _ in self.parameters]
        parts = [_describe_value(n, v) for n, v in zip(names, case.args)]
        parts += [_describe_value(n, v) for n, v in case.kwargs.items()]
        if case.calls > 1:
            parts.append(f"called {case.calls} times with the same arguments")
        if case.note:
            parts.append(case.note)
        return ", ".join(parts)


class _Empty:
    def __repr__(self):
        return "<required>"


_EMPTY = _Empty()


def _describe_value(name, value):
    if isinstance(value, np.ndarray):
        return f"{name} {value.shape} {value.dtype}"
    if isinstance(value, encode.Generator):
        return f"{name}=a seeded np.random.Generator"
    if callable(value):
        return f"{name}={getattr(value, '__doc__', None) or getattr(value, '__name__', '?')}"
    return f"{name}={value!r}"
