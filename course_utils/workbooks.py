"""Your own copies of the notebooks, to work in: ``python -m course_utils.workbooks``.

``make lab`` runs this before starting JupyterLab. It builds the student edition of
``notebooks/`` with nbgrader (solutions replaced by ``raise NotImplementedError()``, hidden
tests removed) in a temporary folder, then copies into ``workbooks/`` every file that is not
there yet. It never overwrites anything: a workbook you have started stays yours, and
notebooks added to the course later are copied in next time.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIP = {".ipynb_checkpoints", "__pycache__"}


def student_edition(notebooks, destination):
    """Write the student edition of the folder ``notebooks`` into ``destination`` (a new
    folder) with ``nbgrader generate_assignment``."""
    notebooks = Path(notebooks).resolve()
    with tempfile.TemporaryDirectory() as course:
        env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep
                   + os.environ.get("PATH", ""))            # nbgrader runs `alembic` from PATH
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", notebooks.name,
             f"--CourseDirectory.root={course}",
             f"--CourseDirectory.source_directory={notebooks.parent}",
             f"--CourseDirectory.db_url=sqlite:///{course}/gradebook.db"],
            cwd=course, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("nbgrader could not build the student edition:\n"
                               + done.stdout + done.stderr)
        shutil.copytree(Path(course) / "release" / notebooks.name, destination)


def copy_missing(source, destination):
    """Copy every file of ``source`` that ``destination`` lacks; returns (copied, kept)."""
    copied, kept = [], []
    for path in sorted(Path(source).rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or SKIP & set(relative.parts):
            continue
        target = Path(destination) / relative
        if target.exists():
            kept.append(relative)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            target.chmod(0o644)
            copied.append(relative)
    return copied, kept


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default=REPO / "notebooks", type=Path)
    parser.add_argument("--workbooks", default=REPO / "workbooks", type=Path)
    args = parser.parse_args(argv)
    sources = sorted(args.notebooks.glob("*.ipynb"))
    if not sources:
        print(f"No notebooks in {args.notebooks}: nothing to copy.")
        return 0
    if all((args.workbooks / source.name).exists() for source in sources):
        print(f"All {len(sources)} workbooks are in {args.workbooks} already (yours; not touched).")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        edition = Path(scratch) / "edition"
        student_edition(args.notebooks, edition)
        copied, kept = copy_missing(edition, args.workbooks)
    for relative in copied:
        print(f"copied  {args.workbooks.name}/{relative}")
    for relative in kept:
        print(f"kept    {args.workbooks.name}/{relative} (yours; not overwritten)")
    print(f"{len(copied)} new, {len(kept)} already there, in {args.workbooks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
