"""The longer figures of notebook 05 (pooling), named for what they draw.

Each function draws one figure in the course style and returns it; the notebook calls it and
then ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from . import IMAGE_CMAP, PALETTE, show_array, show_grid


def plot_pooling_example(image, pooled, window=2):
    """A small image with its non-overlapping windows tinted, each value written in, next to
    its pooled maps.

    image: (H, W) with H and W multiples of ``window``; pooled: {title: (H/window, W/window)}.
    """
    fig, axes = plt.subplots(1, 1 + len(pooled), figsize=(2.7 * (1 + len(pooled)), 2.9),
                             layout="constrained")
    rows, cols = image.shape[0] // window, image.shape[1] // window
    tiles = np.kron(np.arange(rows * cols).reshape(rows, cols), np.ones((window, window)))
    axes[0].imshow(tiles, cmap=ListedColormap(PALETTE[:rows * cols]), alpha=0.45)
    for (row, col), value in np.ndenumerate(image):
        axes[0].text(col, row, f"{value:g}", ha="center", va="center")
    axes[0].set_title(f"input, {rows * cols} {window}x{window} windows")
    axes[0].set_xticks([]), axes[0].set_yticks([])
    for ax, (title, values) in zip(axes[1:], pooled.items()):
        show_array(ax, values, title, annotate=True, fmt="{:g}")
    fig.suptitle(f"{window}x{window} pooling with stride {window}: one number per window")
    return fig


def plot_shift_changes(changes, shifts):
    """Grouped bars: the mean relative change each representation undergoes for each shift.

    changes: {representation: [change for each shift]}; shifts: the shifts, in pixels.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    width = 0.8 / len(changes)
    for index, (name, values) in enumerate(changes.items()):
        label = f"{name} (no change)" if max(values) == 0 else name
        offset = (index - (len(changes) - 1) / 2) * width
        ax.bar(np.arange(len(shifts)) + offset, values, width, label=label, color=PALETTE[index])
    ax.set_xticks(range(len(shifts)), [f"shift {s} px" for s in shifts])
    ax.set_ylabel("mean relative change")
    ax.set_title("How much a shift of the digit changes each representation")
    ax.legend(fontsize=8)
    return fig


def plot_downsampling(photo, maps):
    """A grey photo next to edge maps downsampled in different ways, the maps on one colour
    scale.

    photo: (H, W); maps: {title: (H', W') non-negative map}.
    """
    fig = show_grid([photo] + list(maps.values()), ["photo (grey)"] + list(maps), ncols=1 + len(maps),
                    size=2.8)
    fig.axes[0].images[0].set_cmap(IMAGE_CMAP)
    largest = max(float(values.max()) for values in maps.values())
    for ax in fig.axes[1:]:
        ax.images[0].set_clim(0, largest)
    return fig


def plot_tie_gradients(image, gradients):
    """An input with tied maxima and the gradient each convention sends back to it, every
    value written in.

    image: (H, W); gradients: {convention: (H, W) gradient}.
    """
    fig, axes = plt.subplots(1, 1 + len(gradients), figsize=(2.7 * (1 + len(gradients)), 2.9),
                             layout="constrained")
    show_array(axes[0], image, "input (ties)", annotate=True, fmt="{:g}")
    for ax, (title, gradient) in zip(axes[1:], gradients.items()):
        show_array(ax, gradient, title, annotate=True, fmt="{:.2g}")
    fig.suptitle("Max pooling backward with upstream gradient 1 per window")
    return fig
