"""Smoke tests of notebook 03's figures: each function draws and returns a Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting import padding_and_stride as figures  # noqa: E402


def test_plot_padding_modes():
    image = np.arange(1.0, 17.0).reshape(4, 4)
    padded = {mode: np.pad(image, 2, mode=mode) for mode in ("constant", "reflect", "edge", "wrap")}
    fig = figures.plot_padding_modes(padded, image.shape, pad=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 4 and fig.axes[0].patches
    plt.close(fig)


def test_plot_padding_errors():
    rng = np.random.default_rng(0)
    truth, image = rng.random((12, 10)), rng.random((12, 10))
    results = {mode: truth + 0.1 * rng.random((12, 10)) for mode in ("constant", "reflect")}
    errors = {mode: float(np.abs(results[mode] - truth).mean()) for mode in results}
    fig = figures.plot_padding_errors(truth, image, results, errors)
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    plt.close(fig)


def test_plot_map_sizes():
    fig = figures.plot_map_sizes({"padding 2": [32] * 4, "no padding": [32, 28, 24, 20]},
                                 kernel_size=5, input_size=32)
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 2
    plt.close(fig)
