"""design_convnet(in_channels, size, out_channels, receptive_field, max_parameters,
max_multiply_adds): design a stack of convolutions within a budget.

A design is a list of convolutions ``(out_channels, kernel_size, stride)``, first layer first;
each has an odd ``kernel_size``, padding ``kernel_size // 2``, a bias and a ReLU after it. On
one ``in_channels x size x size`` image it must

1. end with ``out_channels`` channels;
2. give one output of its last layer a receptive field of at least ``receptive_field`` input
   pixels along each axis (notebook 04's recurrence: padding does not shrink it);
3. have at most ``max_parameters`` parameters (weights and biases);
4. take at most ``max_multiply_adds`` multiply-adds (the weights' only, as notebook 03 counts).

Many designs meet the requirements, and any of them is a right answer: the answer is checked
against the requirements (``Requirements``), measured in torch on the design itself: a
``nn.Sequential`` of ``nn.Conv2d`` on the meta device for the parameters and (with
``FlopCounterMode``) the multiply-adds, and autograd on a 1-D stack of the same geometry for
the receptive field.

The named mistakes are the designs that the notebook's recipe (as few stride-2 3x3 layers as the
receptive field needs, then the widest hidden width that fits both budgets) gives when one of
its counts is wrong; a student's design is diagnosed as one only when it is that very design.
"""

import dataclasses

from ... import pytorch
from ...compare import Mismatch
from ...designs import as_design, design_comparison, layout_problem
from ...exercise import Case, Exercise, mistake
from .vgg_stage import _measured_regions


@dataclasses.dataclass(frozen=True)
class Requirements:
    """What a design must satisfy: the exercise's arguments."""
    in_channels: int
    size: int
    out_channels: int
    receptive_field: int
    max_parameters: int
    max_multiply_adds: int


# (in_channels, size, out_channels, receptive_field, max_parameters, max_multiply_adds): an
# MNIST digit seen whole; a CIFAR-sized colour image; a larger image with a small field; a tiny
# budget; a larger colour image that must be seen whole.
PUBLIC = [(1, 28, 16, 28, 5_000, 400_000), (3, 32, 32, 32, 20_000, 1_500_000),
          (3, 64, 32, 20, 12_000, 6_000_000), (1, 16, 8, 15, 1_000, 60_000),
          (3, 96, 64, 96, 60_000, 12_000_000)]


def public():
    return [Case(config) for config in PUBLIC]


def hidden(rng):
    """Random images and requirements, with budgets just above what the recipe needs at some
    width (so every case can be met)."""
    cases = []
    for _ in range(5):
        in_channels = int(rng.choice([1, 3, 4]))
        size = int(rng.integers(8, 97))
        out_channels = int(rng.choice([8, 16, 32, 64]))
        field = int(rng.integers(max(3, size // 3), 2 * size + 1))
        width = int(rng.integers(2, 2 * out_channels + 1))
        parameters, macs = _cost(recipe_layers(field, width, out_channels), in_channels, size)
        slack = rng.uniform(1.0, 1.3, 2)
        cases.append(Case((in_channels, size, out_channels, field,
                           int(parameters * slack[0]) + 1, int(macs * slack[1]) + 1)))
    return cases


def reference(in_channels, size, out_channels, receptive_field, max_parameters,
              max_multiply_adds):
    return Requirements(in_channels, size, out_channels, receptive_field, max_parameters,
                        max_multiply_adds)


# ---------------------------------------------------------------------------------------------
# Checking a design (the trusted side, with torch)


def _layers_problem(got):
    problem = layout_problem(got, ("out_channels", "kernel_size", "stride"))
    if problem:
        return problem
    for index, layer in enumerate(got):
        channels, kernel, stride = (int(v) for v in layer)
        if channels < 1 or stride < 1 or kernel < 1 or kernel % 2 == 0:
            return (f"layer {index} {tuple(layer)}: out_channels and stride must be >= 1 and "
                    "kernel_size odd (padding kernel_size // 2 then keeps the window centred)")
    return ""


def measure(design, in_channels, size):
    """What torch says about a design: (parameters, multiply-adds, receptive field, output
    shape)."""
    t = pytorch.torch()
    layers, channels = [], in_channels
    for out, kernel, stride in design:
        layers.append(t.nn.Conv2d(channels, out, kernel, stride, kernel // 2, device="meta"))
        channels = out
    model = t.nn.Sequential(*layers)
    parameters = int(sum(p.numel() for p in model.parameters()))
    macs = pytorch.multiply_adds(model, (1, in_channels, size, size))
    with t.no_grad():
        shape = tuple(model(t.empty(1, in_channels, size, size, device="meta")).shape[1:])
    return parameters, macs, _receptive_field(design), shape


def _receptive_field(design):
    """Measured with autograd on a 1-D stack of the design's geometry; by the recurrence when
    that stack would be too long to measure (many stride-2 layers)."""
    field, jump = 1, 1
    for _, kernel, stride in design:
        field, jump = field + (kernel - 1) * jump, jump * stride
    if 4 * field + 8 * jump > 200_000:
        return field
    (first, last), _ = _measured_regions([(k, s, k // 2) for _, k, s in design])
    return last - first + 1


def _without_biases(design):
    return sum(out for out, _, _ in design)


def check_design(got, need):
    """None if the design meets the requirements, else a Mismatch saying which it breaks."""
    problem = _layers_problem(got)
    if problem:
        return Mismatch("type", problem)
    design = as_design(got)
    parameters, macs, field, shape = measure(design, need.in_channels, need.size)
    if shape[0] != need.out_channels:
        return Mismatch("values", f"the last layer has {shape[0]} channels; the design must end "
                        f"with out_channels = {need.out_channels}")
    if field < need.receptive_field:
        return Mismatch("values", f"one output of the last layer sees {field} input pixels per "
                        f"axis; it must see at least {need.receptive_field} (stride-2 layers "
                        "multiply the growth of every layer after them)")
    if parameters > need.max_parameters:
        hint = ""
        if parameters - _without_biases(design) <= need.max_parameters:
            hint = " (the biases count: every convolution has one per filter)"
        return Mismatch("values", f"the design has {parameters:,} parameters, over the budget "
                        f"of {need.max_parameters:,}{hint}")
    if macs > need.max_multiply_adds:
        return Mismatch("values", f"the design takes {macs:,} multiply-adds on one image (its "
                        f"output is {shape}), over the budget of {need.max_multiply_adds:,}")
    return None


# ---------------------------------------------------------------------------------------------
# The notebook's recipe, and the designs it gives with a wrong count


def recipe_layers(receptive_field, width, out_channels, own_stride=False):
    """As few stride-2 3x3 convolutions as reach ``receptive_field`` (each adds 2 * jump, the
    jump doubling after it), ``width`` channels but the last, which has ``out_channels``."""
    field, jump, depth = 1, 1, 0
    while field < receptive_field:
        field += 2 * jump * (2 if own_stride else 1)
        jump *= 2
        depth += 1
    depth = max(depth, 1)
    return [(width, 3, 2)] * (depth - 1) + [(out_channels, 3, 2)]


def _cost(design, in_channels, size, bias=True, kernel_squared=True):
    """(parameters, multiply-adds) of a design by the formulas of notebook 03."""
    parameters = macs = 0
    channels = in_channels
    for out, kernel, stride in design:
        area = kernel * kernel if kernel_squared else kernel
        size = (size + 2 * (kernel // 2) - kernel) // stride + 1
        parameters += channels * out * area + (out if bias else 0)
        macs += channels * out * area * size * size
        channels = out
    return parameters, macs


def _recipe(in_channels, size, out_channels, receptive_field, max_parameters,
            max_multiply_adds, own_stride=False, bias=True, kernel_squared=True,
            last_width=False):
    """The recipe's design, counting as told."""
    def design(width):
        layers = recipe_layers(receptive_field, width, out_channels, own_stride)
        return [(width, 3, 2)] * len(layers) if last_width else layers

    def fits(width):
        parameters, macs = _cost(design(width), in_channels, size, bias, kernel_squared)
        return parameters <= max_parameters and macs <= max_multiply_adds

    width = 1
    while width < 4096 and fits(width + 1):
        width += 1
    return design(width)


@mistake("the biases are not counted: the recipe's width is chosen for a parameter count "
         "without them, and the design with them is over the budget")
def biases_not_counted(in_channels, size, out_channels, receptive_field, max_parameters,
                       max_multiply_adds):
    return _recipe(in_channels, size, out_channels, receptive_field, max_parameters,
                   max_multiply_adds, bias=False)


@mistake("the kernel size is not squared in the counts: a 3x3 convolution has 9 weights per "
         "input channel and filter, not 3")
def kernel_not_squared(in_channels, size, out_channels, receptive_field, max_parameters,
                       max_multiply_adds):
    return _recipe(in_channels, size, out_channels, receptive_field, max_parameters,
                   max_multiply_adds, kernel_squared=False)


@mistake("each layer's own stride is counted in its receptive-field growth: a layer adds "
         "(kernel - 1) * (the product of the strides BEFORE it), so the design stops a layer "
         "too early")
def own_stride_counted(in_channels, size, out_channels, receptive_field, max_parameters,
                       max_multiply_adds):
    return _recipe(in_channels, size, out_channels, receptive_field, max_parameters,
                   max_multiply_adds, own_stride=True)


@mistake("the last layer has the hidden width: it must have out_channels filters")
def last_layer_width(in_channels, size, out_channels, receptive_field, max_parameters,
                     max_multiply_adds):
    return _recipe(in_channels, size, out_channels, receptive_field, max_parameters,
                   max_multiply_adds, last_width=True)


EXERCISE = Exercise(
    name="design_convnet",
    signature="design_convnet(in_channels, size, out_channels, receptive_field, max_parameters, "
              "max_multiply_adds)",
    returns="a list of layers (out_channels, kernel_size, stride), first layer first, each three "
            "ints, kernel_size odd",
    points=3, space={},
    promises=(("a receptive field of the whole image", lambda v: v["receptive_field"] >= v["size"],
               "public"),
              ("a receptive field smaller than the image", lambda v: v["receptive_field"] < v["size"],
               "public")),
    public=public, hidden=hidden, reference=reference,
    compare=design_comparison(check_design, Requirements),
    mistakes=(biases_not_counted, kernel_not_squared, own_stride_counted, last_layer_width))
