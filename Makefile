# lrsched course: build, run and test.
#
#   make lab          open the course in JupyterLab (127.0.0.1) at notebooks/00_index.ipynb;
#                     installs only what a learner needs (the project with the `course` and
#                     `lab` extras, from tools/lock/learner.txt); extra args via LAB_ARGS=...
#   make test         run the tests and the notebooks (nbval), extra args via PYTEST_ARGS=...;
#                     adds the dev and instructor extras (tools/lock/dev.txt) and the
#                     frameworks extra (PyTorch, JAX/optax, Keras) for the adapters
#   make test-lowest  the second test run, on the lowest versions pyproject.toml declares
#                     (tools/lock/lowest.txt) in .venv-lowest: unit and widget tests and
#                     the chapters in LOWEST_NOTEBOOKS under nbval
#   make instructor   the learner set + nbgrader (tools/lock/instructor.txt), with
#                     nbgrader's JupyterLab menus shown again
#   make lock         rewrite tools/lock/*.txt from pyproject.toml (tools/lock.py; network)
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
#   make clean   remove the virtualenvs, caches and build products (never a file a person
#                added, .ipynb_checkpoints or notebooks/.backup/)
#
# ONLY=06_sgdr limits `course` (what is rebuilt and executed) and `html` (what is executed)
# to the notebooks whose name contains it; FORCE=1 passes --force to course, release, html.
#
# Python >= 3.10, make and git are the only prerequisites. The first command bootstraps
# uv (pinned by UV_VERSION) from PyPI into its own virtualenv, .venv-uv; uv then creates
# $(VENV) and fills it from the lock of the install set the command needs. Every set
# includes the smaller ones: learner < instructor < dev. `lint`, `bench`, `mutate`,
# `course`, `release` and `html` use the dev set, like `test`. Each set is redone only when
# pyproject.toml or its lock changes.

PYTHON ?= python3
VENV ?= .venv
UV_VENV ?= .venv-uv
UV_VERSION ?= 0.13.9
LOWEST_VENV ?= .venv-lowest
# JupyterLab refuses to run as root without --allow-root (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
PYTEST_ARGS ?=
FORCE ?=
ONLY ?=

VPY := $(VENV)/bin/python
UV := $(UV_VENV)/bin/uv
LOCK := tools/lock
STAMP := $(VENV)/.install-stamp
LEARNER_STAMP := $(VENV)/.learner-stamp
INSTRUCTOR_STAMP := $(VENV)/.instructor-stamp
LOWEST_STAMP := $(LOWEST_VENV)/.install-stamp
FORCE_ARG := $(if $(filter 1 yes true,$(FORCE)),--force)
ONLY_ARG := $(if $(strip $(ONLY)),--only $(ONLY))

# JupyterLab as a learner sees it (tests/browser/labdriver.py LEARNER_FLAGS holds the same
# flags): the course index as start page and printed URL, no update check; the settings
# folder gets tools/jupyterlab_overrides.json (no news pop-up) and
# tools/jupyterlab_page_config.json (nbgrader's menus and toolbar off).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
LAB_FLAGS := --ServerApp.ip=127.0.0.1 \
	--LabApp.default_url=/lab/tree/notebooks/00_index.ipynb \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

# uv from PyPI, in a virtualenv of its own (a recipe step, not a prerequisite, so that an
# existing $(VENV) is never rebuilt because uv was installed after it); with packaging
# (and tomli before Python 3.11) for tools/lock.py.
define bootstrap_uv
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { \
		echo "error: Python >= 3.10 is required, but $(PYTHON) is '$$($(PYTHON) --version 2>&1)';" \
		"pick another interpreter with: make PYTHON=python3.X ..." >&2; exit 1; }
	@test -x $(UV) || { set -x; $(PYTHON) -m venv $(UV_VENV) && \
		$(UV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		"uv==$(UV_VERSION)" packaging "tomli; python_version < '3.11'"; }
endef

.PHONY: install lab instructor lock test test-lowest lint bench mutate course release html clean

install: $(STAMP)

$(VPY):
	$(bootstrap_uv)
	$(UV) venv --quiet --python $(PYTHON) $(VENV)

# `uv pip install` adds to the venv and never removes: each set lands on top of a smaller one.
$(LEARNER_STAMP): pyproject.toml $(LOCK)/learner.txt tools/learner-excludes.txt $(VPY)
	$(bootstrap_uv)
	$(UV) pip install --python $(VPY) -e ".[course,lab]" -c $(LOCK)/learner.txt \
		--excludes tools/learner-excludes.txt
	touch $@

$(INSTRUCTOR_STAMP): pyproject.toml $(LOCK)/instructor.txt $(VPY)
	$(bootstrap_uv)
	$(UV) pip install --python $(VPY) -e ".[course,lab,instructor]" -c $(LOCK)/instructor.txt
	touch $@

$(STAMP): pyproject.toml $(LOCK)/dev.txt $(VPY)
	$(bootstrap_uv)
	$(UV) pip install --python $(VPY) -e ".[course,lab,instructor,dev]" -c $(LOCK)/dev.txt
	touch $@

lab: $(LEARNER_STAMP)
	mkdir -p $(LAB_SETTINGS)
	cp tools/jupyterlab_overrides.json $(LAB_SETTINGS)/overrides.json
	cp tools/jupyterlab_page_config.json $(LAB_SETTINGS)/page_config.json
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) --ServerApp.root_dir=$(CURDIR) $(LAB_ARGS)

# nbgrader's menus and toolbar come back (make lab hides them again).
instructor: $(INSTRUCTOR_STAMP)
	rm -f $(LAB_SETTINGS)/page_config.json

lock:
	$(bootstrap_uv)
	$(UV_VENV)/bin/python tools/lock.py --uv $(UV)

# The tests also check the PyTorch, optax and Keras adapters against the real libraries:
# they need the `frameworks` extra, pinned by tools/constraints-frameworks.txt (the CPU
# build of PyTorch). `make lab` does not install it.
FRAMEWORKS_STAMP := $(VENV)/.frameworks-stamp

$(FRAMEWORKS_STAMP): pyproject.toml tools/constraints-frameworks.txt $(STAMP)
	$(VPY) -m pip install -e ".[frameworks]" -c tools/constraints-frameworks.txt -c $(LOCK)/dev.txt
	touch $@

test: install $(FRAMEWORKS_STAMP)
	$(VPY) -m pytest -n 2 --dist loadscope \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		tests notebooks solutions $(PYTEST_ARGS)

# The lowest versions pyproject.toml declares (tools/lock/lowest.txt: NumPy and the course
# and lab extras at their lower bounds, the dev tools at versions compatible with them),
# in $(LOWEST_VENV); $(LOWEST_VENV)/versions.txt lists what was installed. Not run here:
# tests/browser (the browser tests), the framework adapters' tests (their frameworks need
# newer NumPy), test_commands.py (the make targets) and the tests that run nbgrader
# (test_editions.py, test_grading_*.py; nbgrader is not in this set). LOWEST_NOTEBOOKS are
# the chapters run under nbval: their stored outputs print the same with these versions
# (02_decay_schedules does not: it prints a float that NumPy 1.25's exp rounds 1 ulp apart).
LOWEST_NOTEBOOKS ?= 01_why_schedules 03_cosine_annealing 06_sgdr 10_sklearn_schedules
LOWEST_IGNORE := tests/browser tests/test_commands.py tests/test_editions.py \
	$(wildcard tests/test_adapter_*.py tests/test_torch_parity.py tests/test_grading_*.py)

$(LOWEST_STAMP): pyproject.toml $(LOCK)/lowest.txt
	$(bootstrap_uv)
	test -x $(LOWEST_VENV)/bin/python || $(UV) venv --quiet --python $(PYTHON) $(LOWEST_VENV)
	$(UV) pip install --python $(LOWEST_VENV)/bin/python -e ".[course,lab,dev]" \
		-c $(LOCK)/lowest.txt
	$(UV) pip freeze --python $(LOWEST_VENV)/bin/python --exclude-editable \
		> $(LOWEST_VENV)/versions.txt
	touch $@

test-lowest: $(LOWEST_STAMP)
	$(LOWEST_VENV)/bin/python -c 'import numpy, matplotlib, ipywidgets, sklearn, jupyterlab; \
		print("lowest versions: numpy", numpy.__version__, "matplotlib", matplotlib.__version__, \
		"ipywidgets", ipywidgets.__version__, "scikit-learn", sklearn.__version__, \
		"jupyterlab", jupyterlab.__version__)'
	$(LOWEST_VENV)/bin/python -m pytest -n 2 --dist loadscope \
		$(addprefix --ignore=,$(LOWEST_IGNORE)) tests $(PYTEST_ARGS)
	$(LOWEST_VENV)/bin/python -m pytest -n 2 --dist loadscope \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		$(patsubst %,notebooks/%.ipynb,$(LOWEST_NOTEBOOKS)) $(PYTEST_ARGS)

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
	rm -rf $(VENV) $(UV_VENV) $(LOWEST_VENV) build dist *.egg-info .pytest_cache .hypothesis \
		.ruff_cache
	find . \( -path ./.git -o -name .ipynb_checkpoints -o -name $(notdir $(VENV)) \
		-o -name $(notdir $(UV_VENV)) -o -name $(notdir $(LOWEST_VENV)) \) -prune \
		-o -type d -name __pycache__ -prune -exec rm -rf {} +
