"""Softmax and the cross-entropy loss on logits, forward and backward, as ``torch.nn.functional``
(``F.cross_entropy`` with its default mean reduction)."""

import numpy as np

from ..utils import as_float


def log_softmax(input, dim):
    """``log softmax`` along axis ``dim``, shaped like the input, computed stably: the maximum
    along ``dim`` is subtracted before exponentiating (it cancels out, and exp cannot overflow).
    PyTorch's ``dim`` defaults to a guess it warns about; here it is required."""
    input = as_float(input)
    shifted = input - input.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def softmax(input, dim):
    """``exp(x) / sum(exp(x))`` along axis ``dim``: probabilities that sum to 1, shaped like
    the input (``exp(log_softmax(input, dim))``, so just as stable)."""
    return np.exp(log_softmax(input, dim))


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

    Shapes::

        input   (N, C)   logits: raw scores, not probabilities (softmax is applied here, as in
                         PyTorch)
        target  (N,)     class indices
        output  ()       a NumPy scalar in the input's dtype
    """
    input = as_float(input)
    target = _check(input, target)
    log_probs = log_softmax(input, dim=1)
    return -log_probs[np.arange(len(target)), target].mean()


def cross_entropy_backward(input, target):
    """Gradient of the mean cross-entropy with respect to the logits: ``(softmax(input) - onehot(target)) / N``.

    Shapes: input (N, C), target (N,) -> grad_input (N, C). Takes no grad_output: the loss is
    where backpropagation starts (multiply by an upstream scalar if there is one). What it
    needs from the forward: the logits and targets; the softmax is recomputed from them (one
    exp per logit, the same cost as keeping it).
    """
    input = as_float(input)
    target = _check(input, target)
    grad = softmax(input, dim=1)
    grad[np.arange(len(target)), target] -= 1
    return grad / len(target)
