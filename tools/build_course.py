"""Build the course's generated parts: learner editions, navigation cells and the index.

Where things live
-----------------
* ``solutions/NN_slug.ipynb`` — the **reference edition** of every chapter that holds an
  exercise, in nbgrader's source format (solution regions, graded check cells with hidden
  tests, written answers). It is the source of those chapters.
* ``notebooks/NN_slug.ipynb`` — what learners open. For an exercise chapter this is the
  **learner edition**, generated from the reference edition by nbgrader's own
  preprocessors (the ones ``nbgrader generate_assignment`` applies that need no course
  database); every other chapter is written here directly.
* ``notebooks/00_index.ipynb`` and every chapter's navigation cell (tag ``navigation``)
  are generated from the chapters' ``metadata.lrsched`` (``title``, ``summary``).

Usage (from the repository root, inside the project's environment)::

    python tools/build_course.py            # regenerate; changed notebooks lose their outputs
    python tools/build_course.py --execute  # ... and execute every notebook that needs it
    python tools/build_course.py --execute --all   # re-execute every notebook
    python tools/build_course.py --check    # exit 1 if a generated part is stale (used by tests)
    python tools/build_course.py --execute --only 05_sgdr   # just one chapter (both editions)

A notebook whose cells (sources and metadata) are unchanged keeps its stored outputs, so
a rebuild is a no-op when nothing changed.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LEARNER = ROOT / "notebooks"
REFERENCE = ROOT / "solutions"
INDEX = "00_index.ipynb"
NAV_TAG = "navigation"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def chapters(folder: Path) -> list[Path]:
    """The chapter notebooks ``NN_slug.ipynb`` of ``folder``, in order, without the index."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.name != INDEX)


def chapter_info(nb: nbformat.NotebookNode, path: Path) -> dict[str, str]:
    info = nb.metadata.get("lrsched", {})
    if not info.get("title") or not info.get("summary"):
        raise SystemExit(f"{path}: metadata.lrsched needs a 'title' and a 'summary'")
    return {"title": info["title"], "summary": info["summary"], "file": path.name}


def learner_edition(reference: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The learner edition of a reference notebook, made by nbgrader's preprocessors.

    The same steps as ``nbgrader generate_assignment`` minus those that need a course
    database or templates: lock the check cells, replace solution regions by the stub,
    clear outputs, drop hidden tests and mark schemes, and compute the checksums that
    let the autograder see which answers were left untouched.
    """
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    nb = copy.deepcopy(reference)
    resources: dict = {}
    for step in (
        LockCells(),
        ClearSolutions(),
        ClearOutput(),
        CheckCellMetadata(),
        ClearHiddenTests(),
        ClearMarkScheme(),
        ComputeChecksums(),
        CheckCellMetadata(),
    ):
        nb, resources = step.preprocess(nb, resources)
    nb.metadata.setdefault("lrsched", {})["edition"] = "learner"
    return nb


def nav_source(order: list[dict[str, str]], i: int, prefix: str, edition: str) -> str:
    """Markdown of the navigation cell of chapter ``i`` (links relative to its folder)."""
    parts = [f"[Course index]({prefix}{INDEX})"]
    if i > 0:
        prev = order[i - 1]
        parts.append(f"← [{prev['title']}]({prefix}{prev['file']})")
    if i + 1 < len(order):
        nxt = order[i + 1]
        parts.append(f"[{nxt['title']}]({prefix}{nxt['file']}) →")
    line = " · ".join(parts)
    if edition == "reference":
        line += (
            "\n\n*Reference edition, with the solutions. Learners use "
            f"[the learner edition]({prefix}{order[i]['file']}).*"
        )
    return line


def set_navigation(nb: nbformat.NotebookNode, source: str, path: Path) -> None:
    cells = [c for c in nb.cells if NAV_TAG in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise SystemExit(f"{path}: needs exactly one markdown cell tagged '{NAV_TAG}'")
    cells[0].source = source


def index_notebook(order: list[dict[str, str]], exercises: list[str]) -> nbformat.NotebookNode:
    """The generated course index."""
    rows = "\n".join(
        f"{n}. **[{c['title']}]({c['file']})** — {c['summary']}" for n, c in enumerate(order, 1)
    )
    ex_rows = "\n".join(f"* [{c['title']}]({c['file']})" for c in order if c["file"] in exercises)
    cells = [
        nbformat.v4.new_markdown_cell("# Learning-rate schedules — course index"),
        nbformat.v4.new_markdown_cell(
            "How the learning rate should change while a model trains: decay, warm-up, "
            "cycles and restarts, what each does to noisy stochastic gradient descent, and "
            "how to choose one. Every chapter mixes the formula, the code (one call to the "
            "`lrsched` package), figures, sliders to play with and questions to answer "
            "before you read on.\n\n"
            "Work through the chapters in order; each one links to the previous and the next."
        ),
        nbformat.v4.new_markdown_cell("## Chapters\n\n" + rows),
        nbformat.v4.new_markdown_cell(
            "## Exercises\n\n"
            "These chapters end with exercises. Each has a check cell that tells you what is "
            "right or wrong in your answer; a **Show the reference solution** button next to "
            "it reveals the reference solution, only when you click it.\n\n" + ex_rows
        ),
        nbformat.v4.new_markdown_cell(
            "## Running the course\n\n"
            "From a copy of the repository, `make lab` installs everything into `.venv` and "
            "opens this index in JupyterLab. The cell below checks that the course package "
            "imports."
        ),
        nbformat.v4.new_code_cell(
            'import lrsched\n\nprint(f"lrsched {lrsched.__version__} is ready")'
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["lrsched"] = {"title": "Course index", "summary": "The chapters in order."}
    return nb


def structure(nb: nbformat.NotebookNode) -> list:
    """What a notebook says, without what running it produced (outputs, counts, ids)."""
    return [
        (c.cell_type, c.source, {k: v for k, v in c.metadata.items() if k != "execution"})
        for c in nb.cells
    ] + [{k: v for k, v in nb.metadata.items() if k not in ("language_info", "widgets")}]


def plan() -> dict[Path, nbformat.NotebookNode]:
    """Every generated notebook, as it should be (outputs not included)."""
    ref_paths = {p.name: p for p in chapters(REFERENCE)} if REFERENCE.is_dir() else {}
    wanted: dict[Path, nbformat.NotebookNode] = {}
    learner: dict[str, nbformat.NotebookNode] = {}
    for name, path in ref_paths.items():
        ref = nbformat.read(path, as_version=4)
        wanted[path] = ref
        learner[name] = learner_edition(ref)
    for path in chapters(LEARNER):
        if path.name not in learner:
            learner[path.name] = nbformat.read(path, as_version=4)
    order = [chapter_info(learner[n], LEARNER / n) for n in sorted(learner)]
    for i, info in enumerate(order):
        nb = learner[info["file"]]
        set_navigation(nb, nav_source(order, i, "", "learner"), LEARNER / info["file"])
        wanted[LEARNER / info["file"]] = nb
        if info["file"] in ref_paths:
            ref = wanted[ref_paths[info["file"]]]
            set_navigation(
                ref, nav_source(order, i, "../notebooks/", "reference"), ref_paths[info["file"]]
            )
    wanted[LEARNER / INDEX] = index_notebook(order, sorted(ref_paths))
    return wanted


def run_notebook(path: Path, *, store_widget_state: bool = False) -> nbformat.NotebookNode:
    """Run a notebook in memory, in its folder, with a fresh python3 kernel; return it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=store_widget_state,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return nb


def execute(path: Path) -> None:
    """Run a notebook and write it back with its outputs (no widget state)."""
    nb = run_notebook(path)
    nb.metadata.pop("widgets", None)  # random model ids: noise in every diff
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale files, change nothing")
    parser.add_argument("--execute", action="store_true", help="execute notebooks that need it")
    parser.add_argument("--all", action="store_true", help="with --execute: every notebook")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        default=None,
        help="write and execute only notebooks whose file name contains NAME",
    )
    args = parser.parse_args(argv)

    stale, to_run = [], []
    for path, nb in plan().items():
        if args.only and not any(name in path.name for name in args.only):
            continue
        current = nbformat.read(path, as_version=4) if path.exists() else None
        if current is not None and structure(current) == structure(nb):
            if args.all or any(
                c.cell_type == "code" and c.get("execution_count") is None for c in current.cells
            ):
                to_run.append(path)
            continue
        stale.append(path)
        if not args.check:
            nb.metadata.setdefault("kernelspec", dict(KERNELSPEC))
            nbformat.validate(nb)
            nbformat.write(nb, path)
            to_run.append(path)
    rel = [str(p.relative_to(ROOT)) for p in stale]
    if args.check:
        if rel:
            print("stale generated notebooks (run tools/build_course.py):\n  " + "\n  ".join(rel))
            return 1
        print("generated notebooks are up to date")
        return 0
    print("\n".join(f"rebuilt {r}" for r in rel) or "nothing to rebuild")
    if args.execute:
        for path in to_run:
            print(f"executing {path.relative_to(ROOT)}", flush=True)
            execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
