"""The one way every explorer is wired up.

Set ``COURSE_EXPLORERS=static`` (the Makefile does so when it executes notebooks and when nbval
re-runs them) to get a static figure and a text readout instead of widgets. In JupyterLab,
without the variable, the explorer is a widget: controls on top, the figure, then the readout.
"""

import html
import os

import matplotlib.pyplot as plt
from IPython.display import display


def widgets_enabled():
    """True unless ``COURSE_EXPLORERS=static`` asks for static figures."""
    return os.environ.get("COURSE_EXPLORERS", "widgets") != "static"


def show_explorer(title, controls, compute, draw, readout):
    """Display an explorer (a widget, or a static figure and readout); returns None.

    title:    a short heading naming the explorer.
    controls: dict name -> ipywidgets control; its ``.value`` is passed to ``compute``.
    compute:  compute(**values) -> state, plain data (unit-tested, no plotting).
    draw:     draw(state) -> matplotlib Figure.
    readout:  readout(state) -> str, the numbers shown, in words.
    """
    values = {name: control.value for name, control in controls.items()}
    if not widgets_enabled():
        state = compute(**values)
        figure = draw(state)
        display(figure)
        plt.close(figure)
        print(readout(state))
    else:
        display(_widget(title, controls, compute, draw, readout))


def _widget(title, controls, compute, draw, readout):
    import ipywidgets as widgets

    plot = widgets.Output()
    text = widgets.HTML()
    text.add_class("course-explorer-readout")

    def update(_change=None):
        state = compute(**{name: control.value for name, control in controls.items()})
        text.value = f"<pre>{html.escape(readout(state))}</pre>"
        with plot:
            plot.clear_output(wait=True)
            figure = draw(state)
            display(figure)
            plt.close(figure)

    for control in controls.values():
        control.observe(update, names="value")
    box = widgets.VBox([
        widgets.HTML(f"<b>{html.escape(title)}</b>"),
        widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
        plot,
        text,
    ])
    box.add_class("course-explorer")
    update()
    return box
