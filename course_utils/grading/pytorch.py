"""Small helpers for asking PyTorch the answer: NumPy arrays in, NumPy arrays out.

Each exercise module computes its reference with these: forward passes with
``torch.nn.functional``, gradients with autograd, multiply-adds counted by torch's
``FlopCounterMode``. torch is imported on first use only (the kernel side of grading never
needs it).
"""

import numpy as np


def torch():
    import torch as _torch
    return _torch


def F():
    return torch().nn.functional


def tensor(array, grad=False):
    """A tensor sharing nothing with ``array`` (so the reference never touches the inputs)."""
    if array is None:
        return None
    return torch().from_numpy(np.array(array, copy=True)).requires_grad_(grad)


def numpy(t):
    return t.detach().cpu().numpy().copy()


def gradients(forward, grad_output, *inputs):
    """Gradients of ``forward(*inputs)`` against ``grad_output`` for every input that is not
    None, by autograd: a tuple of NumPy arrays."""
    tensors = [tensor(a, grad=True) for a in inputs]
    forward(*tensors).backward(tensor(grad_output))
    return tuple(numpy(t.grad) for t in tensors if t is not None)


def multiply_adds(module, input_shape):
    """Multiply-adds of one forward pass of ``module``, counted by torch's FlopCounterMode
    (which counts 2 FLOPs per multiply-add, and nothing for bias, ReLU or pooling)."""
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        module(torch().empty(*input_shape, device="meta"))
    return int(counter.get_total_flops() // 2)

