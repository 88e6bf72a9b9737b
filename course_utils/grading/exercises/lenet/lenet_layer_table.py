"""lenet_layer_table(input_shape): the lecture's LeNet, layer by layer, for one image.

For an image of shape (C, H, W), the rows (name, output_shape, parameters, multiply_adds) of:
conv 20@5x5 padding 2, ReLU, max-pool 2, conv 50@5x5 padding 2, ReLU, max-pool 2, flatten,
linear 500, ReLU, linear 10. output_shape has no batch axis; pooling rounds down; the
multiply-adds count the weights only (not the bias additions, ReLU or pooling).

Graded against a torch LeNet built per the lecture, with output shapes from forward hooks,
parameters from the modules and multiply-adds from torch's FlopCounterMode.
"""

from ... import pytorch
from ...compare import Mismatch, is_integer, type_problem
from ...exercise import Case, Exercise, mistake

# Words a row's name may use for each kind of layer.
KINDS = {"conv": ("conv",), "relu": ("relu",), "pool": ("pool",), "flatten": ("flat",),
         "linear": ("linear", "fc", "dense", "fully")}

PUBLIC = [(1, 28, 28), (3, 32, 32), (1, 30, 22), (2, 17, 17)]


def public():
    return [Case((shape,)) for shape in PUBLIC]


def hidden(rng):
    """Grey and colour images, square and not, sizes that 4 divides and that it does not."""
    return [Case(((int(rng.integers(1, 4)), int(h), int(w)),))
            for h, w in [rng.integers(8, 40, 2), (4 * rng.integers(2, 10),) * 2,
                         rng.integers(8, 40, 2) | 1, rng.integers(8, 40, 2)]]


def _lenet(in_channels, flat_features):
    nn = pytorch.torch().nn
    layers = [("conv", nn.Conv2d(in_channels, 20, 5, padding=2)), ("relu", nn.ReLU()),
              ("pool", nn.MaxPool2d(2)), ("conv", nn.Conv2d(20, 50, 5, padding=2)),
              ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("flatten", nn.Flatten()),
              ("linear", nn.Linear(flat_features, 500)), ("relu", nn.ReLU()),
              ("linear", nn.Linear(500, 10))]
    return [(kind, module.to("meta")) for kind, module in layers]


def reference(input_shape):
    """[(kind, output shape, parameters, multiply-adds)] from forward hooks on a torch LeNet."""
    channels, height, width = input_shape
    layers = _lenet(channels, 50 * (height // 4) * (width // 4))
    shapes = []
    for _, module in layers:
        module.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
    table, x = [], pytorch.torch().empty(1, *input_shape, device="meta")
    for kind, module in layers:
        macs = pytorch.multiply_adds(module, tuple(x.shape))
        x = module(x)
        table.append((kind, shapes[-1], int(sum(p.numel() for p in module.parameters())), macs))
    return table


def _row_problem(index, row, expected):
    kind, shape, params, macs = expected
    where = f"row {index} (the {kind} layer)"
    if not isinstance(row, (tuple, list)) or len(row) != 4:
        return f"{where} should be (name, output_shape, parameters, multiply_adds), got {row!r:.80}"
    name, got_shape, got_params, got_macs = row
    if not any(word in str(name).lower() for word in KINDS[kind]):
        return f"{where} is named {str(name)!r:.40}; expected a {kind} layer there"
    if not isinstance(got_shape, (tuple, list)) or tuple(got_shape) != tuple(shape):
        return f"{where}: output_shape {got_shape!r:.60}; PyTorch gives {tuple(shape)}"
    for column, got, want in (("parameters", got_params, params),
                              ("multiply_adds", got_macs, macs)):
        if not is_integer(got):
            return f"{where}: {column} is {got!r:.40}, not an int"
        if got != want:
            return f"{where}: {column} is {got}; PyTorch gives {want}"
    return ""


def compare_table(got, expected, exercise=None):
    """Row by row: the layer kind (by name), then output shape, parameters, multiply-adds."""
    if not isinstance(got, (list, tuple)):
        return Mismatch("type", type_problem(got, "a list of (name, output_shape, parameters, "
                                                  "multiply_adds) rows"))
    if len(got) != len(expected):
        kinds = ", ".join(kind for kind, *_ in expected)
        return Mismatch("length", f"the table has {len(got)} rows; LeNet has {len(expected)} "
                        f"layers ({kinds})")
    for index, (row, want) in enumerate(zip(got, expected)):
        problem = _row_problem(index, row, want)
        if problem:
            return Mismatch("values", problem)
    return None


def _changed(input_shape, params=None, macs=None, shape=None):
    return [(kind, shape(s) if shape else s, params(kind, s, p) if params else p,
             macs(kind, s, m) if macs else m) for kind, s, p, m in reference(input_shape)]


@mistake("the biases are not counted in the parameters: a conv has one bias per filter, a "
         "linear layer one per output feature")
def bias_forgotten(input_shape):
    return _changed(input_shape, params=lambda kind, s, p: p - s[0] if kind in ("conv", "linear") else p)


@mistake("FLOPs instead of multiply-adds: one multiply-add is 2 FLOPs; count multiply-adds")
def flops(input_shape):
    return _changed(input_shape, macs=lambda kind, s, m: 2 * m)


@mistake("the bias additions are counted as multiply-adds: count the weights' multiply-adds only")
def bias_in_macs(input_shape):
    return _changed(input_shape, macs=lambda kind, s, m: m + (s[0] * (s[1] * s[2] if len(s) == 3
                                                                          else 1)) if m else m)


@mistake("the output shapes include the batch axis: give (C, H, W) or (features,) per example")
def batch_axis(input_shape):
    return _changed(input_shape, shape=lambda s: (1,) + tuple(s))


@mistake("the pooled size is rounded up: max-pooling drops a last row or column that does not "
         "fill a window, H_out = H // 2")
def pooled_size_rounded_up(input_shape):
    channels, height, width = input_shape
    half = lambda n: -(-n // 2)                  # noqa: E731  the mistake: ceil(n / 2)
    h1, w1, h2, w2 = half(height), half(width), half(half(height)), half(half(width))
    flat = 50 * h2 * w2
    return [("conv", (20, height, width), 20 * (channels * 25 + 1), 20 * height * width * channels * 25),
            ("relu", (20, height, width), 0, 0), ("pool", (20, h1, w1), 0, 0),
            ("conv", (50, h1, w1), 50 * (20 * 25 + 1), 50 * h1 * w1 * 20 * 25),
            ("relu", (50, h1, w1), 0, 0), ("pool", (50, h2, w2), 0, 0), ("flatten", (flat,), 0, 0),
            ("linear", (500,), flat * 500 + 500, flat * 500), ("relu", (500,), 0, 0),
            ("linear", (10,), 5010, 5000)]


EXERCISE = Exercise(
    name="lenet_layer_table", signature="lenet_layer_table(input_shape)",
    returns="a list of 10 rows (name, output_shape, parameters, multiply_adds), output_shape a "
            "tuple without the batch axis, the counts ints",
    points=3, space={},
    promises=(("H or W not divisible by 4 (pooling rounds down)",
               lambda v: v["input_shape"][1] % 4 or v["input_shape"][2] % 4, "public"),
              ("a rectangular image", lambda v: v["input_shape"][1] != v["input_shape"][2],
               "public")),
    public=public, hidden=hidden, reference=reference, compare=compare_table,
    mistakes=(bias_forgotten, flops, bias_in_macs, batch_axis, pooled_size_rounded_up))
