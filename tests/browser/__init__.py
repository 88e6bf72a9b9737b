"""End-to-end tests: the explorers in a real JupyterLab, driven in headless Chromium."""
