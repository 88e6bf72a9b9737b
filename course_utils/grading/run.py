"""Running a student's function on a case without letting it break anything: the kernel side.

``run_case(fn, case, rules)`` calls the function (twice when ``case.calls == 2``) and returns an
``Outcome``: what it returned, or the exception it raised, whether it ran out of time, what it
printed, whether it modified its inputs and whether it called torch or the course's reference
code. It never raises because of what the function did. It guards against:

- exceptions (kept with the line of the student's code that raised them);
- infinite loops: a time limit. In the main thread it is a SIGALRM timer (re-armed every 0.1 s
  so that an ``except`` in the student's code cannot swallow it, and restoring any timer that
  was already set); elsewhere the function runs in a worker thread, stopped by an injected
  exception;
- enormous printing: stdout and stderr are captured and only the first lines are kept;
- calls into torch or the course's reference implementations (a look at the function's code
  before the call, and a profiler hook during it);
- inputs modified in place (a snapshot before, a comparison after).

When an instructor grades, this runs inside the student's sandboxed kernel, so nothing it
reports is trusted for the score except the values returned; the comparison with PyTorch
happens outside (see ``assess``).
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
COURSE_REFERENCE_MODULES = ("functional", "nn", "optim", "models", "gradcheck", "shapes",
                            "receptive_field")


@dataclasses.dataclass(frozen=True)
class Rules:
    """How to run an exercise's cases (sent with the cases, so the kernel needs nothing else)."""
    parameters: tuple            # argument names, in order
    in_place: tuple = ()         # arguments updated in place: recorded after the call
    time_limit: float = 10.0     # seconds per call
    mutation_atol: float = 0.0   # input changes up to this size do not count
    numpy_only: bool = True      # torch and the course's reference code are off limits


@dataclasses.dataclass
class Outcome:
    """What happened when the student's function ran on one case."""
    value: object = None         # what it returned (a tuple of results when called twice)
    after: dict = dataclasses.field(default_factory=dict)   # in-place arguments after the call
    error: str = ""              # the exception's type name, if it raised
    message: str = ""            # the exception's message
    error_line: str = ""         # "line 5, in conv2d_naive: out[n] = ..." (student's code)
    timed_out: bool = False
    forbidden: str = ""          # e.g. "torch.nn.functional.conv2d (the name `F` in conv2d)"
    modified: tuple = ()         # names of inputs it changed in place
    output: str = ""             # the first characters it printed
    output_lines: int = 0        # how many lines it printed in all
    lines: int | None = None     # lines of its own code executed (only when counted)


class TimeLimitExceeded(BaseException):
    """Raised inside the student's function when its time is up (BaseException so that an
    ``except Exception`` in the student's code does not swallow it)."""


class BoundedText(io.TextIOBase):
    """A text stream that keeps the first ``max_chars`` characters and counts the lines."""

    def __init__(self, max_chars=2000):
        self.max_chars, self.parts, self.kept, self.lines = max_chars, [], 0, 0

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


# --- torch and the course's reference code -------------------------------------------------

def _course_dir():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocked_dirs():
    """Folders whose Python code a NumPy exercise may not run."""
    dirs = [os.path.join(_course_dir(), name) for name in COURSE_REFERENCE_MODULES]
    spec = importlib.util.find_spec("torch")
    if spec and spec.origin:
        dirs.append(os.path.dirname(spec.origin))
    return tuple(dirs)


def _blocked_module_name(name):
    """True for 'torch...' and the course's reference modules ('course_utils.functional...')."""
    if not isinstance(name, str):
        return False
    if name == "torch" or name.startswith("torch."):
        return True
    return any(name == f"course_utils.{m}" or name.startswith(f"course_utils.{m}.")
               for m in COURSE_REFERENCE_MODULES)


def _describe_blocked(obj, names_used):
    """A name for ``obj`` if it belongs to torch or a course reference module, else ''."""
    if isinstance(obj, types.ModuleType):
        if _blocked_module_name(obj.__name__):
            return obj.__name__
        if obj.__name__ == "course_utils":
            used = [n for n in names_used if n in COURSE_REFERENCE_MODULES]
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


def is_library_code(filename):
    return "site-packages" in filename or filename.startswith(sys.prefix) \
        or filename.startswith(sys.base_prefix) or filename.startswith("<frozen")


def _cell_contents(function):
    contents = []
    for cell in function.__closure__ or ():
        try:
            contents.append(cell.cell_contents)
        except ValueError:           # an empty cell
            pass
    return contents


def forbidden_reference(fn):
    """Look through ``fn``'s code (and the notebook helpers it calls) for torch or the course's
    reference implementations. Returns a description like 'torch.nn.functional.conv2d (the name
    `F` in conv2d)', or '' when the code refers to neither."""
    stack, seen = [fn], set()
    while stack:
        f = stack.pop()
        f = getattr(f, "__func__", f)                      # bound methods
        if not isinstance(f, types.FunctionType) or id(f) in seen:
            continue
        seen.add(id(f))
        names = set()
        for code in _code_objects(f.__code__):
            names.update(code.co_names)
        for name in sorted(n for n in names if n in f.__globals__):
            obj = f.__globals__[name]
            found = _describe_blocked(obj, names)
            if found:
                return f"{found} (the name `{name}` in {f.__name__})"
            if isinstance(obj, types.FunctionType) and not is_library_code(obj.__code__.co_filename):
                stack.append(obj)
        for value in _cell_contents(f) + list(f.__defaults__ or ()):
            found = _describe_blocked(value, names)
            if found:
                return f"{found} (used by {f.__name__})"
            if isinstance(value, types.FunctionType):
                stack.append(value)
    return ""


class _Watch:
    """A profiler hook noting the first call into torch or a course reference module."""

    def __init__(self):
        self.dirs, self.found = _blocked_dirs(), ""

    def __call__(self, frame, event, arg):
        if self.found:
            return
        if event == "call" and frame.f_code.co_filename.startswith(self.dirs):
            self.found = f"{frame.f_code.co_name} in {frame.f_code.co_filename}"
        elif event == "c_call":
            self.found = _describe_blocked(arg, ())


# --- inputs modified in place ----------------------------------------------------------------

def snapshot(values):
    """Copies of the NumPy arrays among ``values`` (None for the rest), for ``modified``."""
    return [v.copy() if isinstance(v, np.ndarray) else None for v in values]


def modified(values, copies, names, atol=0.0):
    """Names of the arrays that differ from their ``snapshot`` (NaNs compare equal)."""
    changed = []
    for name, value, copy in zip(names, values, copies):
        if copy is None:
            continue
        if not isinstance(value, np.ndarray) or value.shape != copy.shape:
            changed.append(name)
            continue
        same = (value == copy) | ((value != value) & (copy != copy))
        if atol:
            same = same | (abs(value.astype(np.float64) - copy) <= atol)
        if not same.all():
            changed.append(name)
    return tuple(changed)


# --- one call, with a time limit ---------------------------------------------------------------

def _student_line(tb):
    """The deepest traceback line that is not library code: where the student's code failed."""
    here = os.path.dirname(os.path.abspath(__file__))
    frames = [f for f in traceback.extract_tb(tb) if not is_library_code(f.filename)
              and not os.path.abspath(f.filename).startswith(here)]
    if not frames:
        return ""
    where = f"line {frames[-1].lineno}, in {frames[-1].name}"
    return f"{where}: {frames[-1].line}" if frames[-1].line else where


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


def _call(fn, args, kwargs, outcome, watch, tracer=None):
    """Call fn, recording the value or the error in ``outcome``."""
    previous = sys.getprofile()
    if watch:
        sys.setprofile(watch)
    if tracer:
        sys.settrace(tracer)
    try:
        return fn(*args, **kwargs)
    except TimeLimitExceeded:
        outcome.timed_out = True
    except BaseException as error:                       # noqa: BLE001 (anything the student did)
        outcome.error, outcome.message = type(error).__name__, str(error)[:2000]
        outcome.error_line = _student_line(error.__traceback__)
    finally:
        if tracer:
            sys.settrace(None)
        if watch:
            sys.setprofile(previous)
    return None


def _call_in_thread(fn, args, kwargs, seconds, outcome, watch, tracer):
    """The fallback without SIGALRM: a worker thread, stopped by an injected exception."""
    box = []
    worker = threading.Thread(target=lambda: box.append(_call(fn, args, kwargs, outcome, watch,
                                                              tracer)), daemon=True)
    worker.start()
    worker.join(seconds)
    give_up = time.monotonic() + 2.0
    while worker.is_alive() and time.monotonic() < give_up:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident),
                                                   ctypes.py_object(TimeLimitExceeded))
        worker.join(0.1)
    if worker.is_alive():
        outcome.timed_out = True     # stuck inside C code: stop waiting for it and report
    return box[0] if box else None


def _line_counter():
    """A sys.settrace tracer counting the lines of the student's own code that run."""
    counts = {"lines": 0}

    def tracer(frame, event, arg):
        if is_library_code(frame.f_code.co_filename) or frame.f_code.co_filename == __file__:
            return None
        if event == "line":
            counts["lines"] += 1
        return tracer
    return tracer, counts


def call(fn, args, kwargs, outcome, time_limit, count_lines=False, numpy_only=True):
    """One call of ``fn`` under the guards; fills ``outcome`` and returns the value."""
    watch, output = (_Watch() if numpy_only else None), BoundedText()
    tracer, counts = _line_counter() if count_lines else (None, None)
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            value = None
            try:
                with _alarm(time_limit):
                    value = _call(fn, args, kwargs, outcome, watch, tracer)
            except TimeLimitExceeded:              # the alarm fired just after the call
                outcome.timed_out = True
        else:
            value = _call_in_thread(fn, args, kwargs, time_limit, outcome, watch, tracer)
    if not outcome.output:
        outcome.output = output.getvalue()
    outcome.output_lines += output.lines
    outcome.forbidden = outcome.forbidden or (watch.found if watch else "")
    if counts is not None:
        outcome.lines = counts["lines"]
    return value


def run_case(fn, case, rules, count_lines=False):
    """Run ``fn`` on one case (see the module docstring); returns an Outcome."""
    outcome = Outcome(forbidden=forbidden_reference(fn) if rules.numpy_only else "")
    values = []
    for _ in range(case.calls):
        args, kwargs = case.fresh()
        before = snapshot(args)
        value = call(fn, args, kwargs, outcome, rules.time_limit, count_lines, rules.numpy_only)
        if outcome.error or outcome.timed_out:
            break
        values.append(value)
        names = rules.parameters[:len(args)]
        checked = [(n, a, b) for n, a, b in zip(names, args, before) if n not in rules.in_place]
        outcome.modified = modified([a for _, a, _ in checked], [b for _, _, b in checked],
                                    [n for n, _, _ in checked], rules.mutation_atol)
        bound = dict(zip(names, args), **kwargs)
        outcome.after = {name: bound.get(name) for name in rules.in_place}
        if outcome.modified:
            break
    if values:
        outcome.value = values[0] if case.calls == 1 else tuple(values)
    return outcome
