"""Explorer: where does a kernel go, and how big is the output?

Controls: input size, kernel size, stride, padding and dilation (the same along both axes).
The figure shows, along one axis, every placement of the (dilated) kernel over the padded
input; then, in 2-D, how many placements cover each input cell (cells nobody covers are
flagged); and the output grid. The readout states the output-size formula with these numbers,
whether the stride divides it evenly, and what PyTorch's floor throws away when it does not.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_utils.explorers._base import show_explorer
from course_utils.plotting import HEAT_CMAP, PALETTE
from course_utils.shapes import conv_output_size

PADDING_GREY = "#d9d9d9"


def compute(size=7, kernel_size=3, stride=1, padding=0, dilation=1):
    """The arithmetic of one configuration, as plain data.

    Returns a dict with the controls and:
    ``span``: input positions one dilated kernel covers, ``dilation * (kernel_size - 1) + 1``;
    ``padded``: ``size + 2 * padding``; ``fits``: whether the kernel fits at least once;
    ``exact``: ``(padded - span) / stride + 1`` before rounding; ``divides``: whether it is whole;
    ``output``: PyTorch's (floored) output size (0 if the kernel does not fit);
    ``starts``: the first padded position of every placement;
    ``coverage``: (padded,) how many placements read each padded position along one axis;
    ``uncovered``: padded positions no placement reads; ``uncovered_input``: those that are
    real input (not padding), i.e. pixels the layer ignores.
    """
    span = dilation * (kernel_size - 1) + 1
    padded = size + 2 * padding
    fits = span <= padded
    output = conv_output_size(size, kernel_size, stride, padding, dilation) if fits else 0
    starts = [index * stride for index in range(output)]
    coverage = np.zeros(padded, dtype=int)
    for start in starts:
        coverage[start : start + span : dilation] += 1
    uncovered = [int(p) for p in np.flatnonzero(coverage == 0)]
    return dict(size=size, kernel_size=kernel_size, stride=stride, padding=padding,
                dilation=dilation, span=span, padded=padded, fits=fits,
                exact=(padded - span) / stride + 1, divides=(padded - span) % stride == 0,
                output=output, starts=starts, coverage=coverage, uncovered=uncovered,
                uncovered_input=[p for p in uncovered if padding <= p < padding + size])


def _count(number, noun):
    return f"{number} {noun}" + ("" if number == 1 else "s")


def readout(state):
    """The formula with these numbers, and what the floor does, in words."""
    s = state
    setting = (f"Input {s['size']}, kernel {s['kernel_size']}, stride {s['stride']}, "
               f"padding {s['padding']}, dilation {s['dilation']}: ")
    if not s["fits"]:
        return setting + (f"the kernel covers {_count(s['span'], 'position')} but the padded "
                          f"input has only {s['padded']}, so it does not fit anywhere "
                          "(PyTorch raises an error).")
    text = setting + (f"the kernel covers {_count(s['span'], 'position')} of the padded input "
                      f"of {s['padded']}. ({s['padded']} - {s['span']}) / {s['stride']} + 1 = "
                      f"{s['exact']:.2f}. ")
    if s["divides"]:
        text += "The stride divides evenly. "
    else:
        text += f"Not a whole number: it does not divide, and PyTorch floors it to {s['output']}. "
    text += f"Output {s['output']}x{s['output']} ({_count(s['output'] ** 2, 'placement')})."
    padding_unread = [p for p in s["uncovered"] if p not in s["uncovered_input"]]
    if s["uncovered_input"]:
        text += (f" {_count(len(s['uncovered_input']), 'input row')} (and as many columns) "
                 f"never read: padded positions {s['uncovered_input']}.")
    if padding_unread:
        text += f" Padding never read: padded positions {padding_unread}."
    if not s["uncovered"]:
        text += " Every position of the padded input is read at least once."
    return text


def draw(state):
    """Placements along one axis, coverage in 2-D, and the output grid."""
    s = state
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.4), gridspec_kw=dict(width_ratios=[4, 3, 2]))
    _draw_placements(axes[0], s)
    _draw_coverage(axes[1], s)
    _draw_output(axes[2], s)
    verdict = ("does not fit" if not s["fits"] else
               "divides evenly" if s["divides"] else f"does not divide: floored to {s['output']}")
    fig.suptitle(f"W={s['size']}, K={s['kernel_size']}, S={s['stride']}, P={s['padding']}, "
                 f"D={s['dilation']}: {verdict}")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def _cell(ax, x, y, colour, edge="black", hatch=None):
    ax.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, edgecolor=edge, linewidth=0.8,
                           hatch=hatch))


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _draw_placements(ax, s):
    """Top row: the padded input along one axis; below it, one row per kernel placement."""
    for p in range(s["padded"]):
        is_padding = not s["padding"] <= p < s["padding"] + s["size"]
        hatch = "//" if p in s["uncovered"] else None
        _cell(ax, p, 0, PADDING_GREY if is_padding else "white", hatch=hatch)
        ax.text(p + 0.5, 0.5, "pad" if is_padding else str(p - s["padding"]), ha="center",
                va="center", fontsize=7, backgroundcolor="white" if hatch else "none")
    for index, start in enumerate(s["starts"]):
        for tap in range(s["kernel_size"]):
            _cell(ax, start + tap * s["dilation"], index + 1.4, PALETTE[0])
    ax.set_xlim(-0.2, s["padded"] + 0.2)
    ax.set_ylim(len(s["starts"]) + 1.6, -0.2)
    ax.set_aspect("equal")
    _bare(ax)
    ax.set_yticks([0.5] + [r + 1.9 for r in range(len(s["starts"]))])
    ax.set_yticklabels(["input"] + [f"out {r}" for r in range(len(s["starts"]))], fontsize=7)
    ax.tick_params(left=False)
    ax.set_title("kernel placements along one axis\n(grey: padding; blue: taps; hatched: never read)")


def _draw_coverage(ax, s):
    """How many placements read each padded cell (2-D: the product of the two axes)."""
    coverage = np.outer(s["coverage"], s["coverage"])
    n = s["padded"]
    ax.imshow(coverage, cmap=HEAT_CMAP, vmin=0, extent=(0, n, n, 0))
    if n <= 12:
        for (i, j), count in np.ndenumerate(coverage):
            ax.text(j + 0.5, i + 0.5, str(count), ha="center", va="center", fontsize=7,
                    color="white" if count < coverage.max() / 2 else "black")
    if s["padding"]:
        ax.add_patch(Rectangle((s["padding"], s["padding"]), s["size"], s["size"], fill=False,
                               edgecolor=PALETTE[1], linewidth=2.5))
    for p in s["uncovered"]:
        for xy, width, height in (((p, 0), 1, n), ((0, p), n, 1)):
            ax.add_patch(Rectangle(xy, width, height, fill=False, edgecolor=PALETTE[5],
                                   linewidth=1, hatch="//"))
    _bare(ax)
    box = "orange box: the input; " if s["padding"] else ""
    ax.set_title(f"placements reading each cell\n({box}hatched: never read)")


def _draw_output(ax, s):
    for i in range(s["output"]):
        for j in range(s["output"]):
            _cell(ax, j, i, PALETTE[4])
    extent = max(s["output"], 1)
    ax.set_xlim(-0.2, extent + 0.2)
    ax.set_ylim(extent + 0.2, -0.2)
    ax.set_aspect("equal")
    _bare(ax)
    ax.set_title(f"output {s['output']}x{s['output']}")


def show(size=7, kernel_size=3, stride=1, padding=0, dilation=1):
    """The explorer: sliders for input size, kernel size, stride, padding and dilation."""
    import ipywidgets as widgets

    def slider(value, low, high, description):
        return widgets.IntSlider(value=value, min=low, max=high, description=description)

    controls = dict(size=slider(size, 1, 16, "input size"),
                    kernel_size=slider(kernel_size, 1, 7, "kernel"),
                    stride=slider(stride, 1, 4, "stride"),
                    padding=slider(padding, 0, 3, "padding"),
                    dilation=slider(dilation, 1, 3, "dilation"))
    show_explorer("Convolution arithmetic: placements and output size", controls, compute, draw,
                  readout)
