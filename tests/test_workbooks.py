"""cnn-course workbooks: the student edition that ships with the course, copied in, never
overwriting, without nbgrader."""

import stat

import pytest

from course_utils import cli, workbooks


def test_workbooks_are_the_student_edition(tmp_path, capsys):
    target = tmp_path / "mine"
    assert cli.main(["workbooks", str(target)]) == 0
    names = sorted(path.name for path in target.iterdir())
    assert names == sorted(path.name for path in workbooks.student_edition().glob("*.ipynb"))
    assert len(names) >= 8
    texts = [(target / name).read_text() for name in names]
    assert any("raise NotImplementedError()" in text for text in texts)
    assert not any("BEGIN SOLUTION" in text or "BEGIN HIDDEN" in text for text in texts)
    out = capsys.readouterr().out
    assert f"copied  {target / '01_fully_connected.ipynb'}" in out
    assert f"{len(names)} new, 0 already there" in out


def test_default_destination_is_workbooks_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workbooks.main([])
    assert (tmp_path / "workbooks" / "00_welcome.ipynb").is_file()


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


def test_copies_of_a_read_only_install_are_yours_to_edit(tmp_path):
    edition, target = tmp_path / "edition", tmp_path / "workbooks"
    edition.mkdir()
    (edition / "01.ipynb").write_text("fresh 01")
    (edition / "01.ipynb").chmod(0o444)
    workbooks.copy_missing(edition, target)
    assert (target / "01.ipynb").stat().st_mode & stat.S_IWUSR


def test_a_missing_student_edition_says_how_to_restore_it(tmp_path, monkeypatch):
    monkeypatch.setattr(workbooks, "student_edition", lambda: tmp_path)
    with pytest.raises(SystemExit, match="student edition .* is missing.*make student-edition"):
        workbooks.main([str(tmp_path / "w")])


def test_command_line_help(capsys):
    with pytest.raises(SystemExit):
        cli.main(["workbooks", "--help"])
    assert "usage: cnn-course workbooks [-h] [DEST]" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "workbooks  copy the notebooks you work in" in capsys.readouterr().out
