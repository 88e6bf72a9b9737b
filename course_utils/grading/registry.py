"""Every exercise of the course, by name, found in ``exercises/``.

``exercises/`` has one package per notebook topic (its ``NOTEBOOK`` names the notebook) and one
module per exercise in it, ending with ``EXERCISE = Exercise(...)``. Nothing else lists the
exercises: adding one is adding its module (and its notebook cells).
"""

import dataclasses
import importlib
import pkgutil

from . import exercises as _package


def _discover():
    found = {}
    for info in sorted(pkgutil.walk_packages(_package.__path__, _package.__name__ + "."),
                       key=lambda info: info.name):
        module = importlib.import_module(info.name)
        exercise = getattr(module, "EXERCISE", None)
        if exercise is None:
            continue
        topic = importlib.import_module(info.name.rpartition(".")[0])
        if exercise.name in found:
            raise RuntimeError(f"two exercises are called {exercise.name!r}")
        found[exercise.name] = dataclasses.replace(exercise, notebook=topic.NOTEBOOK)
    return dict(sorted(found.items(), key=lambda item: (item[1].notebook, item[0])))


EXERCISES = _discover()


def get(name):
    """The exercise called ``name`` (KeyError listing the known names otherwise)."""
    try:
        return EXERCISES[name]
    except KeyError:
        known = ", ".join(sorted(EXERCISES))
        raise KeyError(f"No exercise called {name!r}. Known exercises: {known}") from None


def example(name, index=0):
    """The arguments of public configuration ``index`` of an exercise: ``(args, kwargs)``,
    fresh copies. Reproduce a failing configuration with::

        args, kwargs = grading.example("conv2d_naive", 3)
        out = conv2d_naive(*args, **kwargs)
    """
    return get(name).public()[index].fresh()
