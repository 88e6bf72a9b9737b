"""Smoke tests of course_utils/plotting/normalization.py: each figure of notebook 06 is drawn
and returned."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting import normalization  # noqa: E402

FIGURES = {
    "plot_layer_statistics": lambda: normalization.plot_layer_statistics(
        {"plain": (np.array([1.0, 0.5, 0.2]), np.array([1e-3, 1e-2, 1e-1])),
         "batch norm": (np.ones(3), np.full(3, 0.1))}),
    "plot_activation_scale": lambda: normalization.plot_activation_scale(
        {"default": 0.4 ** np.arange(1, 6), "He": np.ones(5)}, {"default": 0.41, "He": 1.0}),
    "plot_batch_dependence": lambda: normalization.plot_batch_dependence(
        np.eye(4), -np.eye(4), ("first", "second"), label=3),
    "plot_running_mean": lambda: normalization.plot_running_mean(
        {0.1: np.linspace(0, 3, 11), 0.01: np.linspace(0, 1, 11)}, 3.0),
    "plot_training_runs": lambda: normalization.plot_training_runs(
        {("plain", 0.01): (np.linspace(2.3, 0.5, 40), 0.9),
         ("plain", 0.1): (np.r_[np.linspace(2.3, 5, 30), np.full(10, np.nan)], 0.1),
         ("batch norm", 0.1): (np.linspace(2.3, 0.3, 40), 0.95)}),
    "plot_accuracy_by_batch_size": lambda: normalization.plot_accuracy_by_batch_size(
        {"batch statistics": {2: 0.5, 16: 0.9, 400: 0.93}, "running": {2: 0.93, 16: 0.93, 400: 0.93}}),
}


def test_every_public_function_is_tested():
    assert sorted(FIGURES) == sorted(normalization.__all__)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_is_returned(name):
    figure = FIGURES[name]()
    assert isinstance(figure, plt.Figure) and figure.axes
    plt.close(figure)
