"""Stochastic gradient descent, as ``torch.optim.SGD``.

One step, for every parameter p with gradient g (from ``module.grads``, filled by backward)::

    g = g + weight_decay * p                       (L2 regularisation, added to the gradient)
    if momentum:
        buf = g                                    (first step: the buffer is the gradient)
        buf = momentum * buf + (1 - dampening) * g (later steps)
        g = g + momentum * buf if nesterov else buf
    p = p - lr * g                                 (in place)

PyTorch's form differs from the one in CS231n and some lectures, v = mu * v - lr * g;
p = p + v: there the learning rate sits inside the velocity. With a constant learning rate the
two give the same updates (buf = -v / lr); they differ when the learning rate changes.
"""

import numpy as np

from .nn.module import Module

__all__ = ["SGD"]


class SGD:
    """``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False)``, in
    torch's argument order. ``params`` is a Module or a list of Modules; the optimiser updates
    their parameters in place from their ``grads`` (a parameter without a gradient is skipped,
    as torch skips ``p.grad is None``)."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum > 0 and zero dampening.")
        modules = [params] if isinstance(params, Module) else list(params)
        if not all(isinstance(module, Module) for module in modules):
            raise TypeError("SGD expects a course_utils.nn Module (or a list of Modules), "
                            "e.g. SGD(model, lr=0.01), not parameters: here the gradients live "
                            "in the modules (module.grads), not on the arrays.")
        self.modules = modules
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weight_decay = weight_decay
        self.nesterov = nesterov
        self.momentum_buffers = {}  # id(parameter) -> buffer, like torch's optimizer.state

    def _parameters_and_grads(self):
        """(parameter, gradient) pairs for every parameter of every module, once each."""
        seen = set()
        for module in self.modules:
            grads = dict(module.named_gradients())
            for name, parameter in module.named_parameters():
                if grads.get(name) is not None and id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield parameter, grads[name]

    def step(self):
        for parameter, grad in self._parameters_and_grads():
            if self.weight_decay:
                grad = grad + self.weight_decay * parameter
            if self.momentum:
                grad = self._momentum(parameter, grad)
            parameter -= (self.lr * grad).astype(parameter.dtype, copy=False)

    def _momentum(self, parameter, grad):
        buffer = self.momentum_buffers.get(id(parameter))
        if buffer is None:
            buffer = np.array(grad, copy=True)
            self.momentum_buffers[id(parameter)] = buffer
        else:
            buffer *= self.momentum
            buffer += (1 - self.dampening) * grad
        return grad + self.momentum * buffer if self.nesterov else buffer

    def zero_grad(self):
        """Forget the stored gradients of every module (torch's ``zero_grad(set_to_none=True)``)."""
        for module in self.modules:
            module.zero_grad()
