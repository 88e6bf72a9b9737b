"""course_utils.shapes against the shapes and parameter counts PyTorch actually produces."""

import itertools

import pytest
import torch

from course_utils.shapes import (conv_multiply_adds, conv_output_size, conv_parameter_count,
                                 pool_output_size)

GRID = list(itertools.product(range(1, 12), (1, 2, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2)))


@pytest.mark.parametrize("size, kernel_size, stride, padding, dilation", GRID)
def test_conv_output_size_matches_torch(size, kernel_size, stride, padding, dilation):
    x = torch.zeros(1, 1, size, size + 1)
    weight = torch.zeros(1, 1, kernel_size, kernel_size)
    try:
        out = torch.nn.functional.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation)
    except RuntimeError:
        with pytest.raises(ValueError):
            conv_output_size(size, kernel_size, stride, padding, dilation)
        return
    assert out.shape[2] == conv_output_size(size, kernel_size, stride, padding, dilation)
    assert out.shape[3] == conv_output_size(size + 1, kernel_size, stride, padding, dilation)


@pytest.mark.parametrize("ceil_mode", (False, True))
@pytest.mark.parametrize("size, kernel_size, stride, padding",
                         [(s, k, st, p) for s, k, st, p in itertools.product(
                             range(1, 12), (2, 3, 4), (None, 1, 2, 3), (0, 1)) if p <= k // 2])
def test_pool_output_size_matches_torch(size, kernel_size, stride, padding, ceil_mode):
    """Including a kernel larger than the padded input, which ceil_mode can still place once."""
    x = torch.zeros(1, 1, size, size)
    try:
        out = torch.nn.functional.max_pool2d(x, kernel_size, stride, padding, ceil_mode=ceil_mode)
    except RuntimeError:
        with pytest.raises(ValueError):
            pool_output_size(size, kernel_size, stride, padding, ceil_mode=ceil_mode)
        return
    assert out.shape[2] == pool_output_size(size, kernel_size, stride, padding, ceil_mode=ceil_mode)


@pytest.mark.parametrize("in_channels, out_channels, kernel_size, bias, groups", [
    (3, 10, 5, True, 1), (3, 10, 5, False, 1), (1, 6, 5, True, 1), (64, 32, 1, True, 1),
    (4, 8, 3, True, 2), (6, 6, 3, False, 6), (3, 4, (3, 5), True, 1)])
def test_conv_parameter_count_matches_torch(in_channels, out_channels, kernel_size, bias, groups):
    layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias, groups=groups)
    expected = sum(p.numel() for p in layer.parameters())
    assert conv_parameter_count(in_channels, out_channels, kernel_size, bias, groups) == expected


@pytest.mark.parametrize("in_channels, out_channels, kernel_size, stride, padding, groups", [
    (3, 10, 5, 1, 2, 1), (1, 6, 5, 1, 0, 1), (2, 4, 3, 2, 1, 2), (3, 2, (3, 1), 1, 0, 1)])
def test_conv_multiply_adds_counts_every_product(in_channels, out_channels, kernel_size,
                                                 stride, padding, groups):
    """Count the products directly: the output values times the weights each one uses."""
    x = torch.zeros(1, in_channels, 9, 9)
    layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups=groups)
    out = layer(x)
    per_value = layer.weight[0].numel()
    expected = out.numel() * per_value
    assert conv_multiply_adds(in_channels, out_channels, kernel_size, tuple(out.shape[2:]),
                              groups) == expected


def test_lecture_worked_example():
    """3x32x32 input, ten 5x5 filters, stride 1, padding 2: 10x32x32, 760 parameters, 768,000 MACs."""
    assert conv_output_size(32, 5, stride=1, padding=2) == 32
    assert conv_parameter_count(3, 10, 5) == 760
    assert conv_multiply_adds(3, 10, 5, 32) == 768_000


def test_lecture_seven_by_seven_examples():
    assert [conv_output_size(7, 3, stride=s) for s in (1, 2, 3)] == [5, 3, 2]
    assert conv_output_size(7, 3, padding=1) == 7


@pytest.mark.parametrize("call", [lambda: conv_output_size(3, 5), lambda: conv_output_size(0, 1),
                                  lambda: conv_output_size(5, 3, stride=0),
                                  lambda: conv_parameter_count(3, 4, 3, groups=2),
                                  lambda: conv_multiply_adds(3, 4, (3, 3, 3), 5)])
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
