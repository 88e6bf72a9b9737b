"""The one packaging setting that pyproject.toml cannot express (everything else is there).

The wheel holds ``course_utils`` with every subpackage, found automatically, and two folders
of the repository that live outside it but must travel with it: ``data/`` (MNIST and the
trained LeNet) as ``course_utils._data`` and ``release/`` (the student edition) as
``course_utils._release``. pyproject.toml maps those names onto the folders (``package-dir``)
and lists their files (``package-data``); setuptools' automatic discovery cannot be combined
with such a mapping there, hence this list.
"""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["course_utils", "course_utils.*"])
      + ["course_utils._data", "course_utils._release"])
