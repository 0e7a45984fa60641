# lrsched course: build, run and test.
#
#   make lab     open the course in JupyterLab (127.0.0.1), extra args via LAB_ARGS=...
#   make test    run the tests and the notebooks (nbval), extra args via PYTEST_ARGS=...
#   make lint    ruff
#   make bench   run benchmarks/bench_*.py
#   make course  rebuild the learner editions, navigation and index, and execute them
#   make release build the classroom release (no solutions) into release/
#   make html    build the static HTML course (executed learner edition) into site/
#   make clean   remove the virtualenv, caches and build artefacts
#
# `lab`, `test`, `lint` and `bench` create $(VENV) and install the project into it
# (editable, with the lab, dev and instructor extras); redone only when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
# JupyterLab refuses to run as root without --allow-root (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
PYTEST_ARGS ?=

VPY := $(VENV)/bin/python
STAMP := $(VENV)/.install-stamp

.PHONY: install lab test lint bench course release html clean

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

test: install
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

course: install
	$(VPY) tools/build_course.py --execute

release: install
	$(VPY) tools/build_release.py --out release

html: install
	$(VPY) tools/build_html.py --out site

clean:
	rm -rf $(VENV) build dist release site *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . -path ./.git -prune -o -type d \( -name __pycache__ -o -name .ipynb_checkpoints \) \
		-prune -exec rm -rf {} +
