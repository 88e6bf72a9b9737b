"""Your own copies of the notebooks, to work in: ``cnn-course workbooks [DEST]``.

The course ships its student edition inside the package: ``release/notebooks/`` in the
repository, built from ``notebooks/`` by ``make student-edition`` (nbgrader: solutions replaced
by ``raise NotImplementedError()``, hidden tests removed, outputs cleared). This copies into
DEST (``workbooks/`` by default) every notebook that is not there yet; nbgrader is not needed.
It never overwrites anything: a workbook you have started stays yours, and notebooks added to
the course later are copied in next time.

``make lab`` runs it before starting JupyterLab; on a JupyterHub, run it once in a terminal
(``cnn-course workbooks``, or ``python -m course_utils.workbooks``) to get your copies.
"""

import argparse
import shutil
import sys
from importlib import resources
from pathlib import Path

from .installation import repair_hint

SKIP = {".ipynb_checkpoints", "__pycache__"}
RESTORE_HINT = ("Restore it with `git checkout -- release/notebooks`, or rebuild it with "
                "`make student-edition`.")


def student_edition():
    """The folder of the student edition that ships with the course."""
    return Path(resources.files("course_utils._release")) / "notebooks"


def copy_missing(source, destination):
    """Copy every file of ``source`` that ``destination`` lacks; returns (copied, kept), the
    paths relative to ``source``. Copies get your usual permissions (not the read-only ones a
    system-wide install may have)."""
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
            shutil.copyfile(path, target)
            copied.append(relative)
    return copied, kept


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="cnn-course workbooks",
        description="Copy the course's notebooks (the student edition) into DEST, to work in. "
                    "Never overwrites a workbook you already have; notebooks added to the course "
                    "later are copied in the next time.")
    parser.add_argument("destination", nargs="?", default=Path("workbooks"), type=Path,
                        metavar="DEST", help="the folder for your workbooks (default: workbooks)")
    args = parser.parse_args(argv)
    edition = student_edition()
    if not any(edition.glob("*.ipynb")):
        raise SystemExit(f"The student edition {edition} is missing from the course. "
                         + repair_hint(RESTORE_HINT))
    copied, kept = copy_missing(edition, args.destination)
    for relative in copied:
        print(f"copied  {args.destination / relative}")
    print(f"{len(copied)} new, {len(kept)} already there (yours; not overwritten), "
          f"in {args.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
