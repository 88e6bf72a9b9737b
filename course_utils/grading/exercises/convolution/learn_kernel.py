"""learn_kernel(images, targets, kernel_size, steps, lr): learn a convolution's kernel from
input/output pairs by plain gradient descent.

The model is ``output = conv2d(images, weight)`` (PyTorch's cross-correlation: stride 1, no
padding, no bias) with weight (C_out, C_in, k, k), C_out = targets.shape[1] and
C_in = images.shape[1]. Starting from a weight of zeros, take ``steps`` steps of gradient
descent on the mean squared error ``L = mean((output - targets) ** 2)`` (the mean over every
entry, as ``F.mse_loss``), ``weight <- weight - lr * dL/dweight``, and return the weight: an
array of shape (C_out, C_in, k, k) in the images' dtype. Graded against the same descent done
by torch's autograd.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal

# (images shape, C_out, kernel size, steps, lr, noise on the targets, dtype): one channel in
# and out first (the notebook's use), then several channels, a rectangular image, an even
# kernel, noisy targets (no kernel fits exactly), no step at all and a single step.
PUBLIC = [((4, 1, 8, 8), 1, 3, 20, 0.2, 0.0, "float64"),
          ((2, 2, 7, 6), 3, 3, 15, 0.3, 0.0, "float64"),
          ((3, 1, 9, 7), 2, 2, 25, 0.2, 0.1, "float32"),
          ((1, 3, 6, 6), 1, 1, 10, 0.1, 0.0, "float32"),
          ((2, 1, 6, 8), 1, 3, 0, 0.2, 0.0, "float64"),
          ((2, 2, 5, 5), 2, 3, 1, 0.25, 0.2, "float64")]


def _cross_correlation(images, weight):
    """conv2d(images, weight), stride 1, no padding: the grader's own few lines (the cases are
    drawn where torch need not be imported, and the grader imports nothing from the library)."""
    windows = np.lib.stride_tricks.sliding_window_view(images, weight.shape[2:], axis=(2, 3))
    return np.einsum("nchwuv,kcuv->nkhw", windows, weight)


def make_case(rng, images_shape, out_channels, kernel_size, steps, lr, noise, dtype):
    """Images, and targets made by a random kernel of that size (plus noise)."""
    images = normal(rng, images_shape, dtype)
    true_weight = normal(rng, (out_channels, images_shape[1], kernel_size, kernel_size), dtype)
    targets = _cross_correlation(images, true_weight)
    targets = (targets + noise * rng.standard_normal(targets.shape)).astype(dtype)
    return Case((images, targets, kernel_size, steps, lr))


def public():
    rng = np.random.default_rng(22)
    return [make_case(rng, *config) for config in PUBLIC]


def largest_curvature(images, kernel_size, out_size):
    """The largest eigenvalue of the loss's Hessian, (2 / M) X^T X (X: one row per window):
    gradient descent converges when lr times it is below 2."""
    windows = np.lib.stride_tricks.sliding_window_view(images, (kernel_size,) * 2, axis=(2, 3))
    rows = windows.transpose(0, 2, 3, 1, 4, 5).reshape(-1, images.shape[1] * kernel_size ** 2)
    return float(np.linalg.eigvalsh(2 / out_size * rows.T.astype(np.float64) @ rows)[-1])


def hidden(rng):
    """Both dtypes, odd and even kernels, one or several channels, random sizes and steps, and
    a learning rate at which the descent converges (lr times the largest curvature 0.2 to 1)."""
    cases = []
    for i, dtype in enumerate(FLOATS * 3):
        kernel_size = int(rng.integers(1, 5))
        c_in, c_out = (int(v) for v in rng.integers(1, 4, 2))
        size = tuple(int(v) for v in rng.integers(kernel_size + 2, kernel_size + 7, 2))
        shape = (int(rng.integers(1, 4)), c_in, *size)
        steps = int(rng.integers(1, 26)) if i else 0
        noise = float(rng.choice([0.0, 0.1]))
        case = make_case(rng, shape, c_out, kernel_size, steps, 0.1, noise, dtype)
        images, targets = case.args[:2]
        curvature = largest_curvature(images, kernel_size, targets.size)
        lr = round(float(rng.uniform(0.2, 1.0)) / curvature, 3)
        cases.append(Case((images, targets, kernel_size, steps, lr)))
    return cases


def reference(images, targets, kernel_size, steps, lr):
    """The same descent with autograd: F.mse_loss(F.conv2d(images, weight), targets)."""
    torch, F, t = pytorch.torch(), pytorch.F(), pytorch.tensor
    x, y = t(images), t(targets)
    weight = torch.zeros((y.shape[1], x.shape[1], kernel_size, kernel_size), dtype=x.dtype,
                         requires_grad=True)
    for _ in range(steps):
        loss = F.mse_loss(F.conv2d(x, weight), y)
        (grad,) = torch.autograd.grad(loss, weight)
        with torch.no_grad():
            weight -= lr * grad
    return pytorch.numpy(weight)


@mistake("the gradient of the squared error misses its factor 2: d mean((y - t)^2) / dy = "
         "2 * (y - t) / M, with M = targets.size (your descent runs at half the learning rate)")
def factor_two_missing(images, targets, kernel_size, steps, lr):
    return reference(images, targets, kernel_size, steps, lr / 2)


@mistake("the steps go uphill: the error is targets - output instead of output - targets, or "
         "the update adds the gradient; gradient descent is weight = weight - lr * dL/dweight, "
         "with dL/doutput = 2 * (output - targets) / M")
def steps_uphill(images, targets, kernel_size, steps, lr):
    return reference(images, targets, kernel_size, steps, -lr)


@mistake("the learned kernel is flipped (rotated by 180 degrees): your convolution flips the "
         "kernel, which is true convolution; PyTorch's conv2d is a cross-correlation, "
         "out[i, j] = sum(window * weight), no flip")
def kernel_flipped(images, targets, kernel_size, steps, lr):
    return np.ascontiguousarray(reference(images, targets, kernel_size, steps, lr)[..., ::-1, ::-1])


@mistake("one step too few: take exactly `steps` steps (for step in range(steps)), starting "
         "from zeros")
def one_step_too_few(images, targets, kernel_size, steps, lr):
    return reference(images, targets, kernel_size, max(steps - 1, 0), lr)


EXERCISE = Exercise(
    name="learn_kernel", signature="learn_kernel(images, targets, kernel_size, steps, lr)",
    returns="the learned weight: an array of shape (C_out, C_in, kernel_size, kernel_size), of "
            "the images' dtype",
    points=3,
    space={"images": Array((4,)), "targets": Array((4,)),
           "kernel_size": Choice(kinds=(("an odd kernel size", lambda k: k % 2 == 1),
                                        ("an even kernel size", lambda k: k % 2 == 0))),
           "steps": Choice(kinds=(("no step (steps = 0)", lambda s: s == 0),
                                  ("one step", lambda s: s == 1),
                                  ("many steps", lambda s: s > 1)))},
    promises=(("several input and output channels",
               lambda v: v["images"].shape[1] > 1 and v["targets"].shape[1] > 1, "public"),
              ("a rectangular image", lambda v: v["images"].shape[2] != v["images"].shape[3],
               "public")),
    public=public, hidden=hidden, reference=reference,
    mistakes=(factor_two_missing, steps_uphill, kernel_flipped, one_step_too_few),
    time_limit=20.0)
