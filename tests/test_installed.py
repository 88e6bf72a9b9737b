"""The course as most students get it, without a clone: its wheel, installed into a fresh
environment outside the repository.

There, with the installed package's data folder read-only (as on a JupyterHub where the course
is installed for every user), it loads MNIST and the trained LeNet with their checksums
verified, makes workbooks with the console script, runs two notebooks that need the data with
nbval, and grades an exercise. The notebooks' set-up cell (scripts/setup_cell.py) is run there
too: it does nothing where the course is installed, and installs it where it is missing.

Kept cheap: the wheel is built offline (no build isolation), and each fresh environment reuses
this one's packages, torch included, through a .pth file placed after its own site-packages, so
that installing the course there is `pip install --no-deps`, offline. The whole file takes
50 to 90 s on two cores, most of it the two notebooks.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from repository_copy import ROOT, copy_repository

NOTEBOOKS = ("01_fully_connected.ipynb", "07_lenet.ipynb")
SETUP_CELL = (ROOT / "scripts" / "setup_cell.py").read_text()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The course's wheel, built from a copy of the repository as a clone has it."""
    folder = tmp_path_factory.mktemp("wheel")
    source = copy_repository(folder / "source")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", folder / "dist", source], env=os.environ, cwd=folder)
    return next((folder / "dist").glob("course_utils-*.whl"))


class Environment:
    """A new virtual environment in ``folder``, outside the repository, with a home folder of
    its own; it sees this environment's packages, but not the course (whose editable install
    here works through a .pth file of this site-packages, which is not processed there)."""

    def __init__(self, folder):
        run([sys.executable, "-m", "venv", "--without-pip", folder], env=os.environ,
            cwd=folder.parent)
        self.bin = folder / "bin"
        self.python = self.bin / "python"
        self.home = folder / "home"
        self.home.mkdir()
        self.env = {name: value for name, value in os.environ.items()
                    if name not in ("PYTHONPATH", "COURSE_DATA_DIR", "VIRTUAL_ENV")}
        self.env.update(HOME=str(self.home), XDG_CACHE_HOME=str(self.home / ".cache"),
                        PIP_NO_INDEX="1", COURSE_EXPLORERS="static", OMP_NUM_THREADS="2",
                        PATH=str(self.bin) + os.pathsep + os.environ.get("PATH", ""))
        self.site_packages = Path(
            self.run_python("import sysconfig; print(sysconfig.get_path('purelib'))"))
        this_site_packages = sysconfig.get_path("purelib")
        (self.site_packages / "test-environment.pth").write_text(this_site_packages + "\n")

    def run_python(self, program, **env):
        """Run Python source in the environment, in its home folder; its stripped stdout."""
        return run([self.python, "-c", program], env=dict(self.env, **env), cwd=self.home)

    def command(self, *command):
        """Run a command in the environment, in its home folder; its stripped stdout."""
        return run(list(command), env=self.env, cwd=self.home)

    def install(self, wheel):
        """Install the course's wheel, and nothing else (no index is reachable)."""
        self.command(self.python, "-m", "pip", "install", "--quiet", "--no-deps",
                     "--ignore-installed", wheel)


def run(command, env, cwd, timeout=600):
    """Run ``command``; its stripped stdout, or a failure showing what it printed."""
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, (f"{' '.join(map(str, command))} failed:\n"
                                  f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done.stdout.strip()


def snapshot(folder):
    """Every file under ``folder`` with its size and modification time."""
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*")}


def set_writable(folders, writable):
    """Make every folder and file under ``folders`` writable (as installed), or read-only."""
    for folder in folders:
        for path in [folder, *folder.rglob("*")]:
            path.chmod((0o755 if path.is_dir() else 0o644) if writable else
                       (0o555 if path.is_dir() else 0o444))


# The one place that knows the grader's API (which is being rewritten): adapt it here.
GRADE_ONE_EXERCISE = '''
from course_utils import grading

def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1

grading.check("conv_output_size", conv_output_size)
'''


def test_the_installed_course_works_from_a_read_only_install(wheel, tmp_path):
    environment = Environment(tmp_path / "venv")
    environment.install(wheel)
    package = environment.site_packages / "course_utils"
    assert environment.run_python("import course_utils; print(course_utils.__file__)") == \
        str(package / "__init__.py")

    shipped = [package / "_data", package / "_release"]
    before = snapshot(package)
    set_writable(shipped, False)
    try:
        found = environment.run_python(textwrap.dedent("""
            from course_utils import data, installation, pretrained
            images, labels = data.load_mnist(train=False)        # SHA-256 checked first
            assert images.shape == (2000, 28, 28) and labels.shape == (2000,)
            model = pretrained.load_trained_lenet()               # SHA-256 checked first
            accuracy = (model(images[:200, None] / 255.0).argmax(axis=1) == labels[:200]).mean()
            assert accuracy > 0.9, accuracy
            print(installation.kind(), data.DATA_DIR, data.verify_mnist(), sep="\\n")
            """)).splitlines()
        assert found == ["pip", str(package / "_data"),
                         str(environment.home / ".cache" / "cnn-course" / "mnist-subset")]

        student = tmp_path / "student"
        environment.command(environment.bin / "cnn-course", "workbooks", student)
        assert sorted(path.name for path in student.iterdir()) == \
            sorted(path.name for path in (ROOT / "release" / "notebooks").glob("*.ipynb"))
        again = environment.command(environment.bin / "cnn-course", "workbooks", student)
        assert again.startswith("0 new")

        run_folder = tmp_path / "run"
        run_folder.mkdir()
        for name in NOTEBOOKS:
            shutil.copy(ROOT / "notebooks" / name, run_folder)
        shutil.copy(ROOT / ".ci" / "nbval_sanitize.cfg", run_folder)
        run([environment.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
             "--nbval-current-env", "--nbval-sanitize-with", "nbval_sanitize.cfg", *NOTEBOOKS],
            env=environment.env, cwd=run_folder)

        (tmp_path / "grade_one.py").write_text(GRADE_ONE_EXERCISE)
        environment.command(environment.python, tmp_path / "grade_one.py")
    finally:
        set_writable(shipped, True)
    after = snapshot(package)
    assert {path: stat for path, stat in after.items() if "__pycache__" not in path.parts} == \
        {path: stat for path, stat in before.items() if "__pycache__" not in path.parts}


def test_the_set_up_cell_does_nothing_where_the_course_is_installed(wheel, tmp_path):
    environment = Environment(tmp_path / "venv")
    environment.install(wheel)
    nowhere = str(tmp_path / "nothing-here")                   # installing would fail
    assert environment.run_python(SETUP_CELL, COURSE_INSTALL_FROM=nowhere) == ""


def test_the_set_up_cell_installs_the_course_where_it_is_missing(wheel, tmp_path):
    environment = Environment(tmp_path / "venv")
    find = "import importlib.util; print(importlib.util.find_spec('course_utils'))"
    assert environment.run_python(find) == "None"
    then = SETUP_CELL + "\nimport course_utils; print(course_utils.__file__)\n"
    out = environment.run_python(then, COURSE_INSTALL_FROM=str(wheel)).splitlines()
    assert out == [f"Installing the course from {wheel} ...",
                   str(environment.site_packages / "course_utils" / "__init__.py")]
    assert environment.run_python(SETUP_CELL, COURSE_INSTALL_FROM=str(wheel)) == ""   # idempotent
