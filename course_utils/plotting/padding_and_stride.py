"""The longer figures of notebook 03 (padding and stride), named for what they draw.

Each function draws one figure in the course style and returns it; the notebook calls it and
then ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import PALETTE, show_array


def plot_padding_modes(padded, inner_shape, pad):
    """One panel per padding mode: the padded image with every value written in, and a box
    around the original image.

    padded: {title: (H + 2 pad, W + 2 pad) array}, e.g. ``{"constant (np.pad 'constant')":
    ...}``; inner_shape: (H, W) of the image before padding; pad: the padding on each side.
    """
    fig, axes = plt.subplots(1, len(padded), figsize=(3 * len(padded), 3.4), squeeze=False)
    height, width = inner_shape
    for ax, (title, array) in zip(axes[0], padded.items()):
        show_array(ax, array, title, annotate=True, fmt="{:.0f}")
        ax.add_patch(plt.Rectangle((pad - 0.5, pad - 0.5), width, height, fill=False,
                                   edgecolor=PALETTE[1], linewidth=2.5))
    fig.suptitle(f"A {height}x{width} image (orange box) padded by {pad} in each mode")
    fig.tight_layout()
    return fig


def plot_padding_errors(truth, image, results, errors):
    """The blur of each padding mode (top row) and its distance from the true blur (bottom
    row), next to the true blur and the image itself.

    truth, image: (H, W) arrays in [0, 1]; results: {mode: (H, W) blurred image};
    errors: {mode: mean absolute error in the border frame}.
    """
    fig, axes = plt.subplots(2, len(results) + 1, figsize=(2.4 * (len(results) + 1), 6.4))
    show_array(axes[0, 0], truth, "true blur", cmap="gray").set_clim(0, 1)
    show_array(axes[1, 0], image, "the image (before blurring)", cmap="gray").set_clim(0, 1)
    largest = max(np.abs(result - truth).max() for result in results.values())
    for column, (mode, result) in enumerate(results.items(), start=1):
        show_array(axes[0, column], result, f"{mode} padding", cmap="gray").set_clim(0, 1)
        show_array(axes[1, column], np.abs(result - truth),
                   f"|error|, border mean {errors[mode]:.3f}").set_clim(0, largest / 2)
    fig.suptitle("9x9 blur with 4 pixels of padding (top) and how far each mode is from the "
                 "truth (bottom)")
    fig.tight_layout()
    return fig


def plot_map_sizes(sizes, kernel_size, input_size):
    """Map size against the number of stacked convolutions, one line per setting.

    sizes: {label: [input size, size after layer 1, ...]}.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (label, values), marker, colour in zip(sizes.items(), "os^", (PALETTE[0], PALETTE[5],
                                                                       PALETTE[2])):
        ax.plot(range(len(values)), values, marker=marker, color=colour, label=label)
    ax.set_xlabel(f"number of {kernel_size}x{kernel_size} layers")
    ax.set_ylabel("map size (pixels)")
    ax.set_title(f"A {input_size}x{input_size} input through stacked {kernel_size}x{kernel_size} "
                 "convolutions")
    ax.legend()
    return fig
