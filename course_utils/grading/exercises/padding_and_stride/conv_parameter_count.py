"""conv_parameter_count(in_channels, out_channels, kernel_size, bias=True): the number of
learnable numbers in a convolution layer.

Mirrors ``course_utils.shapes.conv_parameter_count``: ``out_channels * (in_channels *
kernel_size ** 2 + bias)``. Graded against the parameters of a real ``torch.nn.Conv2d``.
"""

from ... import pytorch
from ...exercise import Case, Choice, Exercise, mistake

# (in_channels, out_channels, kernel_size, bias)
PUBLIC = [(3, 16, 3, True), (1, 20, 5, True), (20, 50, 5, False), (64, 128, 1, True),
          (512, 512, 3, True)]


def make_case(in_channels, out_channels, kernel_size, bias):
    return Case((in_channels, out_channels, kernel_size), {"bias": bias})


def public():
    return [make_case(*config) for config in PUBLIC]


def hidden(rng):
    return [make_case(int(rng.integers(1, 257)), int(rng.integers(1, 257)),
                      int(rng.integers(1, 8)), bias)
            for bias in (True, False) for _ in range(3)]


def reference(in_channels, out_channels, kernel_size, bias=True):
    layer = pytorch.torch().nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias,
                                      device="meta")
    return int(sum(p.numel() for p in layer.parameters()))


@mistake("the bias is forgotten: each of the out_channels filters has one bias")
def bias_forgotten(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size ** 2


@mistake("a bias is counted although bias=False")
def bias_always(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size ** 2 + out_channels


@mistake("the kernel size is not squared: a kernel_size k filter has k * k weights per input "
         "channel")
def kernel_not_squared(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size + out_channels * bias


@mistake("the input channels are ignored: every filter spans all in_channels")
def in_channels_ignored(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * kernel_size ** 2 + out_channels * bias


EXERCISE = Exercise(
    name="conv_parameter_count",
    signature="conv_parameter_count(in_channels, out_channels, kernel_size, bias=True)",
    returns="the number of parameters: an int", points=1,
    space={"bias": Choice((True, False))},
    public=public, hidden=hidden, reference=reference,
    mistakes=(bias_forgotten, bias_always, kernel_not_squared, in_channels_ignored))
