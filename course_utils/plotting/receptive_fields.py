"""The longer figures of notebook 04 (receptive fields), named for what they draw.

Each function draws one figure in the course style and returns it; the notebook calls it and
then ``plt.show()``.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from . import PALETTE, show_array


def plot_field_growth(depths, sizes):
    """Receptive field against depth on a log scale, one line per family of stacks.

    depths: the numbers of layers; sizes: {family name: [field after each depth]}.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (name, values), marker in zip(sizes.items(), "os^D"):
        ax.plot(depths, values, marker=marker, label=name)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("number of layers L")
    ax.set_ylabel("receptive field (pixels, log scale)")
    ax.set_title("Receptive field against depth")
    ax.legend()
    return fig


def _outline(ax, rows, cols, colour=PALETTE[1], **style):
    """A rectangle around input rows ``rows`` and columns ``cols`` (inclusive pairs)."""
    ax.add_patch(Rectangle((cols[0] - 0.5, rows[0] - 0.5), cols[1] - cols[0] + 1,
                           rows[1] - rows[0] + 1, fill=False, edgecolor=colour, **style))


def plot_gradient_regions(digit, real, wired, rows, cols, cell):
    """The digit, the gradient of one output in the real network and in its wiring copy,
    each with the recurrence's region outlined.

    digit, real, wired: (H, W) arrays; rows, cols: the region's (first, last) input rows and
    columns; cell: the output's (row, col), for the titles.
    """
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3), layout="constrained")
    show_array(axes[0], digit, f"digit, region of output {cell}", cmap="gray")
    show_array(axes[1], real, "|gradient|, real LeNet")
    show_array(axes[2], wired, "|gradient|, wiring copy")
    for ax in axes:
        _outline(ax, rows, cols, linewidth=2)
    fig.suptitle("Which input pixels one LeNet output depends on (orange: the recurrence's region)")
    return fig


def plot_effective_field(erf, profile, gaussian, field, sigma, centre, depth):
    """The effective receptive field as a map, with the theoretical field dashed, and its
    profile against a Gaussian of the same width.

    erf: (H, W) map summing to 1; profile: (W,) its columns summed; gaussian: (W,) the
    Gaussian of standard deviation ``sigma``; field: the theoretical field's side; centre: the
    index of the output's position in the input; depth: the stack's depth, for the title.
    """
    half = (field - 1) // 2
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    image = show_array(axes[0], erf, f"effective receptive field, depth {depth}")
    fig.colorbar(image, ax=axes[0], shrink=0.8, location="left", label="share of |gradient|")
    _outline(axes[0], (centre - half, centre + half), (centre - half, centre + half),
             linewidth=1.5, linestyle="--")
    positions = range(len(profile))
    axes[1].bar(positions, profile, color=PALETTE[0], label="profile (columns summed)")
    axes[1].plot(positions, gaussian, color=PALETTE[5], label=f"Gaussian, sigma {sigma:.1f}")
    axes[1].axvspan(centre - half - 0.5, centre + half + 0.5, color=PALETTE[1], alpha=0.15,
                    label=f"theoretical field ({field} px)")
    axes[1].set_xlabel("input column")
    axes[1].set_ylabel("share of |gradient|")
    axes[1].set_title("its profile")
    axes[1].legend(fontsize=8)
    return fig
