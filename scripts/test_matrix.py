"""Test the supported ranges, not only declare them: `make test-matrix`.

For each entry of the matrix, a virtual environment in .matrix/<name>/ gets the course with its
test extras, and runs the unit tests (all of tests/ but the browser tests, the portability run
and the slow nbgrader run) and nbval on the notebooks:

- floors:  the oldest supported Python with every dependency at the lowest version that
           pyproject.toml allows (each `name>=X` pinned to `name==X`);
- newest:  each newer Python with the newest releases pip finds.

    python scripts/test_matrix.py                      # every entry
    python scripts/test_matrix.py --only floors-3.10   # one entry
    python scripts/test_matrix.py --notebooks notebooks/01_fully_connected.ipynb

An environment is reused when it exists and is newer than the packaging (delete .matrix/ to
start afresh). Prints one line per entry (passed or failed, with the versions it ran) and exits
1 if any failed.
"""

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:         # Python 3.10
    import tomli as tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
MATRIX = ROOT / ".matrix"
ENTRIES = [("floors-3.10", "3.10", "floors"), ("newest-3.12", "3.12", "newest"),
           ("newest-3.13", "3.13", "newest")]
TESTS = ["tests", "-m", "not slow", "--ignore=tests/browser",
         "--ignore=tests/test_portability.py"]
VERSIONS = ("python", "numpy", "torch", "torchvision", "matplotlib", "jupyterlab", "ipywidgets",
            "nbgrader", "nbval")


def requirements(extras=("instructor", "test")):
    """The project's requirements (runtime and the given extras), as packaging Requirements."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


def floor_constraints(python_version):
    """'name==X' for every requirement 'name>=X' that applies to this Python."""
    lines = []
    for requirement in requirements():
        if requirement.marker and not requirement.marker.evaluate({"python_version": python_version}):
            continue
        floors = [s.version for s in requirement.specifier if s.operator == ">="]
        if floors:
            lines.append(f"{requirement.name}=={floors[0]}")
    return "\n".join(lines) + "\n"


def interpreter(version):
    """The path of a working Python ``version``: pyenv's, else pythonX.Y on PATH."""
    candidates = []
    if shutil.which("pyenv"):
        prefix = subprocess.run(["pyenv", "prefix", version], capture_output=True, text=True)
        if prefix.returncode == 0:
            candidates.append(str(Path(prefix.stdout.strip()) / "bin" / "python"))
    candidates.append(shutil.which(f"python{version}"))
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    raise SystemExit(f"Python {version} not found: install it (pyenv install {version}) "
                     f"or put python{version} on PATH.")


def run(command, log, **kwargs):
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(map(str, command))}\n")
        out.flush()
        return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, **kwargs).returncode


def prepare(name, version, mode, log):
    """Create (or reuse) the environment; returns its python, or None if installing failed.
    An environment older than the packaging (pyproject.toml, setup.py) is installed into again,
    as `make setup` does: pip keeps what still fits and installs what changed."""
    venv = MATRIX / name
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    packaging = [ROOT / "pyproject.toml", ROOT / "setup.py"]
    if stamp.exists() and all(stamp.stat().st_mtime >= p.stat().st_mtime for p in packaging):
        return python
    if not python.exists():
        shutil.rmtree(venv, ignore_errors=True)
        if run([interpreter(version), "-m", "venv", venv], log):
            return None
    install = [python, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"]
    if mode == "floors":
        constraints = venv / "floors.txt"
        constraints.write_text(floor_constraints(version))
        install += ["-c", constraints]
    if run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], log) or run(install, log):
        return None
    stamp.touch()
    return python


def versions(python):
    script = ("import importlib.metadata as m, platform\n"
              f"names = {VERSIONS[1:]!r}\n"
              "print(' '.join(['python ' + platform.python_version()] + "
              "[n + ' ' + m.version(n) for n in names]))")
    return subprocess.run([python, "-c", script], capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this entry (repeatable)")
    parser.add_argument("--notebooks", nargs="*", default=["notebooks"],
                        help="notebooks (or folders) to run with nbval")
    args = parser.parse_args()
    MATRIX.mkdir(exist_ok=True)
    failed = False
    for name, version, mode in ENTRIES:
        if args.only and name not in args.only:
            continue
        log = MATRIX / f"{name}.log"
        log.write_text("")
        start = time.monotonic()
        python = prepare(name, version, mode, log)
        if python is None:
            outcome, detail = "FAILED to install", ""
        else:
            code = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS,
                        *args.notebooks], log, cwd=ROOT)
            outcome, detail = ("passed" if code == 0 else "FAILED"), versions(python)
        failed = failed or outcome != "passed"
        print(f"{name:12} {outcome:18} {time.monotonic() - start:6.0f} s  {detail}  (log: {log})",
              flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
