"""dropout_forward(input, p=0.5, training=True, generator=None): dropout, returning the mask.

Mirrors ``course_utils.functional.dropout_forward``. In training mode every entry is zeroed
with probability p (0 <= p < 1) and the kept ones are scaled by 1 / (1 - p), as
``torch.nn.functional.dropout``; the mask (bool, True where kept) is returned with the output,
because the backward needs it. In evaluation mode output = input and nothing is dropped. The
mask must be drawn with ``generator`` (a ``np.random.Generator``), so that a seeded run gives
the same mask again.

The answer is random, so there is no single right array to compare with: each case calls the
function twice with generators seeded alike, and the answers must obey dropout's law
(``DropoutLaw``): the right values where kept, zeros elsewhere, about a share p dropped, the
same mask both times. A named mistake is another law the answers obey instead.
"""

import dataclasses

import numpy as np

from ... import pytorch
from ...compare import Mismatch, compare_arrays, type_problem
from ...encode import Generator
from ...exercise import Array, Case, Choice, Exercise, Mistake, normal

# (input shape, p, training, dtype)
PUBLIC = [((20, 30), 0.5, True, "float64"), ((4, 3, 8, 8), 0.2, True, "float32"),
          ((50, 8), 0.8, True, "float64"), ((6, 5), 0.5, False, "float64"),
          ((10, 10), 0.0, True, "float32")]


def make_case(rng, shape, p, training, dtype):
    return Case((normal(rng, shape, dtype), p),
                {"training": training, "generator": Generator(int(rng.integers(2**31)))}, calls=2)


def public():
    rng = np.random.default_rng(13)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    cases = [make_case(rng, shape, p, True, dtype)
             for shape, p, dtype in [((30, 40), 0.3, "float32"), ((2, 4, 10, 10), 0.6, "float64"),
                                     ((400,), 0.1, "float64"), ((25, 20), 0.9, "float32")]]
    cases.append(make_case(rng, (3, 7), float(rng.uniform(0.1, 0.9)), False, "float32"))
    return cases


@dataclasses.dataclass(frozen=True)
class DropoutLaw:
    """What dropout's answers must satisfy on one input (PyTorch's semantics by default)."""
    input: np.ndarray
    p: float
    training: bool
    scale: float                 # the kept entries are multiplied by this: 1 / (1 - p)
    drop: float                  # the probability of zeroing an entry: p
    reproducible: bool = True    # the same seed gives the same mask
    mask_marks_kept: bool = True


def reference(input, p=0.5, training=True, generator=None):
    """The law of ``torch.nn.functional.dropout`` (tests/grading checks it against torch)."""
    return DropoutLaw(input, p, training, scale=1 / (1 - p), drop=p)


def _one_answer(answer, law):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Mismatch("type", type_problem(answer, "a tuple (output, mask)"))
    output, mask = answer
    problem = compare_arrays(output, np.zeros_like(law.input), "the output")
    if problem and problem.kind != "values":
        return problem
    if type(mask) is not np.ndarray or mask.dtype != np.bool_ or mask.shape != law.input.shape:
        return Mismatch("type", "the mask must be a bool array shaped like input (True where "
                        f"an entry is kept); got {type_problem(mask, 'that')}"
                        if type(mask) is not np.ndarray else
                        f"the mask has dtype {mask.dtype} and shape {mask.shape}; it must be "
                        f"bool, shaped like input {law.input.shape}")
    return None


def _values(output, mask, law):
    kept = mask if law.mask_marks_kept else ~mask
    if not law.training:
        expected = law.input
        if not mask.all():
            return Mismatch("values", "in evaluation mode nothing is dropped: the mask must be "
                            "all True")
    else:
        expected = np.where(kept, law.input * law.scale, 0).astype(law.input.dtype)
    return compare_arrays(output, expected, "the output (for your mask)")


def _dropped_share(mask, law):
    if not law.training:
        return None
    kept = mask if law.mask_marks_kept else ~mask
    n, dropped = kept.size, int((~kept).sum())
    spread = 4 * np.sqrt(n * law.drop * (1 - law.drop)) + 1
    if abs(dropped - law.drop * n) > spread:
        return Mismatch("values", f"{dropped} of {n} entries are dropped; with p = {law.p} about "
                        f"{law.drop * n:.0f} (give or take {spread:.0f}) should be")
    return None


def compare_dropout(got, law, exercise=None):
    """None if both calls' answers obey ``law``; else what breaks it."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Mismatch("type", "expected the answers of two calls")
    for answer in got:
        problem = _one_answer(answer, law) or _values(*answer, law) or _dropped_share(answer[1], law)
        if problem:
            return problem
    if law.reproducible and not np.array_equal(got[0][1], got[1][1]):
        return Mismatch("values", "two calls with generators seeded alike gave different masks: "
                        "draw the mask with the generator you are given (generator.random(...)), "
                        "not with np.random")
    return None


def _law_mistake(text, **changes):
    """A mistake that obeys another law: ``changes`` are the law's fields it changes (values, or
    functions of PyTorch's law)."""
    def wrong(input, p=0.5, training=True, generator=None):
        law = reference(input, p, training, generator)
        fields = {key: value(law) if callable(value) else value for key, value in changes.items()}
        return dataclasses.replace(law, **fields)
    return Mistake(text, wrong)


not_scaled = _law_mistake("the kept entries are not scaled: PyTorch divides them by 1 - p, so "
                          "that the expected output equals the input", scale=1.0)
scaled_by_keep = _law_mistake("the kept entries are multiplied by 1 - p: divide by it, output = "
                              "input * mask / (1 - p)", scale=lambda law: 1 - law.p)
p_is_keep = _law_mistake("p is taken as the probability of keeping an entry: in PyTorch p is the "
                         "probability of zeroing it", drop=lambda law: 1 - law.p,
                         scale=lambda law: 1 / law.p if law.p else 1.0)
dropped_in_eval = _law_mistake("entries are dropped in evaluation mode too: with training=False "
                               "dropout is the identity", training=True)
global_random = _law_mistake("the mask ignores the generator: two calls with generators seeded "
                             "alike must give the same mask; draw it with generator.random(...)",
                             reproducible=False)
mask_inverted = _law_mistake("the mask is True where an entry is DROPPED: it should be True where "
                             "the entry is kept (so that backward is grad_output * mask / (1 - p))",
                             mask_marks_kept=False)

EXERCISE = Exercise(
    name="dropout_forward", signature="dropout_forward(input, p=0.5, training=True, generator=None)",
    returns="(output, mask): output shaped like input, of its dtype; mask a bool array shaped "
            "like input, True where an entry is kept",
    points=2,
    space={"input": Array((1, 2, 4)), "training": Choice((True, False))},
    promises=(("p = 0 (nothing dropped)", lambda v: v["p"] == 0, "public"),),
    public=public, hidden=hidden, reference=reference, compare=compare_dropout,
    mistakes=(not_scaled, scaled_by_keep, p_is_keep, dropped_in_eval, global_random,
              mask_inverted))


def torch_dropout(input, p, generator_seed=0):
    """torch's own dropout on ``input`` (training mode), for the test that checks the law."""
    t = pytorch.torch()
    t.manual_seed(generator_seed)
    return pytorch.numpy(pytorch.F().dropout(pytorch.tensor(input), p=p, training=True))
