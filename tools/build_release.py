"""Build the classroom release: what an instructor hands out, with no solutions in it.

Usage (from the repository root, inside the project's environment; ``make release``)::

    python tools/build_release.py [--out release]

The folder ``<out>/lrsched-course/`` then holds

* ``notebooks/`` — every chapter in its learner edition (exercise stubs, visible checks;
  no solution, no hidden test, no reference edition), executed, with the index;
* ``lrsched-<version>-py3-none-any.whl`` — the course package the notebooks import;
* ``README.md`` — how to install and start.

Its "Show the reference solution" buttons say plainly that this copy has none. To grade
with nbgrader, an instructor uses the reference editions in ``solutions/`` as the
assignment's ``source`` (see the repository README).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def build(out: Path) -> Path:
    """Build the release into ``out/lrsched-course`` (replacing it) and return that folder."""
    target = out / "lrsched-course"
    if target.exists():
        shutil.rmtree(target)
    (target / "notebooks").mkdir(parents=True)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(nb, target / "notebooks" / nb.name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(target),
            str(ROOT),
        ],
        check=True,
    )
    wheels = sorted(target.glob("lrsched-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one lrsched wheel in {target}, found {len(wheels)}")
    (target / "README.md").write_text(README.format(wheel=wheels[0].name), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "release", help="output folder")
    args = parser.parse_args(argv)
    target = build(args.out)
    print(f"classroom release written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
