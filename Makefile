# The course's commands. `make lab` runs the course; `make test` runs every test.
# Both set everything up first (a virtual environment in .venv) and are safe to run again.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8888

.PHONY: lab test test-matrix setup setup-test workbooks execute bench browser clean \
	student-edition autograde merge-grades bubblewrap

# The student's JupyterLab. nbgrader's server and lab extensions (formgrader, assignment list,
# ...) are for instructors: `make setup` does not install nbgrader, and where `make test` has
# installed it in the same environment, the course-local Jupyter configuration in student-lab/
# (put first on JUPYTER_CONFIG_PATH, so it overrides the environment's) switches them off.
lab: setup workbooks
	JUPYTER_CONFIG_PATH="$(CURDIR)/student-lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(BIN)/jupyter lab --notebook-dir=workbooks --port=$(PORT) $(LAB_ARGS)

# Tests run in parallel, one worker per core (at most 4); each file stays on one worker, so a
# notebook's cells run in order in one kernel.
test: setup-test browser bubblewrap
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist=loadfile

# What a student needs: the course, its runtime and JupyterLab (the `lab` extra; no nbgrader).
# Reinstalled only when the packaging changes.
setup: $(STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	touch $(STAMP)

# The test suite's and the instructor's tools on top (the `test` extra, which includes
# `instructor`), in the same environment: PyTorch is installed once.
setup-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# The student's own copies of the notebooks (never overwritten once they exist).
workbooks: setup
	$(BIN)/cnn-course workbooks workbooks

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
	rm -rf $(VENV) .matrix autograded feedback grading-shards

# Instructors (nbgrader; see the README). nbgrader runs `alembic`, hence the PATH.
NBGRADER := PATH="$(abspath $(BIN)):$$PATH" COURSE_EXPLORERS=static $(BIN)/nbgrader

# The student edition of notebooks/ in release/notebooks/ (solutions stubbed, hidden tests
# removed, outputs cleared). It is committed and ships inside the package: regenerate it after
# changing a notebook (tests/test_student_edition.py fails until you do).
student-edition: setup-test
	$(NBGRADER) generate_assignment notebooks --force

# Grade submitted/<student>/notebooks/*.ipynb, every student in a sandbox of their own, JOBS at
# a time (default: one per core): autograded/, feedback/, grades.csv, grading_status.csv and
# grading.log (course_utils/grading/autograde.py). SHARD=i/n grades only every n-th student,
# into grading-shards/ (one machine each: Slurm, Kubernetes; see scripts/grading/), and
# merge-grades merges the shards. SANDBOX=no runs the notebooks unsandboxed: only for notebooks
# you trust, such as your own.
GRADE := PATH="$(abspath $(BIN)):$$PATH" COURSE_EXPLORERS=static $(BIN)/python -m course_utils.grading.autograde
autograde: setup-test $(if $(filter no,$(SANDBOX)),,bubblewrap)
	$(GRADE) $(if $(JOBS),--jobs $(JOBS)) $(if $(SHARD),--shard $(SHARD)) \
		$(if $(filter no,$(SANDBOX)),--no-sandbox)

merge-grades: setup-test
	$(GRADE) merge

# bubblewrap (and util-linux's prlimit, setpriv, nsenter), the grading sandbox, on Linux.
bubblewrap:
	@bash .ci/install_bubblewrap.sh || \
		echo "WARNING: the grading sandbox cannot run here; make autograde will say why."
