# The course's commands. `make lab` runs the course; `make test` runs every test.
# Both set everything up first (a virtual environment in .venv) and are safe to run again.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888

.PHONY: lab test test-matrix setup workbooks execute bench browser clean student-edition autograde

lab: setup workbooks
	$(BIN)/jupyter lab --notebook-dir=workbooks --port=$(PORT) $(LAB_ARGS)

# Tests run in parallel, one worker per core (at most 4); each file stays on one worker, so a
# notebook's cells run in order in one kernel.
test: setup browser
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist=loadfile

setup: $(STAMP)

# Reinstall only when the package's requirements change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The student's own copies of the notebooks (never overwritten once they exist).
workbooks: setup
	$(BIN)/python -m course_utils.workbooks

# Re-execute notebooks and save their outputs: make execute NB=notebooks/02_convolution.ipynb
NB ?= notebooks/*.ipynb
execute: setup
	COURSE_EXPLORERS=static $(BIN)/jupyter nbconvert --to notebook --execute --inplace $(NB)

# Headless Chromium for the explorer browser tests (skipped loudly if it cannot be installed).
browser:
	@command -v chromium >/dev/null 2>&1 || bash .ci/install_chromium.sh || \
		echo "WARNING: Chromium could not be installed; the browser tests will be skipped."

bench: setup
	$(BIN)/python -m bench

# The supported ranges, tested: the oldest Python with every dependency at its floor, and the
# newer Pythons with the newest releases (environments in .matrix/; see scripts/test_matrix.py).
test-matrix: setup browser
	$(BIN)/python scripts/test_matrix.py

clean:
	rm -rf $(VENV) .matrix release autograded feedback

# Instructors (nbgrader; see the README). nbgrader runs `alembic`, hence the PATH.
NBGRADER := PATH="$(abspath $(BIN)):$$PATH" COURSE_EXPLORERS=static $(BIN)/nbgrader

# The student edition of notebooks/ in release/notebooks/ (solutions stubbed, hidden tests removed).
student-edition: setup
	$(NBGRADER) generate_assignment notebooks --force

# Grade submitted/<student>/notebooks/*.ipynb: autograded/, feedback/<student>/ and grades.csv.
autograde: setup
	$(NBGRADER) autograde notebooks --force
	$(NBGRADER) generate_feedback notebooks --force
	$(NBGRADER) export
