"""Every explorer in the notebooks works in a real JupyterLab, in headless Chromium.

One row of ``CASES`` per explorer shown in a notebook. Each notebook is run once in the browser
(Run All Cells); for each row the test checks that the explorer rendered (one figure,
no widget error anywhere on the page, nothing widget-related in the browser console), that its
readout is the module's ``readout(compute(...))`` for the notebook's values, then moves the
controls one by one, like a student (arrow keys on a slider's handle, typing into a slider's
box, choosing a dropdown option), and checks after each move that the readout becomes the
module's own ``readout(compute(...))`` for the new values (computed here, never typed), that the
figure changed and that no callback raised (JupyterLab's log console). Screenshots of every
explorer before and after each move: artifacts/browser/<notebook>-<explorer>-<step>-*.png.

Adding an explorer to a notebook means adding one row here; a test below fails until it is.
"""

import importlib
import io
from pathlib import Path

import matplotlib.figure
import nbformat
import pytest

from course_utils.explorers import normalization

from .driver import (REPO, Case, Dropdown, SelectionStep, Slider, SliderText, check_explorer,
                     explorer_calls)

CASES = [
    Case("01_fully_connected.ipynb", "course_utils.explorers.fc_shift",
         "Shift a digit: fully connected vs convolution",
         initial=dict(digit=0, shift_right=2, shift_down=1),
         moves=(Slider("shift_right", "shift right (px)", +1),
                SliderText("digit", "test digit", 7),
                Slider("shift_down", "shift down (px)", -3))),
    Case("02_convolution.ipynb", "course_utils.explorers.conv_window",
         "Sliding a filter: one output value",
         initial=dict(row=2, col=1, filter_name="Sobel (vertical edges)"),
         moves=(Slider("col", "output column", +2),
                Dropdown("filter_name", "filter", "box blur"),
                SliderText("row", "output row", 5))),
    Case("03_padding_and_stride.ipynb", "course_utils.explorers.conv_arithmetic",
         "Convolution arithmetic: placements and output size",
         initial=dict(size=7, kernel_size=3, stride=3, padding=0, dilation=1),
         moves=(Slider("padding", "padding", +1), Slider("stride", "stride", -1))),
    Case("03_padding_and_stride.ipynb", "course_utils.explorers.conv_arithmetic",
         "Convolution arithmetic: placements and output size", index=1,
         initial=dict(size=6, kernel_size=3, stride=2, padding=1, dilation=1),
         moves=(Slider("dilation", "dilation", +1), SliderText("size", "input size", 9))),
    Case("04_receptive_fields.ipynb", "course_utils.explorers.receptive_field",
         "Receptive field explorer",
         initial=dict(stack="LeNet features", row=0, col=3),
         moves=(Slider("row", "output row", +2), SliderText("col", "output col", 5),
                Dropdown("stack", "stack", "one 5x5 conv"))),
    Case("05_pooling.ipynb", "course_utils.explorers.pooling", "Pooling explorer",
         initial=dict(mode="max", kernel_size=2, stride=2, shift=1), show_kwargs={},
         moves=(Slider("shift", "shift (px)", +1), Dropdown("mode", "pooling", "avg"))),
    Case("06_normalization.ipynb", "course_utils.explorers.normalization",
         "Which elements share a mean and variance?",
         initial=dict(norm="group", groups=2, n=1, c=3, h=1, w=2),
         moves=(SelectionStep("groups", "groups G", +1,
                              options=tuple(normalization.group_divisors(normalization.SHAPE[1]))),
                Dropdown("norm", "normalization", "Layer norm", "layer"),
                Slider("c", "channel c", -2))),
    Case("07_lenet.ipynb", "course_utils.explorers.lenet_inside", "Inside the trained LeNet",
         initial=dict(digit=144, layer="conv 1"),
         moves=(Slider("digit", "test digit", +2), Dropdown("layer", "layer", "max-pool 2"),
                SliderText("digit", "test digit", 18))),
    Case("08_after_lenet.ipynb", "course_utils.explorers.architecture",
         "Architecture explorer: one stage and the whole network",
         initial=dict(architecture="VGG-16", stage=3),
         moves=(Slider("stage", "stage", +3), Dropdown("architecture", "architecture", "ResNet-18"),
                SliderText("stage", "stage", 2))),
]


def _present(case, lab):
    if not (lab.root / case.notebook).exists():
        pytest.skip(f"notebooks/{case.notebook} does not exist (yet)")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_explorer_in_jupyterlab(case, jupyterlab, run_notebook):
    _present(case, jupyterlab)
    notebook = run_notebook(case.notebook)
    shots = check_explorer(notebook, case)
    assert len(shots) == 1 + len(case.moves)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_static_figure_without_a_widget_front_end(case, monkeypatch, capsys):
    """COURSE_EXPLORERS=static (nbval, a viewer, a PDF): show() displays a figure that draws
    something and prints the same readout the widget shows first."""
    module = importlib.import_module(case.module)
    shown = []
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    monkeypatch.setattr("course_utils.explorers._base.display", shown.append)
    module.show(**(case.initial if case.show_kwargs is None else case.show_kwargs))
    printed = capsys.readouterr().out
    figures = [item for item in shown if isinstance(item, matplotlib.figure.Figure)]
    assert len(figures) == 1, f"expected one figure displayed, got {shown}"
    figure = figures[0]
    drawn = [ax for ax in figure.axes if ax.images or ax.patches or ax.lines or ax.collections
             or ax.texts]
    assert drawn, "the static figure has no axes with anything drawn on them"
    png = io.BytesIO()
    figure.savefig(png, format="png")
    assert png.tell() > 5000, "the static figure renders to an almost empty image"
    assert printed.strip() == case.expected()[0][1].strip()


def test_every_explorer_in_a_notebook_has_a_row():
    """Each call of an explorer's show() in notebooks/*.ipynb is checked by a row of CASES."""
    rows = {}
    for case in CASES:
        key = (case.notebook, case.module.rsplit(".", 1)[-1])
        rows[key] = rows.get(key, 0) + 1
    missing = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        calls = {}
        for _index, module in explorer_calls(nbformat.read(path, as_version=4)):
            calls[module] = calls.get(module, 0) + 1
        for module, count in calls.items():
            if rows.get((path.name, module), 0) != count:
                missing.append(f"{path.name}: {count} call(s) of {module}.show(), "
                               f"{rows.get((path.name, module), 0)} row(s) in CASES")
    assert not missing, ("add a row to CASES in " + Path(__file__).name + " for: "
                         + "; ".join(missing))
