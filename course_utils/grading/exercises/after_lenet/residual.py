"""What the residual-block exercises share: their cases and the block's pieces in torch (the
reference, and the pieces the named mistakes recombine).

The block: ``relu(input + conv2d(relu(conv2d(input, weight1)), weight2))``, each convolution
with an odd square kernel, stride 1, padding ``(k - 1) // 2`` and no bias. input (N, C, H, W);
weight1 (C_mid, C, k1, k1); weight2 (C, C_mid, k2, k2).
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, normal

SPACE = {"input": Array((4,)), "weight1": Array((4,)), "weight2": Array((4,))}
PROMISES = (
    ("a hidden width C_mid != C", lambda v: v["weight1"].shape[0] != v["input"].shape[1], "public"),
    ("a 1x1 kernel", lambda v: 1 in (v["weight1"].shape[-1], v["weight2"].shape[-1]), "public"),
    ("a kernel larger than 3x3", lambda v: max(v["weight1"].shape[-1], v["weight2"].shape[-1]) > 3,
     "public"),
    ("a rectangular image (H != W)", lambda v: v["input"].shape[2] != v["input"].shape[3], "public"),
)

# (input shape (N, C, H, W), C_mid, k1, k2, dtype): first the lecture's block (C_mid = C, 3x3),
# then a wider middle, a rectangular image with a 1x1 second convolution, one channel and a
# 5x5 kernel, and a single pixel.
PUBLIC = [((2, 3, 5, 5), 3, 3, 3, "float64"), ((1, 2, 6, 6), 4, 3, 3, "float64"),
          ((2, 4, 4, 7), 2, 3, 1, "float32"), ((3, 1, 5, 5), 2, 5, 3, "float32"),
          ((2, 3, 1, 1), 2, 1, 1, "float64")]


def weights(rng, channels, middle, kernel1, kernel2, dtype):
    """He-scaled weights (std sqrt(2 / fan_in)), so that branch and shortcut are comparable."""
    return (normal(rng, (middle, channels, kernel1, kernel1), dtype,
                   scale=np.sqrt(2 / (channels * kernel1 ** 2))),
            normal(rng, (channels, middle, kernel2, kernel2), dtype,
                   scale=np.sqrt(2 / (middle * kernel2 ** 2))))


def block_arrays(rng, shape, middle, kernel1, kernel2, dtype):
    return (normal(rng, shape, dtype),) + weights(rng, shape[1], middle, kernel1, kernel2, dtype)


def public_arrays(seed):
    rng = np.random.default_rng(seed)
    return [block_arrays(rng, *config) for config in PUBLIC]


def hidden_arrays(rng):
    """Both dtypes twice: random N, C, C_mid, H, W (images down to 1x1), kernels 1, 3 or 5."""
    arrays = []
    for dtype in FLOATS * 2:
        n, channels, middle = (int(v) for v in rng.integers(1, 5, 3))
        shape = (n, channels) + tuple(int(v) for v in rng.integers(1, 9, 2))
        kernel1, kernel2 = (int(k) for k in rng.choice([1, 3, 5], 2))
        arrays.append(block_arrays(rng, shape, middle, kernel1, kernel2, dtype))
    return arrays


def cases(arrays, with_gradient=None):
    """Cases of the forward (``with_gradient`` None) or of the backward (an rng: a random
    upstream gradient shaped like the input comes first)."""
    if with_gradient is None:
        return [Case(a) for a in arrays]
    return [Case((normal(with_gradient, a[0].shape, a[0].dtype),) + tuple(a)) for a in arrays]


def pieces(input, weight1, weight2):
    """The torch tensors of the block, each requiring grad: (input, weight1, weight2)."""
    return tuple(pytorch.tensor(a, grad=True) for a in (input, weight1, weight2))


def forward(x, w1, w2, inner_relu=True, shortcut=True, last="after"):
    """The block on tensors, or one of its mistaken variants: ``last`` is where the last ReLU
    goes ('after' the addition, 'branch' before it, 'none')."""
    F = pytorch.F()
    hidden = F.conv2d(x, w1, padding=(w1.shape[-1] - 1) // 2)
    hidden = F.relu(hidden) if inner_relu else hidden
    branch = F.conv2d(hidden, w2, padding=(w2.shape[-1] - 1) // 2)
    if last == "branch":
        branch = F.relu(branch)
    total = x + branch if shortcut else branch
    return F.relu(total) if last == "after" else total


def gradients(grad_output, input, weight1, weight2, **variant):
    """Autograd's gradients of the block (or of a variant) with respect to its three arrays."""
    return pytorch.gradients(lambda x, w1, w2: forward(x, w1, w2, **variant), grad_output,
                             input, weight1, weight2)
