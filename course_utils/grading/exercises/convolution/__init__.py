"""Notebook 02, convolution."""

NOTEBOOK = "02_convolution"
