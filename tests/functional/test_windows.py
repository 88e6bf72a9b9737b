"""pad2d, windows2d and fold_windows2d: against torch's F.pad and F.unfold, and fold_windows2d
as the adjoint of windows2d (<windows2d(x), g> = <x, fold_windows2d(g)>)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils.functional.windows import fold_windows2d, pad2d, windows2d

# (H, W, kernel_size, stride, padding per side, dilation)
CASES = [
    (5, 5, 3, 1, ((0, 0), (0, 0)), 1),
    (6, 7, (3, 2), (2, 1), ((1, 1), (0, 0)), 1),
    (7, 6, 2, 2, ((1, 2), (0, 1)), 1),  # uneven padding, as pooling's ceil_mode makes
    (9, 8, 3, 1, ((2, 2), (1, 1)), (2, 3)),
]


@pytest.mark.parametrize("h, w, kernel_size, stride, padding, dilation", CASES)
def test_windows2d_are_torchs_unfold(h, w, kernel_size, stride, padding, dilation):
    x = np.random.default_rng(0).standard_normal((2, 3, h, w))
    windows = windows2d(x, kernel_size, stride, padding, dilation, value=0.0)
    (top, bottom), (left, right) = padding
    padded = F.pad(torch.tensor(x), (left, right, top, bottom))
    np.testing.assert_array_equal(pad2d(x, padding), padded.numpy())
    n, c, h_out, w_out, kh, kw = windows.shape
    columns = F.unfold(padded, (kh, kw), dilation=dilation, stride=stride)  # (N, C*kh*kw, L)
    expected = columns.reshape(n, c, kh, kw, h_out, w_out).permute(0, 1, 4, 5, 2, 3)
    np.testing.assert_array_equal(windows, expected.numpy())


@pytest.mark.parametrize("h, w, kernel_size, stride, padding, dilation", CASES)
def test_fold_windows2d_is_the_adjoint_of_windows2d(h, w, kernel_size, stride, padding, dilation):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, h, w))
    windows = windows2d(x, kernel_size, stride, padding, dilation)
    grad_windows = rng.standard_normal(windows.shape)
    grad_input = fold_windows2d(grad_windows, x.shape, stride, padding, dilation)
    assert grad_input.shape == x.shape
    assert np.isclose(np.sum(windows * grad_windows), np.sum(x * grad_input))


def test_padding_value_and_no_copy():
    x = np.ones((1, 1, 2, 2))
    assert pad2d(x, ((0, 0), (0, 0))) is x
    np.testing.assert_array_equal(pad2d(x, ((1, 0), (0, 1)), -np.inf)[0, 0],
                                  [[-np.inf, -np.inf, -np.inf], [1, 1, -np.inf], [1, 1, -np.inf]])
    assert not windows2d(x, 2).flags.writeable
