"""The lock files (``tools/lock/*.txt``) satisfy ``pyproject.toml``: every requirement of
their install set is pinned, at a version inside its range, on every Python the project
supports; the lowest-versions lock pins the runtime dependencies at their lower bounds.
After a change of ``pyproject.toml`` these fail until ``make lock`` is run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lock  # noqa: E402

#: Pythons the universal locks must cover: requires-python's floor up to 3.13.
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def environment(python: str) -> dict[str, str]:
    """Marker environment of this machine with another Python version."""
    env = dict(default_environment())
    env.update(python_version=python, python_full_version=f"{python}.0")
    return env


def test_floor_is_requires_python():
    spec = SpecifierSet(lock.pyproject()["project"]["requires-python"])
    floor = [s.version for s in spec if s.operator == ">="]
    assert floor == [lock.PYTHON_FLOOR]
    assert PYTHONS[0] == lock.PYTHON_FLOOR


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("name", list(lock.SETS))
def test_lock_satisfies_pyproject(name, python):
    reqs = lock.requirements(lock.SETS[name])
    assert lock.problems(lock.lock_path(name), reqs, environment(python)) == []


@pytest.mark.parametrize("name", list(lock.SETS))
def test_lock_was_written_by_the_lock_tool(name):
    """uv's header repeats the command: the lock was made for exactly this set."""
    header = lock.lock_path(name).read_text(encoding="utf-8").splitlines()[:2]
    cmd = lock.compile_command("uv", name)
    assert header[1].lstrip("# ") == " ".join(c for c in cmd if c != "--quiet")


def test_the_sets_grow_learner_instructor_dev():
    here = environment(f"{sys.version_info[0]}.{sys.version_info[1]}")
    learner = set(lock.pins_for(lock.lock_path("learner"), here))
    instructor = set(lock.pins_for(lock.lock_path("instructor"), here))
    dev = set(lock.pins_for(lock.lock_path("dev"), here))
    assert learner < instructor < dev
    assert "nbgrader" in instructor - learner
    assert {"pytest", "nbval", "ruff"} <= dev - instructor
    assert "nbgrader" not in learner and "pytest" not in learner


@pytest.mark.parametrize("python", PYTHONS)
def test_a_package_has_one_version_in_every_set(python):
    """make lab after make test (or the other way round) changes no installed version."""
    env = environment(python)
    dev = lock.pins_for(lock.lock_path("dev"), env)
    for name in ("learner", "instructor"):
        pins = lock.pins_for(lock.lock_path(name), env)
        assert {k: v for k, v in pins.items() if dev.get(k) != v} == {}, name


def test_lowest_direct_pins_are_the_lower_bounds():
    text = (lock.LOCK_DIR / "lowest-direct.txt").read_text(encoding="utf-8")
    pins = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert pins == lock.lowest_pins()
    names = {lock.normalise(Requirement(p).name) for p in pins}
    assert {"numpy", "matplotlib", "ipywidgets", "scikit-learn", "jupyterlab"} <= names


def test_lowest_lock_pins_the_lower_bounds_and_satisfies_the_dev_set():
    """The lowest lock is for the Python in its header (the CI interpreter)."""
    header = lock.lock_path("lowest").read_text(encoding="utf-8").splitlines()[1]
    python = header.split("--python-version ")[1].split()[0]
    env = environment(python)
    path = lock.lock_path("lowest")
    assert lock.problems(path, lock.requirements(lock.LOWEST_EXTRAS), env) == []
    pinned = lock.pins_for(path, env)
    for pin in lock.lowest_pins():
        req = Requirement(pin)
        (spec,) = req.specifier
        assert Version(pinned[lock.normalise(req.name)]) == Version(spec.version), pin


def test_problems_finds_a_missing_pin_and_a_pin_out_of_range(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(
        "# comment\nnumpy==1.24.0\n    # via lrsched\nscipy==1.15.3 ; python_version < '3.11'\n",
        encoding="utf-8",
    )
    env = environment("3.11")
    found = lock.problems(path, ["numpy>=1.25", "scipy>=1.0", "tomli; python_version<'3.11'"], env)
    assert found == [
        "x.txt: numpy==1.24.0 does not satisfy 'numpy>=1.25'",
        "x.txt: scipy is not pinned (scipy>=1.0)",
    ]
    # on 3.10 the marked scipy pin and the marked requirement both apply
    reqs = ["numpy>=1.24", "scipy", "tomli; python_version<'3.11'"]
    assert lock.problems(path, reqs, environment("3.10")) == [
        "x.txt: tomli is not pinned (tomli; python_version<'3.11')"
    ]
