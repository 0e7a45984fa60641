"""Wall time of strict nbval over the whole course, against imports-only notebooks.

The course's N notebooks (both editions) are checked with ``pytest --nbval`` in one
process, one after the other. Two references, each a notebook holding only a chapter's
set-up cell (kernel start, imports, a seeded generator), checked the same way:

* N x one imports-only notebook checked on its own (``pytest --nbval imports_only.ipynb``,
  pytest's start included): the goal's "N x an imports-only notebook" (goal: ratio <= 1.3);
* N imports-only notebooks checked in one pytest process (pytest starts once, as it does
  for the course): the stricter reference, what the course's own cells cost on top of
  starting N kernels.

Run it with ``make bench``.
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

    chapter = nbformat.read(ROOT / "notebooks" / "06_sgdr.ipynb", as_version=4)
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
    print(f"\none imports-only notebook checked on its own:  {single:6.2f} s", end="")
    print(f"  (x {n} = {n * single:.2f} s)")
    print(f"{n} imports-only notebooks in one pytest run:   {reference:6.2f} s")
    print(f"the whole course in one pytest run:           {course:6.2f} s")
    print(f"ratio to N x one imports-only notebook: {course / (n * single):.2f} (goal <= 1.3)")
    print(f"ratio to N imports-only notebooks in one run (stricter): {course / reference:.2f}")


if __name__ == "__main__":
    main()
