"""The LeNet explorer: its activations and probabilities against the torch twin, and its
static render."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils.data import load_mnist_tensors
from course_utils.explorers import lenet_inside
from course_utils.models import torch_lenet
from course_utils.pretrained import trained_lenet_state_dict


@pytest.fixture(scope="module")
def twin():
    model = torch_lenet()
    model.load_state_dict({key: torch.from_numpy(value)
                           for key, value in trained_lenet_state_dict().items()})
    return model.eval()


@pytest.fixture(scope="module")
def digits():
    images, labels = load_mnist_tensors(train=False)
    return images, labels


@pytest.mark.parametrize("digit", [0, 144, 199])
def test_probabilities_are_the_torch_twins(twin, digits, digit):
    images, labels = digits
    state = lenet_inside.compute(digit, "conv 1")
    with torch.no_grad():
        expected = torch.softmax(twin(images[digit:digit + 1]).double(), dim=1)[0].numpy()
    np.testing.assert_allclose(state["probabilities"], expected, atol=1e-5)
    assert state["predicted"] == int(expected.argmax())
    assert state["label"] == int(labels[digit])
    np.testing.assert_array_equal(state["image"], images[digit, 0].numpy())


@pytest.mark.parametrize("layer, index, shape", [
    ("conv 1", 0, (20, 28, 28)), ("ReLU 1", 1, (20, 28, 28)), ("max-pool 1", 2, (20, 14, 14)),
    ("conv 2", 3, (50, 14, 14)), ("ReLU 2", 4, (50, 14, 14)), ("max-pool 2", 5, (50, 7, 7))])
def test_activations_are_the_torch_twins(twin, digits, layer, index, shape):
    images, _ = digits
    state = lenet_inside.compute(7, layer)
    with torch.no_grad():
        expected = twin[:index + 1](images[7:8])[0].numpy()
    assert state["index"] == index and state["activations"].shape == shape
    np.testing.assert_allclose(state["activations"], expected, rtol=1e-4, atol=1e-5)
    means = expected.mean(axis=(1, 2))
    np.testing.assert_allclose(state["channel_means"], means, rtol=1e-4, atol=1e-5)
    assert state["top_channel"] == int(means.argmax())


def test_a_misclassified_digit():
    state = lenet_inside.compute(144, "max-pool 2")
    assert (state["label"], state["predicted"]) == (3, 9)
    assert "(wrong)" in lenet_inside.readout(state)


def test_mosaic_places_every_map():
    maps = np.arange(3 * 4 * 5, dtype=float).reshape(3, 4, 5)
    tiles, corners = lenet_inside.mosaic(maps, ncols=2)
    for array, (row, col) in zip(maps, corners):
        np.testing.assert_array_equal(tiles[row:row + 4, col:col + 5], array)
    assert np.isnan(tiles).sum() == tiles.size - maps.size


def test_bad_controls_say_what_is_allowed():
    with pytest.raises(ValueError, match="layer must be one of"):
        lenet_inside.compute(0, "conv 3")
    with pytest.raises(ValueError, match="digit must be an index from 0 to 199"):
        lenet_inside.compute(200, "conv 1")


def test_readout():
    text = lenet_inside.readout(lenet_inside.compute(0, "max-pool 2"))
    assert text.startswith("Test digit 0: true label 7, predicted 7 with probability ")
    assert "max-pool 2 (layer 5 of the network): output 50 x 7 x 7 = 2,450 values" in text
    assert "Most active channel: " in text and "over its 7 x 7 map." in text


def test_static_render(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = lenet_inside.draw(lenet_inside.compute(0, "conv 2"))
    assert len(figure.axes) == 4  # digit, feature maps, probabilities and a colour bar
    assert figure.axes[1].images and figure.axes[2].patches
    plt.close(figure)
    lenet_inside.show(digit=0, layer="conv 1")
    out = capsys.readouterr().out
    assert "conv 1 (layer 0 of the network): output 20 x 28 x 28 = 15,680 values" in out
