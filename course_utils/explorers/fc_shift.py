"""Explorer: shift a digit by a few pixels and compare a fully connected layer with a convolution.

Controls: which test digit, and how far to shift it right and down (-3 to 3 pixels; negative
values shift left or up). The shift is zero-filled, as in notebook 01: the background (0) comes
in on one side and whatever is pushed past the other edge is lost.

Both layers are fixed and untrained, drawn once from ``np.random.default_rng(0)`` the way
PyTorch initialises them (uniform in +-1/sqrt(fan_in)), so the only difference between them is
their structure:

- a fully connected layer 784 -> 16, weight (16, 784) in PyTorch's (out, in) layout, with no
  bias, so that the output is ``W x`` alone; each weight belongs to one pixel position;
- one 3x3 filter slid over the image (``course_utils.functional.conv2d``, padding 1 so the map
  keeps the digit's 28x28 size, no bias).

The figure shows the digit and its shifted copy, the two convolution maps and the two FC output
vectors as bars; the readout states how many pixels changed, how much the FC output changed and
how well the two FC outputs correlate, and how far conv(shifted digit) is from the shifted conv
map away from the border (translation equivariance: zero up to rounding).
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_utils.explorers.digits import bundled_digits, relative_change, shift
from course_utils.functional import conv2d, linear
from course_utils.nn import Conv2d, Linear
from course_utils.plotting import IMAGE_CMAP, PALETTE, show_array

#: Number of outputs of the fully connected layer.
FC_OUTPUTS = 16
#: Side of the convolution filter.
KERNEL_SIZE = 3


@lru_cache(maxsize=None)
def layers(in_features=28 * 28):
    """The fixed layers: FC weight (16, in_features) and conv weight (1, 1, 3, 3), float64.

    Both drawn from ``np.random.default_rng(0)`` by ``course_utils.nn``, which initialises them
    as ``torch.nn.Linear`` and ``torch.nn.Conv2d`` do: uniform in +-1/sqrt(fan_in) (fan_in:
    784 for the FC layer, 9 for the filter). Treat the arrays as read-only: they are cached.
    """
    rng = np.random.default_rng(0)
    fc = Linear(in_features, FC_OUTPUTS, bias=False, rng=rng, dtype=np.float64)
    conv = Conv2d(1, 1, KERNEL_SIZE, bias=False, rng=rng, dtype=np.float64)
    return fc.weight, conv.weight


def fc_output(image, weight):
    """The FC layer on one image (H, W): flatten (row by row, as torch.flatten) -> (out,)."""
    return linear(image.reshape(1, -1), weight)[0]


def conv_output(image, weight):
    """The 3x3 filter slid over one image (H, W), padding 1, stride 1 -> (H, W)."""
    return conv2d(image[None, None], weight, padding=KERNEL_SIZE // 2)[0, 0]


def correlation(a, b):
    """Pearson correlation of two vectors (1: same pattern up to scale and offset)."""
    return float(np.corrcoef(a, b)[0, 1])


def compute(digit=0, shift_right=2, shift_down=1, image=None):
    """Everything the explorer shows.

    ``digit`` picks one of the first 20 test digits; ``image`` (H, W), if given, is used instead
    (its label is then None). Returns a dict with the controls, ``label``, ``image`` and
    ``shifted`` (H, W); ``fc`` and ``fc_shifted`` (16,), the FC layer's outputs; ``conv`` and
    ``conv_shifted`` (H, W), the filter's maps of the digit and of the shifted digit;
    ``conv_then_shift`` (H, W), the map of the digit shifted afterwards; ``margin``, the border
    (pixels) left out when comparing the last two, |shift| + 1 on the larger axis; and the
    numbers of the readout: ``changed_pixels``, ``fc_change``, ``fc_correlation``,
    ``conv_difference`` (max |conv(shifted) - shifted(conv)| inside the margin).
    """
    if image is None:
        images, labels = bundled_digits()
        image, label = images[digit], int(labels[digit])
    else:
        image, label = np.asarray(image, dtype=np.float64), None
    fc_weight, conv_weight = layers(image.size)
    shifted = shift(image, shift_right, shift_down)
    fc, fc_shifted = fc_output(image, fc_weight), fc_output(shifted, fc_weight)
    conv, conv_shifted = conv_output(image, conv_weight), conv_output(shifted, conv_weight)
    conv_then_shift = shift(conv, shift_right, shift_down)
    margin = max(abs(shift_right), abs(shift_down)) + KERNEL_SIZE // 2
    inside = (slice(margin, image.shape[0] - margin), slice(margin, image.shape[1] - margin))
    return dict(
        digit=digit, shift_right=shift_right, shift_down=shift_down, label=label,
        image=image, shifted=shifted, fc=fc, fc_shifted=fc_shifted,
        conv=conv, conv_shifted=conv_shifted, conv_then_shift=conv_then_shift, margin=margin,
        changed_pixels=int((np.abs(shifted - image) > 1e-9).sum()),
        fc_change=relative_change(fc, fc_shifted),
        fc_correlation=correlation(fc, fc_shifted),
        conv_difference=float(np.abs(conv_shifted - conv_then_shift)[inside].max(initial=0.0)),
    )


def _moves(right, down):
    """'2 px right and 1 px up' (or 'by 0 px')."""
    parts = [f"{abs(amount)} px {positive if amount > 0 else negative}"
             for amount, positive, negative in ((right, "right", "left"), (down, "down", "up"))
             if amount]
    return " and ".join(parts) if parts else "by 0 px"


def readout(state):
    """Pixels changed, the FC output's change and correlation, the conv maps' difference."""
    height, width = state["image"].shape
    name = f"Test digit {state['digit']}"
    if state["label"] is not None:
        name += f" (a {state['label']})"
    moves = _moves(state["shift_right"], state["shift_down"])
    return "\n".join([
        f"{name}, shifted {moves} (zero-filled): {state['changed_pixels']} of "
        f"{height * width} pixels change.",
        f"FC layer {height * width} -> {len(state['fc'])}: the output changes by "
        f"{state['fc_change']:.2f} (relative); correlation with the unshifted output "
        f"{state['fc_correlation'] + 0.0:.2f}.",
        f"3x3 conv: max |conv(shifted digit) - shifted conv map| = "
        f"{state['conv_difference'] + 0.0:.3f} away from the border (outer {state['margin']} px).",
    ])


def _ink_box(ax, image, color, linestyle):
    """Outline the bounding box of the non-zero pixels of ``image`` (H, W) on ``ax``."""
    rows, cols = np.nonzero(image > 1e-9)
    if len(rows):
        ax.add_patch(Rectangle((cols.min() - 0.5, rows.min() - 0.5), cols.max() - cols.min() + 1,
                               rows.max() - rows.min() + 1, fill=False, edgecolor=color,
                               linestyle=linestyle, linewidth=1.2))


def draw(state):
    """Digit, shifted digit, the two conv maps and the FC output bars.

    The digit's bounding box is outlined before the shift (dashed, blue) and after it (solid,
    green) on the image panels; the bars use the same two colours.
    """
    fig, axes = plt.subplots(1, 5, figsize=(13.0, 3.4), layout="constrained",
                             gridspec_kw=dict(width_ratios=[1, 1, 1, 1, 2.4]))
    moves = _moves(state["shift_right"], state["shift_down"])
    show_array(axes[0], state["image"], "digit", cmap=IMAGE_CMAP)
    show_array(axes[1], state["shifted"], f"shifted {moves}".replace(" and ", "\nand "),
               cmap=IMAGE_CMAP)
    limit = max(np.abs(state["conv"]).max(), np.abs(state["conv_shifted"]).max(), 1e-12)
    for ax, key, title in ((axes[2], "conv", "3x3 conv of the digit"),
                           (axes[3], "conv_shifted", "3x3 conv of the shifted\ndigit")):
        show_array(ax, state[key], title, signed=True).set_clim(-limit, limit)
    for ax in axes[:4]:
        _ink_box(ax, state["image"], PALETTE[0], "--")
    for ax in (axes[1], axes[3]):
        _ink_box(ax, state["shifted"], PALETTE[2], "-")
    units = np.arange(len(state["fc"]))
    bars = axes[4]
    bars.bar(units - 0.2, state["fc"], width=0.4, color=PALETTE[0], label="digit")
    bars.bar(units + 0.2, state["fc_shifted"], width=0.4, color=PALETTE[2], label="shifted digit")
    bars.axhline(0, color=PALETTE[7], linewidth=0.6)
    bars.set_xticks(units[::3])
    bars.set_xlabel("output unit")
    bars.set_ylabel("output value")
    bars.set_title(f"FC layer {state['image'].size} -> {len(units)} outputs\nrelative change "
                   f"{state['fc_change']:.2f}, correlation {state['fc_correlation'] + 0.0:.2f}")
    bars.legend(fontsize=8, loc="best")
    fig.suptitle("Shifting a digit: the conv map moves with it, the FC output changes "
                 "(dashed box: the digit before the shift; solid: after)")
    return fig


def show(digit=0, shift_right=2, shift_down=1):
    """The explorer: a test digit (0-19) and its shift right and down (-3 to 3 px)."""
    import ipywidgets as widgets

    from course_utils.explorers._base import show_explorer

    style = {"description_width": "initial"}
    controls = dict(
        digit=widgets.IntSlider(value=digit, min=0, max=19, description="test digit", style=style),
        shift_right=widgets.IntSlider(value=shift_right, min=-3, max=3,
                                      description="shift right (px)", style=style),
        shift_down=widgets.IntSlider(value=shift_down, min=-3, max=3,
                                     description="shift down (px)", style=style),
    )
    show_explorer("Shift a digit: fully connected vs convolution", controls, compute, draw,
                  readout)
