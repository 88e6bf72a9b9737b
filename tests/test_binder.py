"""binder/postBuild leaves a Binder image with the student's view of the course: workbooks from
the student edition, and neither the worked solutions nor the tests.

It runs here on a copy of the repository, without its install step (which needs the network
and would install into this environment): the course is already installed here.
"""

import os
import subprocess
import sys

from repository_copy import ROOT, copy_repository


def test_post_build_opens_the_student_edition_and_removes_the_solutions(tmp_path):
    image = copy_repository(tmp_path / "image")
    env = dict(os.environ, COURSE_POSTBUILD_SKIP_INSTALL="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(["bash", str(image / "binder" / "postBuild")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    workbooks = sorted(path.name for path in (image / "workbooks").iterdir())
    edition = ROOT / "release" / "notebooks"
    assert workbooks == sorted(path.name for path in edition.glob("*.ipynb"))
    for name in workbooks:
        text = (image / "workbooks" / name).read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN" not in text, name
    assert not (image / "notebooks").exists() and not (image / "tests").exists()
    assert (image / "course_utils").is_dir() and (image / "data" / "MNIST" / "raw").is_dir()
    assert (ROOT / "notebooks").is_dir()            # the repository itself is untouched
