"""Notebook 06, normalization and regularization."""

NOTEBOOK = "06_normalization"
