"""The residual block, forward and backward, against torch.nn.functional and autograd; and as
an answer to its exercises."""

import inspect

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils import grading
from course_utils.functional.residual import residual_block, residual_block_backward
from course_utils.gradcheck import assert_close, check_gradient


def torch_block(x, weight1, weight2):
    hidden = F.relu(F.conv2d(x, weight1, padding=(weight1.shape[-1] - 1) // 2))
    return F.relu(x + F.conv2d(hidden, weight2, padding=(weight2.shape[-1] - 1) // 2))


def arrays(rng, shape, middle, kernel1, kernel2, dtype):
    channels = shape[1]
    x = rng.standard_normal(shape).astype(dtype)
    weight1 = (rng.standard_normal((middle, channels, kernel1, kernel1))
               * np.sqrt(2 / (channels * kernel1 ** 2))).astype(dtype)
    weight2 = (rng.standard_normal((channels, middle, kernel2, kernel2))
               * np.sqrt(2 / (middle * kernel2 ** 2))).astype(dtype)
    return x, weight1, weight2


CONFIGS = [((2, 3, 5, 5), 3, 3, 3), ((1, 2, 6, 4), 5, 3, 1), ((3, 1, 4, 4), 2, 5, 3),
           ((2, 4, 1, 1), 4, 1, 1), ((1, 3, 7, 3), 2, 1, 5)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_block_matches_torch_values_and_gradients(config, dtype, torch_run):
    x, weight1, weight2 = arrays(np.random.default_rng(0), *config, dtype)
    expected, grad_output, grads = torch_run(torch_block, x, weight1, weight2)
    out = residual_block(x, weight1, weight2)
    assert out.dtype == dtype and out.shape == x.shape
    assert_close(out, expected, name="residual_block")
    ours = residual_block_backward(grad_output, x, weight1, weight2)
    assert len(ours) == 3
    for name, g, e in zip(["grad_input", "grad_weight1", "grad_weight2"], ours, grads):
        assert g.dtype == dtype and g.shape == e.shape
        assert_close(g, e, name=name)


def test_backward_matches_numerical_gradient():
    x, weight1, weight2 = arrays(np.random.default_rng(1), (2, 2, 4, 4), 3, 3, 3, np.float64)
    grad_output = np.random.default_rng(2).standard_normal(x.shape)
    grad_input, grad_weight1, grad_weight2 = residual_block_backward(grad_output, x, weight1, weight2)
    loss = lambda a, b, c: np.sum(residual_block(a, b, c) * grad_output)   # noqa: E731
    check_gradient(lambda v: loss(v, weight1, weight2), x, grad_input)
    check_gradient(lambda v: loss(x, v, weight2), weight1, grad_weight1)
    check_gradient(lambda v: loss(x, weight1, v), weight2, grad_weight2)


def test_zero_branch_is_the_identity_and_passes_the_gradient_on():
    """With zero weights the block is relu(input), and the gradient of a non-negative input
    goes through the shortcut unchanged: the "do nothing" a plain block cannot learn easily."""
    x = np.abs(np.random.default_rng(3).standard_normal((2, 3, 4, 4))) + 0.1
    zeros1, zeros2 = np.zeros((3, 3, 3, 3)), np.zeros((3, 3, 3, 3))
    assert np.array_equal(residual_block(x, zeros1, zeros2), x)
    grad_output = np.random.default_rng(4).standard_normal(x.shape)
    grad_input, _, _ = residual_block_backward(grad_output, x, zeros1, zeros2)
    assert np.array_equal(grad_input, grad_output)


def test_shapes_that_cannot_be_added_speak_to_a_student():
    x = np.zeros((1, 3, 5, 5))
    with pytest.raises(ValueError, match="odd size"):
        residual_block(x, np.zeros((3, 3, 2, 2)), np.zeros((3, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"weight1 must be \(C_mid, C, k, k\)"):
        residual_block(x, np.zeros((4, 2, 3, 3)), np.zeros((3, 4, 3, 3)))


@pytest.mark.parametrize("function", [residual_block, residual_block_backward])
def test_the_library_is_a_correct_answer_to_its_exercise(function):
    exercise = grading.EXERCISES[function.__name__]
    namespace = {}
    exec(f"def {exercise.signature}: pass", namespace)
    assert inspect.signature(namespace[exercise.name]) == inspect.signature(function)
    for secret in (None, "alpha", "bravo"):
        assert grading.grade(exercise.name, function, secret=secret, numpy_only=False).passed


def test_torch_reference_agrees_in_float64():
    x, weight1, weight2 = arrays(np.random.default_rng(5), (2, 3, 6, 6), 4, 3, 3, np.float64)
    expected = torch_block(*(torch.from_numpy(a) for a in (x, weight1, weight2))).numpy()
    np.testing.assert_allclose(residual_block(x, weight1, weight2), expected, rtol=1e-12, atol=1e-12)
