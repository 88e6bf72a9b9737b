"""The receptive-field explorer: its regions against torch autograd, and its static render."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from course_utils.explorers import receptive_field as explorer
from course_utils.receptive_field import input_gradient, wiring_copy


def torch_stack(named):
    """Each layer of a stack as a torch Conv2d (a pool has the same wiring)."""
    return nn.Sequential(*[nn.Conv2d(1, 1, **layer) for _, layer in named])


@pytest.mark.parametrize("stack", list(explorer.STACKS))
def test_regions_match_autograd_in_every_layer(stack):
    input_size, named = explorer.STACKS[stack]
    last = explorer.output_size(stack) - 1
    for row, col in [(0, 0), (last, last // 2)]:
        state = explorer.compute(stack, row, col)
        for depth in range(len(named) + 1):
            # Measure the region in layer `depth` with the layers above it only.
            size = state["sizes"][depth]
            ones = torch.ones((1, 1, size, size), dtype=torch.float64)
            if depth == len(named):
                gradient = np.zeros((size, size))
                gradient[row, col] = 1
            else:
                gradient = input_gradient(wiring_copy(torch_stack(named[depth:])), ones, (row, col))
            seen = np.zeros((size, size), dtype=bool)
            seen[np.ix_(state["rows"][depth], state["cols"][depth])] = True
            np.testing.assert_array_equal(gradient > 0, seen)


def test_row_and_col_are_clamped_and_default_to_the_centre():
    state = explorer.compute("three 3x3 convs")
    assert (state["row"], state["col"]) == (2, 2)
    state = explorer.compute("one 5x5 conv", 99, -3)
    assert (state["row"], state["col"]) == (4, 0)


def test_readout_states_each_region():
    text = explorer.readout(explorer.compute("three 3x3 convs", 0, 1))
    assert "input (11x11): rows 0..6, cols 1..7, 7x7" in text
    assert "conv2 3x3 (7x7): rows 0..2, cols 1..3, 3x3" in text
    text = explorer.readout(explorer.compute("3x3 dilations 2, 2 (holes)", 2, 2))
    assert "input (13x13): rows 2..10, cols 2..10, 9x9 with holes: 25 of its 81 cells are seen" in text
    text = explorer.readout(explorer.compute("LeNet features", 0, 3))
    assert "the recurrence's 16x16 region is cut by the border" in text
    assert "size 16, jump 4" in text


def test_static_render(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = explorer.draw(explorer.compute("LeNet features", 3, 3))
    assert len(figure.axes) == 5
    plt.close(figure)
    explorer.show("3x3 s2, 3x3 s2, 3x3 s1")
    assert "input (23x23): rows 4..18, cols 4..18, 15x15" in capsys.readouterr().out
