"""design_receptive_field(receptive_field, channels, max_parameters): design a stack of
convolutions whose outputs see a large region, within a parameter budget.

A design is a list of convolutions ``(kernel_size, stride, dilation)``, first layer first; each
is ``torch.nn.Conv2d(channels, channels, kernel_size, stride, padding, dilation)`` with "same"
padding ``dilation * (kernel_size - 1) // 2`` (padding moves a region, it never changes its
size), an odd ``kernel_size`` and a bias. One output of its last layer must

1. have a receptive field of at least ``receptive_field`` input pixels along each axis;
2. see every pixel of that region: no holes (a dilation, or a stride, that spreads a layer's
   taps further apart than the region below them is wide skips pixels);

and the stack must have at most ``max_parameters`` parameters (weights and biases).

Many designs meet the requirements (dilations, strides or both) and any of them is a right
answer: the answer is checked against the requirements (``Requirements``), measured in torch
on the design itself: a ``nn.Sequential`` of ``nn.Conv2d`` on the meta device for the
parameters, and autograd on a 1-D stack of the same geometry (all-ones kernels, an input as
long as the recurrence's region) for the region and its holes.

The named mistakes are designs a tempting plan gives: section 4's dilations 1, 2, 4, ... (no
holes, but a layer too many), no dilation at all, and the same dilation on every layer (holes);
a student's design is diagnosed as one only when it is that very design on every configuration.
"""

import dataclasses
import math

import numpy as np

from ... import pytorch
from ...compare import Mismatch
from ...designs import as_design, design_comparison, layout_problem
from ...exercise import Case, Exercise, mistake


@dataclasses.dataclass(frozen=True)
class Requirements:
    """What a design must satisfy: the exercise's arguments."""
    receptive_field: int
    channels: int
    max_parameters: int


# (receptive_field, channels, max_parameters): 27 pixels with 8 channels and a budget for three
# 3x3 layers (3 * 8 * (9 * 8 + 1) = 1,752); a whole 28x28 digit with 16 channels (four layers,
# 9,280); 100 pixels with 4 channels (five layers, 740); 9 pixels on one channel (two layers,
# 20); 15 pixels with a generous budget; 243 pixels with 8 channels (five layers, 2,920).
PUBLIC = [(27, 8, 1_800), (28, 16, 10_000), (100, 4, 800), (9, 1, 25), (15, 3, 1_000),
          (243, 8, 3_000)]


def public():
    return [Case(config) for config in PUBLIC]


def hidden(rng):
    """Random fields and widths, with budgets just above what the recipe needs (so every
    case can be met)."""
    cases = []
    for _ in range(6):
        field = int(rng.integers(4, 1500))
        channels = int(rng.choice([1, 3, 4, 8, 16, 32]))
        parameters = _parameters(recipe(field), channels)
        cases.append(Case((field, channels, int(parameters * rng.uniform(1.02, 1.3)) + 1)))
    return cases


def reference(receptive_field, channels, max_parameters):
    return Requirements(receptive_field, channels, max_parameters)


# ---------------------------------------------------------------------------------------------
# Checking a design (the trusted side, with torch)


def _layers_problem(got):
    problem = layout_problem(got, ("kernel_size", "stride", "dilation"))
    if problem:
        return problem
    for index, layer in enumerate(got):
        kernel, stride, dilation = (int(v) for v in layer)
        if kernel < 1 or kernel % 2 == 0 or stride < 1 or dilation < 1:
            return (f"layer {index} {tuple(layer)}: kernel_size must be odd (\"same\" padding "
                    "dilation * (kernel_size - 1) // 2 then keeps the window centred), stride "
                    "and dilation >= 1")
    return ""


def _recurrence(design):
    """Notebook 04's recurrence: the region one output sees, in input pixels."""
    field, jump = 1, 1
    for kernel, stride, dilation in design:
        field, jump = field + (kernel - 1) * dilation * jump, jump * stride
    return field


def _parameters(design, channels):
    """Parameters of the design by notebook 03's formula (for the budgets of the cases)."""
    return sum(channels * (channels * kernel * kernel + 1) for kernel, _, _ in design)


def parameters(design, channels):
    """The parameters torch counts in the design."""
    t = pytorch.torch()
    model = t.nn.Sequential(*[
        t.nn.Conv2d(channels, channels, kernel, stride, dilation * (kernel - 1) // 2, dilation,
                    device="meta")
        for kernel, stride, dilation in design])
    return int(sum(p.numel() for p in model.parameters()))


def region_seen(design):
    """(size of the region of output 0, how many of its pixels it sees), by autograd on a 1-D
    stack of all-ones kernels fed an input exactly as long as the region (no padding needed).
    When the region is longer than the product of the kernel sizes, some of its pixels must be
    missing (one output reads at most that many paths down), and nothing is measured."""
    field = _recurrence(design)
    most = math.prod(kernel for kernel, _, _ in design)
    if field > most:
        return field, None
    t = pytorch.torch()
    x = t.ones(1, 1, field, dtype=t.float64, requires_grad=True)
    y = x
    for kernel, stride, dilation in design:
        y = t.nn.functional.conv1d(y, t.ones(1, 1, kernel, dtype=t.float64), stride=stride,
                                   dilation=dilation)
    y[0, 0, 0].backward()
    seen = np.flatnonzero(x.grad[0, 0].numpy())
    return int(seen[-1] - seen[0] + 1), int(seen.size)


def check_design(got, need):
    """None if the design meets the requirements, else a Mismatch saying which it breaks."""
    problem = _layers_problem(got)
    if problem:
        return Mismatch("type", problem)
    design = as_design(got)
    counted = parameters(design, need.channels)
    if counted > need.max_parameters:
        return Mismatch("values", f"the design has {counted:,} parameters, over the budget of "
                        f"{need.max_parameters:,} (every layer has channels * (channels * "
                        "kernel_size ** 2 + 1))")
    field, seen = region_seen(design)
    if field < need.receptive_field:
        return Mismatch("values", f"one output sees a region of {field} input pixels per axis; "
                        f"it must see at least {need.receptive_field}")
    if seen != field:
        missing = "some" if seen is None else f"{field - seen}"
        return Mismatch("values", f"the region of {field} pixels has holes: {missing} of its "
                        "pixels are never read. A layer whose taps (dilation * jump apart) are "
                        "further apart than the region below them is wide skips pixels")
    return None


# ---------------------------------------------------------------------------------------------
# The notebook's recipe (the grader's own copy, so that no notebook can change it), and the
# designs tempting plans give


def recipe(receptive_field):
    """3x3 layers, each with a dilation as large as the region seen so far: its three taps
    then sit one region apart, and the region triples (1, 3, 9, 27, ...), without holes."""
    layers, field = [], 1
    while field < receptive_field:
        layers.append((3, 1, field))
        field *= 3
    return layers or [(1, 1, 1)]


@mistake("the dilations double (1, 2, 4, ...), as in section 4: no holes, but the region only "
         "grows 3, 7, 15, ...; a dilation as large as the region seen so far triples it "
         "(3, 9, 27, ...) and needs fewer layers than the budget pays for")
def dilations_doubled(receptive_field, channels, max_parameters):
    layers, field = [], 1
    while field < receptive_field:
        layers.append((3, 1, 2 ** len(layers)))
        field += 2 * layers[-1][2]
    return layers


@mistake("no dilation or stride: stride-1 3x3 layers add only 2 pixels each, 1 + 2L after L "
         "layers, which takes far more layers than the budget pays for")
def undilated(receptive_field, channels, max_parameters):
    return [(3, 1, 1)] * max(1, math.ceil((receptive_field - 1) / 2))


@mistake("the same dilation on every layer leaves holes (the 'gridding' problem): the first "
         "layer's taps must be 1 apart, and no layer's taps may be further apart than the "
         "region below them is wide")
def same_dilation(receptive_field, channels, max_parameters):
    depth = max(1, max_parameters // (channels * (9 * channels + 1)))
    return [(3, 1, max(1, math.ceil((receptive_field - 1) / (2 * depth))))] * depth


EXERCISE = Exercise(
    name="design_receptive_field",
    signature="design_receptive_field(receptive_field, channels, max_parameters)",
    returns="a non-empty list of layers (kernel_size, stride, dilation), first layer first, "
            "each three ints, kernel_size odd",
    points=3, space={},
    promises=(("a budget too small for dilations 1, 2, 4, ...",
               lambda v: _parameters(dilations_doubled.fn(**v), v["channels"]) > v["max_parameters"],
               "public"),
              ("a budget large enough for them",
               lambda v: _parameters(dilations_doubled.fn(**v), v["channels"]) <= v["max_parameters"],
               "public")),
    public=public, hidden=hidden, reference=reference,
    compare=design_comparison(check_design, Requirements),
    mistakes=(dilations_doubled, undilated, same_dilation))
