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
    python tools/build_course.py --execute --only 06_sgdr   # just one chapter (both editions)
    python tools/build_course.py --execute --force  # overwrite edited answers (keeps a copy)

A notebook whose cells (sources and metadata) are unchanged keeps its stored outputs, so
a rebuild is a no-op when nothing changed.

A learner edition whose answer cells (nbgrader solution cells) are no longer the stubs
holds someone's work: without ``--force`` the build lists those notebooks and stops,
writing nothing; with ``--force`` it first copies each to
``notebooks/.backup/<name>.<UTC time>.ipynb`` and says so.

Every execution has time limits that fail loudly: ``--cell-timeout`` seconds for one cell
and ``--timeout`` seconds for a whole notebook (:func:`execute_notebook`).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package
import safe_write  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LEARNER = ROOT / "notebooks"
REFERENCE = ROOT / "solutions"
INDEX = "00_index.ipynb"
NAV_TAG = "navigation"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
BACKUP = safe_write.BACKUP  # notebooks/.backup/: copies of overwritten answers
CELL_TIMEOUT = 300  # seconds one cell may run
RUN_TIMEOUT = 1200  # seconds a whole notebook may run
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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


def plan(
    learner_dir: Path = LEARNER, reference_dir: Path = REFERENCE
) -> dict[Path, nbformat.NotebookNode]:
    """Every generated notebook, as it should be (outputs not included).

    An exercise chapter's learner edition comes from its reference edition, never from
    what is in ``learner_dir``; the other chapters are read from ``learner_dir``.
    """
    ref_paths = {p.name: p for p in chapters(reference_dir)} if reference_dir.is_dir() else {}
    wanted: dict[Path, nbformat.NotebookNode] = {}
    learner: dict[str, nbformat.NotebookNode] = {}
    for name, path in ref_paths.items():
        ref = nbformat.read(path, as_version=4)
        wanted[path] = ref
        learner[name] = learner_edition(ref)
    for path in chapters(learner_dir):
        if path.name not in learner:
            learner[path.name] = nbformat.read(path, as_version=4)
    order = [chapter_info(learner[n], learner_dir / n) for n in sorted(learner)]
    for i, info in enumerate(order):
        nb = learner[info["file"]]
        set_navigation(nb, nav_source(order, i, "", "learner"), learner_dir / info["file"])
        wanted[learner_dir / info["file"]] = nb
        if info["file"] in ref_paths:
            ref = wanted[ref_paths[info["file"]]]
            set_navigation(
                ref, nav_source(order, i, "../notebooks/", "reference"), ref_paths[info["file"]]
            )
    wanted[learner_dir / INDEX] = index_notebook(order, sorted(ref_paths))
    for nb in wanted.values():
        nb.metadata.setdefault("kernelspec", dict(KERNELSPEC))
    return wanted


def learner_editions(
    learner_dir: Path = LEARNER, reference_dir: Path = REFERENCE
) -> dict[str, nbformat.NotebookNode]:
    """What learners get, by file name: the index and every chapter, as :func:`plan` makes
    them (exercise chapters from their reference edition).

    A notebook keeps the outputs stored in ``learner_dir`` only when the stored notebook has
    exactly these cells (sources and metadata: for an exercise chapter, untouched stubs);
    otherwise it has no outputs, and :func:`needs_run` says so. With no reference edition
    at all, the notebooks of ``learner_dir`` are taken as they are.
    """
    if not (reference_dir.is_dir() and chapters(reference_dir)):
        return {p.name: nbformat.read(p, as_version=4) for p in sorted(learner_dir.glob("*.ipynb"))}
    found = {}
    for path, nb in plan(learner_dir, reference_dir).items():
        if path.parent != learner_dir:
            continue
        if path.exists():
            stored = nbformat.read(path, as_version=4)
            if structure(stored) == structure(nb):
                nb = stored
        found[path.name] = nb
    return found


def needs_run(nb: nbformat.NotebookNode) -> bool:
    """True when a (non-empty) code cell of ``nb`` has not run."""
    return any(
        c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None
        for c in nb.cells
    )


# --------------------------------------------------------------------- learners' answers


def edited_answers(stored: nbformat.NotebookNode, new: nbformat.NotebookNode) -> list[str]:
    """The answer cells (nbgrader solution cells) of a stored learner edition that are no
    longer the stubs: their source differs from the stub in ``new`` (same ``grade_id``) and
    from the checksum nbgrader stored when the stub was made. Returns their grade ids."""
    from nbgrader.utils import compute_checksum

    stubs = {
        c.metadata["nbgrader"].get("grade_id"): c.source
        for c in new.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    edited = []
    for i, cell in enumerate(stored.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        gid = meta.get("grade_id") or f"cell {i}"
        if stubs.get(gid) == cell.source:
            continue
        try:
            untouched = meta.get("checksum") == compute_checksum(cell)
        except (KeyError, TypeError, ValueError):
            untouched = False
        if not untouched:
            edited.append(gid)
    return edited


def learners_work(path: Path, new: nbformat.NotebookNode) -> list[str]:
    """Why overwriting ``path`` with ``new`` would lose someone's answers (empty: it would not)."""
    if not path.exists():
        return []
    try:
        stored = nbformat.read(path, as_version=4)
    except Exception as exc:  # unreadable: someone's file all the same, keep it
        return [f"unreadable ({type(exc).__name__})"]
    return edited_answers(stored, new)


# ----------------------------------------------------------------------------- running


class NotebookRunError(RuntimeError):
    """A notebook failed to run: a cell raised, the kernel died, or a time limit ran out."""


def _quiet_output_widget():
    """nbclient's stand-in for the front end's Output widget, minus the echo to the kernel.

    nbclient mimics how JupyterLab shows an ``ipywidgets.Output``: output sent while the
    widget captures goes into the widget's state (stored with ``store_widget_state``; the
    static site shows explorers from it). The stand-in also sends each new state back to
    the kernel, on the shell socket, from inside the coroutine that reads the kernel's
    output while another coroutine waits on that same socket for the cell's reply. With
    that send, a parallel HTML build sometimes sat on an idle kernel until the cell's time
    limit ran out, then went on as if nothing had happened (the reply had come; its
    wake-up was lost, likely because ZMQ signals a socket's readiness by edge and the send
    used that socket); without it, that never happened. Nothing in this course reads an
    Output widget's outputs back in the kernel, so this stand-in keeps them to itself.
    """
    from nbclient.output_widget import OutputWidget

    class QuietOutputWidget(OutputWidget):
        def sync_state(self) -> None:
            """Keep the outputs on this side (see :func:`_quiet_output_widget`)."""

    return QuietOutputWidget


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_REF = "IPY_MODEL_"


def _widget_refs(value) -> list[str]:
    """Model ids a widget's state or an output refers to, in order of appearance:
    ``"IPY_MODEL_<id>"`` strings and widget views' ``model_id``."""
    if isinstance(value, str):
        return [value[len(_REF) :]] if value.startswith(_REF) else []
    if isinstance(value, dict):
        found = []
        view = value.get(WIDGET_VIEW) if isinstance(value.get(WIDGET_VIEW), dict) else None
        if view is not None and isinstance(view.get("model_id"), str):
            found.append(view["model_id"])
        for key, item in value.items():
            if key != WIDGET_VIEW:
                found += _widget_refs(item)
        return found
    if isinstance(value, list):
        return [m for item in value for m in _widget_refs(item)]
    return []


def _renamed(value, new: dict[str, str]):
    """``value`` (JSON) with every model id of ``new`` replaced, as a reference
    (``IPY_MODEL_<id>``) or as a widget view's ``model_id``."""
    if isinstance(value, str):
        if value.startswith(_REF) and value[len(_REF) :] in new:
            return _REF + new[value[len(_REF) :]]
        return value
    if isinstance(value, dict):
        out = {k: _renamed(v, new) for k, v in value.items()}
        view = out.get(WIDGET_VIEW)
        if isinstance(view, dict) and view.get("model_id") in new:
            out[WIDGET_VIEW] = dict(view, model_id=new[view["model_id"]])
        return out
    if isinstance(value, list):
        return [_renamed(v, new) for v in value]
    return value


def stable_widget_ids(nb: nbformat.NotebookNode, name: str) -> None:
    """Make ``nb``'s widget views and widget state the same bytes on every run.

    The kernel gives widgets random model ids. Every model a displayed widget view reaches
    (its children, layouts, styles, Output widgets and the views inside their outputs) is
    renumbered in order of appearance — cell by cell, output by output, then depth first
    through the references — as ``sha256("<name>/widget/<n>")[:32]``; the state keeps only
    those models (so GitHub, VS Code and the site can draw the controls and the first
    frame; models no view reaches are dropped). A view whose model has no state gets an
    id from the notebook's name and the output's place, as before.
    """
    meta = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    state = meta.get("state", {}) if isinstance(meta, dict) else {}
    order: list[str] = []
    new: dict[str, str] = {}

    def visit(model_id: str) -> None:
        todo = [model_id]
        while todo:
            mid = todo.pop()
            if mid in new or mid not in state:
                continue
            new[mid] = hashlib.sha256(f"{name}/widget/{len(order)}".encode()).hexdigest()[:32]
            order.append(mid)
            todo += reversed(_widget_refs(state[mid].get("state", {})))

    for i, cell in enumerate(nb.cells):
        for j, out in enumerate(cell.get("outputs", [])):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if not (isinstance(view, dict) and "model_id" in view):
                continue
            mid = view["model_id"]
            visit(mid)
            if mid not in new:  # no state for it (closed, or never stored)
                new[mid] = hashlib.sha256(f"{name}/{i}/{j}".encode()).hexdigest()[:32]
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [nbformat.from_dict(_renamed(o, new)) for o in cell.outputs]
    if not order:
        nb.metadata.pop("widgets", None)
        return
    nb.metadata["widgets"] = {
        WIDGET_STATE: {
            "state": {new[m]: _renamed(state[m], new) for m in order},
            "version_major": meta.get("version_major", 2),
            "version_minor": meta.get("version_minor", 0),
        }
    }


def execute_notebook(
    nb: nbformat.NotebookNode,
    cwd: Path,
    *,
    name: str = "notebook",
    cell_timeout: float = CELL_TIMEOUT,
    run_timeout: float = RUN_TIMEOUT,
) -> nbformat.NotebookNode:
    """Run a copy of ``nb`` with a fresh python3 kernel in ``cwd``; return it, executed, with
    the widget state in ``metadata.widgets``.

    Time limits fail loudly: a cell that runs longer than ``cell_timeout`` seconds, or a
    notebook that runs longer than ``run_timeout`` seconds in all, stops the kernel and
    raises :class:`NotebookRunError` (so do a cell's error and a dead kernel).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    if not (cell_timeout > 0 and run_timeout > 0):
        raise ValueError("cell_timeout and run_timeout must be > 0 seconds")
    nb = copy.deepcopy(nb)
    deadline = time.monotonic() + run_timeout
    where = {"cell": None}

    def on_cell_start(cell, cell_index):
        where["cell"] = cell_index
        if time.monotonic() > deadline:
            raise NotebookRunError(
                f"{name}: the whole notebook ran longer than its {run_timeout:g} s limit "
                f"(stopped before cell {cell_index})"
            )

    def timeout_func(cell) -> int:
        left = deadline - time.monotonic()
        return max(1, math.ceil(min(cell_timeout, left)))

    # The kernel talks over Unix sockets in a private folder, not TCP ports: no race with
    # another process for a port that was free a moment ago ("Address already in use"),
    # and no plain-text TCP warning on stderr.
    sockets = tempfile.mkdtemp(prefix="lrsched-kernel-")
    ipc = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "k")}})
    client = NotebookClient(
        nb,
        config=ipc,
        timeout=max(1, math.ceil(cell_timeout)),  # also bounds the wait for the kernel's info
        timeout_func=timeout_func,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=True,  # the Output-widget stand-in needs it (KeyError otherwise)
        coalesce_streams=True,  # one stream output per cell, however the kernel chunked it
        on_cell_start=on_cell_start,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.widget_registry["@jupyter-widgets/output"]["OutputModel"] = _quiet_output_widget()
    try:
        client.execute()
    except CellTimeoutError:
        which = (
            f"the whole notebook reached its {run_timeout:g} s limit"
            if time.monotonic() >= deadline - 1
            else f"the cell ran longer than its {cell_timeout:g} s limit"
        )
        raise NotebookRunError(
            f"{name}: cell {where['cell']} timed out: {which}; the kernel was stopped"
        ) from None
    except CellExecutionError as exc:
        raise NotebookRunError(f"{name}: cell {where['cell']} raised an error:\n{exc}") from None
    except DeadKernelError as exc:
        raise NotebookRunError(f"{name}: the kernel died at cell {where['cell']}: {exc}") from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def run_notebook(path: Path, **limits) -> nbformat.NotebookNode:
    """Run the notebook at ``path`` in memory, in its folder (:func:`execute_notebook`)."""
    nb = nbformat.read(path, as_version=4)
    return execute_notebook(nb, path.parent, name=path.name, **limits)


def execute_many(
    jobs: list[tuple[str, nbformat.NotebookNode, Path]], *, workers: int | None = None, **limits
) -> list[nbformat.NotebookNode]:
    """Run ``(name, notebook, folder)`` jobs, in parallel processes when there are several;
    return the executed notebooks in order. The first failure stops the rest."""
    if len(jobs) <= 1:
        return [execute_notebook(nb, cwd, name=name, **limits) for name, nb, cwd in jobs]
    workers = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    # Fresh processes, not forks: a fork of a process with threads (JAX's, a test runner's)
    # can deadlock in the child.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = [
            pool.submit(execute_notebook, nb, cwd, name=name, **limits) for name, nb, cwd in jobs
        ]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def execute(path: Path, **limits) -> None:
    """Run a notebook and write it back with its outputs and widget state (stable ids)."""
    nb = run_notebook(path, **limits)
    stable_widget_ids(nb, path.name)
    nbformat.write(nb, path)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--cell-timeout`` and ``--timeout`` (seconds), shared by the build tools."""
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=CELL_TIMEOUT,
        metavar="S",
        help=f"fail when one cell runs longer than S seconds (default {CELL_TIMEOUT})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=RUN_TIMEOUT,
        metavar="S",
        help=f"fail when one notebook runs longer than S seconds (default {RUN_TIMEOUT})",
    )


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
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite learner editions whose answers were edited (a copy of each is kept "
        f"in notebooks/{BACKUP}/)",
    )
    add_limit_options(parser)
    args = parser.parse_args(argv)
    limits = {"cell_timeout": args.cell_timeout, "run_timeout": args.timeout}

    stale, to_run, wanted = [], [], {}
    for path, nb in plan().items():
        if args.only and not any(name in path.name for name in args.only):
            continue
        current = nbformat.read(path, as_version=4) if path.exists() else None
        if current is not None and structure(current) == structure(nb):
            if args.all or needs_run(current):
                to_run.append(path)
            continue
        stale.append(path)
        wanted[path] = nb
    rel = [_rel(p) for p in stale]
    if args.check:
        if rel:
            print("stale generated notebooks (run tools/build_course.py):\n  " + "\n  ".join(rel))
            return 1
        print("generated notebooks are up to date")
        return 0

    reference_names = {p.name for p in chapters(REFERENCE)} if REFERENCE.is_dir() else set()
    at_risk = {
        path: why
        for path in stale
        if path.parent == LEARNER and path.name in reference_names
        for why in [learners_work(path, wanted[path])]
        if why
    }
    if at_risk and not args.force:
        listing = "\n  ".join(f"{_rel(p)} (edited: {', '.join(w)})" for p, w in at_risk.items())
        print(
            "error: these learner editions hold answers that differ from the stubs, and "
            f"rebuilding would overwrite them:\n  {listing}\n"
            "Nothing was written. To keep that work, move these notebooks out of notebooks/ "
            "(or commit them somewhere) and run the command again; to overwrite them anyway, "
            "run `make course FORCE=1` (tools/build_course.py --force), which first keeps a "
            f"copy of each in notebooks/{BACKUP}/.",
            file=sys.stderr,
        )
        return 1
    for path in at_risk:
        kept = safe_write.keep_copy(path, path.parent / BACKUP)
        print(f"kept a copy of your {_rel(path)} (edited answers) in {_rel(kept)}")
    for path in stale:
        nb = wanted[path]
        nbformat.validate(nb)
        nbformat.write(nb, path)
        to_run.append(path)
    print("\n".join(f"rebuilt {r}" for r in rel) or "nothing to rebuild")
    if args.execute:
        for path in to_run:
            print(f"executing {_rel(path)}", flush=True)
            try:
                execute(path, **limits)
            except NotebookRunError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
