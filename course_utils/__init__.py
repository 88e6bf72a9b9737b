"""Helpers for the hands-on CNN course.

The package mirrors the course (see CONTRIBUTING.md for the map):

- ``course_utils.functional``: NumPy twins of ``torch.nn.functional``, forward and backward
  (``course_utils.utils``: the argument forms they accept, ``pair`` and ``as_float``);
- ``course_utils.nn``, ``course_utils.optim`` and ``course_utils.models``: layers, SGD and
  LeNet built on them (``course_utils.pretrained`` holds LeNet's trained weights);
- ``course_utils.gradcheck``: numerical gradients and the one tolerance policy;
- ``course_utils.shapes`` and ``course_utils.receptive_field``: the arithmetic of convnets;
- ``course_utils.grading``: the exercise grader, with PyTorch as the oracle;
- ``course_utils.data``: the bundled, checksummed MNIST subset and the sample photo;
- ``course_utils.workbooks`` (the ``cnn-course workbooks`` command, ``course_utils.cli``): the
  student's own copies of the notebooks, from the student edition that ships with the course;
- ``course_utils.installation``: how the course was installed, so errors say how to repair it;
- ``course_utils.explorers``: the interactive explorers used in the notebooks.

Importing this package is cheap: nothing here imports torch until it is needed.
"""

__version__ = "0.1.0"
