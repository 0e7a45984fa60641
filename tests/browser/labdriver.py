"""Drive the course in a real browser: JupyterLab on 127.0.0.1 plus Debian's Chromium.

Used by the browser tests (``tests/browser``) and by ``benchmarks/bench_browser.py``.

* :class:`LabServer` starts JupyterLab on 127.0.0.1 at a free port with a random token,
  with its config, settings, workspaces, runtime and data folders in a private directory.
  It starts as ``make lab`` starts it (:data:`LEARNER_FLAGS`: the course index as start
  page, no update check; ``tools/jupyterlab_page_config.json``: nbgrader's menus off) and
  with the overrides of ``tools/jupyterlab_overrides.json`` (no news pop-up, every cell
  rendered, no autosave: the tests never write to the notebooks). It runs in its own
  process group; :meth:`LabServer.stop` ends that group and any kernel left behind.
* :func:`browser_unavailable` says why no browser test can run here (no Chromium, no
  Playwright); :func:`launch_chromium` starts the system Chromium through Playwright (no
  ``playwright install``: Playwright never downloads a browser here).
* :class:`Notebook` opens a notebook in JupyterLab, runs all cells, waits for the kernel,
  finds error outputs and the explorers, and moves their sliders.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
OVERRIDES = ROOT / "tools" / "jupyterlab_overrides.json"
PAGE_CONFIG = ROOT / "tools" / "jupyterlab_page_config.json"
#: The course index: where ``make lab`` opens, and the URL it prints.
INDEX = "notebooks/00_index.ipynb"
#: The JupyterLab flags of ``make lab`` (its LAB_FLAGS; tests/browser/test_browser_setup.py
#: checks that the two agree).
LEARNER_FLAGS = (
    "--ServerApp.ip=127.0.0.1",
    f"--LabApp.default_url=/lab/tree/{INDEX}",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
)

#: Debian's Chromium (``apt-get install chromium``); ``LRSCHED_CHROMIUM`` points elsewhere.
CHROMIUM = os.environ.get("LRSCHED_CHROMIUM", "/usr/bin/chromium")
#: With ``LRSCHED_REQUIRE_BROWSER=1`` (CI) a missing browser fails the tests instead of
#: skipping them.
REQUIRE_ENV = "LRSCHED_REQUIRE_BROWSER"
INSTALL_HINT = (
    "install Chromium with `apt-get install chromium` (Debian/Ubuntu; it provides "
    "/usr/bin/chromium) and Playwright with `pip install playwright` (in the dev extra); "
    "do not run `playwright install`, the tests use the system Chromium"
)
#: Flags for a closed network: no background requests, no QUIC, no first-run UI.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

#: A call that displays an explorer in a notebook cell.
EXPLORER_CALL = re.compile(r"\bls\.widgets\.(\w+_explorer)\(")
#: A call that displays a reveal button.
REVEAL_CALL = re.compile(r"\bls\.exercises\.reveal_button\(")

# Explicit timeouts (ms) for every wait in the browser.
T_OPEN = 60_000
T_RUN_ALL = 120_000
T_IDLE = 60_000
T_UPDATE = 30_000


def load_build_html() -> Any:
    """Import ``tools/build_html.py`` (``tools`` is not a package)."""
    import importlib.util

    name = "lrsched_build_html"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "build_html.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- availability


def browser_unavailable(chromium: str | None = None) -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    chromium = CHROMIUM if chromium is None else chromium
    missing = []
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        missing.append(f"no Chromium at {chromium}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright is not installed")
    if not missing:
        return None
    return "; ".join(missing) + f" — {INSTALL_HINT}"


def browser_required() -> bool:
    """True when a missing browser must fail the tests (``LRSCHED_REQUIRE_BROWSER=1``)."""
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0", "false", "no")


def launch_chromium(playwright: Any, chromium: str | None = None) -> Any:
    """Start headless Chromium (the system one) through Playwright."""
    args = list(CHROMIUM_ARGS)
    if IS_ROOT:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    return playwright.chromium.launch(
        executable_path=CHROMIUM if chromium is None else chromium,
        headless=True,
        args=args,
        timeout=60_000,
    )


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (Linux), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    return stat.rsplit(")", 1)[1].split()


def start_time(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot): with the pid, names one process."""
    fields = _stat(pid)
    return fields[19] if fields else None


def descendants(pid: int) -> list[int]:
    """The pids of every process below ``pid`` (children, grandchildren, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(entry.name)
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int, started: str | None = None) -> bool:
    """True when ``pid`` runs (a zombie, dead but not yet reaped, counts as gone); with
    ``started`` (from :func:`start_time`), only if it is still that same process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return started is None
    fields = _stat(pid)
    if fields is None:
        return not Path("/proc").is_dir()  # no /proc: trust os.kill
    if started is not None and fields[19] != started:
        return False  # the pid now names another process
    return fields[0] not in ("Z", "X")


class ServerError(RuntimeError):
    """JupyterLab did not start (its log's tail is in the message)."""


class LabServer:
    """JupyterLab on 127.0.0.1 with a random token and private config folders.

    Parameters
    ----------
    root : Path
        The server's root directory (the repository, so a notebook finds ``solutions/``).
    workdir : Path
        Private folder for config, settings, workspaces, runtime files and the log.
    """

    def __init__(self, root: Path, workdir: Path, *, start_timeout: float = 90.0) -> None:
        self.root = Path(root)
        self.workdir = Path(workdir)
        self.start_timeout = start_timeout
        self.token = secrets.token_hex(24)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyterlab.log"
        self.pids: list[tuple[int, str | None]] = []  # (pid, start time), server and below

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The URL of ``path`` (e.g. ``lab/tree/notebooks/x.ipynb``) with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def environment(self) -> dict[str, str]:
        """The server's environment: every Jupyter folder it writes to is private."""
        env = dict(os.environ)
        dirs = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "lab-user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
            "IPYTHONDIR": "ipython",
        }
        for var, name in dirs.items():
            path = self.workdir / name
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiet debugpy in the kernels
        env.pop("JUPYTER_TOKEN", None)
        return env

    def command(self, app_settings: Path) -> list[str]:
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            *LEARNER_FLAGS,
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.app_settings_dir={app_settings}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to read outputs
        ]  # fmt: skip
        if IS_ROOT:
            cmd.append("--allow-root")
        return cmd

    def start(self) -> LabServer:
        """Start the server and wait for ``/api/status`` (ServerError on failure)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        app_settings = self.workdir / "lab-app-settings"
        app_settings.mkdir(exist_ok=True)
        shutil.copyfile(OVERRIDES, app_settings / "overrides.json")
        shutil.copyfile(PAGE_CONFIG, app_settings / "page_config.json")
        env = self.environment()
        last_error = ""
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    self.command(app_settings),
                    cwd=self.root,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, ended as one
                )
            try:
                self._wait_ready()
                return self
            except ServerError as exc:
                last_error = str(exc)
                self.stop()
                if "already in use" not in self.log_tail():
                    break
        raise ServerError(last_error)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        request = urllib.request.Request(
            f"{self.base_url}/api/status", headers={"Authorization": f"token {self.token}"}
        )
        while True:
            code = self.proc.poll()
            if code is not None:
                raise ServerError(
                    f"JupyterLab exited with code {code} before answering /api/status.\n"
                    f"--- {self.log_path} (tail) ---\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(request, timeout=2) as resp:
                    if resp.status == 200:
                        json.load(resp)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(
                    f"JupyterLab did not answer {self.base_url}/api/status within "
                    f"{self.start_timeout:.0f} s.\n--- {self.log_path} (tail) ---\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.25)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        """Call the server's REST API (JSON in, JSON out)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/api/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def processes(self) -> list[tuple[int, str | None]]:
        """(pid, start time) of the server and of every process below it, now."""
        if self.proc is None:
            return []
        pids = [self.proc.pid, *descendants(self.proc.pid)]
        return [(pid, start_time(pid)) for pid in pids]

    def stop(self, timeout: float = 20.0) -> None:
        """End the server's process group, then any process it started that is left
        (kernels run in sessions of their own); wait until all are gone."""
        if self.proc is None:
            return
        proc = self.proc
        if proc.poll() is None:
            self.pids = self.processes()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        deadline = time.monotonic() + timeout
        for sig in (signal.SIGTERM, signal.SIGKILL):  # kernels the server did not end
            left = [(pid, t) for pid, t in self.pids if alive(pid, t)]
            for pid, _ in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            while left and time.monotonic() < deadline:
                time.sleep(0.1)
                left = [(pid, t) for pid, t in left if alive(pid, t)]
            if not left:
                break
        self.proc = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# ----------------------------------------------------------------------------- notebooks


@dataclass(frozen=True)
class ExplorerCell:
    """An explorer displayed by a notebook cell."""

    index: int  # position among the notebook's explorers (DOM order)
    cell: int  # cell index in the notebook
    function: str  # e.g. "schedule_explorer"


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def find_explorers(path: Path) -> list[ExplorerCell]:
    """The explorers a notebook displays, read from its JSON (one per code cell)."""
    found = []
    for i, cell in enumerate(notebook_cells(path)):
        if cell.get("cell_type") != "code":
            continue
        match = EXPLORER_CALL.search(_source(cell))
        if match:
            found.append(ExplorerCell(len(found), i, match.group(1)))
    return found


def slider_notebooks() -> list[Path]:
    """The learner notebooks holding at least one explorer (a slider)."""
    return [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if find_explorers(p)]


def reveal_notebooks() -> list[Path]:
    """The learner notebooks holding a reveal button."""
    return [
        p
        for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        if any(
            c.get("cell_type") == "code" and REVEAL_CALL.search(_source(c))
            for c in notebook_cells(p)
        )
    ]


@dataclass(frozen=True)
class SliderMove:
    """Which slider of an explorer a test moves, and what the printed text must then say.

    ``expected(v)`` is a compiled regular expression the explorer's printed text must
    match once the slider's readout shows ``v``.
    """

    label: str  # the slider's description
    presses: int  # ArrowRight presses (negative: ArrowLeft)
    expected: Any  # Callable[[str], str]


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.M)


#: How each explorer of lrsched.widgets is exercised (see what its draw_* prints).
SLIDER_MOVES: dict[str, SliderMove] = {
    # the table's last row is t = T - 1
    "schedule_explorer": SliderMove("T", -3, lambda v: _rx(rf"^\s*{int(v) - 1}\s+\S+\s*$")),
    # title: "warm-up 50 (from_zero) + cosine, T = 1000"
    "warmup_explorer": SliderMove("T", -3, lambda v: _rx(rf"\bT = {int(v)}\b")),
    # title: "..., σ = 0.3, 50 seed(s): final loss ..."
    "noisy_sgd_explorer": SliderMove("seeds", -3, lambda v: _rx(rf"\b{int(v)} seed\(s\)")),
    # title: "LR range test, ...: 100 of 100 rates, ..."
    "range_test_explorer": SliderMove("steps", -3, lambda v: _rx(rf"\bof {int(v)} rates\b")),
    # title: "SGDR ...: 3 restart(s) at t = 20, 60, 140" (the first restart is at T_0)
    "cycle_explorer": SliderMove("T_0", 3, lambda v: _rx(rf"\bat t = {int(v)}\b")),
    # title: "cosine to 0, peak 0.02, warm-up 8/80, ..." (the slider's readout is the same
    # number, formatted the same way)
    "network_explorer": SliderMove(
        "peak rate", -3, lambda v: _rx(rf"\bpeak {re.escape(str(v))}, ")
    ),
    # title: "fixed α = 0.05, σ = 0.3: floor ..." (the readout is the rate written with :g)
    "fixed_rate_explorer": SliderMove(
        "rate α", -3, lambda v: _rx(rf"\bfixed α = {re.escape(str(v))}, ")
    ),
    # title: "constant, eta0 = 0.5, |x|² = 10: η₁(|x|² + 1) = ..."
    "sklearn_explorer": SliderMove("eta0", 3, lambda v: _rx(rf"\beta0 = {re.escape(str(v))}, ")),
    # title: "constant α = 0.7, κ = 20, σ = 0: |1 − αλ| = ..."
    "quadratic2d_explorer": SliderMove(
        "rate α", -3, lambda v: _rx(rf"\bα = {re.escape(str(v))}, κ = ")
    ),
}


_ERROR_LINE = re.compile(
    r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception|Interrupt|Exit)\b(: .*)?$",
    re.M,
)


def is_error_text(text: str) -> bool:
    """True when a stderr output's text is an error (a traceback), not a warning."""
    return bool(_ERROR_LINE.search(text))


def load_lab(page: Any, server: LabServer, timeout: float = T_OPEN) -> None:
    """Load JupyterLab into ``page`` (fresh workspace) unless it is there already."""
    if page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)"):
        return
    # ?reset: a fresh workspace, so nothing opened earlier comes back
    page.goto(server.url("lab?reset"), wait_until="domcontentloaded", timeout=timeout)
    page.wait_for_function(_LAB_READY_JS, timeout=timeout)


def image_hash(src: str | None) -> str:
    return hashlib.sha256((src or "").encode()).hexdigest()[:16]


class Notebook:
    """A notebook open in JupyterLab, in a Playwright page."""

    def __init__(self, page: Any, server: LabServer, relpath: str) -> None:
        self.page = page
        self.server = server
        self.relpath = relpath

    # --- opening and running

    def open(self, timeout: float = T_OPEN) -> Notebook:
        """Open the notebook and wait until its cells show and its kernel is idle.

        JupyterLab is loaded into the page first if it is not there yet (with a fresh
        workspace); a page that already shows JupyterLab opens one notebook after another
        without reloading.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        try:
            load_lab(page, self.server, timeout)
            page.evaluate(_OPEN_JS, self.relpath)
            page.wait_for_function(_OPENED_JS, arg=self.relpath, timeout=timeout)
        except PlaywrightTimeout as exc:
            raise TimeoutError(
                f"{self.relpath}: JupyterLab did not show the notebook's cells within "
                f"{timeout / 1000:.0f} s (page {page.url})"
            ) from exc
        self.wait_kernel_idle(timeout)
        return self

    def close(self) -> None:
        """Close the notebook without saving and shut its kernel down."""
        self.page.evaluate(_CLOSE_JS, self.relpath)
        self.shutdown_kernel()

    def kernel_status(self) -> str:
        """The kernel status JupyterLab shows (``idle``, ``busy``, ``starting``, ...)."""
        return self.page.evaluate(_KERNEL_STATUS_JS)

    def wait_kernel_idle(
        self, timeout: float = T_IDLE, what: str = "the kernel", stable: float = 0.3
    ) -> None:
        """Wait until JupyterLab shows the kernel idle, and still idle ``stable`` s later."""
        deadline = time.monotonic() + timeout / 1000
        idle_since = None
        status = "?"
        while time.monotonic() < deadline:
            status = self.kernel_status()
            if status == "idle":
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= stable:
                    return
            else:
                idle_since = None
            self.page.wait_for_timeout(50)
        raise TimeoutError(
            f"{self.relpath}: {what} not idle after {timeout / 1000:.0f} s "
            f"(JupyterLab shows kernel status {status!r})"
        )

    def command(self, command_id: str) -> None:
        """Execute a JupyterLab command (as the command palette does)."""
        self.page.evaluate("id => window.jupyterapp.commands.execute(id)", command_id)

    def run_all(self, timeout: float = T_RUN_ALL) -> float:
        """Clear the outputs, then Run > Run All Cells; wait until every code cell has run.

        Clearing first (in the page only: autosave is off) makes "has run" visible: a
        prompt shows a number again only once its cell ran in this kernel. Raises
        TimeoutError after ``timeout`` ms, and AssertionError at once when Run All stopped
        at an error. Returns the seconds taken.
        """
        page = self.page
        start = time.monotonic()
        # Run All needs an active cell; select the first one.
        page.evaluate(_ACTIVATE_FIRST_CELL_JS)
        self.command("notebook:clear-all-cell-outputs")
        page.wait_for_function(_CLEARED_JS, timeout=T_UPDATE)
        page.get_by_role("menuitem", name="Run", exact=True).click(timeout=T_UPDATE)
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click(timeout=T_UPDATE)
        deadline = start + timeout / 1000
        started = False
        stopped_since = None
        state: dict = {}
        while time.monotonic() < deadline:
            state = page.evaluate(_PROMPTS_JS)
            status = self.kernel_status()
            started = started or state["pending"] > 0 or state["ran"] > 0
            if not started and time.monotonic() - start > 15:
                # the menu did not reach the notebook (focus elsewhere): use the command
                self.command("notebook:run-all-cells")
                started = True
            if state["pending"] == 0 and status == "idle":
                if state["unrun"] == 0:
                    break
                stopped_since = stopped_since or time.monotonic()
                if started and time.monotonic() - stopped_since > 2:
                    errors = self.error_outputs()
                    if errors:
                        raise AssertionError(
                            f"{self.relpath}: Run All stopped at an error:\n"
                            + "\n---\n".join(errors)
                        )
            else:
                stopped_since = None
            page.wait_for_timeout(200)
        else:
            raise TimeoutError(
                f"{self.relpath}: Run All did not finish within {timeout / 1000:.0f} s "
                f"({state.get('pending')} cell(s) still running or queued, "
                f"{state.get('unrun')} not run; kernel {self.kernel_status()!r})"
            )
        self.wait_kernel_idle(T_IDLE, "the kernel after Run All")
        return time.monotonic() - start

    def shutdown_kernel(self) -> None:
        """Shut down the kernel(s) of this notebook (through the REST API)."""
        for session in self.server.api("sessions"):
            if session.get("path") == self.relpath:
                self.server.api(f"sessions/{session['id']}", method="DELETE")

    # --- outputs

    def stderr_outputs(self) -> list[str]:
        """The text of every output rendered as stderr (errors and warnings alike)."""
        return self.page.evaluate(_STDERR_JS)

    def error_outputs(self) -> list[str]:
        """Every error on the page: stderr outputs that are tracebacks (including those
        inside widgets' Output areas), and error outputs of the notebook's cells."""
        errors = [text for text in self.stderr_outputs() if is_error_text(text)]
        model_errors = self.page.evaluate(_MODEL_ERRORS_JS)
        if model_errors is None:
            raise RuntimeError(
                "window.jupyterapp is missing: start JupyterLab with "
                "--LabApp.expose_app_in_browser=True"
            )
        return errors + model_errors

    def warnings(self) -> list[str]:
        """stderr outputs that are not errors (warnings, prints to sys.stderr)."""
        return [text for text in self.stderr_outputs() if not is_error_text(text)]

    def explorer(self, index: int) -> Any:
        return self.page.locator(".widget-interact").nth(index)

    def explorer_count(self) -> int:
        return self.page.locator(".widget-interact").count()

    def explorer_image(self, index: int) -> str | None:
        img = self.explorer(index).locator(".widget-output img").first
        return img.get_attribute("src", timeout=T_UPDATE)

    def explorer_text(self, index: int) -> str:
        return self.explorer(index).locator(".widget-output").first.inner_text(timeout=T_UPDATE)

    def slider(self, index: int, label: str) -> Any:
        """The slider of explorer ``index`` whose description is ``label``."""
        return self.explorer(index).locator(".widget-slider").filter(
            has=self.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
        ).first  # fmt: skip

    def readout(self, index: int, label: str) -> str:
        return self.slider(index, label).locator(".widget-readout").first.inner_text().strip()

    def press_slider(self, index: int, label: str, presses: int) -> None:
        """Focus the slider's handle and press ArrowRight (ArrowLeft if negative)."""
        handle = self.slider(index, label).locator(".noUi-handle").first
        handle.scroll_into_view_if_needed(timeout=T_UPDATE)
        handle.focus(timeout=T_UPDATE)
        key = "ArrowRight" if presses > 0 else "ArrowLeft"
        for _ in range(abs(presses)):
            handle.press(key)

    def wait_image_change(self, index: int, old_src: str | None, timeout: float = T_UPDATE) -> str:
        """Wait until the explorer's figure differs from ``old_src``; return the new src."""
        self.page.wait_for_function(
            _IMG_CHANGED_JS, arg=[index, old_src or ""], timeout=timeout, polling="raf"
        )
        return self.explorer_image(index)


_LAB_READY_JS = """() => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  if (!app._lrsRestored) { app.restored.then(() => { app._lrsRestored = true; }); }
  return !!app._lrsRestored;
}"""

_OPEN_JS = """path => {
  window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
}"""

_OPENED_JS = """path => {
  const w = window.jupyterapp.shell.currentWidget;
  return !!(w && w.context && w.context.path === path && w.content
            && w.content.widgets && w.content.widgets.length > 0
            && w.node.querySelector('.jp-Notebook .jp-Cell'));
}"""

_CLOSE_JS = """path => {
  const app = window.jupyterapp;
  for (const w of Array.from(app.shell.widgets('main'))) {
    if (w.context && w.context.path === path) {
      w.context.model.dirty = false;  // never asks to save: nothing is written
      w.dispose();
    }
  }
}"""

_KERNEL_STATUS_JS = """() => {
  const el = document.querySelector(
    '.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status]');
  if (el) return el.dataset.status;
  const bar = document.querySelector('#jp-main-statusbar');
  const m = bar && /\\|\\s*(\\w+)/.exec(bar.innerText || '');
  return m ? m[1].toLowerCase() : 'unknown';
}"""

_PROMPTS_JS = """() => {
  let pending = 0, unrun = 0, ran = 0;
  for (const cell of document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')) {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const text = prompt ? prompt.textContent : '';
    const hidden = !!cell.querySelector('.jp-InputPlaceholder');
    const empty = !hidden && !(cell.querySelector('.cm-content')?.textContent || '').trim();
    if (text.includes('*')) pending += 1;
    else if (/\\d/.test(text)) ran += 1;
    else if (!empty && !hidden) unrun += 1;
  }
  return {pending, unrun, ran};
}"""

_CLEARED_JS = """() => !Array.from(document.querySelectorAll(
    '.jp-NotebookPanel .jp-Notebook .jp-CodeCell .jp-InputArea-prompt'))
  .some(p => /\\d|\\*/.test(p.textContent))"""

_ACTIVATE_FIRST_CELL_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel && panel.content && panel.content.widgets.length) {
    panel.content.activeCellIndex = 0;
    panel.content.mode = 'command';
    panel.content.node.focus();
  }
}"""

# JupyterLab 4 renders an error (traceback) and a stream to stderr (a warning, a print to
# sys.stderr) alike: `.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`.
# An error is told apart by its text (IPython's traceback header, or the final
# "SomeError: message" line of a SyntaxError, which has no traceback header) and, for the
# notebook's own cells, by its output type in the notebook model (the app is exposed as
# window.jupyterapp by --LabApp.expose_app_in_browser).
_STDERR_JS = """() => Array.from(document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
  .map(el => el.innerText)"""

_MODEL_ERRORS_JS = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  const model = panel && panel.content && panel.content.model;
  if (!model) return null;
  const errors = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.type !== 'code') continue;
    const outputs = cell.outputs;
    for (let j = 0; j < outputs.length; j++) {
      const out = outputs.get(j).toJSON();
      if (out.output_type === 'error') errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
    }
  }
  return errors;
}"""

_IMG_CHANGED_JS = """([index, old]) => {
  const ex = document.querySelectorAll('.widget-interact')[index];
  const img = ex && ex.querySelector('.widget-output img');
  return !!img && img.getAttribute('src') !== old;
}"""
