"""The conv_window explorer: its numbers against torch, and its static render."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils.explorers import conv_window


@pytest.mark.parametrize("filter_name", list(conv_window.FILTERS))
def test_output_map_is_torch_conv2d(filter_name):
    state = conv_window.compute(0, 0, filter_name)
    expected = torch.nn.functional.conv2d(torch.tensor(state["image"])[None, None],
                                          torch.tensor(state["kernel"])[None, None])[0, 0]
    np.testing.assert_allclose(state["output"], expected.numpy(), atol=1e-12)


@pytest.mark.parametrize("row, col", [(0, 0), (2, 1), (6, 6), (3, 5)])
def test_value_is_the_sum_of_the_window_products(row, col):
    state = conv_window.compute(row, col, "sharpen")
    window = state["image"][row:row + 3, col:col + 3]
    np.testing.assert_array_equal(state["window"], window)
    np.testing.assert_allclose(state["products"], window * state["kernel"])
    assert state["value"] == pytest.approx(state["output"][row, col])


def test_custom_image_and_out_of_range_position():
    image = np.arange(20.0).reshape(4, 5)
    state = conv_window.compute(1, 2, "box blur", image)
    assert state["output"].shape == (2, 3)
    assert state["value"] == pytest.approx(image[1:4, 2:5].mean())
    with pytest.raises(ValueError):
        conv_window.compute(2, 0, "box blur", image)


def test_readout_writes_the_dot_product_out():
    text = conv_window.readout(conv_window.compute(2, 1, "Sobel (vertical edges)"))
    assert "Output row 2, column 1" in text
    assert "1*0 + 0*1 + -1*1 + 2*0 + 0*1 + -2*1 + 1*0 + 0*1 + -1*1 = -4" in text


def test_static_render(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = conv_window.draw(conv_window.compute(2, 1))
    assert len(figure.axes) == 4
    plt.close(figure)
    conv_window.show(row=3, col=4, filter_name="box blur")
    assert "Output row 3, column 4" in capsys.readouterr().out
