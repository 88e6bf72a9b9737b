"""course_utils.gradcheck: the numerical gradient, the error measure and the tolerance policy."""

import numpy as np
import pytest

from course_utils.gradcheck import (
    assert_close,
    check_gradient,
    numerical_gradient,
    relative_error,
    tolerances,
)


def f(x):
    return np.sum(np.sin(x) * x**2)


def grad_f(x):
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


def test_numerical_gradient_of_a_smooth_function():
    x = np.random.default_rng(0).standard_normal((3, 4))
    numeric = numerical_gradient(f, x)
    assert numeric.shape == x.shape and numeric.dtype == np.float64
    assert relative_error(numeric, grad_f(x)) < 1e-8
    check_gradient(f, x, grad_f(x))


def test_numerical_gradient_leaves_x_alone_and_works_in_float64():
    x = np.linspace(-1, 1, 5, dtype=np.float32)
    before = x.copy()
    numeric = numerical_gradient(lambda v: np.sum(v**3), x)
    assert np.array_equal(x, before)
    assert relative_error(numeric, 3 * x.astype(np.float64) ** 2) < 1e-8


def test_a_wrong_gradient_fails():
    """Every check must be able to fail: a gradient with a forgotten factor 2 is caught."""
    x = np.random.default_rng(0).standard_normal((3, 4))
    wrong = np.cos(x) * x**2 + x * np.sin(x)
    with pytest.raises(AssertionError, match="gradient: arrays of shape \\(3, 4\\) differ"):
        check_gradient(f, x, wrong)


def test_kink_explains_a_legitimate_disagreement():
    """At x = 0 ReLU's numerical gradient is the average slope 0.5; PyTorch (and we) use 0."""
    relu_sum = lambda v: np.sum(np.maximum(v, 0))  # noqa: E731
    assert numerical_gradient(relu_sum, np.array([0.0]))[0] == pytest.approx(0.5)
    assert numerical_gradient(relu_sum, np.array([1e-3]))[0] == pytest.approx(1.0)


def test_relative_error_formula():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0
    assert relative_error([1.0, 2.0], [1.0, 2.5]) == pytest.approx(0.5 / 2.5)
    assert relative_error([1e-9], [2e-9]) == pytest.approx(0.5)  # scale-free
    assert relative_error([1e-9, 1.0], [2e-9, 1.0]) == pytest.approx(1e-9)  # a tiny entry does not dominate
    assert relative_error(np.zeros(3), np.zeros(3)) == 0
    assert relative_error([1.0], [-1.0]) == 2


def test_tolerances_by_dtype():
    assert tolerances(np.float32) == (1e-4, 1e-6)
    assert tolerances(np.float64) == (1e-6, 1e-8)
    assert tolerances("float64") == tolerances(np.float64)


def test_assert_close_uses_the_lower_precision():
    x = np.linspace(1, 2, 10)
    assert_close(x * (1 + 1e-7), x)  # within float64's 1e-6
    with pytest.raises(AssertionError):
        assert_close(x * (1 + 1e-5), x)
    assert_close((x * (1 + 1e-5)).astype(np.float32), x)  # within float32's 1e-4
    with pytest.raises(AssertionError):
        assert_close(x * (1 + 1e-5), x, dtype=np.float64)
    with pytest.raises(AssertionError):
        assert_close((x * (1 + 1e-3)).astype(np.float32), x)


def test_assert_close_message_says_what_and_where():
    expected = np.zeros((2, 3))
    actual = expected.copy()
    actual[1, 2] = 0.5
    with pytest.raises(AssertionError) as info:
        assert_close(actual, expected, name="grad_weight")
    message = str(info.value)
    for part in ["grad_weight", "(2, 3)", "max abs error 0.5", "relative error 1", "index (1, 2)", "actual 0.5", "expected 0"]:
        assert part in message
    with pytest.raises(AssertionError, match=r"shape \(3,\) differs from the expected \(2,\)"):
        assert_close(np.zeros(3), np.zeros(2))
    with pytest.raises(AssertionError, match="differ"):
        assert_close(np.array([np.nan]), np.array([1.0]))
    assert_close(np.array([np.nan, -np.inf, 1.0]), np.array([np.nan, -np.inf, 1.0]))
    with pytest.raises(AssertionError, match="index \\(1,\\)"):
        assert_close(np.array([-np.inf, 1.0]), np.array([-np.inf, 2.0]))


def test_assert_close_accepts_tensors():
    torch = pytest.importorskip("torch")
    assert_close(torch.ones(2, requires_grad=True), np.ones(2, dtype=np.float32))
