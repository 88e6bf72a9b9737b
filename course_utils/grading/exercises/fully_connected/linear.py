"""linear(input, weight, bias=None): the fully connected layer, output = input @ weight.T + bias.

Mirrors ``course_utils.functional.linear`` and ``torch.nn.functional.linear``: the weight is
stored (out_features, in_features), one row per output.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Exercise, mistake, normal

# (N, in_features, out_features, dtype, with a bias). The first is square, so that a transposed
# weight gives a wrong answer rather than an exception.
PUBLIC = [(2, 3, 3, "float64", True), (4, 5, 3, "float64", True), (1, 7, 2, "float32", True),
          (8, 16, 10, "float32", True), (3, 4, 2, "float64", False)]


def make_case(rng, n, in_features, out_features, dtype, with_bias):
    return Case((normal(rng, (n, in_features), dtype), normal(rng, (out_features, in_features), dtype),
                 normal(rng, out_features, dtype) if with_bias else None))


def public():
    rng = np.random.default_rng(0)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Both dtypes, with and without a bias, random sizes; and one square weight."""
    configs = [(*rng.integers(1, 17, 3), dtype, with_bias)
               for dtype in FLOATS for with_bias in (True, False)]
    side = int(rng.integers(2, 9))
    configs.append((int(rng.integers(1, 9)), side, side, str(rng.choice(FLOATS)), True))
    return [make_case(rng, *config) for config in configs]


def reference(input, weight, bias=None):
    return pytorch.numpy(pytorch.F().linear(pytorch.tensor(input), pytorch.tensor(weight),
                                            pytorch.tensor(bias)))


@mistake("the bias is forgotten: output = input @ weight.T + bias")
def bias_forgotten(input, weight, bias=None):
    return reference(input, weight)


@mistake("the weight is used transposed: PyTorch stores a linear weight as (out_features, "
         "in_features), so output = input @ weight.T + bias, not input @ weight + bias")
def weight_transposed(input, weight, bias=None):
    output = input @ weight                  # raises unless weight is square, as such code does
    return output if bias is None else output + bias


@mistake("the output is transposed: it should be (N, out_features), one row per example")
def output_transposed(input, weight, bias=None):
    return reference(input, weight, bias).T.copy()


EXERCISE = Exercise(
    name="linear", signature="linear(input, weight, bias=None)",
    returns="the output: an array of shape (N, out_features), of input's dtype",
    points=1,
    space={"input": Array((2,)), "weight": Array((2,)), "bias": Array((1,), optional=True)},
    public=public, hidden=hidden, reference=reference,
    mistakes=(bias_forgotten, weight_transposed, output_transposed))
