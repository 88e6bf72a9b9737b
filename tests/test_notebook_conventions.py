"""The conventions every lesson notebook follows (CONTRIBUTING.md, "Notebooks"), checked on the
committed notebooks, so that the course reads as one and the grader finds what it needs:

- the first code cell is the set-up cell, scripts/setup_cell.py verbatim, tagged ``setup``, and
  the second is the imports cell, tagged ``setup`` too (the grader runs exactly those);
- ``F`` is PyTorch's functional and ``ref`` the course's: no ``torch_F``, no course ``F``;
- no ``torch.set_num_threads`` (outputs must hold on any thread count: test_portability.py);
- every exercise has one answer cell and right after it one locked check cell
  ``grading.check("name", name)`` worth the exercise's points, in the exercise's notebook;
- committed executed, without errors.
"""

import re
from pathlib import Path

import nbformat
import pytest

from course_utils import grading

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SETUP_CELL = (ROOT / "scripts" / "setup_cell.py").read_text().rstrip("\n")
CHECK = re.compile(r'grading\.check\("(\w+)", (\w+)\)')


def code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_set_up_and_imports_come_first_and_are_tagged(path):
    setup, imports = code_cells(path)[:2]
    assert setup.source == SETUP_CELL, "the first code cell must be scripts/setup_cell.py"
    assert "setup" in setup.metadata.get("tags", [])
    assert "setup" in imports.metadata.get("tags", []), "the imports cell must be tagged setup"
    assert "import" in imports.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_functional_names_and_threads_follow_pytorch(path):
    for index, cell in enumerate(code_cells(path)):
        assert "torch_F" not in cell.source, f"code cell {index}: write F for torch's functional"
        assert not re.search(r"from course_utils import functional as F\b", cell.source), \
            f"code cell {index}: the course's functional is ref"
        assert "set_num_threads" not in cell.source, f"code cell {index}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_executed_without_errors(path):
    for index, cell in enumerate(code_cells(path)):
        if cell.source.strip():
            assert cell.execution_count is not None, f"code cell {index} was not executed"
        assert not [o for o in cell.outputs if o.output_type == "error"], f"code cell {index}"


def check_cells():
    """{exercise name: (notebook stem, answer cell, check cell)} over every notebook."""
    found = {}
    for path in NOTEBOOKS:
        cells = code_cells(path)
        for answer, check in zip(cells, cells[1:]):
            if nbgrader(check).get("grade"):
                match = CHECK.fullmatch(check.source.strip())
                assert match and match[1] == match[2], f"{path.stem}: {check.source!r}"
                assert match[1] not in found, f"{match[1]} is checked twice"
                found[match[1]] = (path.stem, answer, check)
    return found


def test_every_exercise_has_its_answer_and_check_cells_in_its_notebook():
    found = check_cells()
    assert sorted(found) == sorted(grading.EXERCISES)
    for name, (notebook, answer, check) in found.items():
        exercise = grading.EXERCISES[name]
        assert notebook == exercise.notebook, name
        assert nbgrader(answer).get("grade_id") == f"{name}_answer" and nbgrader(answer)["solution"]
        assert "### BEGIN SOLUTION" in answer.source, name
        assert nbgrader(check)["grade_id"] == f"{name}_check", name
        assert nbgrader(check)["locked"] and not nbgrader(check)["solution"], name
        assert nbgrader(check)["points"] == exercise.points, name
