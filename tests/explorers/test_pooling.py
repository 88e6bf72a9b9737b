"""The pooling explorer: its numbers against torch, and its static render."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils.explorers import pooling


@pytest.fixture(scope="module")
def image():
    rng = np.random.default_rng(0)
    image = np.zeros((12, 12))
    image[3:9, 2:8] = rng.random((6, 6))
    return image


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("kernel_size, stride, shift", [(2, 2, 1), (3, 2, 2), (2, 1, 0), (4, 3, 3)])
def test_pooled_maps_are_torch(image, mode, kernel_size, stride, shift):
    state = pooling.compute(mode, kernel_size, stride, shift, image=image)
    torch_pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    for key, source in (("pooled", image), ("pooled_shifted", state["shifted"])):
        expected = torch_pool(torch.tensor(source)[None, None], kernel_size, stride)[0, 0]
        np.testing.assert_allclose(state[key], expected.numpy(), atol=1e-12)
    np.testing.assert_array_equal(state["shifted"][:, shift:], image[:, :12 - shift])


def test_winners_are_torch_argmax(image):
    state = pooling.compute("max", 3, 2, 1, image=image)
    _, indices = F.max_pool2d(torch.tensor(state["shifted"])[None, None], 3, 2, return_indices=True)
    rows, cols = state["winners"]
    np.testing.assert_array_equal(rows * 12 + cols, indices[0, 0].numpy())


def test_shift_by_the_stride_shifts_the_pooled_map(image):
    state = pooling.compute("max", 2, 2, 2, image=image)
    np.testing.assert_array_equal(state["pooled_shifted"][:, 1:], state["pooled"][:, :-1])


def test_no_shift_changes_nothing(image):
    state = pooling.compute("avg", 2, 2, 0, image=image)
    assert state["changed_input"] == state["changed_pooled"] == 0
    assert state["winners"] is None


def test_readout(image):
    text = pooling.readout(pooling.compute("max", 3, 2, 1, image=image))
    assert "Max pooling, kernel 3x3, stride 2: 12x12 input -> 5x5 output" in text
    assert "floor((12 - 3) / 2) + 1 = 5" in text
    assert "Middle row of the pooled shifted digit (row 2):" in text


def test_static_render(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = pooling.draw(pooling.compute("max", 2, 2, 1))
    assert len(figure.axes) == 5  # four panels and a colour bar
    plt.close(figure)
    pooling.show()
    out = capsys.readouterr().out
    assert "Max pooling, kernel 2x2, stride 2: 28x28 input -> 14x14 output" in out
