"""The grader's trusted steps when nbgrader autogrades a submission.

They run in nbgrader's own process, outside the student's (sandboxed) kernel:

- ``prepare_submission(submitted, source)``, before nbgrader sees the notebook: gives every cell
  that claims a source cell's grade_id that cell's nbgrader metadata back (so that flipping
  ``grade: false`` cannot break nbgrader), and replaces the course's own demonstration cells
  by a one-line note (grading needs only the set-up cells, tagged ``setup`` in the source, the
  answers, the checks and whatever the student added: the demonstrations would cost most of
  the time);
- ``PrepareChecks`` (an nbgrader preprocessor, just before ``Execute``): writes every check
  cell's cases, public and hidden (drawn with the instructor's secret), to a fresh folder that
  the kernel sees as ``COURSE_GRADING_DIR``;
- ``AssessChecks`` (just after ``Execute``): reads what each check cell recorded, compares it
  with PyTorch (``assess``), and replaces the check cell's outputs by the report and, as the
  cell's result, the points, which nbgrader's ``SaveAutoGrades`` then records (partial credit).
  A check that recorded nothing, or something unreadable, scores 0.

``nbgrader_config.py`` puts the two preprocessors in place; ``autograde.py`` runs nbgrader for
each student.
"""

import copy
import json
import os
import re
import shutil
import tempfile

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from . import integrity, recording, registry
from .assess import assess
from .exercise import seed_for

SECRET = "COURSE_GRADING_SECRET"       # the instructor's secret: seeds the hidden cases
RESULTS = "COURSE_GRADING_RESULTS"     # where AssessChecks writes the per-check results (JSON)
SANDBOXED = "COURSE_GRADING_SANDBOX"   # set by autograde.py: "bubblewrap", or "off" (SANDBOX=no)
DEMONSTRATION_NOTE = "# (a demonstration cell of the course: not run when grading)"
CHECK_SOURCE = re.compile(r'^grading\.check\("(\w+)", (\w+)\)\s*$')


def check_cell_source(name):
    """The source of the check cell of exercise ``name``."""
    return f'grading.check("{name}", {name})'


def exercise_of(cell):
    """The exercise a check cell checks (None for any other cell)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    match = CHECK_SOURCE.match(cell.get("source", "")) if cell.get("cell_type") == "code" else None
    if not meta.get("grade") or match is None or match.group(1) != match.group(2):
        return None
    return registry.EXERCISES.get(match.group(1))


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


SETUP_TAG = "setup"      # a course cell that grading must run (imports, the set-up cell)


def prepare_submission(submitted, source, skip_demonstrations=True):
    """A copy of the submitted notebook ready for nbgrader (see the module docstring).

    Keeps every cell with nbgrader metadata, the course's first code cell and its cells
    tagged ``setup`` (the set-up and import cells), and every code cell the student wrote or
    changed; a code cell
    identical to one of the course's other code cells is a demonstration, replaced by a note
    when ``skip_demonstrations``."""
    notebook = copy.deepcopy(submitted)
    by_id = {_grade_id(c): c for c in source.cells if _grade_id(c)}
    course_code = [c for c in source.cells if c.cell_type == "code" and not _grade_id(c)]
    setup = {c.source for c in course_code[:1]} | \
        {c.source for c in course_code if SETUP_TAG in c.metadata.get("tags", [])}
    demonstrations = {c.source for c in course_code} - setup
    for cell in notebook.cells:
        if _grade_id(cell) in by_id:
            cell.metadata["nbgrader"] = copy.deepcopy(by_id[_grade_id(cell)].metadata["nbgrader"])
        elif "nbgrader" in cell.get("metadata", {}):
            del cell.metadata["nbgrader"]          # a grade_id the course does not have
        elif skip_demonstrations and cell.cell_type == "code" and cell.source in demonstrations:
            cell.source, cell.outputs = DEMONSTRATION_NOTE, []
    return notebook


class PrepareChecks(NbGraderPreprocessor):
    """Write the cases of every check cell for the kernel (see the module docstring)."""

    def preprocess(self, nb, resources):
        if not os.environ.get(SANDBOXED):
            raise RuntimeError("grade with `make autograde` (python -m course_utils.grading."
                               "autograde), which runs every notebook in a sandbox: plain "
                               "`nbgrader autograde` would run the students' code as you")
        secret = os.environ.get(SECRET)
        if not secret:
            raise RuntimeError(f"{SECRET} is not set: the hidden cases need the instructor's "
                               "secret (make autograde sets it from .grading-secret)")
        directory = tempfile.mkdtemp(prefix="course-grading-")
        checks = {}
        for cell in nb.cells:
            exercise = exercise_of(cell)
            if exercise is None:
                continue
            cases = list(exercise.public())
            cases += exercise.hidden_cases(seed_for(secret, exercise.name))
            probes = exercise.structure[0]() if exercise.structure else ()
            recording.write_inputs(directory, exercise, cases, probes)
            checks[_grade_id(cell)] = exercise.name
        os.environ[recording.DIRECTORY] = directory
        resources["course_grading"] = {"directory": directory, "checks": checks,
                                       "secret": secret}
        return nb, resources


def _report_outputs(result):
    return [nbformat.v4.new_output("display_data", data={"text/plain": str(result),
                                                         "text/html": result._repr_html_()}),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"{result.points:g}"},
                                   execution_count=None)]


class AssessChecks(NbGraderPreprocessor):
    """Score every check cell from what its kernel recorded (see the module docstring)."""

    def preprocess(self, nb, resources):
        state = resources.pop("course_grading")
        directory = state["directory"]
        os.environ.pop(recording.DIRECTORY, None)
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        findings, suspicious = integrity.scan(sources, list(state["checks"].values()))
        results = {}
        for cell in nb.cells:
            name = state["checks"].get(_grade_id(cell))
            if name is None or exercise_of(cell) is None:
                continue
            exercise = registry.get(name)
            cases = list(exercise.public())
            first_hidden = len(cases)
            cases += exercise.hidden_cases(seed_for(state["secret"], name))
            outcomes, probe_lines = recording.read_outcomes(directory, name)
            result = assess(exercise, cases, outcomes, graded=True, first_hidden=first_hidden,
                            probe_lines=probe_lines, integrity=findings.get(name, ""))
            cell.outputs = _report_outputs(result)
            results[_grade_id(cell)] = {
                "exercise": name, "points": result.points, "max_points": result.max_points,
                "status": result.status, "review": suspicious.get(name, []),
                "name_error": any(o.error == "NameError" for o in outcomes)}
        shutil.rmtree(directory, ignore_errors=True)
        _save_results(resources, results)
        return nb, resources


def _save_results(resources, results):
    """Add this notebook's results to the JSON file named by COURSE_GRADING_RESULTS, if set."""
    path = os.environ.get(RESULTS)
    if not path:
        return
    notebook = resources.get("nbgrader", {}).get("notebook", "notebook")
    everything = json.load(open(path)) if os.path.exists(path) else {}
    everything[notebook] = results
    with open(path, "w") as out:
        json.dump(everything, out, indent=1)
