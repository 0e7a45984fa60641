"""Checks that the packaging and run files agree with each other.

* pyproject.toml (runtime `dependencies` + the `course` and `lab` extras) and
  environment.yml (conda/Binder) list the same packages with the same lower bounds;
* `pip install .` needs only NumPy; the course's packages come with the `course` extra,
  and `lrsched._extras` names that extra for each of them;
* nbval stays pinned to the 0.11 series, whose command-line options the Makefile uses;
* CI runs `make test` and then `make test-lowest`, and the README's Quick start shows
  exactly `make lab` and `make test`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def normalise(name: str) -> str:
    """Package name as compared here: lower-case, runs of `-`, `_`, `.` become `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bound(name: str, specifier: SpecifierSet) -> Version:
    """The single `>=` bound of `specifier`; fails if there is none or more than one."""
    bounds = [Version(s.version) for s in specifier if s.operator == ">="]
    assert len(bounds) == 1, f"{name}: expected exactly one '>=' bound, got '{specifier}'"
    return bounds[0]


def pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def pip_bounds(requirements: list[str]) -> dict[str, Version]:
    out: dict[str, Version] = {}
    for line in requirements:
        req = Requirement(line)
        name = normalise(req.name)
        assert name not in out, f"{req.name} listed twice in pyproject.toml"
        out[name] = lower_bound(req.name, req.specifier)
    return out


CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def conda_bounds(dependencies: list) -> dict[str, Version]:
    out: dict[str, Version] = {}
    for dep in dependencies:
        if isinstance(dep, dict):  # the `- pip:` section installs the repo itself
            assert set(dep) == {"pip"}, f"unexpected mapping in environment.yml: {dep!r}"
            continue
        match = CONDA_SPEC.match(str(dep))
        assert match, f"cannot parse conda dependency {dep!r}"
        name, spec = normalise(match[1]), match[2].replace(" ", "")
        if name in ("python", "pip"):
            continue
        assert name not in out, f"{name} listed twice in environment.yml"
        out[name] = lower_bound(name, SpecifierSet(spec))
    return out


def test_runtime_dependencies_match_environment_yml():
    project = pyproject()["project"]
    extras = project["optional-dependencies"]
    runtime = project["dependencies"] + extras["course"] + extras["lab"]
    expected = pip_bounds(runtime)

    with open(ROOT / "environment.yml", encoding="utf-8") as f:
        env = yaml.safe_load(f)
    assert "conda-forge" in env["channels"]
    conda = conda_bounds(env["dependencies"])

    assert conda == expected
    # Sanity: the comparison really covers the course's core packages.
    assert {"numpy", "matplotlib", "ipywidgets", "scikit-learn", "jupyterlab"} <= set(expected)


def test_core_needs_only_numpy_and_the_course_extra_holds_the_rest():
    project = pyproject()["project"]
    assert set(pip_bounds(project["dependencies"])) == {"numpy"}
    course = set(pip_bounds(project["optional-dependencies"]["course"]))
    assert course == {"matplotlib", "ipywidgets", "scikit-learn"}


def test_extras_module_names_the_course_extra_for_each_course_package():
    from lrsched._extras import EXTRA_OF

    top_level = {"matplotlib": "matplotlib", "ipywidgets": "ipywidgets", "scikit-learn": "sklearn"}
    course = pip_bounds(pyproject()["project"]["optional-dependencies"]["course"])
    for name in course:
        assert EXTRA_OF[top_level[name]] == "course", name
    # IPython comes with ipywidgets (and ipykernel): the same extra brings it
    assert EXTRA_OF["IPython"] == "course"


def test_environment_yml_installs_python_pip_and_the_repo():
    with open(ROOT / "environment.yml", encoding="utf-8") as f:
        deps = yaml.safe_load(f)["dependencies"]
    names = [CONDA_SPEC.match(d)[1] for d in deps if isinstance(d, str)]
    assert "python" in names and "pip" in names
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict)]
    assert pip_sections == [["."]]


def test_nbval_pinned_to_0_11():
    dev = [Requirement(r) for r in pyproject()["project"]["optional-dependencies"]["dev"]]
    nbval = [r for r in dev if normalise(r.name) == "nbval"]
    assert len(nbval) == 1, "nbval must appear exactly once in the dev extra"
    assert nbval[0].specifier == SpecifierSet(">=0.11,<0.12")


def test_ci_runs_make_test_and_readme_quick_start():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert "make test" in commands, ".ci/run must call `make test` on a line of its own"
    assert "make test-lowest" in commands, ".ci/run must call `make test-lowest` too"
    assert commands.index("make test") < commands.index("make test-lowest")

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\s*$(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, "README.md has no '## Quick start' section"
    blocks = re.findall(r"^```(\w*)\n(.*?)^```\s*$", section[1], re.M | re.S)
    assert len(blocks) == 1, "Quick start must hold exactly one fenced code block"
    lang, body = blocks[0]
    assert lang == "sh"
    assert [ln.strip() for ln in body.splitlines() if ln.strip()] == ["make lab", "make test"]


def test_bound_comparison_detects_drift():
    """The helpers normalise names, and notice a changed bound or a missing package."""
    conda = conda_bounds(
        ["python>=3.10", "numpy >=1.24", "Scikit_Learn>=1.3", "pip", {"pip": ["."]}]
    )
    assert pip_bounds(["numpy>=1.24.0", "scikit-learn>=1.3"]) == conda
    assert pip_bounds(["numpy>=1.25", "scikit-learn>=1.3"]) != conda
    assert pip_bounds(["numpy>=1.24"]) != conda
    with pytest.raises(AssertionError):
        pip_bounds(["numpy"])  # no lower bound at all
