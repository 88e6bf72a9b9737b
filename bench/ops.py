"""The one timer, the one result row, and the layer benchmarks (figures 1 and 2).

Every figure in RESULTS.md is a ``Figure``: our measurement, PyTorch's (when there is one), and
a target. Times come from ``median_time``: plain ``time.perf_counter``, a few warm-up calls
(caches, lazily built things, BLAS threads), then the median of several calls, which a single
slow call on a busy machine does not move.

Layers are timed forward + backward at LeNet's shapes (batch 64, float32). Both sides compute
every gradient (input, weight, bias), torch through ``torch.autograd.grad``.
"""

import statistics
import time
from dataclasses import dataclass

import numpy as np

BATCH = 64


@dataclass
class Measure:
    """Repeated measurements of one thing (seconds, or MiB for memory)."""

    values: list
    unit: str = "s"

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def low(self):
        return min(self.values)

    @property
    def high(self):
        return max(self.values)

    @property
    def repeats(self):
        return len(self.values)


def median_time(fn, repeats=5, warmup=1):
    """Call ``fn()`` ``warmup`` times untimed, then ``repeats`` times timed; a ``Measure`` in s."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return Measure(times)


@dataclass
class Figure:
    """One row of RESULTS.md. With ``torch`` the value is the ratio ours / torch; without it,
    our median. ``target`` is the largest acceptable value (None: no target, just reported)."""

    section: str
    name: str
    ours: Measure
    torch: Measure = None
    target: float = None
    note: str = ""

    @property
    def value(self):
        return self.ours.median / self.torch.median if self.torch else self.ours.median

    @property
    def ok(self):
        return None if self.target is None else self.value <= self.target


# -- the layers, NumPy and torch ----------------------------------------------------------------

def _inputs(shape, rng):
    return rng.standard_normal(shape).astype(np.float32)


def _torch_fwd_bwd(forward, grad_output, *tensors):
    """Forward with autograd, then every gradient: the torch twin of our forward + backward."""
    import torch

    leaves = [torch.from_numpy(t).requires_grad_() for t in tensors]
    grad = torch.from_numpy(grad_output)

    def run():
        out = forward(*leaves)
        return torch.autograd.grad(out, leaves, grad)

    return run


def conv_pair(batch, c_in, c_out, size, kernel=5, padding=2, seed=0):
    """(numpy_fn, torch_fn): conv2d forward + backward on (batch, c_in, size, size)."""
    import torch.nn.functional as F

    from course_utils.functional import conv2d, conv2d_backward
    from course_utils.shapes import conv_output_size

    rng = np.random.default_rng(seed)
    x = _inputs((batch, c_in, size, size), rng)
    w = _inputs((c_out, c_in, kernel, kernel), rng) * 0.1
    b = _inputs((c_out,), rng)
    out_size = conv_output_size(size, kernel, padding=padding)
    g = _inputs((batch, c_out, out_size, out_size), rng)

    def numpy_fn():
        conv2d(x, w, b, padding=padding)
        return conv2d_backward(g, x, w, b, padding=padding)

    torch_fn = _torch_fwd_bwd(lambda x, w, b: F.conv2d(x, w, b, padding=padding), g, x, w, b)
    return numpy_fn, torch_fn


def max_pool_pair(batch, channels, size, kernel=2, seed=0):
    """(numpy_fn, torch_fn): max_pool2d forward + backward on (batch, channels, size, size)."""
    import torch.nn.functional as F

    from course_utils.functional import max_pool2d, max_pool2d_backward
    from course_utils.shapes import pool_output_size

    rng = np.random.default_rng(seed)
    x = _inputs((batch, channels, size, size), rng)
    out_size = pool_output_size(size, kernel)
    g = _inputs((batch, channels, out_size, out_size), rng)

    def numpy_fn():
        max_pool2d(x, kernel)
        return max_pool2d_backward(g, x, kernel)

    return numpy_fn, _torch_fwd_bwd(lambda x: F.max_pool2d(x, kernel), g, x)


def batch_norm_pair(batch, channels, size, seed=0):
    """(numpy_fn, torch_fn): batch_norm forward + backward (training) on (batch, C, size, size)."""
    import torch
    import torch.nn.functional as F

    from course_utils.functional import batch_norm, batch_norm_backward

    rng = np.random.default_rng(seed)
    x = _inputs((batch, channels, size, size), rng)
    g = _inputs(x.shape, rng)
    weight, bias = np.ones(channels, np.float32), np.zeros(channels, np.float32)
    mean, var = np.zeros(channels, np.float32), np.ones(channels, np.float32)
    t_mean, t_var = torch.zeros(channels), torch.ones(channels)

    def numpy_fn():
        batch_norm(x, mean, var, weight, bias, training=True)
        return batch_norm_backward(g, x, mean, var, weight, training=True)

    def torch_forward(x, w, b):
        return F.batch_norm(x, t_mean, t_var, w, b, training=True)

    return numpy_fn, _torch_fwd_bwd(torch_forward, g, x, weight, bias)


#: LeNet's layers at batch 64: (name, maker, arguments).
CONV_CASES = [
    ("conv1 1->20, 5x5 pad 2, 28x28", conv_pair, (BATCH, 1, 20, 28)),
    ("conv2 20->50, 5x5 pad 2, 14x14", conv_pair, (BATCH, 20, 50, 14)),
]
POOL_CASES = [
    ("max-pool 2x2 on 20x28x28", max_pool_pair, (BATCH, 20, 28)),
    ("max-pool 2x2 on 50x14x14", max_pool_pair, (BATCH, 50, 14)),
]
BN_CASES = [
    ("batch-norm (training) on 20x28x28", batch_norm_pair, (BATCH, 20, 28)),
    ("batch-norm (training) on 50x14x14", batch_norm_pair, (BATCH, 50, 14)),
]


def compare(section, name, numpy_fn, torch_fn, repeats, warmup, target=None):
    """Time NumPy against torch, alternating call by call so that a burst of load elsewhere
    hits both sides alike; a Figure whose value is the ratio of the medians."""
    median_time(numpy_fn, 0, warmup), median_time(torch_fn, 0, warmup)
    ours, theirs = Measure([]), Measure([])
    for _ in range(repeats):
        ours.values += median_time(numpy_fn, 1, 0).values
        theirs.values += median_time(torch_fn, 1, 0).values
    return Figure(section, name, ours, theirs, target)


def bench_cases(section, cases, repeats=20, warmup=3, target=None):
    return [compare(section, name, *make(*args), repeats, warmup, target)
            for name, make, args in cases]


def bench_conv(repeats=20, warmup=3, cases=CONV_CASES):
    """Figure 1: conv2d forward + backward, NumPy / torch; target at most 2x."""
    return bench_cases("conv", cases, repeats, warmup, target=2.0)


def bench_pool(repeats=20, warmup=3, cases=POOL_CASES):
    """Figure 2a: max_pool2d forward + backward, NumPy / torch (no target set)."""
    return bench_cases("pool", cases, repeats, warmup)


def bench_bn(repeats=20, warmup=3, cases=BN_CASES):
    """Figure 2b: batch_norm forward + backward in training mode, NumPy / torch (no target)."""
    return bench_cases("bn", cases, repeats, warmup)
