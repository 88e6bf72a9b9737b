"""nbgrader settings for the course (see the README's "For instructors" section).

The repository is the course directory and ``notebooks/`` is the one assignment, so:

    notebooks/*.ipynb                          the source, with solutions and hidden tests
    release/notebooks/*.ipynb                  the student edition (make student-edition)
    submitted/<student>/notebooks/*.ipynb      the submissions you collect
    autograded/<student>/notebooks/*.ipynb     graded copies (make autograde)
    feedback/<student>/notebooks/*.html        what each student gets back
    grades.csv, gradebook.db                   the scores

Feedback never shows hidden tests: their source is removed, and error tracebacks (which quote
the code around the failing line) are reduced to the error message, which is the grader's
report.
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor, Preprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, Execute,
                                    GetGrades, IgnorePattern, LimitOutput, SaveAutoGrades)

from course_utils.grading.autograding import AssessChecks, PrepareChecks

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "."
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")

# The student edition: nbgrader's default stub, so that an unanswered exercise reports
# "not implemented yet".
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Autograding executes whole notebooks: allow slow cells.
c.Execute.timeout = 300

# The grader's trusted steps around the student's kernel (course_utils/grading/autograding.py):
# the check cells' cases are written before the notebook runs; what the checks recorded is
# compared with PyTorch after it ran, and the points become each check cell's result.
c.Autograde.autograde_preprocessors = [PrepareChecks, Execute, AssessChecks, IgnorePattern,
                                       ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]


class ShortTracebacks(Preprocessor):
    """Replace every error's traceback by its last line ('AssertionError: <the report>'):
    a traceback quotes the code around the failing line, which may be a hidden test."""

    enabled = True        # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                output["traceback"] = [message]
        return cell, resources


c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ShortTracebacks,
                                    CSSHTMLHeaderPreprocessor]
