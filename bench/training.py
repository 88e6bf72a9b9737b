"""One training epoch of LeNet, NumPy against PyTorch (figure 3), and its peak memory (figure 6).

Both networks are the lecture's LeNet (``course_utils.models``), trained on the bundled 8,000
training digits in the same shuffled order, batch 64, SGD with momentum (lr 0.01, momentum 0.9),
cross-entropy loss. An epoch is 125 steps of forward, loss, backward and update.

Peak memory is measured in a fresh subprocess (``python -m bench.training numpy|torch``): the
peak resident set size of the whole process (Python, NumPy, torch and the data included) while
it trains, Linux's ``VmHWM``, the high-water mark ``ru_maxrss`` reports, reset just before the
epoch (Linux only: ``ru_maxrss`` alone would report the import of torch and, in a child started
with vfork, the parent's peak). For NumPy we also report ``tracemalloc``'s peak, which counts
the NumPy arrays allocated during the epoch (torch's allocations are invisible to it).
"""

import json
import subprocess
import sys
import tracemalloc

import numpy as np

from .ops import BATCH, Figure, Measure, median_time

LR, MOMENTUM, SEED = 0.01, 0.9, 0


def load_digits():
    """The bundled training digits: float32 images (N, 1, 28, 28) in [0, 1], int64 labels (N,)."""
    from course_utils.data import load_mnist_tensors

    images, labels = load_mnist_tensors(train=True)
    return images.numpy(), labels.numpy()


def numpy_trainer(images, labels, batch=BATCH):
    """A function that trains the NumPy LeNet for one epoch (or ``steps`` steps) and returns
    the mean loss."""
    from course_utils.models import lenet
    from course_utils.nn import CrossEntropyLoss
    from course_utils.optim import SGD

    model = lenet(rng=np.random.default_rng(SEED))
    criterion = CrossEntropyLoss()
    optimizer = SGD(model, lr=LR, momentum=MOMENTUM)
    order = np.random.default_rng(SEED).permutation(len(images))

    def epoch(steps=None):
        losses = []
        for start in range(0, len(images), batch)[:steps]:
            index = order[start:start + batch]
            loss = criterion(model(images[index]), labels[index])
            optimizer.zero_grad()
            model.backward(criterion.backward())
            optimizer.step()
            losses.append(float(loss))
        return float(np.mean(losses))

    return epoch


def torch_trainer(images, labels, batch=BATCH):
    """The same as ``numpy_trainer`` with ``torch_lenet`` and ``torch.optim.SGD``."""
    import torch
    import torch.nn.functional as F

    from course_utils.models import torch_lenet

    torch.manual_seed(SEED)
    model = torch_lenet()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    images, labels = torch.from_numpy(images), torch.from_numpy(labels)
    order = torch.from_numpy(np.random.default_rng(SEED).permutation(len(images)))

    def epoch(steps=None):
        losses = []
        for start in range(0, len(images), batch)[:steps]:
            index = order[start:start + batch]
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return float(np.mean(losses))

    return epoch


def bench_training(repeats=3, warmup_steps=5, images=None, labels=None, batch=BATCH):
    """Figure 3: seconds per epoch, NumPy / torch; target at most 3x. The warm-up is a few
    steps (not a whole epoch); the repeats are whole epochs, interleaved NumPy, torch, ..."""
    if images is None:
        images, labels = load_digits()
    ours, theirs = numpy_trainer(images, labels, batch), torch_trainer(images, labels, batch)
    ours(warmup_steps), theirs(warmup_steps)
    numpy_times, torch_times, losses = Measure([]), Measure([]), {}
    for _ in range(repeats):
        numpy_times.values += median_time(lambda: losses.update(numpy=ours()), 1, 0).values
        torch_times.values += median_time(lambda: losses.update(torch=theirs()), 1, 0).values
    steps = -(-len(images) // batch)
    note = (f"{len(images):,} digits, {steps} steps of {batch}; mean loss of the last "
            f"epoch {losses['numpy']:.3f} (NumPy), {losses['torch']:.3f} (PyTorch)")
    return [Figure("training", "LeNet, one epoch", numpy_times, torch_times, 3.0, note)]


def memory_mib(field):
    """Linux's ``VmRSS`` (resident now) or ``VmHWM`` (peak resident, the high-water mark that
    ``ru_maxrss`` reports) of this process, in MiB, from /proc/self/status."""
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB


def peak_memory(framework, steps=None, images=None, labels=None):
    """Run in this process: load the data, reset the peak, train one epoch; figures in MiB."""
    if images is None:
        images, labels = load_digits()
    trainer = (numpy_trainer if framework == "numpy" else torch_trainer)(images, labels)
    before = memory_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as file:
        file.write("5")  # resets VmHWM to the current RSS: the peak is then the training's
    if framework == "numpy":
        tracemalloc.start()
    trainer(steps)
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if tracemalloc.is_tracing() else None
    return {"rss_before": before, "rss_peak": memory_mib("VmHWM"), "tracemalloc_peak": traced}


def bench_memory(steps=None):
    """Figure 6: peak memory of one training epoch, each framework in a fresh subprocess."""
    results = {}
    for framework in ("numpy", "torch"):
        command = [sys.executable, "-m", "bench.training", framework]
        if steps:
            command.append(str(steps))
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        results[framework] = json.loads(output.splitlines()[-1])
    ours, theirs = results["numpy"], results["torch"]
    epoch = f"{steps} steps" if steps else "one epoch"
    return [
        Figure("memory", f"peak RSS during {epoch} (VmHWM, whole process)",
               Measure([ours["rss_peak"]], "MiB"), Measure([theirs["rss_peak"]], "MiB"),
               note=f"RSS before training {ours['rss_before']:.0f} MiB (NumPy process), "
                    f"{theirs['rss_before']:.0f} MiB (PyTorch process): training adds "
                    f"{ours['rss_peak'] - ours['rss_before']:.0f} and "
                    f"{theirs['rss_peak'] - theirs['rss_before']:.0f} MiB"),
        Figure("memory", f"NumPy arrays allocated at peak, {epoch} (tracemalloc)",
               Measure([ours["tracemalloc_peak"]], "MiB"),
               note="tracemalloc sees NumPy's allocations, not torch's"),
    ]


if __name__ == "__main__":
    framework, *steps = sys.argv[1:]
    print(json.dumps(peak_memory(framework, int(steps[0]) if steps else None)))
