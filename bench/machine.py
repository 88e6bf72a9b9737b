"""What the benchmarks ran on: CPU, cores, load, library versions and the BLAS behind them."""

import os
import platform
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas():
    """The BLAS libraries in use: threadpoolctl's view if it is installed, else NumPy's and
    torch's build configuration."""
    try:
        from threadpoolctl import threadpool_info

        return "; ".join(f"{lib['internal_api']} {lib['version']} ({lib['num_threads']} threads, "
                         f"{lib.get('architecture', '?')})" for lib in threadpool_info())
    except ImportError:
        pass
    import numpy as np
    import torch

    numpy_blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    config = numpy_blas.get("openblas configuration", numpy_blas.get("version", "?"))
    torch_blas = "MKL" if torch.backends.mkl.is_available() else "no MKL"
    return f"NumPy: {numpy_blas['name']} ({config.strip()}); PyTorch: {torch_blas}, oneDNN " + (
        "on" if torch.backends.mkldnn.is_available() else "off") + " (threadpoolctl not installed)"


def describe():
    """The machine as (label, value) pairs, in the order RESULTS.md lists them."""
    import numpy as np
    import torch

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return [
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("load average (1, 5, 15 min)", ", ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("system", f"{platform.system()} {platform.release()}"),
        ("Python", sys.version.split()[0]),
        ("NumPy", np.__version__),
        ("PyTorch", f"{torch.__version__}, {torch.get_num_threads()} threads"),
        ("BLAS", blas()),
        ("OPENBLAS_CORETYPE", os.environ.get("OPENBLAS_CORETYPE", "(not set)")),
        ("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", "(not set)")),
    ]
