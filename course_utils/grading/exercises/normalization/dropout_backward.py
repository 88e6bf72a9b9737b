"""dropout_backward(grad_output, mask, p=0.5): the gradient of training-mode dropout.

Mirrors ``course_utils.functional.dropout_backward``: ``grad_output * mask / (1 - p)``, shaped
like grad_output, of its dtype; mask is the bool array the forward returned (True where an
entry was kept). Graded against autograd through ``input * mask / (1 - p)``.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal

# (shape, p, dtype)
PUBLIC = [((4, 5), 0.5, "float64"), ((2, 3, 4, 4), 0.2, "float32"), ((6,), 0.0, "float64"),
          ((3, 8), 0.75, "float32")]


def make_case(rng, shape, p, dtype):
    return Case((normal(rng, shape, dtype), rng.random(shape) >= p, p))


def public():
    rng = np.random.default_rng(14)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    return [make_case(rng, tuple(int(v) for v in rng.integers(1, 6, ndim)),
                      float(rng.choice([0.1, 0.5, 0.9])), dtype)
            for ndim in (1, 2, 4) for dtype in FLOATS]


def reference(grad_output, mask, p=0.5):
    t = pytorch.torch()
    keep = t.from_numpy(mask.astype(grad_output.dtype))
    forward = lambda x: x * keep / (1 - p)      # noqa: E731  dropout with this mask
    return pytorch.gradients(forward, grad_output, np.zeros_like(grad_output))[0]


@mistake("the gradient is not scaled: the forward divided the kept entries by 1 - p, so the "
         "gradient is divided by it too, grad_output * mask / (1 - p)")
def not_scaled(grad_output, mask, p=0.5):
    return grad_output * mask


@mistake("the gradient is multiplied by 1 - p: divide by it, grad_output * mask / (1 - p)")
def scaled_by_keep(grad_output, mask, p=0.5):
    return (grad_output * mask * (1 - p)).astype(grad_output.dtype)


@mistake("the gradient goes to the dropped entries: it flows only where the mask is True (the "
         "entries kept)")
def mask_inverted(grad_output, mask, p=0.5):
    return (grad_output * ~mask / (1 - p)).astype(grad_output.dtype)


@mistake("the mask is ignored: dropped entries did not reach the output, so they get no "
         "gradient")
def mask_ignored(grad_output, mask, p=0.5):
    return (grad_output / (1 - p)).astype(grad_output.dtype)


EXERCISE = Exercise(
    name="dropout_backward", signature="dropout_backward(grad_output, mask, p=0.5)",
    returns="grad_input: an array shaped like grad_output, of its dtype", points=1,
    space={"grad_output": Array((1, 2, 4)), "mask": Array((1, 2, 4), dtypes=("bool",))},
    public=public, hidden=hidden, reference=reference,
    mistakes=(not_scaled, scaled_by_keep, mask_inverted, mask_ignored))
