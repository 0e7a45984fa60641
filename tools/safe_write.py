"""Writing build products without destroying anyone's files.

The build commands write into folders that people use too: ``make course`` into
``notebooks/`` (where learners write their answers), ``make release`` and ``make html``
into ``release/`` and ``site/`` (where an instructor may add a syllabus, a data file or a
landing page). This module holds the rules they share:

* :class:`OutputFolder` — an output folder with a **manifest** (``.lrsched-<kind>-manifest.json``:
  every file the tool wrote and the SHA-256 of what it wrote). A rebuild replaces or removes
  only files listed there and still as written; it refuses (writing nothing) to overwrite a
  file it did not make, or a file it made that someone changed since, unless forced, and
  then it first keeps a copy under ``<folder>/.backup/``.
* :func:`keep_copy` — a time-stamped copy, ``<folder>/<stem>.<UTC time>.<suffix>``.
* :func:`clean` — remove what a manifest lists (and unchanged), nothing else; the folder
  itself only when nothing else is left in it.

Standard library only: ``make clean`` runs it with the system interpreter, after (or
without) the project's virtualenv::

    python3 tools/safe_write.py clean release site
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

BACKUP = ".backup"
MANIFEST_GLOB = ".lrsched-*-manifest.json"


class Refused(RuntimeError):
    """A write that would destroy a file the tool did not make (or that someone changed)."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def timestamp() -> str:
    """UTC time for backup names, e.g. ``20261206T031500Z``."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def keep_copy(path: Path, folder: Path) -> Path:
    """Copy ``path`` to ``folder/<stem>.<UTC time>.<suffix>`` (never overwriting); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timestamp()
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    n = 1
    while target.exists():
        target = folder / f"{path.stem}.{stamp}-{n}{path.suffix}"
        n += 1
    shutil.copy2(path, target)
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # what open() would give, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune_empty_dirs(start: Path, stop: Path) -> None:
    """Remove ``start`` and its parents while they are empty, up to (not including) ``stop``."""
    d = start
    while d != stop and stop in d.parents:
        try:
            d.rmdir()
        except OSError:
            return
        d = d.parent


class OutputFolder:
    """An output folder whose build products are listed in a manifest.

    Parameters
    ----------
    root : Path
        The folder (``release/``, ``site/``).
    kind : str
        The tool's name for its manifest, ``.lrsched-<kind>-manifest.json``; two tools may
        share a folder without touching each other's files.
    """

    def __init__(self, root: Path, kind: str) -> None:
        self.root = Path(root)
        self.kind = kind
        self.manifest = self.root / f".lrsched-{kind}-manifest.json"

    def recorded(self) -> dict[str, str]:
        """``{relative path: sha256}`` of the files the last build wrote (empty: none)."""
        if not self.manifest.is_file():
            return {}
        data = json.loads(self.manifest.read_text(encoding="utf-8"))
        return dict(data.get("files", {}))

    def _changed(self, rel: str, digest: str | None) -> bool:
        """True when ``rel`` exists and is not (or no longer) the recorded build product."""
        path = self.root / rel
        if not path.exists():
            return False
        return digest is None or not path.is_file() or sha256(path) != digest

    def conflicts(self, products: Mapping[str, bytes]) -> list[tuple[str, str]]:
        """``(relative path, why)`` of the files a rebuild with ``products`` would overwrite
        or remove, and must not."""
        old = self.recorded()
        found = []
        for rel, data in products.items():
            path = self.root / rel
            if rel not in old and path.exists():
                if path.is_file() and path.read_bytes() == data:
                    continue  # the very same bytes: nothing is lost
                found.append((rel, "not made by this build"))
            elif rel in old and self._changed(rel, old[rel]):
                found.append((rel, "changed since the last build"))
        for rel, digest in old.items():
            if rel not in products and self._changed(rel, digest):
                found.append((rel, "changed since the last build"))
        return found

    def _refusal(self, conflicts: list[tuple[str, str]]) -> Refused:
        return Refused(
            f"{self.root}: the build would overwrite or remove files that it did not "
            "make, or that were changed since it made them:\n  "
            + "\n  ".join(f"{rel} ({why})" for rel, why in conflicts)
            + "\nNothing was written. Move these files out of the way (or delete them), "
            "or rebuild with FORCE=1 (--force), which keeps a copy of each in "
            f"{self.root / BACKUP}/ first."
        )

    def check_unchanged(self, *, force: bool = False) -> None:
        """Raise :class:`Refused` now if a file the last build made was changed since
        (a rebuild would replace or remove it); with ``force``, do nothing. Lets a tool
        stop before its slow steps; :meth:`replace` checks everything again."""
        changed = [
            (rel, "changed since the last build")
            for rel, digest in self.recorded().items()
            if self._changed(rel, digest)
        ]
        if changed and not force:
            raise self._refusal(changed)

    def replace(
        self,
        products: Mapping[str, bytes],
        *,
        force: bool = False,
        log: Callable[[str], object] = print,
    ) -> list[Path]:
        """Write ``products`` (``{relative path: bytes}``), remove the last build's files that
        are no longer produced, and record the new manifest. Return the files written.

        Raises :class:`Refused` (nothing written) when a file in the way was not made by
        the last build or was changed since; with ``force`` such files are first copied
        to ``<root>/.backup/`` and then replaced.
        """
        for rel in products:
            parts = Path(rel).parts
            if Path(rel).is_absolute() or ".." in parts or not parts or parts[0] == BACKUP:
                raise ValueError(f"product path {rel!r} must stay inside the output folder")
        if self.root.exists() and not self.root.is_dir():
            raise Refused(f"{self.root} exists and is not a folder")
        folders = [rel for rel in products if (self.root / rel).is_dir()]
        if folders:
            raise Refused(
                f"{self.root}: folders where the build writes files: {', '.join(folders)}; "
                "move them away. Nothing was written."
            )
        old = self.recorded()
        conflicts = self.conflicts(products)
        if conflicts and not force:
            raise self._refusal(conflicts)
        for rel, _ in conflicts:
            path = self.root / rel
            kept = keep_copy(path, self.root / BACKUP / Path(rel).parent)
            log(f"kept a copy of {path} in {kept}")
        written = []
        for rel, data in products.items():
            path = self.root / rel
            write_atomic(path, data)
            written.append(path)
        for rel in old:
            if rel not in products:
                path = self.root / rel
                if path.is_file():
                    path.unlink()
                    _prune_empty_dirs(path.parent, self.root)
        manifest = {
            "about": "files written by the lrsched build; a rebuild or `make clean` removes "
            "only these, and only while unchanged",
            "files": {rel: hashlib.sha256(data).hexdigest() for rel, data in products.items()},
        }
        write_atomic(
            self.manifest, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
        )
        return written

    def clean(self, log: Callable[[str], object] = print) -> list[Path]:
        """Remove the recorded files that are unchanged, and the manifest; return the files
        left behind (changed since the build, or never made by it)."""
        old = self.recorded()
        for rel, digest in old.items():
            path = self.root / rel
            if path.is_file() and not self._changed(rel, digest):
                path.unlink()
                _prune_empty_dirs(path.parent, self.root)
            elif path.exists():
                log(f"kept {path}: changed since the build made it")
        self.manifest.unlink(missing_ok=True)
        return sorted(p for p in self.root.rglob("*") if p.is_file()) if self.root.is_dir() else []


def clean(folder: Path, log: Callable[[str], object] = print) -> list[Path]:
    """Remove every build product recorded in ``folder``'s manifests; then the folder itself
    if nothing is left in it. Return the files left (a person's, or changed ones)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    manifests = sorted(folder.glob(MANIFEST_GLOB))
    for manifest in manifests:
        kind = manifest.name[len(".lrsched-") : -len("-manifest.json")]
        OutputFolder(folder, kind).clean(log=log)
    left = sorted(p for p in folder.rglob("*") if not p.is_dir())
    if not left:
        shutil.rmtree(folder)
        log(f"removed {folder}/")
    else:
        what = "no build manifest" if not manifests else "files the build did not make"
        log(f"kept {folder}/ ({what}): " + ", ".join(str(p.relative_to(folder)) for p in left))
    return left


def add_force_option(parser) -> None:
    """``--force`` for the builders that write through a manifest (release, html)."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace files in the way that the build did not make (a copy of each is kept "
        "in <out>/.backup/)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Remove build products listed in manifests.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_clean = sub.add_parser("clean", help="remove what the build made in these folders")
    p_clean.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for folder in args.folders:
        clean(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
