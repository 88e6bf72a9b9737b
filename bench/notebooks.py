"""How long the notebooks take (figure 4), run the way the test suite runs them.

Each notebook, then the whole course, is run as ``python -m pytest --nbval <path>`` in a fresh
process with ``COURSE_EXPLORERS=static`` (no browser), from the repository root so that the
project's pytest options apply. The time is the wall-clock time of that command: pytest's start
and the kernel's start included, as a student (or CI) waits for them.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .ops import Figure, Measure

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_TARGET = 60.0  # seconds per notebook (CONTRIBUTING.md: "under about a minute")
COURSE_TARGET = 120.0  # seconds for the whole course, on 2 cores


def notebook_command(path):
    return [sys.executable, "-m", "pytest", "--nbval", "-q", str(path)]


def cpu_seconds_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(command, repeats=1):
    """Run ``command`` ``repeats`` times. Returns (Measure of wall-clock seconds, all passed,
    median CPU seconds used by the command and its children: on a busy machine the wall
    clock grows with the load, the CPU time much less)."""
    env = dict(os.environ, COURSE_EXPLORERS="static")
    times, cpu, passed = [], [], True
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), cpu_seconds_of_children()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        cpu.append(cpu_seconds_of_children() - cpu_start)
        passed = passed and result.returncode == 0
    return Measure(times), passed, statistics.median(cpu)


def bench_notebooks(repeats=1, notebooks=None):
    """Figure 4: seconds per notebook (target 60 s each) and for the whole course (120 s)."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb")) if notebooks is None else notebooks
    runs = [(path.name, path, NOTEBOOK_TARGET) for path in notebooks]
    if notebooks:
        runs.append((f"whole course ({len(notebooks)} notebooks)", notebooks[0].parent,
                     COURSE_TARGET))
    figures = []
    for name, path, target in runs:
        measure, passed, cpu = time_command(notebook_command(path.relative_to(ROOT)), repeats)
        note = f"CPU {cpu:.1f} s" + ("" if passed else "; FAILED under nbval")
        figures.append(Figure("notebooks", name, measure, target=target, note=note))
    return figures
