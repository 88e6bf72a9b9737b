"""course_utils.optim.SGD against torch.optim.SGD: the same parameters after several steps, for
a small MLP and for the batch-norm convnet notebook 06 builds in NumPy."""

import numpy as np
import pytest
import torch

from course_utils.gradcheck import assert_close
from course_utils.nn import (BatchNorm2d, Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d,
                             ReLU, Sequential)
from course_utils.optim import SGD


def _torch_twin_pair(dtype):
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                 torch.nn.Linear(8, 3)).to(torch_dtype)
    ours = Sequential(Linear(4, 8, dtype=dtype), ReLU(), Linear(8, 3, dtype=dtype))
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _step_both(ours, theirs, optimizer, torch_optimizer, x, target):
    """One training step of each twin on the same batch; returns our loss before the step."""
    criterion = CrossEntropyLoss()
    optimizer.zero_grad()
    loss = float(criterion(ours(x), target))
    ours.backward(criterion.backward())
    optimizer.step()
    torch_optimizer.zero_grad()
    torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(target)).backward()
    torch_optimizer.step()
    return loss


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9, weight_decay=1e-2),
    dict(lr=0.05, momentum=0.9, dampening=0.5, weight_decay=1e-3),
    dict(lr=0.05, momentum=0.8, weight_decay=1e-2, nesterov=True),
], ids=str)
def test_sgd_steps_match_torch(options, dtype):
    ours, theirs = _torch_twin_pair(dtype)
    optimizer, torch_optimizer = SGD(ours, **options), torch.optim.SGD(theirs.parameters(),
                                                                       **options)
    rng = np.random.default_rng(0)
    for step in range(5):
        x = rng.normal(size=(6, 4)).astype(dtype)
        _step_both(ours, theirs, optimizer, torch_optimizer, x, rng.integers(0, 3, size=6))
        for (name, array), (_, tensor) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert array.dtype == dtype
            assert_close(array, tensor.detach().numpy(), name=f"{name} after step {step + 1}")


def test_a_batch_norm_convnet_trains_like_its_torch_twin():
    """Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Flatten -> Linear, SGD with momentum: the
    same parameters and running statistics as torch after a few steps, then the same eval
    output, and the loss went down."""
    torch.manual_seed(0)
    nn = torch.nn
    theirs = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4),
                           nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    ours = Sequential(Conv2d(1, 4, 3, padding=1, bias=False), BatchNorm2d(4), ReLU(),
                      MaxPool2d(2), Flatten(), Linear(4 * 4 * 4, 3))
    ours.load_state_dict(theirs.state_dict())
    optimizer = SGD(ours, lr=0.1, momentum=0.9)
    torch_optimizer = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 1, 8, 8)).astype(np.float32)
    target = rng.integers(0, 3, size=16)
    losses = [_step_both(ours, theirs, optimizer, torch_optimizer, x, target) for _ in range(8)]
    for name, value in theirs.state_dict().items():
        assert_close(ours.state_dict()[name], value.numpy(), name=f"{name} after 8 steps")
    with torch.no_grad():
        assert_close(ours.eval()(x), theirs.eval()(torch.tensor(x)).numpy(), name="eval output")
    assert losses[-1] < 0.5 * losses[0]


def test_sgd_accepts_a_list_of_modules_and_skips_parameters_without_gradient():
    first, second = Linear(2, 2), Linear(2, 2)
    before = second.weight.copy()
    first(np.ones((1, 2), np.float32))
    first.backward(np.ones((1, 2), np.float32))
    SGD([first, second], lr=1.0).step()
    assert np.array_equal(second.weight, before)  # no backward through second: untouched


def test_sgd_explains_wrong_arguments():
    with pytest.raises(TypeError, match="course_utils.nn Module"):
        SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        SGD(Linear(2, 2), lr=0.1, nesterov=True)
