"""A small NumPy ``torch.nn``: modules with torch's constructor arguments and state-dict keys,
built on ``course_utils.functional`` (each module is a thin wrapper holding its parameters and
what its backward needs). See ``module.py`` for the conventions."""

from .layers import Conv2d, Dropout, Linear, MaxPool2d, ReLU
from .loss import CrossEntropyLoss
from .module import Flatten, Module, Sequential
from .normalization import BatchNorm2d

__all__ = [
    "Module", "Sequential", "Flatten",
    "Linear", "ReLU", "Dropout", "Conv2d", "MaxPool2d", "BatchNorm2d",
    "CrossEntropyLoss",
]
