"""Correct answers to every exercise, written the way a student would (NumPy only).

The grader must give each of them full marks; tests elsewhere break them on purpose.
"""

import numpy as np


# --- 01 -----------------------------------------------------------------------------------

def linear_forward(x, weight, bias):
    return x @ weight.T + bias


def linear_backward(grad_out, x, weight):
    return grad_out @ weight, grad_out.T @ x, grad_out.sum(axis=0)


def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


# --- 02 -----------------------------------------------------------------------------------

def _pad(x, padding):
    return np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def conv2d_naive(x, weight, bias, stride=1, padding=0):
    n, _, height, width = x.shape
    filters, _, kh, kw = weight.shape
    xp = _pad(x, padding)
    out_h = (height + 2 * padding - kh) // stride + 1
    out_w = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n, filters, out_h, out_w), dtype=x.dtype)
    for b in range(n):
        for f in range(filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = xp[b, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[b, f, i, j] = np.sum(window * weight[f]) + bias[f]
    return out


def conv2d_vectorized(x, weight, bias, stride=1, padding=0):
    n, channels, height, width = x.shape
    filters, _, kh, kw = weight.shape
    xp = _pad(x, padding)
    out_h = (height + 2 * padding - kh) // stride + 1
    out_w = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n, filters, out_h, out_w), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride]
            out += np.einsum("nchw,fc->nfhw", patch, weight[:, :, i, j])
    return out + bias.reshape(1, -1, 1, 1)


def conv2d_backward(grad_out, x, weight, stride=1, padding=0):
    _, _, kh, kw = weight.shape
    _, _, out_h, out_w = grad_out.shape
    xp = _pad(x, padding)
    grad_xp = np.zeros_like(xp)
    grad_weight = np.zeros_like(weight)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + stride * out_h, stride)
            cols = slice(j, j + stride * out_w, stride)
            grad_weight[:, :, i, j] = np.einsum("nfhw,nchw->fc", grad_out, xp[:, :, rows, cols])
            grad_xp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", grad_out, weight[:, :, i, j])
    height, width = x.shape[2:]
    grad_x = grad_xp[:, :, padding:padding + height, padding:padding + width]
    return grad_x, grad_weight, grad_out.sum(axis=(0, 2, 3))


# --- 03 -----------------------------------------------------------------------------------

def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size * kernel_size + (out_channels if bias else 0)


def conv_multiply_adds(in_channels, out_channels, kernel_size, output_size):
    return in_channels * kernel_size * kernel_size * out_channels * output_size * output_size


# --- 04 -----------------------------------------------------------------------------------

def receptive_field_size(layers):
    size, jump = 1, 1
    for kernel, stride, padding, dilation in layers:
        size += (kernel - 1) * dilation * jump
        jump *= stride
    return size


# --- 05 -----------------------------------------------------------------------------------

def _pool_size(size, kernel_size, stride):
    return (size - kernel_size) // stride + 1


def _pool2d_forward(x, kernel_size, stride, reduce):
    """Reduce every kernel_size x kernel_size window (np.max or np.mean): (N, C, H', W')."""
    n, c, height, width = x.shape
    out_h, out_w = _pool_size(height, kernel_size, stride), _pool_size(width, kernel_size, stride)
    out = np.zeros((n, c, out_h, out_w), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            out[:, :, i, j] = reduce(window, axis=(2, 3))
    return out


def max_pool2d_forward(x, kernel_size, stride):
    return _pool2d_forward(x, kernel_size, stride, np.max)


def max_pool2d_backward(grad_out, x, kernel_size, stride):
    n, c, out_h, out_w = grad_out.shape
    grad_x = np.zeros_like(x)
    for i in range(out_h):
        for j in range(out_w):
            rows = slice(i * stride, i * stride + kernel_size)
            cols = slice(j * stride, j * stride + kernel_size)
            window = x[:, :, rows, cols].reshape(n, c, -1)
            first = window.argmax(axis=2)
            di, dj = np.unravel_index(first, (kernel_size, kernel_size))
            b, ch = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
            np.add.at(grad_x, (b, ch, i * stride + di, j * stride + dj), grad_out[:, :, i, j])
    return grad_x


def avg_pool2d_forward(x, kernel_size, stride):
    return _pool2d_forward(x, kernel_size, stride, np.mean)


def avg_pool2d_backward(grad_out, x, kernel_size, stride):
    grad_x = np.zeros_like(x)
    _, _, out_h, out_w = grad_out.shape
    for i in range(out_h):
        for j in range(out_w):
            grad_x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size] += \
                grad_out[:, :, i:i + 1, j:j + 1] / kernel_size ** 2
    return grad_x


# --- 06 -----------------------------------------------------------------------------------

def _per_channel(v):
    return v.reshape(1, -1, 1, 1)


def batch_norm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                       eps=1e-5):
    if training:
        mean = x.mean(axis=(0, 2, 3))
        var = x.var(axis=(0, 2, 3))
        m = x.size // x.shape[1]
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * var * m / (m - 1)
    else:
        mean, var = running_mean, running_var
    x_hat = (x - _per_channel(mean)) / np.sqrt(_per_channel(var) + eps)
    return (x_hat * _per_channel(gamma) + _per_channel(beta)).astype(x.dtype)


def batch_norm_backward(grad_out, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    m = x.size // x.shape[1]
    mean = x.mean(axis=axes, keepdims=True)
    std = np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - mean) / std
    grad_gamma = (grad_out * x_hat).sum(axis=axes)
    grad_beta = grad_out.sum(axis=axes)
    grad_x_hat = grad_out * _per_channel(gamma)
    grad_x = (m * grad_x_hat - grad_x_hat.sum(axis=axes, keepdims=True)
              - x_hat * (grad_x_hat * x_hat).sum(axis=axes, keepdims=True)) / (m * std)
    return grad_x.astype(x.dtype), grad_gamma.astype(x.dtype), grad_beta.astype(x.dtype)


def layer_norm_forward(x, gamma, beta, eps=1e-5):
    axes = tuple(range(1, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps) * gamma + beta).astype(x.dtype)


def group_norm_forward(x, num_groups, gamma, beta, eps=1e-5):
    n, c = x.shape[:2]
    grouped = x.reshape(n, num_groups, -1)
    mean = grouped.mean(axis=2, keepdims=True)
    var = grouped.var(axis=2, keepdims=True)
    x_hat = ((grouped - mean) / np.sqrt(var + eps)).reshape(x.shape)
    return (x_hat * _per_channel(gamma) + _per_channel(beta)).astype(x.dtype)


def fuse_conv_bn(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    return (weight * scale.reshape(-1, 1, 1, 1)).astype(weight.dtype), \
        ((bias - running_mean) * scale + beta).astype(bias.dtype)


# --- 07 -----------------------------------------------------------------------------------

def lenet_layer_table(input_shape):
    channels, height, width = input_shape
    rows = []
    shape = (channels, height, width)

    def conv(name, out_channels):
        nonlocal shape
        in_channels, h, w = shape
        shape = (out_channels, h, w)                     # 5x5, padding 2: size kept
        rows.append((name, shape, in_channels * out_channels * 25 + out_channels,
                     in_channels * 25 * out_channels * h * w))

    def same(name):
        rows.append((name, shape, 0, 0))

    def pool(name):
        nonlocal shape
        shape = (shape[0], shape[1] // 2, shape[2] // 2)
        rows.append((name, shape, 0, 0))

    conv("conv1", 20), same("relu1"), pool("pool1")
    conv("conv2", 50), same("relu2"), pool("pool2")
    features = shape[0] * shape[1] * shape[2]
    rows.append(("flatten", (features,), 0, 0))
    rows.append(("linear1", (500,), features * 500 + 500, features * 500))
    rows.append(("relu3", (500,), 0, 0))
    rows.append(("linear2", (10,), 500 * 10 + 10, 500 * 10))
    return rows


ALL = {name: value for name, value in dict(globals()).items()
       if callable(value) and not name.startswith("_") and value.__module__ == __name__}
