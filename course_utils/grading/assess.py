"""From what the student's function did to a Result: the trusted side of grading.

``assess(exercise, cases, outcomes)`` computes PyTorch's answer for every case, compares it
with the outcome, names the mistake when one is certain (``diagnose``) and gives the points:
``max_points * passed / total`` rounded to two decimals, or 0 when something disqualifies the
answer as a whole (not implemented, torch used, a time limit, inputs modified, far too much
printing, or the right numbers computed the way the exercise forbids).

When an instructor grades, this runs outside the student's sandboxed kernel, on outcomes read
from disk: nothing the student's code did in its kernel can change the comparison.
"""

from . import diagnose as _diagnose
from .compare import compare
from .report import Result

# More printed lines than this, over a whole grid, is a problem in itself (zero points).
MAX_PRINTED_LINES = 2000


def expected_answer(exercise, case):
    """PyTorch's answer for a case (a tuple with the in-place arguments after the call)."""
    args, kwargs = case.fresh()
    return exercise.reference(*args, **kwargs)


def _mismatch(exercise, got, expected):
    if exercise.compare is not None:
        return exercise.compare(got, expected, exercise)
    return compare(got, expected, list(exercise.outputs) or None, exercise.tolerance)


class _Assessment:
    """The counts and the first failure of one assess() call."""

    def __init__(self, exercise, cases, outcomes, graded, first_hidden):
        self.exercise, self.cases, self.outcomes = exercise, cases, outcomes
        self.graded, self.first_hidden = graded, first_hidden
        self.passed = []
        self.failure = {}

    def where(self, index):
        hidden = index >= self.first_hidden
        label = f"#{index - self.first_hidden} (hidden)" if hidden else f"#{index} (public)"
        where = {"configuration": f"{label}: {self.exercise.describe(self.cases[index])}"}
        if not hidden:
            where["reproduce"] = (f'args, kwargs = grading.example("{self.exercise.name}", '
                                  f'{index}); {self.exercise.name}(*args, **kwargs)')
        return where

    def result(self, status=None, summary="", score_share=None, **fields):
        name, total = self.exercise.name, len(self.cases)
        cases_passed = sum(self.passed)
        printed = next((o for o in self.outcomes if o.output), None)
        fields.setdefault("output", printed.output if printed else "")
        fields.setdefault("output_lines", sum(o.output_lines for o in self.outcomes))
        if status is None and not self.failure:
            status = "passed"
            summary = f"Your {name} agrees with PyTorch on every configuration."
        elif status is None:
            fields = {**self.failure, **fields}
            status, summary = fields.pop("status"), fields.pop("summary")
        share = cases_passed / total if score_share is None and total else (score_share or 0)
        return Result(exercise=name, passed=status == "passed", status=status, summary=summary,
                      points=round(self.exercise.points * share, 2),
                      max_points=self.exercise.points, graded=self.graded,
                      cases_passed=cases_passed, cases_total=total, **fields)


def _disqualified(run):
    """A Result for a problem that costs every point, or None."""
    name, outcomes = run.exercise.name, run.outcomes
    printed = sum(o.output_lines for o in outcomes)
    if printed > MAX_PRINTED_LINES:
        return run.result("too much output", f"{name} printed {printed} lines; more than "
                          f"{MAX_PRINTED_LINES} drowns everything else. Remove the print calls "
                          "(or print only on a small example).", 0)
    for index, outcome in enumerate(outcomes):
        if outcome.error == "NotImplementedError":
            return run.result("not implemented", f"{name} is not implemented yet: replace "
                              "`raise NotImplementedError()` with your code.", 0)
        if outcome.forbidden:
            return run.result("not NumPy", not_numpy(name, outcome.forbidden), 0)
        if outcome.timed_out:
            return run.result("time limit", f"{name} did not finish within "
                              f"{run.exercise.time_limit:g} s on one configuration: is there an "
                              "infinite loop (a while loop whose condition never changes)?", 0,
                              **run.where(index))
        if outcome.modified:
            return run.result("modified input", f"{name} changed its input "
                              f"{', '.join(outcome.modified)} in place. Never modify an input: "
                              "work on a copy (x = x.copy()), or write into a new array.", 0,
                              **run.where(index))
    return None


def not_numpy(name, what):
    return (f"{name} must be written with NumPy, but it uses {what}. torch and the course's "
            "reference implementations (course_utils.functional, course_utils.nn, ...) are what "
            "it is checked against, so they may not be used here.")


def assess(exercise, cases, outcomes, graded=False, first_hidden=None, probe_lines=(),
           integrity=""):
    """The Result of an exercise's cases and the outcomes of the student's function on them.

    first_hidden: index of the first hidden case (None: all public); probe_lines: executed line
    counts on the exercise's structure probes; integrity: a finding of the trusted scan of the
    student's source (e.g. 'torch.nn.functional (the name `F`)'), which disqualifies."""
    run = _Assessment(exercise, cases, outcomes, graded,
                      len(cases) if first_hidden is None else first_hidden)
    if len(outcomes) != len(cases):
        return run.result("not run", f"The check of {exercise.name} did not run to the end (the "
                          "cell was not run, or the kernel stopped while it ran): no points.", 0)
    if integrity:
        return run.result("not NumPy", not_numpy(exercise.name, integrity), 0)
    disqualified = _disqualified(run)
    if disqualified:
        return disqualified
    for index, (case, outcome) in enumerate(zip(cases, outcomes)):
        if outcome.error:
            line = f"\n(at {outcome.error_line})" if outcome.error_line else ""
            run.passed.append(False)
            run.failure = run.failure or {"status": "error", **run.where(index),
                                          "summary": f"{exercise.name} raised {outcome.error}.",
                                          "problem": f"{outcome.error}: {outcome.message}{line}"}
            continue
        mismatch = _mismatch(exercise, _diagnose._answer(exercise, outcome),
                             expected_answer(exercise, case))
        run.passed.append(mismatch is None)
        if mismatch and not run.failure:
            wrong_type = mismatch.kind in ("type", "length", "dtype")
            run.failure = {"status": "wrong output type" if mismatch.kind in ("type", "length")
                           else "failed",
                           "summary": f"{exercise.name} disagrees with PyTorch.",
                           "problem": mismatch.problem, **run.where(index),
                           "max_abs_error": mismatch.max_abs_error,
                           "max_rel_error": mismatch.max_rel_error,
                           "tolerance": mismatch.tolerance,
                           "returns": f"{exercise.name} returns {exercise.returns}"
                           if wrong_type else ""}
    if run.failure:
        mistake = _diagnose.diagnose(exercise, cases, outcomes, run.passed)
        return run.result(mistake=mistake, recognised=bool(mistake))
    if exercise.structure is not None:
        problem = exercise.structure[1](list(probe_lines))
        if problem:
            return run.result("failed", f"{exercise.name} gives the right numbers but not the "
                              "way the exercise asks.", 0, problem=problem)
    return run.result()
