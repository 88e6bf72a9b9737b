"""Smoke tests of notebook 04's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import receptive_fields as figures  # noqa: E402


def test_plot_field_growth():
    depths = np.arange(1, 5)
    fig = figures.plot_field_growth(depths, {"stride 1": [3, 5, 7, 9], "dilated": [3, 7, 15, 31]})
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 2
    plt.close(fig)


def test_plot_gradient_regions():
    rng = np.random.default_rng(0)
    digit, real, wired = rng.random((28, 28)), rng.random((28, 28)), rng.random((28, 28))
    fig = figures.plot_gradient_regions(digit, real, wired, (6, 21), (2, 17), (3, 2))
    assert isinstance(fig, Figure) and len(fig.axes) == 3 and all(ax.patches for ax in fig.axes)
    plt.close(fig)


def test_plot_effective_field():
    positions = np.arange(37)
    profile = np.exp(-((positions - 18) ** 2) / 8.0)
    profile /= profile.sum()
    erf = np.outer(profile, profile)
    fig = figures.plot_effective_field(erf, profile, profile, field=33, sigma=2.0, centre=18, depth=16)
    assert isinstance(fig, Figure) and len(fig.axes) == 3    # the map, its colour bar, the profile
    plt.close(fig)
