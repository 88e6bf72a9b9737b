"""Smoke tests of notebook 05's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import pooling as figures  # noqa: E402


def test_plot_pooling_example():
    image = np.arange(16.0).reshape(4, 4)
    fig = figures.plot_pooling_example(image, {"max": image[1::2, 1::2], "avg": image[::2, ::2]})
    assert isinstance(fig, Figure) and len(fig.axes) == 3 and len(fig.axes[0].texts) == 16
    plt.close(fig)


def test_plot_shift_changes():
    fig = figures.plot_shift_changes({"pixels": [0.6, 0.9], "global max": [0.0, 0.0]}, (1, 2))
    assert isinstance(fig, Figure) and len(fig.axes[0].patches) == 4
    plt.close(fig)


def test_plot_downsampling():
    rng = np.random.default_rng(0)
    fig = figures.plot_downsampling(rng.random((20, 16)), {"pooled": rng.random((10, 8)),
                                                           "strided": rng.random((10, 8))})
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert fig.axes[1].images[0].get_clim() == fig.axes[2].images[0].get_clim()
    plt.close(fig)


def test_plot_tie_gradients():
    image = np.zeros((4, 4))
    fig = figures.plot_tie_gradients(image, {"one": np.eye(4), "split": np.full((4, 4), 0.25)})
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    plt.close(fig)
