"""Notebook 01, fully connected layers."""

NOTEBOOK = "01_fully_connected"
