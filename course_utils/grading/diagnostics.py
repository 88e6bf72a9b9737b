"""Known wrong answers, each named for the mistake that produces it.

When an answer disagrees with PyTorch, the grader computes these variants on the failing
configuration and reports the first one the answer matches. Each variant takes the exercise's
arguments and returns what the mistaken code would return (for a tuple answer, only the value
that differs first needs to be right). ``Shape`` variants are known only by their shape.
"""

import math

import numpy as np

from . import oracle
from .compare import Shape
from .registry import Variant


def mistake(text):
    """Decorator: turn a function computing a wrong answer into a Variant explained by text."""
    return lambda fn: Variant(text, fn)


def _pair(value):
    return value if isinstance(value, tuple) else (value, value)


# --- linear ---------------------------------------------------------------------------------

@mistake("the bias is forgotten: out = x @ weight.T + bias")
def linear_bias_forgotten(x, weight, bias):
    return oracle.linear(x, weight)


@mistake("the weight is used transposed: PyTorch stores a linear weight as (out_features, "
         "in_features), so out = x @ weight.T + bias, not x @ weight + bias")
def linear_weight_transposed(x, weight, bias):
    return x @ weight + bias


@mistake("the output is transposed: it should be (N, out_features), one row per example")
def linear_output_transposed(x, weight, bias):
    return oracle.linear(x, weight, bias).T.copy()


@mistake("grad_weight is transposed: it has weight's shape (out_features, in_features), "
         "grad_weight = grad_out.T @ x")
def linear_grad_weight_transposed(grad_out, x, weight):
    grad_x, grad_weight, grad_bias = oracle.linear_backward(grad_out, x, weight)
    return grad_x, grad_weight.T.copy(), grad_bias


@mistake("grad_bias is not summed over the batch: grad_bias = grad_out.sum(axis=0)")
def linear_grad_bias_not_summed(grad_out, x, weight):
    grad_x, grad_weight, _ = oracle.linear_backward(grad_out, x, weight)
    return grad_x, grad_weight, grad_out.copy()


@mistake("the gradients are averaged over the batch instead of summed (the mean belongs in the "
         "loss, not in the layer)")
def linear_gradients_averaged(grad_out, x, weight):
    grad_x, grad_weight, grad_bias = oracle.linear_backward(grad_out, x, weight)
    n = x.shape[0]
    return grad_x, grad_weight / n, grad_bias / n


@mistake("grad_x uses the weight transposed: grad_x = grad_out @ weight")
def linear_grad_x_weight_transposed(grad_out, x, weight):
    grad_x, grad_weight, grad_bias = oracle.linear_backward(grad_out, x, weight)
    return grad_out @ weight.T, grad_weight, grad_bias


# --- numerical gradient ---------------------------------------------------------------------

def _differences(f, x, h, step):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        grad[index] = step(f, x, index, h)
    return grad


def _shifted(f, x, index, delta):
    y = x.copy()
    y[index] += delta
    return f(y)


@mistake("a forward difference (f(x + h) - f(x)) / h: its error shrinks like h, the central "
         "difference (f(x + h) - f(x - h)) / (2h) is far more accurate")
def forward_difference(f, x, h=1e-6):
    return _differences(f, x, h, lambda f, x, i, h: (_shifted(f, x, i, h) - f(x)) / h)


@mistake("the central difference is divided by h instead of 2h: (f(x + h) - f(x - h)) / (2h)")
def central_difference_over_h(f, x, h=1e-6):
    return _differences(f, x, h, lambda f, x, i, h:
                        (_shifted(f, x, i, h) - _shifted(f, x, i, -h)) / h)


# --- convolution ----------------------------------------------------------------------------

def _conv_size(size, kernel, stride, padding, rounding=math.floor):
    return rounding((size + 2 * padding - kernel) / stride) + 1


@mistake("the kernel is flipped: that is true convolution. Deep-learning 'convolution' "
         "(PyTorch's conv2d) is cross-correlation: out[i, j] = sum(window * weight), no flip")
def conv_kernel_flipped(x, weight, bias, stride=1, padding=0):
    return oracle.conv2d(x, weight[..., ::-1, ::-1], bias, stride, padding)


@mistake("the bias is forgotten: add bias[f] to every position of output channel f")
def conv_bias_forgotten(x, weight, bias, stride=1, padding=0):
    return oracle.conv2d(x, weight, None, stride, padding)


@mistake("the padding is added on one side only (top and left), or `padding` is treated as "
         "the total over both sides: PyTorch pads `padding` zeros on EVERY side")
def conv_padding_one_side(x, weight, bias, stride=1, padding=0):
    padded = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
    return oracle.conv2d(padded, weight, bias, stride, 0)


@mistake("`padding` is treated as the total over both sides: PyTorch's padding is per side "
         "(padding=1 adds one row on top AND one at the bottom)")
def conv_padding_total(x, weight, bias, stride=1, padding=0):
    before, after = (padding + 1) // 2, padding // 2
    padded = np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))
    return oracle.conv2d(padded, weight, bias, stride, 0)


@mistake("the stride is ignored: the window moves by `stride` pixels")
def conv_stride_ignored(x, weight, bias, stride=1, padding=0):
    return oracle.conv2d(x, weight, bias, 1, padding)


@mistake("the output is channels-last (N, H, W, C): PyTorch's layout is channels-first "
         "(N, C, H, W)")
def conv_channels_last(x, weight, bias, stride=1, padding=0):
    return np.ascontiguousarray(oracle.conv2d(x, weight, bias, stride, padding)
                                .transpose(0, 2, 3, 1))


def _output_shape(x, weight, stride, padding, rounding=math.floor, extra=0):
    n, _, height, width = x.shape
    return Shape((n, weight.shape[0], _conv_size(height, weight.shape[2], stride, padding,
                                                 rounding) + extra,
                  _conv_size(width, weight.shape[3], stride, padding, rounding) + extra))


@mistake("the output size is rounded up: PyTorch rounds down, "
         "H_out = floor((H + 2 * padding - kernel) / stride) + 1")
def conv_size_rounded_up(x, weight, bias, stride=1, padding=0):
    return _output_shape(x, weight, stride, padding, math.ceil)


@mistake("the output size is one too small: H_out = (H + 2 * padding - kernel) // stride + 1 "
         "(don't forget the + 1)")
def conv_size_one_too_small(x, weight, bias, stride=1, padding=0):
    return _output_shape(x, weight, stride, padding, extra=-1)


@mistake("the output size is one too large: H_out = (H + 2 * padding - kernel) // stride + 1")
def conv_size_one_too_large(x, weight, bias, stride=1, padding=0):
    return _output_shape(x, weight, stride, padding, extra=1)


@mistake("grad_x is computed without flipping the kernel: the gradient of a cross-correlation "
         "is a full convolution, i.e. a correlation with the kernel rotated by 180 degrees")
def conv_grad_x_not_flipped(grad_out, x, weight, stride=1, padding=0):
    grad_x = oracle.conv2d_backward(grad_out, x, weight[..., ::-1, ::-1].copy(), stride,
                                    padding)[0]
    return (grad_x,) + oracle.conv2d_backward(grad_out, x, weight, stride, padding)[1:]


@mistake("grad_weight is flipped (rotated by 180 degrees): grad_weight[f, c, i, j] = "
         "sum over n, p, q of grad_out[n, f, p, q] * "
         "x_padded[n, c, p * stride + i, q * stride + j]")
def conv_grad_weight_flipped(grad_out, x, weight, stride=1, padding=0):
    grad_x, grad_weight, grad_bias = oracle.conv2d_backward(grad_out, x, weight, stride, padding)
    return grad_x, grad_weight[..., ::-1, ::-1].copy(), grad_bias


@mistake("grad_x still has the padding: crop it, grad_x = grad_x_padded[:, :, p:-p, p:-p]")
def conv_grad_x_padded(grad_out, x, weight, stride=1, padding=0):
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return oracle.conv2d_backward(grad_out, padded, weight, stride, 0)


@mistake("grad_bias is summed over the batch only: sum over N, H_out and W_out, "
         "grad_bias = grad_out.sum(axis=(0, 2, 3))")
def conv_grad_bias_batch_only(grad_out, x, weight, stride=1, padding=0):
    grads = oracle.conv2d_backward(grad_out, x, weight, stride, padding)
    return grads[0], grads[1], grad_out.sum(axis=0)


@mistake("grad_bias is summed over space only: sum over the batch too, "
         "grad_bias = grad_out.sum(axis=(0, 2, 3))")
def conv_grad_bias_space_only(grad_out, x, weight, stride=1, padding=0):
    grads = oracle.conv2d_backward(grad_out, x, weight, stride, padding)
    return grads[0], grads[1], grad_out.sum(axis=(2, 3))


# --- shape arithmetic -----------------------------------------------------------------------

@mistake("the division is rounded up: PyTorch rounds down, "
         "(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1")
def size_rounded_up(size, kernel_size, stride=1, padding=0, dilation=1):
    return -(-(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride) + 1


@mistake("the division is rounded to the nearest integer: PyTorch rounds down (floor)")
def size_rounded_to_nearest(size, kernel_size, stride=1, padding=0, dilation=1):
    return round((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1


@mistake("the + 1 is forgotten: (size + 2 * padding - dilation * (kernel_size - 1) - 1) "
         "// stride + 1")
def size_plus_one_forgotten(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride


@mistake("the padding is counted once: `padding` zeros are added on each side, so 2 * padding")
def size_padding_once(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + padding - dilation * (kernel_size - 1) - 1) // stride + 1


@mistake("the dilation is ignored: a dilated kernel spans dilation * (kernel_size - 1) + 1 "
         "pixels")
def size_dilation_ignored(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - kernel_size) // stride + 1


@mistake("the stride is ignored: divide by the stride (rounding down) before adding 1")
def size_stride_ignored(size, kernel_size, stride=1, padding=0, dilation=1):
    return size + 2 * padding - dilation * (kernel_size - 1)


@mistake("the bias is forgotten: each of the out_channels filters has one bias")
def count_bias_forgotten(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size ** 2


@mistake("a bias is counted although bias=False")
def count_bias_always(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size ** 2 + out_channels


@mistake("the kernel size is not squared: a kernel_size k filter has k * k weights per "
         "input channel")
def count_kernel_not_squared(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size + out_channels * bias


@mistake("the input channels are ignored: every filter spans all in_channels")
def count_in_channels_ignored(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * kernel_size ** 2 + out_channels * bias


@mistake("FLOPs instead of multiply-adds: one multiply-add is 2 FLOPs; count multiply-adds")
def macs_counted_as_flops(in_channels, out_channels, kernel_size, output_size):
    return 2 * in_channels * out_channels * kernel_size ** 2 * output_size ** 2


@mistake("the output size is not squared: output_size is the side of a square output")
def macs_output_not_squared(in_channels, out_channels, kernel_size, output_size):
    return in_channels * out_channels * kernel_size ** 2 * output_size


@mistake("the kernel size is not squared: each output value needs in_channels * k * k "
         "multiply-adds")
def macs_kernel_not_squared(in_channels, out_channels, kernel_size, output_size):
    return in_channels * out_channels * kernel_size * output_size ** 2


@mistake("the bias additions are counted: we count multiply-adds of the weights only")
def macs_bias_counted(in_channels, out_channels, kernel_size, output_size):
    return (in_channels * kernel_size ** 2 + 1) * out_channels * output_size ** 2


@mistake("the input channels are ignored: every filter spans all in_channels")
def macs_in_channels_ignored(in_channels, out_channels, kernel_size, output_size):
    return out_channels * kernel_size ** 2 * output_size ** 2


# --- receptive field ------------------------------------------------------------------------

def _receptive_field(layers, use_stride=True, use_dilation=True, include_own_stride=False):
    size, jump = 1, 1
    for kernel, stride, _, dilation in layers:
        if include_own_stride and use_stride:
            jump *= stride
        size += (kernel - 1) * (dilation if use_dilation else 1) * jump
        if use_stride and not include_own_stride:
            jump *= stride
    return size


@mistake("the strides are ignored: each layer adds (kernel - 1) * dilation * (product of the "
         "strides of the layers BEFORE it)")
def rf_strides_ignored(layers):
    return _receptive_field(layers, use_stride=False)


@mistake("the dilation is ignored: a dilated kernel adds (kernel - 1) * dilation")
def rf_dilation_ignored(layers):
    return _receptive_field(layers, use_dilation=False)


@mistake("each layer's own stride is included in its jump: only the strides of the layers "
         "before it count")
def rf_own_stride_included(layers):
    return _receptive_field(layers, include_own_stride=True)


@mistake("the kernel sizes are summed: each layer adds (kernel - 1) * dilation * jump, "
         "starting from 1")
def rf_kernels_summed(layers):
    return sum(kernel for kernel, _, _, _ in layers)


@mistake("the starting 1 is forgotten: one output pixel sees 1 input pixel before any layer")
def rf_plus_one_forgotten(layers):
    return _receptive_field(layers) - 1


@mistake("the padding changes the size: padding shifts the window but does not change the "
         "receptive field's size")
def rf_padding_added(layers):
    jump, extra = 1, 0
    for _, stride, padding, _ in layers:
        extra += 2 * padding * jump
        jump *= stride
    return _receptive_field(layers) + extra


# --- pooling --------------------------------------------------------------------------------

def _windows(x, kernel_size, stride):
    """Yield (output index (n, c, i, j), window slice of x) for every pooling window."""
    n, c, height, width = x.shape
    for i in range(_conv_size(height, kernel_size, stride, 0)):
        for j in range(_conv_size(width, kernel_size, stride, 0)):
            rows = slice(i * stride, i * stride + kernel_size)
            cols = slice(j * stride, j * stride + kernel_size)
            for b in range(n):
                for ch in range(c):
                    yield (b, ch, i, j), (b, ch, rows, cols)


def _pool_shape(x, kernel_size, stride, rounding=math.floor):
    n, c, height, width = x.shape
    return Shape((n, c, _conv_size(height, kernel_size, stride, 0, rounding),
                  _conv_size(width, kernel_size, stride, 0, rounding)))


@mistake("the average is taken instead of the maximum")
def pool_average_instead_of_max(x, kernel_size, stride):
    return oracle.avg_pool2d(x, kernel_size, stride)


@mistake("the maximum is taken instead of the average")
def pool_max_instead_of_average(x, kernel_size, stride):
    return oracle.max_pool2d(x, kernel_size, stride)


@mistake("the window is summed instead of averaged: divide by kernel_size * kernel_size")
def pool_sum_instead_of_average(x, kernel_size, stride):
    return oracle.avg_pool2d(x, kernel_size, stride) * np.asarray(kernel_size ** 2, x.dtype)


@mistake("the stride is ignored: the window moves by `stride` pixels")
def max_pool_stride_ignored(x, kernel_size, stride):
    return oracle.max_pool2d(x, kernel_size, 1)


@mistake("the stride is ignored: the window moves by `stride` pixels")
def avg_pool_stride_ignored(x, kernel_size, stride):
    return oracle.avg_pool2d(x, kernel_size, 1)


@mistake("the output is channels-last (N, H, W, C): PyTorch's layout is (N, C, H, W)")
def pool_channels_last(x, kernel_size, stride):
    return np.ascontiguousarray(oracle.max_pool2d(x, kernel_size, stride).transpose(0, 2, 3, 1))


@mistake("the output size is rounded up: PyTorch (ceil_mode=False) drops a last window that "
         "does not fit: H_out = (H - kernel_size) // stride + 1")
def pool_size_rounded_up(x, kernel_size, stride):
    return _pool_shape(x, kernel_size, stride, math.ceil)


def _max_pool_backward(grad_out, x, kernel_size, stride, route):
    grad_x = np.zeros_like(x)
    for out_index, window in _windows(x, kernel_size, stride):
        block = x[window]
        grad_x[window] += route(block) * grad_out[out_index]
    return grad_x


@mistake("the gradient is sent to every tied maximum: PyTorch sends it to one position only, "
         "the first maximum of the window in row-major order (np.argmax)")
def max_pool_grad_to_all_ties(grad_out, x, kernel_size, stride):
    return _max_pool_backward(grad_out, x, kernel_size, stride,
                              lambda b: (b == b.max()).astype(x.dtype))


@mistake("the gradient is split among tied maxima: PyTorch sends all of it to the first "
         "maximum of the window in row-major order (np.argmax)")
def max_pool_grad_split_among_ties(grad_out, x, kernel_size, stride):
    return _max_pool_backward(grad_out, x, kernel_size, stride,
                              lambda b: (b == b.max()).astype(x.dtype) / (b == b.max()).sum())


@mistake("the gradient goes to the LAST tied maximum: PyTorch picks the first one in row-major "
         "order (np.argmax of the flattened window)")
def max_pool_grad_to_last_tie(grad_out, x, kernel_size, stride):
    def last(block):
        mask = np.zeros(block.size, dtype=x.dtype)
        mask[block.size - 1 - np.argmax(block.ravel()[::-1])] = 1
        return mask.reshape(block.shape)
    return _max_pool_backward(grad_out, x, kernel_size, stride, last)


@mistake("overlapping windows overwrite each other's gradient: accumulate with += (a pixel in "
         "two windows gets both contributions)")
def max_pool_grad_overwritten(grad_out, x, kernel_size, stride):
    grad_x = np.zeros_like(x)
    for out_index, window in _windows(x, kernel_size, stride):
        block = x[window]
        local = np.zeros(block.size, dtype=x.dtype)
        local[np.argmax(block.ravel())] = 1
        local = local.reshape(block.shape)
        target = grad_x[window]
        target[local == 1] = grad_out[out_index]
    return grad_x


@mistake("the gradient is not divided by the window size: each of the kernel_size**2 inputs "
         "gets grad_out / kernel_size**2")
def avg_pool_grad_not_divided(grad_out, x, kernel_size, stride):
    return oracle.avg_pool2d_backward(grad_out, x, kernel_size, stride) * \
        np.asarray(kernel_size ** 2, x.dtype)


@mistake("overlapping windows overwrite each other's gradient: accumulate with += (a pixel in "
         "two windows gets both contributions)")
def avg_pool_grad_overwritten(grad_out, x, kernel_size, stride):
    grad_x = np.zeros_like(x)
    for out_index, window in _windows(x, kernel_size, stride):
        grad_x[window] = grad_out[out_index] / kernel_size ** 2
    return grad_x


# --- normalisation --------------------------------------------------------------------------

def _normalise(x, axes, eps, ddof=0, eps_outside=False):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    if eps_outside:
        return (x - mean) / (np.sqrt(var) + eps)
    return (x - mean) / np.sqrt(var + eps)


def _channel(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def _batch_norm_out(x, gamma, beta, axes, eps, **kwargs):
    return (_normalise(x, axes, eps, **kwargs) * _channel(gamma, x.ndim)
            + _channel(beta, x.ndim)).astype(x.dtype)


def _bn_axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _batch_norm_with_stats(x, gamma, beta, running_mean, running_var, training, momentum, eps,
                           ddof=1, reversed_momentum=False):
    out, _, _ = oracle.batch_norm(x, gamma, beta, running_mean, running_var, training, momentum,
                                  eps)
    if not training:
        return out, running_mean.copy(), running_var.copy()
    mean, var = x.mean(axis=_bn_axes(x)), x.var(axis=_bn_axes(x), ddof=ddof)
    new = 1 - momentum if reversed_momentum else momentum
    return (out, ((1 - new) * running_mean + new * mean).astype(x.dtype),
            ((1 - new) * running_var + new * var).astype(x.dtype))


@mistake("running_var is updated with the biased variance (divided by m): PyTorch's "
         "running_var uses the unbiased variance (divided by m - 1, m = N*H*W), while the "
         "normalisation itself uses the biased one")
def bn_running_var_biased(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                          eps=1e-5):
    return _batch_norm_with_stats(x, gamma, beta, running_mean, running_var, training, momentum,
                                  eps, ddof=0)


@mistake("momentum's meaning is reversed: in PyTorch, running = (1 - momentum) * running + "
         "momentum * batch_statistic (momentum=0.1 weights the NEW value)")
def bn_momentum_reversed(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                         eps=1e-5):
    return _batch_norm_with_stats(x, gamma, beta, running_mean, running_var, training, momentum,
                                  eps, reversed_momentum=True)


@mistake("the running statistics are not updated in place: write into the arrays you were "
         "given (running_mean[:] = ... or running_mean *= ...), don't rebind the name")
def bn_running_stats_not_in_place(x, gamma, beta, running_mean, running_var, training,
                                  momentum=0.1, eps=1e-5):
    out = oracle.batch_norm(x, gamma, beta, running_mean, running_var, training, momentum, eps)[0]
    return out, running_mean.copy(), running_var.copy()


@mistake("batch statistics are used in evaluation mode (training=False): at test time, "
         "normalise with running_mean and running_var")
def bn_batch_stats_in_eval(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                           eps=1e-5):
    out = _batch_norm_out(x, gamma, beta, _bn_axes(x), eps)
    return out, running_mean.copy(), running_var.copy()


@mistake("the running statistics are used in training mode: during training, normalise with "
         "the batch's own mean and variance")
def bn_running_stats_in_training(x, gamma, beta, running_mean, running_var, training,
                                 momentum=0.1, eps=1e-5):
    out = oracle.batch_norm(x, gamma, beta, running_mean, running_var, False, momentum, eps)[0]
    return out, running_mean, running_var


@mistake("normalised over the wrong axes, per example over (C, H, W) like layer norm: batch "
         "norm normalises each channel over (N, H, W)")
def bn_layer_norm_axes(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                       eps=1e-5):
    out = _batch_norm_out(x, gamma, beta, tuple(range(1, x.ndim)), eps)
    return out, running_mean, running_var


@mistake("normalised over the wrong axes, per example and channel over (H, W) like instance "
         "norm: batch norm normalises each channel over (N, H, W)")
def bn_instance_norm_axes(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                          eps=1e-5):
    out = _batch_norm_out(x, gamma, beta, tuple(range(2, x.ndim)), eps)
    return out, running_mean, running_var


@mistake("the unbiased variance is used to normalise: batch norm normalises with the biased "
         "variance (divide by m); only running_var gets the unbiased one")
def bn_unbiased_normalisation(x, gamma, beta, running_mean, running_var, training,
                              momentum=0.1, eps=1e-5):
    out = _batch_norm_out(x, gamma, beta, _bn_axes(x), eps, ddof=1)
    return out, running_mean, running_var


@mistake("eps is added outside the square root: PyTorch divides by sqrt(var + eps)")
def bn_eps_outside_sqrt(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                        eps=1e-5):
    out = _batch_norm_out(x, gamma, beta, _bn_axes(x), eps, eps_outside=True)
    return out, running_mean, running_var


@mistake("grad_x treats the batch mean and variance as constants: they depend on x too, so "
         "grad_x has two more terms (see the chain rule through mean and var)")
def bn_grad_x_ignores_statistics(grad_out, x, gamma, eps=1e-5):
    axes = _bn_axes(x)
    std = np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    grads = oracle.batch_norm_backward(grad_out, x, gamma, eps)
    return (grad_out * _channel(gamma, x.ndim) / std).astype(x.dtype), grads[1], grads[2]


@mistake("grad_gamma is summed over the batch only: sum over N, H and W, "
         "grad_gamma = (grad_out * x_hat).sum(axis=(0, 2, 3))")
def bn_grad_gamma_batch_only(grad_out, x, gamma, eps=1e-5):
    x_hat = _normalise(x, _bn_axes(x), eps)
    grads = oracle.batch_norm_backward(grad_out, x, gamma, eps)
    return grads[0], (grad_out * x_hat).sum(axis=0).astype(x.dtype), grads[2]


@mistake("grad_beta is summed over the batch only: sum over N, H and W, "
         "grad_beta = grad_out.sum(axis=(0, 2, 3))")
def bn_grad_beta_batch_only(grad_out, x, gamma, eps=1e-5):
    grads = oracle.batch_norm_backward(grad_out, x, gamma, eps)
    return grads[0], grads[1], grad_out.sum(axis=0)


def _layer_norm_out(x, gamma, beta, axes, eps, **kwargs):
    return (_normalise(x, axes, eps, **kwargs) * gamma + beta).astype(x.dtype)


@mistake("normalised over the batch axis, like batch norm: layer norm normalises each example "
         "over all its other axes")
def ln_batch_norm_axes(x, gamma, beta, eps=1e-5):
    return _layer_norm_out(x, gamma, beta, _bn_axes(x), eps)


@mistake("normalised per channel over (H, W), like instance norm: layer norm normalises each "
         "example over (C, H, W)")
def ln_instance_norm_axes(x, gamma, beta, eps=1e-5):
    return _layer_norm_out(x, gamma, beta, tuple(range(2, x.ndim)), eps)


@mistake("the unbiased variance is used: normalisation layers divide by m, not m - 1")
def ln_unbiased_variance(x, gamma, beta, eps=1e-5):
    return _layer_norm_out(x, gamma, beta, tuple(range(1, x.ndim)), eps, ddof=1)


@mistake("eps is added outside the square root: PyTorch divides by sqrt(var + eps)")
def ln_eps_outside_sqrt(x, gamma, beta, eps=1e-5):
    return _layer_norm_out(x, gamma, beta, tuple(range(1, x.ndim)), eps, eps_outside=True)


def _group_norm_out(x, groups, gamma, beta, eps, interleaved=False, **kwargs):
    n, c = x.shape[:2]
    if interleaved:
        grouped = x.reshape((n, c // groups, groups) + x.shape[2:])
        axes = (1,) + tuple(range(3, grouped.ndim))
    else:
        grouped = x.reshape((n, groups, c // groups) + x.shape[2:])
        axes = tuple(range(2, grouped.ndim))
    normalised = _normalise(grouped, axes, eps, **kwargs).reshape(x.shape)
    return (normalised * _channel(gamma, x.ndim) + _channel(beta, x.ndim)).astype(x.dtype)


@mistake("the channels are grouped with a stride (channel c in group c % num_groups): PyTorch's "
         "groups are consecutive channels, x.reshape(N, num_groups, C // num_groups, H, W)")
def gn_groups_interleaved(x, num_groups, gamma, beta, eps=1e-5):
    return _group_norm_out(x, num_groups, gamma, beta, eps, interleaved=True)


@mistake("one group is used (layer norm): normalise each of the num_groups groups separately")
def gn_one_group(x, num_groups, gamma, beta, eps=1e-5):
    return _group_norm_out(x, 1, gamma, beta, eps)


@mistake("each channel is its own group (instance norm): use num_groups groups of "
         "C // num_groups channels")
def gn_group_per_channel(x, num_groups, gamma, beta, eps=1e-5):
    return _group_norm_out(x, x.shape[1], gamma, beta, eps)


@mistake("the unbiased variance is used: normalisation layers divide by m, not m - 1")
def gn_unbiased_variance(x, num_groups, gamma, beta, eps=1e-5):
    return _group_norm_out(x, num_groups, gamma, beta, eps, ddof=1)


def _fused(weight, bias, gamma, beta, running_mean, running_var, eps, scale_of=None,
           bias_of=None, axis=0):
    scale = gamma / np.sqrt(running_var + eps) if scale_of is None else scale_of
    shape = [1, 1, 1, 1]
    shape[axis] = -1
    new_bias = (bias - running_mean) * scale + beta if bias_of is None else bias_of(scale)
    return (weight * scale.reshape(shape)).astype(weight.dtype), new_bias.astype(bias.dtype)


@mistake("eps is forgotten: scale = gamma / sqrt(running_var + eps)")
def fuse_eps_forgotten(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    return _fused(weight, bias, gamma, beta, running_mean, running_var, eps,
                  scale_of=gamma / np.sqrt(running_var))


@mistake("the variance is used instead of the standard deviation: scale = gamma / "
         "sqrt(running_var + eps)")
def fuse_variance_not_sqrt(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    return _fused(weight, bias, gamma, beta, running_mean, running_var, eps,
                  scale_of=gamma / (running_var + eps))


@mistake("the running mean is not subtracted: bias_fused = (bias - running_mean) * scale + beta")
def fuse_mean_not_subtracted(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    return _fused(weight, bias, gamma, beta, running_mean, running_var, eps,
                  bias_of=lambda scale: bias * scale + beta)


@mistake("the conv bias is not scaled: bias_fused = (bias - running_mean) * scale + beta")
def fuse_bias_not_scaled(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    return _fused(weight, bias, gamma, beta, running_mean, running_var, eps,
                  bias_of=lambda scale: bias - running_mean * scale + beta)


@mistake("the scale is applied along the input channels: BN scales each OUTPUT channel, "
         "weight_fused = weight * scale[:, None, None, None]")
def fuse_scaled_input_channels(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    return _fused(weight, bias, gamma, beta, running_mean, running_var, eps, axis=1)


# --- LeNet ----------------------------------------------------------------------------------

def _table(rows, params=None, macs=None, shape=None):
    return [(kind, shape(s) if shape else s, params(kind, s, p) if params else p,
             macs(kind, s, m) if macs else m) for kind, s, p, m in rows]


@mistake("the biases are not counted in the parameters: a conv has one bias per filter, a "
         "linear layer one per output feature")
def lenet_bias_forgotten(input_shape):
    return _table(oracle.lenet_layer_table(input_shape),
                  params=lambda kind, s, p: p - s[0] if kind in ("conv", "linear") else p)


@mistake("FLOPs instead of multiply-adds: one multiply-add is 2 FLOPs; count multiply-adds")
def lenet_flops(input_shape):
    return _table(oracle.lenet_layer_table(input_shape), macs=lambda kind, s, m: 2 * m)


@mistake("the bias additions are counted as multiply-adds: count the weights' multiply-adds "
         "only")
def lenet_bias_in_macs(input_shape):
    return _table(oracle.lenet_layer_table(input_shape),
                  macs=lambda kind, s, m: m + int(np.prod(s)) if m else m)


@mistake("the output shapes include the batch axis: give (C, H, W) or (features,) per example")
def lenet_batch_axis(input_shape):
    return _table(oracle.lenet_layer_table(input_shape), shape=lambda s: (1,) + tuple(s))
