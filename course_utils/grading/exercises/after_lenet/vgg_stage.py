"""vgg_stage(in_channels, out_channels, convs, receptive_field=1, jump=1): what one VGG stage
adds: the receptive field and jump after it, and its parameters.

A stage is ``convs`` 3x3 convolutions (padding 1, stride 1, with bias, a ReLU after each), the
first from ``in_channels`` to ``out_channels`` and the others from ``out_channels`` to
``out_channels``, then a 2x2 max-pool with stride 2. ``receptive_field`` and ``jump`` describe
the network before the stage (in input pixels, along one axis, as in notebook 04); the stage
returns ``(receptive_field, jump, parameters)`` after it. The defaults are a stage that reads
the image itself.

Graded against torch: the parameters of the stage's ``nn.Conv2d`` layers, and the receptive
field and jump measured with autograd on a 1-D stack with the same geometry (a first layer with
kernel ``receptive_field`` and stride ``jump`` stands for the network before the stage).
"""

import numpy as np

from ... import pytorch
from ...exercise import Case, Exercise, mistake

# VGG-16's five stages in order, each with the field and jump the stages before it leave; the
# first stage of VGG-11 (one convolution); a stage on an arbitrary field.
PUBLIC = [(3, 64, 2, 1, 1), (64, 128, 2, 6, 2), (128, 256, 3, 16, 4), (256, 512, 3, 44, 8),
          (512, 512, 3, 100, 16), (3, 64, 1, 1, 1), (32, 48, 4, 7, 3)]


def public():
    return [Case(config[:3], {"receptive_field": config[3], "jump": config[4]}) for config in PUBLIC]


def hidden(rng):
    cases = []
    for convs in (1, 2, 3, 4, int(rng.integers(1, 6))):
        jump = int(2 ** rng.integers(0, 6))
        channels = [int(c) for c in rng.integers(1, 257, 2)]
        cases.append(Case((*channels, convs), {"receptive_field": int(rng.integers(1, 8)) * jump
                                               + int(rng.integers(0, jump)) + 1, "jump": jump}))
    return cases


def _measured_regions(layers, outputs=(0, 1)):
    """First and last input position seen by two neighbouring outputs of a 1-D stack of
    all-ones convolutions (kernel, stride, padding), by autograd; an input long enough that
    the border cuts neither."""
    t = pytorch.torch()
    size, jump = 1, 1
    for kernel, stride, _ in layers:
        size, jump = size + (kernel - 1) * jump, jump * stride
    length = 4 * size + 8 * jump + 64
    regions = []
    for offset in outputs:
        x = t.zeros(1, 1, length, dtype=t.float64, requires_grad=True)
        y = x
        for kernel, stride, padding in layers:
            y = t.nn.functional.conv1d(y, t.ones(1, 1, kernel, dtype=t.float64), stride=stride,
                                       padding=padding)
        y[0, 0, y.shape[-1] // 2 + offset].backward()
        touched = np.flatnonzero(x.grad[0, 0].numpy())
        regions.append((int(touched[0]), int(touched[-1])))
    return regions


def reference(in_channels, out_channels, convs, receptive_field=1, jump=1):
    nn = pytorch.torch().nn
    stage = [nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1,
                       device="meta") for i in range(convs)]
    parameters = int(sum(p.numel() for conv in stage for p in conv.parameters()))
    layers = [(receptive_field, jump, 0)] + [(3, 1, 1)] * convs + [(2, 2, 0)]
    (first, last), (next_first, _) = _measured_regions(layers)
    return last - first + 1, next_first - first, parameters


def _stage(in_channels, out_channels, convs, receptive_field=1, jump=1, pool_growth=1,
           use_jump=True, pool_stride=2, bias=True, same_inputs=False):
    """(receptive_field, jump, parameters) after the stage, or what one mistake computes."""
    step = jump if use_jump else 1
    field = receptive_field + 2 * convs * step + pool_growth * step
    inputs = [in_channels] * convs if same_inputs else [in_channels] + [out_channels] * (convs - 1)
    parameters = sum(c * out_channels * 9 + (out_channels if bias else 0) for c in inputs)
    return field, jump * pool_stride, parameters


@mistake("the max-pool is left out of the receptive field: a 2x2 pool is a window too, and adds "
         "(2 - 1) * jump")
def pool_ignored(in_channels, out_channels, convs, receptive_field=1, jump=1):
    return _stage(in_channels, out_channels, convs, receptive_field, jump, pool_growth=0)


@mistake("the pool adds its kernel size: every window adds (kernel - 1) * jump, so a 2x2 pool "
         "adds 1 * jump, a 3x3 convolution 2 * jump")
def pool_adds_its_kernel(in_channels, out_channels, convs, receptive_field=1, jump=1):
    return _stage(in_channels, out_channels, convs, receptive_field, jump, pool_growth=2)


@mistake("the jump is ignored: each layer of the stage adds (kernel - 1) * jump input pixels, "
         "where jump is the product of the strides before it")
def jump_ignored(in_channels, out_channels, convs, receptive_field=1, jump=1):
    return _stage(in_channels, out_channels, convs, receptive_field, jump, use_jump=False)


@mistake("the jump is not multiplied by the pool's stride: after a stride-2 pool, neighbouring "
         "outputs are 2 * jump input pixels apart")
def jump_not_doubled(in_channels, out_channels, convs, receptive_field=1, jump=1):
    return _stage(in_channels, out_channels, convs, receptive_field, jump, pool_stride=1)


@mistake("the biases are forgotten: each convolution has one per filter, out_channels in all")
def bias_forgotten(in_channels, out_channels, convs, receptive_field=1, jump=1):
    return _stage(in_channels, out_channels, convs, receptive_field, jump, bias=False)


@mistake("every convolution is counted with in_channels inputs: only the first reads the "
         "stage's input; the others read the out_channels maps of the convolution before")
def in_channels_everywhere(in_channels, out_channels, convs, receptive_field=1, jump=1):
    return _stage(in_channels, out_channels, convs, receptive_field, jump, same_inputs=True)


EXERCISE = Exercise(
    name="vgg_stage",
    signature="vgg_stage(in_channels, out_channels, convs, receptive_field=1, jump=1)",
    returns="(receptive_field, jump, parameters) after the stage: three ints", points=2,
    space={},
    promises=(("a stage after others (jump > 1)", lambda v: v["jump"] > 1, "public"),
              ("a stage of one convolution", lambda v: v["convs"] == 1, "public"),
              ("in_channels != out_channels", lambda v: v["in_channels"] != v["out_channels"],
               "public")),
    public=public, hidden=hidden, reference=reference,
    outputs=("receptive_field", "jump", "parameters"),
    mistakes=(pool_ignored, pool_adds_its_kernel, jump_ignored, jump_not_doubled,
              bias_forgotten, in_channels_everywhere))
