"""The two argument forms every layer accepts: a size as one int or a (height, width) pair, and
an array as anything NumPy can read."""

import numbers

import numpy as np


def pair(value, name="size"):
    """``3 -> (3, 3)``; ``(3, 5) -> (3, 5)``: the (height, width) form of a size argument, as
    torch's ``_pair``. Anything else is a ValueError that names the argument."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(isinstance(v, numbers.Integral) for v in values):
        raise ValueError(f"{name} must be an int or a pair of ints (height, width); got {value!r}.")
    return int(values[0]), int(values[1])


def as_float(x):
    """The array as NumPy, float32 and float64 kept as they are, anything else as float64."""
    x = np.asarray(x)
    return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
