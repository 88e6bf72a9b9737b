"""NumPy twins of ``torch.nn.functional``, forward and backward (see CONTRIBUTING.md).

Same names, argument names and defaults as PyTorch; NumPy arrays in and out, float32 or
float64 kept. Each ``*_backward`` takes the upstream gradient first, then the forward's
arguments, and returns the gradients of the forward's array arguments, in order; its docstring
says what it needs from the forward and whether it recomputes it. ``windows.py`` holds the
padding and window steps that convolution and pooling share.
"""

from .conv import conv2d, conv2d_backward, conv2d_naive, unfold
from .dropout import dropout_backward, dropout_forward
from .linear import linear, linear_backward, relu, relu_backward
from .loss import cross_entropy, cross_entropy_backward, log_softmax, softmax
from .normalization import (
    batch_norm,
    batch_norm_backward,
    group_norm,
    group_norm_backward,
    instance_norm,
    instance_norm_backward,
    layer_norm,
    layer_norm_backward,
)
from .pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .residual import residual_block, residual_block_backward  # after conv and linear: built on them

__all__ = [
    "linear", "linear_backward", "relu", "relu_backward",
    "conv2d_naive", "conv2d", "conv2d_backward", "unfold",
    "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward",
    "batch_norm", "batch_norm_backward", "layer_norm", "layer_norm_backward",
    "instance_norm", "instance_norm_backward", "group_norm", "group_norm_backward",
    "dropout_forward", "dropout_backward",
    "softmax", "log_softmax", "cross_entropy", "cross_entropy_backward",
    "residual_block", "residual_block_backward",
]
