"""Layers with the constructor arguments of ``torch.nn``: Linear, ReLU, Dropout, Conv2d,
MaxPool2d.

Each layer is a thin wrapper: it holds its parameters, keeps in ``self.cache`` during
``forward`` what its backward needs (the input, for every layer but Dropout, which keeps its
mask), and calls the matching function of ``course_utils.functional`` in both directions.
``backward(grad_output)`` returns the gradient with respect to the input and *overwrites*
``self.grads["weight"]`` and ``self.grads["bias"]``.

Parameters are initialised as PyTorch does (``kaiming_uniform_`` with a = sqrt(5), which comes
to U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, and the same range for the bias), drawn
from the NumPy ``Generator`` passed as ``rng`` (default: a fresh ``np.random.default_rng()``).
"""

import numpy as np

from ..functional.conv import conv2d, conv2d_backward
from ..functional.dropout import dropout_backward, dropout_forward
from ..functional.linear import linear, linear_backward, relu, relu_backward
from ..functional.pooling import max_pool2d, max_pool2d_backward
from ..utils import pair
from .module import Module

__all__ = ["Linear", "ReLU", "Dropout", "Conv2d", "MaxPool2d"]


def _uniform(rng, fan_in, shape, dtype):
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for Linear and Conv2d."""
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


class _Parametrised(Module):
    """Shared by Linear and Conv2d: a weight and an optional bias, initialised as torch does."""

    def _init_parameters(self, weight_shape, fan_in, bias, rng, dtype):
        rng = np.random.default_rng() if rng is None else rng
        self.register_parameter("weight", _uniform(rng, fan_in, weight_shape, dtype))
        self.register_parameter(
            "bias", _uniform(rng, fan_in, weight_shape[:1], dtype) if bias else None)


class Linear(_Parametrised):
    """y = x @ weight.T + bias, as ``torch.nn.Linear``.

    Shapes: input (N, in_features) (or (*, in_features)); weight (out_features, in_features)
    (PyTorch's layout, the transpose of the lecture's "2450 x 500" table); bias (out_features,);
    output (N, out_features).
    """

    def __init__(self, in_features, out_features, bias=True, *, rng=None, dtype=np.float32):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self._init_parameters((out_features, in_features), in_features, bias, rng, dtype)

    def forward(self, input):
        self.cache = input
        return linear(input, self.weight, self.bias)

    def backward(self, grad_output):
        return self._store_grads(linear_backward(grad_output, self.cache, self.weight, self.bias))

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class ReLU(Module):
    """max(0, x), element-wise, as ``torch.nn.ReLU``; the gradient passes where x > 0."""

    def forward(self, input):
        self.cache = input
        return relu(input)

    def backward(self, grad_output):
        return relu_backward(grad_output, self.cache)


class Dropout(Module):
    """Dropout, as ``torch.nn.Dropout(p)``: in training mode every entry is zeroed with
    probability p and the others scaled by 1 / (1 - p); in evaluation mode, the identity.

    The mask is drawn from ``rng`` (a NumPy Generator; default a fresh unseeded one) and kept
    for ``backward``.
    """

    def __init__(self, p=0.5, *, rng=None):
        super().__init__()
        self.p = p
        self.rng = np.random.default_rng() if rng is None else rng

    def forward(self, input):
        output, mask = dropout_forward(input, self.p, self.training, self.rng)
        self.cache = mask if self.training else None  # evaluation mode: the identity
        return output

    def backward(self, grad_output):
        if self.cache is None:
            return grad_output
        return dropout_backward(grad_output, self.cache, self.p)

    def extra_repr(self):
        return f"p={self.p}"


class Conv2d(_Parametrised):
    """2-D convolution (cross-correlation, as every deep learning library), as
    ``torch.nn.Conv2d``.

    Shapes: input (N, in_channels, H, W); weight (out_channels, in_channels / groups, kH, kW);
    bias (out_channels,); output (N, out_channels, H', W') with
    H' = floor((H + 2 * padding - dilation * (kH - 1) - 1) / stride) + 1.
    Parameters: out_channels * (in_channels / groups * kH * kW + 1) with a bias, e.g.
    Conv2d(3, 10, 5, padding=2) has 10 * (3 * 25 + 1) = 760.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, *, rng=None, dtype=np.float32):
        super().__init__()
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must both "
                f"be divisible by groups ({groups}).")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = pair(kernel_size)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        weight_shape = (out_channels, in_channels // groups) + self.kernel_size
        fan_in = in_channels // groups * self.kernel_size[0] * self.kernel_size[1]
        self._init_parameters(weight_shape, fan_in, bias, rng, dtype)

    def _options(self):
        return dict(stride=self.stride, padding=self.padding, dilation=self.dilation,
                    groups=self.groups)

    def forward(self, input):
        self.cache = input
        return conv2d(input, self.weight, self.bias, **self._options())

    def backward(self, grad_output):
        return self._store_grads(conv2d_backward(grad_output, self.cache, self.weight, self.bias,
                                                 **self._options()))

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}, "
                f"groups={self.groups}, bias={self.bias is not None}")


class MaxPool2d(Module):
    """Max over each kernel_size window, as ``torch.nn.MaxPool2d`` (stride defaults to
    kernel_size); no parameters. Shapes: (N, C, H, W) -> (N, C, H', W'), H' as for Conv2d (or
    ceil instead of floor with ceil_mode=True). Backward: each window's gradient goes to the
    position of its maximum (one position on ties, as PyTorch)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.ceil_mode = ceil_mode

    def _options(self):
        return dict(stride=self.stride, padding=self.padding, dilation=self.dilation,
                    ceil_mode=self.ceil_mode)

    def forward(self, input):
        self.cache = input
        return max_pool2d(input, self.kernel_size, **self._options())

    def backward(self, grad_output):
        return max_pool2d_backward(grad_output, self.cache, self.kernel_size, **self._options())

    def extra_repr(self):
        options = ", ".join(f"{key}={value}" for key, value in self._options().items())
        return f"kernel_size={self.kernel_size}, {options}"
