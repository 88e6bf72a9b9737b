"""The README's run command (`make lab`) starts a JupyterLab that answers, on a free port."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "course-test-token"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=300):
    """GET ``url`` until it answers 200; return the body, or raise after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_make_lab_serves_jupyterlab():
    port = free_port()
    lab_args = f"--no-browser --ServerApp.token={TOKEN} --ServerApp.ip=127.0.0.1"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={lab_args}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status = wait_for(f"http://127.0.0.1:{port}/api/status?token={TOKEN}")
        assert '"started"' in status
        page = wait_for(f"http://127.0.0.1:{port}/lab?token={TOKEN}")
        assert "JupyterLab" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode(errors="replace")
    assert "Jupyter Server" in output, output[-2000:]
