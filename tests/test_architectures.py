"""The architectures computed with the course's calculators agree with torchvision: per stage
(output shape by forward hooks, parameters, multiply-adds by FlopCounterMode, on the meta
device) and in total; the blocks agree with torchvision's own blocks; the receptive-field path
is torchvision's geometry, and its field is what autograd measures."""

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from course_utils import architectures as A
from course_utils.receptive_field import empirical_receptive_field, layers_from_model, receptive_field

COMPARED = ("output_shape", "parameters", "multiply_adds")


def torch_rows(architecture, **kwargs):
    return [{key: row[key] for key in ("stage",) + COMPARED}
            for row in A.torch_stage_table(architecture, **kwargs)]


def our_rows(architecture):
    return [{key: row[key] for key in ("stage",) + COMPARED} for row in A.stage_table(architecture)]


@pytest.mark.parametrize("name", list(A.ARCHITECTURES))
def test_every_stage_agrees_with_torchvision(name):
    architecture = A.get(name)
    assert our_rows(architecture) == torch_rows(architecture)


@pytest.mark.parametrize("name", list(A.ARCHITECTURES))
def test_totals_agree_with_the_whole_torchvision_network(name):
    architecture = A.get(name)
    model = A.torchvision_model(architecture)
    assert all(p.device.type == "meta" for p in model.parameters())   # nothing allocated
    totals = A.totals(A.stage_table(architecture))
    assert totals["parameters"] == sum(p.numel() for p in model.parameters())
    assert totals["multiply_adds"] == A.torch_multiply_adds(model, (1, *architecture.input_shape))


@pytest.mark.parametrize("architecture", [A.alexnet("paper"), A.lenet("lecture"), A.lenet("1998")],
                         ids=lambda a: a.name)
def test_descriptions_without_torchvision_agree_with_torch_modules(architecture):
    assert our_rows(architecture) == torch_rows(architecture)


def test_known_totals():
    """The numbers the lectures quote (or that their digests recompute) for these networks."""
    parameters = {name: A.totals(A.stage_table(A.get(name)))["parameters"] for name in A.ARCHITECTURES}
    assert parameters == {"AlexNet": 61_100_840, "VGG-16": 138_357_544, "GoogLeNet": 6_624_904,
                          "ResNet-18": 11_689_512}
    assert A.totals(A.stage_table(A.alexnet("paper")))["parameters"] == 60_965_224
    assert A.totals(A.stage_table(A.lenet("1998")))["parameters"] == 61_706


@pytest.mark.parametrize("config", [(256, 64, 56, 1), (64, 64, 56, 1), (256, 128, 28, 2),
                                    (1024, 512, 15, 2), (7, 3, 5, 2)])
def test_bottleneck_block_is_torchvisions(config):
    from torchvision.models.resnet import Bottleneck, conv1x1

    in_channels, width, size, stride = config
    with torch.device("meta"):
        downsample = None
        if stride != 1 or in_channels != 4 * width:
            downsample = nn.Sequential(conv1x1(in_channels, 4 * width, stride), nn.BatchNorm2d(4 * width))
        block = Bottleneck(in_channels, width, stride, downsample)
    ours = A.cost([A.bottleneck_block(in_channels, width, stride)], (in_channels, size, size))
    with torch.no_grad():
        shape = block(torch.empty(1, in_channels, size, size, device="meta")).shape[1:]
    assert ours["output_shape"] == tuple(shape)
    assert ours["parameters"] == sum(p.numel() for p in block.parameters())
    assert ours["multiply_adds"] == A.torch_multiply_adds(block, (1, in_channels, size, size))


@pytest.mark.parametrize("config", [(64, 64, 1), (64, 128, 2), (3, 8, 2)])
def test_basic_block_is_torchvisions(config):
    from torchvision.models.resnet import BasicBlock, conv1x1

    in_channels, out_channels, stride = config
    with torch.device("meta"):
        downsample = None
        if stride != 1 or in_channels != out_channels:
            downsample = nn.Sequential(conv1x1(in_channels, out_channels, stride),
                                       nn.BatchNorm2d(out_channels))
        block = BasicBlock(in_channels, out_channels, stride, downsample)
    ours = A.cost([A.basic_block(in_channels, out_channels, stride)], (in_channels, 17, 17))
    assert ours["parameters"] == sum(p.numel() for p in block.parameters())
    assert ours["multiply_adds"] == A.torch_multiply_adds(block, (1, in_channels, 17, 17))


def test_inception_block_is_torchvisions():
    from torchvision.models.googlenet import Inception

    with torch.device("meta"):
        block = Inception(*A.INCEPTION_BLOCKS["4a"])
    ours = A.cost([A.inception_block(*A.INCEPTION_BLOCKS["4a"])], (480, 14, 14))
    assert ours["output_shape"] == (512, 14, 14)
    assert ours["parameters"] == sum(p.numel() for p in block.parameters())
    assert ours["multiply_adds"] == A.torch_multiply_adds(block, (1, 480, 14, 14))
    paper = A.cost([A.inception_block(*A.INCEPTION_BLOCKS["4a"], five_kernel=5)], (480, 14, 14))
    assert paper["parameters"] - ours["parameters"] == (25 - 9) * 16 * 48


@pytest.mark.parametrize("name", ["AlexNet", "VGG-16"])
def test_receptive_field_path_is_torchvisions_geometry(name):
    architecture = A.get(name)
    geometry = [dict(kernel_size=k, stride=s, padding=p, dilation=d)
                for k, s, p, d in A.receptive_field_path(architecture)]
    torch_geometry = layers_from_model(A.torchvision_model(architecture))
    assert geometry[:len(torch_geometry)] == torch_geometry
    # the adaptive average pool after the features is the identity at 224 x 224
    assert len(geometry) == len(torch_geometry)


def test_receptive_field_is_what_autograd_measures():
    """A one-channel twin of VGG-16's convolutions and pools, on an image large enough that
    the border does not cut the central output's field."""
    path = A.receptive_field_path(A.vgg16())
    layers = []
    for kernel, stride, padding, _ in path:
        layers.append(nn.Conv2d(1, 1, kernel, stride, padding) if kernel == 3 else
                      nn.MaxPool2d(kernel, stride, padding))
    rows, cols = empirical_receptive_field(nn.Sequential(*layers), (1, 320, 320), (5, 5))
    size = receptive_field([(k, s, p, d) for k, s, p, d in path])[-1]["size"]
    assert rows[1] - rows[0] + 1 == size == A.stage_table(A.vgg16())[4]["receptive_field"] == 212
    assert cols[1] - cols[0] + 1 == size


def test_blocks_check_their_shapes():
    with pytest.raises(ValueError, match="same shape"):
        A.cost([A.Residual((A.Conv(4, 8, 3, padding=1),))], (4, 5, 5))
    with pytest.raises(ValueError, match="spatial sizes"):
        A.cost([A.Concat(((A.Conv(4, 8, 3),), (A.Conv(4, 8, 1),)))], (4, 5, 5))
    with pytest.raises(ValueError, match="flatten it first"):
        A.cost([A.Linear(10, 2)], (10, 1, 1))


def test_paper_alexnet_is_two_gpus():
    """96 = 2 x 48 first-layer filters; conv2, conv4 and conv5 each see half their inputs."""
    rows = A.layer_table(A.alexnet("paper"))
    conv1 = rows[0]["layer"]
    assert conv1.out_channels == 96 == 2 * 48
    ungrouped = [A.Conv(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding)
                 if isinstance(c, A.Conv) else c for c in (row["layer"] for row in rows)]
    total = sum(A.cost([layer], shape)["parameters"] for layer, shape in zip(
        ungrouped, [(3, 224, 224)] + [row["output_shape"] for row in rows[:-1]]))
    assert total == 62_378_344


def test_torchvision_builders_take_no_download():
    assert torchvision.models.get_model_weights("vgg16")     # the weights exist ...
    model = A.torchvision_model(A.vgg16())                   # ... but are never fetched
    assert next(model.parameters()).device.type == "meta"
