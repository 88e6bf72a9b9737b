"""Weights trained by a script in the repository, loaded with their checksum verified.

``scripts/train_lenet.py`` trains the lecture's LeNet in NumPy on the bundled MNIST subset and
writes ``data/lenet_numpy.npz`` (the state dict) and ``data/lenet_numpy.json`` (how it was
trained, the accuracies it reached, and the SHA-256 of the .npz); both ship with the course
in its data folder (``course_utils.data.DATA_DIR``). Notebook 07 loads them here instead of
training for minutes.
"""

import json
from pathlib import Path

import numpy as np

from .data import DATA_DIR, DataError, sha256
from .installation import repair_hint

LENET_WEIGHTS = "lenet_numpy.npz"
LENET_PROVENANCE = "lenet_numpy.json"
RETRAIN_HINT = ("Restore it with `git checkout -- data/lenet_numpy.npz data/lenet_numpy.json` "
                "or retrain it with `python scripts/train_lenet.py` (a few minutes on a laptop).")


def trained_lenet_provenance(folder=None):
    """The provenance record of the trained LeNet (a dict read from ``lenet_numpy.json``):
    script, seed, epochs, batch size, learning rate, momentum, accuracies, training curve,
    library versions and ``weights_sha256``."""
    path = Path(folder if folder is not None else DATA_DIR) / LENET_PROVENANCE
    if not path.is_file():
        raise DataError(f"The provenance file {path} of the trained LeNet is missing. "
                        f"{repair_hint(RETRAIN_HINT)}")
    return json.loads(path.read_text())


def trained_lenet_state_dict(folder=None):
    """The trained LeNet's state dict (PyTorch's keys, float32 arrays), after checking the
    file's SHA-256 against the provenance record. Raises ``DataError`` if either file is
    missing or the weights do not match their checksum."""
    folder = Path(folder if folder is not None else DATA_DIR)
    provenance = trained_lenet_provenance(folder)
    path = folder / LENET_WEIGHTS
    if not path.is_file():
        raise DataError(f"The trained LeNet weights {path} are missing. "
                        f"{repair_hint(RETRAIN_HINT)}")
    actual, expected = sha256(path), provenance["weights_sha256"]
    if actual != expected:
        raise DataError(f"The trained LeNet weights {path} do not match their provenance: SHA-256 "
                        f"{actual}, expected {expected} (from {LENET_PROVENANCE}). "
                        f"{repair_hint(RETRAIN_HINT)}")
    with np.load(path) as archive:
        return {key: archive[key] for key in archive.files}


def load_trained_lenet(folder=None):
    """The lecture's LeNet (``course_utils.models.lenet``, NumPy) with the trained weights,
    in evaluation mode. For the torch twin:
    ``torch_lenet().load_state_dict({k: torch.from_numpy(v) for k, v in
    trained_lenet_state_dict().items()})``."""
    from .models import lenet

    model = lenet(rng=np.random.default_rng(0))
    model.load_state_dict(trained_lenet_state_dict(folder))
    return model.eval()
