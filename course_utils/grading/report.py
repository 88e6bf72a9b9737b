"""The result of grading one exercise: a score and a report a student can act on.

``str(result)`` is the plain-text report (what nbgrader puts in the feedback, and what
``AssertionError`` carries); in a notebook the same report is shown as HTML.
"""

import dataclasses
import html

_COLOURS = {True: ("#e6f4ea", "#1e7b34"), False: ("#fdecea", "#b3261e")}


@dataclasses.dataclass
class Result:
    """What ``grading.grade`` found.

    passed:        every configuration agreed with PyTorch.
    score:         fraction of configurations passed (0 for a disqualifying problem: not
                   implemented, time limit, torch used, inputs modified, ...).
    status:        'passed', 'failed', 'not implemented', 'error', 'time limit', 'not NumPy',
                   'modified input', 'wrong output type', 'tampered'.
    summary:       one sentence saying what happened.
    configuration: the first failing configuration, described (shapes, dtypes, arguments).
    problem:       what was wrong with the answer there (shape, dtype, values, exception...).
    mistake:       the known wrong variant the answer matches, if any, and why it is wrong.
    max_abs_error, max_rel_error: on the first failing configuration (None if not comparable).
    reproduce:     a line of code that reproduces the first failing configuration.
    output:        the first lines the function printed; output_lines: how many it printed.
    """
    exercise: str
    passed: bool
    score: float
    status: str
    summary: str
    cases_passed: int = 0
    cases_total: int = 0
    hidden: bool = False
    configuration: str = ""
    problem: str = ""
    mistake: str = ""
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    reproduce: str = ""
    output: str = ""
    output_lines: int = 0

    def lines(self):
        """The report, as a list of (label, text) pairs; label '' for the headline."""
        grid = "hidden" if self.hidden else "public"
        verdict = "PASSED" if self.passed else \
            "FAILED" if self.status == "failed" else f"FAILED ({self.status})"
        rows = [("", f"{self.exercise}: {verdict}, score {self.score:.2f} "
                     f"({self.cases_passed} of {self.cases_total} {grid} configurations passed)"),
                ("", self.summary)]
        if self.configuration:
            rows.append(("First failing configuration", self.configuration))
        if self.problem:
            rows.append(("Problem", self.problem))
        if self.max_abs_error is not None:
            rows.append(("Error", f"max absolute error {self.max_abs_error:.3g}, "
                                  f"max relative error {self.max_rel_error:.3g}"))
        if self.mistake:
            rows.append(("Likely mistake", self.mistake))
        if self.reproduce:
            rows.append(("Reproduce", self.reproduce))
        if self.output_lines or self.output:
            shown = self.output.rstrip("\n").splitlines()[:10]
            more = f" (first {len(shown)} shown)" if self.output_lines > len(shown) else ""
            rows.append((f"Your function printed {self.output_lines} lines{more}",
                         "\n".join(shown)))
        return rows

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
        """Show the report as display data (HTML and text), also when it is a cell's value:
        nbgrader would try to read a cell's plain-text *result* as a partial score."""
        from IPython.display import publish_display_data
        publish_display_data({"text/plain": str(self), "text/html": self._repr_html_()})

    def _repr_html_(self):
        background, colour = _COLOURS[self.passed]
        rows = self.lines()
        head = "".join(f"<div>{html.escape(text)}</div>" for label, text in rows[:2])
        body = "".join(
            f"<tr><th style='text-align:left;vertical-align:top;padding-right:1em'>"
            f"{html.escape(label)}</th><td style='text-align:left'>"
            f"<pre style='margin:0;white-space:pre-wrap'>{html.escape(text)}</pre></td></tr>"
            for label, text in rows[2:])
        table = f"<table style='margin-top:0.5em'>{body}</table>" if body else ""
        return (f"<div style='background:{background};border-left:4px solid {colour};"
                f"padding:0.5em 1em'><div style='color:{colour};font-weight:bold'>"
                f"{head}</div>{table}</div>")
