"""receptive_field_size(layers): how many input pixels (along one axis) one output of a stack
of convolutions or poolings sees.

Mirrors the ``size`` of the last layer in ``course_utils.receptive_field.receptive_field``:
start from 1 and add ``(kernel - 1) * dilation * jump`` for every layer, where ``jump`` is the
product of the strides of the layers BEFORE it. Each layer is a tuple ``(kernel_size, stride,
padding, dilation)``; padding moves the region but does not change its size.

Graded against a measurement, not the formula: a stack of 1-D convolutions with all-ones
kernels in torch, and the input positions whose gradient, for the centre output, is nonzero.
"""

import numpy as np

from ... import pytorch
from ...exercise import Case, Exercise, mistake

PUBLIC = [[(3, 1, 1, 1)],
          [(3, 1, 1, 1)] * 3,
          [(3, 2, 1, 1), (3, 2, 1, 1), (3, 1, 1, 1)],
          [(5, 1, 2, 1), (2, 2, 0, 1), (5, 1, 2, 1), (2, 2, 0, 1)],
          [(3, 1, 2, 2), (3, 1, 4, 4)],
          [(7, 2, 3, 1), (3, 2, 1, 1), (3, 1, 1, 1), (3, 1, 1, 1)]]


def public():
    return [Case((list(layers),)) for layers in PUBLIC]


def hidden(rng):
    """Stacks of 1 to 5 layers: kernels 1-7, strides 1-3, padding 0-2, dilation 1-3."""
    cases = []
    for depth in (1, 2, 3, 4, 5, 3):
        layers = [tuple(int(v) for v in rng.integers([1, 1, 0, 1], [8, 4, 3, 4]))
                  for _ in range(depth)]
        cases.append(Case((layers,)))
    return cases


def _formula(layers):
    size, jump = 1, 1
    for kernel, stride, _, dilation in layers:
        size += (kernel - 1) * dilation * jump
        jump *= stride
    return size, jump


def reference(layers):
    t = pytorch.torch()
    theory, jump = _formula(layers)
    x = t.zeros(1, 1, 4 * theory + 8 * jump + 64, dtype=t.float64, requires_grad=True)
    y = x
    for kernel, stride, padding, dilation in layers:
        w = t.ones(1, 1, kernel, dtype=t.float64)
        y = t.nn.functional.conv1d(y, w, stride=stride, padding=padding, dilation=dilation)
    y[0, 0, y.shape[-1] // 2].backward()
    touched = np.flatnonzero(x.grad[0, 0].numpy())
    return int(touched[-1] - touched[0] + 1)


def _recurrence(layers, use_stride=True, use_dilation=True, own_stride=False):
    size, jump = 1, 1
    for kernel, stride, _, dilation in layers:
        if own_stride and use_stride:
            jump *= stride
        size += (kernel - 1) * (dilation if use_dilation else 1) * jump
        if use_stride and not own_stride:
            jump *= stride
    return size


@mistake("the strides are ignored: each layer adds (kernel - 1) * dilation * (the product of "
         "the strides of the layers BEFORE it)")
def strides_ignored(layers):
    return _recurrence(layers, use_stride=False)


@mistake("the dilation is ignored: a dilated kernel adds (kernel - 1) * dilation")
def dilation_ignored(layers):
    return _recurrence(layers, use_dilation=False)


@mistake("each layer's own stride is included in its jump: only the strides of the layers "
         "before it count")
def own_stride_included(layers):
    return _recurrence(layers, own_stride=True)


@mistake("the kernel sizes are summed: each layer adds (kernel - 1) * dilation * jump, "
         "starting from 1")
def kernels_summed(layers):
    return sum(kernel for kernel, _, _, _ in layers)


@mistake("the starting 1 is forgotten: one output pixel sees 1 input pixel before any layer")
def plus_one_forgotten(layers):
    return _recurrence(layers) - 1


@mistake("the padding changes the size: padding shifts the window but does not change the "
         "receptive field's size")
def padding_added(layers):
    jump, extra = 1, 0
    for _, stride, padding, _ in layers:
        extra += 2 * padding * jump
        jump *= stride
    return _recurrence(layers) + extra


EXERCISE = Exercise(
    name="receptive_field_size", signature="receptive_field_size(layers)",
    returns="the receptive field's size in input pixels: an int", points=2, space={},
    promises=(("a dilated layer", lambda v: any(layer[3] > 1 for layer in v["layers"]), "public"),
              ("a strided layer before another layer",
               lambda v: any(layer[1] > 1 for layer in v["layers"][:-1]), "public")),
    public=public, hidden=hidden, reference=reference,
    mistakes=(strides_ignored, dilation_ignored, own_stride_included, kernels_summed,
              plus_one_forgotten, padding_added))
