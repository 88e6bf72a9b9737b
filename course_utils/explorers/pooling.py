"""Explorer: pool a digit, shift it by a few pixels, and see how much the pooled map changes.

Controls: max or average pooling, the kernel size, the stride and a shift of the digit to the
right. The figure shows the digit and its shifted copy with the pooling windows (and, for max
pooling, the pixel that won each window), then the two pooled maps; the readout states the
output size, how many values the shift changed before and after pooling, and the middle row of
the pooled map. The pooling itself is :mod:`course_utils.functional.pooling`, PyTorch's twin.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_utils.explorers import digits
from course_utils.functional.pooling import avg_pool2d, max_pool2d
from course_utils.functional.windows import windows2d
from course_utils.plotting import HEAT_CMAP, IMAGE_CMAP, PALETTE, show_array


def pool(image, mode, kernel_size, stride):
    """Max or average pooling of one (H, W) image, with the course's PyTorch twins."""
    function = max_pool2d if mode == "max" else avg_pool2d
    return function(image[None, None], kernel_size, stride)[0, 0]


def winners(image, kernel_size, stride):
    """For each max-pooling window, the (row, col) of the pixel that wins it.

    Ties go to the first maximum in row-major window order, as in PyTorch. Returns two int
    arrays of the output's shape (H_out, W_out).
    """
    windows = windows2d(image[None, None], kernel_size, stride)[0, 0]  # (H_out, W_out, K, K)
    flat = windows.reshape(windows.shape[:2] + (-1,)).argmax(axis=-1)
    out_rows, out_cols = np.indices(flat.shape)
    return out_rows * stride + flat // kernel_size, out_cols * stride + flat % kernel_size


def compute(mode="max", kernel_size=2, stride=2, shift=1, image=None):
    """Everything the explorer shows. ``image`` (H, W) defaults to the first bundled test
    digit (a 7).

    Returns a dict with the controls, ``image`` and ``shifted`` (H, W), ``pooled`` and
    ``pooled_shifted`` (H_out, W_out), ``winners`` (rows, cols of each window's maximum in
    the shifted image, max pooling only, else None), the number of values the shift changed
    in the input and in the pooled map (``changed_input``, ``changed_pooled``; a value counts
    as changed when it moves by more than 1e-9) and the relative changes
    (``input_change``, ``pooled_change``).
    """
    image = digits.bundled_digits()[0][0] if image is None else np.asarray(image, dtype=np.float64)
    shifted = digits.shift(image, right=shift)
    pooled, pooled_shifted = pool(image, mode, kernel_size, stride), pool(shifted, mode, kernel_size, stride)
    return dict(
        mode=mode, kernel_size=kernel_size, stride=stride, shift=shift,
        image=image, shifted=shifted, pooled=pooled, pooled_shifted=pooled_shifted,
        winners=winners(shifted, kernel_size, stride) if mode == "max" else None,
        changed_input=int((np.abs(shifted - image) > 1e-9).sum()),
        changed_pooled=int((np.abs(pooled_shifted - pooled) > 1e-9).sum()),
        input_change=digits.relative_change(image, shifted),
        pooled_change=digits.relative_change(pooled, pooled_shifted),
    )


def readout(state):
    """Output size, what the shift changed before and after pooling, and the middle row."""
    height, width = state["image"].shape
    out_h, out_w = state["pooled"].shape
    k, s = state["kernel_size"], state["stride"]
    name = "Max" if state["mode"] == "max" else "Average"
    middle = out_h // 2
    values = " ".join(f"{value:.2f}" for value in state["pooled_shifted"][middle])
    return "\n".join([
        f"{name} pooling, kernel {k}x{k}, stride {s}: {height}x{width} input -> {out_h}x{out_w} "
        f"output (floor(({height} - {k}) / {s}) + 1 = {out_h}); no weights to learn.",
        f"Shift right by {state['shift']} px: {state['changed_input']} of {height * width} input "
        f"pixels change (relative change {state['input_change']:.2f}); "
        f"{state['changed_pooled']} of {out_h * out_w} pooled values change "
        f"(relative change {state['pooled_change']:.2f}).",
        f"Middle row of the pooled shifted digit (row {middle}): {values}",
    ])


def _draw_windows(ax, size, kernel_size, stride):
    """Light lines where windows start, and the first window outlined (its size shows the
    overlap when the kernel is larger than the stride)."""
    for start in np.arange(0, size - kernel_size + 1, stride) - 0.5:
        ax.axhline(start, color=PALETTE[4], linewidth=0.4)
        ax.axvline(start, color=PALETTE[4], linewidth=0.4)
    ax.add_patch(Rectangle((-0.5, -0.5), kernel_size, kernel_size, fill=False,
                           edgecolor=PALETTE[1], linewidth=1.5))


def draw(state):
    """Digit, shifted digit with windows (and winners), pooled digit, pooled shifted digit."""
    fig, axes = plt.subplots(1, 4, figsize=(11.0, 3.2), layout="constrained")
    k, s, name = state["kernel_size"], state["stride"], state["mode"]
    show_array(axes[0], state["image"], "input digit", cmap=IMAGE_CMAP)
    show_array(axes[1], state["shifted"], f"shifted right by {state['shift']} px\n"
               f"{k}x{k} windows (first outlined), stride {s}", cmap=IMAGE_CMAP)
    _draw_windows(axes[1], state["image"].shape[0], k, s)
    if state["winners"] is not None:
        rows, cols = state["winners"]
        keep = state["pooled_shifted"] > 0  # all-zero windows: nothing worth marking
        axes[1].plot(cols[keep], rows[keep], "o", color=PALETTE[1], markersize=2.5,
                     label="window's maximum")
        axes[1].legend(loc="lower left", fontsize=7, framealpha=0.8)
    limits = dict(vmin=0, vmax=max(state["pooled"].max(), state["pooled_shifted"].max(), 1e-12))
    for ax, key, title in ((axes[2], "pooled", f"{name} pooled digit"),
                           (axes[3], "pooled_shifted", f"{name} pooled shifted digit\n"
                            f"{state['changed_pooled']} values changed")):
        image = show_array(ax, state[key], title, cmap=HEAT_CMAP)
        image.set_clim(**limits)
    fig.colorbar(image, ax=axes[2:], shrink=0.8, label="pooled value")
    fig.suptitle(f"{name} pooling and a shift of the input")
    return fig


def show(image=None):
    """The explorer: pooling type, kernel size, stride and shift of the digit."""
    import ipywidgets as widgets

    from course_utils.explorers._base import show_explorer

    controls = dict(
        mode=widgets.Dropdown(options=["max", "avg"], value="max", description="pooling"),
        kernel_size=widgets.IntSlider(value=2, min=2, max=4, description="kernel"),
        stride=widgets.IntSlider(value=2, min=1, max=4, description="stride"),
        shift=widgets.IntSlider(value=1, min=0, max=3, description="shift (px)"),
    )

    def compute_for(mode, kernel_size, stride, shift):
        return compute(mode, kernel_size, stride, shift, image=image)

    show_explorer("Pooling explorer", controls, compute_for, draw, readout)
