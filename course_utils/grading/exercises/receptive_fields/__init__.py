"""Notebook 04, receptive fields."""

NOTEBOOK = "04_receptive_fields"
