"""The exchange between the grader and a student's kernel, through a folder of files.

While an instructor grades, a notebook's check cell ``grading.check("conv2d", conv2d)`` runs
in the student's sandboxed kernel with ``COURSE_GRADING_DIR`` set. Then:

1. before the notebook runs, the trusted side writes each exercise's cases (public and
   hidden) and the rules for running them to ``inputs/<exercise>.json`` and ``.npz``
   (``write_inputs``);
2. in the kernel, the check cell calls the student's function on exactly those cases and writes
   what happened to ``outputs/<exercise>.json`` and ``.npz`` (``record``); nothing there knows
   PyTorch's answers;
3. after the notebook has run, the trusted side reads the outcomes back (``read_outcomes``)
   and ``assess`` compares them with PyTorch.

A check cell that is skipped, replaced or stopped writes no outcomes (or incomplete ones), and
scores 0. The files hold only JSON and arrays (``encode``): reading them cannot run code.
"""

import dataclasses
import os

from . import encode
from .exercise import Case
from .run import Outcome, Rules, run_case

DIRECTORY = "COURSE_GRADING_DIR"        # set in the kernel while an instructor grades
_OUTCOME_FIELDS = [f.name for f in dataclasses.fields(Outcome) if f.name not in ("value", "after")]


def rules_for(exercise):
    return Rules(parameters=tuple(name for name, _ in exercise.parameters),
                 in_place=tuple(exercise.in_place), time_limit=exercise.time_limit,
                 mutation_atol=exercise.mutation_atol)


def _dump_case(case, arrays):
    return {"args": [encode.dump(a, arrays) for a in case.args],
            "kwargs": {k: encode.dump(v, arrays) for k, v in case.kwargs.items()},
            "note": case.note, "calls": case.calls}


def _load_case(document, arrays):
    return Case(tuple(encode.load(a, arrays) for a in document["args"]),
                {k: encode.load(v, arrays) for k, v in document["kwargs"].items()},
                document["note"], document["calls"])


def dump_outcome(outcome, arrays):
    document = {name: getattr(outcome, name) for name in _OUTCOME_FIELDS}
    document["modified"] = list(outcome.modified)
    document["value"] = encode.dump(outcome.value, arrays)
    document["after"] = {k: encode.dump(v, arrays) for k, v in outcome.after.items()}
    return document


def load_outcome(document, arrays):
    """The Outcome ``dump_outcome`` wrote, every field coerced to its type and bounded in size
    (the document comes from untrusted code)."""
    def text(name, limit=2000):
        return str(document.get(name, ""))[:limit]

    lines = document.get("lines")
    return Outcome(value=encode.load(document["value"], arrays),
                   after={str(k): encode.load(v, arrays) for k, v in document["after"].items()},
                   error=text("error", 200), message=text("message"),
                   error_line=text("error_line", 500), timed_out=bool(document["timed_out"]),
                   forbidden=text("forbidden", 500),
                   modified=tuple(str(n)[:100] for n in list(document["modified"])[:50]),
                   output=text("output"), output_lines=int(document["output_lines"]),
                   lines=None if lines is None else int(lines))


def roundtrip(outcomes):
    """The outcomes as the trusted side would read them back from disk."""
    arrays = {}
    documents = [dump_outcome(o, arrays) for o in outcomes]
    return [load_outcome(d, arrays) for d in documents]


def _path(directory, kind, name):
    return os.path.join(directory, kind, name)


def write_inputs(directory, exercise, cases, probes=()):
    """Trusted side: the cases (and structure probes) the kernel will run ``exercise`` on, and
    the empty files it will write its outcomes into (so that the folder itself can be kept
    read-only for the kernel)."""
    for kind in ("inputs", "outputs"):
        os.makedirs(os.path.join(directory, kind), exist_ok=True)
    for suffix in (".json", ".npz"):
        open(_path(directory, "outputs", exercise.name) + suffix, "w").close()
    arrays = {}
    document = {"exercise": exercise.name, "rules": dataclasses.asdict(rules_for(exercise)),
                "cases": [_dump_case(c, arrays) for c in cases],
                "probes": [_dump_case(c, arrays) for c in probes]}
    encode.write(_path(directory, "inputs", exercise.name), document, arrays)


def record(directory, name, fn):
    """Kernel side: run ``fn`` on the cases written for exercise ``name``; write the outcomes."""
    document, arrays = encode.read(_path(directory, "inputs", name))
    rules = Rules(**{k: tuple(v) if isinstance(v, list) else v
                     for k, v in document["rules"].items()})
    out = {}
    outcomes = [dump_outcome(run_case(fn, _load_case(c, arrays), rules), out)
                for c in document["cases"]]
    probes = [run_case(fn, _load_case(c, arrays), rules, count_lines=True).lines
              for c in document["probes"]]
    encode.write(_path(directory, "outputs", name),
                 {"exercise": name, "outcomes": outcomes, "probe_lines": probes}, out)


def read_outcomes(directory, name):
    """Trusted side: (outcomes, probe line counts) recorded for ``name``, or ([], []) when the
    kernel wrote none or wrote something unreadable."""
    try:
        document, arrays = encode.read(_path(directory, "outputs", name))
        if document.get("exercise") != name:
            return [], []
        outcomes = [load_outcome(d, arrays) for d in document["outcomes"]]
        return outcomes, [int(n) if n is not None else None for n in document["probe_lines"]]
    except Exception:              # missing, truncated or forged: the check did not run
        return [], []
