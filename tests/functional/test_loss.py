"""softmax, log_softmax, cross_entropy and cross_entropy_backward against torch.nn.functional."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils.functional.loss import cross_entropy, cross_entropy_backward, log_softmax, softmax
from course_utils.gradcheck import assert_close, check_gradient


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, classes, scale", [(1, 1, 1.0), (1, 3, 1.0), (5, 10, 1.0), (4, 3, 1000.0)], ids=str)
def test_cross_entropy_matches_torch(n, classes, scale, dtype, torch_run):
    """scale=1000: logits so large that a naive exp overflows; the stable log-softmax copes."""
    rng = np.random.default_rng(0)
    logits = (scale * rng.standard_normal((n, classes))).astype(dtype)
    target = rng.integers(0, classes, n)
    expected, grad_output, (grad,) = torch_run(F.cross_entropy, logits, target)
    loss = cross_entropy(logits, target)
    assert loss.dtype == dtype and np.isfinite(loss)
    assert_close(loss, expected, name="loss")
    ours = cross_entropy_backward(logits, target)
    assert ours.dtype == dtype
    assert_close(grad_output * ours, grad, name="grad_input")  # torch backpropagated a random scalar


def test_known_values():
    """Equal logits: loss log(C), gradient (1/C - onehot) / N."""
    loss = cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    assert np.isclose(loss, np.log(4))
    expected = np.full((2, 4), 0.25)
    expected[0, 0] = expected[1, 3] = -0.75
    assert np.allclose(cross_entropy_backward(np.zeros((2, 4)), np.array([0, 3])), expected / 2)


def test_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    logits, target = rng.standard_normal((3, 5)), np.array([4, 0, 2])
    check_gradient(lambda v: cross_entropy(v, target), logits, cross_entropy_backward(logits, target))


def test_errors_speak_to_a_student():
    with pytest.raises(ValueError, match=r"logits \(N, C\).*\(2, 3\) and \(3,\)"):
        cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="integers"):
        cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_and_log_softmax_match_torch(dim, dtype):
    logits = (100 * np.random.default_rng(0).standard_normal((3, 5))).astype(dtype)
    for ours, theirs in ((softmax, F.softmax), (log_softmax, F.log_softmax)):
        result = ours(logits, dim)
        assert result.dtype == dtype
        assert_close(result, theirs(torch.tensor(logits), dim=dim).numpy(), name=ours.__name__)
    assert np.allclose(softmax(logits, dim).sum(axis=dim), 1)
