"""The classic architectures after LeNet, stage by stage, computed with the course's calculators.

AlexNet (2012), VGG-16 (2014), GoogLeNet (2014) and ResNet-18 (2015) are written here as lists
of *layer descriptions* (small records: ``Conv``, ``Pool``, ``BatchNorm``, ``Linear``, ...,
and the two blocks that are not a chain of layers, ``Residual`` and ``Concat``). Their output
shapes, parameters and multiply-adds come from the functions of notebooks 03 and 05
(:func:`course_utils.shapes.conv_output_size`, :func:`~course_utils.shapes.pool_output_size`,
:func:`~course_utils.shapes.conv_parameter_count`, :func:`~course_utils.shapes.conv_multiply_adds`)
and their receptive fields from the recurrence of notebook 04
(:func:`course_utils.receptive_field.receptive_field`):

- :func:`layer_table` and :func:`stage_table` give one row per layer or per stage: the output
  shape (C, H, W) or (features,), the parameters, the multiply-adds for one image (weights
  only: no bias additions, no batch norm, ReLU or pooling, as ``torch.utils.flop_counter``
  counts), and the receptive field and jump at that point (None after ``Flatten``);
- :func:`torch_stage_table` gives the same rows for the real ``torchvision.models`` network,
  built with ``weights=None`` on the meta device (no download, and not one of VGG-16's 138
  million parameters is allocated): output shapes from forward hooks, parameters from the
  modules, multiply-adds from ``FlopCounterMode``. The tests and notebook 08 check that the two
  agree.

Blocks: in a ``Residual`` block the output is ``main(x) + shortcut(x)`` (ResNet, notebook 08);
in a ``Concat`` block it is the branches' outputs stacked along the channels (Inception). A
block's receptive field is that of its path with the largest one (the main path; the widest
branch), which is the largest field among its output channels.

torch and torchvision are imported only inside the functions that build or measure a torch
model.
"""

import dataclasses

from course_utils.receptive_field import receptive_field
from course_utils.shapes import (conv_multiply_adds, conv_output_size, conv_parameter_count,
                                 pool_output_size)


# --------------------------------------------------------------------------------------------
# Layer descriptions (the arguments of the torch.nn module each stands for)


@dataclasses.dataclass(frozen=True)
class Conv:
    """``nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups=..., bias=...)``,
    square kernels."""
    in_channels: int
    out_channels: int
    kernel_size: int
    stride: int = 1
    padding: int = 0
    groups: int = 1
    bias: bool = True


@dataclasses.dataclass(frozen=True)
class Pool:
    """``nn.MaxPool2d(kernel_size, stride, padding, ceil_mode=...)`` (or average, ``kind="avg"``);
    ``stride=None`` is the kernel size, as in PyTorch."""
    kernel_size: int
    stride: int | None = None
    padding: int = 0
    ceil_mode: bool = False
    kind: str = "max"


@dataclasses.dataclass(frozen=True)
class BatchNorm:
    """``nn.BatchNorm2d(channels)``: 2 parameters per channel (gamma, beta); the running
    statistics are buffers, not parameters."""
    channels: int


@dataclasses.dataclass(frozen=True)
class AdaptiveAvgPool:
    """``nn.AdaptiveAvgPool2d(output_size)``; ``output_size=1`` is global average pooling."""
    output_size: int = 1


@dataclasses.dataclass(frozen=True)
class Flatten:
    """``nn.Flatten()`` (or ``torch.flatten(x, 1)`` in a model's forward)."""


@dataclasses.dataclass(frozen=True)
class Linear:
    """``nn.Linear(in_features, out_features, bias)``."""
    in_features: int
    out_features: int
    bias: bool = True


@dataclasses.dataclass(frozen=True)
class Residual:
    """``main(x) + shortcut(x)``; an empty shortcut is the identity. (The ReLU after the
    addition changes no count.)"""
    main: tuple
    shortcut: tuple = ()


@dataclasses.dataclass(frozen=True)
class Concat:
    """The branches' outputs stacked along the channel axis (an Inception block)."""
    branches: tuple


@dataclasses.dataclass(frozen=True)
class Architecture:
    """A network as named stages of named layers, and where it lives in torchvision.

    stages: ``((stage name, ((layer name, layer), ...)), ...)``; torchvision: the builder's
    name in ``torchvision.models`` and its keyword arguments (``weights=None`` is added);
    torch_stages: for each stage, the names of the torchvision modules that compute it, in
    the order they run (the stage's output is the last one's).
    """
    name: str
    input_shape: tuple
    stages: tuple
    torchvision: tuple = None
    torch_stages: tuple = None


# --------------------------------------------------------------------------------------------
# Building blocks


def conv_bn(in_channels, out_channels, kernel_size, stride=1, padding=0):
    """A convolution without bias followed by batch norm (torchvision's ResNet and GoogLeNet)."""
    return (Conv(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            BatchNorm(out_channels))


def vgg_stage(in_channels, out_channels, convs):
    """``convs`` 3x3 convolutions (padding 1) with ``out_channels`` filters, then a 2x2 max-pool
    with stride 2: one stage of VGG (the ReLUs change no count)."""
    layers = [Conv(in_channels if index == 0 else out_channels, out_channels, 3, padding=1)
              for index in range(convs)]
    return tuple(layers) + (Pool(2, 2),)


def basic_block(in_channels, out_channels, stride=1):
    """ResNet-18/34's block: 3x3 conv (stride) + BN + ReLU, 3x3 conv + BN, plus the shortcut
    (1x1 conv with the stride + BN when the shape changes, else the identity), then ReLU."""
    main = conv_bn(in_channels, out_channels, 3, stride, 1) + conv_bn(out_channels, out_channels, 3, 1, 1)
    changes = stride != 1 or in_channels != out_channels
    return Residual(main, conv_bn(in_channels, out_channels, 1, stride) if changes else ())


def bottleneck_block(in_channels, width, stride=1, expansion=4):
    """ResNet-50/101/152's block as torchvision builds it: 1x1 conv to ``width``, 3x3 conv with
    the stride, 1x1 conv to ``expansion * width``, each without bias and followed by BN; the
    shortcut is a 1x1 conv with the stride + BN when the shape changes, else the identity.

    torchvision strides the 3x3 convolution ("ResNet v1.5"); the 2015 paper strides the first
    1x1, which gives the same parameters but computes the 1x1 at a quarter of the positions.
    """
    out_channels = expansion * width
    main = (conv_bn(in_channels, width, 1) + conv_bn(width, width, 3, stride, 1)
            + conv_bn(width, out_channels, 1))
    changes = stride != 1 or in_channels != out_channels
    return Residual(main, conv_bn(in_channels, out_channels, 1, stride) if changes else ())


def inception_block(in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj, five_kernel=3):
    """GoogLeNet's Inception block: four branches, stacked along the channels:
    1x1; 1x1 reduce then 3x3; 1x1 reduce then the "5x5"; 3x3 max-pool (stride 1) then a 1x1
    projection. Every convolution is conv (no bias) + BN, as in torchvision.

    ``five_kernel``: torchvision's GoogLeNet uses a 3x3 kernel in the branch the paper draws
    as 5x5 (torchvision's code calls it a known bug, kept for its pretrained weights); pass 5
    for the paper's kernel.
    """
    return Concat((
        conv_bn(in_channels, c1, 1),
        conv_bn(in_channels, c3_reduce, 1) + conv_bn(c3_reduce, c3, 3, 1, 1),
        conv_bn(in_channels, c5_reduce, 1) + conv_bn(c5_reduce, c5, five_kernel, 1, five_kernel // 2),
        (Pool(3, 1, 1, ceil_mode=True),) + conv_bn(in_channels, pool_proj, 1),
    ))


def _named(prefix, layers):
    """``(("prefix.0", layer), ("prefix.1", layer), ...)``."""
    return tuple((f"{prefix}.{index}", layer) for index, layer in enumerate(layers))


# --------------------------------------------------------------------------------------------
# The architectures


def lenet(variant="lecture"):
    """LeNet, for comparison: ``"lecture"`` is the lecture's LeNet of notebook 07 on a 1x28x28
    digit (20 and 50 filters of 5x5 with padding 2, ReLU, max-pooling, 500 hidden units);
    ``"1998"`` is LeNet-5 on a 1x32x32 digit as usually simplified (6 and 16 filters of 5x5,
    tanh, average pooling, fully connected 120, 84, 10; the paper's C3 saw only some of S2's
    maps, and its pooling had trainable weights)."""
    if variant == "lecture":
        stages = (("conv1 + pool", (("conv1", Conv(1, 20, 5, padding=2)), ("pool1", Pool(2)))),
                  ("conv2 + pool", (("conv2", Conv(20, 50, 5, padding=2)), ("pool2", Pool(2)))),
                  ("fc1", (("flatten", Flatten()), ("fc1", Linear(50 * 7 * 7, 500)))),
                  ("fc2", (("fc2", Linear(500, 10)),)))
        return Architecture("LeNet (lecture)", (1, 28, 28), stages)
    if variant == "1998":
        stages = (("C1 + S2", (("C1", Conv(1, 6, 5)), ("S2", Pool(2, kind="avg")))),
                  ("C3 + S4", (("C3", Conv(6, 16, 5)), ("S4", Pool(2, kind="avg")))),
                  ("C5", (("flatten", Flatten()), ("C5", Linear(16 * 5 * 5, 120)))),
                  ("F6", (("F6", Linear(120, 84)),)), ("output", (("output", Linear(84, 10)),)))
        return Architecture("LeNet-5 (1998)", (1, 32, 32), stages)
    raise ValueError(f"variant must be 'lecture' or '1998', not {variant!r}")


def alexnet(variant="torchvision"):
    """AlexNet on a 3x224x224 image.

    ``"torchvision"``: ``torchvision.models.alexnet``, the single-GPU variant of Krizhevsky's
    later "one weird trick" paper (64, 192, 384, 256, 256 filters; EECS 498 L7 shows its 64
    first-layer filters). ``"paper"``: the 2012 network split over two GPUs, 96 = 2 x 48
    first-layer filters, and conv2, conv4 and conv5 connected only within each GPU (``groups=2``);
    padding 2 in conv1 makes the lecture's 224 input give its 55x55 maps.
    """
    if variant == "paper":
        widths, groups = (96, 256, 384, 384, 256), (1, 2, 1, 2, 2)
    elif variant == "torchvision":
        widths, groups = (64, 192, 384, 256, 256), (1,) * 5
    else:
        raise ValueError(f"variant must be 'torchvision' or 'paper', not {variant!r}")
    c1, c2, c3, c4, c5 = widths
    g1, g2, g3, g4, g5 = groups
    stages = (
        ("conv1 + pool", (("conv1", Conv(3, c1, 11, 4, 2, g1)), ("pool1", Pool(3, 2)))),
        ("conv2 + pool", (("conv2", Conv(c1, c2, 5, 1, 2, g2)), ("pool2", Pool(3, 2)))),
        ("conv3", (("conv3", Conv(c2, c3, 3, 1, 1, g3)),)),
        ("conv4", (("conv4", Conv(c3, c4, 3, 1, 1, g4)),)),
        ("conv5 + pool", (("conv5", Conv(c4, c5, 3, 1, 1, g5)), ("pool5", Pool(3, 2)))),
        ("fc6", (("avgpool", AdaptiveAvgPool(6)), ("flatten", Flatten()),
                 ("fc6", Linear(c5 * 36, 4096)))),
        ("fc7", (("fc7", Linear(4096, 4096)),)),
        ("fc8", (("fc8", Linear(4096, 1000)),)),
    )
    if variant == "paper":
        return Architecture("AlexNet (2012 paper)", (3, 224, 224), stages)
    torch_stages = (("features.0", "features.1", "features.2"),
                    ("features.3", "features.4", "features.5"), ("features.6", "features.7"),
                    ("features.8", "features.9"), ("features.10", "features.11", "features.12"),
                    ("avgpool", "classifier.0", "classifier.1", "classifier.2"),
                    ("classifier.3", "classifier.4", "classifier.5"), ("classifier.6",))
    return Architecture("AlexNet", (3, 224, 224), stages, ("alexnet", {}), torch_stages)


#: VGG-16's stages: (input channels, output channels, convolutions).
VGG16_STAGES = ((3, 64, 2), (64, 128, 2), (128, 256, 3), (256, 512, 3), (512, 512, 3))


def vgg16():
    """VGG-16 (configuration D of the paper), ``torchvision.models.vgg16``, on 3x224x224."""
    stages, torch_stages, index = [], [], 0
    for number, (in_channels, out_channels, convs) in enumerate(VGG16_STAGES, start=1):
        layers = vgg_stage(in_channels, out_channels, convs)
        names = [f"conv{number}_{i + 1}" for i in range(convs)] + [f"pool{number}"]
        stages.append((f"stage {number}", tuple(zip(names, layers))))
        count = 2 * convs + 1                          # a ReLU after every convolution
        torch_stages.append(tuple(f"features.{i}" for i in range(index, index + count)))
        index += count
    stages += [("fc6", (("avgpool", AdaptiveAvgPool(7)), ("flatten", Flatten()),
                        ("fc6", Linear(512 * 49, 4096)))),
               ("fc7", (("fc7", Linear(4096, 4096)),)),
               ("fc8", (("fc8", Linear(4096, 1000)),))]
    torch_stages += [("avgpool", "classifier.0", "classifier.1", "classifier.2"),
                     ("classifier.3", "classifier.4", "classifier.5"), ("classifier.6",)]
    return Architecture("VGG-16", (3, 224, 224), tuple(stages), ("vgg16", {}), tuple(torch_stages))


def resnet18():
    """ResNet-18, ``torchvision.models.resnet18``, on 3x224x224: a 7x7 stride-2 stem and a
    max-pool, four stages of two basic blocks (64, 128, 256, 512 channels; every stage but the
    first halves the resolution in its first block), global average pooling and one linear
    layer."""
    stages = [("stem", (("conv1", Conv(3, 64, 7, 2, 3, bias=False)), ("bn1", BatchNorm(64)),
                        ("maxpool", Pool(3, 2, 1))))]
    in_channels = 64
    for number, channels in enumerate((64, 128, 256, 512), start=1):
        stride = 1 if number == 1 else 2
        blocks = (basic_block(in_channels, channels, stride), basic_block(channels, channels))
        stages.append((f"layer{number}", _named(f"layer{number}", blocks)))
        in_channels = channels
    stages.append(("head", (("avgpool", AdaptiveAvgPool(1)), ("flatten", Flatten()),
                            ("fc", Linear(512, 1000)))))
    torch_stages = (("conv1", "bn1", "relu", "maxpool"), ("layer1",), ("layer2",), ("layer3",),
                    ("layer4",), ("avgpool", "fc"))
    return Architecture("ResNet-18", (3, 224, 224), tuple(stages), ("resnet18", {}), torch_stages)


#: GoogLeNet's Inception blocks: name -> (in, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj).
INCEPTION_BLOCKS = {
    "3a": (192, 64, 96, 128, 16, 32, 32), "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64), "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64), "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128), "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


def googlenet(five_kernel=3):
    """GoogLeNet (Inception v1), ``torchvision.models.googlenet`` without its two auxiliary
    classifiers (which only train), on 3x224x224: a stem, nine Inception blocks in three
    stages with max-pools between them (``ceil_mode=True``, as torchvision), global average
    pooling and one linear layer. ``five_kernel=5`` gives the paper's 5x5 branch (see
    :func:`inception_block`); only the default is torchvision's network."""
    def block(name):
        return (f"inception{name}", inception_block(*INCEPTION_BLOCKS[name], five_kernel=five_kernel))

    stages = (
        ("stem", (("conv1", conv_bn(3, 64, 7, 2, 3)[0]), ("conv1.bn", BatchNorm(64)),
                  ("maxpool1", Pool(3, 2, ceil_mode=True)),
                  ("conv2", conv_bn(64, 64, 1)[0]), ("conv2.bn", BatchNorm(64)),
                  ("conv3", conv_bn(64, 192, 3, 1, 1)[0]), ("conv3.bn", BatchNorm(192)),
                  ("maxpool2", Pool(3, 2, ceil_mode=True)))),
        ("inception 3", (block("3a"), block("3b"), ("maxpool3", Pool(3, 2, ceil_mode=True)))),
        ("inception 4", tuple(block(n) for n in ("4a", "4b", "4c", "4d", "4e"))
         + (("maxpool4", Pool(2, 2, ceil_mode=True)),)),
        ("inception 5", (block("5a"), block("5b"))),
        ("head", (("avgpool", AdaptiveAvgPool(1)), ("flatten", Flatten()),
                  ("fc", Linear(1024, 1000)))),
    )
    torch_stages = (("conv1", "maxpool1", "conv2", "conv3", "maxpool2"),
                    ("inception3a", "inception3b", "maxpool3"),
                    ("inception4a", "inception4b", "inception4c", "inception4d", "inception4e",
                     "maxpool4"),
                    ("inception5a", "inception5b"), ("avgpool", "dropout", "fc"))
    if five_kernel != 3:
        return Architecture("GoogLeNet (5x5 branches)", (3, 224, 224), stages)
    return Architecture("GoogLeNet", (3, 224, 224), stages,
                        ("googlenet", {"aux_logits": False, "init_weights": False}), torch_stages)


#: The architectures of notebook 08 (and of its explorer), by name.
ARCHITECTURES = {"AlexNet": alexnet, "VGG-16": vgg16, "GoogLeNet": googlenet,
                 "ResNet-18": resnet18}


def get(name):
    """The architecture called ``name`` (a key of :data:`ARCHITECTURES`)."""
    if name not in ARCHITECTURES:
        raise KeyError(f"no architecture called {name!r}; known: {', '.join(ARCHITECTURES)}")
    return ARCHITECTURES[name]()


# --------------------------------------------------------------------------------------------
# The arithmetic


def _spatial(shape, layer):
    if len(shape) != 3:
        raise ValueError(f"{type(layer).__name__} needs a (C, H, W) input, got {shape}: "
                         "it cannot come after Flatten")
    return shape


def _apply(layer, shape):
    """(output shape, parameters, multiply-adds, geometry) of one layer on an input ``shape``;
    geometry is the list of ``(kernel_size, stride, padding, dilation)`` along its
    receptive-field path (empty for layers that do not move the field)."""
    if isinstance(layer, Conv):
        channels, height, width = _spatial(shape, layer)
        if channels != layer.in_channels:
            raise ValueError(f"{layer} gets {channels} channels")
        size = [conv_output_size(n, layer.kernel_size, layer.stride, layer.padding)
                for n in (height, width)]
        params = conv_parameter_count(layer.in_channels, layer.out_channels, layer.kernel_size,
                                      layer.bias, layer.groups)
        macs = conv_multiply_adds(layer.in_channels, layer.out_channels, layer.kernel_size,
                                  tuple(size), layer.groups)
        return ((layer.out_channels, *size), params, macs,
                [(layer.kernel_size, layer.stride, layer.padding, 1)])
    if isinstance(layer, Pool):
        channels, height, width = _spatial(shape, layer)
        stride = layer.kernel_size if layer.stride is None else layer.stride
        size = [pool_output_size(n, layer.kernel_size, stride, layer.padding,
                                 ceil_mode=layer.ceil_mode) for n in (height, width)]
        return (channels, *size), 0, 0, [(layer.kernel_size, stride, layer.padding, 1)]
    if isinstance(layer, BatchNorm):
        if _spatial(shape, layer)[0] != layer.channels:
            raise ValueError(f"{layer} gets {shape[0]} channels")
        return shape, 2 * layer.channels, 0, []
    if isinstance(layer, AdaptiveAvgPool):
        channels, height, width = _spatial(shape, layer)
        if height % layer.output_size or width % layer.output_size or height != width:
            raise ValueError(f"{layer} on {height}x{width}: only square inputs that "
                             f"{layer.output_size} divides are supported")
        kernel = height // layer.output_size
        return ((channels, layer.output_size, layer.output_size), 0, 0,
                [(kernel, kernel, 0, 1)] if kernel > 1 else [])
    if isinstance(layer, Flatten):
        features = 1
        for n in shape:
            features *= n
        return (features,), 0, 0, []
    if isinstance(layer, Linear):
        if len(shape) != 1 or shape[0] != layer.in_features:
            raise ValueError(f"{layer} gets an input of shape {shape}: flatten it first")
        params = layer.in_features * layer.out_features + (layer.out_features if layer.bias else 0)
        return (layer.out_features,), params, layer.in_features * layer.out_features, []
    if isinstance(layer, (Residual, Concat)):
        return _apply_block(layer, shape)
    raise TypeError(f"not a layer description: {layer!r}")


def _apply_path(layers, shape):
    params = macs = 0
    geometry = []
    for layer in layers:
        shape, p, m, g = _apply(layer, shape)
        params, macs, geometry = params + p, macs + m, geometry + g
    return shape, params, macs, geometry


def _growth(geometry):
    """Receptive-field size of a path on its own (the path with the largest one is the
    block's receptive-field path: every path of a block has the same total stride)."""
    return receptive_field(geometry)[-1]["size"] if geometry else 1


def _apply_block(block, shape):
    paths = (block.main, block.shortcut) if isinstance(block, Residual) else block.branches
    results = [_apply_path(path, shape) for path in paths]
    shapes = [result[0] for result in results]
    if isinstance(block, Residual):
        if shapes[0] != shapes[1]:
            raise ValueError(f"a residual block adds main {shapes[0]} and shortcut {shapes[1]}: "
                             "they must have the same shape")
        out = shapes[0]
    else:
        if len({s[1:] for s in shapes}) != 1:
            raise ValueError(f"Concat branches give spatial sizes {shapes}; they must agree")
        out = (sum(s[0] for s in shapes), *shapes[0][1:])
    geometry = max((result[3] for result in results), key=_growth)
    return (out, sum(r[1] for r in results), sum(r[2] for r in results), geometry)


def layer_table(architecture):
    """One row per layer of ``architecture``: a dict with ``stage``, ``name``, ``layer`` (the
    description), ``output_shape``, ``parameters``, ``multiply_adds``, and ``receptive_field``
    and ``jump`` (in input pixels, along one axis; None from ``Flatten`` on, where every
    output sees the whole image)."""
    shape, geometry, rows = tuple(architecture.input_shape), [], []
    flat = len(shape) != 3                       # features, not an image: no receptive field
    for stage, layers in architecture.stages:
        for name, layer in layers:
            shape, params, macs, path = _apply(layer, shape)
            geometry += path
            flat = flat or isinstance(layer, Flatten)
            field = receptive_field(geometry)[-1] if geometry else dict(size=1, jump=1)
            rows.append(dict(stage=stage, name=name, layer=layer, output_shape=tuple(shape),
                             parameters=params, multiply_adds=macs,
                             receptive_field=None if flat else field["size"],
                             jump=None if flat else field["jump"]))
    return rows


def stage_table(architecture):
    """One row per stage: ``stage``, ``output_shape`` (its last layer's), ``parameters`` and
    ``multiply_adds`` (summed over its layers), ``receptive_field`` and ``jump`` (after it)."""
    rows = []
    for row in layer_table(architecture):
        if not rows or rows[-1]["stage"] != row["stage"]:
            rows.append(dict(stage=row["stage"], parameters=0, multiply_adds=0))
        stage = rows[-1]
        stage["parameters"] += row["parameters"]
        stage["multiply_adds"] += row["multiply_adds"]
        stage.update(output_shape=row["output_shape"], receptive_field=row["receptive_field"],
                     jump=row["jump"])
    return rows


def totals(rows):
    """``dict(parameters=..., multiply_adds=...)`` summed over table rows."""
    return dict(parameters=sum(row["parameters"] for row in rows),
                multiply_adds=sum(row["multiply_adds"] for row in rows))


def cost(layers, input_shape):
    """Output shape, parameters, multiply-adds and receptive field of a list of layer
    descriptions (a block, a stage) on one input of ``input_shape``, (C, H, W) or (features,):
    a dict."""
    architecture = Architecture("layers", tuple(input_shape), (("layers", _named("layer", layers)),))
    row = stage_table(architecture)[0]
    return {key: row[key] for key in ("output_shape", "parameters", "multiply_adds",
                                      "receptive_field", "jump")}


def receptive_field_path(architecture):
    """The ``(kernel_size, stride, padding, dilation)`` of every layer on the receptive-field
    path of ``architecture`` up to ``Flatten``, in order (see :func:`layer_table`)."""
    shape, geometry = tuple(architecture.input_shape), []
    for _, layers in architecture.stages:
        for _, layer in layers:
            if isinstance(layer, Flatten):
                return geometry
            shape, _, _, path = _apply(layer, shape)
            geometry += path
    return geometry


# --------------------------------------------------------------------------------------------
# The same numbers from torch


def torchvision_model(architecture):
    """The torchvision network of ``architecture``, built with ``weights=None`` under
    ``torch.device("meta")``: the modules and their parameters' shapes exist, their values are
    never allocated. In evaluation mode."""
    import torch
    import torchvision

    if architecture.torchvision is None:
        raise ValueError(f"{architecture.name} is not a torchvision model; use torch_sequential")
    builder, kwargs = architecture.torchvision
    with torch.device("meta"):
        model = getattr(torchvision.models, builder)(weights=None, **kwargs)
    return model.eval()


def torch_sequential(architecture):
    """A ``torch.nn.Sequential`` on the meta device with one module per layer description (for
    chains of layers: no ``Residual`` or ``Concat``), and the ``torch_stages`` naming its
    modules stage by stage; for checking a description that torchvision does not have."""
    import torch
    from torch import nn

    def module(layer):
        if isinstance(layer, Conv):
            return nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride,
                             layer.padding, groups=layer.groups, bias=layer.bias)
        if isinstance(layer, Pool):
            kind = nn.MaxPool2d if layer.kind == "max" else nn.AvgPool2d
            return kind(layer.kernel_size, layer.stride, layer.padding, ceil_mode=layer.ceil_mode)
        if isinstance(layer, BatchNorm):
            return nn.BatchNorm2d(layer.channels)
        if isinstance(layer, AdaptiveAvgPool):
            return nn.AdaptiveAvgPool2d(layer.output_size)
        if isinstance(layer, Flatten):
            return nn.Flatten()
        if isinstance(layer, Linear):
            return nn.Linear(layer.in_features, layer.out_features, layer.bias)
        raise TypeError(f"torch_sequential builds chains of layers only, not {layer!r}")

    modules, torch_stages = [], []
    with torch.device("meta"):
        for _, layers in architecture.stages:
            names = []
            for _, layer in layers:
                names.append(str(len(modules)))
                modules.append(module(layer))
            torch_stages.append(tuple(names))
        model = nn.Sequential(*modules)
    return model.eval(), tuple(torch_stages)


def torch_multiply_adds(module, input_shape):
    """Multiply-adds of ``module`` on a meta tensor of ``input_shape``, counted by torch's
    ``FlopCounterMode`` (2 FLOPs per multiply-add; bias, BN, ReLU and pooling count nothing)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter, torch.no_grad():
        module(torch.empty(*input_shape, device="meta"))
    return int(counter.get_total_flops() // 2)


def torch_stage_table(architecture, model=None, torch_stages=None):
    """The rows of :func:`stage_table` measured on the torch model: ``stage``, ``output_shape``
    (a forward hook on the stage's last module, batch axis dropped), ``parameters`` (its
    modules' parameters) and ``multiply_adds`` (``FlopCounterMode`` on each of its modules, fed
    a meta tensor of the shape that module received in the forward pass).

    model: by default :func:`torchvision_model` (or :func:`torch_sequential` for a description
    torchvision does not have); torch_stages: module names per stage (by default the
    architecture's)."""
    import torch

    if model is None:
        if architecture.torchvision is None:
            model, torch_stages = torch_sequential(architecture)
        else:
            model = torchvision_model(architecture)
    torch_stages = torch_stages or architecture.torch_stages
    modules = dict(model.named_modules())
    seen = {}

    def hook(name):
        def record(module, inputs, output):
            seen[name] = (tuple(inputs[0].shape), tuple(output.shape))
        return record

    handles = [modules[name].register_forward_hook(hook(name))
               for names in torch_stages for name in names]
    try:
        with torch.no_grad():
            model(torch.empty(1, *architecture.input_shape, device="meta"))
    finally:
        for handle in handles:
            handle.remove()
    rows = []
    for (stage, _), names in zip(architecture.stages, torch_stages):
        rows.append(dict(
            stage=stage, output_shape=seen[names[-1]][1][1:],
            parameters=sum(p.numel() for name in names for p in modules[name].parameters()),
            multiply_adds=sum(torch_multiply_adds(modules[name], seen[name][0]) for name in names)))
    return rows
