"""group_norm_backward(grad_output, input, num_groups, weight=None, eps=1e-5): the gradients of
``group_norm``.

Mirrors ``course_utils.functional.group_norm_backward``: returns (grad_input, grad_weight,
grad_bias), grad_input shaped like input and the other two (C,) (also when weight is None: the
gradients that weight = 1 and bias = 0 would get). The statistics are one mean and variance per
(example, group of C / num_groups consecutive channels), so the means of the backward run over
a group's channels and positions; the weight is per channel, so its gradient is summed over the
batch and the positions. Graded against autograd.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal
from .common import batch_axes, per_channel
from .group_norm import random_shape

# At least this many values share a mean in the hidden cases: the backward of a variance of two
# or three values is ill-conditioned (a correct float32 answer can miss the tolerance).
MIN_SHARED = 4

# (input shape, num_groups, with a weight, dtype)
PUBLIC = [((2, 6, 3, 3), 3, True, "float64"), ((2, 4, 2, 2), 2, True, "float64"),
          ((3, 8, 4, 4), 4, True, "float32"), ((4, 6), 2, True, "float64"),
          ((2, 6, 5), 3, False, "float32"), ((2, 4, 3, 3), 1, True, "float64")]


def make_case(rng, shape, groups, with_weight, dtype):
    x = normal(rng, shape, dtype, scale=2, shift=-1)
    weight = normal(rng, shape[1], dtype) if with_weight else None
    return Case((normal(rng, shape, dtype), x, groups, weight))


def public():
    rng = np.random.default_rng(14)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Every rank (2-4) in both dtypes, with and without a weight; one case with several
    groups of several channels."""
    cases = []
    for ndim in (2, 3, 4):
        for dtype in FLOATS:
            shape, groups = random_shape(rng, ndim, MIN_SHARED)   # a well-conditioned variance
            cases.append(make_case(rng, shape, groups, bool((ndim + len(cases)) % 2), dtype))
    groups = int(rng.integers(2, 4))
    cases.append(make_case(rng, (2, 2 * groups, 3, 3), groups, True, "float64"))
    return cases


def reference(grad_output, input, num_groups, weight=None, eps=1e-5):
    c = input.shape[1]
    weight = np.ones(c, input.dtype) if weight is None else weight
    forward = lambda x, w, b: pytorch.F().group_norm(x, num_groups, w, b, eps=eps)  # noqa: E731
    return pytorch.gradients(forward, grad_output, input, weight, np.zeros(c, input.dtype))


def _gradients(grad_output, input, num_groups, weight, eps, grad_input_rule=None,
               interleaved=False, weight_source="x_hat", apply_weight=True, per_group=False):
    """(grad_input, grad_weight, grad_bias) with one step computed as a mistake would."""
    n, c = input.shape[:2]
    if interleaved:      # channel k in group k % num_groups
        grouped_shape, order = (n, c // num_groups, num_groups, -1), (0, 2, 1, 3)
    else:                # consecutive channels, as PyTorch
        grouped_shape, order = (n, num_groups, c // num_groups, -1), (0, 1, 2, 3)

    def grouped(a):      # (N, G, C/G * positions): each row shares one mean
        return a.reshape(grouped_shape).transpose(order).reshape(n, num_groups, -1)

    def ungrouped(a):
        inverse = np.argsort(order)
        shape = tuple(grouped_shape[i] for i in order[:3]) + (-1,)
        return a.reshape(shape).transpose(inverse).reshape(input.shape)

    x = grouped(input)
    var = x.var(axis=2, keepdims=True)
    x_hat = (x - x.mean(axis=2, keepdims=True)) / np.sqrt(var + eps)
    s = 1 / np.sqrt(var + eps)
    x_hat_full = ungrouped(x_hat)
    g_full = grad_output if weight is None or not apply_weight else \
        grad_output * per_channel(weight, input.ndim)
    g = grouped(g_full)
    rule = grad_input_rule or (lambda g, x_hat, s: s * (
        g - g.mean(axis=2, keepdims=True) - x_hat * (g * x_hat).mean(axis=2, keepdims=True)))
    grad_input = ungrouped(rule(g, x_hat, s))
    source = x_hat_full if weight_source == "x_hat" else input
    if per_group:
        grad_weight = grouped(grad_output * source).sum(axis=(0, 2))
        grad_bias = grouped(grad_output).sum(axis=(0, 2))
    else:
        grad_weight = (grad_output * source).sum(axis=batch_axes(input))
        grad_bias = grad_output.sum(axis=batch_axes(input))
    dtype = input.dtype
    return grad_input.astype(dtype), grad_weight.astype(dtype), grad_bias.astype(dtype)


@mistake("grad_input treats the group's mean and variance as constants: they are computed from "
         "the input, so grad_input has two more terms (the chain rule through each group's "
         "mean and variance)")
def statistics_ignored(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, num_groups, weight, eps,
                      grad_input_rule=lambda g, x_hat, s: s * g)


@mistake("the channels are grouped with a stride (channel c in group c % num_groups): "
         "PyTorch's groups are consecutive channels, input.reshape(N, num_groups, -1)")
def groups_interleaved(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, num_groups, weight, eps, interleaved=True)


@mistake("one group is used (the layer norm backward): the means of the backward run over each "
         "of the num_groups groups separately")
def one_group(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, 1, weight, eps)


@mistake("each channel is its own group (the instance norm backward): the means of the "
         "backward run over groups of C // num_groups channels")
def group_per_channel(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, input.shape[1], weight, eps)


@mistake("grad_weight and grad_bias are summed per group, shape (num_groups,): the weight and "
         "the bias are per channel, so sum over the batch and the positions only, shape (C,)")
def parameters_per_group(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, num_groups, weight, eps, per_group=True)


@mistake("grad_weight multiplies grad_output by the input: the weight scales x_hat, so "
         "grad_weight = sum of grad_output * x_hat over every axis but the channel axis")
def grad_weight_from_input(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, num_groups, weight, eps, weight_source="input")


@mistake("grad_input leaves out the weight: the gradient reaching x_hat is grad_output * weight, "
         "the weight of each channel")
def weight_not_applied(grad_output, input, num_groups, weight=None, eps=1e-5):
    return _gradients(grad_output, input, num_groups, weight, eps, apply_weight=False)


EXERCISE = Exercise(
    name="group_norm_backward",
    signature="group_norm_backward(grad_output, input, num_groups, weight=None, eps=1e-5)",
    returns="(grad_input, grad_weight, grad_bias): grad_input shaped like input, the others "
            "(C,), all of input's dtype",
    points=3,
    space={"grad_output": Array((2, 3, 4)), "input": Array((2, 3, 4)),
           "weight": Array((1,), optional=True)},
    promises=(("several channels per group", lambda v: v["input"].shape[1] > v["num_groups"],
               "public"),
              ("more than one group", lambda v: v["num_groups"] > 1, "public"),
              ("one group (the layer norm case)", lambda v: v["num_groups"] == 1, "public")),
    public=public, hidden=hidden, reference=reference,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    mistakes=(statistics_ignored, groups_interleaved, one_group, group_per_channel,
              parameters_per_group, grad_weight_from_input, weight_not_applied))
