"""The longer figures of notebook 02 (convolution), in the course style.

Each function draws one figure and returns it (the notebook calls ``plt.show()``).
"""

import matplotlib.pyplot as plt
import numpy as np

from . import PALETTE, show_array


def plot_feature_volume(volume, row, col):
    """An output volume (C_out, H_out, W_out) read two ways: one activation map per filter (up
    to six, a dot at (row, col)) and the feature vector of C_out numbers at (row, col)."""
    volume = np.asarray(volume)
    channels = min(len(volume), 6)
    fig = plt.figure(figsize=(10, 5.0), layout="constrained")
    grid = fig.add_gridspec(2, 4, width_ratios=[1, 1, 1, 1.3])
    for k in range(channels):
        ax = fig.add_subplot(grid[k // 3, k % 3])
        show_array(ax, volume[k], f"map {k}", signed=True)
        ax.plot(col, row, "o", color=PALETTE[2], markersize=6)
    bar = fig.add_subplot(grid[:, 3])
    bar.bar(range(len(volume)), volume[:, row, col], color=PALETTE[0])
    bar.axhline(0, color="black", linewidth=0.8)
    bar.set_xticks(range(len(volume)))
    bar.set_xlabel("filter")
    bar.set_ylabel("output value")
    bar.set_title(f"feature vector at ({row}, {col})")
    fig.suptitle(f"{len(volume)} filters: {len(volume)} activation maps, or one "
                 f"{len(volume)}-vector per position (green dot)")
    return fig


def plot_filter_responses(image, kernels, responses, names, edge_strength):
    """Hand-made filters (top row, annotated) and their activation maps on a grey ``image``
    (bottom row), with the edge strength last. kernels (K, kH, kW), responses (K, H', W'); a
    filter whose kernel is all non-negative is drawn in grey, the others signed."""
    count = len(kernels)
    fig, axes = plt.subplots(2, count + 2, figsize=(12, 5.2), gridspec_kw=dict(height_ratios=[1, 3]))
    for ax in axes[0]:
        ax.axis("off")
    for k, name in enumerate(names):
        smoothing = bool((np.asarray(kernels[k]) >= 0).all())
        show_array(axes[0, k + 1], kernels[k], "", signed=True, annotate=True)
        show_array(axes[1, k + 1], responses[k], name, signed=not smoothing,
                   cmap="gray" if smoothing else None)
    show_array(axes[1, 0], image, "photo (grey)", cmap="gray")
    show_array(axes[1, count + 1], edge_strength, "edge strength", signed=False)
    fig.suptitle("Hand-made 3x3 filters (top) and their activation maps (bottom)")
    fig.tight_layout()
    return fig


def plot_filters_before_after(initial, trained, title):
    """Filters (F, kH, kW) at the start of training (top), after it (middle) and the change
    (bottom), one column per filter, each signed around 0."""
    initial, trained = np.asarray(initial), np.asarray(trained)
    rows = [(initial, "at the start"), (trained, "trained"), (trained - initial, "change")]
    fig, axes = plt.subplots(3, len(initial), figsize=(12, 2.7), squeeze=False)
    for r, (arrays, name) in enumerate(rows):
        for column, array in enumerate(arrays):
            show_array(axes[r, column], array, title=str(column) if r == 0 else "", signed=True)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_kernels(kernels, title):
    """A row of kernels, each signed and drawn at its own size: ``kernels`` maps a title to a
    2-D array."""
    widths = [np.shape(kernel)[1] for kernel in kernels.values()]
    fig, axes = plt.subplots(1, len(kernels), figsize=(3 * len(kernels), 3.2),
                             gridspec_kw=dict(width_ratios=widths), squeeze=False)
    for ax, (name, kernel) in zip(axes[0], kernels.items()):
        show_array(ax, kernel, name, signed=True, annotate=max(np.shape(kernel)) <= 5)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_parameter_counts(counts, title):
    """Horizontal bars on a log scale: ``counts`` maps a layer's name to its parameters."""
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.barh(list(counts), list(counts.values()), color=PALETTE[:len(counts)])
    ax.set_xscale("log")
    ax.set_xlabel("parameters (log scale)")
    ax.set_title(title)
    return fig


def plot_learning_curve(losses, kernels, title):
    """The loss of a descent (log scale) against the step, beside the kernels it compares
    (``kernels`` maps a title to a 2-D array, e.g. the learned and the true kernel)."""
    fig, axes = plt.subplots(1, 1 + len(kernels), figsize=(4.2 + 2.6 * len(kernels), 3.2),
                             gridspec_kw=dict(width_ratios=[1.8] + [1] * len(kernels)))
    axes[0].semilogy(np.arange(len(losses)), losses, color=PALETTE[0])
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("mean squared error (log)")
    axes[0].set_title("the descent")
    for ax, (name, kernel) in zip(axes[1:], kernels.items()):
        show_array(ax, kernel, name, signed=True, annotate=True, fmt="{:.2f}")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
