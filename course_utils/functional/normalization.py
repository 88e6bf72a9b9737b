"""Normalization layers, forward and backward: batch, layer, instance and group norm.

Every norm here computes the same two steps and differs only in *which axes* share a mean and a
variance (the "normalization cube" of Wu & He, 2018, for an input of shape (N, C, H, W)):

==============  ==========================  ==================  ====================
norm            statistics over             mean, var shape     weight, bias shape
==============  ==========================  ==================  ====================
batch norm      N and every spatial axis    (C,)                (C,)
layer norm      the last len(normalized_    (N, 1, 1, 1) for    normalized_shape
                shape) axes, e.g. C, H, W   (C, H, W)
instance norm   every spatial axis          (N, C, 1, 1)        (C,)
group norm      C/G channels of a group     (N, G)              (C,)
                and every spatial axis
==============  ==========================  ==================  ====================

1. normalise:  x_hat = (x - mean) / sqrt(var + eps), with the *biased* variance (divide by m,
   the number of values that share one mean);
2. scale and shift (the "affine" part): y = weight * x_hat + bias.

The backward of step 1 is derived once, in :func:`_normalize_backward`; the four norms only
choose the axes. Backward functions take the upstream gradient first, then the forward's
arguments that the gradient depends on, and always return
``(grad_input, grad_weight, grad_bias)``. What a backward needs from its forward is x_hat and
the variance it divided by; it recomputes them from the input (CS231n's ``cache`` keeps them):
on purpose, so that the signatures are torch's and the exercises', at the price of one more
normalisation pass. When ``weight`` is None the layer behaves as if weight = 1 and bias = 0,
and grad_weight, grad_bias are the gradients those parameters would get (never None).

Everything is vectorised NumPy; the input dtype (float32 or float64) is preserved.
"""

import numpy as np

from ..utils import as_float

__all__ = [
    "batch_norm",
    "batch_norm_backward",
    "layer_norm",
    "layer_norm_backward",
    "instance_norm",
    "instance_norm_backward",
    "group_norm",
    "group_norm_backward",
]


# ---------------------------------------------------------------------------------------------
# The shared core: normalise over some axes, and its backward.
# ---------------------------------------------------------------------------------------------


def _normalize(input, axes, eps):
    """Standardise ``input`` over ``axes``.

    Returns ``(x_hat, mean, var)``; mean and var keep the reduced axes with size 1, so they
    broadcast against ``input``. var is the biased variance, (1/m) * sum((x - mean)^2), where m
    is the number of values reduced over: this is what every PyTorch norm uses to normalise.
    """
    mean = input.mean(axis=axes, keepdims=True)
    var = input.var(axis=axes, keepdims=True)
    x_hat = (input - mean) / np.sqrt(var + eps)
    return x_hat, mean, var


def _normalize_backward(grad_x_hat, x_hat, var, axes, eps):
    """Gradient of ``x_hat = (x - mean) / sqrt(var + eps)`` when mean and var are computed
    from x itself over ``axes`` (m values each).

    The chain rule, one step at a time (sums and means run over ``axes``; g = dL/dx_hat;
    s = 1 / sqrt(var + eps)):

    - x_hat depends on x directly, and through mean and var:
      dL/dx = g * s  +  dL/dvar * dvar/dx  +  dL/dmean * dmean/dx
    - dL/dvar  = sum(g * (x - mean)) * (-1/2) * s^3 = -(s^2 / 2) * sum(g * x_hat)
    - dvar/dx  = 2 (x - mean) / m                       (the sum of (x - mean) is 0)
    - dL/dmean = -s * sum(g)                            (the var term vanishes, same reason)
    - dmean/dx = 1 / m
    - together:  dL/dx = s * (g - mean(g) - x_hat * mean(g * x_hat))

    The last line is the "compact formula": subtract from g its mean (the part that would
    shift all values at once) and its projection on x_hat (the part that would scale them),
    because normalisation removes both.
    """
    mean_grad = grad_x_hat.mean(axis=axes, keepdims=True)
    mean_grad_x_hat = (grad_x_hat * x_hat).mean(axis=axes, keepdims=True)
    return (grad_x_hat - mean_grad - x_hat * mean_grad_x_hat) / np.sqrt(var + eps)


def _affine(x_hat, weight, bias, param_shape):
    """y = weight * x_hat + bias, with weight and bias reshaped to ``param_shape`` so they
    broadcast against x_hat (e.g. (1, C, 1, 1) for a per-channel parameter)."""
    out = x_hat
    if weight is not None:
        out = out * np.reshape(weight, param_shape)
    if bias is not None:
        out = out + np.reshape(bias, param_shape)
    return out


def _affine_backward(grad_output, x_hat, weight, param_shape, weight_shape):
    """Backward of :func:`_affine`: returns ``(grad_x_hat, grad_weight, grad_bias)``.

    dL/dweight = sum of grad_output * x_hat and dL/dbias = sum of grad_output, each summed over
    every axis along which the parameter was broadcast (the size-1 axes of ``param_shape``) and
    returned with shape ``weight_shape``; dL/dx_hat = grad_output * weight.
    """
    shape = (1,) * (grad_output.ndim - len(param_shape)) + tuple(param_shape)
    axes = tuple(i for i, size in enumerate(shape) if size == 1)
    grad_weight = np.sum(grad_output * x_hat, axis=axes).reshape(weight_shape)
    grad_bias = np.sum(grad_output, axis=axes).reshape(weight_shape)
    grad_x_hat = grad_output if weight is None else grad_output * np.reshape(weight, param_shape)
    return grad_x_hat, grad_weight, grad_bias


def _channel_shape(input):
    """(1, C, 1, ..., 1): how a per-channel vector of length C broadcasts against (N, C, *)."""
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def _check_channels(name, array, input):
    if array is not None and np.shape(array) != (input.shape[1],):
        raise ValueError(
            f"{name} must hold one value per channel, shape ({input.shape[1]},) for an input of "
            f"shape {input.shape}; got shape {np.shape(array)}."
        )


def _as_output(out, input):
    return out.astype(input.dtype, copy=False)


# ---------------------------------------------------------------------------------------------
# Batch norm
# ---------------------------------------------------------------------------------------------


def _batch_axes(input):
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm expects an input of shape (N, C) or (N, C, *); got shape {input.shape}."
        )
    return (0,) + tuple(range(2, input.ndim))


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-5,
):
    """Batch normalisation, as ``torch.nn.functional.batch_norm``.

    Shapes::

        input                     (N, C) or (N, C, *), for images (N, C, H, W)
        running_mean, running_var (C,)   one value per channel
        weight, bias              (C,) or None
        output                    like input

    The batch statistics are per channel too, over the batch axis and every spatial axis
    (m = N * H * W values per channel).

    Training (``training=True``): normalise with the batch mean and the *biased* batch variance
    (divide by m), then update the running statistics in place (if they are not None)::

        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)

    Note the *unbiased* variance in running_var, while normalisation uses the biased one.
    PyTorch's momentum weights the NEW batch: the lecture's rule
    ``running = 0.99 * running + 0.01 * batch`` is momentum=0.01, and CS231n's ``momentum=0.9``
    (which weights the OLD value) is PyTorch's momentum=0.1.

    Evaluation (``training=False``): normalise with running_mean and running_var; the layer is
    then a fixed per-channel affine map and the running statistics are not touched.
    """
    input = as_float(input)
    axes = _batch_axes(input)
    for name, array in [("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)]:
        _check_channels(name, array, input)
    shape = _channel_shape(input)
    if training:
        x_hat, mean, var = _normalize(input, axes, eps)
        _update_running_stats(running_mean, running_var, mean, var, input.size // input.shape[1],
                              momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm in evaluation mode (training=False) normalises with running_mean and "
                "running_var, so both must be arrays of shape (C,), not None."
            )
        x_hat = (input - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
    return _as_output(_affine(x_hat, weight, bias, shape), input)


def _update_running_stats(running_mean, running_var, mean, var, m, momentum):
    """In-place exponential moving average of the batch statistics (PyTorch's convention)."""
    if m < 2:
        raise ValueError(
            f"batch_norm in training mode needs more than 1 value per channel to estimate a "
            f"variance; got {m} (batch size 1 with no spatial axes?). Use a larger batch or "
            f"training=False."
        )
    if running_mean is not None:
        running_mean *= 1 - momentum
        running_mean += momentum * mean.reshape(-1)
    if running_var is not None:
        running_var *= 1 - momentum
        running_var += momentum * var.reshape(-1) * m / (m - 1)


def batch_norm_backward(
    grad_output,
    input,
    running_mean=None,
    running_var=None,
    weight=None,
    training=False,
    eps=1e-5,
):
    """Gradients of :func:`batch_norm`: ``(grad_input, grad_weight, grad_bias)``.

    Shapes::

        grad_output, input        (N, C, *)
        grad_input                like input
        grad_weight, grad_bias    (C,), also when weight is None (the gradients weight = 1
                                  and bias = 0 would get)

    What it needs from the forward: x_hat and the variance it divided by (the batch's in
    training, running_var in evaluation), recomputed here from the input (see the module
    docstring).

    - grad_bias   = sum of grad_output over every axis but 1;
    - grad_weight = sum of grad_output * x_hat over every axis but 1;
    - training: the batch mean and variance depend on the input, so the gradient flows through
      them too (the chain rule is spelled out in ``_normalize_backward``):
      grad_input = weight / sqrt(var + eps) * (g - mean(g) - x_hat * mean(g * x_hat));
    - evaluation: batch norm is the affine map y = weight * (x - running_mean) /
      sqrt(running_var + eps) + bias, so grad_input = grad_output * weight /
      sqrt(running_var + eps). running_mean only enters through x_hat (for grad_weight).

    Call it with the statistics as they were at the forward pass (in evaluation mode they do
    not change; in training mode they are not used).
    """
    input, grad_output = as_float(input), as_float(grad_output)
    axes = _batch_axes(input)
    shape = _channel_shape(input)
    if training:
        x_hat, _, var = _normalize(input, axes, eps)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm_backward in evaluation mode (training=False) needs the running_mean "
                "and running_var used by the forward pass; got None."
            )
        var = running_var.reshape(shape)
        x_hat = (input - running_mean.reshape(shape)) / np.sqrt(var + eps)
    grad_x_hat, grad_weight, grad_bias = _affine_backward(
        grad_output, x_hat, weight, shape, shape[1:2])
    if training:
        grad_input = _normalize_backward(grad_x_hat, x_hat, var, axes, eps)
    else:
        grad_input = grad_x_hat / np.sqrt(var + eps)
    return _as_output(grad_input, input), grad_weight, grad_bias


# ---------------------------------------------------------------------------------------------
# Layer norm
# ---------------------------------------------------------------------------------------------


def _layer_axes(input, normalized_shape):
    normalized_shape = (normalized_shape,) if np.isscalar(normalized_shape) else tuple(
        normalized_shape)
    k = len(normalized_shape)
    if k == 0 or input.shape[input.ndim - k:] != normalized_shape:
        raise ValueError(
            f"layer_norm normalises over the last dimensions, which must equal normalized_shape="
            f"{normalized_shape}; got an input of shape {input.shape}. For an image batch "
            f"(N, C, H, W) use normalized_shape=(C, H, W)."
        )
    return tuple(range(input.ndim - k, input.ndim)), normalized_shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalisation, as ``torch.nn.functional.layer_norm``.

    Shapes::

        input         (*, *normalized_shape), e.g. (N, D) with normalized_shape=(D,) or
                      (N, C, H, W) with normalized_shape=(C, H, W)
        weight, bias  normalized_shape, or None
        output        like input

    Statistics: one mean and variance per leading index, shape (N, 1, ..., 1) (the lecture's
    "N x 1"). weight and bias have one value per *element*, not per channel (the lecture's
    slide shows 1 x D for the fully connected case, which agrees; for images PyTorch's
    parameters are C x H x W, not per channel). The same computation at training and at test time.
    """
    input = as_float(input)
    axes, normalized_shape = _layer_axes(input, normalized_shape)
    x_hat, _, _ = _normalize(input, axes, eps)
    return _as_output(_affine(x_hat, weight, bias, normalized_shape), input)


def layer_norm_backward(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    """Gradients of :func:`layer_norm`: ``(grad_input, grad_weight, grad_bias)``.

    grad_input has input's shape; grad_weight and grad_bias have shape normalized_shape
    (summed over the leading axes). The normalisation backward is the one of batch norm in
    training mode, with the roles of the axes swapped (see ``_normalize_backward``).
    """
    input, grad_output = as_float(input), as_float(grad_output)
    axes, normalized_shape = _layer_axes(input, normalized_shape)
    x_hat, _, var = _normalize(input, axes, eps)
    grad_x_hat, grad_weight, grad_bias = _affine_backward(grad_output, x_hat, weight,
                                                          normalized_shape, normalized_shape)
    grad_input = _normalize_backward(grad_x_hat, x_hat, var, axes, eps)
    return _as_output(grad_input, input), grad_weight, grad_bias


# ---------------------------------------------------------------------------------------------
# Instance norm
# ---------------------------------------------------------------------------------------------


def _instance_axes(input):
    if input.ndim < 3:
        raise ValueError(
            f"instance_norm normalises each (sample, channel) over its spatial axes, so it needs "
            f"an input of shape (N, C, *) with at least one spatial axis; got {input.shape}."
        )
    if np.prod(input.shape[2:]) < 2:
        raise ValueError(
            f"instance_norm needs more than 1 spatial element per channel (each value would be "
            f"normalised to 0); got an input of shape {input.shape}."
        )
    return tuple(range(2, input.ndim))


def instance_norm(input, weight=None, bias=None, eps=1e-5):
    """Instance normalisation, as ``torch.nn.functional.instance_norm`` with
    ``use_input_stats=True`` and no running statistics (the default of ``nn.InstanceNorm2d``).

    Shapes::

        input         (N, C, *), for images (N, C, H, W)
        weight, bias  (C,) or None
        output        like input

    Statistics: one per sample and channel, shape (N, C, 1, 1), over the spatial axes only.
    Same computation at training and at test time. (Pass weight and bias by keyword to match torch's signature,
    which also has running_mean and running_var.)
    """
    input = as_float(input)
    axes = _instance_axes(input)
    _check_channels("weight", weight, input)
    _check_channels("bias", bias, input)
    x_hat, _, _ = _normalize(input, axes, eps)
    return _as_output(_affine(x_hat, weight, bias, _channel_shape(input)), input)


def instance_norm_backward(grad_output, input, weight=None, eps=1e-5):
    """Gradients of :func:`instance_norm`: ``(grad_input, grad_weight, grad_bias)``; grad_input
    like input, grad_weight and grad_bias (C,)."""
    input, grad_output = as_float(input), as_float(grad_output)
    axes = _instance_axes(input)
    x_hat, _, var = _normalize(input, axes, eps)
    shape = _channel_shape(input)
    grad_x_hat, grad_weight, grad_bias = _affine_backward(
        grad_output, x_hat, weight, shape, shape[1:2])
    grad_input = _normalize_backward(grad_x_hat, x_hat, var, axes, eps)
    return _as_output(grad_input, input), grad_weight, grad_bias


# ---------------------------------------------------------------------------------------------
# Group norm
# ---------------------------------------------------------------------------------------------


def _grouped(input, num_groups):
    """View (N, C, *) as (N, G, C/G * prod(*)): each row of the last axis shares a mean."""
    if input.ndim < 2 or input.shape[1] % num_groups != 0:
        raise ValueError(
            f"group_norm splits the C channels of an (N, C, *) input into num_groups groups of "
            f"equal size, so C must be divisible by num_groups; got input shape {input.shape} "
            f"and num_groups={num_groups}."
        )
    return input.reshape(input.shape[0], num_groups, -1)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalisation, as ``torch.nn.functional.group_norm``.

    Shapes::

        input         (N, C, *), C divisible by num_groups
        weight, bias  (C,) or None: per channel, not per group
        output        like input

    The C channels are split into num_groups groups of C/G consecutive channels; statistics
    one per sample and group, shape (N, G), over the group's channels and every spatial axis.
    num_groups=1 normalises like layer norm over (C, H, W) (but with per-channel parameters);
    num_groups=C like instance norm.
    """
    input = as_float(input)
    _check_channels("weight", weight, input)
    _check_channels("bias", bias, input)
    x_hat, _, _ = _normalize(_grouped(input, num_groups), (2,), eps)
    x_hat = x_hat.reshape(input.shape)
    return _as_output(_affine(x_hat, weight, bias, _channel_shape(input)), input)


def group_norm_backward(grad_output, input, num_groups, weight=None, eps=1e-5):
    """Gradients of :func:`group_norm`: ``(grad_input, grad_weight, grad_bias)``; grad_input
    like input, grad_weight and grad_bias (C,). The normalisation backward runs on the grouped
    view (N, G, C/G * prod(*)), the affine backward on the per-channel layout."""
    input, grad_output = as_float(input), as_float(grad_output)
    grouped = _grouped(input, num_groups)
    x_hat, _, var = _normalize(grouped, (2,), eps)
    shape = _channel_shape(input)
    grad_x_hat, grad_weight, grad_bias = _affine_backward(
        grad_output, x_hat.reshape(input.shape), weight, shape, shape[1:2])
    grad_input = _normalize_backward(_grouped(grad_x_hat, num_groups), x_hat, var, (2,), eps)
    return _as_output(grad_input.reshape(input.shape), input), grad_weight, grad_bias
