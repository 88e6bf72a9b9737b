"""Notebook 03, padding and stride."""

NOTEBOOK = "03_padding_and_stride"
