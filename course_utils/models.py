"""LeNet as in the lecture (NumPy and torch, with matching state-dict keys) and LeNet-5 (1998).

``lenet()`` and ``torch_lenet()`` build the same network layer for layer, with the same indices,
so ``lenet().load_state_dict(torch_lenet().state_dict())`` works and both give the same logits.
This is the lecture's "LeNet-5" table (EECS 498 lecture 7), a modernised LeNet-style network
like Caffe's MNIST example plus padding 2, not the network of the 1998 paper:

====  ==================================  ============  ==========
 idx  layer                               output        parameters
====  ==================================  ============  ==========
      input                               1 x 28 x 28
 0    Conv2d(1, 20, 5, padding=2)         20 x 28 x 28       520
 1    ReLU
 2    MaxPool2d(2)                        20 x 14 x 14
 3    Conv2d(20, 50, 5, padding=2)        50 x 14 x 14    25,050
 4    ReLU
 5    MaxPool2d(2)                        50 x 7 x 7
 6    Flatten                             2450
 7    Linear(2450, 500)                   500          1,225,500
 8    ReLU
 9    Linear(500, 10)                     10               5,010
====  ==================================  ============  ==========

Total 1,256,080 parameters. torch is imported inside the ``torch_*`` functions only.
"""

import numpy as np

from .nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential

__all__ = ["lenet", "torch_lenet", "torch_lenet5_1998"]


def lenet(rng=None, dtype=np.float32):
    """The lecture's LeNet as a NumPy ``course_utils.nn.Sequential``: (N, 1, 28, 28) images ->
    (N, 10) logits. Weights initialised as PyTorch does, drawn from ``rng``."""
    rng = np.random.default_rng() if rng is None else rng
    options = dict(rng=rng, dtype=dtype)
    return Sequential(
        Conv2d(1, 20, 5, padding=2, **options), ReLU(), MaxPool2d(2),
        Conv2d(20, 50, 5, padding=2, **options), ReLU(), MaxPool2d(2),
        Flatten(),
        Linear(50 * 7 * 7, 500, **options), ReLU(),
        Linear(500, 10, **options),
    )


def torch_lenet():
    """The same network as :func:`lenet` as a ``torch.nn.Sequential`` (same indices, so the
    state-dict keys match: ``"0.weight"``, ``"0.bias"``, ``"3.weight"``, ... ``"9.bias"``)."""
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(1, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(50 * 7 * 7, 500), nn.ReLU(),
        nn.Linear(500, 10),
    )


def torch_lenet5_1998():
    """LeNet-5 of LeCun, Bottou, Bengio and Haffner (1998), simplified the usual way, as a
    ``torch.nn.Sequential``: (N, 1, 32, 32) -> (N, 10); 61,706 parameters.

    C1 Conv 6@5x5 -> 6 x 28 x 28, tanh; S2 average pool 2 -> 6 x 14 x 14;
    C3 Conv 16@5x5 -> 16 x 10 x 10, tanh; S4 average pool 2 -> 16 x 5 x 5; flatten 400;
    C5/F6 Linear 120, tanh, Linear 84, tanh; output Linear 10.

    Simplifications (the paper differs):

    - C3 connects every output map to all 6 input maps; the paper used a partial connection
      table (each C3 map sees 3, 4 or all 6 S2 maps: 1,516 parameters instead of 2,416);
    - S2 and S4 are plain average pooling; the paper's subsampling multiplied each 2 x 2 sum
      by a trainable coefficient, added a trainable bias and applied the squashing function;
    - tanh instead of the paper's scaled tanh 1.7159 * tanh(2x / 3);
    - a linear 10-way output (for cross-entropy) instead of Euclidean RBF units;
    - C5 is a Linear on the flattened 16 x 5 x 5 maps, the same as a 5x5 convolution there.
    """
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Tanh(),
        nn.Linear(120, 84), nn.Tanh(),
        nn.Linear(84, 10),
    )
