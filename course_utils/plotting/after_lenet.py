"""The longer figures of notebook 08 (after LeNet), named for what they draw.

Each function draws one figure in the course style and returns it; the notebook calls it and
then ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import PALETTE


def plot_parameter_and_compute_shares(shares):
    """Two bar charts side by side: each network's parameters and multiply-adds split into its
    convolutions and its fully connected layers.

    shares: {network: (fully connected share of the parameters, convolutions' share of the
    multiply-adds)}, fractions in [0, 1].
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
    names = list(shares)
    positions = np.arange(len(names))
    in_linear = {"share of the parameters": np.array([shares[name][0] for name in names]),
                 "share of the multiply-adds": np.array([1 - shares[name][1] for name in names])}
    for ax, (title, linear) in zip(axes, in_linear.items()):
        ax.barh(positions, 100 * (1 - linear), color=PALETTE[0], label="convolutions")
        ax.barh(positions, 100 * linear, left=100 * (1 - linear), color=PALETTE[1],
                label="fully connected")
        ax.set(title=title, xlabel="% of the network's total", xlim=(0, 100))
    axes[0].set_yticks(positions, names)
    axes[0].invert_yaxis()
    axes[1].legend(loc="lower right")
    fig.suptitle("Where the parameters and the multiply-adds are")
    fig.tight_layout()
    return fig


def plot_gradient_norms(plain_norms, residual_norms):
    """The gradient's norm at the input of every block of a plain and of a residual stack, on a
    log scale (block 1, the input side, on the left)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    blocks = np.arange(1, len(plain_norms) + 1)
    ax.semilogy(blocks, plain_norms, "o-", color=PALETTE[5], label="plain stack")
    ax.semilogy(blocks, residual_norms, "s-", color=PALETTE[0], label="with shortcuts")
    ax.set(xlabel="block (input side on the left)", ylabel="gradient norm at the block's input",
           title=f"A unit gradient sent back through {len(blocks)} blocks "
                 f"({2 * len(blocks)} convolutions)")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_training_losses(runs, window=20):
    """Training-loss curves (a moving average over ``window`` steps) of plain and residual
    networks at two depths: plain in red, residual in blue, the deeper ones solid.

    runs: {(blocks, shortcut): per-step losses}; a network with ``blocks`` blocks has
    ``2 * blocks + 1`` convolutions.
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    deepest = max(blocks for blocks, _ in runs)
    for (blocks, shortcut), losses in runs.items():
        smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
        ax.plot(np.arange(len(smooth)) + window, smooth, color=PALETTE[0 if shortcut else 5],
                linestyle="-" if blocks == deepest else ":",
                label=f"{2 * blocks + 1} convolutions, {'residual' if shortcut else 'plain'}")
    ax.set(xlabel="training step", ylabel=f"training loss ({window}-step average)",
           title="Plain against residual, shallow against deep")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_activation_scale(rms, with_batch_norm=None, batch_norm_label="with batch norm"):
    """The root mean square of every layer's output of a plain stack at initialization, one
    line per initialization, on a log scale; optionally a dashed line for a stack with batch
    norm.

    rms: {initialization: RMS per layer}; with_batch_norm: RMS per layer, or None.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    depth = len(next(iter(rms.values())))
    layers = np.arange(1, depth + 1)
    for colour, (name, values) in zip(PALETTE, rms.items()):
        ax.semilogy(layers, values, "o-", color=colour, markersize=3, label=name)
    if with_batch_norm is not None:
        ax.semilogy(layers, with_batch_norm, "s--", color=PALETTE[7], markersize=3,
                    label=batch_norm_label)
    ax.set(xlabel="layer", ylabel="RMS of the layer's output",
           title=f"{depth} plain convolutions at initialization")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
