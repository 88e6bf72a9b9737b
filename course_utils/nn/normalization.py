"""Normalization layers with the constructor arguments of ``torch.nn``: BatchNorm1d, BatchNorm2d,
LayerNorm, GroupNorm, InstanceNorm2d.

Thin wrappers around ``course_utils.functional.normalization`` (where the formulas, the shapes
of the statistics and the backward derivation live). The learned scale and shift are called
``weight`` and ``bias`` (the lectures' gamma and beta) and start at 1 and 0, as in PyTorch.
``backward(grad_output)`` returns the input gradient and *overwrites* ``grads["weight"]`` and
``grads["bias"]``.
"""

import numpy as np

from ..functional.normalization import (batch_norm, batch_norm_backward, group_norm,
                                        group_norm_backward, instance_norm,
                                        instance_norm_backward, layer_norm, layer_norm_backward)
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm2d"]


class _Norm(Module):
    """Shared by the norms: the optional affine parameters and storing their gradients."""

    def _init_affine(self, shape, affine, dtype, bias=True):
        self.register_parameter("weight", np.ones(shape, dtype=dtype) if affine else None)
        self.register_parameter("bias", np.zeros(shape, dtype=dtype) if affine and bias else None)

    def _store_grads(self, grads):
        """``grads`` = (grad_input, grad_weight, grad_bias) from a functional backward."""
        if self.weight is not None:
            self.grads["weight"] = grads[1]
        if self.bias is not None:
            self.grads["bias"] = grads[2]
        return grads[0]

    def _check_ndim(self, input, allowed):
        if input.ndim not in allowed:
            expected = " or ".join(f"{n}D" for n in allowed)
            raise ValueError(f"{type(self).__name__} expects a {expected} input; got shape "
                             f"{input.shape} ({input.ndim}D).")


class _BatchNorm(_Norm):
    """Batch norm over the batch (and spatial) axes, one mean and variance per channel.

    Training mode: normalise with the batch statistics and update running_mean and running_var
    in place, ``running = (1 - momentum) * running + momentum * batch`` (momentum weights the
    NEW batch: the lecture's 0.99/0.01 rule is momentum=0.01; CS231n's momentum=0.9 is
    PyTorch's 0.1), running_var with the unbiased variance; count num_batches_tracked.
    momentum=None uses the cumulative average (factor 1 / num_batches_tracked).
    Evaluation mode: normalise with the running statistics (a fixed affine map).
    With track_running_stats=False there are no running statistics and the batch statistics are
    used in both modes.
    """

    allowed_ndim = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, *, dtype=np.float32):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self._init_affine((num_features,), affine, dtype)
        tracked = track_running_stats
        self.register_buffer("running_mean", np.zeros(num_features, dtype) if tracked else None)
        self.register_buffer("running_var", np.ones(num_features, dtype) if tracked else None)
        self.register_buffer("num_batches_tracked", np.array(0, np.int64) if tracked else None)

    def _average_factor(self):
        """The momentum for this step (PyTorch's ``exponential_average_factor``)."""
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:
                return 1.0 / float(self.num_batches_tracked)
        return 0.0 if self.momentum is None else self.momentum

    def forward(self, input):
        self._check_ndim(input, self.allowed_ndim)
        factor = self._average_factor()
        use_batch_stats = self.training or self.running_mean is None
        self.cache = (input, use_batch_stats)
        return batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                          training=use_batch_stats, momentum=factor, eps=self.eps)

    def backward(self, grad_output):
        input, use_batch_stats = self.cache
        return self._store_grads(batch_norm_backward(
            grad_output, input, self.running_mean, self.running_var, self.weight,
            training=use_batch_stats, eps=self.eps))

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm for (N, C) (fully connected features) or (N, C, L) inputs, as
    ``torch.nn.BatchNorm1d``: statistics, running_mean, running_var, weight, bias all (C,)."""

    allowed_ndim = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm for (N, C, H, W) images ("spatial batch norm"), as ``torch.nn.BatchNorm2d``:
    statistics per channel over N, H and W (the lecture's 1 x C x 1 x 1); running_mean,
    running_var, weight, bias all (C,)."""

    allowed_ndim = (4,)


class LayerNorm(_Norm):
    """Layer norm over the last dimensions, as ``torch.nn.LayerNorm``.

    Statistics: one mean and variance per sample (N, 1, ...). weight and bias have shape
    normalized_shape, one value per element (for images (C, H, W), not per channel).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, *,
                 dtype=np.float32):
        super().__init__()
        if np.isscalar(normalized_shape):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self._init_affine(self.normalized_shape, elementwise_affine, dtype, bias)

    def forward(self, input):
        self.cache = input
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def backward(self, grad_output):
        return self._store_grads(layer_norm_backward(
            grad_output, self.cache, self.normalized_shape, self.weight, self.eps))

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(_Norm):
    """Group norm, as ``torch.nn.GroupNorm``: the channels are split into num_groups groups;
    statistics per sample and group (N, G); weight and bias per channel (C,)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, *, dtype=np.float32):
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups}).")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self._init_affine((num_channels,), affine, dtype)

    def forward(self, input):
        self.cache = input
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def backward(self, grad_output):
        return self._store_grads(group_norm_backward(
            grad_output, self.cache, self.num_groups, self.weight, self.eps))

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class InstanceNorm2d(_Norm):
    """Instance norm for (N, C, H, W), as ``torch.nn.InstanceNorm2d``: statistics per sample
    and channel over H and W (N, C, 1, 1); optional weight and bias (C,). PyTorch's defaults:
    affine=False and no running statistics (so ``momentum`` is accepted but unused; the same
    computation in training and evaluation mode). track_running_stats=True is not supported.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, *, dtype=np.float32):
        super().__init__()
        if track_running_stats:
            raise NotImplementedError(
                "InstanceNorm2d(track_running_stats=True) is not implemented here; the course "
                "uses PyTorch's default, track_running_stats=False.")
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self._init_affine((num_features,), affine, dtype)

    def forward(self, input):
        self._check_ndim(input, (4,))
        self.cache = input
        return instance_norm(input, self.weight, self.bias, self.eps)

    def backward(self, grad_output):
        return self._store_grads(instance_norm_backward(grad_output, self.cache, self.weight,
                                                        self.eps))

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, affine={self.affine}"
