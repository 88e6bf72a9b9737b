"""Fixtures for the browser tests: headless Chromium driven by Playwright, and a JupyterLab on a
free 127.0.0.1 port serving a scratch copy of notebooks/ (never notebooks/ itself, never the
student's workbooks/), its kernel this virtual environment's Python.

Set-up is the project's: `make test` runs the `browser` target (.ci/install_chromium.sh) first,
and the Playwright driver comes with the test extras. Where either is missing the tests are
skipped with a loud, specific message (on the terminal, as a warning, and in the summary);
set COURSE_REQUIRE_BROWSER=1 to make that a failure instead (for CI machines that have it).
Each notebook with an explorer is run once (Run > Run All Cells), up to its last explorer cell:
the cells after it cannot change what the explorers show, and nbval runs every cell anyway
(most of the notebooks' training comes after their explorers). COURSE_BROWSER_WHOLE=1 runs
the notebooks whole.
Screenshots go to artifacts/browser/ (git-ignored).
"""

import contextlib
import os
import secrets
import warnings

import pytest

from .driver import (ARTIFACTS, CHROMIUM_ARGS, OTHER_CONSOLE_ERRORS, REPO, JupyterLab,
                     NotebookPage, browser_unavailable, find_chromium)

_SKIPPED = []   # reasons the browser tests were skipped, for the terminal summary
_TIMINGS = []   # (notebook, seconds to run all its cells in the browser, reruns)


class BrowserTestsSkipped(UserWarning):
    """The browser tests could not run here (see the message)."""


def _skip_loudly(config, reason):
    message = f"BROWSER TESTS SKIPPED: {reason}"
    if os.environ.get("COURSE_REQUIRE_BROWSER"):
        pytest.fail(message + " (and COURSE_REQUIRE_BROWSER is set)", pytrace=False)
    if reason not in _SKIPPED:
        _SKIPPED.append(reason)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        capture = config.pluginmanager.get_plugin("capturemanager")
        if reporter is not None:
            with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
                reporter.write_line("")
                reporter.write_line("!" * 100, red=True, bold=True)
                reporter.write_line(message, red=True, bold=True)
                reporter.write_line("The explorers are NOT checked in a browser on this machine.",
                                    red=True, bold=True)
                reporter.write_line("!" * 100, red=True, bold=True)
    warnings.warn(message, BrowserTestsSkipped, stacklevel=2)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        for reason in _SKIPPED:
            terminalreporter.write_line(f"The explorers were not checked in a browser: {reason}",
                                        red=True, bold=True)
    if _TIMINGS:
        terminalreporter.section("notebooks run in JupyterLab (headless Chromium)")
        for notebook, seconds, reruns in _TIMINGS:
            again = f" (run again {reruns}x: cut short with no error)" if reruns else ""
            terminalreporter.write_line(f"{notebook}: all cells ran in {seconds:.0f} s{again}")
        terminalreporter.write_line(f"screenshots: {ARTIFACTS.relative_to(REPO)}/")
    if OTHER_CONSOLE_ERRORS:
        terminalreporter.write_line(f"{len(OTHER_CONSOLE_ERRORS)} browser console error(s) not "
                                    "about widgets (not failed on), e.g.:")
        for path, kind, text in OTHER_CONSOLE_ERRORS[:5]:
            terminalreporter.write_line(f"  {path}: {kind}: {text.splitlines()[0][:200]}")


@pytest.fixture(scope="session")
def browser(request):
    """Headless Debian Chromium under Playwright (skipped loudly where it cannot run)."""
    reason = browser_unavailable()
    if reason:
        _skip_loudly(request.config, reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    executable = find_chromium()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                             headless=True)
    except Exception as error:  # a broken install: say so, loudly
        playwright.stop()
        _skip_loudly(request.config, f"{executable} does not start under Playwright: "
                                     f"{str(error).splitlines()[0]}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def jupyterlab(browser, tmp_path_factory):
    """JupyterLab serving a scratch copy of notebooks/ (outputs cleared) on a free port."""
    from .driver import copy_notebooks

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    copy_notebooks(REPO / "notebooks", root, whole=bool(os.environ.get("COURSE_BROWSER_WHOLE")))
    lab = JupyterLab(home, root, token=secrets.token_hex(16)).start()
    yield lab
    lab.stop()


@pytest.fixture(scope="session")
def run_notebook(jupyterlab, browser):
    """run_notebook(path) -> NotebookPage: the notebook at ``path`` (relative to the lab's root)
    opened and run once; later calls with the same path reuse it. Opening another notebook
    closes the previous one and shuts its kernel down (one kernel at a time on small machines)."""
    current = {}  # path -> NotebookPage (at most one open)
    failed = {}   # path -> why it could not be opened and run

    def run(path):
        if path in failed:
            raise AssertionError(failed[path])
        if path not in current:
            for page in current.values():
                page.close()
            current.clear()
            page = NotebookPage(jupyterlab, browser, path)
            try:
                page.open()
                page.run_all()
            except Exception as error:
                shot = page.screenshot(f"{path.replace('/', '-')}-RUN-FAILED-page.png")
                page.close()
                failed[path] = f"{error}\n(screenshot: {shot}; server log: {jupyterlab.log_path})"
                raise AssertionError(failed[path]) from None
            current[path] = page
            _TIMINGS.append((path, page.run_seconds, len(page.reruns)))
        return current[path]

    yield run
    for page in current.values():
        page.close()


def pytest_collection_modifyitems(items):
    """Run the harness's self-test first: if it fails, the explorer results mean nothing."""
    here = os.path.dirname(os.path.abspath(__file__))
    ours = [index for index, item in enumerate(items)
            if os.path.dirname(str(item.path)) == here]
    if ours:
        harness = [items[i] for i in ours if item_name(items[i]) == "test_harness.py"]
        others = [items[i] for i in ours if item_name(items[i]) != "test_harness.py"]
        for index, item in zip(ours, harness + others):
            items[index] = item


def item_name(item):
    return os.path.basename(str(item.path))
