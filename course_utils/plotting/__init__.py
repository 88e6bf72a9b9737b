"""The course's one figure style, and (in the modules of this package, one per notebook topic)
the longer figures the notebooks draw, named for what they draw.

Colour choices stay readable in grey and for colour-blind students:

- images (digits, photos): ``IMAGE_CMAP`` ("gray");
- non-negative quantities (activations, gradient magnitudes): ``HEAT_CMAP`` ("cividis",
  designed for colour-vision deficiency and monotone in lightness);
- signed quantities (weights, filters, gradients): ``SIGNED_CMAP`` ("PuOr"), always drawn
  with limits symmetric about zero so white means zero;
- categories (lines, highlights): ``PALETTE``, the Okabe-Ito palette.
"""

import matplotlib.pyplot as plt
import numpy as np

IMAGE_CMAP = "gray"
HEAT_CMAP = "cividis"
SIGNED_CMAP = "PuOr"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def use_course_style():
    """Apply the course's matplotlib defaults (a fixed size and dpi, so outputs are
    reproducible); in a notebook, figures are also drawn at twice the resolution ("retina"), so
    that they stay sharp on high-resolution screens."""
    plt.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "axes.prop_cycle": plt.cycler(color=PALETTE),
        "axes.grid": False,
        "axes.titlesize": "medium",
        "image.interpolation": "nearest",
    })
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:             # no notebook here: nothing to set
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def show_array(ax, array, title="", signed=None, cmap=None, annotate=False, fmt="{:.2g}"):
    """Draw a 2-D ``array`` (H, W) on ``ax`` in the course style and return the image.

    ``signed=None`` picks SIGNED_CMAP when the array has negative values, HEAT_CMAP otherwise;
    ``annotate=True`` writes every value in its cell (for arrays up to about 10x10).
    """
    array = np.asarray(array)
    if signed is None:
        signed = bool((array < 0).any())
    if cmap is None:
        cmap = SIGNED_CMAP if signed else HEAT_CMAP
    limit = float(np.abs(array).max()) or 1.0
    limits = dict(vmin=-limit, vmax=limit) if signed else {}
    image = ax.imshow(array, cmap=cmap, **limits)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    if annotate:
        middle = (array.max() + array.min()) / 2
        for (row, col), value in np.ndenumerate(array):
            dark = (abs(value) > limit / 2) if signed else (value < middle)
            ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=8,
                    color="white" if dark and cmap != IMAGE_CMAP else "black")
    return image


def show_grid(arrays, titles=None, ncols=8, cmap=None, suptitle="", size=1.4, signed=None):
    """Draw several 2-D arrays side by side (filters, feature maps, digits); returns the figure.

    ``arrays``: a sequence of (H, W) arrays or an array of shape (K, H, W).
    """
    arrays = list(arrays)
    ncols = min(ncols, len(arrays))
    nrows = int(np.ceil(len(arrays) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.35) * nrows + 0.5), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index < len(arrays):
            title = titles[index] if titles is not None else ""
            show_array(ax, arrays[index], title=title, cmap=cmap, signed=signed)
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
