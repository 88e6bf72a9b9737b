"""A notebook that tampers with the grader still fails the hidden tests (in-process tests; the
nbgrader end-to-end test repeats the first two through `nbgrader autograde`)."""

import sys

import numpy as np
import pytest

import grading_solutions as solutions
from course_utils import grading
from course_utils.grading import check_cell_source


def wrong_linear_forward(x, weight, bias):
    return x @ weight.T                                   # bias forgotten


def run_check_cell(fn, name="linear_forward"):
    """Execute the check cell's source (public line and hidden block) as the notebook would."""
    namespace = {"grading": grading, name: fn}
    exec(check_cell_source(name), namespace)


def test_untampered_check_cell_passes_and_fails_as_it_should():
    run_check_cell(solutions.linear_forward)
    with pytest.raises(AssertionError, match="bias is forgotten"):
        run_check_cell(wrong_linear_forward)


def test_replacing_grading_check_does_not_pass_the_hidden_tests(monkeypatch):
    monkeypatch.setattr(grading, "check", lambda *args, **kwargs: None)
    with pytest.raises(AssertionError, match="hidden configurations"):
        run_check_cell(wrong_linear_forward)


def test_patching_numpy_allclose_is_refused(monkeypatch):
    monkeypatch.setattr(grading, "check", lambda *args, **kwargs: None)
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    with pytest.raises(AssertionError, match=r"(?s)tampered.*numpy\.allclose"):
        run_check_cell(wrong_linear_forward)


def test_patching_the_live_grader_does_not_reach_the_fresh_copy(monkeypatch):
    import course_utils.grading.core as core
    monkeypatch.setattr(core, "compare", lambda *args, **kwargs: None)
    assert grading.grade("linear_forward", wrong_linear_forward).passed      # fooled
    with pytest.raises(AssertionError, match="hidden configurations"):
        run_check_cell(wrong_linear_forward)


def test_replacing_hidden_check_itself_does_not_help(monkeypatch):
    import course_utils.grading.hidden as hidden
    monkeypatch.setattr(grading, "check", lambda *args, **kwargs: None)
    monkeypatch.setattr(hidden, "hidden_check", lambda *args, **kwargs: None)
    monkeypatch.setitem(sys.modules, "course_utils.grading.hidden", hidden)
    with pytest.raises(AssertionError, match="hidden configurations"):
        run_check_cell(wrong_linear_forward)


def test_replacing_the_torch_oracle_is_refused(monkeypatch):
    import torch.nn.functional as F
    monkeypatch.setattr(F, "linear", lambda x, w, b=None: x @ w.T)
    with pytest.raises(AssertionError, match=r"(?s)tampered.*torch\.nn\.functional\.linear"):
        grading.hidden_check("linear_forward", wrong_linear_forward)


def test_tampering_during_the_call_is_caught(monkeypatch):
    monkeypatch.setattr(np, "abs", np.abs)               # restored after the test

    def sneaky(x, weight, bias):
        np.abs = lambda a: np.zeros_like(a)
        return x @ weight.T

    with pytest.raises(AssertionError, match="while your function ran"):
        grading.hidden_check("linear_forward", sneaky)
