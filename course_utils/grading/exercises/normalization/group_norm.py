"""group_norm(input, num_groups, weight=None, bias=None, eps=1e-5): group normalisation, as
``torch.nn.functional.group_norm``.

Mirrors ``course_utils.functional.group_norm``: input (N, C, *) with C divisible by
num_groups; the channels are split into num_groups groups of consecutive channels, and each
example's group is standardised over its channels and every spatial position (biased
variance); then weight and bias, (C,), scale and shift each channel. Returns the output,
shaped like input, of its dtype.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal
from .common import affine, standardize

# (input shape, num_groups, affine, dtype)
PUBLIC = [((2, 6, 3, 3), 3, True, "float64"), ((2, 4, 2, 2), 2, True, "float64"),
          ((3, 8, 4, 4), 4, True, "float32"), ((4, 6), 2, True, "float64"),
          ((2, 6, 5), 3, False, "float32")]


def make_case(rng, shape, groups, with_affine, dtype):
    c = shape[1]
    weight, bias = (normal(rng, c, dtype), normal(rng, c, dtype)) if with_affine else (None, None)
    return Case((normal(rng, shape, dtype, scale=2, shift=-1), groups, weight, bias))


def public():
    rng = np.random.default_rng(11)
    return [make_case(rng, *config) for config in PUBLIC]


def random_shape(rng, ndim, min_shared=2):
    """(shape, groups): a random (N, C, ...) input of rank ``ndim`` for group norm, with at
    least ``min_shared`` values sharing each group's statistics (also used by the backward)."""
    groups, per_group = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    shape = (int(rng.integers(1, 4)), groups * per_group) + \
        tuple(int(v) for v in rng.integers(1, 4, ndim - 2))
    if np.prod(shape[2:]) * per_group < min_shared:
        shape = shape[:1] + (groups * min_shared,) + shape[2:]
    return shape, groups


def hidden(rng):
    cases = []
    for ndim in (2, 3, 4):
        for dtype in FLOATS:
            shape, groups = random_shape(rng, ndim)
            cases.append(make_case(rng, shape, groups, bool(rng.integers(2)), dtype))
    return cases


def reference(input, num_groups, weight=None, bias=None, eps=1e-5):
    t = pytorch.tensor
    return pytorch.numpy(pytorch.F().group_norm(t(input), num_groups, t(weight), t(bias), eps=eps))


def _grouped_norm(x, groups, weight, bias, eps, interleaved=False, **kwargs):
    n, c = x.shape[:2]
    if interleaved:
        grouped = x.reshape((n, c // groups, groups) + x.shape[2:])
        axes = (1,) + tuple(range(3, grouped.ndim))
    else:
        grouped = x.reshape((n, groups, c // groups) + x.shape[2:])
        axes = tuple(range(2, grouped.ndim))
    x_hat = standardize(grouped, axes, eps, **kwargs).reshape(x.shape)
    return affine(x_hat, weight, bias, x.ndim).astype(x.dtype)


@mistake("the channels are grouped with a stride (channel c in group c % num_groups): "
         "PyTorch's groups are consecutive channels, input.reshape(N, num_groups, C // "
         "num_groups, ...)")
def groups_interleaved(input, num_groups, weight=None, bias=None, eps=1e-5):
    return _grouped_norm(input, num_groups, weight, bias, eps, interleaved=True)


@mistake("one group is used (layer norm): normalise each of the num_groups groups separately")
def one_group(input, num_groups, weight=None, bias=None, eps=1e-5):
    return _grouped_norm(input, 1, weight, bias, eps)


@mistake("each channel is its own group (instance norm): use num_groups groups of "
         "C // num_groups channels")
def group_per_channel(input, num_groups, weight=None, bias=None, eps=1e-5):
    return _grouped_norm(input, input.shape[1], weight, bias, eps)


@mistake("the unbiased variance is used: normalisation layers divide by m, not m - 1")
def unbiased_variance(input, num_groups, weight=None, bias=None, eps=1e-5):
    return _grouped_norm(input, num_groups, weight, bias, eps, ddof=1)


EXERCISE = Exercise(
    name="group_norm", signature="group_norm(input, num_groups, weight=None, bias=None, eps=1e-5)",
    returns="the output: an array shaped like input, of its dtype", points=2,
    space={"input": Array((2, 3, 4)), "weight": Array((1,), optional=True),
           "bias": Array((1,), optional=True)},
    promises=(("several channels per group", lambda v: v["input"].shape[1] > v["num_groups"],
               "public"),
              ("more than one group", lambda v: v["num_groups"] > 1, "public")),
    public=public, hidden=hidden, reference=reference,
    mistakes=(groups_interleaved, one_group, group_per_channel, unbiased_variance))
