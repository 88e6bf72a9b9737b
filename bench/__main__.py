"""``python -m bench [--quick] [--only conv,pool,...]``: run the benchmarks, write RESULTS.md.

Sections: conv, pool, bn, training, notebooks, imports, memory, grading (all by default).
``--quick`` runs fewer repeats (and a shorter memory run, one grading run) to check that the
harness works; publish only figures from a full run on a quiet machine.
"""

import argparse
import datetime
import os
import sys
from pathlib import Path

from . import grading, imports, machine, notebooks, ops, training

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

def layer_repeats(quick):
    return dict(repeats=3, warmup=1) if quick else dict(repeats=20, warmup=3)


#: section -> (title, how it was measured, run(quick) -> list of Figures)
SECTIONS = {
    "conv": (
        "1. conv2d forward + backward, NumPy / PyTorch",
        "`course_utils.functional.conv2d` then `conv2d_backward` against `F.conv2d` then "
        "`torch.autograd.grad`, at LeNet's shapes, batch 64, float32; every gradient (input, "
        "weight, bias) on both sides. Calls alternate NumPy, PyTorch, ... after a warm-up.",
        lambda quick: ops.bench_conv(**layer_repeats(quick))),
    "pool": (
        "2a. max-pool forward + backward, NumPy / PyTorch",
        "`max_pool2d` + `max_pool2d_backward` against `F.max_pool2d` + autograd, 2x2 stride 2, "
        "at the shapes of LeNet's two pooling layers (batch 64, float32). No target was set.",
        lambda quick: ops.bench_pool(**layer_repeats(quick))),
    "bn": (
        "2b. batch-norm forward + backward, NumPy / PyTorch",
        "`batch_norm` + `batch_norm_backward` in training mode against `F.batch_norm` + "
        "autograd (gradients of input, weight and bias), at the shapes of LeNet's conv outputs "
        "(batch 64, float32). No target was set.",
        lambda quick: ops.bench_bn(**layer_repeats(quick))),
    "training": (
        "3. One training epoch of LeNet, NumPy / PyTorch",
        "`course_utils.models.lenet()` with `course_utils.optim.SGD` against `torch_lenet()` "
        "with `torch.optim.SGD` (lr 0.01, momentum 0.9, batch 64, cross-entropy), on the 8,000 "
        "bundled training digits in the same shuffled order. Warm-up: 5 steps; each repeat is "
        "one whole epoch, alternating NumPy and PyTorch.",
        lambda quick: training.bench_training(repeats=1 if quick else 3)),
    "notebooks": (
        "4. Notebooks under nbval",
        "Wall-clock time of `python -m pytest --nbval notebooks/<notebook>` per notebook, and of "
        "`python -m pytest --nbval notebooks` for the whole course, with COURSE_EXPLORERS=static, "
        "in a fresh process (pytest and kernel start-up included). Target: each notebook under "
        "60 s, the whole course under 120 s on 2 cores.",
        lambda quick: notebooks.bench_notebooks(repeats=1 if quick else 3)),
    "imports": (
        "5. Import times",
        "`import <module>` in a fresh interpreter (interpreter start-up not counted), after one "
        "untimed run; 'no torch' means torch was not imported as a side effect. Target: 0.5 s.",
        lambda quick: imports.bench_imports(repeats=2 if quick else 7)),
    "memory": (
        "6. Peak memory of LeNet training",
        "Each framework trains in a fresh subprocess (`python -m bench.training numpy|torch`). "
        "Peak RSS: the whole process's peak resident set while training (Linux's VmHWM, the "
        "high-water mark `ru_maxrss` reports, reset after loading the data; interpreter, NumPy, "
        "torch and the data included). tracemalloc counts only the NumPy arrays allocated while "
        "training. One run each (memory hardly varies).",
        lambda quick: training.bench_memory(steps=20 if quick else None)),
    "grading": (
        "7. Grading a class of the real course",
        "`python -m course_utils.grading.autograde` (what `make autograde` runs, every notebook "
        "in its sandbox) on a scratch course made from `notebooks/` with four students: the "
        "source notebooks (full marks), the student edition (zero) and twice the source with "
        "every other answer the student edition's stub (`bench/grading.py`). Wall-clock seconds of "
        "the whole command divided by the students; CPU seconds of the grader and every process "
        "under it, kernels included. One run per JOBS (`--quick`: JOBS=1 only). No target was "
        "set; skipped where the sandbox cannot run (not Linux, not root, no bubblewrap).",
        lambda quick: grading.bench_grading(jobs=(1,) if quick else (1, 2))),
}


# -- rendering ----------------------------------------------------------------------------------

def quantity(value, unit, scale=None):
    """'12.3 ms', '4.56 s' or '789 MiB'; ``scale`` (a value) picks ms or s for a row."""
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value * 1e3:.1f} ms" if (value if scale is None else scale) < 1 else f"{value:.2f} s"


def spread(measure):
    """'median (min–max)' of a Measure, all three in the median's unit."""
    median, unit = measure.median, measure.unit
    if measure.repeats == 1:
        return quantity(median, unit)
    low, high = (quantity(x, unit, median).split()[0] for x in (measure.low, measure.high))
    return f"{quantity(median, unit)} ({low}–{high})"


def verdict(figure):
    return {None: "", True: "✓", False: "✗"}[figure.ok]


def value_text(figure):
    return f"{figure.value:.2f}x" if figure.torch else quantity(figure.value, figure.ours.unit)


def target_text(figure):
    if figure.target is None:
        return "—"
    return f"≤ {figure.target:g}x" if figure.torch else f"< {figure.target:g} s"


def table(figures):
    if any(figure.torch for figure in figures):
        rows = ["| figure | NumPy, median (min–max) | PyTorch, median (min–max) | repeats "
                "| NumPy / PyTorch | target | met | notes |", "|---|---|---|---|---|---|---|---|"]
        for f in figures:
            theirs = spread(f.torch) if f.torch else "—"
            rows.append(f"| {f.name} | {spread(f.ours)} | {theirs} | {f.ours.repeats} | "
                        f"{value_text(f) if f.torch else '—'} | {target_text(f)} | {verdict(f)} "
                        f"| {f.note} |")
    else:
        rows = ["| figure | median (min–max) | repeats | target | met | notes |",
                "|---|---|---|---|---|---|"]
        for f in figures:
            rows.append(f"| {f.name} | {spread(f.ours)} | {f.ours.repeats} | {target_text(f)} | "
                        f"{verdict(f)} | {f.note} |")
    return "\n".join(rows)


def render(results, machine_before, load_after, command):
    """RESULTS.md as a string. results: {section: [Figure, ...]} in SECTIONS order."""
    figures = [f for section in results.values() for f in section]
    missed = [f for f in figures if f.ok is False]
    lines = [
        "# How fast is the course?",
        "",
        f"Written by `{command}` on {datetime.datetime.now():%Y-%m-%d %H:%M}. Regenerate with "
        "`make bench`. Times are medians of `time.perf_counter()` after a warm-up; the spread "
        "is min–max over the repeats. NumPy and PyTorch ran in the same process, alternately, "
        "on the CPU.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {label} | {value} |" for label, value in machine_before],
        f"| load average at the end | {load_after} |",
        "",
        "## Targets",
        "",
        *[f"- {verdict(f)} {f.section}: {f.name}: {value_text(f)} (target {target_text(f)})"
          for f in figures if f.ok is not None],
        "",
        f"{len(missed)} target(s) missed." if missed else "Every target met.",
    ]
    if "--quick" in command:
        lines += ["", "**Quick run (`--quick`): few repeats; do not publish these figures.**"]
    for key, section in results.items():
        title, method, _ = SECTIONS[key]
        lines += ["", f"## {title}", "", method, "", table(section)]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, to check the harness")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections among: {','.join(SECTIONS)}")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the report")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose among {list(SECTIONS)}")

    about = machine.describe()
    results = {}
    for key in SECTIONS:  # in the report's order, whatever order --only gave
        if key in chosen:
            print(f"[bench] {key} ...", file=sys.stderr, flush=True)
            results[key] = SECTIONS[key][2](args.quick)
            for f in results[key]:
                print(f"  {f.name:45} {value_text(f):>10}  target {target_text(f):>8} {verdict(f)}")
    load_after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    args.output.write_text(render(results, about, load_after, command.strip()))
    print(f"[bench] wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
