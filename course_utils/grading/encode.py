"""Arguments and answers written to disk between the grader and a student's kernel.

When an instructor grades, the student's code runs in a sandboxed kernel and the comparison
with PyTorch runs outside it. The two exchange the cases (trusted side -> kernel) and what the
student's function did with them (kernel -> trusted side) as a JSON document plus an ``.npz``
file of arrays, loaded with ``allow_pickle=False``: nothing a student writes can run code on
the grader's side. The same round trip is used when a student checks an exercise in their own
notebook, so both see exactly the same report.

``dump(value, arrays)`` turns a value into JSON, putting each NumPy array into ``arrays``
(name -> array); ``load(document, arrays)`` is its inverse. Anything that cannot travel this
way (a torch tensor, an ndarray subclass, an object array, a dict...) arrives as an ``Opaque``
that remembers its type, so the report can say what the function returned instead.
"""

import dataclasses
import importlib
import json
import math
import os

import numpy as np

MAX_ITEMS = 10_000               # longest list or tuple kept
MAX_TEXT = 2_000                 # longest string kept
MAX_BYTES = 256 * 2**20          # largest .npz or .json file read back
FUNCTIONS = "course_utils.grading.exercises."   # the only functions a case may name


@dataclasses.dataclass(frozen=True)
class Opaque:
    """A value that could not be recorded, known by its type."""
    module: str
    type: str
    text: str = ""


@dataclasses.dataclass(frozen=True)
class Generator:
    """A NumPy random generator in a case's arguments, recorded by its seed."""
    seed: int

    def make(self):
        return np.random.default_rng(self.seed)


def _opaque(value):
    kind = type(value)
    return {"opaque": {"module": kind.__module__, "type": kind.__qualname__,
                       "text": repr(value)[:200] if kind.__module__ == "builtins" else ""}}


def dump(value, arrays):
    """JSON for ``value``; arrays go into the dict ``arrays`` (filled in place)."""
    if value is None or type(value) in (bool, int, str):
        return {"value": value[:MAX_TEXT] if type(value) is str else value}
    if type(value) is float:
        return {"value": value} if math.isfinite(value) else {"float": repr(value)}
    if type(value) is np.ndarray or isinstance(value, np.generic):
        if type(value) is np.ndarray and value.dtype.hasobject:
            return _opaque(value)
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value)
        return {"array": key, "scalar": isinstance(value, np.generic)}
    if type(value) in (tuple, list):
        items = [dump(item, arrays) for item in value[:MAX_ITEMS]]
        return {type(value).__name__: items}
    if isinstance(value, Generator):
        return {"generator": int(value.seed)}
    if callable(value) and getattr(value, "__module__", "").startswith(FUNCTIONS):
        return {"function": f"{value.__module__}:{value.__qualname__}"}
    return _opaque(value)


def load(document, arrays):
    """The value ``dump`` recorded (arrays looked up in ``arrays``)."""
    if "value" in document:
        return document["value"]
    if "float" in document:
        return float(document["float"])
    if "array" in document:
        array = arrays[document["array"]]
        return array[()] if document.get("scalar") else array
    if "tuple" in document:
        return tuple(load(item, arrays) for item in document["tuple"])
    if "list" in document:
        return [load(item, arrays) for item in document["list"]]
    if "generator" in document:
        return Generator(int(document["generator"]))
    if "function" in document:
        module, _, name = document["function"].partition(":")
        if not module.startswith(FUNCTIONS):
            raise ValueError(f"refusing to load function {document['function']!r}")
        return getattr(importlib.import_module(module), name)
    if "opaque" in document:
        return Opaque(**document["opaque"])
    raise ValueError(f"cannot read {str(document)[:80]!r}")


def live(value):
    """A value as a function receives it: generators become fresh np.random.Generators."""
    if isinstance(value, Generator):
        return value.make()
    if type(value) in (tuple, list):
        return type(value)(live(item) for item in value)
    return value


def write(path, document, arrays):
    """Write ``path``.json and ``path``.npz (truncating files that already exist)."""
    with open(f"{path}.json", "w") as out:
        json.dump(document, out)
    with open(f"{path}.npz", "wb") as out:
        np.savez(out, **arrays)


def read(path):
    """(document, arrays) written by ``write``; refuses files larger than MAX_BYTES."""
    for suffix in (".json", ".npz"):
        size = os.path.getsize(path + suffix)
        if size > MAX_BYTES:
            raise ValueError(f"{os.path.basename(path + suffix)} is {size} bytes, more than "
                             f"{MAX_BYTES}")
    with open(f"{path}.json") as source:
        document = json.load(source)
    with np.load(f"{path}.npz", allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return document, arrays
