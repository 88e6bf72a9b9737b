"""release/notebooks/, the student edition that ships with the course, is what nbgrader makes of
notebooks/ today: solutions stubbed, hidden tests removed, outputs cleared, check cells locked.

It is committed (students get it without nbgrader, see course_utils/workbooks.py), so a change
to a notebook must be followed by `make student-edition`; this test says when it was not.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "release" / "notebooks"
FIX = "Run `make student-edition` and commit release/notebooks/."


def fresh_student_edition(course):
    """Run `nbgrader generate_assignment notebooks` in a scratch course folder (the repository's
    nbgrader_config.py and a copy of notebooks/), as `make student-edition` does in the
    repository; returns the folder of the student edition it wrote."""
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "notebooks", course / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = dict(os.environ, COURSE_EXPLORERS="static",   # nbgrader runs `alembic` from PATH
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "notebooks"],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (f"nbgrader generate_assignment failed:\n"
                                  f"{done.stdout}\n{done.stderr}")
    return course / "release" / "notebooks"


def cells(path):
    """What a student edition is made of, cell by cell: type, source, nbgrader metadata and
    outputs."""
    notebook = nbformat.read(path, as_version=4)
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader"), cell.get("outputs"))
            for cell in notebook.cells]


def test_committed_student_edition_is_up_to_date(tmp_path):
    fresh = fresh_student_edition(tmp_path)
    names = sorted(path.name for path in fresh.iterdir())
    committed_names = sorted(path.name for path in COMMITTED.iterdir())
    assert committed_names == names, (f"release/notebooks/ holds {committed_names}, but nbgrader "
                                      f"makes {names} of notebooks/. {FIX}")
    for name in names:
        expected, committed = cells(fresh / name), cells(COMMITTED / name)
        assert len(committed) == len(expected), (
            f"release/notebooks/{name} has {len(committed)} cells, the fresh student edition "
            f"{len(expected)}. {FIX}")
        for index, (want, have) in enumerate(zip(expected, committed)):
            assert have == want, (f"release/notebooks/{name}, cell {index}, differs from the fresh "
                                  f"student edition:\n  committed: {have!r:.300}\n  "
                                  f"fresh:     {want!r:.300}\n{FIX}")
