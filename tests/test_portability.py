"""The notebooks' committed outputs hold on any CPU, not only on the machine that executed them.

Another CPU makes PyTorch, oneDNN, MKL, OpenBLAS and NumPy pick other kernels: other summation
orders, other last bits. Here we simulate one on this machine by forcing every library that
dispatches on the CPU onto its oldest kernels, on two threads, and re-run nbval against the
same committed outputs. (The main nbval run of the suite uses one thread, see conftest.py, so
the two runs also differ in their thread count.)

``other_cpu_environment()`` is the simulation; each of its variables is checked to really change
the kernel that is dispatched, so that a library update that renames one cannot make this test
silently compare a run with itself.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Ask each library what it dispatched, in a fresh interpreter (these variables are read once,
# when the library loads).
PROBE = r"""
import ctypes, json, os
import numpy, torch
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

def openblas_core():
    for line in open("/proc/self/maps"):
        if "openblas" in line.lower():
            library = ctypes.CDLL(line.split()[-1])
            for name in ("scipy_openblas_get_corename64_", "openblas_get_corename64_",
                         "openblas_get_corename"):
                if hasattr(library, name):
                    function = getattr(library, name)
                    function.restype = ctypes.c_char_p
                    return function().decode()
    return None

x = torch.randn(4, 3, 12, 12)
torch.nn.functional.conv2d(x, torch.randn(8, 3, 3, 3))
torch.randn(64, 64) @ torch.randn(64, 64)
print(json.dumps({
    "aten": torch.backends.cpu.get_cpu_capability(),
    "threads": torch.get_num_threads(),
    "numpy_simd": sorted(k for k in __cpu_dispatch__ if __cpu_features__.get(k)),
    "openblas": openblas_core(),
}))
"""


def probe(extra_env):
    """What the libraries dispatch under ``extra_env``: (json summary, oneDNN/MKL log)."""
    import json

    env = dict(os.environ, ONEDNN_VERBOSE="1", MKL_VERBOSE="1", **extra_env)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    lines = result.stdout.splitlines()
    summary = json.loads(next(line for line in reversed(lines) if line.startswith("{")))
    return summary, result.stdout + result.stderr


def numpy_dispatch_targets():
    """NumPy's optional SIMD targets that this CPU has (disabling one it lacks is an error)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def other_cpu_environment():
    """Environment variables that force the oldest kernels of every library, on two threads."""
    env = {
        "ATEN_CPU_CAPABILITY": "default",   # PyTorch's own kernels: no AVX2/AVX-512 paths
        "ONEDNN_MAX_CPU_ISA": "SSE41",      # oneDNN (convolutions): SSE4.1 kernels only
        "MKL_CBWR": "COMPATIBLE",           # MKL (PyTorch's matmul): the generic code path
        "OPENBLAS_CORETYPE": "Nehalem",     # NumPy's OpenBLAS: SSE4.2 kernels
        "OMP_NUM_THREADS": "2",             # two threads (the main run has one)
    }
    targets = numpy_dispatch_targets()
    if targets:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(targets)   # NumPy's loops: baseline SIMD
    return env


@pytest.fixture(scope="module")
def default_probe():
    return probe({})


@pytest.mark.parametrize("variable", sorted(other_cpu_environment()))
def test_each_variable_changes_what_is_dispatched(variable, default_probe):
    value = other_cpu_environment()[variable]
    (before, before_log), (after, after_log) = default_probe, probe({variable: value})
    if variable == "ATEN_CPU_CAPABILITY":
        if before["aten"] == "DEFAULT":
            pytest.skip("PyTorch already runs its default kernels on this CPU")
        assert after["aten"] == "DEFAULT"
    elif variable == "ONEDNN_MAX_CPU_ISA":
        assert "isa:Intel SSE4.1" in after_log and "jit:sse41" in after_log, after_log[-2000:]
        assert "jit:sse41" not in before_log
    elif variable == "MKL_CBWR":
        if "MKL_VERBOSE" not in before_log:
            pytest.skip("this PyTorch does not call MKL")
        assert "CNR:COMPATIBLE" in after_log and "CNR:COMPATIBLE" not in before_log
    elif variable == "OPENBLAS_CORETYPE":
        if before["openblas"] is None:
            pytest.skip("this NumPy does not use OpenBLAS")
        assert after["openblas"] == value and before["openblas"] != value
    elif variable == "OMP_NUM_THREADS":
        assert after["threads"] == int(value) != before["threads"]
    elif variable == "NPY_DISABLE_CPU_FEATURES":
        assert before["numpy_simd"] and after["numpy_simd"] == []
    else:
        pytest.fail(f"no check for {variable}: say how to see that it changes a kernel")


def test_notebooks_pass_nbval_on_another_cpu():
    """nbval, against the committed outputs, with every library on other kernels."""
    env = dict(os.environ, **other_cpu_environment())
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
               "--nbval-current-env", "--nbval-sanitize-with", ".ci/nbval_sanitize.cfg",
               "-o", "addopts=", "notebooks"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
