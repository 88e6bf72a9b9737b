"""The exchange with a student's kernel: what travels, what cannot, and why nothing a kernel
does can make a wrong answer pass.

The grader's trusted side writes the cases; the kernel only records what the student's
function returns; the trusted side compares. So the tests here emulate a kernel that tampers
with everything the comparison relies on: every numpy, torch and builtin function that the
references and the case builders call is found by tracing them (not listed by hand), patched
in turn in a separate "kernel" process, and a wrong answer recorded there must still fail.
"""

import ast
import builtins
import importlib
import inspect
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import grading
from course_utils.grading import encode, recording
from course_utils.grading.assess import assess, expected_answer
from course_utils.grading.exercise import seed_for

EXERCISES = ["linear", "fuse_conv_bn", "batch_norm"]
SECRET = "tests"


# --- what travels ----------------------------------------------------------------------------

values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**62, 2**62) | st.floats() | st.text(max_size=20)
    | hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
                 hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)),
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children),
    max_leaves=8)


def same(a, b):
    if isinstance(a, np.ndarray):
        return type(b) is np.ndarray and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and a != a:
        return b != b
    return type(a) is type(b) and a == b


@settings(max_examples=60, deadline=None)
@given(values)
def test_values_round_trip(value):
    arrays = {}
    document = json.loads(json.dumps(encode.dump(value, arrays)))
    assert same(value, encode.load(document, arrays))


def test_what_cannot_travel_arrives_as_its_type():
    import torch
    arrays = {}
    for value, module, kind in [(torch.zeros(2), "torch", "Tensor"), ({"a": 1}, "builtins", "dict"),
                                (np.array([object()]), "numpy", "ndarray"),
                                (np.ma.masked_array([1.0]), "numpy", "MaskedArray")]:
        loaded = encode.load(encode.dump(value, arrays), arrays)
        assert isinstance(loaded, encode.Opaque) and loaded.type == kind
        assert loaded.module.startswith(module)


def test_only_the_exercises_functions_can_be_named():
    with pytest.raises(ValueError, match="refusing"):
        encode.load({"function": "os:system"}, {})


def test_forged_outcomes_score_zero_or_are_bounded(tmp_path):
    exercise = grading.EXERCISES["linear"]
    cases = exercise.public()
    recording.write_inputs(tmp_path, exercise, cases)
    base = tmp_path / "outputs" / "linear"
    for document in ["not json", json.dumps({"exercise": "conv2d", "outcomes": []}),
                     json.dumps({"exercise": "linear", "outcomes": [{"value": {"function": "os:system"}}]})]:
        base.with_suffix(".json").write_text(document)
        assert recording.read_outcomes(tmp_path, "linear") == ([], [])
    huge = {"value": {"value": None}, "after": {}, "error": "E" * 10**6, "message": "m" * 10**6,
            "error_line": "", "timed_out": 0, "forbidden": "", "modified": ["x"] * 10**4,
            "output": "o" * 10**6, "output_lines": 3, "lines": None}
    base.with_suffix(".json").write_text(json.dumps({"exercise": "linear", "outcomes": [huge],
                                                     "probe_lines": []}))
    np.savez(base.with_suffix(".npz"))
    (outcome,), _ = recording.read_outcomes(tmp_path, "linear")
    assert len(outcome.error) <= 200 and len(outcome.message) <= 2000 and len(outcome.modified) <= 50
    result = assess(exercise, cases, [outcome])
    assert result.status == "not run" and result.points == 0


# --- nothing the kernel does helps a wrong answer ---------------------------------------------

def _named_in_source(module):
    """(module, name) of the functions that ``np.a.b(...)``-style chains in a module's source
    name (the profiler does not see Cython functions such as np.random.default_rng)."""
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Attribute):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id == "np":
                path = ["numpy"] + chain[::-1]
                owner = importlib.import_module(".".join(path[:-1])) if len(path) > 2 else np
                if callable(getattr(owner, path[-1], None)):
                    found.add((owner.__name__, path[-1]))
    return found


def traced_functions():
    """(module, name) of every numpy, torch and builtin function that the trusted side calls
    to build the cases and compute the references of EXERCISES (found by tracing them, and by
    reading the exercise modules for what the profiler cannot see)."""
    seen = set()
    for name in EXERCISES:
        seen |= _named_in_source(inspect.getmodule(grading.EXERCISES[name].public))

    def tracer(frame, event, arg):
        if event == "c_call":
            module = getattr(arg, "__module__", None) or (
                "builtins" if getattr(arg, "__self__", None) is builtins else None)
            name = getattr(arg, "__name__", None)
            if module and name:
                seen.add((module, name))
        elif event == "call":
            module = frame.f_globals.get("__name__", "")
            seen.add((module, frame.f_code.co_name))

    def trusted_side_work(name):
        exercise = grading.EXERCISES[name]
        for case in exercise.public() + exercise.hidden_cases(seed_for(SECRET, name)):
            expected_answer(exercise, case)

    for name in EXERCISES:
        trusted_side_work(name)                     # once untraced: lazy imports happen here
        previous = sys.getprofile()
        sys.setprofile(tracer)
        try:
            trusted_side_work(name)
        finally:
            sys.setprofile(previous)
    patchable = set()
    for module_name, name in seen:
        root = module_name.split(".")[0]
        if root not in ("numpy", "torch", "builtins", "copy", "math"):
            continue
        function = getattr(sys.modules.get(module_name), name, None)
        if callable(function) and not inspect.isclass(function) and not name.startswith("__"):
            patchable.add((module_name, name))
    return sorted(patchable)


WRONG = {
    "linear": "def linear(input, weight, bias=None):\n    return input @ weight.T\n",
    "fuse_conv_bn": "def fuse_conv_bn(w, b, m, v, eps, g, beta):\n    return w, beta\n",
    "batch_norm": ("def batch_norm(input, running_mean, running_var, weight=None, bias=None,\n"
                   "               training=False, momentum=0.1, eps=1e-5):\n    return input\n"),
}

KERNEL = textwrap.dedent('''
    import importlib, json, os, sys
    from course_utils import grading
    namespace = {"grading": grading}
    for source in WRONG.values():
        exec(source, namespace)
    for index, (module_name, name) in enumerate(PATCHES):
        directory = os.path.join(ROOT, str(index))
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        os.environ["COURSE_GRADING_DIR"] = directory
        try:
            setattr(module, name, lambda *args, **kwargs: args[0] if args else True)
            for exercise in WRONG:
                try:
                    grading.check(exercise, namespace[exercise])
                except BaseException:
                    pass
        except BaseException:
            pass
        finally:
            setattr(module, name, original)
''')


def test_patching_anything_the_comparison_uses_in_the_kernel_does_not_help(tmp_path):
    patches = traced_functions()
    assert len(patches) > 30                        # numpy, torch and builtins, found by tracing
    assert ("torch.nn.utils.fusion", "fuse_conv_bn_weights") in patches
    assert ("numpy.random", "default_rng") in patches
    all_cases = {}
    for index in range(len(patches)):
        for name in WRONG:
            exercise = grading.EXERCISES[name]
            cases = exercise.public() + exercise.hidden_cases(seed_for(SECRET, name))
            recording.write_inputs(tmp_path / str(index), exercise, cases)
            all_cases[name] = cases
    script = f"ROOT = {str(tmp_path)!r}\nPATCHES = {patches!r}\nWRONG = {WRONG!r}\n" + KERNEL
    subprocess.run([sys.executable, "-c", script], timeout=600, capture_output=True)
    for index, patch in enumerate(patches):
        for name in WRONG:
            outcomes, _ = recording.read_outcomes(tmp_path / str(index), name)
            result = assess(grading.EXERCISES[name], all_cases[name], outcomes, graded=True)
            assert not result.passed and result.points < grading.EXERCISES[name].points, (patch, name)


def test_a_replaced_check_records_nothing_and_scores_zero(tmp_path, monkeypatch):
    exercise = grading.EXERCISES["linear"]
    recording.write_inputs(tmp_path, exercise, exercise.public())
    monkeypatch.setenv(recording.DIRECTORY, str(tmp_path))
    monkeypatch.setattr(grading, "check", lambda *args: None)
    grading.check("linear", lambda *args: None)
    outcomes, _ = recording.read_outcomes(tmp_path, "linear")
    assert assess(exercise, exercise.public(), outcomes, graded=True).points == 0


def test_in_the_kernel_check_records_and_shows_nothing(tmp_path, monkeypatch, capsys):
    exercise = grading.EXERCISES["linear"]
    cases = exercise.public()
    recording.write_inputs(tmp_path, exercise, cases)
    monkeypatch.setenv(recording.DIRECTORY, str(tmp_path))
    grading.check("linear", lambda input, weight, bias=None: input @ weight.T)
    assert capsys.readouterr().out == ""
    outcomes, _ = recording.read_outcomes(tmp_path, "linear")
    result = assess(exercise, cases, outcomes, graded=True)
    assert len(outcomes) == len(cases) and result.mistake.startswith("the bias is forgotten")
