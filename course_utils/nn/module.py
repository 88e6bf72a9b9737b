"""The ``Module`` base class, ``Sequential`` and ``Flatten``: a small NumPy ``torch.nn``.

A module holds its parameters (learned arrays), its buffers (arrays it keeps but does not learn,
such as batch norm's running statistics) and its children, each under the attribute name
PyTorch uses, so ``state_dict()`` keys are PyTorch's keys (``"0.weight"``,
``"1.running_var"`` ...), and ``parameters()``, ``named_parameters()`` and ``named_modules()``
yield what torch's do. There is no autograd: a module stores in ``self.cache`` what its
backward needs during ``forward``, and ``backward(grad_output)`` returns the gradient with
respect to the input and writes the parameter gradients into ``self.grads``
(``named_gradients()`` walks them).

Unlike PyTorch's ``.grad``, which *accumulates* over backward calls until ``zero_grad()``,
``grads`` is *overwritten* by every ``backward`` call: one forward, one backward, one step.
"""

import numpy as np

__all__ = ["Module", "Sequential", "Flatten"]


class Module:
    """Base class: subclasses set parameters with ``register_parameter``, buffers with
    ``register_buffer``, children with ``add_module`` (or by assigning a Module attribute), and
    implement ``forward(input)`` and ``backward(grad_output)``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        self.training = True
        self.grads = {}
        self.cache = None

    # -- registration and attribute access (``layer.weight`` reads the registered array) -----

    def register_parameter(self, name, array):
        self._parameters[name] = array

    def register_buffer(self, name, array):
        self._buffers[name] = array

    def add_module(self, name, module):
        self._modules[name] = module

    def __getattr__(self, name):
        # Only called when normal attribute lookup fails.
        for store in ("_parameters", "_buffers", "_modules"):
            values = self.__dict__.get(store, {})
            if name in values:
                return values[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name, value):
        for store in ("_parameters", "_buffers", "_modules"):
            values = self.__dict__.get(store, {})
            if name in values:
                values[name] = value
                return
        if isinstance(value, Module):
            self.add_module(name, value)
        else:
            object.__setattr__(self, name, value)

    # -- running ----------------------------------------------------------------------------

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement forward(input).")

    def backward(self, grad_output):
        raise NotImplementedError(
            f"{type(self).__name__} must implement backward(grad_output) -> grad_input.")

    def train(self, mode=True):
        """Set training mode on this module and every child (batch norm uses batch statistics
        and updates its running statistics in training mode). Returns self."""
        for _, module in self.named_modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self):
        """Evaluation mode: the same as ``train(False)``."""
        return self.train(False)

    # -- walking the tree -------------------------------------------------------------------

    def named_modules(self, prefix=""):
        """Yield ``(name, module)`` for this module (name ``""``) and every descendant, with
        dotted names like ``"0"`` or ``"block.1"``, parents before children (as torch)."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def children(self):
        return iter(self._modules.values())

    def named_parameters(self):
        """Yield ``(name, array)`` for every learned parameter, with PyTorch's dotted names
        (``"0.weight"``, ``"0.bias"``, ...); the arrays themselves, not copies, so an
        optimiser can update them in place."""
        for name, store, key in self._named_slots(buffers=False):
            yield name, store[key]

    def parameters(self):
        """Yield every learned parameter array, in the order of :meth:`named_parameters`
        (``sum(p.size for p in model.parameters())`` counts them, as torch's ``numel``)."""
        for _, array in self.named_parameters():
            yield array

    def named_gradients(self):
        """Yield ``(name, gradient)`` for every parameter that has one (after ``backward``),
        with the same dotted names as :meth:`named_parameters`. (torch keeps these in
        ``p.grad``; a NumPy array cannot hold one.)"""
        for prefix, module in self.named_modules():
            for name, grad in module.grads.items():
                yield _join(prefix, name), grad

    def _store_grads(self, grads):
        """Keep the parameter gradients of a functional backward, ``grads = (grad_input,
        grad_weight[, grad_bias])``, in ``self.grads``: matched to this module's parameters in
        the order they were registered (weight, then bias), skipping those that are None.
        Returns grad_input."""
        grad_input, *parameter_grads = grads
        for (name, parameter), grad in zip(self._parameters.items(), parameter_grads):
            if parameter is not None:
                self.grads[name] = grad
        return grad_input

    def zero_grad(self):
        """Forget every stored parameter gradient (in this module and its children)."""
        for _, module in self.named_modules():
            module.grads = {}

    # -- saving and loading -----------------------------------------------------------------

    def _named_slots(self, buffers=True):
        """``(dotted name, store, key)`` for every parameter (and buffer) that is not None, in
        PyTorch's state-dict order: each module's parameters, then its buffers (e.g. batch
        norm's running_mean, running_var and num_batches_tracked), then its children."""
        for prefix, module in self.named_modules():
            stores = (module._parameters, module._buffers) if buffers else (module._parameters,)
            for store in stores:
                for key, array in store.items():
                    if array is not None:
                        yield _join(prefix, key), store, key

    def state_dict(self):
        """A dict of copies of every parameter and buffer, with PyTorch's keys and order."""
        return {name: np.array(store[key], copy=True) for name, store, key in self._named_slots()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy the values of ``state_dict`` (NumPy arrays or torch tensors, e.g. from
        ``torch_model.state_dict()``) into this module's parameters and buffers, in place and in
        this module's dtype. Keys and shapes must match; with ``strict=True`` (the default, as
        torch) a missing or unexpected key is an error too."""
        own = {name: (store, key) for name, store, key in self._named_slots()}
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict: the keys do not match {type(self).__name__}'s state_dict(). "
                f"Missing: {missing}. Unexpected: {unexpected}. Compare list(model.state_dict()) "
                f"with the keys you are loading (pass strict=False to load a subset).")
        for name, (store, key) in own.items():
            if name in state_dict:
                store[key][...] = _checked_value(name, state_dict[name], store[key])

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ")
                 for name, child in self._modules.items()]
        if not lines:
            return f"{type(self).__name__}({self.extra_repr()})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def _checked_value(key, value, target):
    """``value`` as a NumPy array (torch tensors are detached and moved to the CPU), with a
    clear error when its shape differs from the target's."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    value = np.asarray(value)
    if value.shape != np.shape(target):
        raise ValueError(
            f"load_state_dict: {key!r} has shape {value.shape} in the state dict but shape "
            f"{np.shape(target)} in the model. Was the model built with the same sizes "
            f"(channels, features, kernel size)?")
    return value


class Sequential(Module):
    """Children called one after another, named ``"0"``, ``"1"``, ... as in
    ``torch.nn.Sequential``; ``model[i]`` is the i-th child, ``model[a:b]`` a new Sequential
    sharing those children. ``backward`` runs the children's backward in reverse order."""

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        return modules[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def forward(self, input):
        for module in self:
            input = module(input)
        return input

    def backward(self, grad_output):
        for module in reversed(list(self)):
            grad_output = module.backward(grad_output)
        return grad_output


class Flatten(Module):
    """Flatten axes ``start_dim`` .. ``end_dim`` into one, as ``torch.nn.Flatten``:
    (N, C, H, W) -> (N, C*H*W) with the defaults. The backward reshapes the gradient back."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        self.cache = input.shape
        start = self.start_dim % input.ndim
        end = self.end_dim % input.ndim
        return input.reshape(input.shape[:start] + (-1,) + input.shape[end + 1:])

    def backward(self, grad_output):
        return grad_output.reshape(self.cache)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
