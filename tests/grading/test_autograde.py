"""The class grader's pieces that need no grading run: the secret, shards, the course checks,
reasons read from nbgrader's output (test_grading_nbgrader.py and test_grading_attacks.py
grade whole classes)."""

import json
import os
import stat
import sys

import pytest

from course_utils.grading import autograde


def test_the_secret_is_made_once_private_and_kept(tmp_path):
    first = autograde.secret(tmp_path)
    assert len(first) == 64 and autograde.secret(tmp_path) == first
    assert stat.S_IMODE(os.stat(tmp_path / ".grading-secret").st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == [".grading-secret"]       # no temporary file left


def test_a_shard_takes_every_nth_student_and_must_be_well_formed(tmp_path):
    for student in ("carol", "alice", "dave", "bob", "eve"):
        (tmp_path / "submitted" / student / "notebooks").mkdir(parents=True)
    (tmp_path / "submitted" / "stray-file").write_text("")
    everyone = autograde.students(tmp_path)
    assert everyone == ["alice", "bob", "carol", "dave", "eve"]
    assert everyone[1::2] == ["bob", "dave"]                          # shard 1/2
    assert autograde._shard("1/2") == (1, 2)
    for wrong in ("2/2", "1", "a/b", "-1/2"):
        with pytest.raises(Exception, match="0 <= i < n"):
            autograde._shard(wrong)


def shard(course, index, count):
    folder = course / autograde.SHARDS / f"{index}-of-{count}"
    folder.mkdir(parents=True)
    (folder / "shard.json").write_text(json.dumps({"shard": index, "of": count, "students": []}))


def test_merging_needs_every_shard_of_one_split(tmp_path):
    with pytest.raises(autograde.SetupError, match="none"):
        autograde.shard_folders(tmp_path)
    shard(tmp_path, 0, 2)
    with pytest.raises(autograde.SetupError, match=r"shards \[1\] of 2"):
        autograde.shard_folders(tmp_path)
    shard(tmp_path, 1, 2)
    assert [f.name for f in autograde.shard_folders(tmp_path)] == ["0-of-2", "1-of-2"]
    shard(tmp_path, 0, 3)
    with pytest.raises(autograde.SetupError, match="one split"):
        autograde.shard_folders(tmp_path)


def test_a_course_that_is_not_ready_is_refused_with_what_to_do(tmp_path, monkeypatch):
    settings = autograde.Settings(course=tmp_path)
    with pytest.raises(autograde.SetupError, match="nbgrader_config.py"):
        autograde.check_setup(settings)
    (tmp_path / "nbgrader_config.py").write_text("")
    with pytest.raises(autograde.SetupError, match="no source notebooks"):
        autograde.check_setup(settings)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01.ipynb").write_text("{}")
    with pytest.raises(autograde.SetupError, match="make student-edition"):
        autograde.check_setup(settings)
    assert autograde.main(["--course", str(tmp_path)]) == 2


def test_without_a_sandbox_nothing_is_graded_unless_you_say_so(tmp_path, monkeypatch, capsys):
    from nbgrader.api import Gradebook
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01.ipynb").write_text("{}")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_assignment("notebooks")
        gb.update_or_create_notebook("01", "notebooks")
    monkeypatch.setattr(autograde.sandbox, "problem", lambda: "bubblewrap is not installed.")
    assert autograde.main(["--course", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "bubblewrap is not installed" in error and "SANDBOX=no" in error
    autograde.check_setup(autograde.Settings(course=tmp_path, sandboxed=False))   # opted out


@pytest.mark.parametrize("output, reason", [
    ("...\nnbclient.exceptions.DeadKernelError: Kernel died\ncourse-sandbox: the kernel was "
     "killed by SIGKILL (by its own code)\n", "the kernel died (the kernel was killed by SIGKILL"),
    ("    nbclient.exceptions.CellTimeoutError: A cell timed out\n", "endless loop"),
    ("  File x\n    ValueError: bad notebook\n", "ValueError: bad notebook"),
    ("nothing useful", "nbgrader exited with status 1"),
])
def test_the_reason_of_a_failure_is_read_from_nbgraders_output(output, reason):
    assert reason in autograde._failure_reason(output, 1)


def test_the_notebook_being_graded_when_nbgrader_stopped_is_found():
    output = ("12:00:00.000 [AutogradeApp | INFO] Autograding /tmp/cg-x/c/autograded/s/notebooks/"
              "01_fully_connected.ipynb\n12:00:01.000 [AutogradeApp | INFO] Sanitizing "
              "/tmp/cg-x/c/submitted/s/notebooks/02_convolution.ipynb\n")
    assert autograde._notebook_in_progress(output) == "02_convolution"
    assert autograde._notebook_in_progress("") is None


class OneByOne(autograde.StudentGrader):
    """A StudentGrader whose nbgrader runs are scripted: {notebook: (ok, reason, output)}."""

    def __init__(self, runs):
        self.runs, self.calls = runs, []

    def autograde(self, notebook="*", feedback=False):
        self.calls.append(notebook)
        return self.runs[notebook]


def test_after_a_failure_the_other_notebooks_are_graded_one_by_one():
    stopped = "12:00:00.000 [AutogradeApp | INFO] Autograding /x/autograded/s/notebooks/02.ipynb"
    grader = OneByOne({"01": (True, "", ""), "03": (False, "the kernel died", "")})
    failures = grader.notebook_by_notebook({"01", "02", "03"}, "stopped after 60 s", stopped)
    assert failures == {"02": ("failed", "stopped after 60 s"),      # not run a second time
                        "03": ("failed", "the kernel died")}
    assert grader.calls == ["01", "03"]
    lone = OneByOne({})
    assert lone.notebook_by_notebook({"01"}, "the kernel died", "") == {
        "01": ("failed", "the kernel died")} and lone.calls == []
