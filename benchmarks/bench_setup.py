"""A learner's set-up from nothing: packages, size on disk, seconds to a served index.

Four set-ups of a fresh virtualenv, each measured in this one run:

* ``before``: what ``make lab`` installed before the learner set existed, the project with
  every extra a learner never needs (``.[course,lab,dev,instructor]``, no lock);
* ``after``: the learner set of today's ``make lab``, ``.[course,lab]`` from
  ``tools/lock/learner.txt`` (with uv, less ``tools/learner-excludes.txt``, as ``make lab``);

each installed with pip (``python -m venv`` + ``pip install -e``) and with uv (``uv venv``
+ ``uv pip install -e``). For each: the packages in the venv, its size on disk (every file,
hard links counted once, as ``du``) and the files' apparent size, the seconds to create
and fill it, and the seconds from starting JupyterLab (on a free port, with private
Jupyter folders) until ``/lab/tree/notebooks/00_index.ipynb`` answers 200 and the
contents API finds the file. Goals for ``after`` with uv (what ``make lab`` does):
<= 450 MB and <= 60 s from nothing to the served index, with a warm package cache. By
default each set-up is installed once untimed first, so both tools' caches are warm;
``--cold`` skips that.

uv is the Makefile's (``.venv-uv/bin/uv``) or, when absent, bootstrapped from PyPI into a
temporary virtualenv (not counted). Run: ``python benchmarks/bench_setup.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tools" / "lock" / "learner.txt"
#: what ``make lab`` leaves out (uv only: pip has no way to exclude a dependency)
EXCLUDES = ROOT / "tools" / "learner-excludes.txt"
INDEX = "notebooks/00_index.ipynb"
GOAL_MB = 450.0
GOAL_S = 60.0
SERVE_TIMEOUT = 300.0

#: (name, extras, lock or None)
SETS = {
    "before": ("course,lab,dev,instructor", None),
    "after": ("course,lab", LOCK),
}


@dataclass
class Result:
    case: str
    tool: str
    packages: int
    size_mb: float
    apparent_mb: float
    install_s: float
    serve_s: float

    @property
    def total_s(self) -> float:
        return self.install_s + self.serve_s


def run(cmd: list[str], **kwargs) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{proc.stdout}\n{proc.stderr}")


def find_uv(tmp: Path) -> str:
    made = ROOT / ".venv-uv" / "bin" / "uv"
    if made.is_file():
        return str(made)
    found = shutil.which("uv")
    if found:
        return found
    venv = tmp / "uv-tool"
    run([sys.executable, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "uv"])
    return str(venv / "bin" / "uv")


def install(tool: str, uv: str, venv: Path, extras: str, lock: Path | None) -> None:
    python = str(venv / "bin" / "python")
    constraints = ["-c", str(lock)] if lock else []
    if tool == "pip":
        run([sys.executable, "-m", "venv", str(venv)])
        run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([python, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]", *constraints])
    else:
        run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
        excludes = ["--excludes", str(EXCLUDES)] if lock else []
        run([uv, "pip", "install", "--quiet", "--python", python, "-e", f".[{extras}]",
             *constraints, *excludes])  # fmt: skip


def disk_mb(folder: Path) -> tuple[float, float]:
    """Blocks used by the files under ``folder``, each inode once (``du -s``), and their
    apparent size (``du -s --apparent-size``), in MB (1e6 bytes)."""
    seen: set[tuple[int, int]] = set()
    blocks = apparent = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            blocks += st.st_blocks * 512
            apparent += st.st_size
    return blocks / 1e6, apparent / 1e6


def packages(venv: Path) -> int:
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import json, importlib.metadata as m;"
         "print(json.dumps(sorted({d.metadata['Name'].lower() for d in m.distributions()})))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return len(json.loads(out))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, token: str) -> bool:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def serve_seconds(venv: Path, tmp: Path) -> float:
    """Seconds from starting JupyterLab until the index is served."""
    token = secrets.token_hex(16)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        path = tmp / "jupyter" / var.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    cmd = [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
           f"--LabApp.default_url=/lab/tree/{INDEX}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "jupyterlab.log", "wb")  # noqa: SIM115 - closed below
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({proc.returncode}); see {log.name}")
            if answers(f"{base}/lab/tree/{INDEX}", token) and answers(
                f"{base}/api/contents/{INDEX}?content=0", token
            ):
                return time.monotonic() - start
            if time.monotonic() - start > SERVE_TIMEOUT:
                raise RuntimeError(f"no served index within {SERVE_TIMEOUT:.0f} s")
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def measure(case: str, tool: str, uv: str, tmp: Path, warm: bool) -> Result:
    extras, lock = SETS[case]
    venv = tmp / f"{case}-{tool}"
    if warm:  # fill the package caches; not timed
        install(tool, uv, venv, extras, lock)
        shutil.rmtree(venv)
    start = time.monotonic()
    install(tool, uv, venv, extras, lock)
    install_s = time.monotonic() - start
    result = Result(case, tool, packages(venv), *disk_mb(venv), install_s, 0.0)
    result.serve_s = serve_seconds(venv, tmp / f"{case}-{tool}-run")
    shutil.rmtree(venv)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="no untimed warm-up install")
    parser.add_argument("--tools", default="pip,uv", help="comma-separated: pip,uv")
    parser.add_argument("--cases", default="before,after", help="comma-separated")
    args = parser.parse_args(argv)

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as name:
        tmp = Path(name)
        uv = find_uv(tmp)
        print(f"python {sys.version.split()[0]}; uv: {uv}; warm cache: {not args.cold}")
        for case in args.cases.split(","):
            for tool in args.tools.split(","):
                r = measure(case, tool, uv, tmp, warm=not args.cold)
                results.append(r)
                print(f"  measured {case}/{tool}", flush=True)

    print(f"\n{'set-up':<16}{'packages':>9}{'MB (du)':>9}{'MB apparent':>13}{'install s':>11}"
          f"{'serve s':>9}{'total s':>9}")  # fmt: skip
    for r in results:
        print(f"{r.case + ' / ' + r.tool:<16}{r.packages:>9d}{r.size_mb:>9.0f}"
              f"{r.apparent_mb:>13.0f}{r.install_s:>11.1f}{r.serve_s:>9.1f}"
              f"{r.total_s:>9.1f}")  # fmt: skip
    by = {(r.case, r.tool): r for r in results}
    if ("before", "pip") in by and ("after", "uv") in by:
        b, a = by["before", "pip"], by["after", "uv"]
        print(f"\nafter (uv, make lab) / before (pip): size {a.size_mb / b.size_mb:.2f}, "
              f"packages {a.packages / b.packages:.2f}, seconds to the served index "
              f"{a.total_s / b.total_s:.2f}")  # fmt: skip
    if ("after", "uv") in by:
        a = by["after", "uv"]
        print(f"goal size <= {GOAL_MB:.0f} MB: {a.size_mb:.0f} MB on disk, "
              f"{a.apparent_mb:.0f} MB apparent "
              f"({'met' if a.size_mb <= GOAL_MB else 'NOT met'}); "
              f"goal <= {GOAL_S:.0f} s to the served index: {a.total_s:.1f} s "
              f"({'met' if a.total_s <= GOAL_S else 'NOT met'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
