"""How fast is the course? ``python -m bench`` (``make bench``) measures it and writes RESULTS.md.

One module per figure: ``ops`` (the layers, and the one timer ``median_time``), ``training``
(an epoch of LeNet, and its peak memory), ``notebooks`` (nbval runs), ``imports``
(``import course_utils``), ``grading`` (a class graded in its sandbox), ``machine`` (what it
ran on). Each NumPy figure is measured side by side with PyTorch on the CPU, in the same run, so
the ratios hold even on a busy machine.
"""
