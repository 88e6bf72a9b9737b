"""How long grading a class takes (figure 7): the real course, graded in its sandbox.

A scratch course is built from the source notebooks (``nbgrader_config.py``, ``notebooks/``,
then ``nbgrader generate_assignment`` for the student edition and the gradebook), with four
students, so that JOBS=2 grades two pairs: ``full`` (the source notebooks: every worked
solution), ``blank`` (the student edition), ``partial_1`` and ``partial_2`` (the source with
every other answer cell, from the first or from the second, the student edition's). It is
graded by ``python -m course_utils.grading.autograde`` (what ``make autograde`` runs), once for
each ``--jobs``, each time from the same fresh copy. Wall-clock seconds are those of the whole
command; CPU seconds are the grader's and all of its children's (nbgrader, the sandboxes, the
kernels), from ``getrusage``. A run counts only if ``full`` scores the maximum, ``blank`` 0 and
the partial students in between, and every notebook with checks was graded.

    python -m bench.grading [--jobs 1,2] [--notebooks FOLDER]
"""

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .ops import Figure, Measure

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = ("blank", "full", "partial_1", "partial_2")


def _environment():
    """What ``make autograde`` sets: the environment's tools on PATH, static explorers."""
    return dict(os.environ, COURSE_EXPLORERS="static",
                PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def _answers(notebook):
    """{grade_id: cell} of a notebook's answer cells."""
    return {c.metadata.nbgrader["grade_id"]: c for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _partial(source, release, first):
    """The source notebook with every other answer cell, from the ``first`` (0 or 1), the
    student edition's."""
    notebook = nbformat.from_dict(source)
    stubs = _answers(release)
    for grade_id, cell in list(_answers(notebook).items())[first::2]:
        cell.source = stubs[grade_id].source
    return notebook


def make_class(folder, notebooks):
    """A course in ``folder`` with the source ``notebooks`` (a folder), its student edition
    and gradebook, and the submissions of the STUDENTS."""
    shutil.copy(ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    shutil.copytree(notebooks, folder / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "notebooks",
                    "--force"], cwd=folder, env=_environment(), check=True,
                   capture_output=True)
    for path in sorted((folder / "notebooks").glob("*.ipynb")):
        source = nbformat.read(path, as_version=4)
        release = nbformat.read(folder / "release" / "notebooks" / path.name, as_version=4)
        versions = (release, source, _partial(source, release, 0), _partial(source, release, 1))
        for student, notebook in zip(STUDENTS, versions):
            submitted = folder / "submitted" / student / "notebooks"
            submitted.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, submitted / path.name)


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade(course, jobs):
    """Grade ``course`` with ``--jobs jobs``: (wall-clock seconds, CPU seconds, problem or '')."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "course_utils.grading.autograde", "--course",
                           str(course), "--jobs", str(jobs)], env=_environment(),
                          capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        return seconds, cpu, f"autograde failed: {(done.stderr or done.stdout)[-300:]}"
    return seconds, cpu, _problem(course)


def _problem(course):
    """'' when the class was graded as it should be, else what was wrong."""
    with open(course / "grades.csv") as grades:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(grades)}
        grades.seek(0)
        maximum = float(next(csv.DictReader(grades))["max_score"])
    with open(course / "grading_status.csv") as status:
        failed = [f"{r['student']}/{r['notebook']}: {r['status']} {r['reason']}"
                  for r in csv.DictReader(status) if r["status"] not in ("graded", "no checks")]
    if failed:
        return "not graded: " + "; ".join(failed)[:300]
    partial = [scores[s] for s in STUDENTS if s.startswith("partial")]
    if not (scores["full"] == maximum and scores["blank"] == 0 < min(partial) and
            max(partial) < maximum):
        return f"wrong scores {scores} (maximum {maximum:g})"
    return ""


def bench_grading(jobs=(1, 2), notebooks=ROOT / "notebooks"):
    """Figure 7: seconds and CPU seconds per student, graded ``jobs`` at a time."""
    from course_utils.grading import sandbox
    if sandbox.problem():
        print(f"[bench] grading skipped: {sandbox.problem()}", file=sys.stderr)
        return []
    cores = len(os.sched_getaffinity(0))
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        template = Path(scratch) / "template"
        template.mkdir()
        make_class(template, notebooks)
        for n in jobs:
            course = Path(scratch) / f"jobs-{n}"
            shutil.copytree(template, course)
            seconds, cpu, problem = grade(course, n)
            per_student = seconds / len(STUDENTS)
            cpu_per_student = cpu / len(STUDENTS)
            note = (f"CPU {cpu_per_student:.0f} s per student ({3600 / cpu_per_student:.0f} "
                    f"students per hour per core busy); {3600 / per_student:.0f} students per "
                    f"hour on this machine ({cores} cores); 300 students: "
                    f"{300 * per_student / 3600:.1f} h")
            figures.append(Figure("grading", f"grading {len(STUDENTS)} students, JOBS={n}: "
                                  "seconds per student", Measure([per_student]),
                                  note=note + (f"; FAILED: {problem}" if problem else "")))
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.grading",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs to time")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks",
                        help="the source notebooks (default: the working tree's)")
    args = parser.parse_args(argv)
    for figure in bench_grading([int(n) for n in args.jobs.split(",")], args.notebooks):
        print(f"{figure.name}: {figure.ours.median:.1f} s ({figure.note})", flush=True)


if __name__ == "__main__":
    main()
