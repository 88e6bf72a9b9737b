"""The longer figures of notebook 06 (normalization), named for what they draw.

Each function takes the numbers a notebook cell computed, draws them in the course style and
returns the Figure (the notebook shows it; the tests only check that one comes back).
"""

import matplotlib.pyplot as plt
import numpy as np

from . import PALETTE, show_array

__all__ = [
    "plot_layer_statistics",
    "plot_activation_scale",
    "plot_batch_dependence",
    "plot_running_mean",
    "plot_training_runs",
    "plot_accuracy_by_batch_size",
]


def _colours(count):
    """Okabe-Ito colours, starting with the ones that stay apart in grey."""
    order = [5, 0, 2, 1, 3, 4, 7, 6]
    return [PALETTE[order[i % len(order)]] for i in range(count)]


def plot_layer_statistics(statistics, title="Five convolutions at initialization"):
    """Grouped bars, one group per convolution layer and one bar per network: the spread of
    every ReLU output (left) and the norm of every convolution's weight gradient (right).

    statistics: {network name: (spreads, gradients)}, two arrays of one value per layer.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    names = list(statistics)
    width = 0.8 / len(names)
    panels = [("Activations: spread after each layer", "root mean square of the ReLU output"),
              ("Gradients reaching each layer", "norm of the weight gradient")]
    for panel, (ax, (panel_title, label)) in enumerate(zip(axes, panels)):
        for index, (name, colour) in enumerate(zip(names, _colours(len(names)))):
            values = np.asarray(statistics[name][panel])
            positions = np.arange(1, len(values) + 1) + (index - (len(names) - 1) / 2) * width
            ax.bar(positions, values, width=width, color=colour, label=name)
        ax.set_yscale("log")
        ax.set_xticks(np.arange(1, len(values) + 1))
        ax.set(xlabel="convolution layer", ylabel=label, title=panel_title)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_activation_scale(scales, predicted=None, title="Root mean square after every layer"):
    """One line per initialization: the activations' root mean square, layer by layer, on a
    log scale. scales: {name: array}; predicted: {name: factor per layer}, shown in the legend."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (name, values), colour in zip(scales.items(), _colours(len(scales))):
        label = name if predicted is None else f"{name} (predicted factor {predicted[name]:.2f})"
        ax.semilogy(np.arange(1, len(values) + 1), values, "o-", color=colour, label=label)
    ax.set(xlabel="convolution layer", ylabel="root mean square of the ReLU output", title=title)
    ax.set_xticks(np.arange(1, len(values) + 1))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_batch_dependence(first, second, titles, label=None):
    """The same image normalised in two batches, side by side with one colour scale, and their
    difference. first, second: (H, W) arrays; titles: their two titles."""
    first, second = np.asarray(first), np.asarray(second)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3))
    limit = float(max(np.abs(first).max(), np.abs(second).max()))
    for ax, image, title in [(axes[0], first, titles[0]), (axes[1], second, titles[1])]:
        picture = ax.imshow(image, cmap="PuOr", vmin=-limit, vmax=limit)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(picture, ax=axes[:2], shrink=0.8, label="normalised value")
    show_array(axes[2], first - second, title="difference")
    suffix = "" if label is None else f" (label {label})"
    fig.suptitle(f"The same digit after BatchNorm2d in training mode{suffix}")
    return fig


def plot_running_mean(traces, true_mean):
    """Left: the running mean of a feature over training steps, one line per momentum; right:
    the weight left on the zero start, (1 - m)^n, on a log scale.

    traces: {momentum: running_mean after 0, 1, ..., n steps}."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for colour, (momentum, trace) in zip(PALETTE, traces.items()):
        step = np.arange(len(trace))
        axes[0].plot(step, trace, color=colour, label=f"momentum {momentum}")
        axes[1].plot(step, (1 - momentum) ** step, color=colour, label=f"momentum {momentum}")
    axes[0].axhline(true_mean, color="black", ls="--", lw=1, label="true mean")
    axes[0].set(title=f"Running mean of a feature whose mean is {true_mean:g}",
                xlabel="training step", ylabel="running_mean")
    axes[1].axhline(0.01, color="black", ls=":", lw=1, label="1%")
    axes[1].set(title="Weight left on the zero start, $(1-m)^n$", xlabel="training step n",
                ylabel="weight", yscale="log", ylim=(1e-4, 1.5))
    for ax in axes:
        ax.legend()
    fig.tight_layout()
    return fig


def _smooth(values, window):
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_training_runs(runs, chance=np.log(10), window=20,
                       title="Five convolutions on MNIST, 300 steps"):
    """Training-loss curves (a moving average), one panel per learning rate and one line per
    network, with the test accuracy in the legend.

    runs: {(network name, learning rate): (losses, test accuracy)}. A loss that is not finite
    (a run that diverged) is drawn up to where it stops being finite."""
    rates = sorted({lr for _, lr in runs})
    names = list(dict.fromkeys(name for name, _ in runs))
    fig, axes = plt.subplots(1, len(rates), figsize=(5 * len(rates), 3.6), sharey=True,
                             squeeze=False)
    for ax, lr in zip(axes[0], rates):
        for name, colour in zip(names, _colours(len(names))):
            if (name, lr) not in runs:
                continue
            losses, accuracy = runs[(name, lr)]
            losses = np.asarray(losses, dtype=float)
            finite = np.isfinite(losses)
            end = len(losses) if finite.all() else int(np.argmin(finite))
            curve = _smooth(losses[:end], window) if end >= window else losses[:end]
            ax.plot(np.arange(len(curve)) + min(window, end), curve, color=colour,
                    label=f"{name} (test accuracy {100 * accuracy:.0f}%)")
        ax.axhline(chance, color="black", ls=":", lw=1, label="chance, ln 10")
        ax.set(title=f"learning rate {lr:g}", xlabel="training step",
               ylabel=f"training loss ({window}-step average)", ylim=(0, 1.5 * chance))
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_accuracy_by_batch_size(accuracies, title="Test accuracy against the batch size"):
    """Test accuracy against the training batch size (log scale), one line per network.

    accuracies: {network name: {batch size: accuracy}}."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (name, by_size), colour in zip(accuracies.items(), _colours(len(accuracies))):
        sizes = sorted(by_size)
        ax.plot(sizes, [100 * by_size[size] for size in sizes], "o-", color=colour, label=name)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(size) for size in sizes])
    ax.set(xlabel="batch size", ylabel="test accuracy (%)", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
