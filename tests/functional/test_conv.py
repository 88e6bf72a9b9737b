"""conv2d, conv2d_naive and conv2d_backward against torch.nn.functional.conv2d and autograd."""

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import assume, given, settings, strategies as st

from course_utils.functional.conv import conv2d, conv2d_backward, conv2d_naive, unfold
from course_utils.gradcheck import assert_close, check_gradient

# (N, C, H, W, C_out, kH, kW, stride, padding, dilation, groups)
CASES = [
    (2, 3, 5, 5, 4, 3, 3, 1, 0, 1, 1),  # odd, square, no padding
    (2, 3, 6, 6, 4, 3, 3, 1, 1, 1, 1),  # even, "keep the size"
    (1, 1, 7, 5, 1, 3, 2, 1, 0, 1, 1),  # batch 1, one channel, one filter, non-square
    (2, 2, 7, 8, 3, 3, 3, 2, 1, 1, 1),  # K3 P1 S2 on odd and even sizes (floor)
    (2, 2, 8, 7, 3, 2, 3, 3, 0, 1, 1),  # stride that does not divide
    (1, 2, 6, 6, 2, 3, 3, 2, 2, 1, 1),  # padding k - 1
    (2, 2, 5, 6, 2, 4, 2, (2, 1), (3, 1), 1, 1),  # tuple stride and padding, even kernel
    (2, 2, 9, 8, 3, 3, 3, 1, 0, 2, 1),  # dilation
    (1, 2, 9, 7, 2, 3, 2, 2, 1, (2, 3), 1),  # dilation per axis, with stride and padding
    (2, 4, 6, 5, 6, 3, 3, 1, 1, 1, 2),  # groups
    (2, 3, 5, 5, 3, 3, 3, 1, 1, 1, 3),  # depthwise
    (2, 2, 5, 5, 3, 1, 1, 1, 0, 1, 1),  # 1x1 convolution
    (2, 2, 5, 6, 3, 5, 6, 1, 0, 1, 1),  # kernel as large as the input
    (2, 3, 6, 7, 2, 3, 3, 1, "same", 1, 1),
    (2, 2, 6, 7, 2, 2, 4, 1, "same", 1, 1),  # even kernels: PyTorch pads more at bottom/right
    (1, 2, 8, 7, 2, 2, 3, 1, "same", 2, 1),  # same with dilation
    (2, 2, 6, 5, 3, 3, 2, 1, "valid", 1, 1),
    (2, 2, 6, 6, 2, 3, 3, 1, 4, 1, 1),  # padding larger than the kernel (allowed in PyTorch)
]


def make(case, dtype, seed=0):
    n, c, h, w, f, kh, kw, stride, padding, dilation, groups = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    weight = rng.standard_normal((f, c // groups, kh, kw)).astype(dtype)
    bias = rng.standard_normal(f).astype(dtype)
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_conv2d_matches_torch(case, dtype, use_bias, torch_run):
    x, weight, bias, kw = make(case, dtype)
    bias = bias if use_bias else None
    expected, grad_output, grads = torch_run(F.conv2d, x, weight, bias, **kw)
    for fn in (conv2d, conv2d_naive):
        out = fn(x, weight, bias, **kw)
        assert out.dtype == dtype
        assert_close(out, expected, name=fn.__name__)
    ours = conv2d_backward(grad_output, x, weight, bias, **kw)
    assert len(ours) == len(grads) == (3 if use_bias else 2)
    for name, g, e in zip(["grad_input", "grad_weight", "grad_bias"], ours, grads):
        assert g.dtype == dtype and g.shape == e.shape
        assert_close(g, e, name=name)


def test_conv2d_is_cross_correlation_not_convolution():
    """The kernel is not flipped: a kernel with a 1 at its top right picks x[i, j + 1]."""
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    weight = np.array([[[[0.0, 1.0], [0.0, 0.0]]]])
    assert np.array_equal(conv2d(x, weight)[0, 0], x[0, 0, :2, 1:])


def test_lecture_sizes():
    """3x32x32 with six 3x5x5 filters gives 6x28x28; padding 2 keeps 32x32; stride 2 floors."""
    x, weight = np.zeros((2, 3, 32, 32)), np.zeros((6, 3, 5, 5))
    assert conv2d(x, weight).shape == (2, 6, 28, 28)
    assert conv2d(x, weight, padding=2).shape == (2, 6, 32, 32)
    assert conv2d(np.zeros((1, 3, 7, 7)), np.zeros((1, 3, 3, 3)), stride=2, padding=1).shape == (1, 1, 4, 4)
    assert conv2d(np.zeros((1, 3, 8, 8)), np.zeros((1, 3, 3, 3)), stride=2, padding=1).shape == (1, 1, 4, 4)


def test_backward_matches_numerical_gradient():
    x, weight, bias, kw = make((1, 2, 5, 4, 2, 3, 2, 2, 1, 1, 1), np.float64)
    grad_output = np.random.default_rng(2).standard_normal(conv2d(x, weight, bias, **kw).shape)
    grad_input, grad_weight, grad_bias = conv2d_backward(grad_output, x, weight, bias, **kw)
    check_gradient(lambda v: np.sum(conv2d(v, weight, bias, **kw) * grad_output), x, grad_input)
    check_gradient(lambda v: np.sum(conv2d(x, v, bias, **kw) * grad_output), weight, grad_weight)
    check_gradient(lambda v: np.sum(conv2d(x, weight, v, **kw) * grad_output), bias, grad_bias)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 2), groups=st.integers(1, 2), c=st.integers(1, 2), f=st.integers(1, 2),
    h=st.integers(1, 7), w=st.integers(1, 7), kh=st.integers(1, 4), kw=st.integers(1, 4),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    padding=st.tuples(st.integers(0, 3), st.integers(0, 3)), seed=st.integers(0, 2**16),
)
def test_random_shapes(n, groups, c, f, h, w, kh, kw, stride, dilation, padding, seed, torch_run):
    """conv2d == conv2d_naive == torch, and the adjoint identities of the backward."""
    c, f = c * groups, f * groups
    # the kernel must fit in the padded input; PyTorch refuses otherwise (see test_errors...)
    assume(h + 2 * padding[0] >= dilation[0] * (kh - 1) + 1 and w + 2 * padding[1] >= dilation[1] * (kw - 1) + 1)
    x, weight, _, _ = make((n, c, h, w, f, kh, kw, 1, 0, 1, groups), np.float64, seed)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    out = conv2d(x, weight, **kwargs)
    expected, _, _ = torch_run(F.conv2d, x, weight, **kwargs)
    assert_close(out, expected)
    assert_close(conv2d_naive(x, weight, **kwargs), expected)
    # <conv(x), y> = <x, grad_input(y)> = <w, grad_weight(y)>: conv is linear in x and in w
    y = np.random.default_rng(seed + 1).standard_normal(out.shape)
    grad_input, grad_weight = conv2d_backward(y, x, weight, **kwargs)
    assert np.isclose(np.sum(out * y), np.sum(x * grad_input))
    assert np.isclose(np.sum(out * y), np.sum(weight * grad_weight))


def test_same_with_stride_is_refused_like_pytorch():
    with pytest.raises(ValueError, match="strided"):
        conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), stride=2, padding="same")
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), padding="full")


def test_errors_speak_to_a_student():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*x\[None\]"):
        conv2d(np.zeros((3, 5, 5)), np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"\(1, 2, 5, 5\) has 2 channels.*\(4, 3, 3, 3\)"):
        conv2d(np.zeros((1, 2, 5, 5)), np.zeros((4, 3, 3, 3)))
    with pytest.raises(ValueError, match="divisible by groups"):
        conv2d(np.zeros((1, 4, 5, 5)), np.zeros((3, 2, 3, 3)), groups=2)
    with pytest.raises(ValueError, match=r"covers 3 positions.*padded input has only 2"):
        conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"covers 5 positions \(kernel_size=3, dilation=2\)"):
        conv2d_naive(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), dilation=2)
    with pytest.raises(ValueError, match="bias"):
        conv2d(np.zeros((1, 1, 5, 5)), np.zeros((2, 1, 3, 3)), np.zeros(3))


# (N, C, H, W, kernel_size, dilation, padding, stride)
UNFOLD_CASES = [
    (2, 3, 5, 5, 3, 1, 0, 1),
    (1, 2, 7, 6, (2, 3), 1, 1, 2),
    (2, 1, 8, 8, 3, 2, 2, 3),
    (1, 3, 6, 9, (3, 1), (1, 2), (0, 2), (2, 1)),
    (3, 4, 4, 4, 1, 1, 0, 1),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", UNFOLD_CASES, ids=str)
def test_unfold_matches_torch_and_makes_conv_one_matrix_product(case, dtype):
    import torch

    n, c, h, w, kernel_size, dilation, padding, stride = case
    x = np.random.default_rng(1).standard_normal((n, c, h, w)).astype(dtype)
    options = dict(dilation=dilation, padding=padding, stride=stride)
    columns = unfold(x, kernel_size, **options)
    expected = F.unfold(torch.from_numpy(x), kernel_size, **options).numpy()
    assert columns.dtype == dtype and columns.shape == expected.shape
    assert_close(columns, expected, name="unfold")
    weight = np.random.default_rng(2).standard_normal((2, c, *np.broadcast_to(kernel_size, 2))).astype(dtype)
    out = conv2d(x, weight, stride=stride, padding=padding, dilation=dilation)
    assert_close(weight.reshape(2, -1) @ columns, out.reshape(n, 2, -1), name="conv as a product")


def test_unfold_refuses_an_image_without_a_batch_axis():
    with pytest.raises(ValueError, match="batch axis"):
        unfold(np.zeros((1, 5, 5)), 3)
