"""One source, two editions: the reference edition (solutions/) and the learner edition
(notebooks/), the self-study reveal, the classroom release, and grading with real nbgrader."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from lrsched import exercises as ex

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
LEARNER = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
import build_course  # noqa: E402
import build_release  # noqa: E402
import no_leak  # noqa: E402

NBGRADER = [sys.executable, "-m", "nbgrader"]


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def secret_lines() -> dict[str, set[str]]:
    """Non-trivial lines of every solution region, hidden-test block and written answer
    (``tools/no_leak.py``: the build tools refuse to ship any of them)."""
    return no_leak.secret_lines(ROOT / "solutions")


def text_of_tree(folder: Path) -> str:
    """All text in a folder, wheels unpacked."""
    chunks = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                chunks += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
        elif path.is_file():
            chunks.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(chunks)


def test_every_exercise_chapter_has_both_editions():
    assert [p.name for p in REFERENCE] == [
        "05_cyclic_and_range_test.ipynb",
        "06_sgdr.ipynb",
        "08_noisy_sgd.ipynb",
        "09_real_network.ipynb",
        "11_practice_and_pitfalls.ipynb",
    ]
    for path in REFERENCE:
        assert (LEARNER / path.name).is_file()


def test_committed_learner_editions_are_what_a_fresh_build_produces():
    assert build_course.main(["--check"]) == 0


def test_learner_editions_hold_stubs_not_solutions():
    for path in REFERENCE:
        nb = nbformat.read(LEARNER / path.name, as_version=4)
        text = json.dumps(nb.cells)
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, (path.name, marker)
        solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert solutions, path.name
        for cell in solutions:
            stub = "raise NotImplementedError()" if cell.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in _source(cell), (path.name, cell.metadata["nbgrader"]["grade_id"])
        checks = [
            c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
        ]
        assert checks and all(c.metadata["editable"] is False for c in checks)


def test_run_all_goes_through_the_learner_edition():
    """Executed with every stub in place: no error output, and "not implemented yet" shown."""
    for path in REFERENCE:
        nb = nbformat.read(LEARNER / path.name, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert all(o.output_type != "error" for o in outputs), path.name
        assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
        assert "not implemented yet" in json.dumps([o for o in outputs if "text" in o])


def test_no_solution_line_leaks_into_the_learner_edition():
    secrets = secret_lines()
    assert sum(len(v) for v in secrets.values()) >= 30  # the test looks at real content
    learner_text = "\n".join(p.read_text(encoding="utf-8") for p in LEARNER.glob("*.ipynb"))
    for name, lines in secrets.items():
        for line in lines:
            assert json.dumps(line)[1:-1] not in learner_text and line not in learner_text, (
                name,
                line,
            )


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release.build(tmp_path_factory.mktemp("release"))


def test_classroom_release_has_no_reference_edition_and_no_leak(release):
    assert not list(release.rglob("solutions"))
    names = sorted(p.name for p in (release / "notebooks").glob("*.ipynb"))
    assert names == sorted(p.name for p in LEARNER.glob("*.ipynb"))
    assert len(list(release.glob("lrsched-*.whl"))) == 1
    notebooks = text_of_tree(release / "notebooks")
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS"):
        assert marker not in notebooks
    text = text_of_tree(release)  # notebooks, README and the package's files
    for name, lines in secret_lines().items():
        for line in lines:
            assert json.dumps(line)[1:-1] not in text and line not in text, (name, line)


def test_reveal_shows_the_reference_solution_only_when_clicked(monkeypatch):
    monkeypatch.chdir(LEARNER)  # where a learner's notebook runs
    box = ex.reveal_button("06_sgdr", "ex2")
    button, out = box.children
    assert out.outputs == ()  # nothing shown by default
    button.click()
    shown = out.outputs[0]["data"]["text/markdown"]
    assert "Reference solution — ex2" in shown and "since_restart = t - cycle_start" in shown
    assert "BEGIN SOLUTION" not in shown
    # written answers come from the same place
    assert "noise floor" in ex.reveal_text("11_practice_and_pitfalls", "q1")


def test_reveal_in_a_classroom_release_says_there_is_none(monkeypatch, release):
    monkeypatch.delenv("LRSCHED_SOLUTIONS", raising=False)
    monkeypatch.chdir(release / "notebooks")
    assert ex.find_reference("06_sgdr") is None
    box = ex.reveal_button("06_sgdr", "ex2")
    box.children[0].click()
    shown = box.children[1].outputs[0]["data"]["text/markdown"]
    assert "No reference solutions in this copy of the course" in shown


# --- real nbgrader ---------------------------------------------------------------------------


def _nbgrader(*args, cwd=ROOT, check=True):
    # nbgrader runs helper programs (alembic) found next to this interpreter
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [*NBGRADER, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=900
    )
    if check and out.returncode:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out


@pytest.mark.parametrize("path", REFERENCE, ids=[p.stem for p in REFERENCE])
def test_nbgrader_validate_passes_on_the_reference_edition(path):
    out = _nbgrader("validate", str(path))
    assert "Success! Your notebook passes all the tests." in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("path", REFERENCE, ids=[p.stem for p in REFERENCE])
def test_nbgrader_validate_learner_edition_fails_every_graded_cell(path):
    out = _nbgrader("validate", "--invert", str(LEARNER / path.name))
    assert "Success! The notebook does not pass any tests." in out.stdout, out.stdout + out.stderr


def _fill(cell, reference_source: str) -> None:
    """Put the reference solution (markers removed) into a learner's solution cell."""
    cell.source = "\n".join(
        ln
        for ln in reference_source.splitlines()
        if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln
    )


def test_nbgrader_autogrades_a_sample_submission(tmp_path):
    """Two exercises right, one wrong: the autograder gives exactly the right score."""
    course = tmp_path / "course"
    chapters = ["05_cyclic_and_range_test", "06_sgdr", "11_practice_and_pitfalls"]
    (course / "source" / "ps").mkdir(parents=True)
    for name in chapters:
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", course / "source" / "ps")
    config = (ROOT / "tools" / "nbgrader_config.py").read_text(encoding="utf-8")  # the README's
    (course / "nbgrader_config.py").write_text(
        config + "\nc.CourseDirectory.course_id = 'lrsched'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n",
        encoding="utf-8",
    )
    _nbgrader("db", "assignment", "add", "ps", cwd=course)
    _nbgrader("db", "student", "add", "alice", cwd=course)
    _nbgrader("generate_assignment", "ps", cwd=course)

    submitted = course / "submitted" / "alice" / "ps"
    submitted.mkdir(parents=True)
    for name in chapters:
        released = nbformat.read(course / "release" / "ps" / f"{name}.ipynb", as_version=4)
        ours = nbformat.read(LEARNER / f"{name}.ipynb", as_version=4)
        # nbgrader's own release and our learner edition hold the same cells
        assert [
            (c.cell_type, _source(c))
            for c in released.cells
            if "navigation" not in c.metadata.get("tags", [])
        ] == [
            (c.cell_type, _source(c))
            for c in ours.cells
            if "navigation" not in c.metadata.get("tags", [])
        ]
        reference = {
            c.metadata["nbgrader"]["grade_id"]: _source(c)
            for c in nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4).cells
            if c.metadata.get("nbgrader", {}).get("solution")
        }
        for cell in released.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if not cell.metadata.get("nbgrader", {}).get("solution") or cell.cell_type != "code":
                continue
            if gid == "q4_answer":  # the wrong one: the rate at t = 0, not at t = 50
                cell.source = "def answer_q4():\n    return 0.1\n"
            else:
                _fill(cell, reference[gid])
        nbformat.write(released, submitted / f"{name}.ipynb")
    (submitted / "timestamp.txt").write_text("2026-11-22 12:00:00.000000 UTC", encoding="utf-8")

    _nbgrader("autograde", "ps", cwd=course)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission("ps", "alice")
        scores = {
            g.name: g.score for nb in sub.notebooks for g in nb.grades if g.auto_score is not None
        }
        # written answers were left as "YOUR ANSWER HERE": unchanged cells score 0
        assert scores == {
            "ex1_check": 2.0,
            "ex2_sgdr_check": 2.0,
            "q4_check": 0.0,
            "q1_answer": 0.0,
            "q2_answer": 0.0,
            "q3_answer": 0.0,
        }
        assert sub.code_score == 4.0 and sub.max_code_score == 5.0
