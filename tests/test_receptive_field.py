"""The receptive-field recurrence against the autograd measurement, over a grid of stacks."""

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from course_utils.models import torch_lenet
from course_utils.receptive_field import (as_layer, effective_receptive_field,
                                          empirical_receptive_field, empirical_receptive_fields,
                                          input_gradient, input_region,
                                          layer_sizes, layers_from_model, positions_seen,
                                          receptive_field, wiring_copy)


def conv_stack(layers, channels=2):
    """Conv2d + ReLU for every layer, with the given geometry."""
    modules = []
    for layer in map(as_layer, layers):
        modules += [nn.Conv2d(channels, channels, **layer), nn.ReLU()]
    return nn.Sequential(*modules)


def sizes(layers):
    return [entry["size"] for entry in receptive_field(layers)]


def test_stride_one_stack_grows_by_kernel_minus_one():
    assert sizes([(3, 1, 0, 1)] * 3) == [3, 5, 7]
    for depth, kernel in itertools.product(range(1, 6), (2, 3, 5, 7)):
        assert sizes([(kernel, 1, 0, 1)] * depth)[-1] == 1 + depth * (kernel - 1)
    # A 1024-pixel image needs 512 stacked 3x3 layers before one output sees all of it.
    assert sizes([(3, 1, 1, 1)] * 512)[-1] >= 1024 > sizes([(3, 1, 1, 1)] * 511)[-1]


def test_strides_and_dilations_grow_it_fast():
    assert sizes([(3, 2, 0, 1), (3, 2, 0, 1), (3, 1, 0, 1)]) == [3, 7, 15]
    assert sizes([dict(kernel_size=3, dilation=d) for d in (1, 2, 4)]) == [3, 7, 15]
    table = receptive_field([(3, 2, 1, 1), (3, 2, 1, 1)])
    assert [entry["jump"] for entry in table] == [2, 4]
    assert [entry["first"] for entry in table] == [-1, -3]
    assert [entry["centre"] for entry in table] == [0.0, 0.0]
    assert all(entry["start"] == entry["centre"] for entry in table)   # the old name, an alias


def test_lenet_table():
    layers = layers_from_model(torch_lenet())
    assert len(layers) == 4  # stops at Flatten
    assert receptive_field(layers) == [
        dict(size=5, jump=1, centre=0.0, first=-2, start=0.0),
        dict(size=6, jump=2, centre=0.5, first=-2, start=0.5),
        dict(size=14, jump=2, centre=0.5, first=-6, start=0.5),
        dict(size=16, jump=4, centre=1.5, first=-6, start=1.5)]


@pytest.mark.parametrize("row, col", [(0, 0), (0, 6), (3, 3), (6, 2), (5, 5)])
def test_lenet_formula_matches_autograd(row, col):
    model = torch_lenet()[:6]
    layers = layers_from_model(model)
    measured = empirical_receptive_field(model, (1, 28, 28), (row, col))
    assert measured == (input_region(layers, row, 28), input_region(layers, col, 28))
    # Away from the border, the region is the recurrence's full 16x16.
    if measured[0][0] > 0 and measured[0][1] < 27:
        assert measured[0][1] - measured[0][0] + 1 == 16


def test_all_outputs_at_once_match_one_at_a_time():
    layers = [(3, 2, 1, 1), (3, 1, 2, 2), (2, 2, 0, 1)]
    model = conv_stack(layers)
    boxes = empirical_receptive_fields(model, (2, 19, 19))
    assert boxes.shape[:2] == (layer_sizes(layers, 19)[-1],) * 2
    for row, col in [(0, 0), (2, 4), (4, 4)]:
        assert empirical_receptive_field(model, (2, 19, 19), (row, col)) == tuple(map(tuple, boxes[row, col]))


def grid():
    """Deterministic stacks of one to three layers: kernels, strides, paddings, dilations."""
    rng = np.random.default_rng(0)
    stacks = []
    for _ in range(40):
        depth = rng.integers(1, 4)
        stacks.append([tuple(int(v) for v in (rng.integers(1, 5), rng.integers(1, 4),
                                              rng.integers(0, 3), rng.integers(1, 4)))
                       for _ in range(depth)])
    return stacks


@pytest.mark.parametrize("layers", grid(), ids=str)
def test_exact_positions_match_the_gradient(layers):
    size = 23
    try:
        out = layer_sizes(layers, size)[-1]
    except ValueError:
        pytest.skip("stack does not fit the input")
    model = conv_stack(layers)
    ones = torch.ones((1, 2, size, size), dtype=torch.float64)
    for row, col in {(0, 0), (out // 2, out - 1), (out - 1, out // 3)}:
        rows, cols = (positions_seen(layers, index, size)[0] for index in (row, col))
        seen = np.zeros((size, size), dtype=bool)
        seen[np.ix_(rows, cols)] = True
        gradient = input_gradient(wiring_copy(model), ones, (1, row, col))
        np.testing.assert_array_equal(gradient > 0, seen)
        # The recurrence's region always contains what the output sees ...
        (r0, r1), (c0, c1) = input_region(layers, row), input_region(layers, col)
        if len(rows) and len(cols):
            assert r0 <= rows[0] and rows[-1] <= r1 and c0 <= cols[0] and cols[-1] <= c1
        # ... and is exactly its extent when the region lies inside the image.
        if 0 <= r0 and r1 < size and len(rows):
            assert (rows[0], rows[-1]) == (r0, r1)


@pytest.mark.parametrize("layers", [
    [(3, 1, 0, 1)] * 3, [(3, 2, 0, 1), (3, 2, 0, 1), (3, 1, 0, 1)],
    [(3, 1, 0, 1), (3, 1, 0, 2), (3, 1, 0, 4)], [(5, 1, 0, 1), (2, 2, 0, 1), (3, 1, 0, 1)],
])
def test_formula_equals_measurement_inside_the_image(layers):
    size = 31
    out = layer_sizes(layers, size)[-1]
    model = conv_stack(layers)
    for row, col in [(0, 0), (out - 1, out // 2)]:
        expected = (input_region(layers, row), input_region(layers, col))
        assert empirical_receptive_field(model, (2, size, size), (row, col)) == expected
        assert expected[0][1] - expected[0][0] + 1 == receptive_field(layers)[-1]["size"]


def test_max_pool_gradient_alone_misses_pixels():
    """One real gradient through a max pool reaches one pixel per window: that is why the
    measurement uses the wiring copy."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.MaxPool2d(2))
    gradient = input_gradient(model, torch.randn(1, 1, 8, 8), (1, 1))
    assert (gradient > 0).sum() == 1
    assert empirical_receptive_field(model, (1, 8, 8), (1, 1)) == ((2, 3), (2, 3))


def test_effective_receptive_field_is_concentrated():
    depth, size = 6, 31
    model = conv_stack([(3, 1, 1, 1)] * depth, channels=4)
    erf = effective_receptive_field(model, (4, size, size), weight_draws=3, inputs_per_draw=4)
    assert erf.shape == (size, size) and erf.sum() == pytest.approx(1.0)
    centre, half = size // 2, depth  # theoretical field: 13x13 around the centre
    inside = erf[centre - half:centre + half + 1, centre - half:centre + half + 1]
    assert inside.sum() == pytest.approx(1.0)  # nothing outside the theoretical field
    middle = erf[centre - half // 2:centre + half // 2 + 1, centre - half // 2:centre + half // 2 + 1]
    # The middle 7x7 is 29% of the field's area but holds far more of the gradient.
    assert middle.sum() > 1.5 * middle.size / inside.size


def test_errors_speak_to_the_student():
    with pytest.raises(ValueError, match="kernel_size"):
        as_layer(dict(stride=2))
    with pytest.raises(ValueError, match="unknown"):
        as_layer(dict(kernel_size=3, strides=2))
    with pytest.raises(IndexError):
        positions_seen([(3, 1, 0, 1)], 5, 7)
    with pytest.raises(ValueError, match="feature map"):
        empirical_receptive_field(torch_lenet(), (1, 28, 28), (0, 0))


@pytest.mark.parametrize("layers", [[(3, 1, 1, 1)] * 3, [(5, 1, 2, 1), (2, 2, 0, 1)] * 2,
                                    [(3, 2, 1, 1), (3, 1, 2, 2), (3, 1, 1, 1)]])
def test_centre_is_the_middle_of_the_region(layers):
    top = receptive_field(layers)[-1]
    for index in range(4):
        first, last = input_region(layers, index)
        assert top["centre"] + index * top["jump"] == (first + last) / 2 == top["start"] + index * top["jump"]
