"""Integrity report for instructors: run it after ``nbgrader autograde``.

For every submitted notebook of an nbgrader course it

1. **scans** each code cell the student wrote or changed (:mod:`integrity_scan`) for what
   a graded notebook has no use for: the environment, the course's checkers, patching
   modules or builtins, exception / signal / trace handlers, the IPython shell, ending the
   process, reading files, generated code, and ``lrsched``'s own implementation of what
   the exercise asks for;
2. **re-grades** it in a fresh process, outside the kernel the student's code ran in: a
   child process (``regrade_child.py``, in an empty folder) runs the set-up and answer
   cells and records what the answers return to each graded (hidden) test; this process
   then replays every hidden test of the *source* notebook against those records. Nothing
   the submission changed in the grading kernel (environment, patched checkers or numpy,
   input or AST transformers, exception handlers) reaches this verdict;
3. **compares** the re-grade with the points nbgrader gave, and lists the files the
   answers opened and the ``lrsched`` functions they called (seen by hooks in the child).

A submission is flagged when any of these finds something, and the command exits 1.

Usage (from the course's root folder, or with ``--course``)::

    python tools/integrity_report.py --assignment ps1 [--course DIR] [--json out.json]

Answer cells may use what the notebook's set-up cell (tag ``setup``) defines; cells
between them that are not answers are not re-run, so an answer that relies on them is
re-graded as failing and shows up for a look.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package
from build_grading import BEGIN, END, HEADER, hidden_block  # noqa: E402
from integrity_scan import OWN_CODE_ONLY, scan_cell  # noqa: E402
from regrade_child import decode, encode_arg  # noqa: E402

CHILD = Path(__file__).resolve().parent / "regrade_child.py"
TIME_LIMIT = 300.0  # seconds for one notebook's re-grade


@dataclass
class Verdict:
    """What the report found for one submitted notebook."""

    student: str
    notebook: str
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, kind, detail)
    regrade: dict[str, str] = field(default_factory=dict)  # grade_id -> "passed" / reason
    nbgrader: dict[str, tuple[float | None, float]] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.findings or self.disagreements)


class ReplayMismatch(Exception):
    """The hidden test asked for a call the answers did not make in the child."""


# ----------------------------------------------------------------------------- notebooks


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _src(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def answer_cells(submitted, source) -> list[tuple[str | None, str]]:
    """``(grade_id or None, source)`` of every code cell the student wrote or changed."""
    solution_ids = {_meta(c).get("grade_id") for c in source.cells if _meta(c).get("solution")}
    given = {_src(c).strip() for c in source.cells if c.cell_type == "code"}
    given |= {_without_hidden(_src(c)) for c in source.cells if c.cell_type == "code"}
    out = []
    for cell in submitted.cells:
        if cell.cell_type != "code":
            continue
        gid = _meta(cell).get("grade_id")
        if gid in solution_ids:
            out.append((gid, _src(cell)))
        elif _src(cell).strip() not in given:
            out.append((None, _src(cell)))  # added by the student, or a changed locked cell
    return out


def _without_hidden(source: str) -> str:
    """A cell as the learner edition has it: the hidden-test block removed."""
    block = hidden_block(source)
    if block is None:
        return source.strip()
    lines = source.split("\n")
    return "\n".join(lines[: lines.index(BEGIN)] + lines[lines.index(END) + 1 :]).strip()


def _loaded_names(code: str) -> list[str]:
    """Free names a hidden block calls: loaded, never assigned in it, not builtins."""
    tree = ast.parse(code)
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not _is_load(n)}
    stored |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    loaded = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and _is_load(n)]
    skip = stored | set(dir(builtins)) | {"np"}
    return sorted({n for n in loaded if n not in skip})


def _is_load(node: ast.Name) -> bool:
    return isinstance(node.ctx, ast.Load)


def graded_blocks(source) -> dict[str, str]:
    """grade_id -> hidden-test code of every auto-graded cell of the source notebook."""
    out = {}
    for cell in source.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            block = hidden_block(_src(cell))
            if block is not None:
                out[meta["grade_id"]] = block
    return out


# ----------------------------------------------------------------------------- re-grade


def run_child(request: dict, timeout: float) -> dict:
    """Run the answers in a fresh, isolated Python; return the child's records.

    ``request`` holds ``cells`` (set-up and answer cells) and ``graded`` (grade_id ->
    ``{"code": hidden block, "names": answer names it calls}``).
    """
    with tempfile.TemporaryDirectory(prefix="regrade-") as tmp:
        out = Path(tmp) / f"result-{os.urandom(8).hex()}.json"
        request = {**request, "out": str(out)}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NBGRADER", "LRSCHED"))}
        env.update(MPLBACKEND="Agg", PYTHONHASHSEED="0")
        try:
            proc = subprocess.run(
                [sys.executable, "-I", str(CHILD)],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                cwd=tmp,
                env=env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"failed": f"the answers did not finish within {timeout:g} s"}
        if not out.is_file():
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
            return {
                "failed": f"the re-grade process ended early (exit code {proc.returncode}"
                + (f": {' | '.join(tail)}" if tail else "")
                + "); the answers end the process (sys.exit, os._exit, a signal)?"
            }
        return json.loads(out.read_text(encoding="utf-8"))


def replay(code: str, record: dict) -> str:
    """Run a hidden block against recorded answers; "passed" or why it failed."""
    log, pos = record["log"], [0]
    cache: dict[int, object] = {}

    def handle(k: int):
        if k not in cache:
            cache[k] = lambda *args, **kwargs: call(k, args, kwargs)
        return cache[k]

    def call(k, args, kwargs):
        if pos[0] >= len(log):
            raise ReplayMismatch("the hidden test made a call the answers did not answer")
        entry = log[pos[0]]
        pos[0] += 1
        seen = {"h": k, "args": [encode_arg(a) for a in args]}
        seen["kwargs"] = {n: encode_arg(v) for n, v in sorted(kwargs.items())}
        if any(entry.get(x) != seen[x] for x in ("h", "args", "kwargs")):
            raise ReplayMismatch(f"call {pos[0]} differs from the one the answers saw")
        if "raise" in entry:
            raise RuntimeError(entry["raise"])
        return decode(entry["result"], handle)

    env = {"np": __import__("numpy"), "__builtins__": builtins}
    env.update({name: handle(i) for i, name in enumerate(record["names"])})
    try:
        exec(compile(HEADER + code, "<hidden test>", "exec"), env)  # noqa: S102
    except ReplayMismatch as exc:
        return f"could not be replayed: {exc}"
    except Exception as exc:  # noqa: BLE001 - the hidden test failed: that is the verdict
        return f"fails: {type(exc).__name__}: {exc}"[:300]
    return "passed"


def library_names() -> set[str]:
    import lrsched

    return {n for n in lrsched.__all__ if n[:1].isupper() or "_" in n}


def prepare(submitted_path: Path, source_path: Path, *, student: str = ""):
    """Scan one submitted notebook; return its verdict so far and the child's request
    ``(cells, graded blocks)``. Parses code, so it runs on the main thread (CPython's
    parser is not safe to call from several threads at once)."""
    submitted = nbformat.read(submitted_path, as_version=4)
    source = nbformat.read(source_path, as_version=4)
    verdict = Verdict(student, submitted_path.name)
    modules = {"np", "ls", "plt", "os", "sys"}
    libnames = library_names()
    answers = answer_cells(submitted, source)
    for gid, src in answers:
        for kind, detail in scan_cell(src, grade_id=gid, modules=modules, library_names=libnames):
            verdict.findings.append((gid or "added cell", kind, detail))
    graded = graded_blocks(source)
    setup = [_src(c) for c in source.cells if "setup" in c.metadata.get("tags", [])]
    request = {
        "cells": setup + [src for _, src in answers],
        "graded": {g: {"code": c, "names": _loaded_names(c)} for g, c in graded.items()},
    }
    return verdict, request


def finish(verdict: Verdict, request: dict, result: dict | None) -> Verdict:
    """Replay the hidden tests against the child's records (main thread)."""
    graded = {g: spec["code"] for g, spec in request["graded"].items()}
    if result is None:
        return verdict
    if "failed" in result:
        verdict.regrade = dict.fromkeys(graded, result["failed"])
        return verdict
    for gid, code in graded.items():
        record = result["records"].get(gid)
        verdict.regrade[gid] = replay(code, record) if record else "was not run"
    for event in result.get("events", []):
        verdict.findings.append(("while re-grading", "files / processes", event))
    for gid, calls in result.get("library_calls", {}).items():
        if gid.startswith(OWN_CODE_ONLY):
            for name in calls:
                verdict.findings.append((gid, "lrsched's implementation", f"called {name}"))
    return verdict


def check_notebook(
    submitted_path: Path, source_path: Path, *, student: str = "", timeout: float = TIME_LIMIT
) -> Verdict:
    """Scan and re-grade one submitted notebook against its source notebook."""
    verdict, request = prepare(submitted_path, source_path, student=student)
    result = run_child(request, timeout) if request["graded"] else None
    return finish(verdict, request, result)


def compare_with_gradebook(verdict: Verdict, scores: dict[str, tuple[float | None, float]]):
    """Record nbgrader's points and where they disagree with the re-grade."""
    verdict.nbgrader = scores
    for gid, outcome in verdict.regrade.items():
        auto, most = scores.get(gid, (None, 0.0))
        if auto is None:
            continue
        if auto > 0 and outcome != "passed":
            verdict.disagreements.append(
                f"{gid}: nbgrader gave {auto:g}/{most:g}, the clean re-grade {outcome}"
            )
        elif auto == 0 and outcome == "passed":
            verdict.disagreements.append(
                f"{gid}: nbgrader gave 0/{most:g}, but the clean re-grade passes "
                "(did the grading kernel stall or die?)"
            )


def gradebook_scores(db_url: str, assignment: str, student: str, notebook: str):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            nb = gb.find_submission_notebook(notebook, assignment, student)
        except MissingEntry:
            return {}
        return {g.name: (g.auto_score, g.max_score) for g in nb.grades}


def report(
    course: Path,
    assignment: str,
    *,
    db_url: str | None = None,
    timeout: float = TIME_LIMIT,
    jobs: int | None = None,
) -> list[Verdict]:
    """Verdicts for every submitted notebook of ``assignment`` in an nbgrader course.

    ``jobs`` notebooks are re-graded at once (default: the number of CPUs, at most 4).
    """
    db_url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    todo = [
        (folder.parent.name, path, course / "source" / assignment / path.name)
        for folder in sorted((course / "submitted").glob(f"*/{assignment}"))
        for path in sorted(folder.glob("*.ipynb"))
    ]
    todo = [(student, path, source) for student, path, source in todo if source.is_file()]
    jobs = jobs or min(4, os.cpu_count() or 1)
    prepared = [prepare(path, source, student=student) for student, path, source in todo]
    with ThreadPoolExecutor(max_workers=jobs) as pool:  # each thread waits on its own child
        results = list(
            pool.map(
                lambda item: run_child(item[1], timeout) if item[1]["graded"] else None, prepared
            )
        )
    verdicts = [finish(v, req, res) for (v, req), res in zip(prepared, results, strict=True)]
    for (student, path, _), verdict in zip(todo, verdicts, strict=True):
        compare_with_gradebook(verdict, gradebook_scores(db_url, assignment, student, path.stem))
    return verdicts


def format_report(verdicts: list[Verdict]) -> str:
    lines = []
    flagged = [v for v in verdicts if v.flagged]
    lines.append(
        f"{len(verdicts)} notebooks checked, {len(flagged)} flagged for a look"
        + (":" if flagged else ".")
    )
    for v in flagged:
        lines.append(f"\n{v.student} / {v.notebook}")
        for item in v.disagreements:
            lines.append(f"  score   {item}")
        for cell, kind, detail in v.findings:
            lines.append(f"  {kind:<26} {cell}: {detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", required=True, help="nbgrader assignment name")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="course root folder")
    parser.add_argument("--db", default=None, help="gradebook URL (default: the course's)")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON")
    parser.add_argument("--timeout", type=float, default=TIME_LIMIT, help="seconds per notebook")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks re-graded at once")
    args = parser.parse_args(argv)
    verdicts = report(
        args.course, args.assignment, db_url=args.db, timeout=args.timeout, jobs=args.jobs
    )
    print(format_report(verdicts))
    if args.json:
        args.json.write_text(
            json.dumps([v.__dict__ for v in verdicts], indent=1, default=list), encoding="utf-8"
        )
    return 1 if any(v.flagged for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
