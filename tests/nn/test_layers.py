"""course_utils.nn.layers: each layer against its torch.nn twin loaded with the same state dict
(forward, input gradient, parameter gradients), and PyTorch's initialisation."""

import numpy as np
import pytest
import torch

from course_utils.nn import Conv2d, Dropout, Linear, MaxPool2d, ReLU

from .torch_twin import TORCH_DTYPE, check_twin, randomize

DTYPES = [np.float32, np.float64]


def _twin(ours, theirs, dtype):
    """Load torch's (randomised) parameters into ours, in the test's dtype."""
    theirs = randomize(theirs.to(TORCH_DTYPE[dtype]))
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _away_from_kinks(rng, shape, dtype):
    """Distinct values at least 0.01 apart and away from 0: no ReLU kink, no max-pool tie."""
    values = (rng.permutation(np.prod(shape)) - np.prod(shape) / 2 + 0.5) * 0.01
    return values.reshape(shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch", [1, 2, 5])
def test_linear_matches_torch(dtype, bias, batch):
    ours, theirs = _twin(Linear(7, 5, bias=bias, dtype=dtype), torch.nn.Linear(7, 5, bias=bias),
                         dtype)
    x = np.random.default_rng(0).normal(size=(batch, 7)).astype(dtype)
    check_twin(ours, theirs, x)
    assert ("bias" in ours.grads) == bias


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_matches_torch(dtype):
    x = _away_from_kinks(np.random.default_rng(0), (3, 4, 5), dtype)
    check_twin(ReLU(), torch.nn.ReLU(), x)


CONV_CASES = [  # in, out, kernel, stride, padding, dilation, groups, bias, input H x W
    (3, 10, 5, 1, 2, 1, 1, True, (9, 9)),
    (1, 4, 3, 2, 0, 1, 1, False, (7, 6)),
    (4, 6, (3, 2), (2, 1), (1, 0), 1, 2, True, (8, 5)),
    (2, 3, 3, 1, 1, 2, 1, True, (7, 7)),
    (4, 4, 3, 1, 1, 1, 4, False, (5, 5)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv2d_matches_torch(case, dtype):
    c_in, c_out, kernel, stride, padding, dilation, groups, bias, size = case
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups, bias=bias)
    ours, theirs = _twin(Conv2d(c_in, c_out, kernel, dtype=dtype, **options),
                         torch.nn.Conv2d(c_in, c_out, kernel, **options), dtype)
    x = np.random.default_rng(0).normal(size=(2, c_in) + size).astype(dtype)
    check_twin(ours, theirs, x)


POOL_CASES = [  # kernel, stride, padding, ceil_mode, input H x W
    (2, None, 0, False, (8, 8)),
    (3, 2, 1, False, (7, 6)),
    (2, 2, 0, True, (5, 7)),
    ((3, 2), (2, 1), (1, 0), False, (6, 5)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_max_pool2d_matches_torch(case, dtype):
    kernel, stride, padding, ceil_mode, size = case
    options = dict(stride=stride, padding=padding, ceil_mode=ceil_mode)
    x = _away_from_kinks(np.random.default_rng(0), (2, 3) + size, dtype)
    check_twin(MaxPool2d(kernel, **options), torch.nn.MaxPool2d(kernel, **options), x)


def test_dropout_keeps_its_mask_for_backward_and_is_the_identity_in_eval():
    """No torch twin can share our random draw, so the laws: torch's scaling, the same mask
    both ways, about p dropped, reproducible from the rng, the identity in evaluation mode."""
    x = np.random.default_rng(0).normal(size=(50, 40)).astype(np.float32)
    layer = Dropout(0.25, rng=np.random.default_rng(1))
    out = layer(x)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=1e-6)
    grad = layer.backward(np.ones_like(x))
    assert grad.dtype == np.float32 and np.array_equal(grad != 0, kept)
    np.testing.assert_allclose(grad[kept], 1 / 0.75, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.25) < 0.03
    assert np.array_equal(Dropout(0.25, rng=np.random.default_rng(1))(x), out)
    layer.eval()
    assert np.array_equal(layer(x), x) and np.array_equal(layer.backward(x), x)
    assert torch.equal(torch.nn.Dropout(0.25).eval()(torch.tensor(x)), torch.tensor(x))


def test_pool_stride_defaults_to_kernel_size():
    assert MaxPool2d(3).stride == 3
    assert MaxPool2d(3, stride=1).stride == 1


def test_conv2d_3_10_5_padding_2_has_760_parameters():
    layer = Conv2d(3, 10, 5, padding=2)
    assert sum(p.size for p in layer.parameters()) == 760 == 10 * (3 * 5 * 5 + 1)
    assert sum(p.numel() for p in torch.nn.Conv2d(3, 10, 5, padding=2).parameters()) == 760


@pytest.mark.parametrize("make_ours, make_theirs, fan_in", [
    (lambda: Linear(300, 200), lambda: torch.nn.Linear(300, 200), 300),
    (lambda: Conv2d(6, 40, 5, groups=2), lambda: torch.nn.Conv2d(6, 40, 5, groups=2), 3 * 25),
])
def test_initialisation_is_uniform_like_torch(make_ours, make_theirs, fan_in):
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias: same range, same spread."""
    bound = 1 / np.sqrt(fan_in)
    ours, theirs = dict(make_ours().named_parameters()), dict(make_theirs().named_parameters())
    for key in ("weight", "bias"):
        assert ours[key].shape == tuple(theirs[key].shape) and ours[key].dtype == np.float32
        assert np.abs(ours[key]).max() <= bound
        assert np.abs(theirs[key].detach().numpy()).max() <= bound
        assert np.abs(ours[key]).max() > 0.9 * bound  # fills the range (thousands of draws)
    uniform_std = bound / np.sqrt(3)
    assert abs(ours["weight"].std() - uniform_std) < 0.05 * uniform_std


def test_initialisation_follows_the_rng_and_dtype():
    first = Conv2d(2, 3, 3, rng=np.random.default_rng(7), dtype=np.float64)
    second = Conv2d(2, 3, 3, rng=np.random.default_rng(7), dtype=np.float64)
    assert first.weight.dtype == np.float64
    assert np.array_equal(first.weight, second.weight) and np.array_equal(first.bias, second.bias)
    assert not np.array_equal(Linear(4, 4).weight, Linear(4, 4).weight)  # fresh rng each time


def test_backward_overwrites_grads_it_does_not_accumulate():
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    x = np.ones((4, 3), np.float32)
    layer(x)
    layer.backward(np.ones((4, 2), np.float32))
    first = layer.grads["weight"].copy()
    layer(x)
    layer.backward(np.ones((4, 2), np.float32))
    assert np.array_equal(layer.grads["weight"], first)


def test_conv2d_groups_must_divide_channels():
    with pytest.raises(ValueError, match="divisible by groups"):
        Conv2d(3, 4, 3, groups=2)
