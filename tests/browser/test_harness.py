"""The browser harness checked on a tiny explorer of its own: it passes a working explorer, and
it fails on a callback that raises, on a widget the front-end cannot load (a version
mismatch) and on a cell that raises. Fast (two small notebooks), and independent of the
course's notebooks.
"""

import sys
import textwrap
from dataclasses import replace

import nbformat
import pytest

from .driver import (Case, Dropdown, NotebookPage, Slider, SliderText, check_explorer,
                     widget_versions)

HARNESS_MODULE = '''
"""A minimal explorer wired by the course's own show_explorer (written by test_harness.py)."""
import ipywidgets as widgets
import matplotlib.pyplot as plt

from course_utils.explorers._base import show_explorer


def compute(n=3, mode="a"):
    return {"n": n, "mode": mode}


def draw(state):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar([0], [state["n"]])
    ax.set_ylim(0, 10)
    ax.set_title(state["mode"])
    return fig


def readout(state):
    return f"value is {state['n']} ({state['mode']})"


def controls(n=3):
    return {"n": widgets.IntSlider(value=n, min=0, max=9, description="n"),
            "mode": widgets.Dropdown(options=["a", "b"], value="a", description="mode")}


def show(n=3):
    show_explorer("Harness explorer", controls(n), compute, draw, readout)


def compute_broken(n=3, mode="a"):
    if n != 3:
        raise RuntimeError("deliberately broken callback")
    return compute(n, mode)


def show_broken():
    show_explorer("Broken explorer", controls(), compute_broken, draw, readout)
'''

MISMATCHED_WIDGET = '''
import ipywidgets
from traitlets import Unicode

class FromTheFuture(ipywidgets.IntSlider):
    """Claims a widget protocol version the front-end does not have."""
    _model_module_version = Unicode("9.9.9").tag(sync=True)
    _view_module_version = Unicode("9.9.9").tag(sync=True)

FromTheFuture(description="future")
'''

NOTEBOOKS = {
    # a working explorer, and one whose callback raises once a control moves
    "good": ["import sys\nimport harness_explorer\nprint(sys.prefix)", "harness_explorer.show()",
             "harness_explorer.show_broken()"],
    # a working explorer next to a widget the front-end cannot load, then a cell that raises
    "bad": ["import harness_explorer\nharness_explorer.show()", MISMATCHED_WIDGET, "1 / 0",
            "never = 'run'"],
}

GOOD = Case("_harness/good.ipynb", "harness_explorer", "Harness explorer",
            initial=dict(n=3, mode="a"),
            moves=(Slider("n", "n", +2), SliderText("n", "n", 8), Dropdown("mode", "mode", "b"),
                   Slider("n", "n", -1)))


@pytest.fixture(scope="module")
def harness(jupyterlab):
    """Write the harness module and its notebooks into the lab's scratch root."""
    folder = jupyterlab.root / "_harness"
    folder.mkdir(exist_ok=True)
    (folder / "harness_explorer.py").write_text(textwrap.dedent(HARNESS_MODULE))
    for name, cells in NOTEBOOKS.items():
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        nbformat.write(notebook, folder / f"{name}.ipynb")
    sys.path.insert(0, str(folder))  # the test computes the expected readouts with it too
    yield folder
    sys.path.remove(str(folder))
    sys.modules.pop("harness_explorer", None)


def test_a_working_explorer_passes(harness, run_notebook):
    notebook = run_notebook(GOOD.notebook)
    prefix = notebook.panel.locator(".jp-OutputArea-output").first.inner_text().strip()
    assert prefix == sys.prefix, f"the kernel runs in {prefix}, not in this environment"
    shots = check_explorer(notebook, GOOD)
    assert len(shots) == 1 + len(GOOD.moves) and all(path.stat().st_size for path in shots)
    assert notebook.widget_errors() == []


def test_a_raising_callback_is_caught(harness, run_notebook):
    notebook = run_notebook("_harness/good.ipynb")
    broken = Case("_harness/good.ipynb", "harness_explorer", "Broken explorer",
                  initial=dict(n=3, mode="a"), moves=(Slider("n", "n", +1),))
    with pytest.raises(AssertionError, match="(?s)readout is not.*deliberately broken callback"):
        check_explorer(notebook, broken, timeout=5, screenshots=False)


def test_a_failing_cell_and_a_version_mismatch_are_caught(harness, jupyterlab, browser):
    notebook = NotebookPage(jupyterlab, browser, "_harness/bad.ipynb").open()
    try:
        with pytest.raises(AssertionError, match="(?s)Run All stopped.*ZeroDivisionError"):
            notebook.run_all()
        errors = notebook.widget_errors()
        assert any("VERSION MISMATCH" in error and "9.9.9" in error for error in errors), errors
        with pytest.raises(AssertionError, match="VERSION MISMATCH"):
            check_explorer(notebook, replace(GOOD, notebook="_harness/bad.ipynb"), timeout=5,
                           screenshots=False)
    finally:
        notebook.close()


def test_widget_versions_match(jupyterlab):
    """ipywidgets 8 in the kernel needs jupyterlab_widgets 3 (lab extension 5.x) in the lab."""
    versions = widget_versions(jupyterlab)
    assert not versions["problems"], "widget front-end/kernel mismatch: " + "; ".join(
        versions["problems"]) + f" ({versions})"
