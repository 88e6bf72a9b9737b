"""Receptive fields: which input pixels one output of a convnet can see.

Two ways to find it, and the course checks that they agree:

1. **The recurrence** (:func:`receptive_field`), arithmetic on the layers' hyperparameters.
   Walk up the stack, layer ``l`` having kernel ``k_l``, stride ``s_l``, padding ``p_l`` and
   dilation ``d_l``; start from one input pixel (``r_0 = 1``, ``j_0 = 1``, ``first_0 = 0``)::

       r_l     = r_{l-1} + (k_l - 1) * d_l * j_{l-1}     size of the region, in input pixels
       j_l     = j_{l-1} * s_l                           jump: input pixels between neighbours
       first_l = first_{l-1} - p_l * j_{l-1}             first input pixel seen by output 0

   Output ``i`` of layer ``l`` sees input pixels ``first_l + i*j_l`` to
   ``first_l + i*j_l + r_l - 1`` (the same rule for rows and for columns); its centre is
   ``centre_l + i*j_l`` with ``centre_l = first_l + (r_l - 1) / 2``. Padding does not change the
   size, only where the region sits: with padding, regions near the border hang over the edge
   and are cut by it. Pooling layers are windows too, so they enter the recurrence like
   convolutions; activations and normalisations do not change the field.

2. **The measurement** (:func:`empirical_receptive_field`): ask autograd for the gradient of
   one output with respect to the input. The pixels with a nonzero gradient are exactly the
   pixels that output can see.

The *effective* receptive field (:func:`effective_receptive_field`, Luo et al., 2016) is the
gradient's magnitude averaged over random inputs and weights: most of it sits in a small,
roughly Gaussian blob in the middle of the theoretical field.

Layers are given as dicts ``dict(kernel_size=3, stride=1, padding=0, dilation=1)`` (missing
keys take these defaults, as in ``torch.nn.Conv2d``) or as tuples
``(kernel_size, stride, padding, dilation)``; square kernels, one number per hyperparameter.
torch is imported only inside the functions that measure.
"""

import copy

import numpy as np

from course_utils.shapes import conv_output_size
from course_utils.utils import pair

LAYER_DEFAULTS = dict(kernel_size=1, stride=1, padding=0, dilation=1)


def as_layer(layer):
    """One layer's geometry as ``dict(kernel_size, stride, padding, dilation)``.

    Accepts a dict (missing keys default to stride 1, padding 0, dilation 1, as in
    ``torch.nn.Conv2d``) or a tuple ``(kernel_size, stride, padding, dilation)``.
    """
    if isinstance(layer, dict):
        if "kernel_size" not in layer:
            raise ValueError(f"a layer needs a kernel_size; got {layer!r}")
        unknown = set(layer) - set(LAYER_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown layer keys {sorted(unknown)}; use {list(LAYER_DEFAULTS)}")
        values = {**LAYER_DEFAULTS, **layer}
    else:
        values = dict(zip(LAYER_DEFAULTS, layer))
        if len(values) != 4:
            raise ValueError(f"a layer tuple is (kernel_size, stride, padding, dilation); got {layer!r}")
    return {name: int(value) for name, value in values.items()}


def receptive_field(layers):
    """The receptive field of every layer of a stack, in input pixels (the recurrence above).

    layers: list of layers (dicts or ``(kernel_size, stride, padding, dilation)`` tuples),
    first layer first. Returns one dict per layer, in the same order, with

    - ``size``:  side of the square region of the input one output sees (``r_l``);
    - ``jump``:  how far apart, in input pixels, neighbouring outputs' regions are (``j_l``,
      the product of the strides so far, also called the effective stride);
    - ``centre``: centre of the region of output 0, in input pixel coordinates (pixel ``x``
      has centre ``x``); a half-integer when the region's size is even;
    - ``first``: first input pixel of the region of output 0 (negative when padding makes
      the region hang over the border);
    - ``start``: the same number as ``centre``, under the name some receptive-field
      calculators give it (kept so that code written for that name still works; it is the
      centre, not the first pixel, which is ``first``).

    Example: three 3x3 convolutions with stride 1 give sizes 3, 5, 7 (``1 + L * (K - 1)``).
    """
    size, jump, first = 1, 1, 0
    table = []
    for layer in map(as_layer, layers):
        size += (layer["kernel_size"] - 1) * layer["dilation"] * jump
        first -= layer["padding"] * jump
        jump *= layer["stride"]
        centre = first + (size - 1) / 2
        table.append(dict(size=size, jump=jump, centre=centre, first=first, start=centre))
    return table


def input_region(layers, index, input_size=None):
    """Input pixels ``(first, last)``, inclusive, that output ``index`` of the last layer sees.

    Along one axis (use it once for rows and once for columns). With ``input_size`` the
    region is cut to the image, ``0 .. input_size - 1``, as padding cuts it in practice;
    without it the region may start below 0 or end past the image.
    """
    if not layers:
        first, last = index, index
    else:
        top = receptive_field(layers)[-1]
        first = top["first"] + index * top["jump"]
        last = first + top["size"] - 1
    if input_size is not None:
        first, last = max(first, 0), min(last, input_size - 1)
    return first, last


def layer_sizes(layers, input_size):
    """Spatial size of the input and of every layer's output, along one axis (PyTorch's floor
    rule, :func:`course_utils.shapes.conv_output_size`): a list of ``len(layers) + 1`` ints."""
    sizes = [input_size]
    for layer in map(as_layer, layers):
        sizes.append(conv_output_size(sizes[-1], **layer))
    return sizes


def positions_seen(layers, index, input_size):
    """Exactly which positions of every layer output ``index`` of the last layer depends on.

    Along one axis; returns a list of sorted int arrays, one per layer from the input
    (element 0) to the last layer (element ``len(layers)``, which is ``[index]``). Walking
    down one layer, output ``i`` reads positions ``i*stride - padding + u*dilation`` for
    ``u = 0 .. kernel_size - 1``; positions that fall in the padding (outside
    ``0 .. size - 1``) read zeros and are dropped. So this is the recurrence's region with
    its two refinements: the border cuts it, and a dilation or a stride larger than the
    kernel leaves holes in it. Its hull is what :func:`empirical_receptive_field` measures.
    """
    layers = [as_layer(layer) for layer in layers]
    sizes = layer_sizes(layers, input_size)
    if not 0 <= index < sizes[-1]:
        raise IndexError(f"index {index} is outside the last layer's {sizes[-1]} positions")
    seen = [np.array([index])]
    for layer, size in zip(reversed(layers), reversed(sizes[:-1])):
        offsets = np.arange(layer["kernel_size"]) * layer["dilation"] - layer["padding"]
        below = np.unique((seen[0][:, None] * layer["stride"] + offsets).ravel())
        seen.insert(0, below[(below >= 0) & (below < size)])
    return seen


def layers_from_model(model):
    """The geometry of every convolution and pooling layer of a torch model, in order.

    Walks the model's modules (``model.modules()``, the order they are registered in, which is
    the order a ``torch.nn.Sequential`` runs them) and returns a list of layer dicts for
    ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d``; activations and normalisations do not change
    the field and are skipped. Stops at the first ``Flatten`` or ``Linear``: after it every
    output sees the whole image. Square kernels only.
    """
    import torch.nn as nn

    layers = []
    for module in model.modules():
        if isinstance(module, (nn.Flatten, nn.Linear)):
            break
        if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            geometry = dict(kernel_size=module.kernel_size,
                            stride=module.stride or module.kernel_size,  # pools: None
                            padding=module.padding, dilation=getattr(module, "dilation", 1))
            sides = {name: pair(value, name) for name, value in geometry.items()}
            if any(height != width for height, width in sides.values()):
                raise ValueError(
                    f"only square kernels, strides and paddings are supported; got {geometry}")
            layers.append({name: height for name, (height, _) in sides.items()})
    return layers


def _output_value(output, output_index):
    """``output[:, channel, row, col]`` summed over the batch; ``output_index`` is
    ``(row, col)`` (channel 0) or ``(channel, row, col)``."""
    if output.ndim != 4:
        raise ValueError(
            f"the model's output has shape {tuple(output.shape)}; a receptive field needs a "
            "feature map (N, C, H, W). Pass only the convolutional part of the network.")
    channel, row, col = (0, *output_index) if len(output_index) == 2 else output_index
    height, width = output.shape[2:]
    if not (0 <= row < height and 0 <= col < width):
        raise IndexError(f"output_index {tuple(output_index)} is outside the {height}x{width} output")
    return output[:, channel, row, col].sum()


def wiring_copy(model):
    """A float64 copy of ``model`` in which every connection carries gradient.

    The receptive field is a matter of wiring, not of weight values, but a single gradient can
    miss pixels by accident: a max pool passes gradient to one winner per window, a ReLU that
    is off passes none, and positive and negative paths can cancel. In the copy, every
    convolution's weights are the positive constant ``1 / fan_in`` with zero bias, and every
    pooling layer averages its window (same kernel, stride, padding and dilation). Fed a
    positive input, every activation is then positive and every path adds a positive amount,
    so the gradient is nonzero exactly on the receptive field.
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class WindowMean(nn.Module):
        """Stands in for a pool: the mean of each window, as a depthwise convolution with the
        pool's kernel, stride, padding and dilation (so the same wiring), which passes
        gradient to every pixel of the window."""

        def __init__(self, pool):
            super().__init__()
            self.kernel_size = pair(pool.kernel_size, "kernel_size")
            self.stride = pool.kernel_size if pool.stride is None else pool.stride
            self.padding, self.dilation = pool.padding, getattr(pool, "dilation", 1)

        def forward(self, x):
            height, width = self.kernel_size
            weight = x.new_full((x.shape[1], 1, height, width), 1.0 / (height * width))
            return F.conv2d(x, weight, stride=self.stride, padding=self.padding,
                            dilation=self.dilation, groups=x.shape[1])

    def rewire(module):
        for name, child in module.named_children():
            if isinstance(child, (nn.MaxPool2d, nn.AvgPool2d)):
                setattr(module, name, WindowMean(child))
            else:
                rewire(child)

    wired = copy.deepcopy(model).double()
    rewire(wired)
    with torch.no_grad():
        for module in wired.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                module.weight.fill_(1.0 / module.weight[0].numel())
                if module.bias is not None:
                    module.bias.zero_()
    return wired.eval()


def input_gradient(model, input, output_index):
    """The gradient of one output value with respect to the input, as a NumPy (H, W) map.

    model: a torch module mapping (N, C, H, W) to a feature map (N, C', H', W');
    input: a tensor (N, C, H, W) or (C, H, W); output_index: ``(row, col)`` or
    ``(channel, row, col)``. Returns ``|d output / d input|`` summed over the batch and the
    input channels, shape (H, W). Plain autograd: no change to the model.
    """
    import torch

    x = torch.as_tensor(input)
    x = (x[None] if x.ndim == 3 else x).detach().clone().requires_grad_(True)
    _output_value(model(x), output_index).backward()
    return x.grad.abs().sum(dim=(0, 1)).double().numpy()


def empirical_receptive_field(model, input_shape, output_index):
    """The receptive field measured with autograd: the bounding box of the input pixels on
    which one output's gradient is nonzero.

    model: a torch module mapping (N, C, H, W) to a feature map; input_shape: ``(C, H, W)``
    or ``(N, C, H, W)``; output_index: ``(row, col)`` or ``(channel, row, col)`` of the output.
    The gradient is taken in :func:`wiring_copy` (positive weights, pools that average), fed
    an input of ones, so no pixel is missed by accident. Returns
    ``((row_first, row_last), (col_first, col_last))``, inclusive and inside the image.
    :func:`positions_seen` predicts it exactly; the recurrence (:func:`input_region` with
    ``input_size``) predicts it whenever the region is not cut by the border, and in ordinary
    networks (LeNet, "same"-padded stacks) also when it is.
    """
    import torch

    shape = tuple(input_shape) if len(input_shape) == 4 else (1, *input_shape)
    gradient = input_gradient(wiring_copy(model), torch.ones(shape, dtype=torch.float64),
                              output_index)
    return _bounding_box(gradient > 0)


def empirical_receptive_fields(model, input_shape, channel=0):
    """:func:`empirical_receptive_field` for every position of the output map at once.

    One backward pass: the input is a batch of ``H_out * W_out`` copies of ones, and copy
    ``n`` asks for the gradient of output position ``n`` (inputs in a batch do not interact).
    input_shape: ``(C, H, W)``. Returns an int array (H_out, W_out, 2, 2) whose entry
    ``[row, col]`` is ``((row_first, row_last), (col_first, col_last))``.
    """
    import torch

    wired = wiring_copy(model)
    with torch.no_grad():
        height, width = wired(torch.ones((1, *input_shape), dtype=torch.float64)).shape[2:]
    x = torch.ones((height * width, *input_shape), dtype=torch.float64, requires_grad=True)
    rows, cols = np.divmod(np.arange(height * width), width)
    wired(x)[np.arange(height * width), channel, rows, cols].sum().backward()
    seen = (x.grad != 0).any(dim=1).numpy()  # (H_out * W_out, H, W)
    boxes = [_bounding_box(mask) for mask in seen]
    return np.array(boxes, dtype=int).reshape(height, width, 2, 2)


def _bounding_box(mask):
    """``((row_first, row_last), (col_first, col_last))`` of the True cells of a 2-D mask."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        raise ValueError("the output depends on no input pixel (its whole region is padding)")
    return (int(rows[0]), int(rows[-1])), (int(cols[0]), int(cols[-1]))


def _redraw_weights(model, generator=None):
    """Fresh random weights for every convolution and linear layer: He (Kaiming) normal, which
    keeps the signal's scale through ReLUs, and zero biases, so that the output depends on the
    input rather than on the biases (with PyTorch's default initialisation the signal fades
    layer by layer and a deep output is nearly constant). Other layers with parameters
    (normalisations) get their ``reset_parameters()``."""
    import torch
    from torch import nn

    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu", generator=generator)
                if module.bias is not None:
                    module.bias.zero_()
            elif module is not model and hasattr(module, "reset_parameters"):
                module.reset_parameters()


def effective_receptive_field(model, input_shape, output_index=None, weight_draws=8,
                              inputs_per_draw=8, seed=0):
    """The effective receptive field: ``|d output / d input|`` averaged over random inputs and
    random weights, normalised to sum to 1 (Luo et al., 2016).

    model: a torch module mapping (N, C, H, W) to a feature map; it is copied and its weights
    are redrawn ``weight_draws`` times (He initialisation, zero biases: see
    :func:`_redraw_weights`); each draw sees ``inputs_per_draw`` standard normal inputs of
    shape ``input_shape`` ``(C, H, W)``. output_index: ``(row, col)`` or ``(channel, row, col)``,
    the centre of the output map by default. Returns a float64 array (H, W) summing to 1.
    """
    import torch

    generator = torch.Generator().manual_seed(seed)
    model = copy.deepcopy(model).double()
    shape = (inputs_per_draw, *input_shape)
    if output_index is None:
        with torch.no_grad():
            height, width = model(torch.zeros((1, *input_shape), dtype=torch.float64)).shape[2:]
        output_index = (height // 2, width // 2)
    total = np.zeros(input_shape[1:])
    for _ in range(weight_draws):
        _redraw_weights(model, generator)
        x = torch.randn(shape, generator=generator, dtype=torch.float64)
        # Inputs in a batch do not interact, so one backward pass gives every input's gradient.
        x.requires_grad_(True)
        _output_value(model(x), output_index).backward()
        total += x.grad.abs().sum(dim=1).mean(dim=0).numpy()
    return total / total.sum()
