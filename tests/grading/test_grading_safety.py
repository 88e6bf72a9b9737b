"""Bad submissions never break anything: each gets a clear report and zero points."""

import re
import signal
import sys
import threading
import time

import numpy as np
import pytest

import solutions
from course_utils import grading
from course_utils.grading import run

SOLUTIONS = solutions.notebook_solutions()
right = SOLUTIONS["linear"]


def raises_value_error(input, weight, bias=None):
    raise ValueError("shapes do not match")


def not_implemented(input, weight, bias=None):
    raise NotImplementedError()


def returns_none(input, weight, bias=None):
    out = right(input, weight, bias)          # noqa: F841  (forgot to return it)


def returns_list(input, weight, bias=None):
    return (right(input, weight, bias)).tolist()


def returns_torch_tensor(input, weight, bias=None):
    import torch
    return torch.from_numpy(input) @ torch.from_numpy(weight).T + torch.from_numpy(bias)


def uses_torch_functional(input, weight, bias=None):
    import torch.nn.functional as F
    import torch
    return F.linear(torch.from_numpy(input), torch.from_numpy(weight), torch.from_numpy(bias)).numpy()


def imports_torch_by_name(input, weight, bias=None):
    torch = __import__("torch")
    return torch.nn.functional.linear(*map(torch.from_numpy, (input, weight, bias))).numpy()


def wrong_shape(input, weight, bias=None):
    return (right(input, weight, bias))[:, :-1]


def wrong_dtype(input, weight, bias=None):
    return (right(input, weight, bias)).astype(np.float16)


def returns_nan(input, weight, bias=None):
    out = right(input, weight, bias)
    out[0, 0] = np.nan
    return out


def returns_inf(input, weight, bias=None):
    return (right(input, weight, bias)) / 0.0


def modifies_input(input, weight, bias=None):
    input *= 2
    return right(input, weight, bias) / 2


def infinite_loop(input, weight, bias=None):
    while True:
        pass


def infinite_loop_swallowing_errors(input, weight, bias=None):
    while True:
        try:
            time.sleep(0.01)
        except Exception:              # what a careless student writes
            pass


def prints_enormously(input, weight, bias=None):
    for i in range(1_000_000):
        print("debugging line", i)
    return right(input, weight, bias)


def calls_sys_exit(input, weight, bias=None):
    sys.exit(1)


def recurses_forever(input, weight, bias=None):
    return recurses_forever(input, weight, bias=None)


def returns_matrix(input, weight, bias=None):
    return np.asmatrix(right(input, weight, bias))


def fails_on_one_configuration(input, weight, bias=None):
    if input.shape[0] == 1:
        raise IndexError("index 1 is out of bounds")
    return right(input, weight, bias)


BAD = [
    ("linear", raises_value_error, "error", "ValueError: shapes do not match"),
    ("linear", not_implemented, "not implemented", "not implemented yet"),
    ("linear", returns_none, "wrong output type", "did you forget `return`"),
    ("linear", returns_list, "wrong output type", "returned a list"),
    ("linear", returns_torch_tensor, "not NumPy", "torch"),
    ("linear", uses_torch_functional, "not NumPy", "torch"),
    ("linear", imports_torch_by_name, "not NumPy", "torch"),
    ("linear", wrong_shape, "failed", "has shape (2, 2); PyTorch gives (2, 3)"),
    ("batch_norm", lambda input, *args, **kwargs: (input, input), "wrong output type",
     "batch_norm returns the output: an array shaped like input"),
    ("linear", wrong_dtype, "failed", "dtype float16"),
    ("linear", returns_nan, "failed", "contains NaN"),
    ("linear", returns_inf, "failed", "inf"),
    ("linear", modifies_input, "modified input", "changed its input input in place"),
    ("linear", infinite_loop, "time limit", "did not finish"),
    ("linear", infinite_loop_swallowing_errors, "time limit", "did not finish"),
    ("linear", prints_enormously, "too much output", "printed"),
    ("linear", calls_sys_exit, "error", "SystemExit"),
    ("linear", recurses_forever, "error", "RecursionError"),
    ("linear", returns_matrix, "wrong output type", "subclass of ndarray"),
    ("linear", fails_on_one_configuration, "error", "IndexError"),
    ("linear_backward", lambda g, x, w, b=None: (g @ w, g.T @ x, g.sum(0), 0), "wrong output type",
     "returned 4 values"),
    ("conv_output_size", lambda size, kernel_size, stride=1, padding=0, dilation=1:
        (size + 2 * padding - kernel_size) / stride + 1, "wrong output type", "return an int"),
    ("linear", 42, "error", "needs the function you wrote"),
]


@pytest.mark.parametrize("name, answer, status, words", BAD,
                         ids=[getattr(a, "__name__", repr(a)) + "-" + s for _, a, s, _ in BAD])
def test_a_bad_submission_gets_a_clear_report_and_no_marks(name, answer, status, words):
    result = grading.grade(name, answer, time_limit=1.0)
    assert result.status == status, str(result)
    assert words in str(result), str(result)
    assert not result.passed
    assert result.points == 0.0 or answer is fails_on_one_configuration
    if status not in ("time limit", "too much output"):       # slow with the default limit
        with pytest.raises(grading.CheckFailed, match=re.escape(words)):
            grading.check(name, answer)


def test_partial_failures_score_the_fraction_passed():
    result = grading.grade("linear", fails_on_one_configuration, secret="alpha")
    failing = sum(case.args[0].shape[0] == 1 for case in grading.EXERCISES["linear"].public()
                  + grading.EXERCISES["linear"].hidden_cases(
                      grading.exercise.seed_for("alpha", "linear")))
    assert result.cases_passed == result.cases_total - failing and failing
    assert result.points == round(result.cases_passed / result.cases_total, 2)
    assert "#2 (public)" in result.configuration           # the first failing one


def test_captured_output_is_shown_truncated():
    def chatty(input, weight, bias=None):
        print("hello from the student", input.shape)
        return right(input, weight, bias)
    result = grading.grade("linear", chatty)
    assert result.passed and result.output_lines == 5
    assert "hello from the student (2, 3)" in str(result)


def test_numpy_exercises_may_not_call_the_course_reference():
    functional = pytest.importorskip("course_utils.functional")

    def conv2d_naive(input, weight, bias=None, stride=1, padding=0):
        return functional.conv2d(input, weight, bias, stride=stride, padding=padding)

    result = grading.grade("conv2d_naive", conv2d_naive)
    assert result.status == "not NumPy" and "course_utils.functional" in result.summary
    assert grading.grade("conv2d_naive", SOLUTIONS["conv2d_naive"]).passed


def test_helpers_called_by_the_answer_are_inspected_too():
    import torch

    def helper(a):
        return torch.as_tensor(a).numpy()

    def linear(input, weight, bias=None):
        return helper(right(input, weight, bias))

    result = grading.grade("linear", linear)
    assert result.status == "not NumPy" and "helper" in result.summary


def test_the_notebook_keeps_its_alarm_timer():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 30.0)
    try:
        grading.grade("linear", infinite_loop, time_limit=0.3)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining < 30.0 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_time_limit_outside_the_main_thread():
    outcome = run.Outcome()

    def worker():
        run.call(infinite_loop, (1, 2, 3), {}, outcome, time_limit=0.3)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and outcome.timed_out


def test_stderr_stays_quiet_while_grading(capfd):
    # nbgrader gives zero points to a check cell that writes to stderr.
    def noisy(input, weight, bias=None):
        np.log(-np.ones(1))            # RuntimeWarning
        print("to stderr", file=sys.stderr)
        return right(input, weight, bias)
    assert grading.grade("linear", noisy).passed
    assert capfd.readouterr().err == ""
