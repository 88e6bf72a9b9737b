"""Smoke test of the benchmark harness (bench/): every measurement helper runs on tiny inputs,
once, and RESULTS.md renders. No timing is asserted: times depend on the machine."""

import sys

import numpy as np
import pytest

from bench import __main__ as cli
from bench import imports, machine, notebooks, ops, training


def test_median_time_calls_warmup_and_repeats():
    calls = []
    measure = ops.median_time(lambda: calls.append(1), repeats=3, warmup=2)
    assert len(calls) == 5 and measure.repeats == 3
    assert measure.low <= measure.median <= measure.high


@pytest.mark.parametrize("bench, case", [
    (ops.bench_conv, ("conv", ops.conv_pair, (2, 3, 4, 8))),
    (ops.bench_pool, ("pool", ops.max_pool_pair, (2, 3, 8))),
    (ops.bench_bn, ("bn", ops.batch_norm_pair, (2, 3, 8))),
])
def test_layer_benchmarks_run_on_tiny_shapes(bench, case):
    [figure] = bench(repeats=1, warmup=0, cases=[case])
    assert figure.torch.repeats == figure.ours.repeats == 1 and figure.value > 0


def test_numpy_and_torch_trainers_take_the_same_steps():
    rng = np.random.default_rng(0)
    images = rng.random((8, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, 8)
    [figure] = training.bench_training(1, 1, images, labels, batch=4)
    assert figure.ours.repeats == 1 and "2 steps of 4" in figure.note
    memory = training.peak_memory("numpy", 1, images, labels)
    assert memory["rss_peak"] >= memory["rss_before"] > 0 and memory["tracemalloc_peak"] > 0


def test_command_timing_and_import_timing():
    measure, passed, cpu = notebooks.time_command([sys.executable, "-c", "pass"], repeats=1)
    assert passed and measure.repeats == 1 and cpu >= 0
    assert notebooks.notebook_command("notebooks")[-1] == "notebooks"
    seconds, torch_loaded = imports.import_time("course_utils")
    assert seconds >= 0 and torch_loaded is False


def test_results_render_with_every_kind_of_figure():
    fast, slow = ops.Measure([1.0, 2.0, 3.0]), ops.Measure([0.5, 0.4, 0.6])
    results = {
        "conv": [ops.Figure("conv", "conv1", fast, slow, target=2.0)],
        "notebooks": [ops.Figure("notebooks", "whole course", ops.Measure([130.0]), target=120.0)],
        "memory": [ops.Figure("memory", "peak RSS", ops.Measure([700.0], "MiB"))],
    }
    text = cli.render(results, machine.describe(), "1.00, 1.00, 1.00", "python -m bench")
    row = "| conv1 | 2.00 s (1.00–3.00) | 500.0 ms (400.0–600.0) | 3 | 4.00x | ≤ 2x | ✗ |"
    assert row in text
    assert "| whole course | 130.00 s | 1 | < 120 s | ✗ |" in text
    assert "700 MiB" in text and "2 target(s) missed." in text
    assert "OPENBLAS_CORETYPE" in text and "BLAS" in text


def test_cli_rejects_unknown_sections(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--only", "nonsense", "--output", str(tmp_path / "RESULTS.md")])
