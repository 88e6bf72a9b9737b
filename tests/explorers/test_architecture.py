"""The architecture explorer: its numbers are the architectures' stage tables (themselves
checked against torchvision in tests/test_architectures.py), and its static render."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_utils import architectures  # noqa: E402
from course_utils.explorers import architecture as explorer  # noqa: E402


@pytest.mark.parametrize("name", explorer.NAMES)
def test_every_stage_is_the_stage_table(name):
    table = architectures.stage_table(architectures.get(name))
    totals = architectures.totals(table)
    assert explorer.stage_count(name) == len(table)
    for number, row in enumerate(table, start=1):
        state = explorer.compute(name, number)
        assert state["stage"] == number and state["totals"] == totals
        for key in ("stage", "output_shape", "parameters", "multiply_adds", "receptive_field", "jump"):
            assert state["selected"][key] == row[key]
    shares = explorer.compute(name)["rows"]
    assert sum(row["parameter_share"] for row in shares) == pytest.approx(1.0)
    assert sum(row["multiply_add_share"] for row in shares) == pytest.approx(1.0)


def test_stage_is_clamped():
    assert explorer.compute("ResNet-18", 99)["stage"] == explorer.stage_count("ResNet-18")
    assert explorer.compute("VGG-16", -4)["stage"] == 1


def test_readout_states_the_stage_and_the_breakdown():
    text = explorer.readout(explorer.compute("VGG-16", 3))
    assert "VGG-16 on a 3 x 224 x 224 image, stage 3 of 8: stage 3." in text
    assert "Output 256 x 28 x 28; 1,475,328 parameters (1.1% of 138,357,544)" in text
    assert "receptive field 44 px (jump 8)" in text
    assert "> stage 3" in text and "  fc6            4096              74.3%   0.7%" in text
    text = explorer.readout(explorer.compute("ResNet-18", 6))
    assert "receptive field the whole image" in text and "Output 1000;" in text


def test_static_render(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_EXPLORERS", "static")
    figure = explorer.draw(explorer.compute("GoogLeNet", 1))
    assert len(figure.axes) == 2 and len(figure.axes[0].patches) == explorer.stage_count("GoogLeNet")
    plt.close(figure)
    explorer.show("AlexNet", 6)
    assert "AlexNet on a 3 x 224 x 224 image, stage 6 of 8: fc6." in capsys.readouterr().out
