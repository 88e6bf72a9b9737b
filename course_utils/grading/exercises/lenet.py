"""Notebook 07, LeNet: lenet_layer_table, graded against a torch LeNet built per the lecture
(conv 20@5x5 pad 2, ReLU, max-pool 2, conv 50@5x5 pad 2, ReLU, max-pool 2, flatten,
linear 500, ReLU, linear 10), with output shapes from forward hooks."""

from .. import diagnostics as d
from .. import oracle
from ..compare import Mismatch, is_integer, type_problem
from ..registry import Case, Exercise, register

# Words a row's name may use for each kind of layer.
KINDS = {"conv": ("conv",), "relu": ("relu",), "pool": ("pool",), "flatten": ("flat",),
         "linear": ("linear", "fc", "dense", "fully")}


def _cases(hidden):
    shapes = [(3, 28, 28), (1, 36, 20), (2, 16, 16)] if hidden else \
        [(1, 28, 28), (3, 32, 32), (1, 32, 32)]
    return [Case((shape,)) for shape in shapes]


def _row_problem(index, row, expected):
    kind, shape, params, macs = expected
    where = f"row {index} (the {kind} layer)"
    if not isinstance(row, (tuple, list)) or len(row) != 4:
        return f"{where} should be (name, output_shape, parameters, multiply_adds), got {row!r}"
    name, got_shape, got_params, got_macs = row
    if not any(word in str(name).lower() for word in KINDS[kind]):
        return f"{where} is named {name!r}; expected a {kind} layer there"
    if not isinstance(got_shape, (tuple, list)) or tuple(got_shape) != shape:
        return f"{where}: output_shape {got_shape!r}; PyTorch gives {shape}"
    for column, got, want in (("parameters", got_params, params),
                              ("multiply_adds", got_macs, macs)):
        if not is_integer(got):
            return f"{where}: {column} is {got!r}, not an int"
        if got != want:
            return f"{where}: {column} is {got}; PyTorch gives {want}"
    return ""


def compare_table(got, expected, names=None, tolerance=None):
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


register(Exercise(
    name="lenet_layer_table", notebook="07", signature="lenet_layer_table(input_shape)",
    returns="list of (name, output_shape, parameters, multiply_adds)", cases=_cases,
    reference=oracle.lenet_layer_table, compare=compare_table,
    variants=(d.lenet_bias_forgotten, d.lenet_flops, d.lenet_bias_in_macs, d.lenet_batch_axis)))
