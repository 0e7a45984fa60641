"""The mutant record, the test files that cover each area, and shorthands to build mutants."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: replace ``find`` (exactly once) by ``replace`` in ``module``."""

    name: str
    module: str
    find: str
    replace: str
    description: str
    tests: tuple[str, ...]


SCHEDULE_TESTS = (
    "tests/test_schedules.py",
    "tests/test_torch_parity.py",
    "tests/test_validation.py",
    "tests/test_schedule_boundaries.py",
    "tests/test_properties.py",
)
NUMERIC_TESTS = SCHEDULE_TESTS + ("tests/test_hostile_inputs.py",)
THEORY_TESTS = ("tests/test_theory.py", "tests/test_theory_edges.py")
RANGE_TESTS = ("tests/test_range_test.py", "tests/test_range_test_rules.py")
SKLEARN_TESTS = ("tests/test_sklearn_schedules.py", "tests/test_plateau_rules.py")
PLATEAU_TESTS = (
    "tests/test_torch_parity.py",
    "tests/test_validation.py",
    "tests/test_plateau_rules.py",
)
# the checkers' own tests (split over several files named test_exercises*.py), the graded
# hidden blocks, and the rejections added for the mutation run
CHECKER_TESTS = (
    *sorted(p.relative_to(_ROOT).as_posix() for p in _ROOT.glob("tests/test_exercises*.py")),
    "tests/test_grading_blocks.py",
    "tests/test_checker_rejections.py",
)


def _m(name: str, module: str, find: str, replace: str, description: str, tests) -> Mutant:
    return Mutant(name, f"lrsched/{module}", find, replace, description, tests)


def _s(name, module, find, replace, description):
    return _m(name, module, find, replace, description, SCHEDULE_TESTS)


def _t(name, find, replace, description):
    return _m(name, "theory.py", find, replace, description, THEORY_TESTS)


def _r(name, find, replace, description):
    return _m(name, "range_test.py", find, replace, description, RANGE_TESTS)


def _c(name, module, find, replace, description):
    return _m(name, module, find, replace, description, CHECKER_TESTS)
