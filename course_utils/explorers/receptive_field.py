"""Explorer: pick one output cell of a stack of layers and see which cells of every layer
below it can reach it, down to the input.

``compute`` walks down the stack with :func:`course_utils.receptive_field.positions_seen`
(exact: cut by the border, with the holes dilation leaves) and compares with the recurrence's
region (:func:`course_utils.receptive_field.input_region`). ``draw`` shows one panel per
layer, ``readout`` states every region as rows a..b, cols c..d and its size.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from course_utils.plotting import PALETTE
from course_utils.receptive_field import input_region, layer_sizes, positions_seen, receptive_field


def conv(kernel_size, stride=1, padding=0, dilation=1):
    """A layer's geometry as the dict :mod:`course_utils.receptive_field` reads."""
    return dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)


#: name -> (input size, [(layer name, layer geometry), ...]); the stacks of the notebook.
STACKS = {
    "three 3x3 convs": (11, [("conv1 3x3", conv(3)), ("conv2 3x3", conv(3)),
                             ("conv3 3x3", conv(3))]),
    "one 5x5 conv": (9, [("conv 5x5", conv(5))]),
    "3x3 s2, 3x3 s2, 3x3 s1": (23, [("conv1 3x3 s2", conv(3, 2)), ("conv2 3x3 s2", conv(3, 2)),
                                    ("conv3 3x3 s1", conv(3))]),
    "3x3 dilations 1, 2, 4": (19, [("conv1 3x3 d1", conv(3)), ("conv2 3x3 d2", conv(3, dilation=2)),
                                   ("conv3 3x3 d4", conv(3, dilation=4))]),
    "3x3 dilations 2, 2 (holes)": (13, [("conv1 3x3 d2", conv(3, dilation=2)),
                                        ("conv2 3x3 d2", conv(3, dilation=2))]),
    "LeNet features": (28, [("conv1 5x5 p2", conv(5, padding=2)), ("pool1 2x2 s2", conv(2, 2)),
                            ("conv2 5x5 p2", conv(5, padding=2)), ("pool2 2x2 s2", conv(2, 2))]),
}


def output_size(stack):
    """Side of the last layer's (square) output for the stack named ``stack``."""
    input_size, named = STACKS[stack]
    return layer_sizes([layer for _, layer in named], input_size)[-1]


def compute(stack="three 3x3 convs", row=None, col=None):
    """Regions of output cell (``row``, ``col``) of the stack named ``stack`` in every layer.

    ``row``/``col`` default to the centre and are clamped to the output. Returns a dict:
    ``stack``, ``row``, ``col``, ``names`` (``"input"`` then the layers), ``sizes`` (side of
    each layer's map), ``rows``/``cols`` (per layer, the exact positions seen, sorted arrays),
    ``formula`` (per layer, the recurrence's region ``((row_first, row_last),
    (col_first, col_last))`` before the border cuts it) and ``table`` (the recurrence's
    size/jump/centre/first per layer, from :func:`course_utils.receptive_field.receptive_field`).
    """
    input_size, named = STACKS[stack]
    layers = [layer for _, layer in named]
    sizes = layer_sizes(layers, input_size)
    last = sizes[-1] - 1
    row = last // 2 if row is None else int(np.clip(row, 0, last))
    col = last // 2 if col is None else int(np.clip(col, 0, last))
    formula = [(input_region(layers[depth:], row), input_region(layers[depth:], col))
               for depth in range(len(layers) + 1)]
    return dict(stack=stack, row=row, col=col, names=["input"] + [name for name, _ in named],
                sizes=sizes, rows=positions_seen(layers, row, input_size),
                cols=positions_seen(layers, col, input_size), formula=formula,
                table=receptive_field(layers))


def describe_region(rows, cols):
    """``"rows 2..8, cols 3..9, 7x7"``, noting holes when some cells in the box are not seen."""
    text = f"rows {rows[0]}..{rows[-1]}, cols {cols[0]}..{cols[-1]}"
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    text += f", {height}x{width}"
    if len(rows) * len(cols) < height * width:
        text += f" with holes: {len(rows) * len(cols)} of its {height * width} cells are seen"
    return text


def readout(state):
    """The region of the chosen output cell in every layer, top layer first, in words."""
    sizes = state["sizes"]
    lines = [f"{state['stack']}: output cell (row {state['row']}, col {state['col']}) "
             f"of the {sizes[-1]}x{sizes[-1]} output."]
    for depth in reversed(range(len(sizes))):
        rows, cols = state["rows"][depth], state["cols"][depth]
        line = f"{state['names'][depth]} ({sizes[depth]}x{sizes[depth]}): {describe_region(rows, cols)}"
        (r0, r1), (c0, c1) = state["formula"][depth]
        if (r0, r1, c0, c1) != (rows[0], rows[-1], cols[0], cols[-1]):
            line += f"; the recurrence's {r1 - r0 + 1}x{c1 - c0 + 1} region is cut by the border"
        lines.append(line)
    top = state["table"][-1]
    lines.append(f"Recurrence for the whole stack: size {top['size']}, jump {top['jump']}.")
    return "\n".join(lines)


def draw(state):
    """One panel per layer, input on the left: the cells the chosen output sees are filled,
    the recurrence's region is outlined (dashed) and the chosen cell is orange."""
    sizes = state["sizes"]
    fig, axes = plt.subplots(1, len(sizes), figsize=(max(2.6 * len(sizes), 6.0), 3.4), squeeze=False,
                             layout="constrained")
    colours = ListedColormap(["#f2f2f2", PALETTE[0], PALETTE[1]])
    for depth, ax in enumerate(axes[0]):
        size = sizes[depth]
        cells = np.zeros((size, size))
        cells[np.ix_(state["rows"][depth], state["cols"][depth])] = 2 if depth == len(sizes) - 1 else 1
        ax.imshow(cells, cmap=colours, vmin=0, vmax=2)
        if size <= 32:
            ax.set_xticks(np.arange(-0.5, size, 1), minor=True)
            ax.set_yticks(np.arange(-0.5, size, 1), minor=True)
            ax.grid(which="minor", color="white", linewidth=0.6)
            ax.tick_params(which="minor", length=0)
        (r0, r1), (c0, c1) = state["formula"][depth]
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1, fill=False,
                               edgecolor=PALETTE[5], linestyle="--", linewidth=1.5, clip_on=True))
        ax.set_xlim(-0.5, size - 0.5)
        ax.set_ylim(size - 0.5, -0.5)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{state['names'][depth]}\n{size}x{size}")
    fig.suptitle(f"{state['stack']}: what output cell ({state['row']}, {state['col']}) sees\n"
                 "(filled: exact; dashed: recurrence)")
    return fig


def show(stack="three 3x3 convs", row=None, col=None):
    """The explorer: a dropdown for the stack, sliders for the output row and column
    (starting at ``row``, ``col``; the centre by default)."""
    import ipywidgets as widgets

    from course_utils.explorers._base import show_explorer

    state = compute(stack, row, col)
    last = state["sizes"][-1] - 1
    choose = widgets.Dropdown(options=list(STACKS), value=stack, description="stack")
    row = widgets.IntSlider(value=state["row"], min=0, max=last, description="output row")
    col = widgets.IntSlider(value=state["col"], min=0, max=last, description="output col")

    def resize(change):
        # Registered before show_explorer's own observers, so the sliders fit the new stack
        # before the figure is redrawn.
        new_last = output_size(change["new"]) - 1
        for slider in (row, col):
            slider.max = new_last
            slider.value = min(slider.value, new_last)

    choose.observe(resize, names="value")
    show_explorer("Receptive field explorer", dict(stack=choose, row=row, col=col),
                  compute, draw, readout)
