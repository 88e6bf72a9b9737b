"""design_output_size(size, output_size, channels, max_parameters): design a stack of
convolutions that brings a map to a given size, within a parameter budget.

A design is a list of convolutions ``(kernel_size, stride, padding)``, first layer first; each
is ``torch.nn.Conv2d(channels, channels, kernel_size, stride, padding)``, with a bias. On one
``channels x size x size`` input it must

1. give an output of exactly ``channels x output_size x output_size``;
2. read every input pixel: no row or column dropped by the floor of the output-size formula,
   none skipped by a stride larger than the kernel;
3. pad at most half the kernel on each side (``0 <= padding <= kernel_size // 2``), so that
   no window is mostly padding (PyTorch's own rule for pooling);
4. have at most ``max_parameters`` parameters (weights and biases).

Many designs meet the requirements and any of them is a right answer: the answer is checked
against the requirements (``Requirements``), measured in torch on the design itself, a
``nn.Sequential`` of ``nn.Conv2d`` on the meta device for the shape and the parameters, and
autograd on a 1-D stack of the same geometry (all-ones kernels) for the pixels read.

The named mistakes are designs a wrong step gives (the notebook's recipe, halving with 2x2
stride-2 layers and then one last layer that lands on the size, with one step wrong, or a
tempting shortcut); a student's design is diagnosed as one only when it is that very design on
every configuration.
"""

import dataclasses

import numpy as np

from ... import pytorch
from ...compare import Mismatch
from ...designs import as_design, design_comparison, layout_problem
from ...exercise import Case, Exercise, mistake


@dataclasses.dataclass(frozen=True)
class Requirements:
    """What a design must satisfy: the exercise's arguments."""
    size: int
    output_size: int
    channels: int
    max_parameters: int


# (size, output_size, channels, max_parameters): an MNIST digit to LeNet's 7x7 with 16
# channels; a CIFAR image to 5x5 (no number of halvings lands on 5); notebook 03's 7x7 input to
# 3x3 (an odd size); 224 to 56 with 32 channels; a whole 100x100 map to one value (odd sizes on
# the way); 27 to 9 (a factor of 3). The budgets leave 10 to 15 % over the recipe's design.
PUBLIC = [(28, 7, 16, 2_400), (32, 5, 8, 900), (7, 3, 4, 150), (224, 56, 32, 9_500),
          (100, 1, 4, 540), (27, 9, 8, 650)]


def public():
    return [Case(config) for config in PUBLIC]


def hidden(rng):
    """Random sizes, targets at most half the size, and budgets just above what the recipe
    needs (so every case can be met)."""
    cases = []
    for _ in range(6):
        size = int(rng.integers(6, 129))
        output_size = int(rng.integers(1, size // 2 + 1))
        channels = int(rng.choice([1, 3, 4, 8, 16]))
        parameters = _parameters(recipe(size, output_size, channels), channels)
        cases.append(Case((size, output_size, channels,
                           int(parameters * rng.uniform(1.02, 1.3)) + 1)))
    return cases


def reference(size, output_size, channels, max_parameters):
    return Requirements(size, output_size, channels, max_parameters)


# ---------------------------------------------------------------------------------------------
# Checking a design (the trusted side, with torch)


def _layers_problem(got):
    problem = layout_problem(got, ("kernel_size", "stride", "padding"))
    if problem:
        return problem
    for index, layer in enumerate(got):
        kernel, stride, padding = (int(v) for v in layer)
        if kernel < 1 or stride < 1 or not 0 <= padding <= kernel // 2:
            return (f"layer {index} {tuple(layer)}: kernel_size and stride must be >= 1 and "
                    "0 <= padding <= kernel_size // 2 (at most half the kernel on each side)")
    return ""


def _sizes(design, size):
    """The map's size after every layer (PyTorch's floor rule), or the index of the first
    layer whose kernel does not fit."""
    sizes = [size]
    for index, (kernel, stride, padding) in enumerate(design):
        room = sizes[-1] + 2 * padding - kernel
        if room < 0:
            return sizes, index
        sizes.append(room // stride + 1)
    return sizes, None


def _parameters(design, channels):
    """Parameters of the design by notebook 03's formula (for the budgets of the cases)."""
    return sum(channels * (channels * kernel * kernel + 1) for kernel, _, _ in design)


def measure(design, size, channels):
    """What torch says about a design: (parameters, output shape, pixels never read)."""
    t = pytorch.torch()
    model = t.nn.Sequential(*[t.nn.Conv2d(channels, channels, kernel, stride, padding,
                                          device="meta")
                              for kernel, stride, padding in design])
    parameters = int(sum(p.numel() for p in model.parameters()))
    with t.no_grad():
        shape = tuple(model(t.empty(1, channels, size, size, device="meta")).shape[1:])
    x = t.ones(1, 1, size, dtype=t.float64, requires_grad=True)
    y = x
    for kernel, stride, padding in design:   # one axis, all-ones kernels: a gradient > 0 on
        y = t.nn.functional.conv1d(y, t.ones(1, 1, kernel, dtype=t.float64),  # every pixel read
                                   stride=stride, padding=padding)
    y.sum().backward()
    unread = [int(i) for i in np.flatnonzero(x.grad[0, 0].numpy() == 0)]
    return parameters, shape, unread


def check_design(got, need):
    """None if the design meets the requirements, else a Mismatch saying which it breaks."""
    problem = _layers_problem(got)
    if problem:
        return Mismatch("type", problem)
    design = as_design(got)
    sizes, misfit = _sizes(design, need.size)
    trail = " -> ".join(map(str, sizes))
    if misfit is not None:
        return Mismatch("values", f"layer {misfit} {design[misfit]} does not fit its input of "
                        f"{sizes[-1]} (sizes {trail}): the kernel is larger than the padded map")
    parameters, shape, unread = measure(design, need.size, need.channels)
    if shape[1:] != (need.output_size, need.output_size):
        return Mismatch("values", f"the output is {shape[1]}x{shape[2]} (sizes {trail}); it "
                        f"must be {need.output_size}x{need.output_size}")
    if unread:
        shown = ", ".join(map(str, unread[:8])) + (", ..." if len(unread) > 8 else "")
        return Mismatch("values", f"{len(unread)} of the {need.size} input rows (and as many "
                        f"columns) are never read: {shown} (sizes {trail}). A stride larger "
                        "than the kernel skips pixels, and the floor drops the last ones when "
                        "the windows do not reach the end")
    if parameters > need.max_parameters:
        return Mismatch("values", f"the design has {parameters:,} parameters, over the budget "
                        f"of {need.max_parameters:,} (every layer has channels * (channels * "
                        "kernel_size ** 2 + 1))")
    return None


# ---------------------------------------------------------------------------------------------
# The notebook's recipe (the grader's own copy, so that no notebook can change it), and the
# designs that a wrong step gives


def _halve(size, pad_odd=True, kernel=2):
    """One stride-2 layer that halves ``size``: 2x2 with one pixel of padding on odd sizes (so
    that the last pixel is read), or 3x3 with padding 1; returns (layer, new size)."""
    padding = (size % 2 if pad_odd else 0) if kernel == 2 else 1
    return (kernel, 2, padding), (size + 2 * padding - kernel) // 2 + 1


def last_layer(size, output_size):
    """The smallest kernel (then stride, then padding) that takes ``size`` to exactly
    ``output_size`` and reads every pixel: stride <= kernel (no gaps) and the last window
    reaching the last pixel."""
    for kernel in range(1, size + 1):
        for stride in range(1, kernel + 1):
            for padding in range(kernel // 2 + 1):
                if size + 2 * padding < kernel:
                    continue
                out = (size + 2 * padding - kernel) // stride + 1
                if out == output_size and (out - 1) * stride + kernel - 1 - padding >= size - 1:
                    return (kernel, stride, padding)
    raise ValueError(f"no layer takes {size} to {output_size}")


def recipe(size, output_size, channels, pad_odd=True, kernel=2):
    """Halve 0, 1, 2, ... times (while the half is still at least the target), each time
    followed by the one last layer that lands on the target; keep the design with the fewest
    parameters (the first of equals)."""
    best, layers = None, []
    while True:
        design = layers + ([last_layer(size, output_size)] if size != output_size else [])
        if best is None or _parameters(design, channels) < _parameters(best, channels):
            best = design
        layer, half = _halve(size, pad_odd, kernel)
        if size <= output_size or half < output_size:
            return best
        layers, size = layers + [layer], half


@mistake("the last row and column are dropped on odd sizes: a 2x2 stride-2 layer on an odd map "
         "reads every pixel only with one pixel of padding (padding = size % 2)")
def odd_sizes_not_padded(size, output_size, channels, max_parameters):
    return recipe(size, output_size, channels, pad_odd=False)


@mistake("pixels are skipped: one layer with the right output size but a stride larger than "
         "its kernel leaves gaps between the windows; every pixel must be read, so "
         "stride <= kernel_size")
def size_only(size, output_size, channels, max_parameters):
    for kernel in range(1, size + 1):
        for stride in range(1, size + 1):
            for padding in range(kernel // 2 + 1):
                if size + 2 * padding >= kernel and \
                        (size + 2 * padding - kernel) // stride + 1 == output_size:
                    return [(kernel, stride, padding)]
    raise ValueError("no single layer")


@mistake("halving with 3x3 stride-2 layers (padding 1) costs 9 weights per channel pair where "
         "2x2 stride-2 layers cost 4 and also read every pixel: the design is over the budget")
def halved_with_3x3(size, output_size, channels, max_parameters):
    return recipe(size, output_size, channels, kernel=3)


EXERCISE = Exercise(
    name="design_output_size",
    signature="design_output_size(size, output_size, channels, max_parameters)",
    returns="a non-empty list of layers (kernel_size, stride, padding), first layer first, "
            "each three ints",
    points=3, space={},
    promises=(("an odd size on the way", lambda v: any(n % 2 for n in _sizes(
        recipe(v["size"], v["output_size"], v["channels"]), v["size"])[0][:-1]), "public"),
              ("a target that halving alone cannot reach", lambda v: any(
                  (kernel, stride) != (2, 2) for kernel, stride, _ in
                  recipe(v["size"], v["output_size"], v["channels"])), "public")),
    public=public, hidden=hidden, reference=reference,
    compare=design_comparison(check_design, Requirements),
    mistakes=(odd_sizes_not_padded, size_only, halved_with_3x3))
