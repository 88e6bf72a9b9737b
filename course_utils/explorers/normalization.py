"""Explorer: which elements of an (N, C, H, W) tensor share one mean and variance?

Pick a normalization (batch, layer, instance or group) and one element; the figure draws the
tensor as N rows (samples) of C small H x W grids (channels) and highlights every element whose
mean and variance are computed together with the chosen one. The readout states the shape of the
statistics, how many elements share each, and the shape of the learnable gamma and beta.

The axes averaged over (as in Wu and He, "Group Normalization", 2018, figure 2):

- batch norm (``BatchNorm2d``):    (N, H, W) for each channel;
- layer norm (``LayerNorm([C, H, W])``): (C, H, W) for each sample;
- instance norm (``InstanceNorm2d``):    (H, W) for each sample and channel;
- group norm (``GroupNorm(G, C)``): (C / G channels of one group, H, W) for each sample and group.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from course_utils.plotting import PALETTE

NORMS = ("batch", "layer", "instance", "group")
NAMES = {"batch": "Batch norm", "layer": "Layer norm", "instance": "Instance norm",
         "group": "Group norm"}
SHAPE = (3, 6, 4, 4)  # (N, C, H, W) drawn by default: small enough to see every element

_COLOURS = ["#E8E8E8", PALETTE[1], PALETTE[0]]  # other elements, sharing elements, chosen one


def group_divisors(channels):
    """The group counts GroupNorm accepts for ``channels`` channels: the divisors of C."""
    return [g for g in range(1, channels + 1) if channels % g == 0]


def _check(norm, shape, groups, element):
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    if len(shape) != 4:
        raise ValueError(f"shape must be (N, C, H, W), got {shape}")
    if norm == "group" and shape[1] % groups != 0:
        raise ValueError(f"num_groups={groups} must divide the C={shape[1]} channels; "
                         f"choose one of {group_divisors(shape[1])}")
    if element is not None and not all(0 <= i < s for i, s in zip(element, shape)):
        raise ValueError(f"element {tuple(element)} lies outside a tensor of shape {tuple(shape)}")


def statistic_shape(norm, shape, groups=1):
    """Shape of the mean (and of the variance), keeping reduced axes as 1 where PyTorch would.

    batch (1, C, 1, 1); layer (N, 1, 1, 1); instance (N, C, 1, 1); group (N, G): one mean per
    sample and group (PyTorch computes it on the input reshaped to (N, G, C/G * H * W)).
    """
    _check(norm, shape, groups, None)
    n, c, _, _ = shape
    return {"batch": (1, c, 1, 1), "layer": (n, 1, 1, 1), "instance": (n, c, 1, 1),
            "group": (n, groups)}[norm]


def parameter_shape(norm, shape):
    """Shape of gamma and beta with PyTorch's affine parameters switched on.

    Per channel (C,) for batch, instance and group norm; ``LayerNorm([C, H, W])`` has one gamma
    and beta per element of a sample, (C, H, W). (``InstanceNorm2d`` has none unless
    ``affine=True``.)
    """
    _, c, h, w = shape
    return (c, h, w) if norm == "layer" else (c,)


def sharing_mask(norm, shape, element, groups=1):
    """Boolean array of ``shape``: True where an element shares the mean and variance of ``element``.

    ``element`` is an index (n, c, h, w). Computed from the definition: two elements share their
    statistics when they agree on every axis that is *not* averaged over (and, for group norm,
    their channels fall in the same group).
    """
    _check(norm, shape, groups, element)
    n, c, _, _ = element
    N, C, H, W = shape
    sample = np.arange(N)[:, None, None, None] == n
    channel = np.arange(C)[None, :, None, None] == c
    if norm == "batch":
        mask = channel
    elif norm == "layer":
        mask = sample
    elif norm == "instance":
        mask = sample & channel
    else:
        per_group = C // groups
        same_group = np.arange(C)[None, :, None, None] // per_group == c // per_group
        mask = sample & same_group
    return np.broadcast_to(mask, shape).copy()


def compute(norm="batch", groups=2, n=0, c=0, h=0, w=0, shape=SHAPE):
    """State of the explorer for one choice of normalization and element (plain data)."""
    shape = tuple(int(s) for s in shape)
    element = (int(n), int(c), int(h), int(w))
    groups = int(groups) if norm == "group" else 1
    mask = sharing_mask(norm, shape, element, groups)
    stat = statistic_shape(norm, shape, groups)
    return {
        "norm": norm, "groups": groups, "shape": shape, "element": element, "mask": mask,
        "sharing": int(mask.sum()), "statistic_shape": stat,
        "statistics": int(np.prod(stat)), "parameter_shape": parameter_shape(norm, shape),
        "same_in_train_and_eval": norm != "batch",
    }


def _mosaic(state):
    """One image of the whole tensor: N rows of C grids, one blank row/column between grids."""
    N, C, H, W = state["shape"]
    codes = state["mask"].astype(float)
    codes[state["element"]] = 2
    image = np.full((N * (H + 1) - 1, C * (W + 1) - 1), np.nan)
    for n in range(N):
        for c in range(C):
            image[n * (H + 1):n * (H + 1) + H, c * (W + 1):c * (W + 1) + W] = codes[n, c]
    return image


def draw(state):
    """Figure: the tensor as N rows of C channel grids, sharing elements highlighted."""
    N, C, H, W = state["shape"]
    fig, ax = plt.subplots(figsize=(1.0 + 0.95 * C, 0.9 + 0.95 * N))
    cmap = ListedColormap(_COLOURS).with_extremes(bad="white")
    ax.imshow(_mosaic(state), cmap=cmap, vmin=-0.5, vmax=2.5)
    for n in range(N):  # thin lines between the pixels of every grid
        for c in range(C):
            top, left = n * (H + 1) - 0.5, c * (W + 1) - 0.5
            for k in range(H + 1):
                ax.plot([left, left + W], [top + k, top + k], color="white", lw=0.8)
            for k in range(W + 1):
                ax.plot([left + k, left + k], [top, top + H], color="white", lw=0.8)
    ax.set_xticks([c * (W + 1) + (W - 1) / 2 for c in range(C)], [f"c={c}" for c in range(C)])
    ax.set_yticks([n * (H + 1) + (H - 1) / 2 for n in range(N)], [f"n={n}" for n in range(N)])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("channels (each grid is H x W)")
    ax.set_ylabel("samples in the batch")
    title = NAMES[state["norm"]]
    if state["norm"] == "group":
        title += f" (G = {state['groups']})"
    ax.set_title(f"{title}: elements sharing the mean and variance of {state['element']}")
    ax.legend(handles=[Patch(color=_COLOURS[2], label="chosen element"),
                       Patch(color=_COLOURS[1], label="shares its statistics"),
                       Patch(color=_COLOURS[0], label="other statistics")],
              loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.05 * (3 - min(N, 3))),
              ncol=3, frameon=False)
    fig.tight_layout()
    return fig


_AXES = {"batch": "every sample and position of channel {c}",
         "layer": "every channel and position of sample {n}",
         "instance": "every position of channel {c} in sample {n}",
         "group": "every position of channels {first}-{last} (group {g}) in sample {n}"}


def readout(state):
    """The numbers on screen, in words (deterministic text)."""
    N, C, H, W = state["shape"]
    n, c, h, w = state["element"]
    norm, groups = state["norm"], state["groups"]
    per_group = C // groups
    g = c // per_group
    where = _AXES[norm].format(n=n, c=c, g=g, first=g * per_group, last=(g + 1) * per_group - 1)
    name = NAMES[norm] + (f" with G = {groups} groups" if norm == "group" else "")
    lines = [
        f"{name} on a tensor of shape (N, C, H, W) = {state['shape']}.",
        f"Element (n={n}, c={c}, h={h}, w={w}) shares its mean and variance with "
        f"{state['sharing'] - 1} other elements ({state['sharing']} in all): {where}.",
        f"Statistics: {state['statistics']} means and {state['statistics']} variances, "
        f"shape {state['statistic_shape']}.",
        f"Learnable gamma and beta: shape {state['parameter_shape']}.",
        "Same at training and test time: "
        + ("yes." if state["same_in_train_and_eval"]
           else "no (training uses the batch, evaluation the running averages)."),
    ]
    return "\n".join(lines)


def show(norm="batch", groups=2, n=0, c=2, h=1, w=2, shape=SHAPE):
    """Display the explorer: a normalization dropdown, a groups slider and n, c, h, w sliders."""
    import ipywidgets as widgets

    from course_utils.explorers._base import show_explorer

    N, C, H, W = shape
    style = {"description_width": "initial"}
    controls = {
        "norm": widgets.Dropdown(options=[(NAMES[k], k) for k in NORMS], value=norm,
                                 description="normalization", style=style),
        "groups": widgets.SelectionSlider(options=group_divisors(C), value=groups,
                                          description="groups G", style=style),
        "n": widgets.IntSlider(value=n, min=0, max=N - 1, description="sample n", style=style),
        "c": widgets.IntSlider(value=c, min=0, max=C - 1, description="channel c", style=style),
        "h": widgets.IntSlider(value=h, min=0, max=H - 1, description="row h", style=style),
        "w": widgets.IntSlider(value=w, min=0, max=W - 1, description="column w", style=style),
    }
    show_explorer("Which elements share a mean and variance?", controls,
                  lambda **values: compute(shape=shape, **values), draw, readout)
