"""nbgrader end to end through the class grader (course_utils.grading.autograde), on the small
fixture course (tests/grading/grading_assignment.py): one class, graded one student at a time,
two at a time, and in two shards merged; the grades, the reports in the graded notebooks and
the feedback, and the status file."""

import shutil

import nbformat
import pytest

import grading_assignment as course

pytestmark = pytest.mark.slow

WRONG_LINEAR = ("def linear(input, weight, bias=None):\n"
                "    return input @ weight.T\n")                 # the bias is forgotten


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    """A course with its student edition and three submissions, not graded yet (the class of
    test_grading_attacks.py has more, among them one graded with the demonstrations)."""
    root = course.make_course(tmp_path_factory.mktemp("course"))
    course.nbgrader(root, "generate_assignment", "notebooks")
    release = nbformat.read(root / "release" / "notebooks" / "fixture.ipynb", as_version=4)
    source = nbformat.read(root / "notebooks" / "fixture.ipynb", as_version=4)
    course.submit(root, "solver", {"fixture.ipynb": source})
    course.submit(root, "blank", {"fixture.ipynb": release})
    course.submit(root, "partial", {"fixture.ipynb": course.answered(source, {
        "linear_answer": WRONG_LINEAR})})
    return root, release


def graded_copy(class_folder, tmp_path_factory, *runs):
    """A copy of the class folder graded by the autograde runs ``runs`` (argument lists)."""
    root = tmp_path_factory.mktemp("graded") / "course"
    shutil.copytree(class_folder[0], root)
    results = [course.autograde(root, *args) for args in runs]
    return root, results


@pytest.fixture(scope="module")
def graded(class_folder, tmp_path_factory):
    """The class graded one student at a time."""
    root, (done,) = graded_copy(class_folder, tmp_path_factory, ["--jobs", "1"])
    return root, done


def check_outputs(root, student):
    """{grade_id: [outputs]} of the graded notebook's check cells."""
    nb = nbformat.read(root / "autograded" / student / "notebooks" / "fixture.ipynb", 4)
    return {c.metadata.nbgrader["grade_id"]: c.outputs for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def report(outputs):
    return outputs[0].data["text/plain"]


def test_the_student_edition_has_stubs_and_no_solutions(class_folder):
    _, release = class_folder
    text = nbformat.writes(release)
    assert "BEGIN SOLUTION" not in text and "output if bias is None" not in text
    assert text.count("raise NotImplementedError()") == 3


def test_the_source_gets_full_marks_and_the_blank_edition_zero(graded):
    root, _ = graded
    scores = course.scores(root)
    assert scores["solver"] == course.TOTAL
    assert scores["blank"] == 0
    assert course.TOTAL - course.POINTS["linear"] < scores["partial"] < course.TOTAL   # partial credit


def test_every_check_of_the_blank_edition_reports_not_implemented(graded):
    root, _ = graded
    for grade_id, outputs in check_outputs(root, "blank").items():
        assert "not implemented yet" in report(outputs), grade_id
        assert outputs[-1].output_type == "execute_result" and outputs[-1].data["text/plain"] == "0"


def test_a_wrong_answer_gets_the_report_with_the_hidden_configurations(graded):
    root, _ = graded
    text = report(check_outputs(root, "partial")["linear_check"])
    assert "bias is forgotten" in text and "of 1 point" in text
    assert "PASSED" in report(check_outputs(root, "partial")["conv_output_size_check"])


def test_passing_checks_show_their_report_and_points_without_errors(graded):
    root, _ = graded
    for grade_id, outputs in check_outputs(root, "solver").items():
        kinds = [o.output_type for o in outputs]
        assert kinds == ["display_data", "execute_result"], (grade_id, kinds)
        assert "PASSED" in report(outputs)
        assert float(outputs[1].data["text/plain"]) == course.POINTS[grade_id[:-len("_check")]]


def test_the_feedback_has_the_reports(graded):
    root, _ = graded
    for student in ("solver", "blank", "partial"):
        html = (root / "feedback" / student / "notebooks" / "fixture.html").read_text()
        assert "agrees with PyTorch" in html or "not implemented yet" in html or \
            "bias is forgotten" in html, student
    assert "bias is forgotten" in (root / "feedback" / "partial" / "notebooks" /
                                   "fixture.html").read_text()


def test_honest_submissions_raise_no_checksum_warnings(graded):
    root, _ = graded
    log = (root / "grading.log").read_text()
    assert "autograde" in log and "generate_feedback" in log
    assert "checksum" not in log.lower() and "has changed" not in log


def test_the_status_file_says_every_notebook_was_graded(graded):
    root, _ = graded
    rows = course.statuses(root)
    assert sorted(student for student, _ in rows) == sorted(course.scores(root))
    assert {row["status"] for row in rows.values()} == {"graded"}


def test_grading_two_at_a_time_gives_the_same_grades(graded, class_folder, tmp_path_factory):
    root, _ = graded
    parallel, _ = graded_copy(class_folder, tmp_path_factory, ["--jobs", "2"])
    assert (parallel / "grades.csv").read_text() == (root / "grades.csv").read_text()
    assert (parallel / "grading_status.csv").read_text() == \
        (root / "grading_status.csv").read_text()


def test_two_shards_merged_give_the_same_grades(graded, class_folder, tmp_path_factory):
    root, _ = graded
    sharded, (first, second, merged) = graded_copy(
        class_folder, tmp_path_factory, ["--shard", "0/2", "--jobs", "2"],
        ["--shard", "1/2", "--jobs", "2"], ["merge"])
    assert (sharded / "grades.csv").read_text() == (root / "grades.csv").read_text()
    assert (sharded / "grading_status.csv").read_text() == \
        (root / "grading_status.csv").read_text()
    for student in course.scores(root):
        assert (sharded / "feedback" / student / "notebooks" / "fixture.html").is_file()


def test_merging_an_incomplete_set_of_shards_is_refused(class_folder, tmp_path_factory):
    root, _ = graded_copy(class_folder, tmp_path_factory)
    (root / "grading-shards" / "1-of-3").mkdir(parents=True)
    (root / "grading-shards" / "1-of-3" / "shard.json").write_text(
        '{"shard": 1, "of": 3, "students": []}')
    refused = course.autograde(root, "merge", check=False)
    assert refused.returncode == 2 and "have not finished" in refused.stderr
    assert not (root / "grades.csv").exists()
