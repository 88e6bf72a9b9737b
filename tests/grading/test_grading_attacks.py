"""Malicious submissions, graded in one class with honest ones (course_utils.grading.autograde,
two at a time): every attack fails to read, change, fake or block anything, and the honest
students are graded, given feedback and exported exactly as without the attackers (one of
them needs a demonstration cell, and is graded again with the demonstrations).

Each attack is code a student could submit: extra cells after the set-up cell, or answers that
cheat. Every attack is bounded in time and size (a few seconds, a few hundred MB), so that it
stays harmless even if the sandbox failed; the attackers print what they achieved, which the
tests read from their graded notebooks. Every process an attack starts carries ATTACKER in its
command line, so that the tests can tell whether one outlived grading.
"""

import hashlib
import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import nbformat
import pytest

import grading_assignment as course
from course_utils.grading import sandbox

pytestmark = pytest.mark.slow

MARK = "ATTACKER"
BLANK = {}                    # the student edition's stubs: any point scored would be stolen
WRONG = {"linear_answer": "def linear(input, weight, bias=None):\n    return input @ weight.T\n",
         "conv_output_size_answer": "def conv_output_size(size, kernel_size, stride=1, "
                                    "padding=0, dilation=1):\n    return size\n",
         "max_pool2d_answer": "def max_pool2d(input, kernel_size, stride=None):\n"
                              "    return input\n"}

TRY = '''
def attempt(label, action):
    """Run one attack; print whether it worked."""
    try:
        result = action()
        print("SUCCEEDED:", label, repr(result)[:200])
    except BaseException as error:
        print("BLOCKED:", label, type(error).__name__)
'''

# Reads the solutions, the secret, the gradebook, other students' work, the instructor's home
# and the processes of the grader, and prints whatever it finds (into its own feedback).
READER = TRY + '''
import glob, os
found = []
for pattern in ["{course}/notebooks/*.ipynb", "{repo}/notebooks/*.ipynb", "{course}/.grading-secret",
                "{course}/gradebook.db", "{course}/submitted/*/notebooks/*.ipynb",
                "{course}/autograded/*/notebooks/*", "/root/*", "/home/*/*", "/etc/shadow",
                "../../*/notebooks/*.ipynb", "/tmp/cg-*/c/*", "/proc/1/root/{course}/*"]:
    for path in glob.glob(pattern):
        try:
            found.append((path, open(path, errors="replace").read(2000)))
        except Exception as error:
            pass
print("READ-COUNT", len(found), found)
print("UID", os.getuid(), "SECRET-ENV", os.environ.get("COURSE_GRADING_SECRET"))
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        print("PROCESS", pid, open(f"/proc/{{pid}}/cmdline").read().replace("\\0", " ")[:150],
              open(f"/proc/{{pid}}/environ").read().count("SECRET"))
    except Exception:
        pass
'''

# Opens sockets: to a server the test runs on this machine (TCP and Unix), to the internet.
SOCKETS = TRY + '''
import socket
def tcp(address):
    with socket.create_connection(address, timeout=2):
        return "CONNECTED"
def unix(path):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(2); s.connect(path)
        return "CONNECTED"
attempt("tcp to the grader's machine", lambda: tcp(("127.0.0.1", {port})))
attempt("tcp to the machine's address", lambda: tcp(("{host}", {port})))
attempt("tcp to the internet", lambda: tcp(("1.1.1.1", 53)))
attempt("unix socket of the machine", lambda: unix("{unix}"))
attempt("udp out", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("1.1.1.1", 53)))
'''

# Destroys and rewrites: other students' files, the gradebook, the course code and the
# environment (a .pth file would run in every later Python process), the repository; then
# leaves a detached process behind to rewrite the grades after export.
VANDAL = TRY + '''
import os, shutil, sqlite3, subprocess, sys, time
attempt("delete a student's submission", lambda: shutil.rmtree("{course}/submitted/a_honest"))
attempt("blank a later student's submission",
        lambda: open("{course}/submitted/z_honest/notebooks/fixture.ipynb", "w").write("{{}}"))
attempt("delete the graded notebooks", lambda: shutil.rmtree("{course}/autograded"))
attempt("edit the gradebook", lambda: sqlite3.connect("{course}/gradebook.db").execute(
        "update grade set auto_score = 100").connection.commit())
attempt("rewrite the grades", lambda: open("{course}/grades.csv", "a").write("x"))
attempt("add a module to the course code",
        lambda: open("{package}/grading/zz_attacker.py", "w").write("x = 1"))
attempt("change the grader's code", lambda: os.utime("{package}/grading/assess.py"))
attempt("install a .pth file", lambda: open("{site}/zz_attacker.pth", "w").write("import os"))
attempt("write into the repository", lambda: open("{repo}/ATTACKER_WAS_HERE", "w").write("x"))
attempt("write into the sockets folder", lambda: open("/run/kernel/x", "w").write("x"))
attempt("write into the grading folder", lambda: open("/grading/x", "w").write("x"))
attempt("replace the cases", lambda: open("/grading/inputs/" + os.listdir("/grading/inputs")[0], "w"))
attempt("become root", lambda: os.setuid(0))
attempt("su", lambda: subprocess.run(["su", "-c", "id"], timeout=5, check=True,
                                     capture_output=True))
daemon = """# ATTACKER: rewrites the grades for 20 s
import time
for _ in range(40):
    time.sleep(0.5)
    for path in ["{course}/grades.csv", "{course}/gradebook.db"]:
        try:
            open(path, "a").write("tampered")
        except Exception:
            pass
"""
subprocess.Popen([sys.executable, "-c", daemon], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:                              # and a classic double-forked daemon
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", daemon])
    os._exit(0)
print("DAEMONS STARTED")
'''

# Exhausts what it can: memory, processes, the disk (its /tmp, an outcome file).
EXHAUST = TRY + '''
import os, sys, time
try:
    hog = bytearray(64 << 30)
    print("SUCCEEDED: 64 GiB")
except MemoryError:
    print("MEMORY LIMIT")
children = []
try:
    for _ in range(400):
        pid = os.fork()
        if pid == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(20)  # ATTACKER"])
        children.append(pid)
    print("SUCCEEDED: 400 processes")
except OSError as error:
    print("PROCESS LIMIT after", len(children), type(error).__name__)
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
def fill(path, limit=1 << 30):
    written = 0
    with open(path, "wb") as out:
        while written < limit:
            out.write(b"x" * (16 << 20))
            out.flush()
            written += 16 << 20
    return written
for path in ["/tmp/filler", os.path.expanduser("~/filler")]:
    try:
        fill(path)
        print("SUCCEEDED: filled", path)
    except OSError as error:
        print("DISK LIMIT", path, error.errno)
    if os.path.exists(path):
        os.remove(path)
try:
    fill("/grading/outputs/linear.npz", 256 << 20)
    print("SUCCEEDED: a 256 MB outcome file")
except OSError as error:
    print("FILE SIZE LIMIT", error.errno)
'''

# Fakes the grader: an import hook that serves fake course_utils.grading modules, and fake
# outcomes written straight into the grading folder.
IMPORT_HOOK = '''
import importlib.abc, importlib.machinery, sys
class Fake(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.startswith("course_utils.grading"):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        module.__path__ = []
        module.check = module.record = module.grade = lambda *args, **kwargs: None
sys.meta_path.insert(0, Fake())
for name in [m for m in sys.modules if m.startswith("course_utils.grading")]:
    del sys.modules[name]
import course_utils.grading as grading
import json
for name in ("linear", "conv_output_size", "max_pool2d"):
    try:
        open(f"/grading/outputs/{name}.json", "w").write(json.dumps(
            {"exercise": name, "outcomes": [], "probe_lines": []}))
    except OSError:
        pass
print("HOOK INSTALLED", grading.check)
'''

# Answers that look for PyTorch's answer in the grader's stack frames and in memory.
STEAL = '''
CALLS = []
def steal(args):
    import gc, sys
    import numpy as np
    frame = sys._getframe(2)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if name in ("expected", "answer", "reference", "want", "target"):
                return value
        frame = frame.f_back
    CALLS.append(1)
    if len(CALLS) <= 3:                       # the whole heap, for the first calls only
        inputs = [id(a) for a in args]
        for obj in gc.get_objects():
            if isinstance(obj, np.ndarray) and id(obj) not in inputs and obj.ndim == args[0].ndim:
                return obj
    return None
'''
STEALING = {"linear_answer": STEAL + "def linear(input, weight, bias=None):\n"
                                     "    return steal((input, weight))\n",
            "max_pool2d_answer": STEAL + "def max_pool2d(input, kernel_size, stride=None):\n"
                                         "    return steal((input,))\n"}

# An IPython input transformer that turns every check cell into `pass`.
TRANSFORMER = '''
def skip_checks(lines):
    return ["pass\\n"] if lines and lines[0].startswith("grading.check") else lines
get_ipython().input_transformers_cleanup.append(skip_checks)
'''

# An honest answer that uses a name only a demonstration cell of the course defines: graded
# again with the demonstrations.
DEMONSTRATION_USER = {"conv_output_size_answer": (
    "def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):\n"
    "    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + ONE\n")}

CRASH = "import os\nos.kill(os.getpid(), 9)"
LOOP = ('import signal\nfor s in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):\n'
        '    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass')

LIMITS = ["--cell-timeout", "20", "--cpu-limit", "60", "--timeout", "180"]


class Listener:
    """A TCP and a Unix server on this machine, counting the connections they accept."""

    def __init__(self, folder):
        self.accepted = 0
        self.tcp = socket.create_server(("0.0.0.0", 0))
        self.unix_path = str(folder / "listener.sock")
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(self.unix_path)
        self.unix.listen()
        os.chmod(self.unix_path, 0o777)
        for server in (self.tcp, self.unix):
            threading.Thread(target=self.serve, args=(server,), daemon=True).start()

    def serve(self, server):
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def close(self):
        self.tcp.close()
        self.unix.close()


def machine_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def fingerprint(folder):
    """{path: sha256} of every file under folder."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def git_status():
    return subprocess.run(["git", "status", "--porcelain"], cwd=course.REPO, capture_output=True,
                          text=True, check=True).stdout


def attacker_processes():
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and MARK in (entry / "cmdline").read_bytes().decode(
                    errors="replace") and entry.name != str(os.getpid()):
                found.append(entry.name)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    if sandbox.problem():
        pytest.skip(f"WARNING: THE GRADING SANDBOX CANNOT RUN HERE, its attack tests are "
                    f"skipped: {sandbox.problem()}")
    root = course.make_course(tmp_path_factory.mktemp("course"))
    course.nbgrader(root, "generate_assignment", "notebooks")
    listener = Listener(tmp_path_factory.mktemp("listener"))
    release = nbformat.read(root / "release" / "notebooks" / "fixture.ipynb", as_version=4)
    source = nbformat.read(root / "notebooks" / "fixture.ipynb", as_version=4)
    import course_utils
    import sysconfig
    paths = {"course": root, "repo": course.REPO, "port": listener.tcp.getsockname()[1],
             "host": machine_address(), "unix": listener.unix_path,
             "package": Path(course_utils.__file__).parent,
             "site": sysconfig.get_paths()["purelib"]}
    reader = course.answered(release, BLANK, [READER.format(**paths), SOCKETS.format(**paths)])
    reader.metadata["kernelspec"]["name"] = "python3"      # asks for an unsandboxed kernel
    metadata = course.answered(source, {})
    for cell in metadata.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata.nbgrader.update(grade=False, points=100, locked=False)
            cell.source = "pass"
    submissions = {
        "a_honest": source, "z_honest": source, "d_demonstrations": course.answered(
            source, DEMONSTRATION_USER), "m_reader": reader,
        "m_vandal": course.answered(release, BLANK, [VANDAL.format(**paths)]),
        "m_exhaust": course.answered(release, BLANK, [EXHAUST]),
        "m_hook": course.answered(release, WRONG, [IMPORT_HOOK]),
        "m_frames": course.answered(release, STEALING),
        "m_transformer": course.answered(release, WRONG, [TRANSFORMER]),
        "m_metadata": metadata,
        "m_crash": course.answered(source, {}, [CRASH]),
        "m_loop": course.answered(source, {}, [LOOP]),
    }
    for student, nb in submissions.items():
        course.submit(root, student, {"fixture.ipynb": nb})
    before = {"submitted": fingerprint(root / "submitted"), "notebooks": fingerprint(
        root / "notebooks"), "git": git_status(), "package": fingerprint(paths["package"])}
    done = course.autograde(root, "--jobs", "2", *LIMITS)
    grades = (root / "grades.csv").read_text()
    time.sleep(2)                                    # a surviving daemon would write by now
    yield {"root": root, "done": done, "before": before, "paths": paths, "grades": grades,
           "listener": listener}
    listener.close()
    for leftover in (paths["package"] / "grading" / "zz_attacker.py",
                     Path(paths["site"]) / "zz_attacker.pth", course.REPO / "ATTACKER_WAS_HERE"):
        if leftover.exists():
            leftover.unlink()


def printed(root, student):
    """Everything the student's graded notebook printed."""
    nb = nbformat.read(root / "autograded" / student / "notebooks" / "fixture.ipynb", 4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.output_type == "stream")


def feedback(root, student):
    return (root / "feedback" / student / "notebooks" / "fixture.html").read_text()


def test_honest_students_are_graded_and_get_their_feedback(attacked):
    root = attacked["root"]
    scores = course.scores(root)
    assert scores["a_honest"] == scores["z_honest"] == course.TOTAL
    for student in ("a_honest", "z_honest"):
        assert feedback(root, student).count("agrees with PyTorch on every configuration") == 3


def test_a_check_that_needs_a_demonstration_is_graded_with_them(attacked):
    root = attacked["root"]
    statuses = course.statuses(root)
    assert statuses[("a_honest", "fixture")]["demonstrations"] == "skipped"
    assert statuses[("d_demonstrations", "fixture")]["demonstrations"] == "kept"
    assert course.scores(root)["d_demonstrations"] == course.TOTAL
    nb = nbformat.read(root / "autograded" / "a_honest" / "notebooks" / "fixture.ipynb", 4)
    sources = [c.source for c in nb.cells]
    assert course.DEMONSTRATION not in sources and course.LAST_CELL not in sources


def test_no_submission_or_source_notebook_changed(attacked):
    root, before = attacked["root"], attacked["before"]
    assert fingerprint(root / "submitted") == before["submitted"]
    assert fingerprint(root / "notebooks") == before["notebooks"]


CHANGED = ("changed during grading (if someone edited the working tree meanwhile, that is "
           "them: run the test again)")


def test_the_repository_and_the_environment_are_untouched(attacked):
    before, paths = attacked["before"], attacked["paths"]
    now = git_status()
    assert now == before["git"], f"git status {CHANGED}:\n" + "\n".join(
        sorted(set(now.splitlines()) ^ set(before["git"].splitlines())))
    package = fingerprint(paths["package"])
    assert package == before["package"], f"course_utils {CHANGED}: " + ", ".join(
        sorted(k for k in set(package) | set(before["package"])
               if package.get(k) != before["package"].get(k)))
    assert not (Path(paths["site"]) / "zz_attacker.pth").exists()
    assert not (course.REPO / "ATTACKER_WAS_HERE").exists()


def test_nothing_outside_the_sandbox_could_be_read(attacked):
    root = attacked["root"]
    out = printed(root, "m_reader")
    assert "READ-COUNT 0 []" in out
    assert "SECRET-ENV None" in out and "UID 0" not in out
    processes = [line for line in out.splitlines() if line.startswith("PROCESS")]
    assert processes and not any("nbgrader" in line or "autograde" in line for line in processes)
    assert all(line.endswith(" 0") for line in processes)         # no SECRET in any environ
    secret = (root / ".grading-secret").read_text().strip()
    for text in (feedback(root, "m_reader"), out):
        assert secret not in text and "BEGIN SOLUTION" not in text
        assert "output if bias is None" not in text                   # the solution's code


def test_no_connection_left_the_sandbox(attacked):
    out = printed(attacked["root"], "m_reader")
    assert "CONNECTED" not in out and "SUCCEEDED" not in out
    assert out.count("BLOCKED:") >= 5
    assert attacked["listener"].accepted == 0


def test_destroying_and_rewriting_fails(attacked):
    out = printed(attacked["root"], "m_vandal")
    assert "SUCCEEDED" not in out, out
    assert out.count("BLOCKED:") == 14 and "DAEMONS STARTED" in out


def test_no_attacker_process_outlives_grading_nor_changes_the_grades(attacked):
    root = attacked["root"]
    assert attacker_processes() == []
    assert (root / "grades.csv").read_text() == attacked["grades"]
    assert "tampered" not in attacked["grades"]


def test_memory_processes_and_disk_are_capped(attacked):
    out = printed(attacked["root"], "m_exhaust")
    assert "SUCCEEDED" not in out, out
    assert "MEMORY LIMIT" in out and "PROCESS LIMIT" in out
    assert out.count("DISK LIMIT") == 2 and "FILE SIZE LIMIT" in out


def test_faking_skipping_or_stealing_scores_nothing(attacked):
    root = attacked["root"]
    scores = course.scores(root)
    for student in ("m_reader", "m_vandal", "m_exhaust", "m_hook", "m_frames", "m_transformer"):
        assert scores[student] == 0, student
    assert "HOOK INSTALLED" in printed(root, "m_hook")
    for student in ("m_hook", "m_transformer"):
        assert feedback(root, student).count("did not run to the end") == 3, student
    statuses = course.statuses(root)                 # and the instructor is asked to look
    assert "import machinery" in statuses[("m_hook", "fixture")]["review"]
    assert "IPython's hooks" in statuses[("m_transformer", "fixture")]["review"]
    assert "max_pool2d: sys" in statuses[("m_frames", "fixture")]["review"]


def test_flipping_the_check_cells_metadata_changes_nothing(attacked):
    root = attacked["root"]
    assert course.scores(root)["m_metadata"] == course.TOTAL          # not 300, not an error
    assert course.statuses(root)[("m_metadata", "fixture")]["status"] == "graded"


def test_a_crash_and_an_endless_loop_are_recorded_and_the_class_is_still_graded(attacked):
    root = attacked["root"]
    statuses = course.statuses(root)
    crash, loop = statuses[("m_crash", "fixture")], statuses[("m_loop", "fixture")]
    assert crash["status"] == "failed" and "the kernel died" in crash["reason"]
    assert "killed by SIGKILL" in crash["reason"]
    assert loop["status"] == "failed" and "endless loop" in loop["reason"]
    scores = course.scores(root)
    assert scores["m_crash"] == scores["m_loop"] == 0
    assert len(scores) == 12                        # everyone is in grades.csv
    assert attacked["done"].returncode == 0
    log = (root / "grading.log").read_text()
    seconds = float(re.search(r"^===== m_loop \(([\d.]+) s\)", log, re.MULTILINE).group(1))
    assert seconds < 20 + 60                    # its cell's time limit, and some start-up
