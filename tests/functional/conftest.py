"""The PyTorch oracle shared by the functional tests (torch is imported by tests only)."""

import numpy as np
import pytest
import torch


def _torch_run(fn, *arrays, seed=1, **kwargs):
    """Run ``fn`` (a torch.nn.functional op) and backpropagate a random upstream gradient.

    Float arrays become tensors that require grad; ``None`` and integer arrays pass through.
    Returns (out, grad_output, grads): grad_output is standard normal in out's shape and dtype
    (a random scalar for a scalar out); grads holds one gradient per float array, in order.
    """
    tensors = [
        None if a is None
        else torch.tensor(a, requires_grad=np.issubdtype(np.asarray(a).dtype, np.floating))
        for a in arrays
    ]
    out = fn(*tensors, **kwargs)
    grad_output = np.random.default_rng(seed).standard_normal(out.shape).astype(out.detach().numpy().dtype)
    out.backward(torch.from_numpy(grad_output))
    grads = [t.grad.numpy() for t in tensors if t is not None and t.requires_grad]
    return out.detach().numpy(), grad_output, grads


@pytest.fixture(scope="session")
def torch_run():
    return _torch_run
