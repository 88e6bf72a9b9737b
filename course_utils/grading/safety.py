"""Running a student's function without letting it break the notebook.

``call(fn, args, kwargs, time_limit)`` runs one call and returns a ``Call`` record; it never
raises because of what the function did. It guards against:

- exceptions (kept with the line of the student's code that raised them);
- infinite loops: a time limit. In the main thread it is a SIGALRM timer (restoring any timer
  that was already set, e.g. pytest-timeout's); elsewhere the function runs in a worker thread
  and an exception is injected into it when time is up;
- enormous printing: stdout and stderr are captured and only the first lines are kept;
- calls into torch or the course's reference implementations (``forbidden_reference`` looks at
  the code before the call, a profiler hook watches the call itself);
- inputs modified in place (``snapshot`` before, ``modified`` after).
"""

import contextlib
import ctypes
import dataclasses
import importlib.util
import io
import os
import signal
import sys
import threading
import time
import traceback
import types

import numpy as np

# The course's reference implementations: a NumPy exercise may not call them.
_COURSE_REFERENCE_MODULES = ("functional", "nn", "optim", "models", "gradcheck", "shapes",
                             "receptive_field")


class TimeLimitExceeded(BaseException):
    """Raised inside the student's function when its time is up (BaseException so that an
    ``except Exception`` in the student's code does not swallow it)."""


@dataclasses.dataclass
class Call:
    """What happened during one call of the student's function."""
    value: object = None
    error: BaseException | None = None
    error_line: str = ""          # "line 5, in conv2d_naive: out[n] = ..." (student's code)
    timed_out: bool = False
    seconds: float = 0.0
    output: str = ""              # the first lines the function printed
    output_lines: int = 0         # how many lines it printed in all
    forbidden: str = ""           # e.g. "torch.nn.functional.conv2d"


class BoundedText(io.TextIOBase):
    """A text stream that keeps the first ``max_chars`` characters and counts the rest."""

    def __init__(self, max_chars=2000):
        self.max_chars = max_chars
        self.parts = []
        self.kept = 0
        self.lines = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        self.lines += text.count("\n")
        if self.kept < self.max_chars:
            piece = text[: self.max_chars - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def getvalue(self):
        return "".join(self.parts)


def _course_dir():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _torch_dir():
    spec = importlib.util.find_spec("torch")
    return os.path.dirname(spec.origin) if spec and spec.origin else None


def _blocked_dirs():
    """Folders whose Python code a NumPy exercise may not run."""
    course = _course_dir()
    dirs = [os.path.join(course, name) for name in _COURSE_REFERENCE_MODULES]
    torch_dir = _torch_dir()
    if torch_dir:
        dirs.append(torch_dir)
    return tuple(dirs)


def _blocked_module_name(name):
    """True for 'torch...' and the course's reference modules ('course_utils.functional...')."""
    if not isinstance(name, str):
        return False
    if name == "torch" or name.startswith("torch."):
        return True
    return any(name == f"course_utils.{m}" or name.startswith(f"course_utils.{m}.")
               for m in _COURSE_REFERENCE_MODULES)


def _describe_blocked(obj, names_used):
    """A name for ``obj`` if it belongs to torch or a course reference module, else ''."""
    if isinstance(obj, types.ModuleType):
        if _blocked_module_name(obj.__name__):
            return obj.__name__
        if obj.__name__ == "course_utils":
            used = [n for n in names_used if n in _COURSE_REFERENCE_MODULES]
            return f"course_utils.{used[0]}" if used else ""
        return ""
    module = getattr(obj, "__module__", None)
    if _blocked_module_name(module):
        return f"{module}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"
    owner = getattr(obj, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        if _blocked_module_name(type(owner).__module__):
            return f"{type(owner).__module__}.{type(owner).__name__}"
    return ""


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _is_library_code(filename):
    return "site-packages" in filename or filename.startswith(sys.prefix) \
        or filename.startswith(sys.base_prefix) or filename.startswith("<frozen")


def forbidden_reference(fn):
    """Look through ``fn``'s code (and the notebook helpers it calls) for torch or the course's
    reference implementations. Returns a description like 'torch.nn.functional.conv2d (name
    `F`)', or '' when the code refers to neither."""
    stack, seen = [fn], set()
    while stack:
        f = stack.pop()
        f = getattr(f, "__func__", f)                      # bound methods
        if id(f) in seen or not isinstance(f, types.FunctionType):
            continue
        seen.add(id(f))
        names = set()
        for code in _code_objects(f.__code__):
            names.update(code.co_names)
        for name in sorted(names):
            if name not in f.__globals__:
                continue
            obj = f.__globals__[name]
            found = _describe_blocked(obj, names)
            if found:
                return f"{found} (the name `{name}` in {f.__name__})"
            if isinstance(obj, types.FunctionType) and \
                    not _is_library_code(obj.__code__.co_filename):
                stack.append(obj)
        for value in [c.cell_contents for c in (f.__closure__ or ()) if _cell_filled(c)] \
                + list(f.__defaults__ or ()):
            found = _describe_blocked(value, names)
            if found:
                return f"{found} (used by {f.__name__})"
            if isinstance(value, types.FunctionType):
                stack.append(value)
    return ""


def _cell_filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


class _Watch:
    """A profiler hook noting the first call into torch or a course reference module."""

    def __init__(self):
        self.dirs = _blocked_dirs()
        self.found = ""

    def __call__(self, frame, event, arg):
        if self.found:
            return
        if event == "call":
            filename = frame.f_code.co_filename
            if filename.startswith(self.dirs):
                self.found = f"{frame.f_code.co_name} in {filename}"
        elif event == "c_call":
            self.found = _describe_blocked(arg, ())


def snapshot(values):
    """Copies of the NumPy arrays among ``values`` (None for the rest), for ``modified``."""
    return [v.copy() if isinstance(v, np.ndarray) else None for v in values]


def modified(values, copies, names, atol=0.0):
    """Names of the arrays that differ from their ``snapshot`` (NaNs compare equal)."""
    changed = []
    for name, value, copy in zip(names, values, copies):
        if copy is None:
            continue
        if value.shape != copy.shape:
            changed.append(name)
            continue
        same = (value == copy) | ((value != value) & (copy != copy))
        if atol:
            same = same | (abs(value.astype(np.float64) - copy) <= atol)
        if not same.all():
            changed.append(name)
    return changed


def _student_line(tb, fn):
    """The deepest traceback line that is not library code: where the student's code failed."""
    frames = [f for f in traceback.extract_tb(tb) if not _is_library_code(f.filename)
              and os.path.abspath(f.filename) != os.path.abspath(__file__)]
    if not frames:
        return ""
    f = frames[-1]
    where = f"line {f.lineno}, in {f.name}"
    return f"{where}: {f.line}" if f.line else where


@contextlib.contextmanager
def _alarm(seconds):
    """SIGALRM after ``seconds`` (then every 0.1 s until we leave, in case the student's code
    catches the first one); restores the previous handler and timer afterwards."""
    def on_alarm(signum, frame):
        raise TimeLimitExceeded()

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            remaining = max(previous_delay - (time.monotonic() - start), 0.001)
            signal.setitimer(signal.ITIMER_REAL, remaining, previous_interval)


def _can_use_alarm():
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _run(fn, args, kwargs, result, watch):
    """Call fn, recording value or error in ``result``; the profiler hook watches the call."""
    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        result.value = fn(*args, **kwargs)
    except TimeLimitExceeded:
        result.timed_out = True
    except BaseException as error:                       # noqa: BLE001 (anything the student did)
        result.error = error
        result.error_line = _student_line(error.__traceback__, fn)
    finally:
        sys.setprofile(previous)


def _run_in_thread(fn, args, kwargs, seconds, result, watch):
    """The fallback without SIGALRM: a worker thread, stopped by an injected exception."""
    worker = threading.Thread(target=_run, args=(fn, args, kwargs, result, watch), daemon=True)
    worker.start()
    worker.join(seconds)
    give_up = time.monotonic() + 2.0
    while worker.is_alive() and time.monotonic() < give_up:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident),
                                                   ctypes.py_object(TimeLimitExceeded))
        worker.join(0.1)
    if worker.is_alive():
        result.timed_out = True      # stuck inside C code: stop waiting for it and report


def call(fn, args=(), kwargs=None, time_limit=10.0, max_output_chars=2000):
    """Call ``fn(*args, **kwargs)`` safely; returns a ``Call`` (never raises for the student)."""
    result, watch = Call(), _Watch()
    output = BoundedText(max_output_chars)
    start = time.monotonic()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        if _can_use_alarm():
            try:
                with _alarm(time_limit):
                    _run(fn, args, kwargs or {}, result, watch)
            except TimeLimitExceeded:              # the alarm fired just after the call
                result.timed_out = True
        else:
            _run_in_thread(fn, args, kwargs or {}, time_limit, result, watch)
    result.seconds = time.monotonic() - start
    result.output, result.output_lines = output.getvalue(), output.lines
    result.forbidden = watch.found
    return result


def count_student_lines(fn, args, kwargs=None, time_limit=10.0):
    """How many lines of the student's own code (not library code) one call executes; used to
    tell a vectorised function from one that loops over output pixels. None if the call fails."""
    counts = {"lines": 0}

    def tracer(frame, event, arg):
        if _is_library_code(frame.f_code.co_filename) or frame.f_code.co_filename == __file__:
            return None
        if event == "line":
            counts["lines"] += 1
        return tracer

    def traced(*a, **k):
        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            return fn(*a, **k)
        finally:
            sys.settrace(previous)

    outcome = call(traced, args, kwargs, time_limit)
    if outcome.error is not None or outcome.timed_out:
        return None
    return counts["lines"]
