"""Smoke tests of notebook 01's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import fully_connected as figures  # noqa: E402


def test_plot_flattened_image():
    rng = np.random.default_rng(0)
    photo = rng.random((8, 8, 3)).astype(np.float32)
    image = photo.transpose(2, 0, 1)
    fig = figures.plot_flattened_image(photo, image, image.reshape(1, -1))
    assert isinstance(fig, Figure) and len(fig.axes) == 5
    plt.close(fig)


def test_plot_templates():
    rng = np.random.default_rng(0)
    fig = figures.plot_templates(rng.standard_normal((10, 16)), rng.standard_normal((10, 16)), side=4)
    assert isinstance(fig, Figure) and len([ax for ax in fig.axes if ax.images]) == 20
    plt.close(fig)


def test_plot_shift_response():
    rng = np.random.default_rng(0)
    fig = figures.plot_shift_response(rng.random((6, 6)), rng.random((6, 6)), rng.random(5),
                                      rng.random(5), pixels=2)
    assert isinstance(fig, Figure) and len(fig.axes[2].patches) == 10
    plt.close(fig)


def test_plot_accuracy_by_shift():
    fig = figures.plot_accuracy_by_shift([0, 1, 2], {"a": [0.9, 0.8, 0.7], "b": [0.95, 0.9, 0.85]})
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 3
    plt.close(fig)


def test_plot_shuffle_accuracies():
    fig = figures.plot_shuffle_accuracies({"FC": {"digits": 0.9, "shuffled": 0.9},
                                           "conv": {"digits": 0.95, "shuffled": 0.85}})
    assert isinstance(fig, Figure) and len(fig.axes[0].patches) == 4
    plt.close(fig)
