"""Build the classroom release: what an instructor hands out, with no solutions in it.

Usage (from the repository root, inside the project's environment; ``make release``)::

    python tools/build_release.py [--out release] [--execute] [--force]

The folder ``<out>/lrsched-course/`` then holds

* ``notebooks/`` — every chapter in its learner edition (exercise stubs, visible checks;
  no solution, no hidden test, no reference edition), executed, with the index;
* ``lrsched-<version>-py3-none-any.whl`` — the course package the notebooks import;
* ``README.md`` — how to install and start.

Where the notebooks come from: an exercise chapter's learner edition is made afresh from
its reference edition in ``solutions/`` (``build_course.learner_editions``), never taken
from ``notebooks/``, where someone may have filled in the answers. It keeps the outputs
stored in ``notebooks/`` only if that notebook has exactly the same cells (untouched
stubs); otherwise it is executed in memory, with time limits (``--execute``: every
notebook is). The other chapters and the index are what ``make course`` writes.

Nothing is written when the no-leak check (``tools/no_leak.py``) finds a line of a
reference solution, hidden test or written answer in the notebooks, the README or the
wheel's files. The build replaces and removes only the files it made, listed in
``<out>/.lrsched-release-manifest.json`` (``tools/safe_write.py``); files an instructor
added survive, and a file in the way that the build did not make (or that was changed
since) stops it, unless ``--force``, which first keeps a copy in ``<out>/.backup/``.

Its "Show the reference solution" buttons say plainly that this copy has none. To grade
with nbgrader, an instructor uses the reference editions in ``solutions/`` as the
assignment's ``source`` (see the repository README).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package
import build_course  # noqa: E402
import no_leak  # noqa: E402
import safe_write  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "lrsched-course"
#: what the wheel is built from (copied to a temporary folder, so the build leaves no
#: build/ or *.egg-info behind in the repository)
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "lrsched")

README = """# Learning-rate schedules — classroom release

These notebooks are a course on learning-rate schedules. Exercises come with a check cell
that gives feedback on your answer. This copy has no reference solutions.

## Start

```sh
python3 -m venv .venv
.venv/bin/pip install {wheel} jupyterlab
.venv/bin/jupyter lab notebooks/00_index.ipynb
```

Open the index and work through the chapters in order.
"""


def _build_requirements_met(pyproject: Path) -> bool:
    """True when this environment already has the build backend pyproject.toml asks for
    (then the wheel is built offline, without an isolated build environment)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            return False
    from importlib.metadata import PackageNotFoundError, version

    try:
        from packaging.requirements import Requirement
    except ModuleNotFoundError:
        return False
    requires = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    for spec in requires.get("build-system", {}).get("requires", []):
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            if not req.specifier.contains(version(req.name), prereleases=True):
                return False
        except PackageNotFoundError:
            return False
    return True


def build_wheel(root: Path = ROOT) -> tuple[str, bytes]:
    """Build the course package's wheel from a temporary copy of its sources; return its
    file name and bytes."""
    with tempfile.TemporaryDirectory(prefix="lrsched-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in WHEEL_SOURCES:
            path = root / name
            if path.is_dir():
                shutil.copytree(
                    path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                )
            elif path.is_file():
                shutil.copy2(path, src / name)
        isolation = [] if not _build_requirements_met(src / "pyproject.toml") else [
            "--no-build-isolation"
        ]  # fmt: skip
        dist = Path(tmp) / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation,
             "--wheel-dir", str(dist), str(src)],
            check=True,
        )  # fmt: skip
        wheels = sorted(dist.glob("lrsched-*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"expected one lrsched wheel, found {len(wheels)}")
        return wheels[0].name, wheels[0].read_bytes()


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    """A notebook's file contents, as ``nbformat.write`` would write them."""
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode()


def run_where_needed(
    nbs: dict[str, nbformat.NotebookNode],
    cwd: Path,
    *,
    execute_mode: str = "auto",
    log=print,
    **limits,
) -> dict[str, nbformat.NotebookNode]:
    """Execute in memory (in ``cwd``) the notebooks that have not run (``"auto"``), all of
    them (``"all"``) or none (``"none"``); return the notebooks."""
    todo = [
        n for n, nb in nbs.items()
        if execute_mode == "all" or (execute_mode == "auto" and build_course.needs_run(nb))
    ]  # fmt: skip
    if not todo:
        return dict(nbs)
    log(f"executing {len(todo)} notebook(s) in memory: {', '.join(todo)}")
    done = build_course.execute_many([(n, nbs[n], cwd) for n in todo], **limits)
    result = dict(nbs)
    for name, nb in zip(todo, done, strict=True):
        build_course.stable_widget_ids(nb, name)
        result[name] = nb
    return result


def build(
    out: Path,
    *,
    root: Path = ROOT,
    execute_mode: str = "auto",
    force: bool = False,
    log=print,
    **limits,
) -> Path:
    """Build the release into ``out/lrsched-course`` and return that folder.

    ``execute_mode``: see :func:`run_where_needed`; ``limits``: ``cell_timeout`` and
    ``run_timeout`` (seconds) of :func:`build_course.execute_notebook`. Raises
    :class:`no_leak.LeakError` (a solution line found), :class:`safe_write.Refused` (a file
    in the way that the build did not make) or :class:`build_course.NotebookRunError`; in
    every case nothing is written.
    """
    folder = safe_write.OutputFolder(out, "release")
    folder.check_unchanged(force=force)  # before the slow steps
    secrets = no_leak.secret_lines(root / "solutions")
    learner_dir = root / "notebooks"
    nbs = build_course.learner_editions(learner_dir, root / "solutions")
    # cheap check first: a leak in the sources stops the build before anything runs
    no_leak.refuse_leaks(
        {f"{FOLDER}/notebooks/{n}": notebook_bytes(nb) for n, nb in nbs.items()}, secrets
    )
    nbs = run_where_needed(nbs, learner_dir, execute_mode=execute_mode, log=log, **limits)
    products = {f"{FOLDER}/notebooks/{n}": notebook_bytes(nb) for n, nb in nbs.items()}
    wheel, data = build_wheel(root)
    products[f"{FOLDER}/{wheel}"] = data
    products[f"{FOLDER}/README.md"] = README.format(wheel=wheel).encode()
    no_leak.refuse_leaks(products, secrets)
    folder.replace(products, force=force, log=log)
    return out / FOLDER


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "release", help="output folder")
    parser.add_argument(
        "--execute", action="store_true", help="execute every notebook (in memory) first"
    )
    safe_write.add_force_option(parser)
    build_course.add_limit_options(parser)
    args = parser.parse_args(argv)
    try:
        target = build(
            args.out,
            execute_mode="all" if args.execute else "auto",
            force=args.force,
            cell_timeout=args.cell_timeout,
            run_timeout=args.timeout,
        )
    except (no_leak.LeakError, safe_write.Refused, build_course.NotebookRunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"classroom release written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
