"""Fully connected layer and ReLU, forward and backward, as ``torch.nn.functional``."""

import numpy as np

from ..utils import as_float


def linear(input, weight, bias=None):
    """``out = input @ weight.T + bias``, as ``F.linear``.

    Shapes::

        input   (N, in)      or (*, in): any leading axes
        weight  (out, in)    PyTorch's layout, the transpose of the "in x out" matrix many
                             lectures draw
        bias    (out,) or None
        output  (N, out)
    """
    input = as_float(input)
    if input.shape[-1] != np.shape(weight)[-1]:
        raise ValueError(
            f"input {input.shape} has {input.shape[-1]} features but weight {np.shape(weight)} "
            f"expects {np.shape(weight)[-1]}: weight is (out_features, in_features); "
            "flatten images first with x.reshape(len(x), -1)"
        )
    out = input @ np.asarray(weight, dtype=input.dtype).T
    return out if bias is None else out + np.asarray(bias, dtype=input.dtype)


def linear_backward(grad_output, input, weight, bias=None):
    """Gradients of ``linear``: (grad_input, grad_weight, grad_bias), without grad_bias if bias is None.

    Shapes::

        grad_output  (N, out)
        grad_input   (N, in)    = grad_output @ weight
        grad_weight  (out, in)  = grad_output.T @ input
        grad_bias    (out,)     = grad_output summed over N

    What it needs from the forward: its input and weight, nothing computed from them (so
    nothing to keep or recompute). Leading axes beyond N are treated as more rows of the batch.
    """
    input = as_float(input)
    grad_output = np.asarray(grad_output, dtype=input.dtype)
    weight = np.asarray(weight, dtype=input.dtype)
    rows, grad_rows = input.reshape(-1, input.shape[-1]), grad_output.reshape(-1, grad_output.shape[-1])
    grads = grad_output @ weight, grad_rows.T @ rows
    return grads if bias is None else grads + (grad_rows.sum(axis=0),)


def relu(input):
    """``max(input, 0)`` elementwise; output shaped like the input, any shape."""
    input = as_float(input)
    return np.maximum(input, 0).astype(input.dtype, copy=False)


def relu_backward(grad_output, input):
    """Gradient of ``relu``: grad_output where input > 0, else 0 (PyTorch also takes 0 at 0);
    shaped like the input. What it needs from the forward: its input (where it was positive)."""
    input = as_float(input)
    return np.where(input > 0, grad_output, 0).astype(input.dtype, copy=False)
