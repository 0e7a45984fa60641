"""JavaScript for the static site, from the npm registry, pinned and checked.

The site renders formulas with MathJax and its browser test runs axe-core; neither is
loaded from a CDN. ``tools/site_vendor.lock.json`` pins each package: its version, the
``sha512`` integrity the registry publishes for its tarball, and the files of the tarball
the site (or the test) uses, mapped to where they go. The tarball is fetched once with
HTTPS from the registry (the file ``npm pack NAME@VERSION`` gets; npm itself is not
needed) into ``build/vendor/`` (not in git), its
integrity checked before every use, and only the listed files are read from it. A
tarball whose integrity differs is deleted and the build stops: nothing unverified ever
reaches ``site/``. With the tarballs cached, building needs no network.

Usage (from the repository root)::

    python tools/site_vendor.py          # fetch (if needed) and verify every package
    python tools/site_vendor.py --check  # verify the cache only; exit 1 if one is missing
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = Path(__file__).resolve().with_name("site_vendor.lock.json")
CACHE = ROOT / "build" / "vendor"
REGISTRY = "https://registry.npmjs.org"  # LRSCHED_NPM_REGISTRY overrides it (a mirror)
FETCH_TIMEOUT = 300  # seconds for one tarball


class VendorError(RuntimeError):
    """A pinned package cannot be had, or its tarball is not the one pinned."""


def lock(path: Path = LOCK) -> dict[str, dict]:
    """The pinned packages, by name."""
    return json.loads(path.read_text(encoding="utf-8"))["packages"]


def integrity(data: bytes) -> str:
    """The Subresource-Integrity string of ``data``: ``"sha512-" + base64(SHA-512(data))``,
    the form the npm registry publishes as ``dist.integrity``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _tarball_name(name: str, version: str) -> str:
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def tarball(name: str, *, cache: Path = CACHE, pins: dict | None = None) -> Path:
    """The verified tarball of package ``name`` at its pinned version, fetched with
    from the registry into ``cache`` when it is not there yet.

    Raises :class:`VendorError` when the fetch fails, or when the tarball's
    sha512 integrity is not the pinned one (the bad file is deleted).
    """
    pins = lock() if pins is None else pins
    if name not in pins:
        raise VendorError(f"{name!r} is not pinned in {LOCK.name}")
    pin = pins[name]
    path = Path(cache) / _tarball_name(name, pin["version"])
    if not path.is_file():
        _download(name, pin["version"], path)
    found = integrity(path.read_bytes())
    if found != pin["integrity"]:
        path.unlink()
        raise VendorError(
            f"{name}@{pin['version']}: the tarball's integrity is {found}, but "
            f"{LOCK.name} pins {pin['integrity']}; the file was deleted"
        )
    return path


def _tarball_url(name: str, version: str) -> str:
    """The registry's address of a package tarball (``npm pack`` fetches the same file)."""
    registry = os.environ.get("LRSCHED_NPM_REGISTRY", REGISTRY).rstrip("/")
    return f"{registry}/{name}/-/{name.rpartition('/')[2]}-{version}.tgz"


def _download(name: str, version: str, path: Path) -> None:
    url = _tarball_url(name, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as answer:  # noqa: S310
                shutil.copyfileobj(answer, tmp)
        except (OSError, ValueError) as exc:  # URLError is an OSError
            tmp.close()
            os.unlink(tmp.name)
            raise VendorError(
                f"{name}@{version} is not in {path.parent} and cannot be fetched from {url}: "
                f"{exc}"
            ) from None
    os.replace(tmp.name, path)


def files(name: str, *, cache: Path = CACHE, pins: dict | None = None) -> dict[str, bytes]:
    """The files of package ``name`` the lock lists, as ``{destination: bytes}``.

    A lock entry ending in ``/`` maps a folder of the tarball (every file under it);
    any other maps one file. Raises :class:`VendorError` when a listed file is absent.
    """
    pins = lock() if pins is None else pins
    wanted = pins[name]["files"]
    out: dict[str, bytes] = {}
    with tarfile.open(tarball(name, cache=cache, pins=pins), "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        for src, dest in wanted.items():
            if src.endswith("/"):
                found = sorted(n for n in members if n.startswith(src))
                pairs = [(n, dest + n[len(src) :]) for n in found]
            else:
                pairs = [(src, dest)] if src in members else []
            if not pairs:
                raise VendorError(f"{name}@{pins[name]['version']}: no {src} in the tarball")
            for member, target in pairs:
                handle = tar.extractfile(members[member])
                assert handle is not None  # a regular file
                out[target] = handle.read()
    return out


def asset(name: str, dest: str, **kwargs) -> bytes:
    """One file of package ``name``, by its destination path in the lock."""
    found = files(name, **kwargs)
    if dest not in found:
        raise VendorError(f"{name}: the lock maps no file to {dest!r}")
    return found[dest]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the cache, fetch nothing")
    parser.add_argument("--cache", type=Path, default=CACHE, help="tarball folder (build/vendor)")
    args = parser.parse_args(argv)
    status = 0
    for name, pin in lock().items():
        path = args.cache / _tarball_name(name, pin["version"])
        if args.check and not path.is_file():
            print(f"missing  {name}@{pin['version']} ({path})")
            status = 1
            continue
        try:
            tarball(name, cache=args.cache)
        except VendorError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"ok       {name}@{pin['version']} {pin['integrity']}")
    return status


if __name__ == "__main__":
    sys.exit(main())
