"""Train the lecture's LeNet in NumPy (course_utils.nn + course_utils.optim.SGD) on the bundled
MNIST subset, and save its weights with their provenance.

    python scripts/train_lenet.py                 # the settings used for data/lenet_numpy.*
    python scripts/train_lenet.py --epochs 1 --limit 512  # a quick try

It trains for a fixed number of epochs (seeded shuffling, SGD with momentum, the learning rate
halved after every epoch, cross-entropy), measuring test accuracy after each epoch but never
choosing anything by it, and warns if the final test accuracy is below 97%. Then it writes

- ``data/lenet_numpy.npz``:  the state dict (PyTorch's keys, "0.weight" ... "9.bias"), float32,
  compressed; it loads into ``course_utils.models.lenet()`` and ``torch_lenet()`` alike;
- ``data/lenet_numpy.json``: how it was made (this script, seed, epochs, batch size, learning
  rate, momentum, the accuracies reached, the training curve, library versions) and the
  SHA-256 of the .npz file, which ``course_utils.pretrained.load_trained_lenet()`` checks.

Notebook 07 loads these files instead of training for minutes.
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from course_utils.data import MNIST_SHA256, load_mnist, sha256  # noqa: E402
from course_utils.models import lenet  # noqa: E402
from course_utils.nn import CrossEntropyLoss  # noqa: E402
from course_utils.optim import SGD  # noqa: E402
from course_utils.seed import seed_everything  # noqa: E402


def as_inputs(images):
    """uint8 (N, 28, 28) digits -> float32 (N, 1, 28, 28) in [0, 1], as load_mnist_tensors."""
    return (images.astype(np.float32) / 255.0)[:, None]


def accuracy(model, images, labels, batch_size=500):
    """Fraction of ``images`` the model classifies correctly (evaluation mode, in batches)."""
    model.eval()
    correct = 0
    for start in range(0, len(images), batch_size):
        logits = model(images[start:start + batch_size])
        correct += int((logits.argmax(axis=1) == labels[start:start + batch_size]).sum())
    model.train()
    return correct / len(images)


def train(args):
    from tqdm.auto import tqdm

    rng = seed_everything(args.seed)
    train_images, train_labels = load_mnist(train=True)
    test_images, test_labels = load_mnist(train=False)
    train_images, test_images = as_inputs(train_images), as_inputs(test_images)
    if args.limit:  # a quick try on the first examples only
        train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]
        test_images, test_labels = test_images[:args.limit], test_labels[:args.limit]

    model = lenet(rng=rng)
    criterion = CrossEntropyLoss()
    optimizer = SGD(model, lr=args.lr, momentum=args.momentum)
    steps_per_epoch = int(np.ceil(len(train_images) / args.batch_size))
    history = {"step": [], "train_loss": [], "epoch": [], "test_accuracy": []}
    losses, step = [], 0
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(train_images))
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}", unit="batch")
        for batch in bar:
            index = order[batch * args.batch_size:(batch + 1) * args.batch_size]
            loss = criterion(model(train_images[index]), train_labels[index])
            model.zero_grad()
            model.backward(criterion.backward())
            optimizer.step()
            losses.append(float(loss))
            step += 1
            if step % args.log_every == 0:
                history["step"].append(step)
                history["train_loss"].append(round(float(np.mean(losses[-args.log_every:])), 5))
                bar.set_postfix(loss=f"{history['train_loss'][-1]:.3f}")
        test_accuracy = accuracy(model, test_images, test_labels)
        history["epoch"].append(epoch)
        history["test_accuracy"].append(test_accuracy)
        print(f"epoch {epoch}: lr {optimizer.lr:g}, test accuracy {test_accuracy:.4f}", flush=True)
        optimizer.lr *= args.lr_decay
    train_accuracy = accuracy(model, train_images, train_labels)
    sizes = {"train_examples": len(train_images), "test_examples": len(test_images)}
    return model, history, train_accuracy, history["test_accuracy"][-1], sizes


def versions():
    import torch
    import torchvision

    import course_utils

    return {"python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "torchvision": torchvision.__version__,
            "course_utils": course_utils.__version__}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--lr-decay", type=float, default=0.5,
                        help="multiply the learning rate by this after every epoch")
    parser.add_argument("--log-every", type=int, default=25, help="steps per training-curve point")
    parser.add_argument("--limit", type=int, default=0,
                        help="use only the first LIMIT training and test digits (a quick try)")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "lenet_numpy",
                        help="output path without suffix (writes .npz and .json)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    model, history, train_accuracy, test_accuracy, sizes = train(args)
    seconds = time.perf_counter() - start

    weights = args.out.with_suffix(".npz")
    weights.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(weights, **{k: v.astype(np.float32) for k, v in model.state_dict().items()})
    provenance = {
        "model": "course_utils.models.lenet (the lecture's LeNet, NumPy)",
        "script": "scripts/train_lenet.py",
        "command": " ".join(["python scripts/train_lenet.py", *(sys.argv[1:] if argv is None else argv)]),
        "data": {"source": "bundled MNIST subset (course_utils.data.load_mnist), pixels / 255",
                 **sizes, "sha256": MNIST_SHA256},
        "seed": args.seed,
        "epochs": len(history["epoch"]),
        "batch_size": args.batch_size,
        "optimizer": "course_utils.optim.SGD",
        "lr": args.lr,
        "momentum": args.momentum,
        "lr_decay_per_epoch": args.lr_decay,
        "weight_decay": 0.0,
        "loss": "cross-entropy (course_utils.nn.CrossEntropyLoss)",
        "train_accuracy": round(train_accuracy, 4),
        "test_accuracy": round(test_accuracy, 4),
        "history": history,
        "training_seconds": round(seconds),
        "versions": versions(),
        "weights_file": weights.name,
        "weights_sha256": sha256(weights),
    }
    weights.with_suffix(".json").write_text(json.dumps(provenance, indent=2) + "\n")
    if test_accuracy < 0.97:
        print(f"WARNING: test accuracy {test_accuracy:.4f} is below the 0.97 notebook 07 expects.")
    print(f"train accuracy {train_accuracy:.4f}, test accuracy {test_accuracy:.4f}, "
          f"{seconds:.0f} s; wrote {weights} ({weights.stat().st_size / 1e6:.1f} MB) and "
          f"{weights.with_suffix('.json')}")


if __name__ == "__main__":
    main()
