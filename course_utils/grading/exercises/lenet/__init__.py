"""Notebook 07, LeNet."""

NOTEBOOK = "07_lenet"
