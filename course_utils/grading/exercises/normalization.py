"""Notebook 06, normalisation: batch norm (forward with running statistics, backward), layer
norm, group norm, and folding a test-time batch norm into the convolution before it."""

import numpy as np

from .. import diagnostics as d
from .. import oracle
from ..registry import Case, Exercise, register, rng


def _seed(hidden, seed):
    return rng(seed + (400 if hidden else 0))


def _batch_norm_cases(hidden):
    # (x shape, training, momentum (None: the default), fresh running statistics, dtype)
    public = [((4, 3, 2, 2), True, None, True, "float64"),
              ((4, 3, 2, 2), False, None, False, "float64"),
              ((2, 5, 3, 3), True, 0.3, False, "float32"),
              ((8, 2, 1, 1), True, None, False, "float64")]
    secret = [((3, 4, 3, 3), True, 0.05, False, "float64"),
              ((5, 2, 2, 2), False, 0.2, False, "float32"),
              ((2, 3, 4, 4), True, 0.9, True, "float32"),
              ((16, 1, 2, 3), True, None, False, "float64")]
    cases = []
    for seed, (shape, training, momentum, fresh, dtype) in enumerate(secret if hidden else public):
        r, c = _seed(hidden, seed), shape[1]
        x = (r.standard_normal(shape) * 2 + 1).astype(dtype)
        gamma, beta = r.standard_normal(c).astype(dtype), r.standard_normal(c).astype(dtype)
        if fresh:
            mean, var = np.zeros(c, dtype), np.ones(c, dtype)
        else:
            mean, var = r.standard_normal(c).astype(dtype), r.uniform(0.5, 2, c).astype(dtype)
        kwargs = {} if momentum is None else {"momentum": momentum}
        cases.append(Case((x, gamma, beta, mean, var, training), kwargs))
    return cases


def _batch_norm_backward_cases(hidden):
    public = [((4, 3, 3, 3), "float64"), ((2, 2, 4, 4), "float64"), ((6, 4, 1, 1), "float32")]
    secret = [((3, 5, 2, 2), "float32"), ((8, 1, 3, 3), "float64"), ((2, 3, 5, 1), "float64")]
    cases = []
    for seed, (shape, dtype) in enumerate(secret if hidden else public):
        r = _seed(hidden, seed + 10)
        cases.append(Case((r.standard_normal(shape).astype(dtype),
                           (r.standard_normal(shape) * 3 - 1).astype(dtype),
                           r.standard_normal(shape[1]).astype(dtype))))
    return cases


def _layer_norm_cases(hidden):
    public = [((4, 6), "float64"), ((2, 3, 4, 4), "float64"), ((3, 5), "float32")]
    secret = [((1, 2, 3, 3), "float32"), ((5, 1, 2, 2), "float64"), ((2, 7), "float64")]
    cases = []
    for seed, (shape, dtype) in enumerate(secret if hidden else public):
        r = _seed(hidden, seed + 20)
        cases.append(Case(((r.standard_normal(shape) * 2 + 3).astype(dtype),
                           r.standard_normal(shape[1:]).astype(dtype),
                           r.standard_normal(shape[1:]).astype(dtype))))
    return cases


def _group_norm_cases(hidden):
    public = [((2, 6, 3, 3), 3, "float64"), ((2, 4, 2, 2), 2, "float64"),
              ((3, 8, 4, 4), 4, "float32")]
    secret = [((1, 6, 2, 2), 6, "float64"), ((2, 6, 3, 2), 1, "float32"),
              ((4, 9, 2, 2), 3, "float64")]
    cases = []
    for seed, (shape, groups, dtype) in enumerate(secret if hidden else public):
        r = _seed(hidden, seed + 30)
        cases.append(Case(((r.standard_normal(shape) * 2 - 1).astype(dtype), groups,
                           r.standard_normal(shape[1]).astype(dtype),
                           r.standard_normal(shape[1]).astype(dtype))))
    return cases


def _fuse_cases(hidden):
    # (weight shape, eps (None: the default), dtype); square channels first, so that scaling
    # the wrong axis gives a wrong answer instead of an exception.
    public = [((4, 4, 3, 3), None, "float64"), ((6, 3, 1, 1), None, "float64"),
              ((2, 5, 3, 3), 1e-3, "float32")]
    secret = [((3, 3, 5, 5), 0.1, "float64"), ((8, 2, 3, 3), None, "float32"),
              ((1, 1, 1, 1), None, "float64")]
    cases = []
    for seed, (shape, eps, dtype) in enumerate(secret if hidden else public):
        r, c = _seed(hidden, seed + 40), shape[0]
        arrays = [r.standard_normal(shape), r.standard_normal(c), r.standard_normal(c),
                  r.standard_normal(c), r.standard_normal(c), r.uniform(0.2, 3, c)]
        cases.append(Case(tuple(a.astype(dtype) for a in arrays),
                          {} if eps is None else {"eps": eps}))
    return cases


def _batch_norm_reference(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                          eps=1e-5):
    return oracle.batch_norm(x, gamma, beta, running_mean, running_var, training, momentum, eps)


register(Exercise(
    name="batch_norm_forward", notebook="06",
    signature="batch_norm_forward(x, gamma, beta, running_mean, running_var, training, "
              "momentum=0.1, eps=1e-5)",
    returns="out", cases=_batch_norm_cases, reference=_batch_norm_reference,
    output_names=("out", "running_mean after the call", "running_var after the call"),
    in_place=("running_mean", "running_var"),
    variants=(d.bn_running_var_biased, d.bn_momentum_reversed, d.bn_running_stats_not_in_place,
              d.bn_batch_stats_in_eval, d.bn_running_stats_in_training, d.bn_layer_norm_axes,
              d.bn_instance_norm_axes, d.bn_unbiased_normalisation, d.bn_eps_outside_sqrt)))

register(Exercise(
    name="batch_norm_backward", notebook="06",
    signature="batch_norm_backward(grad_out, x, gamma, eps=1e-5)",
    returns="(grad_x, grad_gamma, grad_beta)", cases=_batch_norm_backward_cases,
    reference=oracle.batch_norm_backward, output_names=("grad_x", "grad_gamma", "grad_beta"),
    variants=(d.bn_grad_x_ignores_statistics, d.bn_grad_gamma_batch_only,
              d.bn_grad_beta_batch_only)))

register(Exercise(
    name="layer_norm_forward", notebook="06",
    signature="layer_norm_forward(x, gamma, beta, eps=1e-5)",
    returns="out", cases=_layer_norm_cases, reference=oracle.layer_norm,
    variants=(d.ln_batch_norm_axes, d.ln_instance_norm_axes, d.ln_unbiased_variance,
              d.ln_eps_outside_sqrt)))

register(Exercise(
    name="group_norm_forward", notebook="06",
    signature="group_norm_forward(x, num_groups, gamma, beta, eps=1e-5)",
    returns="out", cases=_group_norm_cases, reference=oracle.group_norm,
    variants=(d.gn_groups_interleaved, d.gn_one_group, d.gn_group_per_channel,
              d.gn_unbiased_variance)))

register(Exercise(
    name="fuse_conv_bn", notebook="06",
    signature="fuse_conv_bn(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5)",
    returns="(weight, bias)", cases=_fuse_cases, reference=oracle.fuse_conv_bn,
    output_names=("fused weight", "fused bias"),
    variants=(d.fuse_eps_forgotten, d.fuse_variance_not_sqrt, d.fuse_mean_not_subtracted,
              d.fuse_bias_not_scaled, d.fuse_scaled_input_channels)))
