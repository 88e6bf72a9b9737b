"""Explorer: look inside the trained LeNet, one test digit and one layer at a time.

Controls: which of the first 200 bundled test digits to feed in, and which layer's output to
look at (the two conv -> ReLU -> max-pool stages). The figure shows the digit, the first 20
feature maps of the chosen layer on one shared colour scale (the most active one framed), and
the softmax probabilities of the 10 classes with the true class marked; the readout states the
label and the prediction, the layer's output shape and its most active channel.

The network is the trained NumPy LeNet of notebook 07 (``course_utils.pretrained``), run one
child of its ``Sequential`` at a time, so every layer's output can be read off on the way.
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from course_utils.functional import softmax
from course_utils.plotting import HEAT_CMAP, IMAGE_CMAP, PALETTE, SIGNED_CMAP, show_array

#: The layers one can look at: name shown in the dropdown -> index in the network.
LAYERS = {"conv 1": 0, "ReLU 1": 1, "max-pool 1": 2, "conv 2": 3, "ReLU 2": 4, "max-pool 2": 5}
#: The slider runs over this many test digits (the first ones of the bundled test set).
DIGITS = 200
#: At most this many feature maps are drawn (the first ones).
MAX_MAPS = 20


@lru_cache(maxsize=1)
def trained_network():
    """The trained NumPy LeNet in evaluation mode, loaded (checksum verified) once."""
    from course_utils.pretrained import load_trained_lenet

    return load_trained_lenet()


@lru_cache(maxsize=1)
def test_digits():
    """The first :data:`DIGITS` bundled test digits: images float32 (N, 1, 28, 28) in [0, 1],
    labels int64 (N,)."""
    from course_utils.data import load_mnist_tensors

    images, labels = load_mnist_tensors(train=False)
    return images[:DIGITS].numpy(), labels[:DIGITS].numpy()


def compute(digit=0, layer="conv 1"):
    """Run test digit number ``digit`` through the trained LeNet and keep ``layer``'s output.

    Returns a dict with the controls, ``index`` (the layer's index in the network), ``image``
    (28, 28), ``label``, ``activations`` (C, H, W) of the chosen layer, ``channel_means`` (C,)
    (each channel's mean over its H x W positions), ``top_channel`` (the channel with the
    largest mean), ``logits`` (10,), ``probabilities`` (10,), the softmax of the logits, and
    ``predicted`` (the class with the largest probability).
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {list(LAYERS)}, got {layer!r}")
    images, labels = test_digits()
    if not 0 <= digit < len(images):
        raise ValueError(f"digit must be an index from 0 to {len(images) - 1}, got {digit}")
    index = LAYERS[layer]
    x = images[digit:digit + 1]                      # (1, 1, 28, 28)
    for position, child in enumerate(trained_network()):
        x = child(x)
        if position == index:
            activations = x[0]                       # (C, H, W)
    logits = x[0]                                    # (10,)
    probabilities = softmax(logits.astype(np.float64), dim=0)
    channel_means = activations.mean(axis=(1, 2))
    return dict(
        digit=digit, layer=layer, index=index, image=images[digit, 0], label=int(labels[digit]),
        activations=activations, channel_means=channel_means,
        top_channel=int(channel_means.argmax()), logits=logits, probabilities=probabilities,
        predicted=int(probabilities.argmax()),
    )


def readout(state):
    """Label and prediction, the layer's output shape, and its most active channel."""
    channels, height, width = state["activations"].shape
    predicted, label = state["predicted"], state["label"]
    verdict = "correct" if predicted == label else "wrong"
    top = state["top_channel"]
    return "\n".join([
        f"Test digit {state['digit']}: true label {label}, predicted {predicted} with probability "
        f"{state['probabilities'][predicted]:.3f} ({verdict}).",
        f"{state['layer']} (layer {state['index']} of the network): output {channels} x {height} "
        f"x {width} = {channels * height * width:,} values; the figure shows channels 0 to "
        f"{min(channels, MAX_MAPS) - 1}.",
        f"Most active channel: {top}, mean activation {state['channel_means'][top]:.3f} over its "
        f"{height} x {width} map.",
    ])


def mosaic(maps, ncols=5):
    """Feature maps (K, H, W) tiled row by row into one array, ``ncols`` maps per row, with
    NaN gaps between them (taller above each map, where its channel number goes).

    Returns the mosaic (rows * (H + gap_h), ncols * (W + gap_w)) and the (row, col) of each
    map's top-left pixel. One image instead of K small axes keeps the widget quick to redraw.
    """
    count, height, width = maps.shape
    gap_h, gap_w = height // 4 + 2, width // 10 + 1
    nrows = -(-count // ncols)
    tiles = np.full((nrows * (height + gap_h), ncols * (width + gap_w)), np.nan)
    corners = []
    for channel, array in enumerate(maps):
        row = (channel // ncols) * (height + gap_h) + gap_h
        col = (channel % ncols) * (width + gap_w)
        tiles[row:row + height, col:col + width] = array
        corners.append((row, col))
    return tiles, corners


def _draw_maps(ax, state):
    """The first feature maps as one mosaic on a shared colour scale (signed for conv
    outputs), each numbered, the most active channel framed; returns the image."""
    maps = state["activations"][:MAX_MAPS]
    channels, height, width = state["activations"].shape
    signed = bool((state["activations"] < 0).any())
    tiles, corners = mosaic(maps)
    image = show_array(ax, tiles, cmap=SIGNED_CMAP if signed else HEAT_CMAP)
    image.set_cmap(plt.get_cmap(image.get_cmap()).with_extremes(bad="white"))
    limit = float(np.abs(maps).max()) or 1.0
    image.set_clim(-limit if signed else 0.0, limit)
    for channel, (row, col) in enumerate(corners):
        top = channel == state["top_channel"]
        ax.text(col + width / 2 - 0.5, row - 1, f"ch {channel}", ha="center", va="bottom",
                fontsize=8, color=PALETTE[2] if top else "black",
                fontweight="bold" if top else "normal")
        if top:
            ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False,
                                   edgecolor=PALETTE[2], linewidth=2.5))
    for spine in ax.spines.values():
        spine.set_visible(False)
    colours = "purple +, orange -, white 0" if signed else "brighter = larger"
    top = state["top_channel"]
    framed = "framed" if top < len(maps) else "not shown"
    ax.set_title(f"{state['layer']}: channels 0-{len(maps) - 1} of {channels}, {height} x {width} "
                 f"each ({colours})\nmost active channel: {top} ({framed})")
    return image


def _draw_probabilities(ax, state):
    """Bar chart of the 10 class probabilities, the prediction in blue, the true class marked."""
    probabilities, predicted, label = state["probabilities"], state["predicted"], state["label"]
    colours = [PALETTE[0] if k == predicted else "#BBBBBB" for k in range(10)]
    ax.bar(range(10), probabilities, color=colours)
    ax.plot(label, probabilities[label] + 0.06, "v", color=PALETTE[5], markersize=9)
    # The legend goes on the side away from the predicted class, the only bar that can be tall.
    corner = "upper right" if predicted < 5 else "upper left"
    ax.legend(handles=[Patch(color=PALETTE[0], label=f"predicted class ({predicted})"),
                       Line2D([], [], marker="v", color=PALETTE[5], linestyle="",
                              label=f"true class ({label})")],
              loc=corner, fontsize=8, framealpha=0.8)
    ax.set(title=f"Softmax probabilities\npredicted {predicted} ({probabilities[predicted]:.3f})",
           xlabel="class", ylabel="probability", xticks=range(10), ylim=(0, 1.18))


def draw(state):
    """The digit, the chosen layer's first feature maps, and the class probabilities."""
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 5.0), layout="constrained",
                             gridspec_kw=dict(width_ratios=[1.0, 2.2, 1.5]))
    show_array(axes[0], state["image"], f"test digit {state['digit']}\ntrue label {state['label']}",
               cmap=IMAGE_CMAP)
    axes[0].set_xlabel("28 x 28 pixels")
    image = _draw_maps(axes[1], state)
    fig.colorbar(image, ax=axes[1], shrink=0.8, label="activation")
    fig.get_layout_engine().set(wspace=0.08)
    _draw_probabilities(axes[2], state)
    fig.suptitle(f"Inside the trained LeNet: {state['layer']} for test digit {state['digit']}",
                 fontweight="bold")
    return fig


def show(digit=0, layer="conv 1"):
    """The explorer: a slider for the test digit, a dropdown for the layer."""
    import ipywidgets as widgets

    from course_utils.explorers._base import show_explorer

    style = {"description_width": "initial"}
    controls = dict(
        digit=widgets.IntSlider(value=digit, min=0, max=DIGITS - 1, description="test digit",
                                style=style),
        layer=widgets.Dropdown(options=list(LAYERS), value=layer, description="layer",
                               style=style),
    )
    show_explorer("Inside the trained LeNet", controls, compute, draw, readout)
