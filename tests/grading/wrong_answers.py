"""Wrong answers that are not among the grader's named mistakes, each as a student might write
it (the first line of each docstring says what is wrong). Used to test that the grader names
no mistake it cannot be sure of."""

import numpy as np


def _pad(input, padding):
    return np.pad(input, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def _windows(input, kernel_h, kernel_w):
    return np.lib.stride_tricks.sliding_window_view(input, (kernel_h, kernel_w), axis=(2, 3))


def conv_stride_only_in_size(input, weight, bias=None, stride=1, padding=0):
    """stride used only in the output size: windows taken at every position"""
    kh, kw = weight.shape[2:]
    padded = _pad(input, padding)
    out_h, out_w = (padded.shape[2] - kh) // stride + 1, (padded.shape[3] - kw) // stride + 1
    out = np.einsum("nchwuv,kcuv->nkhw", _windows(padded, kh, kw)[:, :, :out_h, :out_w], weight)
    return (out if bias is None else out + bias[None, :, None, None]).astype(input.dtype)


def conv_im2col_wrong_order(input, weight, bias=None, stride=1, padding=0):
    """im2col columns in the wrong order: each window flattened column by column"""
    kh, kw = weight.shape[2:]
    windows = _windows(_pad(input, padding), kh, kw)[:, :, ::stride, ::stride]
    n, c, h, w = windows.shape[:4]
    columns = windows.transpose(0, 2, 3, 1, 5, 4).reshape(n, h, w, -1)
    out = (columns @ weight.reshape(weight.shape[0], -1).T).transpose(0, 3, 1, 2)
    return (out if bias is None else out + bias[None, :, None, None]).astype(input.dtype)


def conv_reshape_not_transpose(input, weight, bias=None, stride=1, padding=0):
    """a reshape where a transpose was needed: (N, H, W, C) data read as (N, C, H, W)"""
    kh, kw = weight.shape[2:]
    windows = _windows(_pad(input, padding), kh, kw)[:, :, ::stride, ::stride]
    n, c, h, w = windows.shape[:4]
    columns = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n, h, w, -1)
    out = (columns @ weight.reshape(weight.shape[0], -1).T).reshape(n, -1, h, w)
    return (out if bias is None else out + bias[None, :, None, None]).astype(input.dtype)


def conv_kernel_transposed_einsum(input, weight, bias=None, stride=1, padding=0):
    """the kernel transposed in einsum: its rows and columns swapped"""
    kh, kw = weight.shape[2:]
    windows = _windows(_pad(input, padding), kw, kh)[:, :, ::stride, ::stride]
    out = np.einsum("nchwuv,kcvu->nkhw", windows, weight)
    return (out if bias is None else out + bias[None, :, None, None]).astype(input.dtype)


def conv_stride_before_windows(input, weight, bias=None, stride=1, padding=0):
    """the stride applied to the input before windowing: input subsampled, then stride 1"""
    kh, kw = weight.shape[2:]
    padded = _pad(input, padding)[:, :, ::stride, ::stride]
    out = np.einsum("nchwuv,kcuv->nkhw", _windows(padded, kh, kw), weight)
    return (out if bias is None else out + bias[None, :, None, None]).astype(input.dtype)


def conv_backward_input_stride_ignored(grad_output, input, weight, bias=None, stride=1,
                                       padding=0):
    """grad_input spread as if the stride were 1 (grad_weight and grad_bias right)"""
    kh, kw = weight.shape[2:]
    padded = _pad(input, padding)
    windows = _windows(padded, kh, kw)[:, :, ::stride, ::stride]
    grad_weight = np.einsum("nkhw,nchwuv->kcuv", grad_output, windows)
    grad_padded = np.zeros_like(padded)
    h, w = grad_output.shape[2:]
    for u in range(kh):
        for v in range(kw):
            grad_padded[:, :, u:u + h, v:v + w] += np.einsum("nkhw,kc->nchw", grad_output,
                                                             weight[:, :, u, v])
    grad_input = grad_padded[:, :, padding:padding + input.shape[2], padding:padding + input.shape[3]]
    grads = (grad_input, grad_weight)
    return grads if bias is None else grads + (grad_output.sum(axis=(0, 2, 3)),)


def size_dilated_span_times_kernel(size, kernel_size, stride=1, padding=0, dilation=1):
    """the dilated span taken as dilation * kernel_size"""
    return (size + 2 * padding - dilation * kernel_size) // stride + 1


def rf_layers_reversed(layers):
    """the recurrence run from the last layer to the first"""
    size, jump = 1, 1
    for kernel, stride, _, dilation in reversed(layers):
        size += (kernel - 1) * dilation * jump
        jump *= stride
    return size


def pool_min(input, kernel_size, stride=None):
    """the minimum of each window"""
    stride = stride or kernel_size
    windows = _windows(input, kernel_size, kernel_size)[:, :, ::stride, ::stride]
    return windows.min(axis=(4, 5))


def avg_pool_integer_division(input, kernel_size, stride=None):
    """integer division in the mean: total // (k * k)"""
    stride = stride or kernel_size
    windows = _windows(input, kernel_size, kernel_size)[:, :, ::stride, ::stride]
    return (windows.sum(axis=(4, 5)) // (kernel_size * kernel_size)).astype(input.dtype)


def max_pool_backward_top_left(grad_output, input, kernel_size, stride=None):
    """the gradient always sent to each window's top-left entry"""
    stride = stride or kernel_size
    grad = np.zeros_like(input)
    h, w = grad_output.shape[2:]
    grad[:, :, 0:stride * h:stride, 0:stride * w:stride] += grad_output
    return grad


def avg_pool_backward_divided_by_k(grad_output, input, kernel_size, stride=None):
    """the gradient divided by kernel_size, not kernel_size ** 2"""
    stride = stride or kernel_size
    grad = np.zeros_like(input)
    h, w = grad_output.shape[2:]
    for u in range(kernel_size):
        for v in range(kernel_size):
            grad[:, :, u:u + stride * h:stride, v:v + stride * w:stride] += grad_output / kernel_size
    return grad


def linear_bias_twice(input, weight, bias=None):
    """the bias added twice"""
    out = input @ weight.T
    return out if bias is None else out + 2 * bias


def linear_backward_bias_axis_1(grad_output, input, weight, bias=None):
    """grad_bias summed over the wrong axis"""
    grads = (grad_output @ weight, grad_output.T @ input)
    return grads if bias is None else grads + (grad_output.sum(axis=1),)


def numerical_gradient_not_restored(f, x, h=1e-6):
    """each nudged entry left at x - h instead of being put back"""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        plus = float(f(x))
        x[index] -= 2 * h
        grad[index] = (plus - float(f(x))) / (2 * h)
    return grad


def _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps,
                update_in_eval=False):
    axes = (0,) + tuple(range(2, input.ndim))
    shape = (1, -1) + (1,) * (input.ndim - 2)
    if training:
        mean, var = input.mean(axis=axes), input.var(axis=axes)
        m = input.size // input.shape[1]
        if running_mean is not None:
            running_mean[...] = (1 - momentum) * running_mean + momentum * mean
            running_var[...] = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mean, var = running_mean.copy(), running_var.copy()
        if update_in_eval:
            running_mean *= 1 - momentum
    out = (input - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    out = out if weight is None else out * weight.reshape(shape)
    return out if bias is None else out + bias.reshape(shape)


def batch_norm_bias_forgotten(input, running_mean, running_var, weight=None, bias=None,
                              training=False, momentum=0.1, eps=1e-5):
    """beta (bias) never added"""
    return _batch_norm(input, running_mean, running_var, weight, None, training, momentum,
                       eps).astype(input.dtype)


def batch_norm_updates_in_eval(input, running_mean, running_var, weight=None, bias=None,
                               training=False, momentum=0.1, eps=1e-5):
    """the running mean moved in evaluation mode too"""
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps,
                       update_in_eval=True).astype(input.dtype)


def layer_norm_last_axis(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """normalised over the last axis only, whatever normalized_shape says"""
    mean, var = input.mean(axis=-1, keepdims=True), input.var(axis=-1, keepdims=True)
    out = (input - mean) / np.sqrt(var + eps)
    out = out if weight is None else out * weight
    return (out if bias is None else out + bias).astype(input.dtype)


def group_norm_groups_of_positions(input, num_groups, weight=None, bias=None, eps=1e-5):
    """statistics over each channel's positions, split into num_groups parts"""
    n, c = input.shape[:2]
    grouped = input.reshape(n, c, num_groups, -1) if input[0, 0].size % num_groups == 0 \
        else input.reshape(n, c, 1, -1)
    out = ((grouped - grouped.mean(-1, keepdims=True))
           / np.sqrt(grouped.var(-1, keepdims=True) + eps)).reshape(input.shape)
    shape = (1, -1) + (1,) * (input.ndim - 2)
    out = out if weight is None else out * weight.reshape(shape)
    return (out if bias is None else out + bias.reshape(shape)).astype(input.dtype)


def fuse_weight_not_scaled(conv_weight, conv_bias, running_mean, running_var, eps, bn_weight,
                           bn_bias):
    """the bias fused but the weight left as it was"""
    scale = bn_weight / np.sqrt(running_var + eps)
    conv_bias = np.zeros_like(running_mean) if conv_bias is None else conv_bias
    return conv_weight.copy(), (conv_bias - running_mean) * scale + bn_bias


def lenet_padding_forgotten(input_shape):
    """the convolutions' padding forgotten: each 5x5 conv shrinks the image by 4"""
    channels, height, width = input_shape
    rows = []
    for out_channels in (20, 50):
        height, width = height - 4, width - 4
        rows.append(("conv", (out_channels, height, width), out_channels * (channels * 25 + 1),
                     out_channels * height * width * channels * 25))
        rows.append(("relu", (out_channels, height, width), 0, 0))
        height, width, channels = height // 2, width // 2, out_channels
        rows.append(("pool", (channels, height, width), 0, 0))
    flat = channels * height * width
    return rows + [("flatten", (flat,), 0, 0), ("linear", (500,), flat * 500 + 500, flat * 500),
                   ("relu", (500,), 0, 0), ("linear", (10,), 5010, 5000)]


def count_in_plus_out(in_channels, out_channels, kernel_size, bias=True):
    """(in + out) * k * k + out"""
    return (in_channels + out_channels) * kernel_size ** 2 + out_channels * bias


def macs_input_size(in_channels, out_channels, kernel_size, output_size):
    """the input size used instead of the output size"""
    return in_channels * out_channels * kernel_size ** 2 * (output_size + kernel_size - 1) ** 2


def dropout_backward_times_p(grad_output, mask, p=0.5):
    """the gradient multiplied by p"""
    return (grad_output * mask * p).astype(grad_output.dtype)


def dropout_scaled_by_one_over_p(input, p=0.5, training=True, generator=None):
    """the kept entries scaled by 1 / p (while dropping with probability p)"""
    if not training:
        return input.copy(), np.ones(input.shape, dtype=bool)
    kept = generator.random(input.shape) >= p
    return (input * kept / (p if p else 1.0)).astype(input.dtype), kept


ALL = [("conv2d", conv_stride_only_in_size), ("conv2d", conv_im2col_wrong_order),
       ("conv2d", conv_reshape_not_transpose), ("conv2d", conv_kernel_transposed_einsum),
       ("conv2d_naive", conv_stride_before_windows),
       ("conv2d_backward", conv_backward_input_stride_ignored),
       ("batch_norm", batch_norm_bias_forgotten), ("batch_norm", batch_norm_updates_in_eval),
       ("conv_output_size", size_dilated_span_times_kernel),
       ("receptive_field_size", rf_layers_reversed), ("max_pool2d", pool_min),
       ("avg_pool2d", avg_pool_integer_division),
       ("max_pool2d_backward", max_pool_backward_top_left),
       ("avg_pool2d_backward", avg_pool_backward_divided_by_k), ("linear", linear_bias_twice),
       ("linear_backward", linear_backward_bias_axis_1),
       ("numerical_gradient", numerical_gradient_not_restored),
       ("layer_norm", layer_norm_last_axis), ("group_norm", group_norm_groups_of_positions),
       ("fuse_conv_bn", fuse_weight_not_scaled), ("lenet_layer_table", lenet_padding_forgotten),
       ("conv_parameter_count", count_in_plus_out), ("conv_multiply_adds", macs_input_size),
       ("dropout_backward", dropout_backward_times_p),
       ("dropout_forward", dropout_scaled_by_one_over_p)]
