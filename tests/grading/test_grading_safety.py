"""Bad submissions never break anything: each gets a clear report and zero points."""

import re
import signal
import sys
import threading
import time

import numpy as np
import pytest

import grading_solutions as solutions
from course_utils import grading
from course_utils.grading import safety


def raises_value_error(x, weight, bias):
    raise ValueError("shapes do not match")


def not_implemented(x, weight, bias):
    raise NotImplementedError()


def returns_none(x, weight, bias):
    out = x @ weight.T + bias          # noqa: F841  (forgot to return it)


def returns_list(x, weight, bias):
    return (x @ weight.T + bias).tolist()


def returns_torch_tensor(x, weight, bias):
    import torch
    return torch.from_numpy(x) @ torch.from_numpy(weight).T + torch.from_numpy(bias)


def uses_torch_functional(x, weight, bias):
    import torch.nn.functional as F
    import torch
    return F.linear(torch.from_numpy(x), torch.from_numpy(weight), torch.from_numpy(bias)).numpy()


def imports_torch_by_name(x, weight, bias):
    torch = __import__("torch")
    return torch.nn.functional.linear(*map(torch.from_numpy, (x, weight, bias))).numpy()


def wrong_shape(x, weight, bias):
    return (x @ weight.T + bias)[:, :-1]


def wrong_dtype(x, weight, bias):
    return (x @ weight.T + bias).astype(np.float16)


def returns_nan(x, weight, bias):
    out = x @ weight.T + bias
    out[0, 0] = np.nan
    return out


def returns_inf(x, weight, bias):
    return (x @ weight.T + bias) / 0.0


def modifies_input(x, weight, bias):
    x *= 2
    return x @ weight.T / 2 + bias


def infinite_loop(x, weight, bias):
    while True:
        pass


def infinite_loop_swallowing_errors(x, weight, bias):
    while True:
        try:
            time.sleep(0.01)
        except Exception:              # what a careless student writes
            pass


def prints_enormously(x, weight, bias):
    for i in range(1_000_000):
        print("debugging line", i)
    return x @ weight.T + bias


def calls_sys_exit(x, weight, bias):
    sys.exit(1)


def recurses_forever(x, weight, bias):
    return recurses_forever(x, weight, bias)


def returns_matrix(x, weight, bias):
    return np.asmatrix(x @ weight.T + bias)


def fails_on_one_configuration(x, weight, bias):
    if x.shape[0] == 1:
        raise IndexError("index 1 is out of bounds")
    return x @ weight.T + bias


BAD = [
    ("linear_forward", raises_value_error, "error", "ValueError: shapes do not match"),
    ("linear_forward", not_implemented, "not implemented", "not implemented yet"),
    ("linear_forward", returns_none, "wrong output type", "did you forget `return`"),
    ("linear_forward", returns_list, "wrong output type", "returned a list"),
    ("linear_forward", returns_torch_tensor, "not NumPy", "torch"),
    ("linear_forward", uses_torch_functional, "not NumPy", "torch"),
    ("linear_forward", imports_torch_by_name, "not NumPy", "torch"),
    ("linear_forward", wrong_shape, "failed", "has shape (2, 2); PyTorch gives (2, 3)"),
    ("linear_forward", wrong_dtype, "failed", "dtype float16"),
    ("linear_forward", returns_nan, "failed", "contains NaN"),
    ("linear_forward", returns_inf, "failed", "inf"),
    ("linear_forward", modifies_input, "modified input", "changed its input x in place"),
    ("linear_forward", infinite_loop, "time limit", "did not finish"),
    ("linear_forward", infinite_loop_swallowing_errors, "time limit", "did not finish"),
    ("linear_forward", prints_enormously, "too much output", "printed"),
    ("linear_forward", calls_sys_exit, "error", "SystemExit"),
    ("linear_forward", recurses_forever, "error", "RecursionError"),
    ("linear_forward", returns_matrix, "wrong output type", "subclass of ndarray"),
    ("linear_forward", fails_on_one_configuration, "error", "IndexError"),
    ("linear_backward", lambda g, x, w: (g @ w, g.T @ x), "wrong output type", "returned 2 values"),
    ("conv_output_size", lambda size, kernel_size, stride=1, padding=0, dilation=1:
        (size + 2 * padding - kernel_size) / stride + 1, "wrong output type", "return an int"),
    ("linear_forward", 42, "error", "needs the function you wrote"),
]


@pytest.mark.parametrize("name, answer, status, words", BAD,
                         ids=[getattr(a, "__name__", repr(a)) + "-" + s for _, a, s, _ in BAD])
def test_a_bad_submission_gets_a_clear_report_and_no_marks(name, answer, status, words):
    result = grading.grade(name, answer, time_limit=1.0)
    assert result.status == status, str(result)
    assert words in str(result), str(result)
    assert not result.passed
    assert result.score == 0.0 or answer is fails_on_one_configuration
    if status not in ("time limit", "too much output"):       # slow with the default limit
        with pytest.raises(AssertionError, match=re.escape(words)):
            grading.check(name, answer)


def test_partial_failures_score_the_fraction_passed():
    result = grading.grade("linear_forward", fails_on_one_configuration)
    assert result.cases_total == 4 and result.cases_passed == 3 and result.score == 0.75
    assert "#2 (public)" in result.configuration           # the first failing one


def test_captured_output_is_shown_truncated():
    def chatty(x, weight, bias):
        print("hello from the student", x.shape)
        return x @ weight.T + bias
    result = grading.grade("linear_forward", chatty)
    assert result.passed and result.output_lines == 4
    assert "hello from the student (2, 3)" in str(result)


def test_numpy_exercises_may_not_call_the_course_reference():
    functional = pytest.importorskip("course_utils.functional")

    def conv2d_naive(x, weight, bias, stride=1, padding=0):
        return functional.conv2d(x, weight, bias, stride=stride, padding=padding)

    result = grading.grade("conv2d_naive", conv2d_naive)
    assert result.status == "not NumPy" and "course_utils.functional" in result.summary
    assert grading.grade("conv2d_naive", solutions.conv2d_naive).passed


def test_helpers_called_by_the_answer_are_inspected_too():
    import torch

    def helper(a):
        return torch.as_tensor(a).numpy()

    def linear_forward(x, weight, bias):
        return helper(x @ weight.T + bias)

    result = grading.grade("linear_forward", linear_forward)
    assert result.status == "not NumPy" and "helper" in result.summary


def test_the_notebook_keeps_its_alarm_timer():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 30.0)
    try:
        grading.grade("linear_forward", infinite_loop, time_limit=0.3)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining < 30.0 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_time_limit_outside_the_main_thread():
    outcome = {}

    def worker():
        outcome["call"] = safety.call(infinite_loop, (1, 2, 3), time_limit=0.3)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and outcome["call"].timed_out


def test_stderr_stays_quiet_while_grading(capfd):
    # nbgrader gives zero points to a check cell that writes to stderr.
    def noisy(x, weight, bias):
        np.log(-np.ones(1))            # RuntimeWarning
        print("to stderr", file=sys.stderr)
        return x @ weight.T + bias
    assert grading.grade("linear_forward", noisy).passed
    assert capfd.readouterr().err == ""
