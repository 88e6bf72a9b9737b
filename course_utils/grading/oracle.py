"""The oracle: what PyTorch answers for every exercise. NumPy arrays in, NumPy arrays out.

Forward passes use ``torch.nn.functional``; backward passes use autograd; the arithmetic
exercises use what torch actually builds (output shapes of a real convolution, parameter counts
of ``nn.Conv2d``, multiply-adds counted by ``torch.utils.flop_counter``, a receptive field
measured with autograd). torch is imported on first use only.
"""

import numpy as np


def torch():
    import torch as _torch
    return _torch


def tensor(array, grad=False):
    """A float tensor sharing nothing with ``array`` (so the oracle never touches the inputs)."""
    t = torch().from_numpy(np.array(array, copy=True))
    return t.requires_grad_(grad)


def numpy(t):
    return t.detach().cpu().numpy().copy()


def backward(forward, grad_output, *inputs):
    """Gradients of ``forward(*inputs)`` against ``grad_output`` for every input array that is
    not None, by autograd; a tuple of NumPy arrays."""
    tensors = [None if a is None else tensor(a, grad=True) for a in inputs]
    out = forward(*tensors)
    out.backward(tensor(grad_output))
    return tuple(numpy(t.grad) for t in tensors if t is not None)


# --- 01 fully connected -------------------------------------------------------------------

def linear(x, weight, bias=None):
    F = torch().nn.functional
    return numpy(F.linear(tensor(x), tensor(weight), None if bias is None else tensor(bias)))


def linear_backward(grad_out, x, weight):
    """(grad_x, grad_weight, grad_bias) of y = x @ weight.T + bias."""
    bias = np.zeros(weight.shape[0], dtype=x.dtype)
    return backward(torch().nn.functional.linear, grad_out, x, weight, bias)


def gradient(torch_f, x):
    """d torch_f(x) / dx by autograd, in float64."""
    t = tensor(np.asarray(x, dtype=np.float64), grad=True)
    torch_f(t).backward()
    return numpy(t.grad).astype(np.asarray(x).dtype)


# --- 02 convolution -----------------------------------------------------------------------

def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    F = torch().nn.functional
    return numpy(F.conv2d(tensor(x), tensor(weight), None if bias is None else tensor(bias),
                          stride=stride, padding=padding, dilation=dilation))


def conv2d_backward(grad_out, x, weight, stride=1, padding=0):
    bias = np.zeros(weight.shape[0], dtype=x.dtype)
    F = torch().nn.functional
    return backward(lambda a, w, b: F.conv2d(a, w, b, stride=stride, padding=padding),
                    grad_out, x, weight, bias)


# --- 03 shapes ----------------------------------------------------------------------------

def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """The spatial size of the output of a real torch convolution (on the meta device)."""
    t = torch()
    x = t.empty(1, 1, size, size, device="meta")
    w = t.empty(1, 1, kernel_size, kernel_size, device="meta")
    return int(t.nn.functional.conv2d(x, w, stride=stride, padding=padding,
                                      dilation=dilation).shape[-1])


def conv_parameter_count(in_channels, out_channels, kernel_size, bias=True):
    layer = torch().nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias, device="meta")
    return int(sum(p.numel() for p in layer.parameters()))


def multiply_adds(module, input_shape):
    """Multiply-adds of one forward pass of ``module``, counted by torch's FlopCounterMode
    (which counts 2 FLOPs per multiply-add, and nothing for bias, ReLU or pooling)."""
    t = torch()
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        module(t.empty(*input_shape, device="meta"))
    return int(counter.get_total_flops() // 2)


def conv_multiply_adds(in_channels, out_channels, kernel_size, output_size):
    layer = torch().nn.Conv2d(in_channels, out_channels, kernel_size, device="meta")
    size = output_size + kernel_size - 1                     # no padding, stride 1
    return multiply_adds(layer, (1, in_channels, size, size))


# --- 04 receptive field -------------------------------------------------------------------

def receptive_field_size(layers):
    """Measured, not computed: the span of input positions whose gradient, for the centre
    output of a stack of 1-D convolutions with all-ones kernels, is nonzero."""
    t = torch()
    theory = 1
    jump = 1
    for kernel, stride, _, dilation in layers:
        theory += (kernel - 1) * dilation * jump
        jump *= stride
    length = 4 * theory + 8 * jump + 64
    x = t.zeros(1, 1, length, dtype=t.float64, requires_grad=True)
    y = x
    for kernel, stride, padding, dilation in layers:
        w = t.ones(1, 1, kernel, dtype=t.float64)
        y = t.nn.functional.conv1d(y, w, stride=stride, padding=padding, dilation=dilation)
    y[0, 0, y.shape[-1] // 2].backward()
    touched = np.flatnonzero(x.grad[0, 0].numpy())
    return int(touched[-1] - touched[0] + 1)


# --- 05 pooling ---------------------------------------------------------------------------

def max_pool2d(x, kernel_size, stride):
    return numpy(torch().nn.functional.max_pool2d(tensor(x), kernel_size, stride))


def avg_pool2d(x, kernel_size, stride):
    return numpy(torch().nn.functional.avg_pool2d(tensor(x), kernel_size, stride))


def max_pool2d_backward(grad_out, x, kernel_size, stride):
    F = torch().nn.functional
    return backward(lambda a: F.max_pool2d(a, kernel_size, stride), grad_out, x)[0]


def avg_pool2d_backward(grad_out, x, kernel_size, stride):
    F = torch().nn.functional
    return backward(lambda a: F.avg_pool2d(a, kernel_size, stride), grad_out, x)[0]


# --- 06 normalisation ---------------------------------------------------------------------

def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """(out, running_mean after, running_var after), as torch.nn.functional.batch_norm."""
    mean, var = tensor(running_mean), tensor(running_var)
    out = torch().nn.functional.batch_norm(tensor(x), mean, var, tensor(gamma), tensor(beta),
                                           training=training, momentum=momentum, eps=eps)
    return numpy(out), numpy(mean), numpy(var)


def batch_norm_backward(grad_out, x, gamma, eps=1e-5):
    """(grad_x, grad_gamma, grad_beta) of batch norm in training mode, by autograd."""
    F = torch().nn.functional
    beta = np.zeros_like(gamma)
    return backward(lambda a, g, b: F.batch_norm(a, None, None, g, b, training=True, eps=eps),
                    grad_out, x, gamma, beta)


def layer_norm(x, gamma, beta, eps=1e-5):
    F = torch().nn.functional
    return numpy(F.layer_norm(tensor(x), x.shape[1:], tensor(gamma), tensor(beta), eps=eps))


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    F = torch().nn.functional
    return numpy(F.group_norm(tensor(x), num_groups, tensor(gamma), tensor(beta), eps=eps))


def fuse_conv_bn(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    """torch's own fusion (torch.nn.utils.fusion), checked below against conv then BN."""
    from torch.nn.utils.fusion import fuse_conv_bn_weights
    w, b = fuse_conv_bn_weights(tensor(weight), tensor(bias), tensor(running_mean),
                                tensor(running_var), eps, tensor(gamma), tensor(beta))
    return numpy(w), numpy(b)


def conv_then_batch_norm(x, weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    """torch conv followed by BatchNorm2d in eval mode: what a fused conv must reproduce."""
    t = torch()
    conv = t.nn.Conv2d(weight.shape[1], weight.shape[0], weight.shape[2:], dtype=t.float64)
    bn = t.nn.BatchNorm2d(weight.shape[0], eps=eps, dtype=t.float64).eval()
    state = {"0.weight": weight, "0.bias": bias, "1.weight": gamma, "1.bias": beta,
             "1.running_mean": running_mean, "1.running_var": running_var}
    model = t.nn.Sequential(conv, bn)
    model.load_state_dict({k: tensor(v) for k, v in state.items()}, strict=False)
    with t.no_grad():
        return numpy(model(tensor(x)))


# --- 07 LeNet -----------------------------------------------------------------------------

def lenet(in_channels, flat_features):
    """The lecture's LeNet: conv 20@5x5 pad 2, ReLU, max-pool 2, conv 50@5x5 pad 2, ReLU,
    max-pool 2, flatten, linear 500, ReLU, linear 10 (on the meta device: shapes only)."""
    nn = torch().nn
    layers = [("conv", nn.Conv2d(in_channels, 20, 5, padding=2)), ("relu", nn.ReLU()),
              ("pool", nn.MaxPool2d(2)), ("conv", nn.Conv2d(20, 50, 5, padding=2)),
              ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("flatten", nn.Flatten()),
              ("linear", nn.Linear(flat_features, 500)), ("relu", nn.ReLU()),
              ("linear", nn.Linear(500, 10))]
    return [(kind, module.to("meta")) for kind, module in layers]


def lenet_layer_table(input_shape):
    """[(kind, output shape without the batch axis, parameters, multiply-adds)] from forward
    hooks on a torch LeNet."""
    t = torch()
    channels, height, width = input_shape
    flat = 50 * (height // 4) * (width // 4)
    table, shapes = [], []
    layers = lenet(channels, flat)
    for _, module in layers:
        module.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
    x = t.empty(1, *input_shape, device="meta")
    for kind, module in layers:
        macs = multiply_adds(module, tuple(x.shape))
        x = module(x)
        table.append((kind, shapes[-1], int(sum(p.numel() for p in module.parameters())), macs))
    return table
