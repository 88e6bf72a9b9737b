"""How the course was installed, so that an error can say how to repair it.

The course runs in three kinds of place, and a missing or damaged file is put back differently
in each:

- a clone of the repository (``make lab``): the package is ``course_utils/`` next to ``.git``,
  and git restores any file;
- Colab: the notebook's set-up cell installed the course with pip, and a fresh runtime
  installs it afresh;
- any other pip install (a laptop, a JupyterHub): reinstalling the package restores its files.
"""

import os
import sys
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def kind():
    """How the course was installed: ``"clone"``, ``"colab"`` or ``"pip"``."""
    if (PACKAGE.parent / ".git").exists():
        return "clone"
    if "google.colab" in sys.modules:      # Colab's kernel loads it at start-up
        return "colab"
    return "pip"


def repository():
    """The course's public repository, from the package's metadata (``[project.urls]`` in
    pyproject.toml, the one place where it is set)."""
    urls = metadata.metadata("course_utils").get_all("Project-URL") or []
    return dict(url.split(", ", 1) for url in urls)["Repository"]


def repair_hint(clone_hint):
    """What to do about a missing or damaged file of the course, in a sentence that suits how
    the course was installed. ``clone_hint`` is the advice for a clone (a ``git checkout``, or
    how to rebuild the file)."""
    data_dir = os.environ.get("COURSE_DATA_DIR")
    if data_dir:
        return (f"COURSE_DATA_DIR is set to {data_dir}, so the course reads its data there: "
                "put a copy of the course's data/ folder there, or unset COURSE_DATA_DIR to use "
                "the copy that ships with the course.")
    if kind() == "clone":
        return clone_hint
    if kind() == "colab":
        return ("Choose Runtime > Disconnect and delete runtime, then run the notebook again "
                "from the top: its set-up cell installs a fresh copy of the course.")
    return (f'Reinstall the course: pip install --force-reinstall --no-deps "git+{repository()}" '
            "(on a JupyterHub, ask its administrator to).")
