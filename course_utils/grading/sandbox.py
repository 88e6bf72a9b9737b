"""The sandbox a student's kernel runs in while an instructor grades (Linux, bubblewrap).

nbgrader starts every notebook's kernel from a kernelspec. While grading, that kernelspec
(``write_kernelspec``: made in a temporary folder, found through ``JUPYTER_PATH``) runs this
module, the trusted launcher, as ``python -m course_utils.grading.sandbox -f <connection file>``.
The launcher starts ``ipykernel`` inside bubblewrap (``bwrap``), under ``prlimit``, where:

- the kernel sees, read-only, only what a notebook needs: the system's ``/usr``, the Python
  installation, the virtual environment, the course package and its data. Not the course
  folder (the solutions, the gradebook, other students' work), not the instructor's home;
- ``/tmp`` is a private tmpfs of at most ``Limits.tmp`` bytes, and HOME is ``/tmp/home``;
- ``/grading`` is the folder of the check cells' cases (``recording``): the inputs read-only,
  and only the outcome files the trusted side created beforehand writable;
- it has its own network (nothing but a loopback that is down), process, IPC and host-name
  namespaces: it can reach nothing, see no other process, and every process it starts dies
  with it (``--die-with-parent``, and the end of its PID namespace);
- it runs as an unprivileged user of its own (one uid per grading worker: ``uid``), without
  capabilities and unable to gain any (``setpriv --no-new-privs``);
- ``prlimit`` caps the address space, processes (threads count), file size, CPU time and open
  files of every process in it (``Limits``); core dumps are off;
- its environment is cleared and set afresh: the instructor's secret is not in it.

The kernel talks to nbgrader over Unix sockets (jupyter's ``ipc`` transport: TCP cannot cross
the network namespace). It creates them in a folder that only it and the launcher see
(``<runtime dir>/<kernel>-ipc.sockets``, ``/run/kernel`` inside). As soon as the five sockets
exist, and before the kernel has been sent any code, the launcher makes that folder read-only
inside the sandbox, and only then links the paths nbgrader connects to onto the sockets: the
student's code can neither fill the instructor's disk through it nor redirect nbgrader's
connections.

The launcher runs as root (bubblewrap without a user namespace, then ``setpriv`` to the
unprivileged user); ``problem()`` says, in words an instructor can act on, why the sandbox
cannot run on this machine (macOS, no bubblewrap, not root), and ``autograde`` refuses to grade
then. ``SANDBOX_ENV`` (JSON, set by ``autograde``) gives the launcher its uid and limits.
"""

import ctypes
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

KERNEL_NAME = "course-sandbox"
SANDBOX_ENV = "COURSE_SANDBOX"            # {"uid": ..., "limits": {...}} for the launcher
UID_BASE = 2_000_000_000                  # worker slot i runs as uid (and gid) UID_BASE + i
TOOLS = ("bwrap", "prlimit", "setpriv", "nsenter", "mount")
INSTALL_HINT = ("On Debian or Ubuntu: `apt-get install bubblewrap util-linux` (or run "
                "`bash .ci/install_bubblewrap.sh`). On macOS or Windows there is no bubblewrap: "
                "grade inside a Linux container or virtual machine (for example `docker run "
                "--privileged -v \"$PWD\":/course -w /course debian:12`, then `make autograde` "
                "there).")

GiB, MiB = 1 << 30, 1 << 20

# Inside the sandbox.
SOCKETS, CONNECTION, GRADING, TMP, HOME = ("/run/kernel", "/run/connection.json", "/grading",
                                           "/tmp", "/tmp/home")
CHANNELS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
MAX_LOG = 64 * 1024          # what the kernel writes to its own stdout/stderr, kept for the log
PR_SET_PDEATHSIG = 1         # prctl(2)


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use. Each process has its own address space and CPU time
    limit; ``processes`` counts every process and thread of the sandbox's user."""
    memory: int = 6 * GiB        # address space per process (PyTorch alone maps about 2 GiB)
    processes: int = 96
    file_size: int = 64 * MiB    # the largest file it may write
    cpu: int = 900               # CPU seconds per process (a kernel runs one notebook)
    open_files: int = 512
    tmp: int = 512 * MiB         # its /tmp and HOME (memory: a tmpfs)


def problem():
    """'' when the sandbox can run here, else what is missing and what to do about it."""
    if not sys.platform.startswith("linux"):
        return (f"Grading runs every student's notebook in a bubblewrap sandbox, which needs "
                f"Linux; this is {sys.platform}. {INSTALL_HINT}")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return (f"Grading runs every student's notebook in a sandbox, and {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not installed. {INSTALL_HINT}")
    if os.geteuid() != 0:
        return ("Grading runs every student's notebook in a bubblewrap sandbox as an "
                "unprivileged user of its own, which needs root: run `sudo make autograde`, or "
                "grade inside a Linux container or virtual machine where you are root.")
    return ""


def write_kernelspec(directory):
    """Write the sandbox's kernelspec under ``directory`` (put ``directory`` on JUPYTER_PATH
    and tell nbgrader ``--Execute.kernel_name=course-sandbox``); returns its kernel.json."""
    folder = os.path.join(directory, "kernels", KERNEL_NAME)
    os.makedirs(folder, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "course_utils.grading.sandbox",
                     "-f", "{connection_file}"],
            "display_name": "Python 3 (grading sandbox)", "language": "python",
            "interrupt_mode": "message", "metadata": {"debugger": False}}
    path = os.path.join(folder, "kernel.json")
    with open(path, "w") as out:
        json.dump(spec, out, indent=1)
    return path


def self_test(directory, uid, limits=Limits(), timeout=120):
    """Start one sandboxed kernel from the kernelspec in ``directory`` and run a cell in it:
    '' when that works, else what went wrong (with the launcher's output). ``autograde`` runs
    this first, so that a sandbox that cannot start on this machine stops the grading instead
    of failing every student."""
    from jupyter_client import KernelManager
    previous = {name: os.environ.get(name) for name in ("JUPYTER_PATH", SANDBOX_ENV)}
    os.environ.update({"JUPYTER_PATH": str(directory),
                       SANDBOX_ENV: json.dumps({"uid": uid, "limits": dataclasses.asdict(limits)})})
    manager, output = None, []
    log = os.path.join(directory, "self-test.log")
    try:
        with open(log, "wb") as stderr:
            manager = KernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                    ip=os.path.join(directory, "self-test"))
            manager.start_kernel(stdout=stderr, stderr=stderr)
            client = manager.client()
            client.start_channels()
            client.wait_for_ready(timeout=timeout)
            client.execute_interactive(
                "import os, numpy, course_utils.grading\nprint('sandbox', os.getuid())",
                timeout=timeout, output_hook=lambda msg: output.append(
                    msg["content"].get("text", "") if msg["msg_type"] == "stream" else ""))
        if "".join(output).split() != ["sandbox", str(uid)]:
            return f"a test kernel in the sandbox printed {''.join(output)!r}"
        return ""
    except Exception as error:                    # noqa: BLE001 (report whatever it was)
        with open(log, errors="replace") as source:
            said = source.read()[-2000:]
        return f"a test kernel could not run in the sandbox ({error}):\n{said}"
    finally:
        if manager is not None and manager.has_kernel:
            manager.shutdown_kernel()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- what the sandbox sees -----------------------------------------------------------------------

def course_folders():
    """The read-only folders a kernel needs besides /usr: the Python installation, the virtual
    environment, the course package and the course's data (real paths, without duplicates)."""
    import course_utils
    folders = [sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)),
               os.path.dirname(course_utils.__file__)]
    data = os.environ.get("COURSE_DATA_DIR") or _bundled_data()
    if data:
        folders.append(data)
    found = []
    for folder in map(os.path.realpath, folders):
        if os.path.isdir(folder) and folder not in found and not folder.startswith("/usr/"):
            found.append(folder)
    # a folder inside another is already there
    return [f for f in found if not any(f != g and f.startswith(g + os.sep) for g in found)]


def _bundled_data():
    try:
        from course_utils import data
        return str(data.DATA_DIR)
    except Exception:              # an incomplete installation: the kernel will say so
        return ""


def _parents(path):
    """'/a/b/c' -> ['/a', '/a/b'] (the folders bubblewrap must create, readable, for a bind)."""
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[:i + 1]) for i in range(len(parts))]


def _dirs(paths, made):
    """bwrap arguments creating the missing parents of ``paths`` with mode 0755."""
    args = []
    for path in paths:
        for parent in _parents(path):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
    return args


def _system_binds():
    """/usr (and the merged-/usr links /bin, /lib, ...), plus the few /etc files programs
    expect to read (the library cache, the time zone, fontconfig's settings for matplotlib)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = "/" + name
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ("ld.so.cache", "localtime", "fonts"):
        if os.path.exists("/etc/" + name):
            args += ["--ro-bind", "/etc/" + name, "/etc/" + name]
    return args


def _grading_binds(directory, uid):
    """The grading folder at /grading: inputs read-only, the pre-created outcome files
    writable (handed to the sandbox's user), the folders themselves read-only."""
    args = ["--ro-bind", directory, GRADING]
    outputs = os.path.join(directory, "outputs")
    if os.path.isdir(outputs):
        for name in sorted(os.listdir(outputs)):
            path = os.path.join(outputs, name)
            if os.path.isfile(path) and not os.path.islink(path):
                os.chown(path, uid, uid)
                os.chmod(path, 0o600)
                args += ["--bind", path, f"{GRADING}/outputs/{name}"]
    os.chown(directory, 0, uid)              # readable by the sandbox's group, nobody else
    os.chmod(directory, 0o750)
    return args


def environment(grading):
    """The kernel's whole environment."""
    env = {"PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
           "HOME": HOME, "USER": "student", "LOGNAME": "student", "LANG": "C.UTF-8",
           "TMPDIR": TMP, "XDG_CACHE_HOME": f"{HOME}/.cache", "MPLBACKEND": "Agg",
           "COURSE_EXPLORERS": "static", "PYTHONDONTWRITEBYTECODE": "1",
           # the kernel's parent is the sandbox's first process: ipykernel then neither
           # watches it nor prints its "connect another client" banner
           "JPY_PARENT_PID": "1",
           # one thread each: N kernels share the cores, and the numbers do not depend on it
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if os.environ.get("COURSE_DATA_DIR"):
        env["COURSE_DATA_DIR"] = os.path.realpath(os.environ["COURSE_DATA_DIR"])
    if grading:
        env["COURSE_GRADING_DIR"] = GRADING
    return env


def command(sockets, connection, uid, limits, grading=None, kernel_args=(), etc=()):
    """The whole command line: prlimit, bwrap with its binds, setpriv, ipykernel (and the
    grading folder's outcome files handed to the sandbox's user ``uid``).

    sockets: the host folder for the kernel's sockets; connection: the connection file the
    kernel reads (its ``ip`` already pointing into /run/kernel); grading: the host grading
    folder (COURSE_GRADING_DIR) or None; etc: [(host file, path inside)] to show read-only."""
    folders = course_folders()
    inside = folders + [SOCKETS, CONNECTION] + [dest for _, dest in etc] + \
        ([GRADING + "/outputs/x"] if grading else [])
    made = {TMP}
    args = ["prlimit", f"--as={limits.memory}", f"--nproc={limits.processes}",
            f"--fsize={limits.file_size}", f"--cpu={limits.cpu}",
            f"--nofile={limits.open_files}", "--core=0", "--",
            "bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "grading", "--die-with-parent",
            "--new-session", "--clearenv"]
    for name, value in environment(grading).items():
        args += ["--setenv", name, value]
    # the private /tmp first: folders the kernel needs may lie below /tmp (a course or a
    # virtual environment there), and are bound read-only on top of it
    args += ["--perms", "01777", "--size", str(limits.tmp), "--tmpfs", TMP]
    args += _system_binds() + _dirs(inside, made)
    for folder in folders:
        args += ["--ro-bind", folder, folder]
    args += ["--bind", sockets, SOCKETS, "--ro-bind", connection, CONNECTION]
    for host, dest in etc:
        args += ["--ro-bind", host, dest]
    if grading:
        args += _grading_binds(grading, uid)
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "0777", "--dir", HOME, "--chdir", HOME,
             "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
             "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--",
             sys.executable, "-m", "ipykernel_launcher", "-f", CONNECTION, *kernel_args]
    return args


# --- the launcher --------------------------------------------------------------------------------

def _say(message):
    print(f"course-sandbox: {message}", file=sys.stderr, flush=True)


def _settings():
    settings = json.loads(os.environ.get(SANDBOX_ENV) or "{}")
    return settings.get("uid", UID_BASE), Limits(**settings.get("limits", {}))


def _prepare(connection_file, uid):
    """Check the connection file; make the socket folder and the files the kernel reads.
    Returns (connection info, sockets folder, inside connection file, /etc files)."""
    with open(connection_file) as f:
        info = json.load(f)
    if info.get("transport") != "ipc" or not os.path.isabs(info.get("ip", "")):
        raise SystemExit("course-sandbox: the kernel must use the ipc transport (TCP cannot "
                         "leave the sandbox) with an absolute path: run nbgrader with "
                         "--KernelManager.transport=ipc --KernelManager.ip=/a/short/path/kernel")
    stem = info["ip"] + "-" + os.path.splitext(os.path.basename(connection_file))[0]
    sockets = stem + ".sockets"
    os.mkdir(sockets, 0o700)
    os.chown(sockets, uid, uid)
    inside = stem + ".inside.json"
    with open(inside, "w") as out:
        json.dump(dict(info, ip=f"{SOCKETS}/ipc"), out)
    os.chmod(inside, 0o644)
    passwd, group = stem + ".passwd", stem + ".group"
    with open(passwd, "w") as out:
        out.write(f"root:x:0:0::/:/usr/sbin/nologin\nstudent:x:{uid}:{uid}::{HOME}:/bin/sh\n")
    with open(group, "w") as out:
        out.write(f"root:x:0:\nstudent:x:{uid}:\n")
    return info, sockets, inside, [(passwd, "/etc/passwd"), (group, "/etc/group")]


def _child_pid(info_pipe):
    """The sandbox's first process (as this machine numbers it), from bwrap's --info-fd."""
    with os.fdopen(info_pipe) as source:
        text = source.read()
    return json.loads(text)["child-pid"]


def _wait_for_sockets(sockets, info, process, timeout=120):
    paths = [os.path.join(sockets, f"ipc-{info[channel]}") for channel in CHANNELS]
    deadline = time.monotonic() + timeout
    while not all(os.path.exists(p) for p in paths):
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _seal(child, info, sockets):
    """Make /run/kernel read-only inside the sandbox, then link nbgrader's socket paths to it."""
    subprocess.run(["nsenter", f"--target={child}", "--mount", "--",
                    "mount", "-o", "remount,bind,ro", SOCKETS], check=True)
    for channel in CHANNELS:
        os.symlink(os.path.join(sockets, f"ipc-{info[channel]}"), f"{info['ip']}-{info[channel]}")


def _copy_output(stream, limit=MAX_LOG):
    """Copy the first ``limit`` bytes of the kernel's own output (what its code writes to
    file descriptors 1 and 2) to our stderr, each line marked ``[kernel]`` so that nothing it
    writes can pass for the grader's messages; drop the rest."""
    copied = 0
    for line in iter(lambda: stream.readline(4096), b""):
        if copied < limit:
            sys.stderr.buffer.write(b"[kernel] " + line.rstrip(b"\n")[:limit - copied] + b"\n")
            sys.stderr.buffer.flush()
        copied += len(line)
    if copied > limit:
        _say(f"the kernel wrote {copied} bytes to its own output; the first {limit} are above")


def _die_with_parent():
    """Be killed when nbgrader, which started us, ends (however it ends): bubblewrap's
    --die-with-parent then ends the sandbox too."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:                 # it ended before we asked
        os._exit(1)


def _describe_end(returncode, limits):
    """'the kernel exited with status 0', 'the kernel was killed by SIGKILL (...)'."""
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if not signum or signum not in signal.valid_signals():
        return f"the kernel exited with status {returncode}"
    name = signal.Signals(signum).name
    if name == "SIGKILL":
        return (f"the kernel was killed by SIGKILL (by its own code, by the grader, or at the "
                f"CPU-time limit of {limits.cpu} s)")
    return f"the kernel was killed by {name}"


def launch(connection_file, kernel_args):
    """Run the kernel of ``connection_file`` in the sandbox until it ends; its exit status."""
    _die_with_parent()
    uid, limits = _settings()
    info, sockets, inside, etc = _prepare(connection_file, uid)
    info_read, info_write = os.pipe()
    args = command(sockets, inside, uid, limits, os.environ.get("COURSE_GRADING_DIR"),
                   kernel_args, etc)
    args[args.index("bwrap") + 1:args.index("bwrap") + 1] = ["--info-fd", str(info_write)]
    process = subprocess.Popen(args, pass_fds=(info_write,), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.close(info_write)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: process.kill())
    copier = threading.Thread(target=_copy_output, args=(process.stdout,), daemon=True)
    copier.start()
    try:
        child = _child_pid(info_read)
        if not _wait_for_sockets(sockets, info, process):
            _say("the kernel did not open its sockets")
            process.kill()
        else:
            _seal(child, info, sockets)
    except Exception as error:               # noqa: BLE001 (never leave a sandbox unsealed)
        _say(f"could not start the sandbox: {error}")
        process.kill()
    process.wait()
    copier.join(5)
    _say(_describe_end(process.returncode, limits))
    for path in [inside] + [host for host, _ in etc]:
        os.remove(path)
    shutil.rmtree(sockets, ignore_errors=True)
    return process.returncode


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] != "-f":
        raise SystemExit("usage: python -m course_utils.grading.sandbox -f CONNECTION_FILE "
                         "[kernel arguments]")
    reason = problem()
    if reason:
        raise SystemExit(f"course-sandbox: {reason}")
    code = launch(argv[1], argv[2:])
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
