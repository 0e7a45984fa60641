"""Mutation testing of lrsched's core: do the tests fail when the code is wrong?

Each mutant is one small, deliberate bug in a module of :mod:`lrsched` (an
off-by-one at a boundary, a dropped term, a loosened check, a widened tolerance,
a swapped operator, a changed constant), written down in ``tools/mutants/``
as an exact piece of source and its replacement. For every mutant the tool runs
the test files that cover that module (``pytest -x -q -n 0 -p no:cacheprovider``,
hypothesis derandomized); the mutant is *killed* when they fail or time out (a
timeout is reported as such), and *survives* when they pass: a bug the tests
would not notice.

The work tree is never touched: the tracked and untracked, non-ignored files
(``git ls-files -co --exclude-standard``) are copied into a temporary directory,
the mutant is written there, and pytest runs there with the copy first on
``sys.path`` (``PYTHONPATH``; an editable install's finder comes after it) and no
bytecode cache. A guard plugin stops any run in which ``lrsched`` is imported
from anywhere but the copy; that counts as an error, never as a kill.

A mutant whose source no longer occurs exactly once in its module (the code has
changed since it was written) is reported as *stale* and left out of the kill
rate: update or remove it. Tests that already fail without any mutant cannot
show anything; they are deselected from the mutant runs and listed.

Usage::

    python tools/mutate.py --min-rate 0.9       # every mutant; exit 1 below 90 %
    python tools/mutate.py --jobs 2             # two mutants at a time
    python tools/mutate.py --module theory      # only lrsched/theory.py's mutants
    python tools/mutate.py --name sgdr-late-strict
    python tools/mutate.py --list               # print the mutants, run nothing

Exit status: 0 when the kill rate reaches ``--min-rate`` (default 0), 1 when it
does not, 2 when a mutant could not be run (error) or the mutant list is broken.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutants import MUTANTS, Mutant  # noqa: E402

#: pytest exit status used by the guard plugin when the package under test is not the copy.
GUARD_STATUS = 97
GUARD_PLUGIN = "_mutation_guard"
GUARD_SOURCE = '''"""pytest plugin of tools/mutate.py: refuse to test anything but the copy."""
import importlib
import os

import pytest


def pytest_sessionstart(session):
    package = importlib.import_module(os.environ["MUTATE_PACKAGE"])
    where = os.path.realpath(package.__file__)
    root = os.path.realpath(os.environ["MUTATE_COPY"]) + os.sep
    if not where.startswith(root):
        message = f"mutation guard: {package.__name__} imported from {where}, not the copy"
        pytest.exit(message, {status})
'''.replace("{status}", str(GUARD_STATUS))


@dataclass(frozen=True)
class Outcome:
    """What happened to one mutant: ``status`` is killed, survived, stale or error."""

    mutant: Mutant
    status: str
    detail: str = ""
    seconds: float = 0.0


# ----------------------------------------------------------------------------- the copy


def repo_files(repo: Path) -> list[str]:
    """Tracked and untracked, non-ignored files of ``repo`` that exist (git's own list)."""
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout.decode()
    names = sorted({n for n in out.split("\0") if n})
    return [n for n in names if (repo / n).is_file() and not (repo / n).is_symlink()]


def make_copy(repo: Path, dest: Path) -> Path:
    """Copy the repository's files (see :func:`repo_files`) into ``dest``; return ``dest``."""
    for name in repo_files(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    guard_dir = dest / ".mutation_guard"
    guard_dir.mkdir(exist_ok=True)
    (guard_dir / f"{GUARD_PLUGIN}.py").write_text(GUARD_SOURCE)
    return dest


def run_env(copy: Path, package: str) -> dict[str, str]:
    """Environment for a pytest run in ``copy``: the copy first on ``sys.path``, no bytecode."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(copy), str(copy / ".mutation_guard")]
        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    # a mutant can keep the size of the file and be written within the same second as
    # the original: a cached .pyc would then hide it
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["CI"] = "1"  # hypothesis: derandomized, so a mutant's fate does not depend on luck
    env["MUTATE_COPY"] = str(copy)
    env["MUTATE_PACKAGE"] = package
    env.pop("NBGRADER_EXECUTION", None)
    return env


def imported_from(copy: Path, package: str) -> str:
    """Where ``package`` is imported from by the interpreter that runs the tests in ``copy``."""
    out = subprocess.run(
        [sys.executable, "-c", f"import {package}; print({package}.__file__)"],
        cwd=copy,
        env=run_env(copy, package),
        check=True,
        capture_output=True,
        text=True,
    )
    return os.path.realpath(out.stdout.strip())


# ----------------------------------------------------------------------------- mutants


def apply(mutant: Mutant, source: str) -> str | None:
    """Return ``source`` with the mutant applied, or ``None`` when it does not match once."""
    if source.count(mutant.find) != 1:
        return None
    mutated = source.replace(mutant.find, mutant.replace)
    return None if mutated == source else mutated


def pytest_command(
    tests: Sequence[str], deselect: Sequence[str] = (), *, first_failure: bool = True
) -> list[str]:
    """The pytest call for one mutant: stop at the first failure, one process, no cache."""
    return [
        sys.executable,
        "-m",
        "pytest",
        *(["-x"] if first_failure else []),
        "-q",
        "-n",
        "0",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-p",
        GUARD_PLUGIN,
        *[arg for node in deselect for arg in ("--deselect", node)],
        *tests,
    ]


def failed_nodes(output: str) -> list[str]:
    """Node ids of the ``FAILED``/``ERROR`` lines of pytest's short summary."""
    nodes = []
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            node = line.split(" ", 1)[1].split(" - ", 1)[0].strip()
            if "::" in node:
                nodes.append(node)
    return nodes


def passed_then_crashed(output: str) -> bool:
    """Whether pytest reported only passes and then died in its own clean-up.

    Seen when a test leaves a timer armed and its signal arrives at exit: the summary
    line says every test passed, and the exit status is still 1.
    """
    summary = [ln for ln in output.splitlines() if re.search(r"\b\d+ passed\b", ln)]
    return bool(summary) and not re.search(r"\b\d+ (failed|errors?)\b", summary[-1])


def baseline(copy: Path, package: str, tests: Sequence[str], timeout: float):
    """Run ``tests`` unmutated; return the failing node ids, or None if the run is unusable.

    A test that fails without any mutant cannot show that a mutant is caught: it is
    deselected from the mutant runs (and reported) instead of blocking all of them.
    """
    try:
        proc = subprocess.run(
            pytest_command(tests, first_failure=False),
            cwd=copy,
            env=run_env(copy, package),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        print(f"no result after {timeout:g} s without any mutant", file=sys.stderr)
        return None
    if proc.returncode == 0 or passed_then_crashed(proc.stdout):
        return []
    nodes = failed_nodes(proc.stdout)
    if proc.returncode == 1 and nodes:
        return nodes
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
    print(f"pytest exit status {proc.returncode} without any mutant:\n{tail}", file=sys.stderr)
    return None


_RUNNING: set[subprocess.Popen] = set()
_LOCK = threading.Lock()


def _kill(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and everything it started (its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_tests(
    copy: Path,
    package: str,
    tests: Sequence[str],
    timeout: float,
    deselect: Sequence[str] = (),
) -> tuple[str, str]:
    """Run ``tests`` in ``copy``; return ``(status, detail)``.

    ``status`` is ``passed``, ``failed`` (a test failed or could not be collected),
    ``timeout`` or ``error`` (pytest itself did not run properly).
    """
    proc = subprocess.Popen(
        pytest_command(tests, deselect),
        cwd=copy,
        env=run_env(copy, package),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    with _LOCK:
        _RUNNING.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.communicate()
        return "timeout", f"no result after {timeout:g} s"
    finally:
        with _LOCK:
            _RUNNING.discard(proc)
    if proc.returncode < 0:
        return "error", f"pytest was killed by signal {-proc.returncode}"
    lines = [ln for ln in out.strip().splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    if proc.returncode == 0:
        return "passed", last
    if not failed_nodes(out) and passed_then_crashed(out):
        return "passed", f"every test passed, then pytest exited with {proc.returncode}"
    # a kill needs a test that failed (or could not be collected) by pytest's own report:
    # a crash after the tests (say, a stray signal at exit) proves nothing about the mutant
    failed = [ln for ln in lines if ln.startswith(("FAILED ", "ERROR "))]
    if proc.returncode in (1, 2) and failed:
        return "failed", failed[0][:200]
    return "error", f"pytest exit status {proc.returncode}: {last[:300]}"


def run_mutant(
    mutant: Mutant, copy: Path, package: str, timeout: float, deselect: Sequence[str] = ()
) -> Outcome:
    """Apply ``mutant`` in ``copy``, run its tests, restore the file; return the outcome."""
    path = copy / mutant.module
    if not path.is_file():
        return Outcome(mutant, "stale", f"{mutant.module} does not exist")
    original = path.read_text()
    mutated = apply(mutant, original)
    if mutated is None:
        n = original.count(mutant.find)
        return Outcome(mutant, "stale", f"the source occurs {n} times in {mutant.module}, not once")
    start = time.monotonic()
    path.write_text(mutated)
    try:
        status, detail = run_tests(copy, package, mutant.tests, timeout, deselect)
    finally:
        path.write_text(original)
    seconds = time.monotonic() - start
    if status == "passed":
        return Outcome(mutant, "survived", detail, seconds)
    if status == "failed":
        return Outcome(mutant, "killed", detail, seconds)
    if status == "timeout":
        return Outcome(mutant, "killed", f"timeout: {detail}", seconds)
    return Outcome(mutant, "error", detail, seconds)


def check_mutants(mutants: Iterable[Mutant], repo: Path) -> list[str]:
    """Problems with the mutant list itself (missing test files, duplicate names)."""
    problems, seen = [], set()
    for m in mutants:
        if m.name in seen:
            problems.append(f"duplicate mutant name {m.name}")
        seen.add(m.name)
        if not m.tests:
            problems.append(f"{m.name}: no covering test files")
        problems += [
            f"{m.name}: test file {t} does not exist" for t in m.tests if not (repo / t).is_file()
        ]
        if m.find == m.replace:
            problems.append(f"{m.name}: the replacement equals the source")
    return problems


def run_all(
    mutants: Sequence[Mutant],
    repo: Path,
    *,
    package: str = "lrsched",
    jobs: int = 1,
    timeout: float = 120.0,
    progress: bool = True,
) -> tuple[list[Outcome], dict[tuple[str, ...], list[str] | None]]:
    """Run every mutant in copies of ``repo``.

    Returns the outcomes and, for each group of test files, the tests that fail
    without a mutant (deselected from the mutant runs), or ``None`` when the group
    cannot run at all (its mutants are then reported as errors).
    """
    jobs = max(1, min(jobs, len(mutants) or 1))
    with tempfile.TemporaryDirectory(prefix="lrsched-mutate-") as tmp:
        copies = [make_copy(repo, Path(tmp) / f"copy{k}") for k in range(jobs)]
        for copy in copies:
            where = imported_from(copy, package)
            if not where.startswith(os.path.realpath(copy) + os.sep):
                raise RuntimeError(f"{package} is imported from {where}, not from the copy {copy}")
        broken: dict[tuple[str, ...], list[str] | None] = {}
        for tests in sorted({m.tests for m in mutants}):
            broken[tests] = baseline(copies[0], package, tests, timeout * 5)
            if progress and broken[tests] != []:
                what = "cannot run" if broken[tests] is None else f"{len(broken[tests])} failing"
                print(f"baseline {' '.join(tests)}: {what}", flush=True)
        free = list(copies)
        outcomes: list[Outcome] = []

        def work(m: Mutant) -> Outcome:
            if broken[m.tests] is None:
                return Outcome(m, "error", "its tests fail to run without any mutant")
            copy = free.pop()
            try:
                return run_mutant(m, copy, package, timeout, broken[m.tests])
            finally:
                free.append(copy)

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        try:
            for k, outcome in enumerate(pool.map(work, mutants), 1):
                outcomes.append(outcome)
                if progress:
                    m = outcome.mutant
                    print(
                        f"[{k:3d}/{len(mutants)}] {outcome.status:8s} {m.name:28s} "
                        f"{outcome.seconds:5.1f}s  {m.description}",
                        flush=True,
                    )
        except BaseException:  # Ctrl-C or SIGTERM: stop the queue and the running tests
            pool.shutdown(wait=False, cancel_futures=True)
            with _LOCK:
                for proc in list(_RUNNING):
                    _kill(proc)
            raise
        finally:
            pool.shutdown(wait=True)
    return outcomes, broken


# ----------------------------------------------------------------------------- report


def summary(outcomes: Sequence[Outcome]) -> dict:
    """Per-module and overall counts; the kill rate leaves stale and errored mutants out."""
    modules: dict[str, dict[str, int]] = {}
    for o in outcomes:
        row = modules.setdefault(
            o.mutant.module, {"killed": 0, "survived": 0, "stale": 0, "error": 0}
        )
        row[o.status] += 1
    total = {
        k: sum(r[k] for r in modules.values()) for k in ("killed", "survived", "stale", "error")
    }
    for row in [*modules.values(), total]:
        judged = row["killed"] + row["survived"]
        row["rate"] = row["killed"] / judged if judged else 1.0
    return {"modules": modules, "total": total}


def report(outcomes: Sequence[Outcome]) -> str:
    """The text report: a table per module, the survivors, the stale and failed mutants."""
    s = summary(outcomes)
    lines = [
        f"{'module':28s} {'killed':>6s} {'judged':>6s} {'rate':>7s} {'stale':>5s} {'error':>5s}"
    ]
    rows = [*sorted(s["modules"].items()), ("overall", s["total"])]
    for module, row in rows:
        judged = row["killed"] + row["survived"]
        rate = f"{row['rate']:7.1%}" if judged else f"{'-':>7s}"  # nothing judged: no rate
        lines.append(
            f"{module:28s} {row['killed']:6d} {judged:6d} {rate} "
            f"{row['stale']:5d} {row['error']:5d}"
        )
    timeouts = [o for o in outcomes if o.status == "killed" and o.detail.startswith("timeout")]
    if timeouts:
        names = ", ".join(o.mutant.name for o in timeouts)
        lines.append(f"({len(timeouts)} of the killed timed out: {names})")
    for status, title in (("survived", "Survivors"), ("stale", "Stale"), ("error", "Errors")):
        chosen = [o for o in outcomes if o.status == status]
        if chosen:
            lines.append(f"\n{title} ({len(chosen)}):")
            for o in chosen:
                extra = f" [{o.detail}]" if status != "survived" else ""
                lines.append(
                    f"  {o.mutant.name:28s} {o.mutant.module}: {o.mutant.description}{extra}"
                )
    return "\n".join(lines)


def select(mutants: Sequence[Mutant], modules: Sequence[str], names: Sequence[str]) -> list[Mutant]:
    """Mutants whose module path contains one of ``modules`` and whose name is in ``names``."""
    out = list(mutants)
    if modules:
        out = [m for m in out if any(key in m.module for key in modules)]
    if names:
        out = [m for m in out if m.name in set(names)]
    return out


def _terminate(signum: int, frame: object) -> None:  # noqa: ARG001 - handler signature
    """SIGTERM ends the run like Ctrl-C: running pytest processes killed, copies removed."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-rate", type=float, default=0.0, help="fail below this kill rate")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (at most 2)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--module", action="append", default=[], help="only modules matching")
    parser.add_argument("--name", action="append", default=[], help="only the named mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--json", type=Path, help="also write the outcomes to this JSON file")
    args = parser.parse_args(argv)
    if not 0.0 <= args.min_rate <= 1.0:
        parser.error("--min-rate must be in [0, 1]")
    if not 1 <= args.jobs <= 2:
        parser.error("--jobs must be 1 or 2 (the tests share the machine)")
    mutants = select(MUTANTS, args.module, args.name)
    if not mutants:
        parser.error("no mutant matches --module/--name")
    if args.list:
        for m in mutants:
            print(f"{m.name:28s} {m.module:24s} {m.description}")
        print(f"{len(mutants)} mutants")
        return 0
    problems = check_mutants(mutants, ROOT)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    try:
        outcomes, broken = run_all(mutants, ROOT, jobs=args.jobs, timeout=args.timeout)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print()
    print(report(outcomes))
    failing = sorted({n for nodes in broken.values() if nodes for n in nodes})
    if failing:
        print(f"\nTests failing without any mutant, deselected ({len(failing)}):")
        print("\n".join(f"  {n}" for n in failing))
    s = summary(outcomes)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "summary": s,
                    "outcomes": [
                        {
                            "name": o.mutant.name,
                            "module": o.mutant.module,
                            "description": o.mutant.description,
                            "status": o.status,
                            "detail": o.detail,
                            "seconds": round(o.seconds, 2),
                        }
                        for o in outcomes
                    ],
                },
                indent=1,
            )
        )
    rate, total = s["total"]["rate"], s["total"]
    if total["killed"] + total["survived"] == 0:
        print("\nno mutant could be judged (all stale or in error)")
        return 2
    print(f"\nkill rate {rate:.1%} (minimum {args.min_rate:.0%})")
    if total["error"]:
        return 2
    return 0 if rate >= args.min_rate else 1


if __name__ == "__main__":
    sys.exit(main())
