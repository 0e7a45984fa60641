"""The install sets of the course and their lock files (``tools/lock/*.txt``).

Each lock is a ``uv pip compile`` of ``pyproject.toml`` for one set of extras: every
package pinned, for every Python the project supports (``--universal``). ``make`` installs
a set with the lock as constraints, so two installs from one commit get the same versions:

* ``learner``    the course: NumPy + the ``course`` extra + JupyterLab (``make lab``);
* ``instructor`` the learner set + nbgrader (``make instructor``);
* ``dev``        the instructor set + the test and lint tools (``make test``);
* ``lowest``     the ``dev`` set with the runtime dependencies (NumPy + ``course`` +
  ``lab``) at the lowest versions ``pyproject.toml`` declares (``make test-lowest``). Their
  exact pins are ``lowest-direct.txt``, written from the ``>=`` bounds; everything else is
  the newest version compatible with them (what uv's ``--resolution lowest-direct`` does
  for the runtime dependencies), on the Python that runs this script.

``python tools/lock.py`` rewrites every lock (it needs ``uv`` on PATH or ``--uv``, and the
network); ``python tools/lock.py --check`` only checks that each lock satisfies
``pyproject.toml`` (``tests/test_lock.py`` does the same).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
LOCK_DIR = ROOT / "tools" / "lock"
#: The oldest Python the universal locks cover (pyproject's requires-python).
PYTHON_FLOOR = "3.10"

#: The extras of each install set. ``dev`` is compiled first; the smaller sets are compiled
#: with it as constraints, so a package has one version in every lock (``make lab`` after
#: ``make test`` changes nothing, and the other way round).
SETS: dict[str, tuple[str, ...]] = {
    "dev": ("course", "lab", "instructor", "dev"),
    "instructor": ("course", "lab", "instructor"),
    "learner": ("course", "lab"),
}
#: The lowest-versions set: these extras, with RUNTIME_EXTRAS (and the core
#: dependencies) pinned to their lower bounds.
LOWEST_EXTRAS: tuple[str, ...] = ("course", "lab", "dev")
RUNTIME_EXTRAS: tuple[str, ...] = ("course", "lab")


def lock_path(name: str) -> Path:
    """The lock file of install set ``name``."""
    return LOCK_DIR / f"{name}.txt"


def pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def requirements(extras: tuple[str, ...]) -> list[str]:
    """The requirement strings of the core dependencies and of ``extras``."""
    project = pyproject()["project"]
    out = list(project["dependencies"])
    for extra in extras:
        out += project["optional-dependencies"][extra]
    return out


def lowest_pins() -> list[str]:
    """``name==bound`` for every runtime requirement, from its single ``>=`` bound."""
    from packaging.requirements import Requirement

    pins = []
    for line in requirements(RUNTIME_EXTRAS):
        req = Requirement(line)
        bounds = [s.version for s in req.specifier if s.operator == ">="]
        if len(bounds) != 1:
            raise ValueError(f"{line!r}: a runtime dependency needs exactly one '>=' bound")
        pins.append(f"{req.name}=={bounds[0]}")
    return pins


def compile_command(uv: str, name: str) -> list[str]:
    """The ``uv pip compile`` command that writes lock ``name`` (run from ROOT)."""
    cmd = [uv, "pip", "compile", "--quiet", "pyproject.toml"]
    if name == "lowest":
        extras = LOWEST_EXTRAS
        cmd += ["-c", "tools/lock/lowest-direct.txt"]
        cmd += ["--python-version", f"{sys.version_info[0]}.{sys.version_info[1]}"]
    else:
        extras = SETS[name]
        if name != "dev":
            cmd += ["-c", "tools/lock/dev.txt"]
        cmd += ["--universal", "--python-version", PYTHON_FLOOR]
    for extra in extras:
        cmd += ["--extra", extra]
    return [*cmd, "-o", f"tools/lock/{name}.txt"]


def write_locks(uv: str) -> None:
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    direct = LOCK_DIR / "lowest-direct.txt"
    direct.write_text(
        "# The runtime dependencies at the lower bounds of pyproject.toml (tools/lock.py\n"
        "# writes this file; lowest.txt is compiled with it as constraints).\n"
        + "".join(f"{pin}\n" for pin in lowest_pins()),
        encoding="utf-8",
    )
    for name in [*SETS, "lowest"]:
        cmd = compile_command(uv, name)
        print("+", " ".join(cmd[1:]), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)


# ----------------------------------------------------------------------------- checking

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*(.+?))?\s*$")


def normalise(name: str) -> str:
    """Package name as compared here: lower-case, runs of ``-``, ``_``, ``.`` become ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> list[tuple[str, str, str | None]]:
    """The ``(name, version, marker)`` pins of a lock file (comments skipped)."""
    pins = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        if not match:
            raise ValueError(f"{path.name}: not a pin: {raw!r}")
        pins.append((normalise(match[1]), match[2], match[3]))
    return pins


def pins_for(path: Path, environment: dict[str, str]) -> dict[str, str]:
    """``{name: version}`` of the lock's pins whose marker holds in ``environment``."""
    from packaging.markers import Marker

    out: dict[str, str] = {}
    for name, version, marker in read_lock(path):
        if marker is None or Marker(marker).evaluate(environment):
            if name in out and out[name] != version:
                raise ValueError(f"{path.name}: {name} pinned twice ({out[name]}, {version})")
            out[name] = version
    return out


def problems(path: Path, reqs: list[str], environment: dict[str, str]) -> list[str]:
    """Why the lock at ``path`` does not satisfy ``reqs`` in ``environment`` (empty if it
    does): a requirement with no pin, or a pin outside the requirement's range."""
    from packaging.requirements import Requirement

    pins = pins_for(path, environment)
    out = []
    for line in reqs:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate(environment):
            continue
        pinned = pins.get(normalise(req.name))
        if pinned is None:
            out.append(f"{path.name}: {req.name} is not pinned ({line})")
        elif not req.specifier.contains(pinned, prereleases=True):
            out.append(f"{path.name}: {req.name}=={pinned} does not satisfy {line!r}")
    return out


def check() -> list[str]:
    """Every problem of every lock, for the running Python."""
    from packaging.markers import default_environment

    env = default_environment()
    out = []
    for name, extras in SETS.items():
        out += problems(lock_path(name), requirements(extras), env)
    out += problems(lock_path("lowest"), requirements(LOWEST_EXTRAS), env)
    out += problems(lock_path("lowest"), lowest_pins(), env)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the locks")
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="the uv executable")
    args = parser.parse_args(argv)
    if not args.check:
        write_locks(args.uv)
    found = check()
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
