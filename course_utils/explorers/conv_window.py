"""Explorer: slide a 3x3 filter over a small image and watch one output value being computed.

Controls: the output row and column, and the filter. The figure shows the input with the
window highlighted, the kernel, the elementwise products, and the output map with the current
value highlighted; the readout writes the dot product out term by term.

The output is a cross-correlation with no padding and stride 1, as ``torch.nn.functional.conv2d``
computes it: ``out[i, j] = sum_{u, v} image[i + u, j + v] * kernel[u, v]`` (no kernel flip).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_utils.explorers._base import show_explorer
from course_utils.functional.windows import windows2d
from course_utils.plotting import IMAGE_CMAP, PALETTE, show_array

#: The hand-made 3x3 filters offered in the dropdown, in PyTorch's (no flip) orientation.
FILTERS = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "box blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "Sobel (vertical edges)": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float),
    "Sobel (horizontal edges)": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float),
}


def default_image():
    """A 9x9 black image (0) with a white 5x4 rectangle (1): it has edges in both directions."""
    image = np.zeros((9, 9))
    image[2:7, 2:6] = 1.0
    return image


def compute(row=0, col=0, filter_name="Sobel (vertical edges)", image=None):
    """Everything the explorer shows for output position (row, col).

    Returns a dict with ``image`` (H, W), ``kernel`` (K, K), ``window`` (K, K) (the input patch
    under the kernel), ``products`` (K, K) = window * kernel, ``output`` (H-K+1, W-K+1) (the
    whole activation map), ``value`` = products.sum() = output[row, col], and the controls.
    """
    image = default_image() if image is None else np.asarray(image, dtype=float)
    kernel = FILTERS[filter_name]
    windows = windows2d(image[None, None], kernel.shape)[0, 0]  # (H_out, W_out, K, K)
    output = np.einsum("ijuv,uv->ij", windows, kernel)
    if not (0 <= row < output.shape[0] and 0 <= col < output.shape[1]):
        raise ValueError(f"(row, col) = ({row}, {col}) is outside the {output.shape[0]}x"
                         f"{output.shape[1]} output map.")
    window = windows[row, col]
    products = window * kernel
    return dict(image=image, kernel=kernel, window=window, products=products, output=output,
                value=float(products.sum()), row=row, col=col, filter_name=filter_name)


def _number(value):
    """A short, deterministic spelling of a number: 1, -2, 0.111 (and never "-0")."""
    return f"{round(float(value), 3) + 0.0:g}"


def readout(state):
    """The dot product behind the highlighted output value, written out term by term."""
    size = state["kernel"].shape[0]
    row, col = state["row"], state["col"]
    terms = " + ".join(f"{_number(w)}*{_number(x)}"
                       for w, x in zip(state["kernel"].ravel(), state["window"].ravel()))
    return (f"Filter: {state['filter_name']}. Output row {row}, column {col} reads input rows "
            f"{row} to {row + size - 1} and columns {col} to {col + size - 1}.\n"
            f"Dot product (kernel weight * input pixel, {size * size} terms): {terms} "
            f"= {_number(state['value'])}")


def draw(state):
    """Input with the window, kernel, products and output map with the current value."""
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4),
                             gridspec_kw=dict(width_ratios=[9, 3, 3, 7]))
    size = state["kernel"].shape[0]
    row, col = state["row"], state["col"]
    show_array(axes[0], state["image"], "input image", cmap=IMAGE_CMAP)
    _outline(axes[0], row, col, size)
    show_array(axes[1], state["kernel"], "kernel (weights)", signed=True, annotate=True)
    show_array(axes[2], state["products"], "kernel * window", signed=True, annotate=True)
    show_array(axes[3], state["output"], f"output map: {_number(state['value'])}", signed=True,
               annotate=True, fmt="{:.2g}")
    _outline(axes[3], row, col, 1)
    fig.suptitle(f"{state['filter_name']}: output ({row}, {col}) = sum of the products")
    fig.tight_layout()
    return fig


def _outline(ax, row, col, size):
    ax.add_patch(Rectangle((col - 0.5, row - 0.5), size, size, fill=False,
                           edgecolor=PALETTE[1], linewidth=3))


def show(row=2, col=1, filter_name="Sobel (vertical edges)", image=None):
    """The explorer: sliders for the output row and column, a dropdown for the filter."""
    import ipywidgets as widgets

    height, width = compute(0, 0, filter_name, image)["output"].shape
    style = {"description_width": "initial"}
    controls = dict(
        row=widgets.IntSlider(value=row, min=0, max=height - 1, description="output row",
                              style=style),
        col=widgets.IntSlider(value=col, min=0, max=width - 1, description="output column",
                              style=style),
        filter_name=widgets.Dropdown(options=list(FILTERS), value=filter_name,
                                     description="filter", style=style),
    )
    show_explorer("Sliding a filter: one output value", controls,
                  lambda **values: compute(image=image, **values), draw, readout)
