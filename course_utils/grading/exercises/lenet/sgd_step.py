"""sgd_step(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0): one training step
of ``torch.optim.SGD`` for one parameter, in place.

What ``optimizer.step()`` does to each parameter p with gradient g (torch's form, which
``course_utils.optim.SGD`` follows; no dampening, no Nesterov)::

    g = g + weight_decay * p
    buf = momentum * buf + g          (when momentum > 0; buf starts as zeros, so the first
    g = buf                            step gives buf = g, as torch's)
    p = p - lr * g

``param`` and ``momentum_buffer`` are updated in place (``momentum_buffer`` is None when
momentum is 0); ``grad`` must not change; nothing is returned (None), as ``optimizer.step()``.
Graded against ``torch.optim.SGD`` with the buffer put in its state.
"""

import numpy as np

from ... import pytorch
from ...exercise import FLOATS, Array, Case, Choice, Exercise, mistake, normal

# (shape, dtype, lr, momentum, weight_decay, buffer: None, "zeros" (the first step) or "random"
# (a later step)).
PUBLIC = [((3,), "float64", 0.1, 0.0, 0.0, None),
          ((2, 3), "float64", 0.05, 0.9, 0.0, "zeros"),
          ((4, 2, 3, 3), "float32", 0.05, 0.9, 0.0, "random"),
          ((5,), "float64", 0.1, 0.9, 0.01, "random"),
          ((3, 4), "float32", 0.2, 0.0, 0.1, None)]


def make_case(rng, shape, dtype, lr, momentum, weight_decay, buffer):
    param, grad = normal(rng, shape, dtype), normal(rng, shape, dtype)
    if buffer is None:
        momentum_buffer = None
    elif buffer == "zeros":
        momentum_buffer = np.zeros(shape, dtype)
    else:
        momentum_buffer = normal(rng, shape, dtype)
    return Case((param, grad, momentum_buffer, lr),
                {"momentum": momentum, "weight_decay": weight_decay})


def public():
    rng = np.random.default_rng(11)
    return [make_case(rng, *config) for config in PUBLIC]


def hidden(rng):
    """Every rank the text allows in both dtypes; with and without momentum and weight decay;
    first steps (zero buffers) and later ones."""
    cases = []
    for ndim in (1, 2, 4):
        for dtype in FLOATS:
            shape = tuple(int(s) for s in rng.integers(1, 6, ndim))
            momentum = float(rng.choice([0.5, 0.9, 0.99]))
            buffer = str(rng.choice(["zeros", "random"]))
            cases.append(make_case(rng, shape, dtype, float(rng.choice([0.01, 0.1, 0.5])),
                                   momentum, float(rng.choice([0.0, 0.05])), buffer))
    cases.append(make_case(rng, (int(rng.integers(2, 9)),), str(rng.choice(FLOATS)), 0.1, 0.0,
                           0.1, None))
    cases.append(make_case(rng, (3, 3), "float64", 0.1, 0.9, 0.1, "random"))
    return cases


def reference(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0):
    """(None, param after the step, momentum_buffer after the step), from torch.optim.SGD."""
    torch = pytorch.torch()
    p = torch.nn.Parameter(pytorch.tensor(param))
    p.grad = pytorch.tensor(grad)
    optimizer = torch.optim.SGD([p], lr=lr, momentum=momentum, weight_decay=weight_decay)
    if momentum and momentum_buffer is not None:
        optimizer.state[p]["momentum_buffer"] = pytorch.tensor(momentum_buffer)
    optimizer.step()
    if momentum_buffer is None:
        buffer = None
    elif momentum:
        buffer = pytorch.numpy(optimizer.state[p]["momentum_buffer"])
    else:
        buffer = momentum_buffer.copy()
    return None, pytorch.numpy(p), buffer


def _with_rule(rule):
    """A mistake's function from its update rule, ``rule(p, g, buf, lr, momentum,
    weight_decay) -> (new p, new buf)``, computed in float64 and cast back, named after the
    rule. Without momentum every rule here is torch's."""
    def wrong(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0):
        p, g = param.astype(np.float64), grad.astype(np.float64)
        if momentum:
            new_param, new_buffer = rule(p, g, momentum_buffer.astype(np.float64), lr, momentum,
                                         weight_decay)
        else:
            new_param, new_buffer = p - lr * (g + weight_decay * p), None
        return (None, new_param.astype(param.dtype),
                None if momentum_buffer is None else
                (momentum_buffer.copy() if new_buffer is None else
                 new_buffer.astype(momentum_buffer.dtype)))
    wrong.__name__ = wrong.__qualname__ = rule.__name__.lstrip("_")
    return wrong


def _velocity_form(p, g, buf, lr, momentum, weight_decay):
    velocity = momentum * buf - lr * (g + weight_decay * p)
    return p + velocity, velocity


def _lr_in_buffer(p, g, buf, lr, momentum, weight_decay):
    buf = momentum * buf + lr * (g + weight_decay * p)
    return p - buf, buf


def _buffer_averaged(p, g, buf, lr, momentum, weight_decay):
    buf = momentum * buf + (1 - momentum) * (g + weight_decay * p)
    return p - lr * buf, buf


def _weight_decay_after_momentum(p, g, buf, lr, momentum, weight_decay):
    buf = momentum * buf + g
    return p - lr * (buf + weight_decay * p), buf


velocity_form = mistake(
    "the velocity form of CS231n's notes (v = momentum * v - lr * grad; param += v): PyTorch's "
    "buffer holds no learning rate, buf = momentum * buf + grad, and param -= lr * buf")(
    _with_rule(_velocity_form))

lr_in_buffer = mistake(
    "the learning rate is inside the buffer (buf = momentum * buf + lr * grad; param -= buf): "
    "PyTorch's buffer holds gradients, buf = momentum * buf + grad, and param -= lr * buf")(
    _with_rule(_lr_in_buffer))

buffer_averaged = mistake(
    "the buffer is an average, buf = momentum * buf + (1 - momentum) * grad (that is dampening "
    "= momentum): torch.optim.SGD's default, dampening 0, adds the whole gradient, buf = "
    "momentum * buf + grad")(_with_rule(_buffer_averaged))

weight_decay_after_momentum = mistake(
    "the weight decay is added after the momentum, to the update: PyTorch adds weight_decay * "
    "param to the gradient before it goes into the buffer")(
    _with_rule(_weight_decay_after_momentum))


@mistake("weight_decay is ignored: PyTorch adds weight_decay * param to the gradient first")
def weight_decay_forgotten(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0):
    return reference(param, grad, momentum_buffer, lr, momentum, 0.0)


@mistake("param is not updated in place: write into the array you were given (param -= ..., or "
         "param[...] = ...), don't rebind the name (param = param - ...)")
def param_not_in_place(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0):
    _, _, buffer = reference(param, grad, momentum_buffer, lr, momentum, weight_decay)
    return None, param.copy(), buffer


@mistake("momentum_buffer is not updated in place: the next step needs it, so write into the "
         "array you were given (momentum_buffer *= momentum; momentum_buffer += grad)")
def buffer_not_in_place(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0):
    _, new_param, _ = reference(param, grad, momentum_buffer, lr, momentum, weight_decay)
    return None, new_param, None if momentum_buffer is None else momentum_buffer.copy()


MOMENTUM = Choice(kinds=(("0 (plain SGD)", lambda v: v == 0), ("> 0", lambda v: v > 0)))
WEIGHT_DECAY = Choice(kinds=(("0", lambda v: v == 0), ("> 0", lambda v: v > 0)))

EXERCISE = Exercise(
    name="sgd_step",
    signature="sgd_step(param, grad, momentum_buffer, lr, momentum=0.0, weight_decay=0.0)",
    returns="None: param and momentum_buffer are updated in place",
    points=2,
    space={"param": Array((1, 2, 4)), "grad": Array((1, 2, 4)),
           "momentum_buffer": Array((1, 2, 4), optional=True),
           "momentum": MOMENTUM, "weight_decay": WEIGHT_DECAY},
    promises=(("a first step (a zero momentum buffer)",
               lambda v: v["momentum_buffer"] is not None and not v["momentum_buffer"].any(),
               "public"),
              ("a later step (a non-zero momentum buffer)",
               lambda v: v["momentum_buffer"] is not None and v["momentum_buffer"].any(),
               "public"),
              ("momentum and weight decay together",
               lambda v: v["momentum"] > 0 and v["weight_decay"] > 0, "public")),
    public=public, hidden=hidden, reference=reference,
    outputs=("the return value", "param after the call", "momentum_buffer after the call"),
    in_place=("param", "momentum_buffer"),
    mistakes=(velocity_form, lr_in_buffer, buffer_averaged, weight_decay_forgotten,
              weight_decay_after_momentum, param_not_in_place, buffer_not_in_place))
