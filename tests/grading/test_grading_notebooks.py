"""The real notebooks: their check cells are well formed, the source grades to full marks and
the student edition to zero (the slow test executes every notebook twice with nbgrader)."""

import shutil

import nbformat
import pytest

import grading_assignment as course
from course_utils import grading

NOTEBOOKS = sorted((course.REPO / "notebooks").glob("*.ipynb"))


def grade_cells():
    """[(notebook path, cell)] for every nbgrader grade cell of the real notebooks."""
    cells = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cells.append((path, cell))
    return cells


def exercise_of(cell):
    for name in grading.EXERCISES:
        if cell.source.startswith(f'grading.check("{name}", {name})'):
            return name
    return None


def test_check_cells_are_well_formed():
    problems, grade_ids = [], {}
    for path, cell in grade_cells():
        meta = cell.metadata["nbgrader"]
        where = f"{path.name} {meta.get('grade_id')}"
        grade_ids.setdefault(meta.get("grade_id"), []).append(path.name)
        if not meta.get("points"):
            problems.append(f"{where}: no points")
        if cell.cell_type != "code":
            continue                                          # manually graded answers
        name = exercise_of(cell)
        if name is None:
            problems.append(f"{where}: does not start with grading.check(<registered name>, ...)")
        elif cell.source.strip() != grading.check_cell_source(name):
            problems.append(f"{where}: the cell must be exactly "
                            f"grading.check_cell_source({name!r}) (tamper-proof hidden block)")
    problems += [f"grade_id {gid!r} used {len(where)} times: {where}"
                 for gid, where in grade_ids.items() if len(where) > 1]
    assert not problems, "\n".join(problems)


def test_every_registered_exercise_of_a_written_notebook_is_checked():
    written = {path.name[:2] for path in NOTEBOOKS}
    checked = {exercise_of(cell) for _, cell in grade_cells()}
    missing = [name for name, ex in grading.EXERCISES.items()
               if ex.notebook in written and name not in checked]
    assert not missing, f"registered but without a check cell: {missing}"


@pytest.mark.slow
@pytest.mark.skipif(not grade_cells(), reason="no notebook has check cells yet")
def test_real_notebooks_source_full_marks_student_edition_zero(tmp_path):
    root = tmp_path
    shutil.copy(course.REPO / "nbgrader_config.py", root)
    shutil.copytree(course.REPO / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    course.nbgrader(root, "generate_assignment", "notebooks")
    for student, folder in (("source", root / "notebooks"),
                            ("student_edition", root / "release" / "notebooks")):
        shutil.copytree(folder, root / "submitted" / student / "notebooks")
    course.nbgrader(root, "autograde", "notebooks", timeout=1500)
    course.nbgrader(root, "export")
    total = sum(cell.metadata["nbgrader"]["points"] for _, cell in grade_cells())
    scores = course.scores(root)
    assert scores["source"] == total
    assert scores["student_edition"] == 0
    for path in (root / "autograded" / "student_edition" / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            if cell.metadata.get("nbgrader", {}).get("grade"):
                assert errors and "not implemented yet" in errors[0].evalue, (path.name, cell.source)
            else:                                             # nothing else crashes
                assert not errors, (path.name, cell.source, errors)
