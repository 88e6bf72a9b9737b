"""course_utils.pretrained: the trained LeNet loads, is verified, and is as good as its record."""

import json

import numpy as np
import pytest

from course_utils import pretrained
from course_utils.data import DataError, load_mnist, sha256
from course_utils.models import lenet, torch_lenet


def write_fake(folder, tamper=False):
    """A freshly initialised LeNet saved the way scripts/train_lenet.py saves it."""
    state = lenet(rng=np.random.default_rng(1)).state_dict()
    weights = folder / pretrained.LENET_WEIGHTS
    np.savez_compressed(weights, **state)
    record = {"weights_sha256": sha256(weights), "test_accuracy": 0.1}
    (folder / pretrained.LENET_PROVENANCE).write_text(json.dumps(record))
    if tamper:
        state["9.bias"][0] += 1.0
        np.savez_compressed(weights, **state)
    return state


def test_loads_what_was_saved(tmp_path):
    state = write_fake(tmp_path)
    model = pretrained.load_trained_lenet(tmp_path)
    assert model.training is False
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, state[key])


def test_tampered_weights_are_refused(tmp_path):
    write_fake(tmp_path, tamper=True)
    with pytest.raises(DataError, match="do not match their provenance"):
        pretrained.load_trained_lenet(tmp_path)


def test_missing_files_say_how_to_fix_it(tmp_path):
    with pytest.raises(DataError, match="scripts/train_lenet.py"):
        pretrained.load_trained_lenet(tmp_path)
    write_fake(tmp_path)
    (tmp_path / pretrained.LENET_WEIGHTS).unlink()
    with pytest.raises(DataError, match="weights .* are missing"):
        pretrained.load_trained_lenet(tmp_path)


def test_bundled_weights_fit_both_twins_and_match_their_record():
    import torch

    state = pretrained.trained_lenet_state_dict()
    twin = torch_lenet()
    assert {k: tuple(v.shape) for k, v in state.items()} == \
        {k: tuple(v.shape) for k, v in twin.state_dict().items()}
    assert all(v.dtype == np.float32 for v in state.values())
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})

    record = pretrained.trained_lenet_provenance()
    for key in ("script", "seed", "epochs", "batch_size", "lr", "momentum", "train_accuracy",
                "test_accuracy", "versions", "weights_sha256"):
        assert key in record
    assert record["test_accuracy"] >= 0.97

    images, labels = load_mnist(train=False)
    images = (images[:500].astype(np.float32) / 255.0)[:, None]
    logits = pretrained.load_trained_lenet()(images)
    with torch.no_grad():
        torch_logits = twin(torch.from_numpy(images)).numpy()
    np.testing.assert_allclose(logits, torch_logits, rtol=1e-4, atol=1e-4)
    assert (logits.argmax(axis=1) == labels[:500]).mean() >= 0.95
