"""Settings shared by every test, and by the notebooks that nbval re-executes."""

import os

# Explorers draw a static figure and a readout when there is no browser (see explorers/_base.py).
os.environ.setdefault("COURSE_EXPLORERS", "static")
