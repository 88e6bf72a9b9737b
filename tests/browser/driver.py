"""Drive JupyterLab in headless Chromium the way a student does, and check the explorers.

The pieces, used by ``conftest.py`` (fixtures) and the tests:

- :func:`browser_unavailable` says why the browser tests cannot run here (or None);
- :class:`JupyterLab` starts ``jupyter lab`` from this Python on a free 127.0.0.1 port with a
  token, in an isolated set of Jupyter folders, without ``COURSE_EXPLORERS`` (so explorers are
  widgets);
- :class:`NotebookPage` opens a notebook, runs all its cells and collects what can go wrong on
  the page (widget errors, console errors, the log console where callback tracebacks land);
- :class:`Case` is one row of the explorer table: which notebook, which explorer, which controls
  to move; :func:`check_explorer` drives it and compares the readout with the readout that the
  explorer module's own ``compute`` and ``readout`` give for the new control values.
"""

import importlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"

#: Debian's Chromium, as installed by .ci/install_chromium.sh (``make browser``).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]

#: Texts the widget front-end shows instead of a widget it cannot display.
WIDGET_ERROR_TEXTS = ("Error displaying widget", "Failed to load model class",
                      "Could not create a view", "Click to show javascript error",
                      "model not found", "Failed to create view")
#: Browser console messages that concern widgets.
WIDGET_CONSOLE = re.compile(r"widget|is not registered|model class|\bcomms?\b", re.I)
#: How the widget manager reports that the kernel's widget version is not the front-end's.
VERSION_MISMATCH = re.compile(r"version \S+ is not registered|is not registered, however", re.I)

#: ipywidgets (kernel) major version -> (jupyterlab_widgets major, its lab extension's major).
WIDGET_VERSIONS = {8: (3, 5), 7: (1, 3)}

ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"

#: Browser console errors not about widgets, per notebook (reported, not failed on).
OTHER_CONSOLE_ERRORS = []


def find_chromium():
    """Path of the Chromium to drive: $COURSE_CHROMIUM if set (and nothing else), else
    `chromium` on PATH, else Debian's /usr/bin/chromium; None if there is none."""
    override = os.environ.get("COURSE_CHROMIUM")
    candidates = [override] if override else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_unavailable():
    """Why the browser tests cannot run here, in words; None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return (f"the Playwright Python driver is not installed ({error}); "
                "`make setup` installs it with the test extras")
    if find_chromium() is None:
        where = os.environ.get("COURSE_CHROMIUM") or "/usr/bin/chromium or on PATH"
        return (f"no Chromium at {where}; `make browser` (.ci/install_chromium.sh) installs "
                "Debian's chromium, which needs root and apt-get")
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def poll(function, timeout, interval=0.25):
    """Call ``function`` until it returns something truthy or ``timeout`` seconds pass; return
    its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = function()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# --------------------------------------------------------------------------------------------
# The server


EXPLORER_IMPORT = re.compile(
    r"from\s+course_utils\.explorers\s+import\s+(\w+)(?:\s+as\s+(\w+))?"
    r"|import\s+course_utils\.explorers\.(\w+)(?:\s+as\s+(\w+))?")


def explorer_calls(notebook):
    """[(cell index, explorer module name)] for every code cell of ``notebook`` (an nbformat
    notebook) that calls an explorer's ``show(``, found through the notebook's imports."""
    aliases = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for match in EXPLORER_IMPORT.finditer(cell.source):
                module, alias, dotted, dotted_alias = match.groups()
                if module:
                    aliases[alias or module] = module
                else:
                    aliases[dotted_alias or f"course_utils.explorers.{dotted}"] = dotted
    calls = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            for alias, module in aliases.items():
                if re.search(rf"(?<![\w.]){re.escape(alias)}\.show\(", cell.source):
                    calls.append((index, module))
    return calls


def copy_notebooks(source, target, whole=True):
    """Copy the folder ``source`` to ``target`` with every notebook's outputs cleared, so that
    what the browser shows comes from this run only (the originals are never touched).

    Unless ``whole``, a notebook that shows explorers is cut after its last explorer cell (the
    cells after it do not change what the explorers show first, and nbval runs them)."""
    import nbformat

    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for path in Path(target).rglob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        calls = explorer_calls(notebook)
        if calls and not whole:
            notebook.cells = notebook.cells[: calls[-1][0] + 1]
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nbformat.write(notebook, path)


# User settings for the test's JupyterLab: every cell in the DOM (no windowing, so every
# explorer can be found), no news or update pop-ups over the page.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


class JupyterLab:
    """``jupyter lab`` on a free loopback port, serving ``root`` (a scratch copy), with a token."""

    def __init__(self, home, root, token):
        self.home, self.root, self.token = Path(home), Path(root), token
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.home / "jupyterlab.log"
        self.process = None

    def start(self, timeout=180):
        settings = self.home / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ)
        for name in ("COURSE_EXPLORERS", "MPLBACKEND", "JUPYTER_PATH"):
            env.pop(name, None)  # widgets, and the kernel's own (inline) matplotlib backend
        env.update(JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.home / "lab-workspaces"),
                   JUPYTER_CONFIG_DIR=str(self.home / "jupyter-config"),
                   JUPYTER_DATA_DIR=str(self.home / "jupyter-data"),
                   JUPYTER_RUNTIME_DIR=str(self.home / "jupyter-runtime"),
                   IPYTHONDIR=str(self.home / "ipython"))
        # The kernel is this Python: kernel.json's "python" is replaced by the server's
        # sys.executable, and user-level kernelspecs are out of reach (JUPYTER_DATA_DIR).
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "/api/status")
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not answer in {timeout} s:\n"
                                       + self.log_tail())
                time.sleep(0.5)

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read().decode()
        return json.loads(body) if body else None

    def shutdown_kernel(self, path):
        """Delete the session (and its kernel) of the notebook at ``path`` (relative to root)."""
        try:
            for session in self.api("GET", "/api/sessions"):
                if session.get("path") == path:
                    self.api("DELETE", f"/api/sessions/{session['id']}")
        except OSError:
            pass

    def log_tail(self, characters=4000):
        try:
            return self.log_path.read_text(errors="replace")[-characters:]
        except OSError:
            return ""

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._log.close()


def widget_versions(lab):
    """Kernel and front-end widget versions, and a list of mismatches in words (empty if none).

    The kernel is this Python (see :class:`JupyterLab`); the front-end's widget manager is the
    lab extension the server serves (``/lab/api/extensions``)."""
    import ipywidgets
    import jupyterlab_widgets

    kernel = ipywidgets.__version__
    python_side = jupyterlab_widgets.__version__
    served = {entry["name"]: entry for entry in lab.api("GET", "/lab/api/extensions")}
    manager = served.get("jupyter-widgets-jupyterlab-manager")
    problems = []
    wanted = WIDGET_VERSIONS.get(int(kernel.split(".")[0]))
    if manager is None:
        problems.append("JupyterLab serves no widget manager (@jupyter-widgets/jupyterlab-"
                        "manager): every widget would show 'Error displaying widget'")
    elif not manager.get("enabled", True) or manager.get("status", "ok") != "ok":
        problems.append(f"the widget manager extension is not usable: {manager}")
    if wanted is None:
        problems.append(f"ipywidgets {kernel} is not a version this check knows")
    else:
        if int(python_side.split(".")[0]) != wanted[0]:
            problems.append(f"ipywidgets {kernel} in the kernel needs jupyterlab_widgets "
                            f"{wanted[0]}.x, but {python_side} is installed")
        if manager is not None and int(manager["installed_version"].split(".")[0]) != wanted[1]:
            problems.append(f"ipywidgets {kernel} in the kernel needs the lab extension "
                            f"@jupyter-widgets/jupyterlab-manager {wanted[1]}.x, but the front-"
                            f"end serves {manager['installed_version']}")
    return dict(ipywidgets=kernel, jupyterlab_widgets=python_side,
                manager=manager and manager["installed_version"], problems=problems)


# --------------------------------------------------------------------------------------------
# A notebook in the browser


class NotebookPage:
    """One notebook open in its own browser page, with everything the page logged."""

    def __init__(self, lab, browser, path, run_timeout=300):
        self.lab, self.path, self.run_timeout = lab, path, run_timeout
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.console = []  # (kind, text) for console errors and uncaught page errors
        self.page.on("console", lambda message: message.type == "error" and self.console.append(
            ("console error", message.text)))
        self.page.on("pageerror", lambda error: self.console.append(("uncaught", str(error))))
        self.run_seconds = None

    @property
    def panel(self):
        return self.page.locator(ACTIVE)

    def open(self, timeout=180):
        if not (self.lab.root / self.path).is_file():
            raise AssertionError(f"{self.path} is not in the lab's copy of the notebooks")
        # ?reset: a fresh workspace, so no other notebook is restored next to this one.
        self.page.goto(f"{self.lab.url}/lab/tree/{self.path}?reset&token={self.lab.token}")
        self.page.wait_for_selector(f'{ACTIVE} .jp-Notebook-ExecutionIndicator[data-status="idle"]',
                                    timeout=timeout * 1000)
        self.wait_for_kernel(timeout)
        return self

    def _kernels(self):
        try:
            return [(session["kernel"]["id"], session["kernel"]["execution_state"])
                    for session in self.lab.api("GET", "/api/sessions")
                    if session.get("path") == self.path and session.get("kernel")]
        except OSError:
            return []

    def wait_for_kernel(self, timeout=120):
        """Wait until the notebook has one kernel, idle, and keeps it for a second (JupyterLab
        sometimes replaces the first kernel it starts, which would cancel a Run All)."""
        def settled():
            first = self._kernels()
            if len(first) != 1 or first[0][1] != "idle":
                return False
            time.sleep(1)
            return self._kernels() == first and self._status() == "idle"

        assert poll(settled, timeout, 0.5), (f"{self.path}: no single idle kernel after "
                                             f"{timeout} s: {self._kernels()}")

    def _prompts(self):
        return self.page.evaluate(f"""() => [...document.querySelectorAll(
            '{ACTIVE} .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim())""")

    def _status(self):
        return self.page.evaluate(f"""() => {{
            const e = document.querySelector('{ACTIVE} .jp-Notebook-ExecutionIndicator');
            return e ? e.dataset.status : null; }}""")

    def menu(self, menu, command):
        """Click ``command`` (a JupyterLab command id) in the menu bar's menu ``menu``."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{menu}$")).first.click()
        item = self.page.locator(f'.lm-Menu-item[data-command="{command}"]').first
        item.wait_for(state="visible", timeout=10000)
        poll(lambda: "lm-mod-disabled" not in (item.get_attribute("class") or ""), 5)
        item.click()

    def _click_run_all(self):
        before = self._prompts()
        for _attempt in range(3):
            # Activate the notebook first: the command is disabled until it is the current widget.
            self.panel.locator(".jp-InputPrompt").first.click()
            self.menu("Run", "runmenu:run-all")
            if poll(lambda: (lambda now: now != before or any("*" in p for p in now))(
                    self._prompts()), 10):
                return
            self.page.keyboard.press("Escape")  # close the menu if the item was disabled
        raise AssertionError(f"{self.path}: Run All Cells started nothing")

    def run_all(self, attempts=2):
        """Run > Run All Cells, wait until every cell has run; fail with the error if one fails.

        A run cut short with no error anywhere (the kernel was replaced under it) is run again,
        up to ``attempts`` times in all; ``self.reruns`` lists the prompts of such runs."""
        start = time.monotonic()
        self.reruns = []

        def finished():
            return self._status() == "idle" and not any("*" in p for p in self._prompts())

        for attempt in range(attempts):
            self._click_run_all()
            done = poll(lambda: finished() and (time.sleep(1) or finished()), self.run_timeout, 1)
            assert done, (f"{self.path}: still running after {self.run_timeout} s: "
                          f"prompts {self._prompts()}")
            prompts = self._prompts()
            if not any(p in ("[ ]:", "[]:") for p in prompts):
                break
            errors = self.page.evaluate(f"""() => [...document.querySelectorAll(
                '{ACTIVE} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                .map(e => e.innerText).filter(t => /Error|Traceback/.test(t))""")
            if errors or attempt == attempts - 1:
                raise AssertionError(f"{self.path}: a cell failed, so Run All stopped "
                                     f"(prompts {prompts}):\n" + (errors[0][-3000:] if errors else
                                                                  "(no error output found)"))
            self.reruns.append(prompts)
            self.wait_for_kernel()
        self.run_seconds = time.monotonic() - start
        return self

    def explorers(self):
        """Titles of the explorers (``.course-explorer``) in the notebook, in order."""
        return self.page.evaluate(f"""() => [...document.querySelectorAll(
            '{ACTIVE} .course-explorer')].map(e => (e.querySelector('b') || e).innerText.trim())""")

    def explorer(self, title, index=0):
        heading = self.page.locator("b").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
        return self.panel.locator(".course-explorer").filter(has=heading).nth(index)

    def widget_errors(self):
        """What the widget front-end reports as broken anywhere in the notebook, in words."""
        found = self.page.evaluate("""([active, texts]) => {
            const out = [];
            const panel = document.querySelector(active);
            if (!panel) return ['no notebook panel'];
            for (const e of panel.querySelectorAll('.jupyter-widgets-error-widget'))
                out.push('widget error placeholder: ' + e.innerText.trim());
            for (const e of panel.querySelectorAll('.jp-OutputArea-output, .jupyter-widgets')) {
                const text = e.innerText || '';
                for (const t of texts)
                    if (text.includes(t)) out.push(t + ': ' + text.slice(0, 300));
            }
            // "Error" in a widget (leaves only; the explorers' readouts are checked exactly)
            for (const e of panel.querySelectorAll('.jupyter-widgets')) {
                if (e.querySelector('.jupyter-widgets')) continue;
                if (e.closest('.course-explorer-readout')) continue;
                const text = e.innerText || '';
                if (/\\bError\\b/.test(text)) out.push('"Error" in widget: ' + text.slice(0, 200));
            }
            return [...new Set(out)];
        }""", [ACTIVE, list(WIDGET_ERROR_TEXTS)])
        for kind, text in self.console:
            if VERSION_MISMATCH.search(text):
                found.append("front-end/kernel widget VERSION MISMATCH reported by the widget "
                             f"manager: {text.splitlines()[0]}")
            elif WIDGET_CONSOLE.search(text):
                found.append(f"{kind} in the browser console: {text[:500]}")
        return found

    def log_console(self):
        """Texts in JupyterLab's log console for this notebook (where tracebacks of widget
        callbacks go: they belong to no cell)."""
        panel = self.page.locator(".jp-LogConsolePanel").first
        if not panel.is_visible():  # the menu item toggles it: open it only when it is closed
            self.menu("View", "logconsole:open")
        panel.wait_for(state="visible", timeout=15000)
        time.sleep(0.5)
        return self.page.evaluate("""() => [...document.querySelectorAll(
            '.jp-LogConsolePanel .jp-OutputArea-output')].map(e => e.innerText)""")

    def wait_idle(self, timeout=60):
        return poll(lambda: self._status() == "idle" and (time.sleep(0.3) or
                                                         self._status() == "idle"), timeout)

    def screenshot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path

    def close(self):
        OTHER_CONSOLE_ERRORS.extend((self.path, kind, text) for kind, text in self.console
                                    if not WIDGET_CONSOLE.search(text))
        try:
            self.context.close()
        finally:
            self.lab.shutdown_kernel(self.path)


# --------------------------------------------------------------------------------------------
# Explorers: the table's rows and how they are checked


def _control(page, explorer, label):
    """The widget in ``explorer`` whose description is exactly ``label``."""
    name = page.locator("label.widget-label").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return explorer.locator(".widget-inline-hbox").filter(has=name).first


@dataclass(frozen=True)
class Slider:
    """Move an (Int)Slider by ``steps`` with the arrow keys on its handle (negative: left)."""
    name: str   # compute()'s keyword
    label: str  # the slider's description, as shown
    steps: int

    def new_value(self, value):
        return value + self.steps

    def perform(self, page, explorer):
        handle = _control(page, explorer, self.label).locator(".noUi-handle")
        handle.focus()
        for _ in range(abs(self.steps)):
            page.keyboard.press("ArrowRight" if self.steps > 0 else "ArrowLeft")

    def shown(self, page, explorer):
        # ipywidgets shows negative numbers with a Unicode minus sign (U+2212)
        text = _control(page, explorer, self.label).locator(".widget-readout").inner_text()
        return text.replace("\u2212", "-").strip()

    def __str__(self):
        return f"slider '{self.label}' {self.steps:+d} (arrow keys)"


@dataclass(frozen=True)
class SelectionStep(Slider):
    """Move a SelectionSlider ``steps`` options along ``options`` with the arrow keys."""
    options: tuple = ()

    def new_value(self, value):
        return self.options[list(self.options).index(value) + self.steps]

    def __str__(self):
        return f"selection slider '{self.label}' {self.steps:+d} (arrow keys)"


@dataclass(frozen=True)
class SliderText:
    """Type ``value`` into a slider's readout box and press Enter."""
    name: str
    label: str
    value: object

    def new_value(self, value):
        return self.value

    def perform(self, page, explorer):
        box = _control(page, explorer, self.label).locator(".widget-readout")
        box.fill(str(self.value))
        box.press("Enter")

    shown = Slider.shown

    def __str__(self):
        return f"slider '{self.label}' := {self.value} (typed)"


@dataclass(frozen=True)
class Dropdown:
    """Choose the option labelled ``option``; compute() receives ``value`` (default: the label)."""
    name: str
    label: str
    option: str
    value: object = None

    def new_value(self, value):
        return self.option if self.value is None else self.value

    def perform(self, page, explorer):
        _control(page, explorer, self.label).locator("select").select_option(label=self.option)

    def shown(self, page, explorer):
        return _control(page, explorer, self.label).locator("select").evaluate(
            "s => s.options[s.selectedIndex].text").replace("\xa0", " ").strip()

    def __str__(self):
        return f"dropdown '{self.label}' := '{self.option}'"


def _shown_expected(move, value):
    return move.option if isinstance(move, Dropdown) else str(value)


@dataclass(frozen=True)
class Case:
    """One explorer in one notebook, and the controls to move in it.

    ``initial``: the control values the notebook shows first (its ``show(...)`` arguments);
    ``moves``: applied one after another, each checked; ``fixed``: compute()'s other arguments;
    ``show_kwargs``: how the notebook calls ``show`` when that differs from ``initial``.
    The expected readouts are the module's ``readout(compute(**values, **fixed))``.
    """
    notebook: str
    module: str
    title: str
    initial: dict
    moves: tuple
    fixed: dict = field(default_factory=dict)
    show_kwargs: dict = None
    index: int = 0

    @property
    def id(self):
        return f"{Path(self.notebook).stem}-{self.module.rsplit('.', 1)[-1]}-{self.index}"

    def expected(self):
        """[(values, readout)] for the initial values, then after each move."""
        module = importlib.import_module(self.module)
        values = dict(self.initial)
        out = [(dict(values), module.readout(module.compute(**values, **self.fixed)))]
        for move in self.moves:
            values[move.name] = move.new_value(values[move.name])
            out.append((dict(values), module.readout(module.compute(**values, **self.fixed))))
        return out


def _readout(explorer):
    return explorer.locator(".course-explorer-readout").inner_text().strip("\n")


def _figures(explorer):
    return explorer.locator(".widget-output img").evaluate_all("imgs => imgs.map(i => i.src)")


def check_explorer(notebook, case, timeout=60, screenshots=True):
    """Drive ``case``'s explorer in ``notebook`` (already run); AssertionError on any problem.

    Returns the screenshot paths. Checks: the explorer is shown with one figure and no widget
    error anywhere on the page; its readout is the module's for the initial values; after each
    move the control shows the new value, the readout becomes the module's for the new values,
    the figure changes, nothing is written to stderr in the explorer, and no traceback reaches
    the log console."""
    page = notebook.page
    stem = case.id
    shots = []
    explorer = notebook.explorer(case.title, case.index)
    try:
        try:
            explorer.wait_for(state="visible", timeout=timeout * 1000)
        except Exception:
            raise AssertionError(f"no explorer titled {case.title!r} in {case.notebook}; "
                                 f"explorers shown: {notebook.explorers()}; widget errors: "
                                 f"{notebook.widget_errors()}") from None
        explorer.scroll_into_view_if_needed()
        figures = poll(lambda: _figures(explorer), timeout)
        assert len(figures) == 1, f"{case.title}: expected one figure image, found {len(figures)}"
        _no_problems(notebook, explorer, case.title)
        expected = case.expected()
        got = poll(lambda: _readout(explorer) == expected[0][1], 10)
        assert got, (f"{case.title}: the initial readout is not readout(compute(**{expected[0][0]}"
                     f")); does {case.notebook} call show() with other values?\n"
                     f"shown:    {_readout(explorer)!r}\nexpected: {expected[0][1]!r}")
        if screenshots:
            shots.append(_shot(explorer, f"{stem}-0-initial.png"))
        for step, (move, (values, readout)) in enumerate(zip(case.moves, expected[1:]), 1):
            before = _figures(explorer)
            move.perform(page, explorer)
            want = _shown_expected(move, values[move.name])
            shown = poll(lambda: move.shown(page, explorer) == want, 15)
            assert shown, (f"{case.title}: after {move} the control shows "
                           f"{move.shown(page, explorer)!r}, not {want!r}")
            matched = poll(lambda: _readout(explorer) == readout, timeout)
            assert matched, (f"{case.title}: after {move} the readout is not "
                             f"readout(compute(**{values}))\nshown:    {_readout(explorer)!r}\n"
                             f"expected: {readout!r}\nlog console: {notebook.log_console()}")
            changed = poll(lambda: (lambda now: len(now) == 1 and now != before)(
                _figures(explorer)), timeout)
            assert changed, (f"{case.title}: after {move} the figure did not change "
                             f"({len(_figures(explorer))} image(s))")
            notebook.wait_idle()
            _no_problems(notebook, explorer, case.title)
            if screenshots:
                shots.append(_shot(explorer, f"{stem}-{step}-{_slug(str(move))}.png"))
        logged = [text for text in notebook.log_console() if text.strip()]
        errors = [text for text in logged if re.search(r"Traceback|\w+Error\b", text)]
        assert not errors, f"{case.title}: a widget callback raised:\n" + "\n".join(errors)[-3000:]
        return shots
    except AssertionError as error:
        if not screenshots:  # the harness's deliberate failures leave no artefacts
            raise
        path = notebook.screenshot(f"{stem}-FAILED-page.png")
        raise AssertionError(f"{error}\n(screenshot of the page: {path})") from None


def _no_problems(notebook, explorer, title):
    problems = notebook.widget_errors()
    stderr = explorer.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_inner_texts()
    problems += [f"stderr inside the explorer: {text[-1500:]}" for text in stderr]
    assert not problems, f"{title}: " + "\n".join(problems)


def _slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]


def _shot(explorer, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    explorer.screenshot(path=str(path))
    return path
