"""What a student reads: one report per failing check, no grader internals, what to return,
the tolerance, and, when grading, the points exactly as nbgrader records them."""

import nbformat
import numpy as np
from nbclient import NotebookClient

from course_utils import grading
from course_utils.grading import autograding


def linear_missing_a_thousandth(input, weight, bias=None):
    output = input @ weight.T + 1e-3
    return output if bias is None else output + bias


def run_notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    return nb.cells


def test_a_failing_check_shows_one_report_and_a_one_line_error():
    cells = run_notebook("import numpy as np\nfrom course_utils import grading",
                         "def linear(input, weight, bias=None):\n    return input @ weight.T",
                         autograding.check_cell_source("linear"))
    outputs = cells[-1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "error"]
    report = outputs[0].data["text/plain"]
    assert "FAILED" in report and "the bias is forgotten" in report
    (line,) = outputs[1].traceback
    assert "course_utils" not in line and "report above" in line
    texts = report + "".join(outputs[1].traceback) + outputs[1].evalue
    assert texts.count("First failing configuration") == 2    # the report, and the error's value
    assert "First failing configuration" not in "".join(outputs[1].traceback)


def test_a_passing_check_shows_its_report_and_no_result():
    cells = run_notebook("import numpy as np\nfrom course_utils import grading",
                         "def linear(input, weight, bias=None):\n"
                         "    output = input @ weight.T\n"
                         "    return output if bias is None else output + bias",
                         autograding.check_cell_source("linear"))
    assert [o.output_type for o in cells[-1].outputs] == ["display_data"]
    assert "PASSED" in cells[-1].outputs[0].data["text/plain"]


def test_a_near_miss_shows_its_error_and_the_tolerance():
    report = str(grading.grade("linear", linear_missing_a_thousandth))
    assert "max absolute error 0.001" in report
    assert "the tolerance is |yours - PyTorch| <= 1e-09 + 1e-06 * |PyTorch| for float64" in report
    assert "not one the grader recognises" in report


def test_the_graded_report_states_the_points_nbgrader_records():
    result = grading.grade("linear", linear_missing_a_thousandth, secret="alpha")
    assert result.graded and f"{result.points:g} of 1 point" in result.headline()
    outputs = autograding._report_outputs(result)
    assert outputs[1].output_type == "execute_result"
    assert float(outputs[1].data["text/plain"]) == result.points
    assert outputs[0].data["text/plain"] == str(result)


def test_the_workbook_report_says_what_the_exercise_is_worth():
    report = str(grading.grade("conv2d_backward", lambda *args, **kwargs: None))
    assert "Worth 3 points" in report and "hidden configurations" in report
    assert "What to return: conv2d_backward returns (grad_input, grad_weight)" in report


def test_a_wrong_dtype_is_told_what_to_return():
    def numerical_gradient(f, x, h=1e-6):
        from course_utils.grading.exercises.fully_connected.numerical_gradient import reference
        return reference(f, x, h).astype(np.asarray(x).dtype)
    report = str(grading.grade("numerical_gradient", numerical_gradient, numpy_only=False))
    assert "dtype float32; PyTorch gives float64" in report
    assert "What to return: numerical_gradient returns the gradient: a float64 array" in report
