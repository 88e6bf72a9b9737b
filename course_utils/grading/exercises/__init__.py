"""The exercises, one package per notebook topic and one module per exercise (see
``grading/exercise.py`` for what a module declares, and CONTRIBUTING.md for adding one)."""
