"""A small nbgrader course for the end-to-end tests: the repository's nbgrader_config.py and
one fixture notebook with three exercises, built with nbformat, plus helpers to submit work,
run nbgrader and the class grader (course_utils.grading.autograde), and read the results."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course_utils.grading import registry, sandbox
from course_utils.grading.autograding import check_cell_source

REPO = Path(__file__).resolve().parents[2]

SOLUTIONS = {
    "linear": ("def linear(input, weight, bias=None):\n"
               "    ### BEGIN SOLUTION\n"
               "    output = input @ weight.T\n"
               "    return output if bias is None else output + bias\n"
               "    ### END SOLUTION"),
    "conv_output_size": ("def conv_output_size(size, kernel_size, stride=1, padding=0, "
                         "dilation=1):\n"
                         "    ### BEGIN SOLUTION\n"
                         "    return (size + 2 * padding - dilation * (kernel_size - 1) - 1)"
                         " // stride + 1\n"
                         "    ### END SOLUTION"),
    "max_pool2d": ("def max_pool2d(input, kernel_size, stride=None):\n"
                   "    ### BEGIN SOLUTION\n"
                   "    stride = kernel_size if stride is None else stride\n"
                   "    n, c, h, w = input.shape\n"
                   "    out_h, out_w = (h - kernel_size) // stride + 1, "
                   "(w - kernel_size) // stride + 1\n"
                   "    output = np.empty((n, c, out_h, out_w), dtype=input.dtype)\n"
                   "    for i in range(out_h):\n"
                   "        for j in range(out_w):\n"
                   "            window = input[:, :, i * stride:i * stride + kernel_size,\n"
                   "                           j * stride:j * stride + kernel_size]\n"
                   "            output[:, :, i, j] = window.max(axis=(2, 3))\n"
                   "    return output\n"
                   "    ### END SOLUTION"),
}
POINTS = {name: registry.get(name).points for name in SOLUTIONS}
TOTAL = sum(POINTS.values())
DEMONSTRATION = 'ONE = 1\nprint("a demonstration of the course")'
LAST_CELL = 'print("the notebook kept running")'


def _metadata(grade_id, solution, grade, points=None):
    meta = {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade,
                         "locked": not solution, "schema_version": 3}}
    if points is not None:
        meta["nbgrader"]["points"] = points
    return meta


def source_notebook():
    """The instructor's version: set-up cell, then per exercise its answer (with the solution)
    and its check cell; a demonstration cell and a last cell of the course's own."""
    cells = [nbformat.v4.new_markdown_cell("# Fixture assignment"),
             nbformat.v4.new_code_cell("import numpy as np\nfrom course_utils import grading",
                                       metadata={"tags": ["setup"]}),
             nbformat.v4.new_code_cell(DEMONSTRATION)]
    for name, solution in SOLUTIONS.items():
        cells.append(nbformat.v4.new_code_cell(solution, metadata=_metadata(f"{name}_answer",
                                                                            True, False)))
        cells.append(nbformat.v4.new_code_cell(check_cell_source(name),
                                               metadata=_metadata(f"{name}_check", False, True,
                                                                  POINTS[name])))
    cells.append(nbformat.v4.new_code_cell(LAST_CELL))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def make_course(root):
    """A course folder: the repository's nbgrader config and notebooks/fixture.ipynb."""
    root = Path(root)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "notebooks").mkdir()
    nbformat.write(source_notebook(), root / "notebooks" / "fixture.ipynb")
    return root


def _environment():
    return dict(os.environ, COURSE_EXPLORERS="static",   # nbgrader runs `alembic` from PATH
                PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def nbgrader(root, *args, timeout=600):
    """Run an nbgrader command in the course folder; the CompletedProcess (checked)."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root,
                          env=_environment(), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def autograde(root, *args, timeout=900, check=True):
    """Run the class grader (python -m course_utils.grading.autograde) on the course folder;
    the CompletedProcess (checked unless ``check=False``). The fixture notebooks are ours:
    where the sandbox cannot run (macOS, not root) they are graded without it
    (test_grading_attacks.py is skipped there, loudly)."""
    unsandboxed = ["--no-sandbox"] if sandbox.problem() and args[:1] != ("merge",) else []
    done = subprocess.run([sys.executable, "-m", "course_utils.grading.autograde",
                           "--course", str(root), *args, *unsandboxed], env=_environment(),
                          capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"autograde {' '.join(args)} failed:\n{done.stdout}\n" \
                                     f"{done.stderr}"
    return done


def submit(root, student, notebooks):
    """Put ``{filename: notebook}`` in submitted/<student>/notebooks/."""
    folder = Path(root) / "submitted" / student / "notebooks"
    folder.mkdir(parents=True)
    for filename, nb in notebooks.items():
        nbformat.write(nb, folder / filename)


def scores(root):
    """{student: score} from grades.csv."""
    with open(Path(root) / "grades.csv") as f:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}


def statuses(root):
    """{(student, notebook): row} from grading_status.csv."""
    with open(Path(root) / "grading_status.csv") as f:
        return {(row["student"], row["notebook"]): row for row in csv.DictReader(f)}


def answered(release_nb, answers, extra_cells=()):
    """A copy of a student-edition notebook with answer cells replaced by ``answers``
    ({grade_id: source}) and ``extra_cells`` (sources) added after the set-up cell."""
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[setup + 1:setup + 1] = [nbformat.v4.new_code_cell(s) for s in extra_cells]
    return nb
