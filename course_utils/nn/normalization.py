"""``BatchNorm2d``, with the constructor arguments and state-dict keys of ``torch.nn``: the norm
of the NumPy convnet of notebook 06 (Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d ...).

A thin wrapper around ``course_utils.functional.batch_norm`` (where the formulas, the shapes of
the statistics and the backward derivation live). The other norms of the course (layer,
instance and group norm) are used as functions only, so they have no module here.
"""

import numpy as np

from ..functional.normalization import batch_norm, batch_norm_backward
from .module import Module

__all__ = ["BatchNorm2d"]


class BatchNorm2d(Module):
    """Batch norm for (N, C, H, W) images ("spatial batch norm"), as ``torch.nn.BatchNorm2d``.

    Shapes: input and output (N, C, H, W); running_mean, running_var, weight and bias (C,):
    statistics per channel over N, H and W (the lecture's 1 x C x 1 x 1). The learned scale and
    shift are called ``weight`` and ``bias`` (the lectures' gamma and beta) and start at 1 and 0.

    Training mode: normalise with the batch statistics and update running_mean and running_var
    in place, ``running = (1 - momentum) * running + momentum * batch`` (momentum weights the
    NEW batch: the lecture's 0.99/0.01 rule is momentum=0.01; CS231n's momentum=0.9 is
    PyTorch's 0.1), running_var with the unbiased variance; count num_batches_tracked.
    momentum=None uses the cumulative average (momentum 1 / num_batches_tracked).
    Evaluation mode: normalise with the running statistics (a fixed affine map).
    With track_running_stats=False there are no running statistics and the batch statistics are
    used in both modes. ``backward`` needs the input and which statistics normalised it
    (``self.cache``).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, *, dtype=np.float32):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.register_parameter("weight", np.ones(num_features, dtype) if affine else None)
        self.register_parameter("bias", np.zeros(num_features, dtype) if affine else None)
        tracked = track_running_stats
        self.register_buffer("running_mean", np.zeros(num_features, dtype) if tracked else None)
        self.register_buffer("running_var", np.ones(num_features, dtype) if tracked else None)
        self.register_buffer("num_batches_tracked", np.array(0, np.int64) if tracked else None)

    def forward(self, input):
        if input.ndim != 4:
            raise ValueError(f"BatchNorm2d expects a 4D input (N, C, H, W); got shape "
                             f"{input.shape} ({input.ndim}D).")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if momentum is None:  # a cumulative average of every batch so far, as torch
                momentum = 1.0 / float(self.num_batches_tracked)
        use_batch_stats = self.training or not self.track_running_stats
        self.cache = (input, use_batch_stats)
        return batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                          training=use_batch_stats, momentum=momentum, eps=self.eps)

    def backward(self, grad_output):
        input, use_batch_stats = self.cache
        return self._store_grads(batch_norm_backward(
            grad_output, input, self.running_mean, self.running_var, self.weight,
            training=use_batch_stats, eps=self.eps))

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")
