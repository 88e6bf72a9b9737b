"""Smoke tests of notebook 02's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import convolution as figures  # noqa: E402


def test_plot_feature_volume():
    volume = np.random.default_rng(0).standard_normal((6, 8, 8))
    fig = figures.plot_feature_volume(volume, row=3, col=4)
    assert isinstance(fig, Figure) and len(fig.axes) == 7 and len(fig.axes[-1].patches) == 6
    plt.close(fig)


def test_plot_filter_responses():
    rng = np.random.default_rng(0)
    kernels = np.stack([np.full((3, 3), 1 / 9), rng.standard_normal((3, 3))])
    responses = rng.standard_normal((2, 6, 6))
    fig = figures.plot_filter_responses(rng.random((8, 8)), kernels, responses, ["blur", "edge"],
                                        np.abs(responses[1]))
    assert isinstance(fig, Figure) and len([ax for ax in fig.axes if ax.images]) == 6
    plt.close(fig)


def test_plot_filters_before_after():
    rng = np.random.default_rng(0)
    fig = figures.plot_filters_before_after(rng.standard_normal((4, 5, 5)),
                                            rng.standard_normal((4, 5, 5)), "filters")
    assert isinstance(fig, Figure) and len(fig.axes) == 12
    plt.close(fig)


def test_plot_kernels():
    rng = np.random.default_rng(0)
    fig = figures.plot_kernels({"a": rng.standard_normal((5, 5)), "b": rng.standard_normal((7, 7))}, "k")
    assert isinstance(fig, Figure) and len(fig.axes) == 2 and len(fig.axes[0].texts) == 25
    plt.close(fig)


def test_plot_parameter_counts():
    fig = figures.plot_parameter_counts({"fc": 10**6, "conv": 456}, "counts")
    assert isinstance(fig, Figure) and len(fig.axes[0].patches) == 2
    plt.close(fig)


def test_plot_learning_curve():
    fig = figures.plot_learning_curve([1.0, 0.1, 0.01], {"learned": np.eye(3), "true": np.eye(3)}, "t")
    assert isinstance(fig, Figure) and len(fig.axes) == 3 and fig.axes[0].get_yscale() == "log"
    plt.close(fig)
