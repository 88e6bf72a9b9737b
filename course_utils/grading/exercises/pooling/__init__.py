"""Notebook 05, pooling."""

NOTEBOOK = "05_pooling"
