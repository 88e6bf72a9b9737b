"""lenet_forward(input, parameters): the lecture's LeNet, assembled from its parameters, in NumPy.

The network of notebook 07 (EECS 498 L7's "LeNet-5" table): conv 5x5 padding 2, ReLU, max-pool
2x2 stride 2; conv 5x5 padding 2, ReLU, max-pool 2x2; flatten in PyTorch's (C, H, W) order;
linear, ReLU; linear. ``parameters`` is the list of its 8 arrays in the order of
``model.parameters()`` (torch's and ``course_utils.nn``'s alike)::

    [conv1.weight (C1, C, 5, 5), conv1.bias (C1,), conv2.weight (C2, C1, 5, 5), conv2.bias (C2,),
     fc1.weight (hidden, C2 * (H // 4) * (W // 4)), fc1.bias (hidden,),
     fc2.weight (classes, hidden), fc2.bias (classes,)]

so the widths (20, 50, 500 and 10 in the lecture) are read off the arrays, and the input may
have any number of channels and any H, W >= 4 (the poolings round down). Returns the logits
(N, classes), of input's dtype: no softmax. Graded against a torch forward pass
(``torch.nn.functional``) with the same arrays.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal

# (N, C, H, W, widths (C1, C2, hidden, classes), dtype). The first is the lecture's LeNet on
# two digits; then small widths, a non-square image whose sides 4 does not divide, colour input
# and a class count other than 10.
PUBLIC = [(2, 1, 28, 28, (20, 50, 500, 10), "float32"),
          (3, 1, 12, 12, (4, 6, 16, 10), "float64"),
          (2, 1, 14, 10, (3, 5, 8, 10), "float64"),
          (2, 3, 16, 16, (4, 8, 12, 5), "float32")]


def _uniform(rng, fan_in, shape, dtype):
    """PyTorch's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def make_parameters(rng, channels, height, width, widths, dtype):
    """The 8 arrays of a LeNet with these widths, initialised as PyTorch does (the biases a
    little larger, so that no ReLU is idle by accident)."""
    c1, c2, hidden, classes = widths
    flat = c2 * (height // 4) * (width // 4)
    shapes = [((c1, channels, 5, 5), channels * 25), ((c2, c1, 5, 5), c1 * 25),
              ((hidden, flat), flat), ((classes, hidden), hidden)]
    parameters = []
    for shape, fan_in in shapes:
        parameters.append(_uniform(rng, fan_in, shape, dtype))
        parameters.append(_uniform(rng, fan_in, shape[:1], dtype) * 2)
    return parameters


def make_case(rng, n, channels, height, width, widths, dtype):
    return Case((normal(rng, (n, channels, height, width), dtype),
                 make_parameters(rng, channels, height, width, widths, dtype)))


def public():
    rng = np.random.default_rng(7)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Both dtypes; grey and colour; square and not; sides that 4 divides and that it does not;
    small random widths and class counts."""
    cases = []
    for dtype in FLOATS:
        for _ in range(2):
            height, width = (int(s) for s in rng.integers(8, 21, 2))
            widths = tuple(int(w) for w in rng.integers(2, 9, 3)) + (int(rng.integers(2, 11)),)
            cases.append(make_case(rng, int(rng.integers(1, 4)), int(rng.integers(1, 4)),
                                   height, width, widths, dtype))
    cases.append(make_case(rng, 2, 1, 16, 16, (3, 4, 6, 10), str(rng.choice(FLOATS))))
    return cases


def _forward(input, parameters, pool="max", relu_after_conv=True, relu_in_head=True,
             flatten="chw", flip=False, softmax=False):
    """The network in torch, with the variations the named mistakes make."""
    torch, F = pytorch.torch(), pytorch.F()
    w1, b1, w2, b2, w3, b3, w4, b4 = (pytorch.tensor(p) for p in parameters)
    if flip:
        w1, w2 = w1.flip(-2, -1), w2.flip(-2, -1)
    pooling = F.max_pool2d if pool == "max" else F.avg_pool2d
    activation = F.relu if relu_after_conv else (lambda x: x)
    x = pytorch.tensor(input)
    x = pooling(activation(F.conv2d(x, w1, b1, padding=2)), 2)
    x = pooling(activation(F.conv2d(x, w2, b2, padding=2)), 2)
    x = torch.flatten(x if flatten == "chw" else x.permute(0, 2, 3, 1), 1)
    x = F.linear(x, w3, b3)
    x = F.linear(F.relu(x) if relu_in_head else x, w4, b4)
    return pytorch.numpy(F.softmax(x, dim=1) if softmax else x)


def reference(input, parameters):
    return _forward(input, parameters)


@mistake("the flatten is in (H, W, C) order: torch.flatten (and nn.Flatten) keep PyTorch's "
         "(C, H, W) layout, so x.reshape(N, -1) on the (N, C, H, W) maps, with no transpose")
def flatten_channels_last(input, parameters):
    return _forward(input, parameters, flatten="hwc")


@mistake("average pooling instead of max pooling: LeNet's poolings take the max of each 2x2 "
         "window")
def average_pooling(input, parameters):
    return _forward(input, parameters, pool="avg")


@mistake("the ReLUs after the convolutions are missing: conv -> ReLU -> max-pool. They are not "
         "redundant: a window whose values are all negative keeps a negative maximum")
def conv_relu_forgotten(input, parameters):
    return _forward(input, parameters, relu_after_conv=False)


@mistake("the ReLU between the two linear layers is missing: without it the head is a single "
         "linear map")
def head_relu_forgotten(input, parameters):
    return _forward(input, parameters, relu_in_head=False)


@mistake("the kernels are flipped (a true convolution): PyTorch's conv2d is a cross-correlation, "
         "out[y, x] = sum of input[y + i, x + j] * weight[i, j]")
def kernels_flipped(input, parameters):
    return _forward(input, parameters, flip=True)


@mistake("the output is softmax probabilities: return the logits, the last linear layer's "
         "output (the loss applies the softmax)")
def softmax_applied(input, parameters):
    return _forward(input, parameters, softmax=True)


EXERCISE = Exercise(
    name="lenet_forward", signature="lenet_forward(input, parameters)",
    returns="the logits: an array of shape (N, classes), of input's dtype",
    points=3,
    space={"input": Array((4,)),
           "parameters": Choice(kinds=(("the lecture's widths (20, 50, 500, 10)",
                                        lambda p: p[0].shape[0] == 20 and p[4].shape[0] == 500),
                                       ("other widths", lambda p: p[0].shape[0] != 20)))},
    promises=(("H or W not divisible by 4 (the poolings round down)",
               lambda v: v["input"].shape[2] % 4 or v["input"].shape[3] % 4, "public"),
              ("a rectangular image", lambda v: v["input"].shape[2] != v["input"].shape[3],
               "public"),
              ("more than one input channel", lambda v: v["input"].shape[1] > 1, "public"),
              ("a class count other than 10", lambda v: v["parameters"][7].shape[0] != 10,
               "public")),
    public=public, hidden=hidden, reference=reference,
    mistakes=(flatten_channels_last, average_pooling, conv_relu_forgotten, head_relu_forgotten,
              kernels_flipped, softmax_applied))
