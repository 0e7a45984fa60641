"""Wall time of strict nbval over the whole course, against imports-only notebooks.

The course's N notebooks (both editions) are checked with ``pytest --nbval`` in one
process, one after the other; the reference is N notebooks holding only the set-up cell
(kernel start, imports, a seeded generator), checked the same way in one process. The ratio
says how much the course's own computations cost on top of starting N kernels
(goal: <= 1.3). Run it with ``make bench``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NBVAL = [
    sys.executable,
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "--nbval",
    "--nbval-current-env",
    "--nbval-sanitize-with",
    str(ROOT / "tests" / "nbval_sanitize.cfg"),
]


def course_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "solutions").glob("*.ipynb")
    )


def imports_only(folder: Path, n: int) -> list[Path]:
    """``n`` copies of a notebook holding just a chapter's set-up cell, executed."""
    from nbclient import NotebookClient

    chapter = nbformat.read(ROOT / "notebooks" / "05_sgdr.ipynb", as_version=4)
    setup = [c for c in chapter.cells if "setup" in c.metadata.get("tags", [])]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup[0].source)])
    nb.metadata["kernelspec"] = chapter.metadata["kernelspec"]
    NotebookClient(nb, kernel_name="python3").execute()
    paths = [folder / f"imports_only_{k:02d}.ipynb" for k in range(n)]
    for path in paths:
        nbformat.write(nb, path)
    return paths


def timed(paths: list[Path]) -> float:
    start = time.perf_counter()
    out = subprocess.run([*NBVAL, *map(str, paths)], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode:
        raise SystemExit(f"nbval failed:\n{out.stdout[-3000:]}")
    return elapsed


def main() -> None:
    books = course_notebooks()
    n = len(books)
    with tempfile.TemporaryDirectory() as tmp:
        refs = imports_only(Path(tmp), n)
        reference = min(timed(refs) for _ in range(2))
        single = min(timed(refs[:1]) for _ in range(2))
        per_nb = {path: timed([path]) for path in books}
        course = min(timed(books) for _ in range(2))
    print(f"strict nbval in one pytest process: {n} notebooks (learner and reference editions)\n")
    print(f"{'notebook (alone, incl. pytest start)':<44} {'seconds':>8} {'x imports-only':>15}")
    for path, t in per_nb.items():
        print(f"{str(path.relative_to(ROOT)):<44} {t:8.2f} {t / single:15.2f}")
    print(f"\n{n} imports-only notebooks in one run: {reference:.2f} s")
    print(f"the whole course in one run:        {course:.2f} s")
    print(f"ratio: {course / reference:.2f} (goal <= 1.3)")


if __name__ == "__main__":
    main()
