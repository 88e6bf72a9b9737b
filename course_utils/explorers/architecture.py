"""Explorer: pick an architecture and one of its stages, and see what the stage outputs, what it
costs and what it sees, against the whole network stage by stage.

``compute`` reads the stage table of :mod:`course_utils.architectures` (the course's shape,
parameter, multiply-add and receptive-field calculators; the tests check it against
torchvision); ``draw`` shows each stage's share of the parameters and of the multiply-adds,
the chosen stage highlighted; ``readout`` states the chosen stage's numbers and the breakdown
by stage.
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils import architectures
from course_utils.plotting import PALETTE

#: The architectures the explorer offers (the notebook's four).
NAMES = tuple(architectures.ARCHITECTURES)


def stage_count(architecture):
    """How many stages the architecture called ``architecture`` has."""
    return len(architectures.get(architecture).stages)


def compute(architecture="VGG-16", stage=1):
    """The stage table of ``architecture`` and the chosen ``stage`` (numbered from 1, clamped to
    the stages). Returns a dict: ``architecture``, ``stage`` (its number), ``input_shape``,
    ``rows`` (one dict per stage, as :func:`course_utils.architectures.stage_table`, plus
    ``parameter_share`` and ``multiply_add_share``, fractions of the totals), ``selected`` (the
    chosen stage's row) and ``totals``."""
    described = architectures.get(architecture)
    rows = architectures.stage_table(described)
    totals = architectures.totals(rows)
    stage = int(np.clip(stage, 1, len(rows)))
    for row in rows:
        row["parameter_share"] = row["parameters"] / totals["parameters"]
        row["multiply_add_share"] = row["multiply_adds"] / totals["multiply_adds"]
    return dict(architecture=architecture, stage=stage, input_shape=described.input_shape,
                rows=rows, selected=rows[stage - 1], totals=totals)


def shape_text(shape):
    """``(256, 28, 28)`` -> ``"256 x 28 x 28"``; ``(4096,)`` -> ``"4096"``."""
    return " x ".join(str(n) for n in shape)


def field_text(row):
    if row["receptive_field"] is None:
        return "the whole image"
    return f"{row['receptive_field']} px (jump {row['jump']})"


def readout(state):
    """The chosen stage's output, parameters, multiply-adds and receptive field, then every
    stage's share of the totals, in words."""
    row, totals = state["selected"], state["totals"]
    rows = state["rows"]
    lines = [f"{state['architecture']} on a {shape_text(state['input_shape'])} image, stage "
             f"{state['stage']} of {len(rows)}: {row['stage']}.",
             f"Output {shape_text(row['output_shape'])}; {row['parameters']:,} parameters "
             f"({row['parameter_share']:.1%} of {totals['parameters']:,}); "
             f"{row['multiply_adds']:,} multiply-adds ({row['multiply_add_share']:.1%} of "
             f"{totals['multiply_adds']:,}); receptive field {field_text(row)}.",
             "By stage (output; share of parameters; share of multiply-adds):"]
    for number, other in enumerate(rows, start=1):
        mark = ">" if number == state["stage"] else " "
        lines.append(f"{mark} {other['stage']:<14} {shape_text(other['output_shape']):<16} "
                     f"{other['parameter_share']:>6.1%} {other['multiply_add_share']:>6.1%}")
    return "\n".join(lines)


def draw(state):
    """Two bar charts, one bar per stage: share of the parameters, share of the multiply-adds;
    the chosen stage in orange."""
    rows = state["rows"]
    names = [row["stage"] for row in rows]
    colours = [PALETTE[1] if number == state["stage"] else PALETTE[0]
               for number in range(1, len(rows) + 1)]
    positions = np.arange(len(rows))
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 0.32 * len(rows) + 1.8), sharey=True,
                             layout="constrained")
    for ax, key, title in ((axes[0], "parameter_share", "share of the parameters"),
                           (axes[1], "multiply_add_share", "share of the multiply-adds")):
        shares = [100 * row[key] for row in rows]
        ax.barh(positions, shares, color=colours)
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of the network's total")
        ax.set_title(title)
    axes[0].set_yticks(positions, names)
    axes[0].invert_yaxis()
    row = state["selected"]
    fig.suptitle(f"{state['architecture']}: {row['stage']} outputs "
                 f"{shape_text(row['output_shape'])}, receptive field {field_text(row)}")
    return fig


def show(architecture="VGG-16", stage=1):
    """The explorer: a dropdown for the architecture, a slider for the stage."""
    import ipywidgets as widgets

    from course_utils.explorers._base import show_explorer

    state = compute(architecture, stage)
    choose = widgets.Dropdown(options=list(NAMES), value=architecture, description="architecture")
    slider = widgets.IntSlider(value=state["stage"], min=1, max=len(state["rows"]),
                               description="stage")

    def resize(change):
        # Registered before show_explorer's own observers, so the slider fits the new network
        # before the figure is redrawn.
        slider.max = stage_count(change["new"])
        slider.value = min(slider.value, slider.max)

    choose.observe(resize, names="value")
    show_explorer("Architecture explorer: one stage and the whole network",
                  dict(architecture=choose, stage=slider), compute, draw, readout)
