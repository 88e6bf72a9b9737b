"""The digits the explorers of notebooks 01 and 05 show, and what they do to them: shift them
by a few pixels and measure how much a representation changed."""

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def bundled_digits():
    """The first 20 bundled MNIST test digits, float64 in [0, 1] (20, 28, 28), and labels (20,).
    Treat the arrays as read-only: they are cached."""
    from course_utils.data import load_mnist

    images, labels = load_mnist(train=False)
    return images[:20].astype(np.float64) / 255.0, labels[:20]


def shift(image, right=0, down=0):
    """``image`` (..., H, W) moved ``right`` columns right and ``down`` rows down, zero-filled.

    Negative values move it left or up. Pixels pushed past an edge are lost; zeros come in.
    """
    height, width = image.shape[-2:]
    shifted = np.zeros_like(image)
    rows_to, rows_from = _overlap(height, down)
    cols_to, cols_from = _overlap(width, right)
    shifted[..., rows_to, cols_to] = image[..., rows_from, cols_from]
    return shifted


def _overlap(size, amount):
    """Slices (destination, source) along one axis for a zero-filled shift by ``amount``."""
    amount = max(-size, min(size, amount))
    destination = slice(max(amount, 0), size + min(amount, 0))
    source = slice(max(-amount, 0), size - max(amount, 0))
    return destination, source


def relative_change(before, after):
    """``||after - before|| / ||before||`` (Euclidean norms, of all the entries)."""
    return float(np.linalg.norm(after - before) / np.linalg.norm(before))
