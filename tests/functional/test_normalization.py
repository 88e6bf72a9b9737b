"""course_utils.functional.normalization against torch.nn.functional and autograd.

Every norm's forward and all of its gradients are compared with PyTorch over a grid of shapes
(fully connected (N, C) and images (N, C, H, W), batch 2 and odd sizes), both dtypes, training
and evaluation, with and without weight and bias; plus the lecture's worked numbers and
hypothesis property tests on random shapes.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.functional.normalization import (batch_norm, batch_norm_backward, group_norm,
                                                   group_norm_backward, instance_norm,
                                                   instance_norm_backward, layer_norm,
                                                   layer_norm_backward)
from course_utils.gradcheck import assert_close

DTYPES = [np.float32, np.float64]
SHAPES = [(2, 3), (5, 4), (2, 3, 4, 5), (3, 2, 5, 3), (1, 3, 3, 3)]


def _random(rng, shape, dtype):
    return rng.normal(size=shape).astype(dtype)


def _affine_params(rng, shape, dtype, affine):
    if not affine:
        return None, None
    return _random(rng, shape, dtype), _random(rng, shape, dtype)


def _check_grads(name, ours, torch_grads, weight, values_per_statistic=None):
    """ours = (grad_input, grad_weight, grad_bias); torch_grads = [input, weight, bias].

    With only 2 values per mean and variance, normalisation maps them to -1 and +1 whatever
    they are, so the input gradient is nearly 0 (it comes from eps alone) and is the difference
    of nearly equal terms. In float32 that difference is mostly rounding in both libraries, so
    it is only compared in float64 (test_two_values_normalise_to_minus_one_and_one shows why).
    """
    if not (values_per_statistic == 2 and ours[0].dtype == np.float32):
        assert_close(ours[0], torch_grads[0], name=f"{name} grad_input")
    if weight is not None:
        assert_close(ours[1], torch_grads[1], name=f"{name} grad_weight")
        assert_close(ours[2], torch_grads[2], name=f"{name} grad_bias")


def _compare(torch_run, name, torch_fn, arrays, forward, backward, values_per_statistic=None):
    """Ours against torch (``torch_run``: the functional tests' oracle, in conftest.py).

    torch_fn(*arrays) is run with arrays = [input, weight, bias] and a random upstream
    gradient; ``forward()`` must give the same output and ``backward(grad_output)`` the same
    (grad_input, grad_weight, grad_bias) as autograd.
    """
    expected, grad_output, torch_grads = torch_run(torch_fn, *arrays)
    out, grads = forward(), backward(grad_output)
    assert out.dtype == arrays[0].dtype and grads[0].dtype == arrays[0].dtype
    assert_close(out, expected, name=f"{name} output")
    _check_grads(name, grads, torch_grads, arrays[1], values_per_statistic)


# ---------------------------------------------------------------------------------------------
# batch norm
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_matches_torch(torch_run, shape, dtype, training, affine):
    if training and shape[0] * int(np.prod(shape[2:])) < 2:
        pytest.skip("one value per channel: no variance to estimate")
    rng = np.random.default_rng(0)
    C = shape[1]
    x = _random(rng, shape, dtype)
    weight, bias = _affine_params(rng, (C,), dtype, affine)
    running_mean = _random(rng, (C,), dtype)
    running_var = rng.uniform(0.5, 2.0, size=C).astype(dtype)
    torch_mean, torch_var = torch.tensor(running_mean), torch.tensor(running_var)
    our_mean, our_var = running_mean.copy(), running_var.copy()
    _compare(torch_run, "batch_norm",
             lambda x_, w_, b_: F.batch_norm(x_, torch_mean, torch_var, w_, b_,
                                             training=training, momentum=0.1),
             [x, weight, bias],
             lambda: batch_norm(x, our_mean, our_var, weight, bias, training=training,
                                momentum=0.1),
             lambda g: batch_norm_backward(g, x, running_mean, running_var, weight,
                                           training=training),
             values_per_statistic=x.size // C if training else None)
    assert_close(our_mean, torch_mean.numpy(), name="running_mean")
    assert_close(our_var, torch_var.numpy(), name="running_var")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5, 4)])
def test_batch_norm_running_stats_after_several_steps_match_torch(shape, dtype):
    rng = np.random.default_rng(1)
    ours = [np.zeros(shape[1], dtype), np.ones(shape[1], dtype)]
    theirs = [torch.from_numpy(ours[0].copy()), torch.from_numpy(ours[1].copy())]
    for step in range(5):
        x = (3 * _random(rng, shape, dtype) + step).astype(dtype)
        batch_norm(x, *ours, training=True, momentum=0.2)
        F.batch_norm(torch.tensor(x), *theirs, training=True, momentum=0.2)
        assert_close(ours[0], theirs[0].numpy(), name=f"running_mean after step {step + 1}")
        assert_close(ours[1], theirs[1].numpy(), name=f"running_var after step {step + 1}")


def test_batch_norm_lecture_values_1_2_3_4():
    x = np.array([[1.0], [2.0], [3.0], [4.0]])  # one channel, batch of four
    out = batch_norm(x, None, None, training=True)
    np.testing.assert_allclose(out[:, 0], [-1.3416, -0.4472, 0.4472, 1.3416], atol=5e-5)


def test_batch_norm_one_training_step_of_running_statistics():
    """From running statistics (0, 1), momentum 0.1, batch 1, 2, 3, 4: mean 2.5, biased var
    1.25, unbiased var 5/3, so running mean 0.25 and running variance 0.9 + 0.1 * 5/3."""
    x = np.array([[1.0], [2.0], [3.0], [4.0]])
    running_mean, running_var = np.zeros(1), np.ones(1)
    batch_norm(x, running_mean, running_var, training=True, momentum=0.1)
    assert running_mean[0] == pytest.approx(0.25)
    assert running_var[0] == pytest.approx(1.066667, abs=1e-6)

    layer = torch.nn.BatchNorm1d(1, dtype=torch.float64)
    layer(torch.tensor(x))
    assert_close(running_mean, layer.running_mean.numpy(), name="running_mean vs BatchNorm1d")
    assert_close(running_var, layer.running_var.numpy(), name="running_var vs BatchNorm1d")


def test_batch_norm_lecture_momentum_rule_is_momentum_0_01():
    """The lecture's mu_test = 0.99 mu_test + 0.01 mu_batch is PyTorch's momentum=0.01."""
    x = np.array([[1.0], [2.0], [3.0], [4.0]])
    running_mean, running_var = np.zeros(1), np.ones(1)
    batch_norm(x, running_mean, running_var, training=True, momentum=0.01)
    assert running_mean[0] == pytest.approx(0.99 * 0 + 0.01 * 2.5)
    assert running_var[0] == pytest.approx(0.99 * 1 + 0.01 * 5 / 3)  # unbiased, as PyTorch


def test_two_values_normalise_to_minus_one_and_one():
    """A channel with two values a < b has mean (a+b)/2 and biased variance ((b-a)/2)^2, so it
    normalises to -1 and +1 (up to eps) whatever a and b are: the output hardly depends on the
    input, and the input gradient is tiny (proportional to eps). Batch norm on a batch of 2
    fully connected features is close to useless in training."""
    x = np.array([[1.0, -3.0], [2.0, 5.0]])
    grad_output = np.array([[0.3, -1.0], [2.0, 0.7]])
    np.testing.assert_allclose(batch_norm(x, None, None, training=True), [[-1, -1], [1, 1]],
                               atol=1e-4)
    grad_input, _, _ = batch_norm_backward(grad_output, x, training=True)
    assert np.abs(grad_input).max() < 1e-4 * np.abs(grad_output).max()
    x_tensor = torch.tensor(x, requires_grad=True)
    F.batch_norm(x_tensor, None, None, training=True).backward(torch.tensor(grad_output))
    assert_close(grad_input, x_tensor.grad.numpy(), name="float64 gradient, two values")


def test_batch_norm_eval_leaves_running_statistics_alone():
    rng = np.random.default_rng(2)
    x = _random(rng, (4, 3, 2, 2), np.float64)
    running_mean, running_var = np.zeros(3), np.ones(3)
    out = batch_norm(x, running_mean, running_var, training=False)
    assert_close(out, x / np.sqrt(1 + 1e-5), name="eval with statistics (0, 1)")
    assert np.array_equal(running_mean, np.zeros(3)) and np.array_equal(running_var, np.ones(3))


def test_batch_norm_errors_speak_to_the_student():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match="running_mean and running_var"):
        batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        batch_norm(x, np.zeros(2), np.ones(3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        batch_norm(np.zeros((1, 3)), np.zeros(3), np.ones(3), training=True)


# ---------------------------------------------------------------------------------------------
# layer, instance and group norm
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, normalized_shape", [
    ((2, 5), (5,)), ((3, 4), 4), ((2, 3, 4, 5), (5,)), ((3, 2, 5, 3), (5, 3)),
    ((2, 3, 4, 5), (3, 4, 5)), ((1, 3, 3, 3), (3, 3, 3)),
])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_matches_torch(torch_run, shape, normalized_shape, dtype, affine):
    rng = np.random.default_rng(3)
    param_shape = (normalized_shape,) if np.isscalar(normalized_shape) else normalized_shape
    x = _random(rng, shape, dtype)
    weight, bias = _affine_params(rng, param_shape, dtype, affine)
    _compare(torch_run, "layer_norm", lambda x_, w_, b_: F.layer_norm(x_, param_shape, w_, b_),
             [x, weight, bias], lambda: layer_norm(x, normalized_shape, weight, bias),
             lambda g: layer_norm_backward(g, x, normalized_shape, weight))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 2, 5, 3), (1, 4, 3, 3), (2, 3, 7)])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", [True, False])
def test_instance_norm_matches_torch(torch_run, shape, dtype, affine):
    rng = np.random.default_rng(4)
    x = _random(rng, shape, dtype)
    weight, bias = _affine_params(rng, (shape[1],), dtype, affine)
    _compare(torch_run, "instance_norm",
             lambda x_, w_, b_: F.instance_norm(x_, weight=w_, bias=b_),
             [x, weight, bias], lambda: instance_norm(x, weight, bias),
             lambda g: instance_norm_backward(g, x, weight))


@pytest.mark.parametrize("shape, num_groups", [
    ((2, 6, 4, 5), 1), ((2, 6, 4, 5), 2), ((3, 6, 3, 3), 3), ((3, 6, 3, 3), 6), ((5, 4), 2),
    ((1, 4, 3, 5), 2),
])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_torch(torch_run, shape, num_groups, dtype, affine):
    rng = np.random.default_rng(5)
    x = _random(rng, shape, dtype)
    weight, bias = _affine_params(rng, (shape[1],), dtype, affine)
    _compare(torch_run, "group_norm", lambda x_, w_, b_: F.group_norm(x_, num_groups, w_, b_),
             [x, weight, bias], lambda: group_norm(x, num_groups, weight, bias),
             lambda g: group_norm_backward(g, x, num_groups, weight),
             values_per_statistic=x.size // (shape[0] * num_groups))


def test_group_norm_extremes_are_layer_norm_and_instance_norm():
    rng = np.random.default_rng(6)
    x = _random(rng, (2, 4, 3, 3), np.float64)
    assert_close(group_norm(x, 1), layer_norm(x, (4, 3, 3)), name="G = 1 is layer norm")
    assert_close(group_norm(x, 4), instance_norm(x), name="G = C is instance norm")


def test_shape_errors_speak_to_the_student():
    x = np.zeros((2, 6, 4, 4))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        group_norm(x, 4)
    with pytest.raises(ValueError, match=r"normalized_shape=\(C, H, W\)"):
        layer_norm(x, (6, 4))
    with pytest.raises(ValueError, match="spatial axis"):
        instance_norm(np.zeros((2, 6)))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        instance_norm(np.zeros((2, 6, 1, 1)))


# ---------------------------------------------------------------------------------------------
# properties on random shapes
# ---------------------------------------------------------------------------------------------

image_shapes = st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 4),
                         st.integers(1, 4))


@settings(max_examples=25, deadline=None)
@given(shape=image_shapes, seed=st.integers(0, 2**16), affine=st.booleans())
def test_every_norm_matches_torch_on_random_shapes(torch_run, shape, seed, affine):
    rng = np.random.default_rng(seed)
    N, C, H, W = shape
    G = int(rng.choice([g for g in range(1, C + 1) if C % g == 0]))
    x = _random(rng, shape, np.float64)
    weight, bias = _affine_params(rng, (C,), np.float64, affine)
    chw_weight, chw_bias = _affine_params(rng, (C, H, W), np.float64, affine)
    cases = [  # name, does torch accept the shape, torch function, parameters, ours
        ("batch_norm", N * H * W > 1,
         lambda x_, w_, b_: F.batch_norm(x_, None, None, w_, b_, training=True), (weight, bias),
         lambda: batch_norm(x, None, None, weight, bias, training=True),
         lambda g: batch_norm_backward(g, x, weight=weight, training=True)),
        ("instance_norm", H * W > 1,
         lambda x_, w_, b_: F.instance_norm(x_, weight=w_, bias=b_), (weight, bias),
         lambda: instance_norm(x, weight, bias),
         lambda g: instance_norm_backward(g, x, weight)),
        (f"group_norm, {G} groups", N * C // G * H * W > 1,
         lambda x_, w_, b_: F.group_norm(x_, G, w_, b_), (weight, bias),
         lambda: group_norm(x, G, weight, bias),
         lambda g: group_norm_backward(g, x, G, weight)),
        ("layer_norm over (C, H, W)", True,
         lambda x_, w_, b_: F.layer_norm(x_, (C, H, W), w_, b_), (chw_weight, chw_bias),
         lambda: layer_norm(x, (C, H, W), chw_weight, chw_bias),
         lambda g: layer_norm_backward(g, x, (C, H, W), chw_weight)),
    ]
    for name, accepted, torch_fn, parameters, forward, backward in cases:
        if accepted:
            _compare(torch_run, f"{name}, shape {shape}", torch_fn, [x, *parameters], forward,
                     backward)


@settings(max_examples=25, deadline=None)
@given(shape=image_shapes, seed=st.integers(0, 2**16), scale=st.floats(0.1, 100.0))
def test_batch_norm_training_properties(shape, seed, scale):
    """Training-mode batch norm: each channel of the output has mean 0 and (biased) variance
    about 1; scaling the input does not change it (the lecture's weight-scale invariance); and
    a gradient that is constant per channel, or proportional to x_hat, is removed completely."""
    N, C, H, W = shape
    if N * H * W < 2:
        return
    rng = np.random.default_rng(seed)
    x = 3 * _random(rng, shape, np.float64) + 1
    out = batch_norm(x, None, None, training=True, eps=0.0)
    axes = (0, 2, 3)
    assert_close(out.mean(axis=axes), np.zeros(C), name="per-channel mean")
    assert_close(out.var(axis=axes), np.ones(C), name="per-channel variance")
    assert_close(batch_norm(scale * x, None, None, training=True, eps=0.0), out,
                 name="scale invariance")
    shift = np.broadcast_to(rng.normal(size=(1, C, 1, 1)), shape)
    for grad_output in (shift, out * rng.normal(size=(1, C, 1, 1))):
        grad_input, _, _ = batch_norm_backward(grad_output, x, training=True, eps=0.0)
        bound = 1e-8 * np.abs(grad_output).max() / x.std(axis=axes).min()
        assert np.abs(grad_input).max() <= bound


def test_integer_and_list_inputs_are_read_as_float64_like_the_other_layers():
    integers = np.arange(8).reshape(4, 2)
    out = batch_norm(integers, None, None, training=True)
    assert out.dtype == np.float64 and np.allclose(out, batch_norm(integers.astype(float), None,
                                                                    None, training=True))
    assert np.allclose(layer_norm([[1, 2, 3], [4, 5, 7]], (3,)),
                       layer_norm(np.array([[1.0, 2, 3], [4, 5, 7]]), (3,)))
    grads = batch_norm_backward(np.ones((4, 2), dtype=int).tolist(), integers, training=True)
    assert all(g.dtype == np.float64 for g in grads)
