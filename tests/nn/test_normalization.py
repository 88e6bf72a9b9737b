"""course_utils.nn.normalization: BatchNorm2d against its torch.nn twin over several training
steps and then in evaluation mode (outputs, gradients, running statistics,
num_batches_tracked)."""

import numpy as np
import pytest
import torch

from course_utils.nn import BatchNorm2d

from .torch_twin import TORCH_DTYPE, assert_state_dicts_equal, check_twin, randomize

DTYPES = [np.float32, np.float64]

CASES = [  # our module, torch twin, input shape
    (lambda: BatchNorm2d(3), lambda: torch.nn.BatchNorm2d(3), (2, 3, 4, 5)),
    (lambda: BatchNorm2d(3, momentum=0.3), lambda: torch.nn.BatchNorm2d(3, momentum=0.3),
     (5, 3, 1, 2)),
    (lambda: BatchNorm2d(3, affine=False), lambda: torch.nn.BatchNorm2d(3, affine=False),
     (3, 3, 3, 3)),
    (lambda: BatchNorm2d(2, momentum=None), lambda: torch.nn.BatchNorm2d(2, momentum=None),
     (2, 2, 3, 3)),
    (lambda: BatchNorm2d(2, track_running_stats=False),
     lambda: torch.nn.BatchNorm2d(2, track_running_stats=False), (2, 2, 3, 3)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make_ours, make_theirs, shape", CASES,
                         ids=[f"case{i}" for i in range(len(CASES))])
def test_norm_module_matches_torch_in_training_then_eval(make_ours, make_theirs, shape, dtype):
    theirs = randomize(make_theirs().to(TORCH_DTYPE[dtype]))
    ours = make_ours()
    ours.load_state_dict(theirs.state_dict())
    rng = np.random.default_rng(0)
    for step in range(3):
        x = (2 * rng.normal(size=shape) + step).astype(dtype)
        check_twin(ours, theirs, x, name=f"{type(ours).__name__} training step {step + 1}")
    ours.eval()
    theirs.eval()
    x = rng.normal(size=shape).astype(dtype)
    check_twin(ours, theirs, x, name=f"{type(ours).__name__} eval")


def test_batch_norm_state_dict_has_torch_keys_and_initial_values():
    ours = BatchNorm2d(3).state_dict()
    theirs = torch.nn.BatchNorm2d(3).state_dict()
    assert list(ours) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert_state_dicts_equal(ours, theirs)
    assert ours["num_batches_tracked"].dtype == np.int64 and ours["num_batches_tracked"].shape == ()


def test_batch_norm_one_step_from_the_lecture():
    """Values 1, 2, 3, 4 in one channel: running mean 0.25, running variance 1.066667."""
    layer = BatchNorm2d(1, dtype=np.float64)
    out = layer(np.array([1.0, 2.0, 3.0, 4.0]).reshape(4, 1, 1, 1))
    np.testing.assert_allclose(out.ravel(), [-1.3416, -0.4472, 0.4472, 1.3416], atol=5e-5)
    assert layer.running_mean[0] == pytest.approx(0.25)
    assert layer.running_var[0] == pytest.approx(1.066667, abs=1e-6)
    assert int(layer.num_batches_tracked) == 1


def test_eval_mode_does_not_touch_running_statistics():
    layer = BatchNorm2d(2).eval()
    before = layer.state_dict()
    layer(np.random.default_rng(0).normal(size=(4, 2, 3, 3)).astype(np.float32))
    for key, value in layer.state_dict().items():
        assert np.array_equal(value, before[key]), key


def test_wrong_input_rank_is_explained():
    with pytest.raises(ValueError, match=r"BatchNorm2d expects a 4D input \(N, C, H, W\); got shape \(4, 2\)"):
        BatchNorm2d(2)(np.zeros((4, 2), np.float32))
