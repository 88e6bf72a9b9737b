"""course_utils.optim.SGD against torch.optim.SGD: the same parameters after several steps."""

import numpy as np
import pytest
import torch

from course_utils.gradcheck import assert_close
from course_utils.nn import CrossEntropyLoss, Linear, ReLU, Sequential
from course_utils.optim import SGD


def _torch_twin_pair(dtype):
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                 torch.nn.Linear(8, 3)).to(torch_dtype)
    ours = Sequential(Linear(4, 8, dtype=dtype), ReLU(), Linear(8, 3, dtype=dtype))
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


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
    criterion = CrossEntropyLoss()
    rng = np.random.default_rng(0)
    for step in range(5):
        x = rng.normal(size=(6, 4)).astype(dtype)
        target = rng.integers(0, 3, size=6)
        optimizer.zero_grad()
        criterion(ours(x), target)
        ours.backward(criterion.backward())
        optimizer.step()
        torch_optimizer.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(target)).backward()
        torch_optimizer.step()
        for (name, array), (_, tensor) in zip(ours.parameters(), theirs.named_parameters()):
            assert array.dtype == dtype
            assert_close(array, tensor.detach().numpy(), name=f"{name} after step {step + 1}")


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
