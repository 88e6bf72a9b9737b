"""The shifted-digit explorer: its numbers against torch, and its static render."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils.explorers import fc_shift


@pytest.fixture(scope="module")
def image():
    """A 12x12 image with random ink inside and one ink pixel near the right edge."""
    rng = np.random.default_rng(1)
    image = np.zeros((12, 12))
    image[3:9, 2:8] = rng.random((6, 6))
    image[5, 10] = 1.0
    return image


def torch_shift(image, right, down):
    """Zero-filled shift by padding with zeros, then cropping (independent of fc_shift.shift)."""
    tensor = torch.tensor(image)[None, None]
    padded = F.pad(tensor, (3, 3, 3, 3))
    height, width = image.shape
    return padded[0, 0, 3 - down: 3 - down + height, 3 - right: 3 - right + width]


@pytest.mark.parametrize("right, down", [(0, 0), (2, 1), (-3, 2), (1, -3), (3, 3)])
def test_shift_and_layers_are_torch(image, right, down):
    state = fc_shift.compute(shift_right=right, shift_down=down, image=image)
    shifted = torch_shift(image, right, down)
    np.testing.assert_array_equal(state["shifted"], shifted.numpy())
    fc_weight, conv_weight = fc_shift.layers(image.size)
    assert fc_weight.shape == (16, 144) and conv_weight.shape == (1, 1, 3, 3)
    for key, source in (("fc", torch.tensor(image)), ("fc_shifted", shifted)):
        expected = F.linear(torch.flatten(source), torch.tensor(fc_weight))
        np.testing.assert_allclose(state[key], expected.numpy(), atol=1e-12)
    for key, source in (("conv", torch.tensor(image)), ("conv_shifted", shifted)):
        expected = F.conv2d(source[None, None], torch.tensor(conv_weight), padding=1)[0, 0]
        np.testing.assert_allclose(state[key], expected.numpy(), atol=1e-12)
    expected_conv_then_shift = torch_shift(state["conv"], right, down)
    np.testing.assert_allclose(state["conv_then_shift"], expected_conv_then_shift.numpy())


def test_readout_numbers(image):
    state = fc_shift.compute(shift_right=2, shift_down=-1, image=image)
    fc, fc_shifted = torch.tensor(state["fc"]), torch.tensor(state["fc_shifted"])
    assert state["fc_change"] == pytest.approx(
        ((fc_shifted - fc).norm() / fc.norm()).item(), rel=1e-12)
    assert state["fc_correlation"] == pytest.approx(
        torch.corrcoef(torch.stack([fc, fc_shifted]))[0, 1].item(), rel=1e-12)
    assert state["changed_pixels"] == int((np.abs(state["shifted"] - image) > 0).sum())
    # equivariance: equal inside the margin, but not everywhere (the border pixel is lost)
    margin = state["margin"]
    assert margin == 3
    inside = np.s_[margin:-margin, margin:-margin]
    difference = np.abs(state["conv_shifted"] - state["conv_then_shift"])
    assert state["conv_difference"] == pytest.approx(difference[inside].max()) and \
        state["conv_difference"] < 1e-12
    assert difference.max() > 0.01


def test_no_shift_changes_nothing(image):
    state = fc_shift.compute(shift_right=0, shift_down=0, image=image)
    assert state["changed_pixels"] == 0 and state["fc_change"] == 0
    assert state["fc_correlation"] == pytest.approx(1.0)


def test_layers_are_fixed():
    first, second = fc_shift.layers(), fc_shift.layers.__wrapped__()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert np.abs(first[0]).max() <= 1 / 28 and np.abs(first[1]).max() <= 1 / 3


def test_bundled_digit_readout():
    text = fc_shift.readout(fc_shift.compute(0, 2, 1))
    assert text.startswith("Test digit 0 (a 7), shifted 2 px right and 1 px down (zero-filled): ")
    assert "FC layer 784 -> 16: the output changes by" in text
    assert "= 0.000 away from the border (outer 3 px)." in text
    assert "3 px left and 2 px up" in fc_shift.readout(fc_shift.compute(4, -3, -2))


def test_static_render(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = fc_shift.draw(fc_shift.compute(3, -2, 1))
    assert len(figure.axes) == 5  # digit, shifted digit, two conv maps, FC bars
    assert len(figure.axes[4].patches) == 2 * 16  # two bars per output unit
    plt.close(figure)
    fc_shift.show()
    out = capsys.readouterr().out
    assert "Test digit 0 (a 7), shifted 2 px right and 1 px down" in out
    assert "correlation with the unshifted output" in out
