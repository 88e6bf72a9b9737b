"""Smoke tests of notebook 08's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import after_lenet as figures  # noqa: E402


def test_plot_parameter_and_compute_shares():
    fig = figures.plot_parameter_and_compute_shares({"AlexNet": (0.96, 0.92), "ResNet-18": (0.04, 1.0)})
    assert isinstance(fig, Figure) and len(fig.axes) == 2 and len(fig.axes[0].patches) == 4
    plt.close(fig)


def test_plot_gradient_norms():
    fig = figures.plot_gradient_norms(np.logspace(-12, 0, 16), np.linspace(0.7, 0.9, 16))
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 2
    assert "16 blocks (32 convolutions)" in fig.axes[0].get_title()
    plt.close(fig)


def test_plot_training_losses():
    rng = np.random.default_rng(0)
    runs = {(blocks, shortcut): rng.random(60) for blocks in (2, 8) for shortcut in (False, True)}
    fig = figures.plot_training_losses(runs)
    lines = fig.axes[0].lines
    assert isinstance(fig, Figure) and len(lines) == 4 and len(lines[0].get_xdata()) == 41
    assert [line.get_linestyle() for line in lines] == [":", ":", "-", "-"]
    plt.close(fig)


def test_plot_activation_scale():
    rms = {"He": np.ones(20), "Glorot": 0.7 ** np.arange(20)}
    fig = figures.plot_activation_scale(rms, with_batch_norm=np.full(20, 0.7))
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 3
    plt.close(fig)
    assert len(figures.plot_activation_scale(rms).axes[0].lines) == 2
    plt.close("all")
