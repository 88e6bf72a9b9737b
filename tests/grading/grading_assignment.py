"""A small nbgrader course for the end-to-end tests: the repository's nbgrader_config.py and
one fixture notebook with three exercises, built with nbformat, plus helpers to run nbgrader."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course_utils.grading import check_cell_source

REPO = Path(__file__).resolve().parents[2]

SOLUTIONS = {
    "linear_forward": ("def linear_forward(x, weight, bias):\n"
                       "    ### BEGIN SOLUTION\n"
                       "    return x @ weight.T + bias\n"
                       "    ### END SOLUTION"),
    "conv_output_size": ("def conv_output_size(size, kernel_size, stride=1, padding=0, "
                         "dilation=1):\n"
                         "    ### BEGIN SOLUTION\n"
                         "    return (size + 2 * padding - dilation * (kernel_size - 1) - 1)"
                         " // stride + 1\n"
                         "    ### END SOLUTION"),
    "max_pool2d_forward": ("def max_pool2d_forward(x, kernel_size, stride):\n"
                           "    ### BEGIN SOLUTION\n"
                           "    n, c, h, w = x.shape\n"
                           "    out_h, out_w = (h - kernel_size) // stride + 1, "
                           "(w - kernel_size) // stride + 1\n"
                           "    out = np.empty((n, c, out_h, out_w), dtype=x.dtype)\n"
                           "    for i in range(out_h):\n"
                           "        for j in range(out_w):\n"
                           "            out[:, :, i, j] = x[:, :, i * stride:i * stride + "
                           "kernel_size, j * stride:j * stride + kernel_size].max(axis=(2, 3))\n"
                           "    return out\n"
                           "    ### END SOLUTION"),
}
POINTS = {"linear_forward": 2, "conv_output_size": 1, "max_pool2d_forward": 2}
TOTAL = sum(POINTS.values())


def _metadata(grade_id, solution, grade, points=None):
    meta = {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade,
                         "locked": not solution, "schema_version": 3}}
    if points is not None:
        meta["nbgrader"]["points"] = points
    return meta


def source_notebook():
    """The instructor's version: solutions and hidden tests in place."""
    cells = [nbformat.v4.new_markdown_cell("# Fixture assignment"),
             nbformat.v4.new_code_cell("import numpy as np\nfrom course_utils import grading",
                                       metadata=_metadata("imports", False, False))]
    for name, solution in SOLUTIONS.items():
        cells.append(nbformat.v4.new_code_cell(solution, metadata=_metadata(f"{name}_answer",
                                                                            True, False)))
        cells.append(nbformat.v4.new_code_cell(check_cell_source(name),
                                               metadata=_metadata(f"{name}_check", False, True,
                                                                  POINTS[name])))
    cells.append(nbformat.v4.new_code_cell('print("the notebook kept running")'))
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


def nbgrader(root, *args, timeout=600):
    """Run an nbgrader command in the course folder; the CompletedProcess (checked)."""
    env = dict(os.environ, COURSE_EXPLORERS="static",   # nbgrader runs `alembic` from PATH
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
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


def answered(release_nb, answers):
    """A copy of a student-edition notebook with answer cells replaced by ``answers``
    ({grade_id: source})."""
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb
