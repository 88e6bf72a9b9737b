"""batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
momentum=0.1, eps=1e-5): batch normalisation, as ``torch.nn.functional.batch_norm``.

Mirrors ``course_utils.functional.batch_norm``. Input (N, C) or (N, C, *); the statistics, and
weight and bias, are (C,): one per channel, over the batch and every spatial axis.

- training: normalise with the batch mean and the biased batch variance, then update the
  running statistics in place (when they are not None): ``running = (1 - momentum) * running
  + momentum * batch statistic``, with the *unbiased* variance for running_var;
- evaluation: normalise with running_mean and running_var, which do not change.
Returns the output, shaped like input, of its dtype.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal
from .common import affine, batch_axes, input_shape, per_channel, standardize

# (input shape, training, momentum (None: default), fresh running statistics, affine, dtype)
PUBLIC = [((4, 3, 2, 2), True, None, True, True, "float64"),
          ((4, 3, 2, 2), False, None, False, True, "float64"),
          ((2, 5, 3, 3), True, 0.3, False, True, "float32"),
          ((8, 2), True, None, False, True, "float64"),
          ((6, 3), False, None, False, False, "float32"),
          ((3, 2, 5), True, 0.05, False, False, "float64")]


def make_case(rng, shape, training, momentum, fresh, with_affine, dtype, drop_stats=False):
    c = shape[1]
    x = normal(rng, shape, dtype, scale=2, shift=1)
    weight, bias = (normal(rng, c, dtype), normal(rng, c, dtype)) if with_affine else (None, None)
    if drop_stats:
        mean = var = None
    elif fresh:
        mean, var = np.zeros(c, dtype), np.ones(c, dtype)
    else:
        mean, var = normal(rng, c, dtype), rng.uniform(0.5, 2, c).astype(dtype)
    kwargs = {"training": training} | ({} if momentum is None else {"momentum": momentum})
    return Case((x, mean, var, weight, bias), kwargs)


def public():
    rng = np.random.default_rng(8)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Every rank (2-4) in both dtypes and both modes; one training case without running
    statistics."""
    cases = []
    for ndim in (2, 3, 4):
        for dtype in FLOATS:
            training = bool((ndim + len(cases)) % 2)
            momentum = float(rng.choice([0.1, 0.2, 0.9])) if training else None
            cases.append(make_case(rng, input_shape(rng, ndim, int(rng.integers(1, 5))),
                                   training, momentum, bool(rng.integers(2)),
                                   bool(rng.integers(2)), dtype))
    cases.append(make_case(rng, input_shape(rng, 4, 3), True, None, False, True, "float64",
                           drop_stats=True))
    return cases


def reference(input, running_mean, running_var, weight=None, bias=None, training=False,
              momentum=0.1, eps=1e-5):
    """(output, running_mean after the call, running_var after the call)."""
    t = pytorch.tensor
    mean, var = t(running_mean), t(running_var)
    out = pytorch.F().batch_norm(t(input), mean, var, t(weight), t(bias), training=training,
                                 momentum=momentum, eps=eps)
    return (pytorch.numpy(out), None if mean is None else pytorch.numpy(mean),
            None if var is None else pytorch.numpy(var))


def _normalized(x, weight, bias, axes, eps, **kwargs):
    return affine(standardize(x, axes, eps, **kwargs), weight, bias, x.ndim).astype(x.dtype)


def _updated(stat, value, momentum):
    return None if stat is None else ((1 - momentum) * stat + momentum * value).astype(stat.dtype)


def _training_with_stats(x, running_mean, running_var, momentum, ddof=1, reversed=False):
    """The running statistics after a training step, computed with the given variance and
    momentum convention."""
    m = 1 - momentum if reversed else momentum
    axes = batch_axes(x)
    return (_updated(running_mean, x.mean(axis=axes), m),
            _updated(running_var, x.var(axis=axes, ddof=ddof), m))


def _statistics_mistake(ddof=1, reversed=False):
    def wrong(input, running_mean, running_var, weight=None, bias=None, training=False,
              momentum=0.1, eps=1e-5):
        out, mean, var = reference(input, running_mean, running_var, weight, bias, training,
                                   momentum, eps)
        if training:
            mean, var = _training_with_stats(input, running_mean, running_var, momentum, ddof,
                                             reversed)
        return out, mean, var
    return wrong


running_var_biased = mistake(
    "running_var is updated with the biased variance (divided by m): PyTorch's running_var uses "
    "the unbiased variance (divided by m - 1, m = N*H*W), while the normalisation itself uses "
    "the biased one")(_statistics_mistake(ddof=0))

momentum_reversed = mistake(
    "momentum's meaning is reversed: in PyTorch, running = (1 - momentum) * running + momentum "
    "* batch_statistic (momentum=0.1 weights the NEW value)")(_statistics_mistake(reversed=True))


def _output_mistake(compute):
    """A mistake in the output only; the running statistics are whatever PyTorch leaves."""
    def wrong(input, running_mean, running_var, weight=None, bias=None, training=False,
              momentum=0.1, eps=1e-5):
        _, mean, var = reference(input, running_mean, running_var, weight, bias, training,
                                 momentum, eps)
        return compute(input, running_mean, running_var, weight, bias, training, eps), mean, var
    return wrong


@mistake("the running statistics are not updated in place: write into the arrays you were "
         "given (running_mean[:] = ... or running_mean *= ...), don't rebind the name")
def running_stats_not_in_place(input, running_mean, running_var, weight=None, bias=None,
                               training=False, momentum=0.1, eps=1e-5):
    out = reference(input, running_mean, running_var, weight, bias, training, momentum, eps)[0]
    return (out, None if running_mean is None else running_mean.copy(),
            None if running_var is None else running_var.copy())


batch_stats_in_eval = mistake(
    "batch statistics are used in evaluation mode (training=False): at test time, normalise "
    "with running_mean and running_var")(_output_mistake(
        lambda x, rm, rv, w, b, training, eps: _normalized(x, w, b, batch_axes(x), eps)))


def _running_normalized(x, rm, rv, w, b, training, eps):
    shape = x.ndim
    return affine((x - per_channel(rm, shape)) / np.sqrt(per_channel(rv, shape) + eps), w, b,
                  shape).astype(x.dtype)


running_stats_in_training = mistake(
    "the running statistics are used in training mode: during training, normalise with the "
    "batch's own mean and variance")(_output_mistake(_running_normalized))

layer_norm_axes = mistake(
    "normalised over the wrong axes, per example over all its axes like layer norm: batch norm "
    "normalises each channel over the batch (N, and H, W)")(_output_mistake(
        lambda x, rm, rv, w, b, training, eps:
        _normalized(x, w, b, tuple(range(1, x.ndim)), eps) if training else
        _running_normalized(x, rm, rv, w, b, training, eps)))

instance_norm_axes = mistake(
    "normalised over the wrong axes, per example and channel over (H, W) like instance norm: "
    "batch norm normalises each channel over (N, H, W)")(_output_mistake(
        lambda x, rm, rv, w, b, training, eps:
        _normalized(x, w, b, tuple(range(2, x.ndim)), eps) if training else
        _running_normalized(x, rm, rv, w, b, training, eps)))

unbiased_normalisation = mistake(
    "the unbiased variance is used to normalise: batch norm normalises with the biased variance "
    "(divide by m); only running_var gets the unbiased one")(_output_mistake(
        lambda x, rm, rv, w, b, training, eps:
        _normalized(x, w, b, batch_axes(x), eps, ddof=1) if training else
        _running_normalized(x, rm, rv, w, b, training, eps)))

eps_outside_sqrt = mistake(
    "eps is added outside the square root: PyTorch divides by sqrt(var + eps)")(_output_mistake(
        lambda x, rm, rv, w, b, training, eps:
        _normalized(x, w, b, batch_axes(x), eps, eps_outside=True) if training else
        affine((x - per_channel(rm, x.ndim)) / (np.sqrt(per_channel(rv, x.ndim)) + eps), w, b,
               x.ndim).astype(x.dtype)))

SPACE = {"input": Array((2, 3, 4)), "running_mean": Array((1,), optional=True),
         "running_var": Array((1,), optional=True), "weight": Array((1,), optional=True),
         "bias": Array((1,), optional=True), "training": Choice((True, False))}

EXERCISE = Exercise(
    name="batch_norm",
    signature="batch_norm(input, running_mean, running_var, weight=None, bias=None, "
              "training=False, momentum=0.1, eps=1e-5)",
    returns="the output: an array shaped like input, of its dtype (and, in training mode, the "
            "running statistics updated in place)",
    points=3, space=SPACE,
    promises=(("a momentum other than the default", lambda v: v["momentum"] != 0.1,
               "public"),),
    public=public, hidden=hidden, reference=reference,
    outputs=("the output", "running_mean after the call", "running_var after the call"),
    in_place=("running_mean", "running_var"),
    mistakes=(running_var_biased, momentum_reversed, running_stats_not_in_place,
              batch_stats_in_eval, running_stats_in_training, layer_norm_axes,
              instance_norm_axes, unbiased_normalisation, eps_outside_sqrt))
