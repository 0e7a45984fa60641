"""Tests of tools/mutate.py itself, on a toy repository (a few seconds of pytest runs)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    """tools/mutate.py (which imports the package tools/mutants) as a module."""
    spec = importlib.util.spec_from_file_location("mutate", ROOT / "tools" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate"] = module
    spec.loader.exec_module(module)
    return module, sys.modules["mutants"]


mutate, mutants = _load()
Mutant = mutants.Mutant


def test_a_mutant_applies_only_when_its_source_occurs_exactly_once():
    m = Mutant("m", "x.py", "a < b", "a <= b", "d", ("t.py",))
    assert mutate.apply(m, "if a < b:\n    pass\n") == "if a <= b:\n    pass\n"
    assert mutate.apply(m, "if a > b:\n") is None  # gone: stale
    assert mutate.apply(m, "a < b and a < b") is None  # ambiguous: stale too


def test_the_mutant_list_is_well_formed():
    names = [m.name for m in mutants.MUTANTS]
    assert len(names) >= 60
    assert len(set(names)) == len(names)
    assert mutate.check_mutants(mutants.MUTANTS, ROOT) == []
    modules = {Path(m.module).name for m in mutants.MUTANTS}
    for module in ("cosine.py", "decay.py", "cyclic.py", "warmup.py", "compose.py"):
        assert module in modules
    for module in ("theory.py", "range_test.py"):
        assert module in modules
    assert any(Path(m.module).parent.name == "exercises" for m in mutants.MUTANTS)  # checkers
    for m in mutants.MUTANTS:
        assert (ROOT / m.module).is_file(), m.name
        assert m.find != m.replace and m.description, m.name


def test_pytest_output_is_read_from_its_own_summary():
    out = (
        "..F\nFAILED tests/test_a.py::test_x - AssertionError: no\n"
        "ERROR tests/test_b.py::test_y - RuntimeError\nERROR tests/test_c.py\n"
        "1 failed, 2 passed, 1 error in 0.5s\n"
    )
    assert mutate.failed_nodes(out) == ["tests/test_a.py::test_x", "tests/test_b.py::test_y"]
    assert not mutate.passed_then_crashed(out)
    # every test passed, then a stray signal killed pytest's clean-up: not a kill
    assert mutate.passed_then_crashed("...\n3 passed in 0.5s\nTraceback (most recent call last):")
    assert not mutate.passed_then_crashed("Traceback (most recent call last):")


def test_summary_leaves_stale_and_errors_out_of_the_rate():
    def outcome(module, status):
        return mutate.Outcome(Mutant(f"{module}{status}", module, "a", "b", "d", ("t",)), status)

    outs = [outcome("a.py", "killed")] * 3 + [outcome("a.py", "survived")]
    outs += [outcome("b.py", "stale"), outcome("b.py", "error"), outcome("b.py", "killed")]
    s = mutate.summary(outs)
    assert s["modules"]["a.py"]["rate"] == 0.75
    assert s["modules"]["b.py"]["rate"] == 1.0
    assert s["total"]["rate"] == 0.8
    assert (s["total"]["stale"], s["total"]["error"]) == (1, 1)
    text = mutate.report(outs)
    assert "Survivors (1)" in text and "Stale (1)" in text and "Errors (1)" in text


TOY = {
    "toypkg/__init__.py": (
        "def clamp(x):\n    return min(x, 10)\n\n\n"
        "def double(x):\n    return 2 * x\n\n\n"
        "def untested(x):\n    return x + 1\n"
    ),
    "tests/test_toy.py": (
        "from toypkg import clamp, double\n\n\n"
        "def test_clamp():\n    assert clamp(11) == 10 and clamp(3) == 3\n\n\n"
        "def test_double():\n    assert double(2) == 4\n"
    ),
    ".gitignore": "ignored.txt\n",
    "ignored.txt": "not copied\n",
}


def _toy_repo(path: Path) -> Path:
    for name, text in TOY.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    return path


def _snapshot(path: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in path.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }


def test_toy_run_kills_reports_survivors_and_stale_and_leaves_the_tree_alone(tmp_path):
    repo = _toy_repo(tmp_path / "repo")
    before = _snapshot(repo)
    tests = ("tests/test_toy.py",)
    toy = [
        Mutant("off-by-one", "toypkg/__init__.py", "min(x, 10)", "min(x, 11)", "d", tests),
        Mutant("untested", "toypkg/__init__.py", "return x + 1", "return x + 2", "d", tests),
        Mutant("gone", "toypkg/__init__.py", "return x * 3", "return x * 4", "d", tests),
    ]
    outcomes, broken = mutate.run_all(toy, repo, package="toypkg", timeout=300, progress=False)
    status = {o.mutant.name: o.status for o in outcomes}
    assert broken == {tests: []}
    assert status == {"off-by-one": "killed", "untested": "survived", "gone": "stale"}
    assert _snapshot(repo) == before  # nothing written, nothing touched
    # a mutant that hangs is stopped at the time limit and counts as killed
    hang = Mutant(
        "hang", "toypkg/__init__.py", "return 2 * x", "while True:\n        pass", "d", tests
    )
    copy = mutate.make_copy(repo, tmp_path / "copy")
    outcome = mutate.run_mutant(hang, copy, "toypkg", timeout=2)
    assert (outcome.status, outcome.detail) == ("killed", "timeout: no result after 2 s")
    assert (copy / "toypkg/__init__.py").read_text() == TOY["toypkg/__init__.py"]  # restored


def test_copy_holds_the_git_listed_files_and_the_guard_refuses_another_package(tmp_path):
    repo = _toy_repo(tmp_path / "repo")
    copy = mutate.make_copy(repo, tmp_path / "copy")
    assert (copy / "toypkg/__init__.py").read_text() == TOY["toypkg/__init__.py"]
    assert not (copy / "ignored.txt").exists()
    assert mutate.imported_from(copy, "toypkg") == str((copy / "toypkg/__init__.py").resolve())
    # another toypkg that wins the import (as an editable install could): the guard stops
    # the run, which counts as an error, never as a killed mutant
    elsewhere = tmp_path / "elsewhere" / "toypkg"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text(TOY["toypkg/__init__.py"])
    conftest = f"import sys\nsys.path.insert(0, {str(elsewhere.parent)!r})\n"
    (copy / "conftest.py").write_text(conftest)
    status, detail = mutate.run_tests(copy, "toypkg", ["tests/test_toy.py"], timeout=60)
    assert status == "error"
    assert f"exit status {mutate.GUARD_STATUS}" in detail


@pytest.mark.parametrize("argv", [["--min-rate", "1.5"], ["--jobs", "3"], ["--name", "nope"]])
def test_command_line_refuses_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        mutate.main(argv)
    assert exc.value.code == 2
