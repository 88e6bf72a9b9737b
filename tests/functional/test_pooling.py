"""max_pool2d, avg_pool2d and their backwards against torch.nn.functional and autograd."""

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import assume, given, settings, strategies as st

from course_utils.functional.pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from course_utils.gradcheck import assert_close, check_gradient

LECTURE = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)[None, None]

# (N, C, H, W, kernel_size, stride, padding, dilation, ceil_mode)
MAX_CASES = [
    (2, 3, 4, 4, 2, None, 0, 1, False),  # the lecture's 2x2 stride 2
    (1, 1, 5, 5, 2, None, 0, 1, False),  # odd size: floor drops the last row and column
    (1, 1, 5, 5, 2, None, 0, 1, True),  # ceil_mode keeps them
    (2, 2, 7, 6, 3, 2, 1, 1, False),  # overlapping windows, padding
    (2, 2, 6, 7, 3, 2, 1, 1, True),
    (1, 2, 8, 5, (3, 2), (2, 1), (1, 1), 1, False),  # non-square kernel, tuple stride
    (2, 1, 7, 7, 3, 1, 0, 1, False),  # stride 1
    (1, 2, 9, 8, 3, 2, 1, 2, False),  # dilation
    (1, 2, 9, 8, 2, 3, 1, (2, 3), True),  # dilation per axis, ceil_mode, stride > kernel
    (2, 1, 6, 6, 4, 3, 2, 1, True),  # padding k // 2, ceil_mode
    (1, 1, 4, 6, 4, 4, 2, 1, True),  # ceil window starting in the right padding is dropped
    (1, 2, 2, 3, 3, 2, 0, 1, True),  # kernel larger than the input: ceil_mode still places it
]

# (N, C, H, W, kernel_size, stride, padding, ceil_mode, count_include_pad)
AVG_CASES = [
    (2, 3, 4, 4, 2, None, 0, False, True),
    (1, 1, 5, 5, 2, None, 0, True, True),
    (1, 1, 5, 5, 2, None, 0, True, False),
    (2, 2, 7, 6, 3, 2, 1, False, True),
    (2, 2, 7, 6, 3, 2, 1, False, False),
    (2, 2, 6, 7, 3, 2, 1, True, True),  # ceil overhang past the padding is not counted
    (2, 2, 6, 7, 3, 2, 1, True, False),
    (1, 2, 8, 5, (3, 2), (2, 1), (1, 1), True, True),
    (2, 1, 7, 7, 3, 1, 0, False, True),
    (1, 1, 4, 6, 4, 4, 2, True, False),
    (1, 2, 2, 3, 3, 2, 0, True, True),
]


def distinct(shape, dtype, seed=0):
    """A permutation of well-separated values: no ties, no value within h of another."""
    values = np.random.default_rng(seed).permutation(np.prod(shape)).reshape(shape)
    return (values / 8).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", MAX_CASES, ids=str)
def test_max_pool2d_matches_torch(case, dtype, torch_run):
    n, c, h, w, *values = case
    args = dict(zip(["kernel_size", "stride", "padding", "dilation", "ceil_mode"], values))
    x = distinct((n, c, h, w), dtype)
    expected, grad_output, (grad,) = torch_run(F.max_pool2d, x, **args)
    out = max_pool2d(x, **args)
    assert out.dtype == dtype
    assert_close(out, expected, name="max_pool2d")
    grad_input = max_pool2d_backward(grad_output, x, **args)
    assert grad_input.dtype == dtype
    assert_close(grad_input, grad, name="grad_input")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", AVG_CASES, ids=str)
def test_avg_pool2d_matches_torch(case, dtype, torch_run):
    n, c, h, w, *values = case
    args = dict(zip(["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"], values))
    x = np.random.default_rng(0).standard_normal((n, c, h, w)).astype(dtype)
    expected, grad_output, (grad,) = torch_run(F.avg_pool2d, x, **args)
    out = avg_pool2d(x, **args)
    assert out.dtype == dtype
    assert_close(out, expected, name="avg_pool2d")
    grad_input = avg_pool2d_backward(grad_output, x, **args)
    assert grad_input.dtype == dtype
    assert_close(grad_input, grad, name="grad_input")


def test_lecture_example():
    """The lecture's 4x4 input, 2x2 windows, stride 2."""
    assert np.array_equal(max_pool2d(LECTURE, 2)[0, 0], [[6, 8], [3, 4]])
    assert np.array_equal(avg_pool2d(LECTURE, 2)[0, 0], [[3.25, 5.25], [2, 2]])
    grad = max_pool2d_backward(np.ones((1, 1, 2, 2)), LECTURE, 2)[0, 0]
    assert np.array_equal(grad, [[0, 0, 0, 0], [0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 0, 1]])


def test_ties_go_to_the_first_maximum_like_torch(torch_run):
    """All-equal windows (as after a ReLU): the whole gradient goes to each window's first entry."""
    x = np.zeros((1, 1, 5, 5))
    expected, grad_output, (grad,) = torch_run(F.max_pool2d, x, kernel_size=3, stride=1)
    ours = max_pool2d_backward(grad_output, x, 3, 1)
    assert_close(ours, grad)
    first = np.zeros((5, 5))
    first[:3, :3] = grad_output[0, 0]  # window (i, j) starts, and ties, at pixel (i, j)
    assert np.array_equal(ours[0, 0], first)


@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(1, 8), w=st.integers(1, 8), kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), dilation=st.integers(1, 2),
    ceil_mode=st.booleans(), padding=st.integers(0, 1), levels=st.integers(1, 3), seed=st.integers(0, 2**16),
)
def test_max_pool_ties_random(h, w, kernel, stride, dilation, ceil_mode, padding, levels, seed, torch_run):
    """Inputs with few distinct values (many ties), random shapes: forward and backward match torch."""
    padding = min(padding, kernel[0] // 2, kernel[1] // 2)
    assume(all(s + 2 * padding >= dilation * (k - 1) + 1 for s, k in zip((h, w), kernel)))
    x = np.random.default_rng(seed).integers(0, levels, (2, 2, h, w)).astype(np.float64)
    args = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    # A dilated window can fall entirely on padding; its max is -inf and PyTorch then writes the
    # gradient out of the window (or out of the array), so such windows are left out.
    assume(np.isfinite(max_pool2d(x, **args)).all())
    expected, grad_output, (grad,) = torch_run(F.max_pool2d, x, **args)
    assert_close(max_pool2d(x, **args), expected)
    assert_close(max_pool2d_backward(grad_output, x, **args), grad)


@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(1, 8), w=st.integers(1, 8), kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), padding=st.integers(0, 1),
    ceil_mode=st.booleans(), count_include_pad=st.booleans(), seed=st.integers(0, 2**16),
)
def test_avg_pool_random(h, w, kernel, stride, padding, ceil_mode, count_include_pad, seed, torch_run):
    """Random shapes: forward and backward match torch; the backward is the forward's adjoint."""
    padding = min(padding, kernel[0] // 2, kernel[1] // 2)
    assume(all(s + 2 * padding >= k for s, k in zip((h, w), kernel)))
    x = np.random.default_rng(seed).standard_normal((1, 2, h, w))
    args = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode,
                count_include_pad=count_include_pad)
    expected, grad_output, (grad,) = torch_run(F.avg_pool2d, x, **args)
    out = avg_pool2d(x, **args)
    assert_close(out, expected)
    grad_input = avg_pool2d_backward(grad_output, x, **args)
    assert_close(grad_input, grad)
    assert np.isclose(np.sum(out * grad_output), np.sum(x * grad_input))


def test_backward_matches_numerical_gradient():
    x = distinct((1, 2, 5, 6), np.float64)
    grad_output = np.random.default_rng(1).standard_normal((1, 2, 3, 3))
    args = (3, 2, 1)
    check_gradient(lambda v: np.sum(max_pool2d(v, *args) * grad_output), x, max_pool2d_backward(grad_output, x, *args))
    check_gradient(lambda v: np.sum(avg_pool2d(v, *args) * grad_output), x, avg_pool2d_backward(grad_output, x, *args))


def test_integer_input_becomes_float64():
    assert max_pool2d(LECTURE.astype(int), 2).dtype == np.float64


def test_errors_speak_to_a_student():
    with pytest.raises(ValueError, match="at most half|more than half"):
        max_pool2d(np.zeros((1, 1, 6, 6)), 2, padding=2)
    with pytest.raises(ValueError, match="more than half"):
        avg_pool2d(np.zeros((1, 1, 6, 6)), 3, padding=2)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        max_pool2d(np.zeros((6, 6)), 2)
    with pytest.raises(ValueError, match=r"covers 3 positions.*padded input has only 2"):
        max_pool2d(np.zeros((1, 1, 2, 2)), 3)
