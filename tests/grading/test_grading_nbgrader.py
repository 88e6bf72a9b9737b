"""nbgrader end to end, on a small fixture course (tests/grading/grading_assignment.py) with
the repository's nbgrader_config.py: one generate_assignment, one autograde of four
submissions, feedback, grades.csv."""

import nbformat
import pytest

import grading_assignment as course

WRONG_LINEAR = "def linear_forward(x, weight, bias):\n    return x @ weight.T\n"
WRONG_SIZE = ("def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):\n"
              "    return (size + 2 * padding - kernel_size) // stride\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("course"))
    course.nbgrader(root, "generate_assignment", "notebooks")
    release = nbformat.read(root / "release" / "notebooks" / "fixture.ipynb", as_version=4)
    source = nbformat.read(root / "notebooks" / "fixture.ipynb", as_version=4)
    course.submit(root, "solver", {"fixture.ipynb": source})
    course.submit(root, "blank", {"fixture.ipynb": release})
    course.submit(root, "check_patcher", {"fixture.ipynb": course.answered(release, {
        "linear_forward_answer": "grading.check = lambda *a, **k: None\n" + WRONG_LINEAR,
        "conv_output_size_answer": WRONG_SIZE})})
    course.submit(root, "allclose_patcher", {"fixture.ipynb": course.answered(release, {
        "linear_forward_answer": "grading.check = lambda *a, **k: None\n"
                                 "np.allclose = lambda *a, **k: True\n" + WRONG_LINEAR})})
    course.nbgrader(root, "autograde", "notebooks")
    course.nbgrader(root, "generate_feedback", "notebooks")
    course.nbgrader(root, "export")
    return root, release


def outputs(root, student):
    """[(grade_id, [outputs])] of the autograded notebook's check cells."""
    nb = nbformat.read(root / "autograded" / student / "notebooks" / "fixture.ipynb", 4)
    return [(c.metadata.nbgrader["grade_id"], c.outputs) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def errors(cell_outputs):
    return [o for o in cell_outputs if o.output_type == "error"]


def test_student_edition_has_no_solutions_and_no_hidden_tests(graded):
    _, release = graded
    text = nbformat.writes(release)
    assert "BEGIN SOLUTION" not in text and "return x @ weight.T + bias" not in text
    assert "HIDDEN" not in text and "hidden_check" not in text
    assert text.count("raise NotImplementedError()") == 3


def test_source_gets_full_marks_and_blank_gets_zero(graded):
    root, _ = graded
    scores = course.scores(root)
    assert scores["solver"] == course.TOTAL
    assert scores["blank"] == 0


def test_blank_fails_every_check_with_not_implemented_and_keeps_running(graded):
    root, _ = graded
    for grade_id, cell_outputs in outputs(root, "blank"):
        (error,) = errors(cell_outputs)
        assert error.ename == "AssertionError" and "not implemented yet" in error.evalue
    nb = nbformat.read(root / "autograded" / "blank" / "notebooks" / "fixture.ipynb", 4)
    assert "the notebook kept running" in nb.cells[-1].outputs[0].text


def test_tampered_submissions_fail_the_hidden_tests(graded):
    root, _ = graded
    scores = course.scores(root)
    assert scores["check_patcher"] == 0 and scores["allclose_patcher"] == 0
    patched = dict(outputs(root, "check_patcher"))
    assert "hidden configurations" in errors(patched["linear_forward_check"])[0].evalue
    assert "bias is forgotten" in errors(patched["linear_forward_check"])[0].evalue
    allclose = dict(outputs(root, "allclose_patcher"))
    assert "numpy.allclose" in errors(allclose["linear_forward_check"])[0].evalue


def test_feedback_never_shows_hidden_tests(graded):
    root, _ = graded
    for student in ("solver", "blank", "check_patcher", "allclose_patcher"):
        html = (root / "feedback" / student / "notebooks" / "fixture.html").read_text()
        for secret in ("BEGIN HIDDEN TESTS", "hidden_check", "sys.modules.pop"):
            assert secret not in html, (student, secret)
    html = (root / "feedback" / "check_patcher" / "notebooks" / "fixture.html").read_text()
    assert "bias is forgotten" in html                   # the report itself is kept


def test_passing_checks_show_their_report_without_a_partial_score(graded):
    root, _ = graded
    for _, cell_outputs in outputs(root, "solver"):
        kinds = [o.output_type for o in cell_outputs]
        assert kinds == ["display_data"], kinds          # no execute_result, no stderr
        assert "PASSED" in cell_outputs[0].data["text/plain"]
