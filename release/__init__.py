"""nbgrader's release folder, shipped inside the package as ``course_utils._release``.

``release/notebooks/`` is the student edition of ``notebooks/`` (``make student-edition``);
``cnn-course workbooks`` copies it into a student's own folder. This file only makes the folder
a package, so that setuptools can put it in the wheel (see ``setup.py`` and ``pyproject.toml``).
"""
