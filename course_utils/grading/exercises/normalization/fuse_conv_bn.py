"""fuse_conv_bn(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias):
one convolution equal to a convolution followed by an evaluation-mode batch norm.

The arguments are those of ``torch.nn.utils.fusion.fuse_conv_bn_weights``, in its order.
With ``scale = bn_weight / sqrt(running_var + eps)`` (one per output channel), the fused
weight is ``conv_weight * scale[:, None, None, None]`` and the fused bias is
``(conv_bias - running_mean) * scale + bn_bias`` (conv_bias None counts as zeros).
Returns (weight, bias), shaped like conv_weight and (C_out,), of conv_weight's dtype.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal

# (weight shape, eps, with a conv bias, dtype). Square channels first, so that scaling the
# wrong axis gives a wrong answer rather than an exception.
PUBLIC = [((4, 4, 3, 3), 1e-5, True, "float64"), ((6, 3, 1, 1), 1e-5, True, "float64"),
          ((2, 5, 3, 3), 1e-3, True, "float32"), ((3, 2, 3, 3), 1e-5, False, "float64")]


def make_case(rng, shape, eps, with_bias, dtype):
    c = shape[0]
    bias = normal(rng, c, dtype) if with_bias else None
    return Case((normal(rng, shape, dtype), bias, normal(rng, c, dtype),
                 rng.uniform(0.2, 3, c).astype(dtype), eps, normal(rng, c, dtype),
                 normal(rng, c, dtype)))


def public():
    rng = np.random.default_rng(12)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    cases = []
    for dtype in FLOATS:
        for with_bias in (True, False):
            c_out, c_in, k = (int(v) for v in rng.integers(1, 6, 3))
            cases.append(make_case(rng, (c_out, c_in, k, k), float(rng.choice([1e-5, 1e-3, 0.1])),
                                   with_bias, dtype))
    side = int(rng.integers(2, 5))
    cases.append(make_case(rng, (side, side, 3, 3), 1e-5, True, "float64"))
    return cases


def reference(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias):
    from torch.nn.utils.fusion import fuse_conv_bn_weights
    t = pytorch.tensor
    weight, bias = fuse_conv_bn_weights(t(conv_weight), t(conv_bias), t(running_mean),
                                        t(running_var), eps, t(bn_weight), t(bn_bias))
    return pytorch.numpy(weight), pytorch.numpy(bias)


def _fused(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias,
           scale=None, new_bias=None, axis=0):
    scale = bn_weight / np.sqrt(running_var + eps) if scale is None else scale
    conv_bias = np.zeros_like(running_mean) if conv_bias is None else conv_bias
    shape = [1, 1, 1, 1]
    shape[axis] = -1
    bias = (conv_bias - running_mean) * scale + bn_bias if new_bias is None else new_bias(scale,
                                                                                          conv_bias)
    return (conv_weight * scale.reshape(shape)).astype(conv_weight.dtype), bias.astype(conv_weight.dtype)


@mistake("eps is forgotten: scale = bn_weight / sqrt(running_var + eps)")
def eps_forgotten(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias):
    return _fused(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias,
                  scale=bn_weight / np.sqrt(running_var))


@mistake("the variance is used instead of the standard deviation: scale = bn_weight / "
         "sqrt(running_var + eps)")
def variance_not_sqrt(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias):
    return _fused(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias,
                  scale=bn_weight / (running_var + eps))


@mistake("the running mean is not subtracted: bias = (conv_bias - running_mean) * scale + bn_bias")
def mean_not_subtracted(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight,
                        bn_bias):
    return _fused(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias,
                  new_bias=lambda scale, b: b * scale + bn_bias)


@mistake("the conv bias is not scaled: bias = (conv_bias - running_mean) * scale + bn_bias")
def bias_not_scaled(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias):
    return _fused(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias,
                  new_bias=lambda scale, b: b - running_mean * scale + bn_bias)


@mistake("the scale is applied along the input channels: batch norm scales each OUTPUT channel, "
         "weight = conv_weight * scale[:, None, None, None]")
def scaled_input_channels(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight,
                          bn_bias):
    return _fused(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, bn_bias,
                  axis=1)


EXERCISE = Exercise(
    name="fuse_conv_bn",
    signature="fuse_conv_bn(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight, "
              "bn_bias)",
    returns="(weight, bias): the fused convolution's weight, shaped like conv_weight, and bias, "
            "(C_out,), both of conv_weight's dtype",
    points=2,
    space={"conv_weight": Array((4,)), "conv_bias": Array((1,), optional=True),
           "running_mean": Array((1,)), "running_var": Array((1,)), "bn_weight": Array((1,)),
           "bn_bias": Array((1,))},
    public=public, hidden=hidden, reference=reference, outputs=("fused weight", "fused bias"),
    mistakes=(eps_forgotten, variance_not_sqrt, mean_not_subtracted, bias_not_scaled,
              scaled_input_channels))
