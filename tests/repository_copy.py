"""A copy of the repository as a clone of it would be: every file git tracks or would track
(not the ignored ones: no .venv, no caches, no workbooks), for tests that build or change it."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_repository(target):
    """Copy the repository's files into the new folder ``target``; returns ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():                     # not a tracked file deleted in the work tree
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target
