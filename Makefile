# lrsched course: build, run and test.
#
#   make lab     open the course in JupyterLab (127.0.0.1), extra args via LAB_ARGS=...
#   make test    run the tests and the notebooks (nbval), extra args via PYTEST_ARGS=...;
#                also installs the frameworks extra (PyTorch, JAX/optax, Keras) for the adapters
#   make lint    ruff
#   make bench   run benchmarks/bench_*.py
#   make mutate  the mutation run (tools/mutate.py): kill rate of the tests, goal >= 90%
#   make course  rewrite the graded tests (tools/build_grading.py), rebuild the learner
#                editions, navigation and index, and execute them;
#                it never overwrites a learner edition in notebooks/ whose answers were
#                edited: it stops and lists them; FORCE=1 overwrites them after keeping a
#                copy of each in notebooks/.backup/
#   make release build the classroom release (no solutions) into release/
#   make html    build the static HTML course (executed learner edition) into site/
#                (release and html make exercise chapters from solutions/, refuse to write
#                if a solution line would ship, and replace only the files they made)
#   make clean   remove the virtualenv, caches and build products (never a file a person
#                added, .ipynb_checkpoints or notebooks/.backup/)
#
# ONLY=05_sgdr limits `course` (what is rebuilt and executed) and `html` (what is executed)
# to the notebooks whose name contains it; FORCE=1 passes --force to course, release, html.
#
# `lab`, `test`, `lint` and `bench` create $(VENV) and install the project into it
# (editable, with the lab, dev and instructor extras); redone only when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
# JupyterLab refuses to run as root without --allow-root (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
PYTEST_ARGS ?=
FORCE ?=
ONLY ?=

VPY := $(VENV)/bin/python
STAMP := $(VENV)/.install-stamp
FORCE_ARG := $(if $(filter 1 yes true,$(FORCE)),--force)
ONLY_ARG := $(if $(strip $(ONLY)),--only $(ONLY))

.PHONY: install lab test lint bench mutate course release html clean

install: $(STAMP)

$(VPY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { \
		echo "error: Python >= 3.10 is required, but $(PYTHON) is '$$($(PYTHON) --version 2>&1)';" \
		"pick another interpreter with: make PYTHON=python3.X ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(VPY)
	$(VPY) -m pip install -e ".[lab,dev,instructor]"
	touch $@

lab: install
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 notebooks/00_index.ipynb $(LAB_ARGS)

# The tests also check the PyTorch, optax and Keras adapters against the real libraries:
# they need the `frameworks` extra, pinned by tools/constraints-frameworks.txt (the CPU
# build of PyTorch). `make lab` does not install it.
FRAMEWORKS_STAMP := $(VENV)/.frameworks-stamp

$(FRAMEWORKS_STAMP): pyproject.toml tools/constraints-frameworks.txt $(STAMP)
	$(VPY) -m pip install -e ".[frameworks]" -c tools/constraints-frameworks.txt
	touch $@

test: install $(FRAMEWORKS_STAMP)
	$(VPY) -m pytest -n 2 --dist loadscope \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		tests notebooks solutions $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	@set -e; for f in benchmarks/bench_*.py; do \
		if [ ! -e "$$f" ]; then echo "no benchmarks/bench_*.py found"; break; fi; \
		echo "== $$f"; $(VPY) "$$f"; \
	done

# Mutation run: small deliberate bugs in the schedules, theory, range test and checkers,
# each against the tests that cover it, in a temporary copy of the tree (several minutes).
mutate: install
	$(VPY) tools/mutate.py --min-rate 0.9 --jobs 2

course: install
	$(VPY) tools/build_grading.py
	$(VPY) tools/build_course.py --execute $(FORCE_ARG) $(ONLY_ARG)

release: install
	$(VPY) tools/build_release.py --out release $(FORCE_ARG)

html: install
	$(VPY) tools/build_html.py --out site $(FORCE_ARG) $(ONLY_ARG)

# release/ and site/: only the files their manifests list (the folder too if nothing else
# is left); never .ipynb_checkpoints (JupyterLab's revert copies) or notebooks/.backup/.
clean:
	$(PYTHON) tools/safe_write.py clean release site
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . \( -path ./.git -o -name .ipynb_checkpoints -o -name $(notdir $(VENV)) \) -prune \
		-o -type d -name __pycache__ -prune -exec rm -rf {} +
