"""The explorers' digits and shifts: zero-filled shifts in every direction, against torch.roll
with the wrapped-around pixels cleared."""

import numpy as np
import pytest
import torch

from course_utils.explorers import digits


@pytest.mark.parametrize("right, down", [(0, 0), (2, 0), (-2, 0), (1, -3), (-3, 2), (12, 0)])
def test_shift_is_a_roll_with_zeros_coming_in(right, down):
    image = np.random.default_rng(0).random((2, 5, 6))
    expected = torch.roll(torch.tensor(image), shifts=(down, right), dims=(-2, -1)).numpy()
    rows, cols = np.arange(5), np.arange(6)
    wrapped = ((rows - down < 0) | (rows - down >= 5))[:, None] | \
        ((cols - right < 0) | (cols - right >= 6))[None, :]
    expected[..., wrapped] = 0
    np.testing.assert_array_equal(digits.shift(image, right, down), expected)


def test_bundled_digits_and_relative_change():
    images, labels = digits.bundled_digits()
    assert images.shape == (20, 28, 28) and images.dtype == np.float64 and labels.shape == (20,)
    assert 0 <= images.min() and images.max() <= 1 and int(labels[0]) == 7
    assert digits.relative_change(images[0], 2 * images[0]) == pytest.approx(1.0)
