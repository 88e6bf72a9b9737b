"""Cross-entropy loss on logits, forward and backward, as ``F.cross_entropy`` (mean reduction)."""

import numpy as np

from ._windows import as_float


def _log_softmax(input):
    """``log softmax`` along axis 1, stable: subtract the row max before exponentiating."""
    shifted = input - input.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _check(input, target):
    if input.ndim != 2 or np.shape(target) != (input.shape[0],):
        raise ValueError(
            f"cross_entropy expects logits (N, C) and integer class indices (N,), "
            f"got {input.shape} and {np.shape(target)}"
        )
    target = np.asarray(target)
    if not np.issubdtype(target.dtype, np.integer) or target.min(initial=0) < 0 or target.max(initial=0) >= input.shape[1]:
        raise ValueError(f"targets must be integers in [0, {input.shape[1]}), got {target}")
    return target


def cross_entropy(input, target):
    """Mean over the batch of ``-log softmax(input[n])[target[n]]``.

    input: logits (N, C), raw scores, not probabilities (softmax is applied here, as in
    PyTorch); target: class indices (N,). Returns a NumPy scalar in the input's dtype.
    """
    input = as_float(input)
    target = _check(input, target)
    log_probs = _log_softmax(input)
    return -log_probs[np.arange(len(target)), target].mean()


def cross_entropy_backward(input, target):
    """Gradient of the mean cross-entropy with respect to the logits: ``(softmax(input) - onehot(target)) / N``.

    input (N, C), target (N,) -> grad_input (N, C). Takes no grad_output: the loss is where
    backpropagation starts (multiply by an upstream scalar if there is one).
    """
    input = as_float(input)
    target = _check(input, target)
    grad = np.exp(_log_softmax(input))
    grad[np.arange(len(target)), target] -= 1
    return grad / len(target)
