"""The longer figures of notebook 01 (fully connected layers), in the course style.

Each function draws one figure and returns it (the notebook calls ``plt.show()``).
"""

import matplotlib.pyplot as plt
import numpy as np

from . import IMAGE_CMAP, PALETTE, show_array, show_grid


def plot_flattened_image(photo, image, flat):
    """The photo (H, W, 3), its three channels ``image`` (3, H, W) and the flattened vector
    ``flat`` (1, 3 * H * W) as one strip, red channel first (torch.flatten's (C, H, W) order)."""
    channels, height, width = np.shape(image)
    size = height * width
    fig = plt.figure(figsize=(10, 4.6), layout="constrained")
    grid = fig.add_gridspec(2, 4, height_ratios=[4, 1])
    top = [fig.add_subplot(grid[0, i]) for i in range(4)]
    top[0].imshow(photo)
    top[0].set_title(f"the image ({height}x{width}, RGB)")
    top[0].axis("off")
    for channel, name in enumerate(["red", "green", "blue"][:channels]):
        show_array(top[channel + 1], image[channel], f"{name} channel", cmap=IMAGE_CMAP)
    strip = fig.add_subplot(grid[1, :])
    strip.imshow(np.asarray(flat), aspect="auto", cmap=IMAGE_CMAP)
    strip.set_yticks([])
    strip.set_xticks([0, size, 2 * size, channels * size - 1])
    strip.set_xlabel(f"position in the flattened vector (red: 0-{size - 1}, green: {size}-"
                     f"{2 * size - 1}, blue: {2 * size}-{3 * size - 1})")
    strip.set_title(f"the same image flattened: one row of {channels * size} numbers")
    fig.suptitle("An image, its channels, and its flattened vector")
    return fig


def plot_templates(untrained, trained, side=28):
    """The rows of two weight matrices (10, side * side), each reshaped to an image: the
    untrained layer's (top) and the trained one's (bottom), one column per class."""
    rows = list(np.asarray(untrained).reshape(-1, side, side)) + \
        list(np.asarray(trained).reshape(-1, side, side))
    count = len(rows) // 2
    titles = [f"row {k}" for k in range(count)] + [f"class {k}" for k in range(count)]
    fig = show_grid(rows, titles=titles, ncols=count, signed=True,
                    suptitle="Rows of W as images: untrained (top), after one epoch (bottom); "
                             "purple positive, orange negative")
    return fig


def plot_shift_response(conv_original, conv_shifted, fc_original, fc_shifted, pixels):
    """A conv output before and after shifting the digit by ``pixels``, and the FC hidden layer
    (one bar per unit) before and after the same shift."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), gridspec_kw=dict(width_ratios=[1, 1, 2.2]))
    show_array(axes[0], conv_original, "conv output, original", signed=True)
    show_array(axes[1], conv_shifted, f"conv output, digit shifted {pixels} px", signed=True)
    units = np.arange(len(fc_original))
    axes[2].bar(units - 0.2, fc_original, width=0.4, color=PALETTE[0], label="original digit")
    axes[2].bar(units + 0.2, fc_shifted, width=0.4, color=PALETTE[1], label=f"shifted {pixels} px")
    axes[2].set_xlabel("hidden unit")
    axes[2].set_ylabel("activation")
    axes[2].set_title("FC hidden layer: the pattern changes")
    axes[2].legend()
    fig.suptitle("Shifting a digit: the conv output moves, the FC output scrambles")
    fig.tight_layout()
    return fig


def plot_accuracy_by_shift(shifts, accuracies):
    """Test accuracy against the shift in pixels, one line per network: ``accuracies`` maps a
    network's name to its accuracies at ``shifts``."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (name, values), colour, marker in zip(accuracies.items(), PALETTE, "os^D"):
        ax.plot(shifts, values, marker + "-", color=colour, label=name)
    ax.axhline(0.1, color=PALETTE[7], linewidth=0.8, linestyle=":", label="chance (10 classes)")
    ax.set_xticks(shifts)
    ax.set_ylim(0, 1)
    ax.set_xlabel("shift to the right (pixels, zero-filled)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Shifted test digits: accuracy of two trained networks")
    ax.legend(loc="lower left")
    return fig


def plot_shuffle_accuracies(accuracies):
    """Grouped bars: ``accuracies[network][data]`` for data 'digits' and 'shuffled pixels'."""
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    networks = list(accuracies)
    kinds = list(next(iter(accuracies.values())))
    for offset, (kind, colour) in enumerate(zip(kinds, PALETTE)):
        positions = np.arange(len(networks)) + (offset - (len(kinds) - 1) / 2) * 0.35
        values = [accuracies[network][kind] for network in networks]
        ax.bar(positions, values, width=0.35, color=colour, label=kind)
    ax.set_xticks(np.arange(len(networks)), networks)
    lowest = min(value for results in accuracies.values() for value in results.values())
    ax.set_ylim(min(0.8, np.floor(lowest * 20) / 20 - 0.05), 1.0)
    ax.set_ylabel("test accuracy")
    ax.set_title("Real digits against digits with shuffled pixels")
    ax.legend(loc="lower right")
    return fig
