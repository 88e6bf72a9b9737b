"""The bundled MNIST subset: checksums verified, good/missing/corrupted files, loaders."""

import shutil

import numpy as np
import pytest

from course_utils import data


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of the bundled raw files, so tests can break it."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in data.MNIST_SHA256:
        shutil.copy(data.DATA_DIR / "MNIST" / "raw" / name, raw / name)
    return tmp_path


def test_good_files_verify_and_load(data_copy):
    assert data.verify_mnist(data_copy) == data_copy
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


def test_unpacked_copy_is_refreshed_when_the_archive_changes(data_copy):
    data.verify_mnist(data_copy)
    unpacked = data_copy / "MNIST" / "raw" / "train-labels-idx1-ubyte"
    unpacked.write_bytes(b"stale")
    archive = unpacked.with_name(unpacked.name + ".gz")
    archive.touch()  # newer than the stale copy
    data.verify_mnist(data_copy)
    assert unpacked.stat().st_size == 8 + 8000


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
