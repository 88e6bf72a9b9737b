"""The conv_arithmetic explorer: its placements against torch, its readout, its static render."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils.explorers import conv_arithmetic


@pytest.mark.parametrize("size, kernel_size, stride, padding, dilation",
                         list(itertools.product((1, 4, 6, 7), (1, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2))))
def test_output_size_and_coverage_match_torch(size, kernel_size, stride, padding, dilation):
    state = conv_arithmetic.compute(size, kernel_size, stride, padding, dilation)
    x = torch.ones(1, 1, size, size, requires_grad=True)
    weight = torch.ones(1, 1, kernel_size, kernel_size)
    if not state["fits"]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation)
        return
    out = torch.nn.functional.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation)
    assert out.shape[-1] == state["output"] == len(state["starts"])
    out.sum().backward()
    # With all-ones weights, d(sum of outputs)/d(pixel) counts the placements reading that pixel.
    inside = state["coverage"][padding:padding + size]
    np.testing.assert_array_equal(x.grad[0, 0].numpy(), np.outer(inside, inside))
    column_reads = x.grad[0, 0].sum(0).numpy()
    assert [padding + i for i in range(size) if column_reads[i] == 0] == state["uncovered_input"]


def test_lecture_cases():
    assert conv_arithmetic.compute(7, 3, 1)["output"] == 5
    assert conv_arithmetic.compute(7, 3, 2)["output"] == 3
    stride3 = conv_arithmetic.compute(7, 3, 3)
    assert (stride3["output"], stride3["divides"], stride3["uncovered_input"]) == (2, False, [6])
    assert conv_arithmetic.compute(7, 3, 1, 1)["output"] == 7
    corner = conv_arithmetic.compute(6, 3, 2, 1)
    assert (corner["output"], corner["uncovered"], corner["uncovered_input"]) == (3, [7], [])


def test_readouts():
    text = conv_arithmetic.readout(conv_arithmetic.compute(7, 3, 3))
    assert "(7 - 3) / 3 + 1 = 2.33" in text and "floors it to 2" in text
    assert "never read: padded positions [6]" in text
    assert "does not fit anywhere" in conv_arithmetic.readout(conv_arithmetic.compute(3, 5))
    assert "divides evenly" in conv_arithmetic.readout(conv_arithmetic.compute(7, 3, 1, 1))


@pytest.mark.parametrize("args", [(7, 3, 2, 0, 1), (3, 5, 1, 0, 1), (16, 7, 4, 3, 3)])
def test_static_render(args, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = conv_arithmetic.draw(conv_arithmetic.compute(*args))
    assert len(figure.axes) == 3
    plt.close(figure)
    conv_arithmetic.show(*args)
    assert f"Input {args[0]}, kernel {args[1]}" in capsys.readouterr().out
