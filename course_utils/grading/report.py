"""The result of checking one exercise: the points and a report a student can act on.

``str(result)`` is the plain-text report; in a notebook the same report is shown as HTML. A
report made while grading (``graded=True``, every public and hidden configuration, computed
outside the student's kernel) states the points exactly as nbgrader records them; a report in
the student's own notebook covers the public configurations and says what they are worth.
"""

import dataclasses
import html

_COLOURS = {True: ("#e6f4ea", "#1e7b34"), False: ("#fdecea", "#b3261e")}
NOT_RECOGNISED = ("not one the grader recognises. Compare your code with the exercise's "
                  "formula on the configuration above, step by step.")


@dataclasses.dataclass
class Result:
    """What the grader found.

    passed:        every configuration agreed with PyTorch (and nothing disqualified it).
    status:        'passed', 'failed', 'not implemented', 'error', 'time limit', 'not NumPy',
                   'modified input', 'wrong output type', 'too much output', 'not run'.
    summary:       one sentence saying what happened.
    points, max_points: what the answer earns (a share of max_points: the share of the
                   configurations that agree with PyTorch, or 0 for a disqualifying problem).
    graded:        True when made while grading (public and hidden configurations).
    configuration: the first failing configuration, described (shapes, dtypes, arguments).
    problem:       what was wrong with the answer there (shape, dtype, values, exception...).
    mistake:       the known mistake that reproduces the answer on every configuration, if
                   any; ``recognised`` is False when the answer is wrong in a way no known
                   mistake explains (the report then says so plainly).
    max_abs_error, max_rel_error, tolerance: on the first failing configuration.
    returns:       what the exercise returns, shown when the answer has the wrong type.
    reproduce:     a line of code that reproduces the first failing configuration (public
                   configurations only: hidden ones cannot be obtained).
    output, output_lines: the first lines the function printed, and how many it printed.
    """
    exercise: str
    passed: bool
    status: str
    summary: str
    points: float = 0.0
    max_points: float = 0.0
    graded: bool = False
    cases_passed: int = 0
    cases_total: int = 0
    configuration: str = ""
    problem: str = ""
    mistake: str = ""
    recognised: bool = True
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    tolerance: str = ""
    returns: str = ""
    reproduce: str = ""
    output: str = ""
    output_lines: int = 0

    def headline(self):
        verdict = "PASSED" if self.passed else \
            "FAILED" if self.status == "failed" else f"FAILED ({self.status})"
        grid = "" if self.graded else "public "
        agree = (f"all {self.cases_total} {grid}configurations agree with PyTorch"
                 if self.cases_passed == self.cases_total and self.cases_total else
                 f"{self.cases_passed} of {self.cases_total} {grid}configurations agree "
                 "with PyTorch")
        if self.graded:
            unit = "point" if self.max_points == 1 else "points"
            return (f"{self.exercise}: {verdict}, {self.points:g} of {self.max_points:g} {unit} "
                    f"({agree})")
        return f"{self.exercise}: {verdict} ({agree})"

    def lines(self):
        """The report, as a list of (label, text) pairs; label '' for the headline rows."""
        rows = [("", self.headline()), ("", self.summary)]
        if not self.graded:
            points = f"{self.max_points:g} point" + ("" if self.max_points == 1 else "s")
            rows.append(("", f"Worth {points}: when your notebook is graded, the same checks "
                             "also run on hidden configurations."))
        for label, text in [("First failing configuration", self.configuration),
                            ("Problem", self.problem),
                            ("Error", self._errors()),
                            ("What to return", self.returns),
                            ("Likely mistake", self.mistake),
                            ("Reproduce", self.reproduce)]:
            if text:
                rows.append((label, text))
        if self.problem and not self.mistake and not self.recognised:
            rows.append(("Likely mistake", NOT_RECOGNISED))
        if self.output_lines or self.output:
            shown = self.output.rstrip("\n").splitlines()[:10]
            more = f" (first {len(shown)} shown)" if self.output_lines > len(shown) else ""
            rows.append((f"Your function printed {self.output_lines} lines{more}",
                         "\n".join(shown)))
        return rows

    def _errors(self):
        if self.max_abs_error is None:
            return ""
        return (f"max absolute error {self.max_abs_error:.3g}, max relative error "
                f"{self.max_rel_error:.3g}; the tolerance is {self.tolerance}")

    def __str__(self):
        out = []
        for label, text in self.lines():
            if not label:
                out.append(text)
            elif "\n" in text:
                out.append(f"{label}:\n" + "\n".join("    " + t for t in text.splitlines()))
            else:
                out.append(f"{label}: {text}")
        return "\n".join(out)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def _ipython_display_(self):
        """Show the report as display data (HTML and text), never as a cell's result: nbgrader
        reads a check cell's plain-text result as its score."""
        from IPython.display import publish_display_data
        publish_display_data({"text/plain": str(self), "text/html": self._repr_html_()})

    def _repr_html_(self):
        background, colour = _COLOURS[self.passed]
        rows = self.lines()
        heads = [text for label, text in rows if not label]
        head = "".join(f"<div>{html.escape(text)}</div>" for text in heads)
        body = "".join(
            f"<tr><th style='text-align:left;vertical-align:top;padding-right:1em'>"
            f"{html.escape(label)}</th><td style='text-align:left'>"
            f"<pre style='margin:0;white-space:pre-wrap'>{html.escape(text)}</pre></td></tr>"
            for label, text in rows if label)
        table = f"<table style='margin-top:0.5em'>{body}</table>" if body else ""
        return (f"<div style='background:{background};border-left:4px solid {colour};"
                f"padding:0.5em 1em'><div style='color:{colour};font-weight:bold'>"
                f"{head}</div>{table}</div>")
