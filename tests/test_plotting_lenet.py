"""Smoke tests of notebook 07's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import lenet as figures  # noqa: E402

RNG = np.random.default_rng(0)


def _drawn(fig):
    assert isinstance(fig, Figure)
    plt.close(fig)
    return fig


def test_plot_where_the_costs_are():
    fig = _drawn(figures.plot_where_the_costs_are(["conv", "relu", "linear"],
                                                  {"parameters": [520, 0, 5010],
                                                   "multiply-adds": [392000, 0, 5000]}))
    assert len(fig.axes) == 2 and len(fig.axes[0].patches) == 3


def test_plot_training_record():
    history = {"step": [25, 50, 75], "train_loss": [1.5, 0.7, 0.3], "epoch": [1, 2],
               "test_accuracy": [0.9, 0.95]}
    assert len(_drawn(figures.plot_training_record(history)).axes) == 2


def test_plot_first_layer_filters():
    initial, trained = RNG.normal(size=(4, 5, 5)), RNG.normal(size=(4, 5, 5))
    assert len(_drawn(figures.plot_first_layer_filters(initial, trained)).axes) == 12


def test_plot_feature_maps():
    stages = {"conv": RNG.random((8, 28, 28)), "pool": RNG.random((8, 14, 14))}
    assert len(_drawn(figures.plot_feature_maps(RNG.random((28, 28)), stages, 7)).axes) == 18


def test_plot_last_layers():
    probabilities = np.full(10, 0.1)
    assert len(_drawn(figures.plot_last_layers(RNG.random(500), probabilities)).axes) == 2


def test_plot_confusion_matrix():
    confusion = RNG.integers(0, 5, (10, 10)) + np.diag(np.full(10, 50))
    assert len(_drawn(figures.plot_confusion_matrix(confusion)).axes) == 2     # with a colour bar


@pytest.mark.parametrize("smooth", [1, 3])
def test_plot_loss_curves(smooth):
    fig = _drawn(figures.plot_loss_curves({"a": np.linspace(2, 0.1, 20), "b": np.ones(20)},
                                          "title", reference=(2.3, "ln 10"), smooth=smooth))
    assert len(fig.axes[0].lines) == 3


def test_plot_accuracy_by_shift():
    fig = _drawn(figures.plot_accuracy_by_shift(range(3), {"a": [0.9, 0.8, 0.5]}, "title"))
    assert len(fig.axes[0].lines) == 1
