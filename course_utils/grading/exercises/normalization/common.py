"""What the normalization exercises share: standardising over axes (as their mistakes do it,
in NumPy) and the per-channel reshape."""

import numpy as np


def standardize(x, axes, eps, ddof=0, eps_outside=False):
    """(x - mean) / sqrt(var + eps) over ``axes`` (or / (std + eps) with eps_outside)."""
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    if eps_outside:
        return (x - mean) / (np.sqrt(var) + eps)
    return (x - mean) / np.sqrt(var + eps)


def per_channel(vector, ndim):
    """A (C,) vector shaped to broadcast over axis 1 of an ndim-dimensional input."""
    return vector.reshape((1, -1) + (1,) * (ndim - 2))


def affine(x_hat, weight, bias, ndim):
    out = x_hat if weight is None else x_hat * per_channel(weight, ndim)
    return out if bias is None else out + per_channel(bias, ndim)


def batch_axes(x):
    """Every axis but the channel axis 1: (0,) for (N, C), (0, 2, 3) for (N, C, H, W)."""
    return (0,) + tuple(range(2, x.ndim))


def input_shape(rng, ndim, channels):
    """(N, C), (N, C, L) or (N, C, H, W) with random sizes (at least 2 values per channel)."""
    n = int(rng.integers(2, 6))
    return (n, channels) + tuple(int(v) for v in rng.integers(1, 5, ndim - 2))
