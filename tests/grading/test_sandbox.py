"""The grading sandbox's command line and its refusal to run where it cannot (no kernel is
started here: test_grading_attacks.py attacks a real one)."""

import json
import os
import sys

import pytest

from course_utils.grading import sandbox

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def bound(args, kind):
    """[(source, destination)] of every ``kind`` ('--ro-bind', '--bind') in a bwrap command."""
    return [(args[i + 1], args[i + 2]) for i, a in enumerate(args) if a == kind]


@pytest.fixture
def command(tmp_path):
    grading = tmp_path / "grading"
    (grading / "inputs").mkdir(parents=True)
    (grading / "outputs").mkdir()
    (grading / "outputs" / "linear.json").write_text("")
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    connection = tmp_path / "connection.json"
    connection.write_text("{}")
    if os.geteuid() != 0:
        pytest.skip("the grading folder is handed to the sandbox's user: needs root")
    return sandbox.command(str(sockets), str(connection), sandbox.UID_BASE, sandbox.Limits(),
                           str(grading), ["--HistoryManager.hist_file=:memory:"]), tmp_path


def test_the_kernel_sees_the_environment_and_the_course_package_read_only(command):
    args, _ = command
    read_only = [source for source, _ in bound(args, "--ro-bind")]
    for folder in sandbox.course_folders():
        assert folder in read_only
    for folder in read_only:
        assert os.path.realpath(folder) != REPO                      # not the course folder
        assert not os.path.exists(os.path.join(folder, "notebooks", "01_fully_connected.ipynb"))
        assert not os.path.exists(os.path.join(folder, "gradebook.db"))
        assert os.path.realpath(os.path.expanduser("~")) != os.path.realpath(folder)


def test_only_the_outcome_files_and_the_sockets_are_writable(command):
    args, tmp_path = command
    writable = bound(args, "--bind")
    assert sorted(dest for _, dest in writable) == ["/grading/outputs/linear.json", "/run/kernel"]
    assert (str(tmp_path / "grading"), "/grading") in bound(args, "--ro-bind")
    assert os.stat(tmp_path / "grading" / "outputs" / "linear.json").st_uid == sandbox.UID_BASE


def test_limits_namespaces_and_the_unprivileged_user(command):
    args, _ = command
    limits = sandbox.Limits()
    assert args[:6] == ["prlimit", f"--as={limits.memory}", f"--nproc={limits.processes}",
                        f"--fsize={limits.file_size}", f"--cpu={limits.cpu}",
                        f"--nofile={limits.open_files}"]
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent",
                 "--new-session", "--clearenv", "--no-new-privs", "--bounding-set=-all"):
        assert flag in args
    assert "--unshare-user" not in args and f"--reuid={sandbox.UID_BASE}" in args
    tmpfs = args.index("--tmpfs")
    assert args[tmpfs - 2:tmpfs + 2] == ["--size", str(limits.tmp), "--tmpfs", "/tmp"]
    assert args[-3:] == ["-f", "/run/connection.json", "--HistoryManager.hist_file=:memory:"]


def test_the_secret_is_not_in_the_kernels_environment(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING_SECRET", "s3cret")
    env = sandbox.environment("/somewhere")
    assert "COURSE_GRADING_SECRET" not in env and "s3cret" not in json.dumps(env)
    assert env["COURSE_GRADING_DIR"] == "/grading" and env["HOME"].startswith("/tmp/")


def test_the_kernelspec_runs_the_launcher_with_message_interrupts(tmp_path):
    spec = json.loads(open(sandbox.write_kernelspec(str(tmp_path))).read())
    assert spec["argv"] == [sys.executable, "-m", "course_utils.grading.sandbox", "-f",
                            "{connection_file}"]
    assert spec["interrupt_mode"] == "message"


def test_without_bubblewrap_or_linux_or_root_it_says_what_to_do(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda tool: None)
    assert "apt-get install bubblewrap" in sandbox.problem()
    assert "Linux container" in sandbox.problem()
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    assert "needs Linux" in sandbox.problem() and "virtual machine" in sandbox.problem()


def test_the_launcher_refuses_tcp(tmp_path):
    connection = tmp_path / "kernel.json"
    connection.write_text(json.dumps({"transport": "tcp", "ip": "127.0.0.1"}))
    with pytest.raises(SystemExit, match="ipc transport"):
        sandbox._prepare(str(connection), sandbox.UID_BASE)


def test_how_a_kernel_ended_is_said_plainly():
    limits = sandbox.Limits()
    assert sandbox._describe_end(0, limits) == "the kernel exited with status 0"
    assert "SIGKILL" in sandbox._describe_end(-9, limits)
    assert "SIGKILL" in sandbox._describe_end(137, limits)           # from inside the sandbox
    assert f"{limits.cpu} s" in sandbox._describe_end(137, limits)


ORPHAN_MARK = "SANDBOX-ORPHAN-TEST"
CLIENT = '''
import os, sys, time
from jupyter_client import KernelManager
from course_utils.grading import sandbox
folder = sys.argv[1]
sandbox.write_kernelspec(folder)
os.environ["JUPYTER_PATH"] = folder
km = KernelManager(kernel_name=sandbox.KERNEL_NAME, transport="ipc", ip=folder + "/k")
km.start_kernel()
client = km.client()
client.start_channels()
client.wait_for_ready(timeout=60)
client.execute_interactive(
    "import subprocess, sys\\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)  # MARK'],"
    " start_new_session=True)\\n"
    "print(open('/proc/self/status').read().split('Uid:')[1].split()[0])", timeout=60,
    output_hook=lambda msg: msg["msg_type"] == "stream" and print(
        "KERNEL SAYS", msg["content"]["text"], flush=True))
time.sleep(60)
'''.replace("MARK", ORPHAN_MARK)


def marked_processes():
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if ORPHAN_MARK.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(pid)
        except OSError:
            pass
    return found


def test_the_sandbox_dies_with_the_process_that_started_it(tmp_path):
    """nbgrader killed at its wall-clock limit (or crashing) takes every kernel process with
    it, even one the kernel detached."""
    if sandbox.problem():
        pytest.skip(f"WARNING: THE GRADING SANDBOX CANNOT RUN HERE: {sandbox.problem()}")
    import subprocess
    import time
    client = subprocess.Popen([sys.executable, "-c", CLIENT, str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 90
        while "KERNEL SAYS" not in line and time.monotonic() < deadline:
            line = client.stdout.readline()
        assert "KERNEL SAYS" in line and int(line.split()[2]) == sandbox.UID_BASE
        assert marked_processes()                      # the kernel's detached process runs
    finally:
        client.kill()
        client.wait()
    deadline = time.monotonic() + 10
    while marked_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marked_processes() == []
