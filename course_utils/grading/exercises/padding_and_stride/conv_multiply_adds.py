"""conv_multiply_adds(in_channels, out_channels, kernel_size, output_size): the multiply-adds
of one convolution layer on one image.

Mirrors ``course_utils.shapes.conv_multiply_adds``: every one of the ``out_channels *
output_size ** 2`` outputs takes ``in_channels * kernel_size ** 2`` multiply-adds (the bias
additions are not counted). Graded against torch's FlopCounterMode on a real convolution,
which counts 2 FLOPs per multiply-add.
"""

from ... import pytorch
from ...exercise import Case, Exercise, mistake

# (in_channels, out_channels, kernel_size, output_size)
PUBLIC = [(1, 20, 5, 28), (20, 50, 5, 14), (3, 64, 3, 224), (64, 64, 1, 56)]


def public():
    return [Case(config) for config in PUBLIC]


def hidden(rng):
    return [Case(tuple(int(v) for v in rng.integers([1, 1, 1, 1], [257, 257, 8, 65])))
            for _ in range(5)]


def reference(in_channels, out_channels, kernel_size, output_size):
    layer = pytorch.torch().nn.Conv2d(in_channels, out_channels, kernel_size, device="meta")
    size = output_size + kernel_size - 1                     # no padding, stride 1
    return pytorch.multiply_adds(layer, (1, in_channels, size, size))


@mistake("FLOPs instead of multiply-adds: one multiply-add is 2 FLOPs; count multiply-adds")
def counted_as_flops(in_channels, out_channels, kernel_size, output_size):
    return 2 * in_channels * out_channels * kernel_size ** 2 * output_size ** 2


@mistake("the output size is not squared: output_size is the side of a square output")
def output_not_squared(in_channels, out_channels, kernel_size, output_size):
    return in_channels * out_channels * kernel_size ** 2 * output_size


@mistake("the kernel size is not squared: each output value needs in_channels * k * k "
         "multiply-adds")
def kernel_not_squared(in_channels, out_channels, kernel_size, output_size):
    return in_channels * out_channels * kernel_size * output_size ** 2


@mistake("the bias additions are counted: we count multiply-adds of the weights only")
def bias_counted(in_channels, out_channels, kernel_size, output_size):
    return (in_channels * kernel_size ** 2 + 1) * out_channels * output_size ** 2


@mistake("the input channels are ignored: every filter spans all in_channels")
def in_channels_ignored(in_channels, out_channels, kernel_size, output_size):
    return out_channels * kernel_size ** 2 * output_size ** 2


EXERCISE = Exercise(
    name="conv_multiply_adds",
    signature="conv_multiply_adds(in_channels, out_channels, kernel_size, output_size)",
    returns="the number of multiply-adds: an int", points=1, space={},
    public=public, hidden=hidden, reference=reference,
    mistakes=(counted_as_flops, output_not_squared, kernel_not_squared, bias_counted,
              in_channels_ignored))
