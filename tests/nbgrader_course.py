"""A small nbgrader course built from the reference edition, for tests that grade for real.

The course has one assignment, ``ps``, whose notebook ``sheet.ipynb`` holds the set-up
cell and every exercise of the reference edition (answer cells, check cells with their
hidden tests, written answers) in chapter order: the cells nbgrader grades, without the
chapters' figures and explorers, so that many submissions can be autograded quickly.
The nbgrader configuration is the course's own (``tools/nbgrader_config.py``), with
shorter time limits so that stalling submissions cost the test little time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [
    "05_cyclic_and_range_test",
    "06_sgdr",
    "08_noisy_sgd",
    "09_real_network",
    "11_practice_and_pitfalls",
]
FAST_LIMITS = "c.Execute.timeout = 15\nc.Execute.iopub_timeout = 5\n"


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def sheet() -> nbformat.NotebookNode:
    """The assignment notebook: set-up cell, then every graded cell of the chapters."""
    cells = []
    for n, name in enumerate(CHAPTERS):
        ref = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
        for cell in ref.cells:
            is_setup = "setup" in cell.metadata.get("tags", [])
            if (is_setup and n == 0) or cell.metadata.get("nbgrader"):
                cell = nbformat.from_dict(cell)
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
                cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def nbgrader(*args: str, cwd: Path, check: bool = True, timeout: float = 1500):
    """Run the nbgrader command line with this interpreter's environment."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if check and out.returncode:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out


def make_course(root: Path, students: list[str]) -> Path:
    """Create the course, its students and the released assignment; return the root."""
    (root / "source" / "ps").mkdir(parents=True)
    nbformat.write(sheet(), root / "source" / "ps" / "sheet.ipynb")
    config = (ROOT / "tools" / "nbgrader_config.py").read_text(encoding="utf-8")
    config += f"\nc.CourseDirectory.course_id = 'lrsched'\nc.CourseDirectory.root = {str(root)!r}\n"
    (root / "nbgrader_config.py").write_text(config + FAST_LIMITS, encoding="utf-8")
    nbgrader("db", "assignment", "add", "ps", cwd=root)
    for student in students:
        nbgrader("db", "student", "add", student, cwd=root)
    nbgrader("generate_assignment", "ps", cwd=root)
    return root


def reference_answers() -> dict[str, str]:
    """grade_id -> the reference solution of every answer cell (markers removed)."""
    out = {}
    for cell in sheet().cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            out[meta["grade_id"]] = "\n".join(
                ln for ln in _source(cell).splitlines() if "SOLUTION" not in ln
            )
    return out


def submit(root: Path, student: str, answers: dict[str, str]) -> Path:
    """Hand in the released notebook with ``answers`` (grade_id -> cell source) filled in;
    cells not named keep their stubs. A grade_id may also name a locked cell (tampering)."""
    nb = nbformat.read(root / "release" / "ps" / "sheet.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    folder = root / "submitted" / student / "ps"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "sheet.ipynb")
    (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC", encoding="utf-8")
    return folder / "sheet.ipynb"


def scores(root: Path, student: str) -> dict[str, float | None]:
    """grade_id -> auto score of every auto-graded cell ({} when nothing was graded)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        try:
            sub = gb.find_submission("ps", student)
        except MissingEntry:
            return {}
        return {
            g.name: g.score for nb in sub.notebooks for g in nb.grades if g.auto_score is not None
        }
