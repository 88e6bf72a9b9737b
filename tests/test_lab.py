"""The README's run command (`make lab`) starts a JupyterLab that answers, on a free port, and
shows a student none of nbgrader's instructor extensions, even though the tests' environment
(used here) has nbgrader installed."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "course-test-token"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, server, seconds=300):
    """GET ``url`` until it answers; return the body, or None if ``server`` exits or
    ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            time.sleep(1)
    return None


def status_code(url):
    """The HTTP status of GET ``url``, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def page_config(page):
    """The configuration JupyterLab embeds in its page (extensions, disabled ones...)."""
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


def test_make_lab_serves_jupyterlab():
    port = free_port()
    lab_args = f"--no-browser --ServerApp.token={TOKEN} --ServerApp.ip=127.0.0.1"
    if os.geteuid() == 0:  # CI runs as root, which Jupyter refuses unless told
        lab_args += " --allow-root"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={lab_args}",
         f"VENV={sys.prefix}"],                           # the environment running the tests
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status = wait_for(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", server)
        page = wait_for(f"http://127.0.0.1:{port}/lab?token={TOKEN}", server)
        formgrader = page and status_code(f"http://127.0.0.1:{port}/formgrader?token={TOKEN}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode(errors="replace")
    assert status is not None and page is not None, f"JupyterLab did not answer:\n{output[-3000:]}"
    assert '"started"' in status
    assert "JupyterLab" in page
    # nbgrader's server extensions (formgrader, assignment list, ...) and its lab extension are
    # switched off by student-lab/ (see the Makefile).
    assert formgrader == 404
    assert "@jupyter/nbgrader" in page_config(page)["disabledExtensions"]
