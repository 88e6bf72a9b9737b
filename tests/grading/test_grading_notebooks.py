"""The real notebooks: their check cells are well formed, the source grades to full marks and
the student edition to zero (the slow test executes every notebook twice with nbgrader)."""

import shutil

import nbformat
import pytest

import grading_assignment as course
from course_utils import grading
from course_utils.grading import autograding

NOTEBOOKS = sorted((course.REPO / "notebooks").glob("*.ipynb"))


def grade_cells():
    """[(notebook path, cell)] for every nbgrader grade cell of the real notebooks."""
    cells = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cells.append((path, cell))
    return cells


def test_check_cells_are_well_formed():
    """Each exercise's answer cell, then its check cell: exactly ``grading.check(name, name)``,
    locked, worth the exercise's points, in the exercise's own notebook."""
    problems, grade_ids = [], {}
    for path, cell in grade_cells():
        meta = cell.metadata["nbgrader"]
        where = f"{path.name} {meta.get('grade_id')}"
        grade_ids.setdefault(meta.get("grade_id"), []).append(path.name)
        if cell.cell_type != "code":
            continue                                          # manually graded answers
        exercise = autograding.exercise_of(cell)
        if exercise is None:
            problems.append(f"{where}: not grading.check(<registered name>, <same name>)")
            continue
        if meta.get("grade_id") != f"{exercise.name}_check" or not meta.get("locked"):
            problems.append(f"{where}: grade_id must be {exercise.name}_check, and locked")
        if meta.get("points") != exercise.points:
            problems.append(f"{where}: {meta.get('points')} points; the exercise says {exercise.points}")
        if not path.name.startswith(exercise.notebook):
            problems.append(f"{where}: {exercise.name} belongs to {exercise.notebook}")
    problems += [f"grade_id {gid!r} used {len(where)} times: {where}"
                 for gid, where in grade_ids.items() if len(where) > 1]
    assert not problems, "\n".join(problems)


def test_every_answer_cell_is_followed_by_its_check_cell():
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if grade_id.endswith("_answer"):
                name = grade_id[: -len("_answer")]
                assert cells[index + 1].source == autograding.check_cell_source(name), (path, name)


def test_every_registered_exercise_of_a_written_notebook_is_checked():
    written = {path.stem for path in NOTEBOOKS}
    checked = {autograding.exercise_of(cell).name for _, cell in grade_cells()
               if autograding.exercise_of(cell)}
    missing = [name for name, ex in grading.EXERCISES.items()
               if ex.notebook in written and name not in checked]
    assert not missing, f"registered but without a check cell: {missing}"


@pytest.mark.slow
@pytest.mark.skipif(not grade_cells(), reason="no notebook has check cells yet")
def test_real_notebooks_source_full_marks_student_edition_zero(tmp_path, monkeypatch):
    monkeypatch.setenv(autograding.SECRET, "a secret for the tests")
    monkeypatch.setenv(autograding.SANDBOXED, "off")     # our own notebooks: trusted code
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
            assert not errors, (path.name, cell.source, errors)   # the notebook runs on
            if cell.metadata.get("nbgrader", {}).get("grade"):
                report, points = cell.outputs
                assert "not implemented yet" in report.data["text/plain"], (path.name, cell.source)
                assert points.data["text/plain"] == "0"
