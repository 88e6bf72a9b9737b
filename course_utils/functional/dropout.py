"""Dropout, forward and backward: the one layer of the course whose answer is random.

During training, every entry of the input is zeroed with probability ``p`` and the entries that
are kept are scaled by ``1 / (1 - p)``, so that the expected output equals the input (PyTorch's
"inverted dropout"); at evaluation time the layer is the identity. PyTorch's
``torch.nn.functional.dropout(input, p=0.5, training=True)`` draws the mask from its own random
generator and autograd remembers it. Here the random draw is explicit, so this is a
CS231n-style pair: the forward returns what the backward must remember, the mask.
"""

import numpy as np

from ..utils import as_float


def dropout_forward(input, p=0.5, training=True, generator=None):
    """``(output, mask)``: output = input * mask / (1 - p), in the input's dtype.

    Shapes::

        input   any shape
        output  like input
        mask    like input, bool: True where an entry is kept

    What the backward needs from the forward: the mask. It is kept (returned), not
    recomputed: it is random. In evaluation mode (``training=False``) nothing is dropped:
    output = input, mask all True (and the layer's gradient is the identity).

    generator: the ``np.random.Generator`` that draws the mask (a fresh unseeded one if None),
    so that a seeded run is reproducible. Needs 0 <= p < 1.
    """
    input = as_float(input)
    if not 0 <= p < 1:
        raise ValueError(f"dropout needs 0 <= p < 1 (the probability of zeroing an entry); got {p}")
    if not training:
        return input.copy(), np.ones(input.shape, dtype=bool)
    generator = np.random.default_rng() if generator is None else generator
    mask = generator.random(input.shape) >= p
    return (input * mask / (1 - p)).astype(input.dtype), mask


def dropout_backward(grad_output, mask, p=0.5):
    """Gradient of training-mode ``dropout_forward``: ``grad_output * mask / (1 - p)``, shaped
    like grad_output (the entries that were dropped get no gradient). In evaluation mode
    dropout is the identity, and so is its gradient (``nn.Dropout`` passes it through)."""
    grad_output = as_float(grad_output)
    return (grad_output * mask / (1 - p)).astype(grad_output.dtype)
