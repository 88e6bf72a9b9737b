"""ResNet's residual block (without batch norm), forward and backward, from the course's layers.

The block of He et al. (2015) with an identity shortcut: two convolutions that keep the
height and width (odd kernels, padding ``(k - 1) // 2``, stride 1, no bias), a ReLU between
them, the input added back, and a ReLU after the addition::

    hidden = relu(conv2d(input, weight1, padding=p1))              (N, C_mid, H, W)
    output = relu(input + conv2d(hidden, weight2, padding=p2))     (N, C, H, W)

torchvision's ``BasicBlock`` also has a batch norm after each convolution (and, in the blocks
that halve the resolution, a projection shortcut); without them this is the block of the
lectures' derivative: the shortcut carries the gradient back unchanged,
``d(input + branch) / d input = I + d branch / d input``.

Built from ``conv2d``, ``conv2d_backward``, ``relu`` and ``relu_backward``.
"""

from . import conv2d, conv2d_backward, relu, relu_backward


def _same_padding(weight, name):
    """``(k - 1) // 2`` for a square, odd kernel: the padding that keeps H and W at stride 1."""
    kernel_h, kernel_w = weight.shape[2:]
    if kernel_h != kernel_w or kernel_h % 2 == 0:
        raise ValueError(f"{name} has kernel {kernel_h}x{kernel_w}; a residual block needs a "
                         "square kernel of odd size, so that padding (k - 1) // 2 keeps H and W "
                         "and the input can be added to the branch's output")
    return (kernel_h - 1) // 2


def _check(input, weight1, weight2):
    if weight1.shape[1] != input.shape[1] or weight2.shape[0] != input.shape[1] \
            or weight2.shape[1] != weight1.shape[0]:
        raise ValueError(f"input {input.shape}, weight1 {weight1.shape}, weight2 {weight2.shape}: "
                         "weight1 must be (C_mid, C, k, k) and weight2 (C, C_mid, k, k), so that "
                         "the branch maps C channels to C_mid and back to C")
    return _same_padding(weight1, "weight1"), _same_padding(weight2, "weight2")


def _forward(input, weight1, weight2):
    """The forward pass and the values its backward needs: (output, hidden_pre, hidden, total)."""
    padding1, padding2 = _check(input, weight1, weight2)
    hidden_pre = conv2d(input, weight1, padding=padding1)        # before the inner ReLU
    hidden = relu(hidden_pre)
    total = input + conv2d(hidden, weight2, padding=padding2)    # before the last ReLU
    return relu(total).astype(input.dtype, copy=False), hidden_pre, hidden, total


def residual_block(input, weight1, weight2):
    """``relu(input + conv2d(relu(conv2d(input, weight1)), weight2))``, each convolution
    padded by ``(k - 1) // 2`` to keep H and W.

    Shapes::

        input    (N, C, H, W)
        weight1  (C_mid, C, k1, k1)    k1 odd
        weight2  (C, C_mid, k2, k2)    k2 odd
        output   (N, C, H, W)          input's dtype
    """
    return _forward(input, weight1, weight2)[0]


def residual_block_backward(grad_output, input, weight1, weight2):
    """Gradients of :func:`residual_block`: ``(grad_input, grad_weight1, grad_weight2)``.

    Shapes::

        grad_output   (N, C, H, W)
        grad_input    (N, C, H, W)
        grad_weight1  (C_mid, C, k1, k1)
        grad_weight2  (C, C_mid, k2, k2)    all of input's dtype

    What it needs from the forward: the input of each ReLU (``hidden_pre = conv2d(input,
    weight1)`` for the inner one, ``total = input + branch`` for the last one) for their masks,
    and ``hidden`` (the second convolution's input) for ``grad_weight2``; passed the forward's
    arguments, it recomputes them. The chain rule::

        grad_total  = grad_output * (total > 0)                      the last ReLU
        grad_hidden, grad_weight2 = conv2d_backward(grad_total, hidden, weight2)
        grad_pre    = grad_hidden * (hidden_pre > 0)                 the inner ReLU
        grad_branch, grad_weight1 = conv2d_backward(grad_pre, input, weight1)
        grad_input  = grad_total + grad_branch                       shortcut + branch

    The shortcut contributes ``grad_total`` itself: the gradient that reaches the block's output
    reaches its input undiminished, whatever the weights.
    """
    padding1, padding2 = _check(input, weight1, weight2)
    _, hidden_pre, hidden, total = _forward(input, weight1, weight2)
    grad_total = relu_backward(grad_output, total)
    grad_hidden, grad_weight2 = conv2d_backward(grad_total, hidden, weight2, padding=padding2)
    grad_pre = relu_backward(grad_hidden, hidden_pre)
    grad_branch, grad_weight1 = conv2d_backward(grad_pre, input, weight1, padding=padding1)
    dtype = input.dtype
    return ((grad_total + grad_branch).astype(dtype, copy=False),
            grad_weight1.astype(dtype, copy=False), grad_weight2.astype(dtype, copy=False))
