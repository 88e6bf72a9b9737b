"""The bundled MNIST subset: checksums verified, good/missing/corrupted files, loaders, and
the unpacked copies kept in the user's cache, never next to the data."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from course_utils import data


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of the bundled raw files, so tests can break it."""
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in data.MNIST_SHA256:
        shutil.copy(data.DATA_DIR / "MNIST" / "raw" / name, raw / name)
    return tmp_path / "data"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache folder, so tests can inspect and break the unpacked copies."""
    monkeypatch.setattr(data, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


def test_good_files_verify_and_load(data_copy, cache):
    assert data.verify_mnist(data_copy) == cache / "mnist-subset"
    images, labels = data.load_mnist(train=True, root=data_copy)
    assert images.shape == (8000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (8000,) and labels.dtype == np.int64
    test_images, test_labels = data.load_mnist(train=False, root=data_copy)
    assert test_images.shape == (2000, 28, 28)


def test_split_is_class_stratified():
    _, train_labels = data.load_mnist(train=True)
    _, test_labels = data.load_mnist(train=False)
    per_class = np.bincount(train_labels) + np.bincount(test_labels)
    # The npm package's per-class counts; the test set holds 20 % of each class.
    assert per_class.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert np.allclose(np.bincount(test_labels) / per_class, 0.2, atol=0.001)


def test_missing_file_names_it_and_the_fix(data_copy):
    (data_copy / "MNIST" / "raw" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(data.DataError, match="t10k-labels-idx1-ubyte.gz is missing.*git checkout"):
        data.verify_mnist(data_copy)


def test_corrupted_file_names_it_and_the_fix(data_copy):
    path = data_copy / "MNIST" / "raw" / "train-images-idx3-ubyte.gz"
    content = bytearray(path.read_bytes())
    content[1000] ^= 0xFF
    path.write_bytes(bytes(content))
    with pytest.raises(data.DataError, match="train-images-idx3-ubyte.gz is corrupted.*SHA-256"):
        data.load_mnist(root=data_copy)


def test_unpacked_copy_is_refreshed_when_the_archive_changes(data_copy, cache):
    data.verify_mnist(data_copy)
    unpacked = cache / "mnist-subset" / "MNIST" / "raw" / "train-labels-idx1-ubyte"
    unpacked.write_bytes(b"stale")
    archive = data_copy / "MNIST" / "raw" / "train-labels-idx1-ubyte.gz"
    archive.touch()  # newer than the stale copy
    data.verify_mnist(data_copy)
    assert unpacked.stat().st_size == 8 + 8000


def test_a_read_only_data_folder_is_never_written_to(data_copy, cache):
    """As on a JupyterHub where the course is installed for every user. (The folder is made
    read-only, which does not stop root, so the test also checks that nothing changed.)"""
    before = sorted(data_copy.rglob("*"))
    for path in [*before, data_copy]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        images, _ = data.load_mnist(train=False, root=data_copy)
    finally:
        for path in [*before, data_copy]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert images.shape == (2000, 28, 28)
    assert sorted(data_copy.rglob("*")) == before
    assert sorted(p.name for p in (cache / "mnist-subset" / "MNIST" / "raw").iterdir()) == \
        sorted(name.removesuffix(".gz") for name in data.MNIST_SHA256)


def test_course_data_dir_overrides_the_bundled_folder(tmp_path):
    """COURSE_DATA_DIR is read when course_utils.data is imported, hence a fresh interpreter;
    a missing file there says that the variable is set."""
    program = ("from course_utils import data\n"
               "print(data.DATA_DIR)\n"
               "try:\n    data.verify_mnist()\n"
               "except data.DataError as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=dict(os.environ, COURSE_DATA_DIR=str(tmp_path)), check=True)
    folder, message = done.stdout.splitlines()
    assert folder == str(tmp_path)
    assert "is missing" in message and f"COURSE_DATA_DIR is set to {tmp_path}" in message


def test_tensors_are_scaled_to_unit_range():
    images, labels = data.load_mnist_tensors(train=False)
    assert tuple(images.shape) == (2000, 1, 28, 28)
    assert float(images.min()) == 0.0 and float(images.max()) == 1.0
    assert str(labels.dtype) == "torch.int64"


def test_photo_ships_with_matplotlib():
    photo = data.load_photo()
    assert photo.ndim == 3 and photo.shape[2] == 3 and photo.dtype == np.float32
    small = data.load_photo(size=(60, 50), grey=True)
    assert small.shape == (60, 50) and 0 <= small.min() and small.max() <= 1


def test_download_is_opt_in(monkeypatch):
    monkeypatch.delenv("COURSE_MNIST_DOWNLOAD", raising=False)
    assert data._wants_download(None) is False
    monkeypatch.setenv("COURSE_MNIST_DOWNLOAD", "1")
    assert data._wants_download(None) is True
    assert data._wants_download(False) is False
