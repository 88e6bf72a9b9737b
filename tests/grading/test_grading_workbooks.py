"""make lab's workbooks: the student edition, copied in, never overwriting."""

import nbformat

import grading_assignment as course
from course_utils import workbooks


def test_workbooks_are_student_editions(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(course.source_notebook(), notebooks / "01_fixture.ipynb")
    (notebooks / "figure.txt").write_text("a supporting file")
    target = tmp_path / "workbooks"
    target.mkdir()
    (target / "figure.txt").write_text("the student's own")

    workbooks.main(["--notebooks", str(notebooks), "--workbooks", str(target)])
    text = (target / "01_fixture.ipynb").read_text()
    assert "raise NotImplementedError()" in text and "BEGIN SOLUTION" not in text
    assert "HIDDEN" not in text
    assert (target / "figure.txt").read_text() == "the student's own"
    out = capsys.readouterr().out
    assert "copied  workbooks/01_fixture.ipynb" in out and "kept    workbooks/figure.txt" in out


def test_existing_workbooks_are_never_overwritten_and_new_ones_arrive(tmp_path):
    edition, target = tmp_path / "edition", tmp_path / "workbooks"
    edition.mkdir()
    target.mkdir()
    (edition / "01.ipynb").write_text("fresh 01")
    (edition / "02.ipynb").write_text("fresh 02")
    (edition / ".ipynb_checkpoints").mkdir()
    (edition / ".ipynb_checkpoints" / "01-checkpoint.ipynb").write_text("x")
    (target / "01.ipynb").write_text("my answers")
    copied, kept = workbooks.copy_missing(edition, target)
    assert [str(p) for p in copied] == ["02.ipynb"] and [str(p) for p in kept] == ["01.ipynb"]
    assert (target / "01.ipynb").read_text() == "my answers"
    assert (target / "02.ipynb").read_text() == "fresh 02"
    assert not (target / ".ipynb_checkpoints").exists()


def test_no_notebooks_is_not_an_error(tmp_path, capsys):
    assert workbooks.main(["--notebooks", str(tmp_path), "--workbooks", str(tmp_path / "w")]) == 0
    assert "nothing to copy" in capsys.readouterr().out
