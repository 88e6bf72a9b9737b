"""Interactive explorers used in the notebooks, one module per explorer.

Every explorer is built the same way (see ``_base.show_explorer``): plain functions compute what
is shown (they are unit-tested), a ``draw`` function turns that into a matplotlib figure, a
``readout`` function states the numbers in words, and the widget only wires controls to them.
Where no widget front-end runs (nbval, a notebook viewer, a PDF export) the same figure and
readout are shown statically for the default control values.
"""
