"""course_utils.nn.module: Module (train/eval, parameters, grads, state_dict, load_state_dict),
Sequential and Flatten, against torch.nn where torch has the same thing."""

import numpy as np
import pytest
import torch

from course_utils.nn import (BatchNorm2d, Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d,
                             Module, ReLU, Sequential)

from .torch_twin import assert_state_dicts_equal, check_twin, randomize


def _small_net(rng=None):
    return Sequential(Conv2d(1, 4, 3, padding=1, rng=rng), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(4 * 3 * 3, 5, rng=rng))


def _torch_small_net():
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))


def test_parameter_names_and_state_dict_keys_are_torchs():
    ours, theirs = _small_net(), _torch_small_net()
    assert [name for name, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "1.num_batches_tracked" in ours.state_dict()
    for (name, array), (_, tensor) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert array.shape == tuple(tensor.shape), name


def test_sequential_matches_torch_forward_backward_and_state():
    theirs = randomize(_torch_small_net())
    ours = _small_net()
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).normal(size=(3, 1, 6, 6)).astype(np.float32)
    check_twin(ours, theirs, x, name="Sequential, training")
    check_twin(ours.eval(), theirs.eval(), x, name="Sequential, eval")


def test_load_state_dict_accepts_tensors_and_arrays_and_round_trips():
    theirs = randomize(_torch_small_net(), seed=3)
    ours = _small_net()
    ours.load_state_dict(theirs.state_dict())
    assert_state_dicts_equal(ours.state_dict(), theirs.state_dict())
    other = _small_net()
    other.load_state_dict(ours.state_dict())
    for key, value in ours.state_dict().items():
        assert np.array_equal(other.state_dict()[key], value), key
        assert value.dtype == other.state_dict()[key].dtype
    back = _torch_small_net()
    back.load_state_dict({key: torch.from_numpy(value) for key, value in
                          ours.state_dict().items()})
    assert_state_dicts_equal(ours.state_dict(), back.state_dict())


def test_state_dict_holds_copies_and_loading_keeps_the_arrays():
    net = _small_net()
    weight = net[0].weight
    state = net.state_dict()
    state["0.weight"][...] = 0
    assert not np.all(net[0].weight == 0)  # a copy, not a view
    net.load_state_dict(state)
    assert net[0].weight is weight and np.all(weight == 0)  # loaded in place


def test_load_state_dict_shape_mismatch_names_key_and_shapes():
    state = Sequential(Linear(3, 4)).state_dict()
    with pytest.raises(ValueError, match=r"'0.weight' has shape \(4, 3\).*shape \(5, 3\)"):
        Sequential(Linear(3, 5)).load_state_dict(state)


def test_load_state_dict_missing_or_unexpected_keys():
    state = Sequential(Linear(3, 4)).state_dict()
    with pytest.raises(KeyError, match=r"Missing: \['0.bias'\]"):
        Sequential(Linear(3, 4)).load_state_dict({"0.weight": state["0.weight"]})
    with pytest.raises(KeyError, match=r"Unexpected: \['1.weight'\]"):
        Sequential(Linear(3, 4)).load_state_dict({**state, "1.weight": state["0.weight"]})
    net = Sequential(Linear(3, 4))
    net.load_state_dict({"0.weight": state["0.weight"]}, strict=False)
    assert np.array_equal(net[0].weight, state["0.weight"])


def test_train_and_eval_reach_every_child():
    net = Sequential(Sequential(BatchNorm2d(2), ReLU()), Linear(2, 2))
    assert all(module.training for _, module in net.named_modules())
    assert net.eval() is net
    assert not any(module.training for _, module in net.named_modules())
    net.train()
    assert all(module.training for _, module in net.named_modules())
    assert [name for name, _ in net.named_modules()] == ["", "0", "0.0", "0.1", "1"]


def test_sequential_indexing_and_slicing():
    layers = [Linear(2, 3), ReLU(), Linear(3, 1)]
    net = Sequential(*layers)
    assert len(net) == 3 and net[0] is layers[0] and net[-1] is layers[2]
    assert list(net) == layers
    head = net[:2]
    assert isinstance(head, Sequential) and list(head) == layers[:2]


def test_gradients_and_zero_grad():
    net = Sequential(Linear(2, 3), ReLU(), Linear(3, 2, bias=False))
    x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    criterion = CrossEntropyLoss()
    criterion(net(x), np.array([0, 1, 1, 0]))
    net.backward(criterion.backward())
    assert [name for name, _ in net.named_gradients()] == ["0.weight", "0.bias", "2.weight"]
    net.zero_grad()
    assert list(net.named_gradients()) == []


def test_cross_entropy_loss_matches_torch():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 4)).astype(np.float32)
    target = np.array([0, 3, 1, 1, 2])
    logits_tensor = torch.tensor(logits, requires_grad=True)
    expected = torch.nn.CrossEntropyLoss()(logits_tensor, torch.tensor(target))
    expected.backward()
    criterion = CrossEntropyLoss()
    assert float(criterion(logits, target)) == pytest.approx(expected.item(), rel=1e-5)
    np.testing.assert_allclose(criterion.backward(), logits_tensor.grad.numpy(), atol=1e-6)


@pytest.mark.parametrize("start_dim, end_dim", [(1, -1), (0, -1), (1, 2), (2, 3)])
def test_flatten_matches_torch(start_dim, end_dim):
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    check_twin(Flatten(start_dim, end_dim), torch.nn.Flatten(start_dim, end_dim), x)


def test_attributes_are_the_registered_arrays():
    layer = Linear(2, 2)
    assert layer.weight is dict(layer.named_parameters())["weight"]
    new_weight = np.zeros((2, 2), np.float32)
    layer.weight = new_weight  # assigning a parameter replaces it in the registry too
    assert dict(layer.named_parameters())["weight"] is new_weight
    with pytest.raises(AttributeError, match="no attribute 'wieght'"):
        layer.wieght


def test_base_module_explains_what_to_implement():
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(np.zeros(1))
    with pytest.raises(NotImplementedError, match="backward"):
        Module().backward(np.zeros(1))
