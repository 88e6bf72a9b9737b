"""linear, relu and their backwards against torch.nn.functional and autograd."""

import numpy as np
import pytest
import torch.nn.functional as F

from course_utils.functional.linear import linear, linear_backward, relu, relu_backward
from course_utils.gradcheck import assert_close, check_gradient


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("shape", [(1, 1, 1), (4, 3, 5), (2, 7, 2), ((2, 3), 4, 6)], ids=str)
def test_linear_matches_torch(shape, use_bias, dtype, torch_run):
    batch, in_features, out_features = shape
    batch = batch if isinstance(batch, tuple) else (batch,)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(batch + (in_features,)).astype(dtype)
    weight = rng.standard_normal((out_features, in_features)).astype(dtype)
    bias = rng.standard_normal(out_features).astype(dtype) if use_bias else None
    expected, grad_output, grads = torch_run(F.linear, x, weight, bias)
    out = linear(x, weight, bias)
    assert out.dtype == dtype
    assert_close(out, expected, name="linear")
    ours = linear_backward(grad_output, x, weight, bias)
    assert len(ours) == len(grads)
    for name, g, e in zip(["grad_input", "grad_weight", "grad_bias"], ours, grads):
        assert g.dtype == dtype
        assert_close(g, e, name=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_matches_torch(dtype, torch_run):
    x = np.array([[-2.0, -0.0, 0.0, 1e-8, 3.0], [1.0, -1.0, 0.5, -0.5, 0.0]], dtype=dtype)
    expected, grad_output, (grad,) = torch_run(F.relu, x)
    assert relu(x).dtype == dtype and np.array_equal(relu(x), expected)
    ours = relu_backward(grad_output, x)
    assert ours.dtype == dtype and np.array_equal(ours, grad)  # the gradient at exactly 0 is 0


def test_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    x, weight, bias = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    grad_output = rng.standard_normal((3, 2))
    grad_input, grad_weight, grad_bias = linear_backward(grad_output, x, weight, bias)
    check_gradient(lambda v: np.sum(linear(v, weight, bias) * grad_output), x, grad_input)
    check_gradient(lambda v: np.sum(linear(x, v, bias) * grad_output), weight, grad_weight)
    check_gradient(lambda v: np.sum(linear(x, weight, v) * grad_output), bias, grad_bias)
    # ReLU away from its kink at 0 (see course_utils.gradcheck)
    x = rng.uniform(1e-3, 1, (3, 4)) * rng.choice([-1, 1], (3, 4))
    grad_output = rng.standard_normal((3, 4))
    check_gradient(lambda v: np.sum(relu(v) * grad_output), x, relu_backward(grad_output, x))


def test_wrong_features_speak_to_a_student():
    with pytest.raises(ValueError, match=r"\(2, 5\) has 5 features.*\(3, 4\) expects 4.*flatten"):
        linear(np.zeros((2, 5)), np.zeros((3, 4)))
