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



def _conv_same(x, weight):
    """A stride-1 convolution padded to keep H and W (odd kernels), as the residual block uses."""
    pad = (weight.shape[-1] - 1) // 2
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))), weight.shape[2:], axis=(2, 3))
    return np.einsum("nchwuv,fcuv->nfhw", windows, weight)


def residual_input_added_twice(input, weight1, weight2):
    """the input added twice: relu(2 * input + F(input))"""
    hidden = np.maximum(_conv_same(input, weight1), 0)
    return np.maximum(2 * input + _conv_same(hidden, weight2), 0).astype(input.dtype)


def residual_kernels_flipped(input, weight1, weight2):
    """both kernels flipped (a true convolution, not PyTorch's cross-correlation)"""
    flip = lambda w: w[..., ::-1, ::-1]                              # noqa: E731
    hidden = np.maximum(_conv_same(input, flip(weight1)), 0)
    return np.maximum(input + _conv_same(hidden, flip(weight2)), 0).astype(input.dtype)


def _residual_backward(grad_output, input, weight1, weight2, weight2_input="hidden", flip=True):
    def conv_backward(grad, x, weight):
        kernel = weight.transpose(1, 0, 2, 3)
        grad_x = _conv_same(grad, kernel[:, :, ::-1, ::-1] if flip else kernel)
        pad = (weight.shape[-1] - 1) // 2
        windows = np.lib.stride_tricks.sliding_window_view(
            np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))), weight.shape[2:], axis=(2, 3))
        return grad_x, np.einsum("nfhw,nchwuv->fcuv", grad, windows)

    pre = _conv_same(input, weight1)
    hidden = np.maximum(pre, 0)
    total = input + _conv_same(hidden, weight2)
    grad_total = grad_output * (total > 0)
    grad_hidden, grad_weight2 = conv_backward(grad_total, hidden, weight2)
    if weight2_input == "pre":
        grad_weight2 = conv_backward(grad_total, pre, weight2)[1]
    grad_branch, grad_weight1 = conv_backward(grad_hidden * (pre > 0), input, weight1)
    dtype = input.dtype
    return ((grad_total + grad_branch).astype(dtype), grad_weight1.astype(dtype),
            grad_weight2.astype(dtype))


def residual_backward_weight2_from_pre(grad_output, input, weight1, weight2):
    """grad_weight2 taken from the inner ReLU's input instead of its output"""
    return _residual_backward(grad_output, input, weight1, weight2, weight2_input="pre")


def residual_backward_not_flipped(grad_output, input, weight1, weight2):
    """the input gradients of both convolutions computed without rotating the kernels"""
    return _residual_backward(grad_output, input, weight1, weight2, flip=False)


def bottleneck_always_projected(in_channels, width, size, stride=1):
    """a projection shortcut counted even when the shape does not change"""
    out, after = 4 * width, (size - 1) // stride + 1
    convs = [(in_channels, width, 1, size), (width, width, 3, after), (width, out, 1, after),
             (in_channels, out, 1, after)]
    return (sum(i * o * k * k + 2 * o for i, o, k, _ in convs),
            sum(i * o * k * k * n * n for i, o, k, n in convs))


def bottleneck_no_expansion(in_channels, width, size, stride=1):
    """the block's output taken as width channels, not 4 * width"""
    after = (size - 1) // stride + 1
    convs = [(in_channels, width, 1, size), (width, width, 3, after), (width, width, 1, after)]
    if stride != 1 or in_channels != width:
        convs.append((in_channels, width, 1, after))
    return (sum(i * o * k * k + 2 * o for i, o, k, _ in convs),
            sum(i * o * k * k * n * n for i, o, k, n in convs))


def vgg_stage_five_by_five(in_channels, out_channels, convs, receptive_field=1, jump=1):
    """the stage's convolutions taken as 5x5"""
    field = receptive_field + 4 * convs * jump + jump
    parameters = out_channels * (25 * in_channels + 1) + (convs - 1) * out_channels * (25 * out_channels + 1)
    return field, 2 * jump, parameters


def vgg_stage_weights_only_from_input(in_channels, out_channels, convs, receptive_field=1, jump=1):
    """every convolution counted from in_channels, and without biases"""
    field = receptive_field + 2 * convs * jump + jump
    return field, 2 * jump, convs * in_channels * out_channels * 9


def design_stride_one(in_channels, size, out_channels, receptive_field, max_parameters,
                      max_multiply_adds):
    """stride-1 3x3 layers only, as many as the field needs: over the multiply-add budget"""
    depth = max(1, -(-(receptive_field - 1) // 2))
    return [(8, 3, 1)] * (depth - 1) + [(out_channels, 3, 1)]


def design_one_large_kernel(in_channels, size, out_channels, receptive_field, max_parameters,
                            max_multiply_adds):
    """one convolution whose kernel covers the field: over the parameter budget"""
    kernel = receptive_field if receptive_field % 2 else receptive_field + 1
    return [(out_channels, kernel, 1)]


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
       ("dropout_forward", dropout_scaled_by_one_over_p),
       ("residual_block", residual_input_added_twice), ("residual_block", residual_kernels_flipped),
       ("residual_block_backward", residual_backward_weight2_from_pre),
       ("residual_block_backward", residual_backward_not_flipped),
       ("bottleneck_cost", bottleneck_always_projected), ("bottleneck_cost", bottleneck_no_expansion),
       ("vgg_stage", vgg_stage_five_by_five), ("vgg_stage", vgg_stage_weights_only_from_input),
       ("design_convnet", design_stride_one), ("design_convnet", design_one_large_kernel)]


# Notebooks 03 and 04: the design problems (a design is checked against requirements, so these
# are designs that break one; none of them is a named mistake's design).

def size_one_stride_one_layer(size, output_size, channels, max_parameters):
    """one stride-1 layer whose kernel shrinks the map to the size: over the budget"""
    return [(size - output_size + 1, 1, 0)]


def size_halvings_only(size, output_size, channels, max_parameters):
    """2x2 stride-2 halvings only, as long as the map is larger than the target: overshoots"""
    layers = []
    while size > output_size:
        layers.append((2, 2, size % 2))
        size = (size + 1) // 2
    return layers


def field_one_large_kernel(receptive_field, channels, max_parameters):
    """one layer whose kernel is as large as the field: over the budget"""
    return [(receptive_field | 1, 1, 1)]


def field_dilation_one_past_region(receptive_field, channels, max_parameters):
    """each dilation one more than the region seen so far: a hole between neighbouring taps"""
    layers, field = [], 1
    while field < receptive_field:
        layers.append((3, 1, field + 1))
        field += 2 * (field + 1)
    return layers


ALL += [("design_output_size", size_one_stride_one_layer),
        ("design_output_size", size_halvings_only),
        ("design_receptive_field", field_one_large_kernel),
        ("design_receptive_field", field_dilation_one_past_region)]


# Notebook 02: im2col and learn_kernel.

def _kernel_pair(kernel_size):
    return tuple(kernel_size) if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)


def _im2col(padded, kernel_h, kernel_w, stride):
    windows = _windows(padded, kernel_h, kernel_w)[:, :, ::stride, ::stride]
    n, c, h, w = windows.shape[:4]
    return np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(n, -1, h * w)


def im2col_edge_padding(input, kernel_size, stride=1, padding=0):
    """padded with copies of the edge pixels instead of zeros"""
    kh, kw = _kernel_pair(kernel_size)
    padded = np.pad(input, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode="edge")
    return _im2col(padded, kh, kw, stride)


def im2col_kernel_sides_swapped(input, kernel_size, stride=1, padding=0):
    """windows kW high and kH wide: the kernel's two sides swapped"""
    kh, kw = _kernel_pair(kernel_size)
    return _im2col(_pad(input, padding), kw, kh, stride)


def _learn(images, targets, kernel_size, steps, lr, start=0.0, momentum=0.0):
    windows = _windows(images, kernel_size, kernel_size)
    weight = np.full((targets.shape[1], images.shape[1], kernel_size, kernel_size), start,
                     dtype=images.dtype)
    velocity = np.zeros_like(weight)
    for _ in range(steps):
        error = np.einsum("nchwuv,kcuv->nkhw", windows, weight) - targets
        grad = np.einsum("nkhw,nchwuv->kcuv", 2 * error / error.size, windows)
        velocity = momentum * velocity + grad
        weight = weight - lr * velocity
    return weight.astype(images.dtype)


def learn_kernel_with_momentum(images, targets, kernel_size, steps, lr):
    """momentum 0.9 added to the descent (plain gradient descent was asked for)"""
    return _learn(images, targets, kernel_size, steps, lr, momentum=0.9)


def learn_kernel_starts_from_ones(images, targets, kernel_size, steps, lr):
    """the descent starts from a kernel of ones instead of zeros"""
    return _learn(images, targets, kernel_size, steps, lr, start=1.0)


ALL += [("im2col", im2col_edge_padding), ("im2col", im2col_kernel_sides_swapped),
        ("learn_kernel", learn_kernel_with_momentum),
        ("learn_kernel", learn_kernel_starts_from_ones)]


# Notebook 06: layer_norm_backward and group_norm_backward.

def _norm_backward(grad_output, input, axes, weight, weight_shape, eps, ddof=0, sign=-1.0):
    """(grad_input, grad_weight, grad_bias) of a normalisation over ``axes``, the weight
    broadcast to ``weight_shape``; ddof and sign make the two slips below."""
    mean = input.mean(axis=axes, keepdims=True)
    s = 1 / np.sqrt(input.var(axis=axes, keepdims=True, ddof=ddof) + eps)
    x_hat = (input - mean) * s
    g = grad_output if weight is None else grad_output * weight.reshape(weight_shape)
    grad_input = s * (g - g.mean(axis=axes, keepdims=True)
                      + sign * x_hat * (g * x_hat).mean(axis=axes, keepdims=True))
    return grad_input, x_hat


def _layer_axes(input, normalized_shape):
    return tuple(range(input.ndim - len(normalized_shape), input.ndim))


def _layer_norm_backward(grad_output, input, normalized_shape, weight, eps, **slip):
    axes = _layer_axes(input, normalized_shape)
    leading = tuple(range(input.ndim - len(normalized_shape)))
    grad_input, x_hat = _norm_backward(grad_output, input, axes, weight, tuple(normalized_shape),
                                       eps, **slip)
    dtype = input.dtype
    return (grad_input.astype(dtype), (grad_output * x_hat).sum(axis=leading).astype(dtype),
            grad_output.sum(axis=leading).astype(dtype))


def layer_norm_backward_unbiased_variance(grad_output, input, normalized_shape, weight=None,
                                          eps=1e-5):
    """the unbiased variance (ddof=1) in x_hat and in 1 / sigma: the forward uses the biased one"""
    return _layer_norm_backward(grad_output, input, normalized_shape, weight, eps, ddof=1)


def layer_norm_backward_variance_term_added(grad_output, input, normalized_shape, weight=None,
                                            eps=1e-5):
    """the term through the variance added instead of subtracted (a sign slip)"""
    return _layer_norm_backward(grad_output, input, normalized_shape, weight, eps, sign=1.0)


def _group_norm_backward(grad_output, input, num_groups, weight, eps, **slip):
    n, c = input.shape[:2]
    grouped = input.reshape(n, num_groups, -1)
    grad_grouped = grad_output.reshape(n, num_groups, -1)
    if weight is not None:   # the per-channel weight, laid out like the grouped input
        weight_grouped = np.broadcast_to(weight.reshape((1, c) + (1,) * (input.ndim - 2)),
                                         input.shape).reshape(n, num_groups, -1)
        grad_grouped = grad_grouped * weight_grouped
    grad_input, x_hat = _norm_backward(grad_grouped, grouped, (2,), None, None, eps, **slip)
    x_hat = x_hat.reshape(input.shape)
    batch = (0,) + tuple(range(2, input.ndim))
    dtype = input.dtype
    return (grad_input.reshape(input.shape).astype(dtype),
            (grad_output * x_hat).sum(axis=batch).astype(dtype),
            grad_output.sum(axis=batch).astype(dtype))


def group_norm_backward_unbiased_variance(grad_output, input, num_groups, weight=None, eps=1e-5):
    """the unbiased variance (ddof=1) in x_hat and in 1 / sigma: the forward uses the biased one"""
    return _group_norm_backward(grad_output, input, num_groups, weight, eps, ddof=1)


def group_norm_backward_variance_term_added(grad_output, input, num_groups, weight=None,
                                            eps=1e-5):
    """the term through the variance added instead of subtracted (a sign slip)"""
    return _group_norm_backward(grad_output, input, num_groups, weight, eps, sign=1.0)


ALL += [("layer_norm_backward", layer_norm_backward_unbiased_variance),
        ("layer_norm_backward", layer_norm_backward_variance_term_added),
        ("group_norm_backward", group_norm_backward_unbiased_variance),
        ("group_norm_backward", group_norm_backward_variance_term_added)]


# --- notebook 07: lenet_forward and sgd_step (wrong answers that are not named mistakes) ---

def _lenet_forward(input, parameters, padding=2, ceil_pool=False, fc_bias=True):
    def conv(x, weight, bias):
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        windows = np.lib.stride_tricks.sliding_window_view(x, weight.shape[2:], axis=(2, 3))
        return np.einsum("nchwij,kcij->nkhw", windows, weight) + bias[:, None, None]

    def max_pool(x):
        n, c, h, w = x.shape
        if ceil_pool:          # an odd last row or column kept as a window of its own
            x = np.pad(x, ((0, 0), (0, 0), (0, h % 2), (0, w % 2)), constant_values=-np.inf)
            h, w = h + h % 2, w + w % 2
        return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))

    w1, b1, w2, b2, w3, b3, w4, b4 = parameters
    x = max_pool(np.maximum(conv(input, w1, b1), 0))
    x = max_pool(np.maximum(conv(x, w2, b2), 0))
    x = x.reshape(len(x), -1)
    if ceil_pool or padding != 2:
        x = x[:, :w3.shape[1]]            # made to fit, so that only the values are wrong
        x = np.pad(x, ((0, 0), (0, w3.shape[1] - x.shape[1])))
    x = np.maximum(x @ w3.T + (b3 if fc_bias else 0), 0)
    return x @ w4.T + (b4 if fc_bias else 0)


def lenet_forward_pool_rounds_up(input, parameters):
    """a 2x2 pooling that keeps an odd last row or column (ceil_mode=True); the flatten cut to fit"""
    return _lenet_forward(input, parameters, ceil_pool=True)


def lenet_forward_linear_biases_forgotten(input, parameters):
    """the two linear layers without their biases"""
    return _lenet_forward(input, parameters, fc_bias=False)


def lenet_forward_no_padding(input, parameters):
    """the convolutions without padding (valid), the flatten zero-padded to fit"""
    return _lenet_forward(input, parameters, padding=0)


def sgd_step_nesterov(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0):
    """Nesterov's update (step = g + momentum * buf): torch's nesterov=True, not its default"""
    step = grad + weight_decay * param
    if momentum:
        momentum_buffer *= momentum
        momentum_buffer += step
        step = step + momentum * momentum_buffer
    param -= lr * step


def sgd_step_weight_decay_subtracted(param, grad, momentum_buffer, lr, momentum=0.0,
                                    weight_decay=0.0):
    """the weight decay with the wrong sign (g - weight_decay * p): it pushes the weights out"""
    step = grad - weight_decay * param
    if momentum:
        momentum_buffer *= momentum
        momentum_buffer += step
        step = momentum_buffer
    param -= lr * step


ALL += [("lenet_forward", lenet_forward_pool_rounds_up),
        ("lenet_forward", lenet_forward_linear_biases_forgotten),
        ("lenet_forward", lenet_forward_no_padding),
        ("sgd_step", sgd_step_nesterov),
        ("sgd_step", sgd_step_weight_decay_subtracted)]
