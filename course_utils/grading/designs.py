"""What the design exercises share (03's ``design_output_size``, 04's
``design_receptive_field``, 08's ``design_convnet``): a design is a list of layers, each three
ints, and any design that meets the exercise's requirements passes.

Each exercise checks its own requirements (``check_design(got, requirements)``) and the ranges
of its own fields; here are the shape of a design and the comparison built on the check.
"""

from .compare import Mismatch, describe_type, is_integer

MOST_LAYERS = 256


def layout_problem(got, fields, most=MOST_LAYERS):
    """'' if ``got`` is a non-empty list of at most ``most`` layers (None: any number), each
    three ints named ``fields`` (for example ``("kernel_size", "stride", "padding")``); else
    what is wrong with it."""
    names = ", ".join(fields)
    if not isinstance(got, (list, tuple)) or not got:
        return f"it returned {describe_type(got)} instead of a non-empty list of layers ({names})"
    if most is not None and len(got) > most:
        return f"the design has {len(got)} layers; a few will do (at most {most} are checked)"
    for index, layer in enumerate(got):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3 or \
                not all(is_integer(value) for value in layer):
            return f"layer {index} is {layer!r:.60}; each layer is ({names}), three ints"
    return ""


def as_design(got):
    """A design that passed :func:`layout_problem`, as a list of int triples."""
    return [tuple(int(value) for value in layer) for layer in got]


def design_comparison(check_design, requirements):
    """The exercise's ``compare``: against the requirements (an instance of the class
    ``requirements``), any design that meets them agrees; against a mistake's design (when the
    grader looks for the mistake), only that very design does."""
    def compare_design(got, expected, exercise=None):
        if isinstance(expected, requirements):
            return check_design(got, expected)
        if layout_problem(got, ("a", "b", "c"), most=None) or as_design(got) != expected:
            return Mismatch("values", "a different design")
        return None
    return compare_design
