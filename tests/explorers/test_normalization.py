"""The normalization explorer: its masks agree with what PyTorch's layers actually share."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_utils.explorers import normalization  # noqa: E402

SHAPE = (3, 6, 4, 4)


def torch_normalize(norm, x, groups):
    """The normalized tensor (no affine) as PyTorch computes it in training mode."""
    if norm == "batch":
        return torch.nn.functional.batch_norm(x, None, None, training=True)
    if norm == "layer":
        return torch.nn.functional.layer_norm(x, x.shape[1:])
    if norm == "instance":
        return torch.nn.functional.instance_norm(x)
    return torch.nn.functional.group_norm(x, groups)


def changed_by_perturbing(norm, element, groups):
    """Elements whose normalized value moves when only ``element`` of the input moves.

    The other outputs move exactly when they share the mean and variance of ``element``.
    """
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(SHAPE, generator=generator, dtype=torch.float64)
    nudged = x.clone()
    nudged[element] += 1.0
    difference = (torch_normalize(norm, nudged, groups) - torch_normalize(norm, x, groups)).abs()
    return (difference > 1e-9).numpy()


CASES = [("batch", 1), ("layer", 1), ("instance", 1), ("group", 1), ("group", 2),
         ("group", 3), ("group", 6)]


@pytest.mark.parametrize("norm,groups", CASES)
@pytest.mark.parametrize("element", [(0, 0, 0, 0), (1, 3, 2, 1), (2, 5, 3, 3)])
def test_mask_matches_torch(norm, groups, element):
    mask = normalization.sharing_mask(norm, SHAPE, element, groups)
    np.testing.assert_array_equal(mask, changed_by_perturbing(norm, element, groups))


@pytest.mark.parametrize("norm,groups", CASES)
def test_statistic_and_parameter_shapes_match_torch(norm, groups):
    x = torch.randn(SHAPE)
    state = normalization.compute(norm, groups, 1, 2, 0, 0, shape=SHAPE)
    axes = {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)}
    if norm == "group":
        mean = x.reshape(SHAPE[0], groups, -1).mean(dim=2)
        module = torch.nn.GroupNorm(groups, SHAPE[1])
    else:
        mean = x.mean(dim=axes[norm], keepdim=True)
        module = {"batch": torch.nn.BatchNorm2d(SHAPE[1]),
                  "layer": torch.nn.LayerNorm(SHAPE[1:]),
                  "instance": torch.nn.InstanceNorm2d(SHAPE[1], affine=True)}[norm]
    assert state["statistic_shape"] == tuple(mean.shape)
    assert state["statistics"] == mean.numel()
    assert state["sharing"] * state["statistics"] == x.numel()
    assert state["parameter_shape"] == tuple(module.weight.shape)
    module.train()
    train_out = module(x)
    module.eval()
    same = torch.allclose(train_out, module(x))
    assert state["same_in_train_and_eval"] == same


def test_group_norm_limits_are_layer_and_instance_norm():
    element = (1, 2, 3, 0)
    np.testing.assert_array_equal(normalization.sharing_mask("group", SHAPE, element, 1),
                                  normalization.sharing_mask("layer", SHAPE, element))
    np.testing.assert_array_equal(normalization.sharing_mask("group", SHAPE, element, 6),
                                  normalization.sharing_mask("instance", SHAPE, element))


def test_bad_groups_and_elements_are_explained():
    with pytest.raises(ValueError, match="must divide"):
        normalization.compute("group", 4, 0, 0, 0, 0, shape=SHAPE)
    with pytest.raises(ValueError, match="outside"):
        normalization.compute("batch", 1, 3, 0, 0, 0, shape=SHAPE)
    assert normalization.group_divisors(6) == [1, 2, 3, 6]


def test_readout_states_the_numbers():
    text = normalization.readout(normalization.compute("group", 2, 1, 3, 1, 2, shape=SHAPE))
    assert "Group norm with G = 2 groups" in text
    assert "shares its mean and variance with 47 other elements (48 in all)" in text
    assert "channels 3-5 (group 1) in sample 1" in text
    assert "6 means and 6 variances, shape (3, 2)" in text


@pytest.mark.parametrize("norm", normalization.NORMS)
def test_draw_returns_a_figure(norm):
    figure = normalization.draw(normalization.compute(norm, 3, 2, 5, 3, 3, shape=SHAPE))
    assert isinstance(figure, plt.Figure)
    assert figure.axes[0].get_title().startswith(normalization.NAMES[norm])
    plt.close(figure)


def test_static_show_prints_the_readout(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    normalization.show(norm="instance", n=2, c=1)
    out = capsys.readouterr().out
    assert "Instance norm on a tensor of shape (N, C, H, W) = (3, 6, 4, 4)." in out
    assert "(16 in all): every position of channel 1 in sample 2." in out
    assert plt.get_fignums() == []
