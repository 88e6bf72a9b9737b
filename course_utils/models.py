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

__all__ = ["lenet", "torch_lenet", "torch_lenet_variant", "torch_lenet5_1998"]


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


def torch_lenet_variant(channels=(20, 50), hidden=500, activation="relu", pooling="max",
                        batch_norm=False):
    """The lecture's LeNet layout with its choices as arguments, as a ``torch.nn.Sequential``:
    (N, 1, 28, 28) -> (N, 10). The defaults build :func:`torch_lenet`, index for index.

    Per stage: ``Conv2d(.., channels[i], 5, padding=2)``, then ``BatchNorm2d`` if
    ``batch_norm`` (after the convolution, before the activation, as EECS 498 L7 places it),
    the activation (``"relu"`` or ``"tanh"``), and a 2 x 2 pooling (``"max"`` or ``"avg"``);
    then ``Flatten``, ``Linear(channels[1] * 7 * 7, hidden)``, the activation and
    ``Linear(hidden, 10)``. ``channels=(6, 16), hidden=120`` puts the widths of the 1998
    LeNet-5 into the lecture's layout: 97,982 parameters, under a tenth of the lecture's.

    The convolutions keep their bias even with batch norm, where it is redundant (the norm
    subtracts the mean, and its own shift takes the bias's place; notebook 06 drops it): so
    every variant built after the same ``torch.manual_seed`` starts from the same weights,
    and a comparison of variants compares the choice, not the draw.
    """
    from torch import nn

    activations = {"relu": nn.ReLU, "tanh": nn.Tanh}
    poolings = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}
    if activation not in activations or pooling not in poolings:
        raise ValueError(f"activation must be one of {list(activations)} and pooling one of "
                         f"{list(poolings)}; got {activation!r} and {pooling!r}")
    layers, in_channels = [], 1
    for out_channels in channels:
        layers.append(nn.Conv2d(in_channels, out_channels, 5, padding=2))
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers += [activations[activation](), poolings[pooling](2)]
        in_channels = out_channels
    layers += [nn.Flatten(), nn.Linear(in_channels * 7 * 7, hidden), activations[activation](),
               nn.Linear(hidden, 10)]
    return nn.Sequential(*layers)


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
