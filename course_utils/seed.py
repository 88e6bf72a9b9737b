"""One call that makes a notebook or a test deterministic."""

import random

import numpy as np


def seed_everything(seed=0):
    """Seed Python's ``random``, NumPy's global generator and torch (CPU), and ask torch for
    deterministic algorithms. Returns a fresh ``numpy.random.Generator`` seeded with ``seed``,
    the generator the course's own code prefers.
    """
    random.seed(seed)
    np.random.seed(seed)
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return np.random.default_rng(seed)
