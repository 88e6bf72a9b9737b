"""course_utils.installation: the kind of install is told apart, and each gets advice it can use."""

import sys

from course_utils import installation

CLONE_HINT = "git checkout -- data/"


def test_this_checkout_is_a_clone():
    assert installation.kind() == "clone"
    assert installation.repair_hint(CLONE_HINT) == CLONE_HINT


def test_a_pip_install_is_told_to_reinstall_from_the_repository(tmp_path, monkeypatch):
    monkeypatch.setattr(installation, "PACKAGE", tmp_path / "site-packages" / "course_utils")
    assert installation.kind() == "pip"
    hint = installation.repair_hint(CLONE_HINT)
    assert f'pip install --force-reinstall --no-deps "git+{installation.repository()}"' in hint


def test_colab_is_told_to_start_a_fresh_runtime(tmp_path, monkeypatch):
    monkeypatch.setattr(installation, "PACKAGE", tmp_path / "site-packages" / "course_utils")
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert installation.kind() == "colab"
    assert "Runtime > Disconnect and delete runtime" in installation.repair_hint(CLONE_HINT)


def test_course_data_dir_is_named_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    hint = installation.repair_hint(CLONE_HINT)
    assert f"COURSE_DATA_DIR is set to {tmp_path}" in hint and "unset COURSE_DATA_DIR" in hint

