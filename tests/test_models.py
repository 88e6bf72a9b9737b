"""course_utils.models: the NumPy LeNet equals the torch LeNet loaded with the same weights
(logits and every parameter gradient), the state dict round-trips, and the layer sizes and
parameter counts are the lecture's."""

import numpy as np
import pytest
import torch

from course_utils.gradcheck import assert_close
from course_utils.models import lenet, torch_lenet, torch_lenet5_1998
from course_utils.nn import CrossEntropyLoss


@pytest.fixture(scope="module")
def twins():
    torch.manual_seed(0)
    theirs = torch_lenet()
    ours = lenet(rng=np.random.default_rng(0))
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def test_numpy_lenet_matches_torch_logits_and_every_gradient(twins):
    ours, theirs = twins
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 1, 28, 28)).astype(np.float32)
    target = np.array([3, 1, 4, 1])

    criterion = CrossEntropyLoss()
    logits = ours(x)
    loss = criterion(logits, target)
    ours.backward(criterion.backward())

    theirs.zero_grad()
    torch_logits = theirs(torch.tensor(x))
    torch_loss = torch.nn.functional.cross_entropy(torch_logits, torch.tensor(target))
    torch_loss.backward()

    assert logits.shape == (4, 10) and logits.dtype == np.float32
    assert_close(logits, torch_logits.detach().numpy(), name="LeNet logits")
    assert_close(loss, torch_loss.item(), dtype=np.float32, name="LeNet loss")
    our_grads = dict(ours.named_gradients())
    assert list(our_grads) == [name for name, _ in theirs.named_parameters()]
    for name, parameter in theirs.named_parameters():
        assert_close(our_grads[name], parameter.grad.numpy(), name=f"LeNet grad of {name}")


def test_state_dict_round_trips(twins):
    ours, theirs = twins
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    fresh = lenet(rng=np.random.default_rng(5))
    fresh.load_state_dict(state)
    back = torch_lenet()
    back.load_state_dict({key: torch.from_numpy(value) for key, value in state.items()})
    for key, value in theirs.state_dict().items():
        assert np.array_equal(fresh.state_dict()[key], value.numpy()), key
        assert torch.equal(back.state_dict()[key], value), key


def test_lenet_shapes_and_parameter_counts_are_the_lectures():
    model = lenet(rng=np.random.default_rng(0))
    x = np.zeros((2, 1, 28, 28), np.float32)
    shapes = []
    for layer in model:
        x = layer(x)
        shapes.append(x.shape[1:])
    assert shapes == [(20, 28, 28), (20, 28, 28), (20, 14, 14), (50, 14, 14), (50, 14, 14),
                      (50, 7, 7), (2450,), (500,), (500,), (10,)]
    counts = {name: array.size for name, array in model.named_parameters()}
    assert counts["0.weight"] + counts["0.bias"] == 520
    assert counts["3.weight"] + counts["3.bias"] == 25_050
    assert counts["7.weight"] + counts["7.bias"] == 1_225_500
    assert sum(counts.values()) == sum(p.size for p in model.parameters()) == 1_256_080
    assert sum(p.numel() for p in torch_lenet().parameters()) == 1_256_080


def test_lenet5_1998_shapes_and_parameter_count():
    model = torch_lenet5_1998()
    x = torch.zeros(2, 1, 32, 32)
    shapes = []
    for layer in model:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    assert shapes[:6] == [(6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10),
                          (16, 5, 5)]
    assert shapes[6] == (400,) and shapes[-1] == (10,)
    assert sum(p.numel() for p in model.parameters()) == 61_706


def test_lenet_float64_and_reproducible():
    first = lenet(rng=np.random.default_rng(3), dtype=np.float64)
    second = lenet(rng=np.random.default_rng(3), dtype=np.float64)
    for (name, a), (_, b) in zip(first.named_parameters(), second.named_parameters()):
        assert a.dtype == np.float64 and np.array_equal(a, b), name


def test_lenet_variant_defaults_are_torch_lenet_index_for_index():
    from course_utils.models import torch_lenet_variant

    torch.manual_seed(0)
    variant = torch_lenet_variant()
    torch.manual_seed(0)
    lecture = torch_lenet()
    assert [type(m) for m in variant] == [type(m) for m in lecture]
    x = torch.randn(2, 1, 28, 28)
    with torch.no_grad():
        assert_close(variant(x), lecture(x), name="variant with defaults vs torch_lenet")


@pytest.mark.parametrize("options", [dict(activation="tanh"), dict(pooling="avg"),
                                     dict(batch_norm=True)])
def test_lenet_variant_changes_one_choice_and_keeps_the_shapes(options):
    from course_utils.models import torch_lenet_variant

    torch.manual_seed(0)
    model = torch_lenet_variant(channels=(6, 16), hidden=120, **options)
    kinds = {type(m).__name__ for m in model}
    assert ("Tanh" in kinds) == (options.get("activation") == "tanh")
    assert ("AvgPool2d" in kinds) == (options.get("pooling") == "avg")
    assert ("BatchNorm2d" in kinds) == bool(options.get("batch_norm"))
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    if not options.get("batch_norm"):
        assert sum(p.numel() for p in model.parameters()) == 97_982    # as its docstring says


def test_lenet_variant_rejects_unknown_choices():
    from course_utils.models import torch_lenet_variant

    with pytest.raises(ValueError, match="activation"):
        torch_lenet_variant(activation="sigmoid")
