"""bottleneck_cost(in_channels, width, size, stride=1): the parameters and multiply-adds of one
ResNet bottleneck block, as torchvision builds it.

The block (``torchvision.models.resnet.Bottleneck``, ResNet-50/101/152): a 1x1 convolution
from ``in_channels`` to ``width``; a 3x3 convolution (padding 1) from ``width`` to ``width``
with the block's ``stride``; a 1x1 convolution from ``width`` to ``4 * width``. No convolution
has a bias; each is followed by a BatchNorm2d (2 parameters per channel, gamma and beta; the
running statistics are not parameters). The shortcut is the identity when ``in_channels == 4
* width`` and ``stride == 1``; otherwise a 1x1 convolution with the stride (no bias) and a
BatchNorm2d. On one input of ``in_channels x size x size``, count the multiply-adds of the
convolutions only (not batch norm, ReLU or the addition).

Graded against the real torchvision block on the meta device: its parameters, and torch's
``FlopCounterMode`` (2 FLOPs per multiply-add).
"""

from ... import pytorch
from ...exercise import Case, Choice, Exercise, mistake

# (in_channels, width, size, stride): the lecture's 256 -> 64 -> 64 -> 256 block at 56x56,
# the first block of ResNet-50 (a projection without a stride), the first blocks of its later
# stages (stride 2), a block of its last stage, and an odd size with stride 2.
PUBLIC = [(256, 64, 56, 1), (64, 64, 56, 1), (256, 128, 56, 2), (1024, 512, 14, 2),
          (2048, 512, 7, 1), (96, 16, 15, 2)]


def public():
    return [Case((i, w, s), {"stride": stride}) for i, w, s, stride in PUBLIC]


def hidden(rng):
    """Random widths and sizes, both strides, and one identity shortcut."""
    cases = [Case((int(rng.integers(1, 513)), int(rng.integers(1, 129)), int(rng.integers(1, 41))),
                  {"stride": stride}) for stride in (1, 2, 1, 2)]
    width = int(rng.integers(1, 129))
    cases.append(Case((4 * width, width, int(rng.integers(1, 41))), {"stride": 1}))
    return cases


def reference(in_channels, width, size, stride=1):
    t = pytorch.torch()
    from torchvision.models.resnet import Bottleneck, conv1x1

    with t.device("meta"):
        downsample = None
        if stride != 1 or in_channels != 4 * width:      # as torchvision's ResNet._make_layer
            downsample = t.nn.Sequential(conv1x1(in_channels, 4 * width, stride),
                                         t.nn.BatchNorm2d(4 * width))
        block = Bottleneck(in_channels, width, stride, downsample)
    parameters = int(sum(p.numel() for p in block.parameters()))
    return parameters, pytorch.multiply_adds(block, (1, in_channels, size, size))


def _count(in_channels, width, size, stride=1, batch_norm=True, projection=True,
           stride_first=False, projection_full_size=False, bias=False, flops=False):
    """(parameters, multiply-adds) of the block, or of what one mistake counts."""
    out, after = 4 * width, (size - 1) // stride + 1          # the size after the stride
    changes = projection and (stride != 1 or in_channels != out)
    convs = [(in_channels, width, 1, after if stride_first else size), (width, width, 3, after),
             (width, out, 1, after)]
    if changes:
        convs.append((in_channels, out, 1, size if projection_full_size else after))
    parameters = sum(i * o * k * k + (o if bias else 0) + (2 * o if batch_norm else 0)
                     for i, o, k, _ in convs)
    macs = sum(i * o * k * k * n * n for i, o, k, n in convs)
    return parameters, 2 * macs if flops else macs


@mistake("the batch norms' parameters are not counted: each BatchNorm2d has a gamma and a beta "
         "per channel, 2 * channels parameters (its running statistics are not parameters)")
def batch_norm_forgotten(in_channels, width, size, stride=1):
    return _count(in_channels, width, size, stride, batch_norm=False)


@mistake("the projection shortcut is missing: when the block changes the shape (in_channels != "
         "4 * width, or stride 2), the shortcut is a 1x1 convolution with the stride, plus a "
         "BatchNorm2d, and it counts")
def projection_forgotten(in_channels, width, size, stride=1):
    return _count(in_channels, width, size, stride, projection=False)


@mistake("the stride is in the first 1x1 convolution, as in the 2015 paper: torchvision puts it "
         "in the 3x3 ('ResNet v1.5'), so the first 1x1 runs at the full input size")
def stride_in_first_conv(in_channels, width, size, stride=1):
    return _count(in_channels, width, size, stride, stride_first=True)


@mistake("the projection's multiply-adds are counted at the input size: it has the block's "
         "stride, so it computes (size - 1) // stride + 1 outputs per side")
def projection_at_input_size(in_channels, width, size, stride=1):
    return _count(in_channels, width, size, stride, projection_full_size=True)


@mistake("biases are counted: the block's convolutions have bias=False (the batch norm after "
         "each one has its own shift, beta)")
def biases_counted(in_channels, width, size, stride=1):
    return _count(in_channels, width, size, stride, bias=True)


@mistake("FLOPs instead of multiply-adds: one multiply-add is 2 FLOPs; count multiply-adds")
def counted_as_flops(in_channels, width, size, stride=1):
    return _count(in_channels, width, size, stride, flops=True)


EXERCISE = Exercise(
    name="bottleneck_cost", signature="bottleneck_cost(in_channels, width, size, stride=1)",
    returns="(parameters, multiply_adds): two ints", points=2,
    space={"stride": Choice((1, 2))},
    promises=(("an identity shortcut (in_channels == 4 * width, stride 1)",
               lambda v: v["in_channels"] == 4 * v["width"] and v["stride"] == 1, "public"),
              ("a stride 2 on an odd size", lambda v: v["stride"] == 2 and v["size"] % 2, "public")),
    public=public, hidden=hidden, reference=reference, outputs=("parameters", "multiply_adds"),
    mistakes=(batch_norm_forgotten, projection_forgotten, stride_in_first_conv,
              projection_at_input_size, biases_counted, counted_as_flops))
