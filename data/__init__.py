"""The course's data folder, shipped inside the package as ``course_utils._data``.

This file only makes the folder a package, so that setuptools can put it in the wheel (see
``setup.py`` and ``pyproject.toml``) and ``importlib.resources`` can find it in every kind of
install. Read the data through ``course_utils.data`` and ``course_utils.pretrained``.
"""
