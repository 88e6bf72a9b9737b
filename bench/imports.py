"""How long ``import course_utils`` takes (figure 5), in a fresh interpreter each time.

The clock starts after the interpreter is up and stops after the import, so Python's own
start-up is not counted. We also record whether the import pulled in torch, the slowest thing
there is to import: the course imports it only where it is needed. numpy and torch themselves
are timed the same way, for scale.
"""

import json
import subprocess
import sys

from .notebooks import ROOT
from .ops import Figure, Measure

TARGET = 0.5  # seconds
MODULES = ["course_utils", "course_utils.functional", "course_utils.nn", "course_utils.grading"]
REFERENCES = ["numpy", "torch"]

SCRIPT = """
import json, sys, time
start = time.perf_counter()
import {module}
print(json.dumps([time.perf_counter() - start, "torch" in sys.modules]))
"""


def import_time(module):
    """(seconds, whether torch got imported) for ``import module`` in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", SCRIPT.format(module=module)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def bench_imports(repeats=5, modules=MODULES, references=REFERENCES):
    """Figure 5: median import time of each module (target 0.5 s), and of numpy and torch."""
    figures = []
    for module in modules + references:
        import_time(module)  # warm-up: the first run also reads the files from disk
        runs = [import_time(module) for _ in range(repeats)]
        torch_loaded = "imports torch" if any(loaded for _, loaded in runs) else "no torch"
        figures.append(Figure(
            "imports", f"import {module}", Measure([seconds for seconds, _ in runs]),
            target=TARGET if module in modules else None,
            note="for scale" if module in references else torch_loaded))
    return figures
