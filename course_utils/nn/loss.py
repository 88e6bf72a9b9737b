"""``CrossEntropyLoss``, as ``torch.nn.CrossEntropyLoss`` with the default mean reduction."""

from ..functional.loss import cross_entropy, cross_entropy_backward
from .module import Module

__all__ = ["CrossEntropyLoss"]


class CrossEntropyLoss(Module):
    """loss = mean over the batch of -log softmax(input)[target].

    ``loss = criterion(input, target)`` with input (N, num_classes) logits and target (N,)
    integer class indices; ``criterion.backward()`` returns dloss/dinput, shape (N,
    num_classes): (softmax(input) - one_hot(target)) / N. The loss is the end of the chain, so
    its backward needs no upstream gradient (pass one to scale the result).
    """

    def forward(self, input, target):
        self.cache = (input, target)
        return cross_entropy(input, target)

    def backward(self, grad_output=1.0):
        grad_input = cross_entropy_backward(*self.cache)
        return (grad_input * grad_output).astype(grad_input.dtype, copy=False)
