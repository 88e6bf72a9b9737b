"""Grade a whole class of untrusted submissions: ``make autograde`` and ``make merge-grades``.

    python -m course_utils.grading.autograde [--jobs N] [--shard i/n] [--course DIR]
    python -m course_utils.grading.autograde merge [--course DIR]

Every student in ``submitted/<student>/notebooks/`` is graded on their own:

1. in a private course folder (a temporary copy holding ``nbgrader_config.py``, the source
   notebooks, a copy of ``gradebook.db`` and only this student's submission, prepared by
   ``autograding.prepare_submission``), so that grading one student can change nothing of the
   course or of anyone else;
2. by ``nbgrader autograde`` and ``nbgrader generate_feedback`` for that one student, one
   after the other in a process of its own with a wall-clock limit (``--timeout``) and a
   memory limit, whose kernels run in the sandbox (``sandbox``); the trusted steps
   ``PrepareChecks`` and ``AssessChecks`` (``autograding``) run in that nbgrader process,
   outside the sandbox. A notebook without any check cell (the welcome) is not run;
3. when that fails (a kernel that dies, a notebook that runs out of time, nbgrader itself
   failing on it), the notebook that failed is recorded with its reason and the student's
   other notebooks are graded one by one. When a check's function used a name that only a
   skipped demonstration cell defines (``name_error`` in the results), that notebook is graded
   again with its demonstrations;
4. ``--jobs N`` students at a time (default: the number of cores), with
   ``concurrent.futures``.

Then the results are merged, in the order of the student ids: each student's grades go into
the course's ``gradebook.db`` (nbgrader's Gradebook API), ``autograded/<student>`` and
``feedback/<student>`` into place, ``nbgrader export`` writes ``grades.csv``,
``grading_status.csv`` says for every student and notebook whether it was graded, why not,
and what the integrity scan asks the instructor to review, and ``grading.log`` keeps nbgrader's
output. A student who cannot be graded gets 0 and a reason; the class is still graded and
exported. The command fails (exit status 2) only when the course itself is not ready
(``SetupError``): no source notebooks, no assignment in the gradebook, no sandbox.

``--shard i/n`` grades only the students i, i + n, i + 2n, ... (0 <= i < n, in the order of
their ids) and leaves the results in ``grading-shards/<i>-of-<n>/``; ``merge`` then merges a
complete set of shard folders into the course. Shards are independent, so they can run as a
Slurm job array or a Kubernetes Indexed Job (``scripts/grading/``); each needs the course
folder, including ``gradebook.db`` and ``.grading-secret``.

The hidden cases are drawn with the instructor's secret, ``.grading-secret`` in the course
folder (made on first use, never committed), passed to nbgrader as ``COURSE_GRADING_SECRET``:
the sandbox never sees it.
"""

import sys

if __name__ == "__main__":
    # jsonschema, which nbformat uses, builds a grammar for checking IRIs when it is imported
    # (2.5 s, more than the rest of nbgrader's import, in every grading process); no notebook
    # schema uses IRIs, so without that module the grammar is simply not built.
    sys.modules.setdefault("rfc3987_syntax", None)

import argparse
import concurrent.futures
import csv
import dataclasses
import json
import os
import queue
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat

from . import sandbox
from .autograding import RESULTS, SANDBOXED, SECRET, prepare_submission

ASSIGNMENT = "notebooks"                  # the one assignment: the notebooks/ folder
SECRET_FILE = ".grading-secret"
SHARDS = "grading-shards"
STATUS_FILE, LOG_FILE = "grading_status.csv", "grading.log"
STATUS_FIELDS = ["student", "notebook", "status", "score", "max_score", "reason", "review",
                 "demonstrations"]
NBGRADER_MEMORY = 8 << 30                 # address space of each nbgrader process
MAX_LOG = 256 * 1024                      # of nbgrader's output kept per student
DONE = "course-grading: nbgrader {} done"
# what in a student's own cells the instructor may want to look at (see _review)
REVIEW = {"torch": re.compile(r"\btorch\b"),
          "the grading folder": re.compile(r"COURSE_GRADING|/grading\b|\brecording\b"),
          "import machinery": re.compile(r"\bsys\.(meta_path|path_hooks|modules)\b|importlib"),
          "IPython's hooks": re.compile(r"get_ipython\(\)\.(input_transformers|ast_transformers"
                                        r"|events|register_magic)")}


class SetupError(Exception):
    """The course is not ready to be graded: the instructor must fix something first."""


@dataclasses.dataclass
class Settings:
    course: Path
    jobs: int = os.cpu_count() or 1
    timeout: float = 1800.0          # seconds for one nbgrader run (one student, or a notebook)
    cell_timeout: int | None = None  # nbgrader's Execute.timeout (None: nbgrader_config.py's)
    limits: sandbox.Limits = sandbox.Limits()
    sandboxed: bool = True
    keep_demonstrations: bool = False   # run the course's demonstration cells too (slower)
    uid_base: int = sandbox.UID_BASE + (os.getpid() % 5_000_000) * 256
    secret: str = ""
    work: Path | None = None         # the run's own folder: the kernelspec, the gradebook template


# --- the course ----------------------------------------------------------------------------------

def source_notebooks(course):
    return sorted((course / ASSIGNMENT).glob("*.ipynb"))


def students(course):
    """Student ids with a submission, sorted."""
    folder = course / "submitted"
    return sorted(p.name for p in folder.iterdir() if (p / ASSIGNMENT).is_dir()) \
        if folder.is_dir() else []


def secret(course):
    """The instructor's secret, made on first use (atomically, so that shards starting at
    once agree on it)."""
    path = course / SECRET_FILE
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=course, prefix=".grading-secret-")
        os.write(fd, (secrets.token_hex(32) + "\n").encode())
        os.close(fd)
        try:
            os.link(temporary, path)             # fails if another shard made it first
        except FileExistsError:
            pass
        os.remove(temporary)
    return path.read_text().strip()


def check_setup(settings):
    """Raise SetupError unless the course can be graded."""
    course = settings.course
    if not (course / "nbgrader_config.py").is_file():
        raise SetupError(f"{course} has no nbgrader_config.py: run this in the course folder.")
    if not source_notebooks(course):
        raise SetupError(f"{course / ASSIGNMENT} holds no source notebooks.")
    gradebook = course / "gradebook.db"
    if not gradebook.is_file():
        raise SetupError(f"{gradebook} does not exist: run `make student-edition` "
                         "(nbgrader generate_assignment) first.")
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        try:
            known = {nb.name for nb in gb.find_assignment(ASSIGNMENT).notebooks}
        except MissingEntry:
            raise SetupError(f"The gradebook has no assignment {ASSIGNMENT!r}: run "
                             "`make student-edition` first.") from None
    missing = sorted({p.stem for p in source_notebooks(course)} - known)
    if missing:
        raise SetupError(f"The gradebook does not know the notebooks {missing}: run "
                         "`make student-edition` after changing notebooks/.")
    if settings.sandboxed and sandbox.problem():
        raise SetupError(sandbox.problem() + " (To grade notebooks you trust, such as your own, "
                         "without a sandbox: make autograde SANDBOX=no.)")


# --- one student ---------------------------------------------------------------------------------

def has_checks(source):
    """Whether a source notebook has grade cells (a notebook without any is not run)."""
    return any(c.get("metadata", {}).get("nbgrader", {}).get("grade")
               for c in nbformat.read(source, as_version=4).cells)


def template_gradebook(course, path):
    """A copy of the course's gradebook without any submission, which every private course
    starts from (as small as the assignment, however often the class was graded before)."""
    import sqlite3
    from nbgrader.api import Gradebook
    shutil.copy(course / "gradebook.db", path)
    with Gradebook(f"sqlite:///{path}") as gb:
        for student in gb.students:
            for submission in list(student.submissions):
                gb.remove_submission(submission.assignment.name, student.id)
    with sqlite3.connect(path) as db:
        db.execute("VACUUM")
    return path


def _private_course(settings, root, student, notebooks):
    """The private course folder of one student (see the module docstring), with the student's
    submitted ``notebooks`` (names) prepared; returns {name: why it could not be read}."""
    course = settings.course
    shutil.copy(course / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(course / ASSIGNMENT, root / ASSIGNMENT,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(settings.work / "gradebook.db", root / "gradebook.db")
    submitted = root / "submitted" / student / ASSIGNMENT
    submitted.mkdir(parents=True)
    timestamp = course / "submitted" / student / ASSIGNMENT / "timestamp.txt"
    if timestamp.is_file():
        shutil.copy(timestamp, submitted / "timestamp.txt")
    unreadable = {}
    for path in source_notebooks(course):
        original = course / "submitted" / student / ASSIGNMENT / path.name
        if path.stem in notebooks and original.is_file():
            try:
                write_prepared(original, path, submitted / path.name,
                               skip_demonstrations=not settings.keep_demonstrations)
            except Exception as error:          # noqa: BLE001 (not a notebook at all)
                unreadable[path.stem] = f"the submitted file is not a notebook nbgrader can " \
                                        f"read ({type(error).__name__}: {str(error)[:200]})"
    return unreadable


def write_prepared(submitted, source, destination, skip_demonstrations=True):
    notebook = prepare_submission(nbformat.read(submitted, as_version=4),
                                  nbformat.read(source, as_version=4), skip_demonstrations)
    nbformat.write(notebook, destination)


def _review(prepared, source):
    """Flags for the instructor: what the student's own code cells touch (REVIEW)."""
    course_cells = {c.source for c in source.cells}
    text = "\n".join(c.source for c in prepared.cells
                     if c.cell_type == "code" and c.source not in course_cells)
    return [label for label, pattern in REVIEW.items() if pattern.search(text)]


class StudentGrader:
    """Grades one student in a private folder (``grade``), for ``grade_student``."""

    def __init__(self, settings, student, uid, private):
        self.settings, self.student, self.uid = settings, student, uid
        self.private, self.root = private, private / "c"
        self.log = []
        for name in ("c", "r", "t"):
            (private / name).mkdir()

    def environment(self):
        env = dict(os.environ, COURSE_EXPLORERS="static",
                   JUPYTER_RUNTIME_DIR=str(self.private / "r"), TMPDIR=str(self.private / "t"),
                   **{SECRET: self.settings.secret, RESULTS: str(self.private / "results.json")})
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        if self.settings.sandboxed:
            env[SANDBOXED] = "bubblewrap"
            env["JUPYTER_PATH"] = str(self.settings.work)
            env[sandbox.SANDBOX_ENV] = json.dumps(
                {"uid": self.uid, "limits": dataclasses.asdict(self.settings.limits)})
        else:
            env[SANDBOXED] = "off"
        return env

    def nbgrader(self, *steps):
        """Run nbgrader steps (argument lists: ["autograde"], ["autograde", "--notebook", n],
        ["generate_feedback"]) for this student, one after another in one process that stops
        at the first failure; (succeeded, the reason if not, nbgrader's output)."""
        options = [ASSIGNMENT, "--student", self.student, "--force", f"--Application.log_format="
                   "%(asctime)s.%(msecs)03d [%(name)s | %(levelname)s] %(message)s",
                   "--Application.log_datefmt=%H:%M:%S"]
        if self.settings.sandboxed:
            options += [f"--Execute.kernel_name={sandbox.KERNEL_NAME}",
                        "--KernelManager.transport=ipc", f"--KernelManager.ip={self.private}/k"]
        if self.settings.cell_timeout:
            options.append(f"--Execute.timeout={self.settings.cell_timeout}")
        commands = [[step[0], *options, *step[1:]] for step in steps]
        command = ["prlimit", f"--as={NBGRADER_MEMORY}", "--", sys.executable, "-m",
                   "course_utils.grading.autograde", "_nbgrader", json.dumps(commands)]
        output = self.private / "output.txt"
        start = time.monotonic()
        with open(output, "wb") as out:
            process = subprocess.Popen(command, cwd=self.root, env=self.environment(),
                                       stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = process.wait(self.settings.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)      # nbgrader and its kernels (they die with it)
                process.wait()
                code = None
        text = output.read_bytes()[:MAX_LOG].decode(errors="replace")
        names = " + ".join(" ".join(step) for step in steps)
        self.log.append(f"$ nbgrader {names} ({time.monotonic() - start:.1f} s)\n{text}")
        if code is None:
            return False, f"stopped after {self.settings.timeout:g} s (the wall-clock limit)", text
        if code != 0:
            return False, _failure_reason(text, code), text
        return True, "", text

    def autograde(self, notebook="*", feedback=False):
        step = ["autograde"] + ([] if notebook == "*" else ["--notebook", notebook])
        return self.nbgrader(step, ["generate_feedback"]) if feedback else self.nbgrader(step)

    def graded(self, notebook):
        folder = self.root / "autograded" / self.student / ASSIGNMENT
        return (folder / f"{notebook}.ipynb").is_file()

    def results(self):
        path = self.private / "results.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def grade(self):
        """Grade every notebook of the student. Returns ({notebook: (status, reason)}, the
        notebooks graded with their demonstrations)."""
        outcome, submitted = self.prepare()
        if not submitted:
            return outcome, set()
        ok, reason, text = self.autograde(feedback=True)     # usually all there is to do
        if not _finished(text, "autograde"):
            outcome.update(self.notebook_by_notebook(submitted, reason, text))
        kept = self.regrade_name_errors(submitted, feedback=ok)
        for notebook in submitted - set(outcome):
            outcome[notebook] = ("graded", "") if self.graded(notebook) else \
                ("failed", "nbgrader wrote no graded notebook")
        if not ok and any(self.graded(n) for n in submitted):
            ok, reason, _ = self.nbgrader(["generate_feedback"])
            for notebook in submitted:
                if not ok and outcome[notebook][0] == "graded":
                    outcome[notebook] = ("graded", f"no feedback: {reason}")
        return outcome, kept

    def prepare(self):
        """The private course; ({notebook: (status, reason)} of the notebooks that will not be
        run, the names of those that will)."""
        sources = source_notebooks(self.settings.course)
        checked = [p.stem for p in sources if has_checks(p)]
        unreadable = _private_course(self.settings, self.root, self.student, checked)
        folder = self.root / "submitted" / self.student / ASSIGNMENT
        submitted = {n for n in checked if (folder / f"{n}.ipynb").is_file()}
        outcome = {p.stem: ("no checks", "") for p in sources if p.stem not in checked}
        outcome.update({n: ("not submitted", "") for n in checked if n not in submitted})
        outcome.update({n: ("failed", reason) for n, reason in unreadable.items()})
        return outcome, submitted

    def notebook_by_notebook(self, submitted, reason, text):
        """After nbgrader stopped on a notebook (and so graded none): that one failed, for
        ``reason``; the others are graded one by one. Returns the failures."""
        failed = _notebook_in_progress(text) or (min(submitted) if len(submitted) == 1 else None)
        failures = {failed: ("failed", reason)} if failed else {}
        for notebook in sorted(submitted - {failed}):
            ok, reason, _ = self.autograde(notebook)
            if not ok:
                failures[notebook] = ("failed", reason)
        return failures

    def regrade_name_errors(self, submitted, feedback):
        """Grade again, with their demonstrations, the notebooks where a check's function used
        a name that only a skipped demonstration defines (and make the feedback again, if
        ``feedback``); returns those notebooks. Should that fail, the first grading stands."""
        results = self.results()
        again = sorted(n for n in submitted if self.graded(n) and any(
            check.get("name_error") for check in results.get(n, {}).values()))
        if not again:
            return set()
        backup = self.private / "before-regrade"
        shutil.copytree(self.root, backup, ignore=shutil.ignore_patterns("submitted"))
        for notebook in again:
            write_prepared(self.settings.course / "submitted" / self.student / ASSIGNMENT /
                           f"{notebook}.ipynb", self.settings.course / ASSIGNMENT /
                           f"{notebook}.ipynb", self.root / "submitted" / self.student /
                           ASSIGNMENT / f"{notebook}.ipynb", skip_demonstrations=False)
        steps = [["autograde", "--notebook", n] for n in again]
        ok, reason, _ = self.nbgrader(*steps, *([["generate_feedback"]] if feedback else []))
        if not ok:
            self.log.append(f"(grading {', '.join(again)} with the demonstrations failed: "
                            f"{reason}; the grading without them stands)\n")
            for name in ("gradebook.db", "autograded", "feedback"):
                _replace(backup / name, self.root / name)
            again = []
        shutil.rmtree(backup)
        return set(again)


def _replace(source, destination):
    if destination.is_dir():
        shutil.rmtree(destination)
    elif destination.exists():
        destination.unlink()
    if source.is_dir():
        shutil.copytree(source, destination)
    elif source.exists():
        shutil.copy(source, destination)


def _trusted(text):
    """nbgrader's output without the lines the kernel wrote itself (marked [kernel] by the
    sandbox's launcher), which a student could word as they like."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("[kernel] "))


def _finished(text, step):
    return DONE.format(step) in _trusted(text).splitlines()


def _notebook_in_progress(text):
    """The notebook nbgrader was working on when it stopped (from its log), or None."""
    found = re.findall(r"\] (?:Sanitizing|Autograding) .*?/([^/\s]+)\.ipynb", _trusted(text))
    return found[-1] if found else None


def _failure_reason(text, code):
    """A one-line reason from nbgrader's output."""
    text = _trusted(text)
    sandbox_lines = re.findall(r"^course-sandbox: (the kernel was killed .*|could not .*)", text,
                               re.MULTILINE)
    if "CellTimeoutError" in text:
        return ("a cell was still running at the time limit for a cell and ignored the "
                "interrupt (an endless loop?)")
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the kernel died" + (f" ({sandbox_lines[-1]})" if sandbox_lines else "")
    if sandbox_lines:
        return sandbox_lines[-1]
    if "UnresponsiveKernelError" in text:
        return "the kernel stopped responding and could not be interrupted"
    if "MemoryError" in text:
        return "nbgrader ran out of memory (a notebook producing enormous output?)"
    errors = re.findall(r"\b(\w+(?:Error|Exception): .*)$", text, re.MULTILINE)
    if errors:
        return errors[-1][:300]
    return f"nbgrader exited with status {code}"


def grade_student(settings, student, uid, destination):
    """Grade one student into ``destination`` (a new folder): status.json, gradebook.db,
    autograded/, feedback/, log.txt."""
    start = time.monotonic()
    private = Path(tempfile.mkdtemp(prefix="cg-"))       # short: Unix socket paths are limited
    try:
        grader = StudentGrader(settings, student, uid, private)
        try:
            outcome, kept = grader.grade()
        except Exception as error:                         # noqa: BLE001 (a bug: say so, go on)
            names = [p.stem for p in source_notebooks(settings.course)]
            outcome, kept = {n: ("failed", f"grading failed: {type(error).__name__}: {error}")
                             for n in names}, set()
        rows = _status_rows(settings, grader, outcome, kept)
        destination.mkdir(parents=True)
        for name in ("gradebook.db", "autograded", "feedback"):
            if (grader.root / name).exists():
                shutil.move(str(grader.root / name), str(destination / name))
        (destination / "status.json").write_text(json.dumps(rows, indent=1))
        seconds = time.monotonic() - start
        (destination / "log.txt").write_text(f"===== {student} ({seconds:.1f} s)\n" +
                                             "\n".join(grader.log))
        return rows, seconds
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _status_rows(settings, grader, outcome, kept):
    scores = _notebook_scores(grader.root / "gradebook.db", grader.student)
    results = grader.results()
    rows = []
    for notebook, (status, reason) in sorted(outcome.items()):
        review = sorted({f"{check['exercise']}: {', '.join(check['review'])}"
                         for check in results.get(notebook, {}).values() if check.get("review")})
        prepared = grader.root / "submitted" / grader.student / ASSIGNMENT / f"{notebook}.ipynb"
        if prepared.is_file() and status == "graded":
            source = nbformat.read(settings.course / ASSIGNMENT / f"{notebook}.ipynb", 4)
            review += [f"the student's own cells use {label}"
                       for label in _review(nbformat.read(prepared, 4), source)]
        score, max_score = scores.get(notebook, (0.0, None))
        kept_here = notebook in kept or settings.keep_demonstrations
        rows.append({"student": grader.student, "notebook": notebook, "status": status,
                     "score": score if status == "graded" else 0.0, "max_score": max_score,
                     "reason": reason, "review": "; ".join(review),
                     "demonstrations": "kept" if kept_here else "skipped"})
    return rows


def _notebook_scores(gradebook, student):
    """{notebook: (score, max_score)} of a student in a gradebook."""
    from nbgrader.api import Gradebook, MissingEntry
    scores = {}
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        try:
            submission = gb.find_submission(ASSIGNMENT, student)
        except MissingEntry:
            return {nb.name: (0.0, nb.max_score) for nb in gb.find_assignment(ASSIGNMENT).notebooks}
        for notebook in submission.notebooks:
            scores[notebook.name] = (notebook.score, notebook.max_score)
    return scores


# --- the class -----------------------------------------------------------------------------------

def grade_class(settings, destination, shard=(0, 1)):
    """Grade the students of ``shard`` (i, n) into ``destination``; returns their status rows."""
    index, count = shard
    chosen = students(settings.course)[index::count]
    destination.mkdir(parents=True)
    slots = queue.Queue()
    for slot in range(settings.jobs):
        slots.put(slot)

    def one(student):
        slot = slots.get()
        try:
            return grade_student(settings, student, settings.uid_base + slot,
                                 destination / student)
        finally:
            slots.put(slot)

    rows, done = [], 0
    with concurrent.futures.ThreadPoolExecutor(settings.jobs) as pool:
        futures = {pool.submit(one, student): student for student in chosen}
        for future in concurrent.futures.as_completed(futures):
            student_rows, seconds = future.result()
            done += 1
            rows += student_rows
            graded = sum(r["status"] == "graded" for r in student_rows)
            print(f"[{done}/{len(chosen)}] {futures[future]}: {graded}/{len(student_rows)} "
                  f"notebooks graded, {sum(float(r['score']) for r in student_rows):g} points "
                  f"({seconds:.0f} s)", flush=True)
    (destination / "shard.json").write_text(json.dumps(
        {"shard": index, "of": count, "students": chosen}, indent=1))
    return rows


def merge(course, folders):
    """Merge graded folders (each from ``grade_class``) into the course: gradebook,
    autograded/, feedback/, grades.csv, grading_status.csv, grading.log."""
    from nbgrader.api import Gradebook
    rows, logs = [], []
    everyone = sorted((student, folder) for folder in folders
                      for student in json.loads((folder / "shard.json").read_text())["students"])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as main:
        for student, folder in everyone:
            result = folder / student
            student_rows = json.loads((result / "status.json").read_text())
            _merge_grades(main, result / "gradebook.db", student, student_rows)
            for kind in ("autograded", "feedback"):
                target = course / kind / student
                if target.exists():
                    shutil.rmtree(target)
                if (result / kind / student).is_dir():
                    shutil.copytree(result / kind / student, target)
            rows += student_rows
            logs.append((result / "log.txt").read_text())
    _write_status(course / STATUS_FILE, rows)
    (course / LOG_FILE).write_text("\n".join(logs))
    export(course)
    return rows


def _merge_grades(main, private_db, student, rows):
    """Copy one student's automatic grades from their private gradebook into the course's;
    notebooks that could not be graded get 0 (their reason is in the status file)."""
    from nbgrader.api import Gradebook, MissingEntry
    graded = {r["notebook"] for r in rows if r["status"] == "graded"}
    main.update_or_create_student(student)
    timestamp = None
    with Gradebook(f"sqlite:///{private_db}") as private:
        try:
            timestamp = private.find_submission(ASSIGNMENT, student).timestamp
        except MissingEntry:
            pass
        submission = main.update_or_create_submission(
            ASSIGNMENT, student, **({"timestamp": timestamp} if timestamp else {}))
        for notebook in submission.notebooks:
            theirs = None
            if notebook.name in graded:
                theirs = private.find_submission_notebook(notebook.name, ASSIGNMENT, student)
            notebook.late_submission_penalty = theirs.late_submission_penalty if theirs else None
            grades = {g.name: g for g in theirs.grades} if theirs else {}
            for grade in notebook.grades:
                if grade.name in grades:
                    grade.auto_score = grades[grade.name].auto_score
                    grade.needs_manual_grade = grades[grade.name].needs_manual_grade
                else:
                    grade.auto_score, grade.needs_manual_grade = 0.0, False
            comments = {c.name: c for c in theirs.comments} if theirs else {}
            for comment in notebook.comments:
                comment.auto_comment = comments[comment.name].auto_comment \
                    if comment.name in comments else None
    main.db.commit()


def _write_status(path, rows):
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(out, STATUS_FIELDS)
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["student"], r["notebook"])))


def export(course):
    """``nbgrader export``: grades.csv from the gradebook."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep +
               os.environ.get("PATH", ""))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=course, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"nbgrader export failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def shard_folders(course):
    """The complete set of shard folders in grading-shards/ (SetupError if there is none, or if
    shards are missing or come from different splits)."""
    found = {}
    for folder in sorted((course / SHARDS).glob("*-of-*")):
        if (folder / "shard.json").is_file():
            info = json.loads((folder / "shard.json").read_text())
            found.setdefault(info["of"], {})[info["shard"]] = folder
    if len(found) != 1:
        raise SetupError(f"{course / SHARDS} must hold the finished shards of one split (found "
                         f"splits into {sorted(found) or 'none'}): delete the folders of older "
                         "runs, or wait for every shard to finish.")
    (count, shards), = found.items()
    missing = sorted(set(range(count)) - set(shards))
    if missing:
        raise SetupError(f"shards {missing} of {count} have not finished (no shard.json in "
                         f"{course / SHARDS}/<i>-of-{count}).")
    return [shards[i] for i in range(count)]


# --- nbgrader, in the student's grading process --------------------------------------------------

def run_nbgrader(commands):
    """Run nbgrader commands (argument lists) one after another in this process, so that
    nbgrader is imported once; stop at the first that fails. Returns the exit status."""
    from jupyter_core.application import NoStart
    from nbgrader.apps import NbGraderApp
    for argv in commands:
        NbGraderApp.clear_instance()
        try:
            app = NbGraderApp.instance()
            app.initialize(argv)
            app.start()
        except NoStart:                      # how a jupyter application ends a subcommand
            pass
        except SystemExit as exit:
            if exit.code:
                return exit.code if isinstance(exit.code, int) else 1
        print(DONE.format(argv[0]), flush=True)
    return 0


# --- the command ---------------------------------------------------------------------------------

def _shard(text):
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    if not match or not int(match.group(1)) < int(match.group(2)):
        raise argparse.ArgumentTypeError("a shard is i/n with 0 <= i < n, e.g. 0/4")
    return int(match.group(1)), int(match.group(2))


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m course_utils.grading.autograde",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["grade", "merge"], default="grade")
    parser.add_argument("--course", type=Path, default=Path.cwd())
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--shard", type=_shard, help="i/n: grade every n-th student, from i")
    parser.add_argument("--timeout", type=float, default=Settings.timeout,
                        help="seconds one nbgrader run may take (one student's notebooks)")
    parser.add_argument("--cell-timeout", type=int, help="seconds one cell may take")
    parser.add_argument("--cpu-limit", type=int, default=sandbox.Limits.cpu,
                        help="CPU seconds per process in the sandbox")
    parser.add_argument("--keep-demonstrations", action="store_true",
                        help="run the course's demonstration cells too (slower)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run the kernels unsandboxed: only for notebooks you trust")
    return parser.parse_args(argv)


def _warn_unsandboxed():
    print("\n" + "!" * 78 + "\nWARNING: grading WITHOUT the sandbox (SANDBOX=no). The notebooks' "
          "code runs as you,\nwith access to everything you can reach. Do this only for notebooks "
          "you trust.\n" + "!" * 78 + "\n", file=sys.stderr, flush=True)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_nbgrader"]:                  # inside a student's grading process
        return run_nbgrader(json.loads(argv[1]))
    args = parse(argv)
    course = args.course.resolve()
    # nbgrader runs `alembic` (from this environment) when it opens a gradebook
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    try:
        if args.command == "merge":
            rows = merge(course, shard_folders(course))
            return _summary(course, rows)
        settings = Settings(course=course, jobs=max(1, args.jobs), timeout=args.timeout,
                            cell_timeout=args.cell_timeout, sandboxed=not args.no_sandbox,
                            keep_demonstrations=args.keep_demonstrations,
                            limits=dataclasses.replace(sandbox.Limits(), cpu=args.cpu_limit))
        check_setup(settings)
        if not settings.sandboxed:
            _warn_unsandboxed()
        settings.secret = secret(course)
        settings.work = Path(tempfile.mkdtemp(prefix="course-grading-"))
        try:
            sandbox.write_kernelspec(settings.work)
            failure = sandbox.self_test(settings.work, settings.uid_base, settings.limits) \
                if settings.sandboxed else ""
            if failure:
                raise SetupError(f"the grading sandbox does not work on this machine: {failure}")
            template_gradebook(course, settings.work / "gradebook.db")
            if args.shard:
                destination = course / SHARDS / f"{args.shard[0]}-of-{args.shard[1]}"
                if destination.exists():
                    shutil.rmtree(destination)
                grade_class(settings, destination, args.shard)
                print(f"Shard {args.shard[0]}/{args.shard[1]} graded into {destination}; "
                      "merge the shards with `make merge-grades`.")
                return 0
            grade_class(settings, settings.work / "0-of-1")
            rows = merge(course, [settings.work / "0-of-1"])
        finally:
            shutil.rmtree(settings.work, ignore_errors=True)
        if not settings.sandboxed:
            _warn_unsandboxed()
        return _summary(course, rows)
    except SetupError as error:
        print(f"Cannot grade: {error}", file=sys.stderr)
        return 2


def _summary(course, rows):
    failed = [r for r in rows if r["status"] == "failed"]
    print(f"Graded {len({r['student'] for r in rows})} students: {course / 'grades.csv'}, "
          f"{course / STATUS_FILE}, {course / LOG_FILE}.")
    for row in failed:
        print(f"  not graded: {row['student']} {row['notebook']}: {row['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
