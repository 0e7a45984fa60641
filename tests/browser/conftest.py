"""Fixtures of the browser tests: JupyterLab, Debian's Chromium driven by Playwright.

The tests skip, saying how to install what is missing, when there is no Chromium at
``/usr/bin/chromium`` or no Playwright; with ``LRSCHED_REQUIRE_BROWSER=1`` (set by CI)
they fail instead. Under pytest-xdist each worker that runs a browser test starts its own
Chromium, and its own JupyterLab if it needs one (the JupyterLab tests live in one module,
so ``--dist loadscope`` keeps them on one worker).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading

import pytest

from . import labdriver

ARTIFACTS = labdriver.ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# The chapter the site fixture executes (explorers, reveals and formulas): the other
# chapters keep the outputs stored in notebooks/, as `make html` would.
SITE_CHAPTER = "03_cosine_annealing"


def require_browser() -> None:
    """Skip (or, with LRSCHED_REQUIRE_BROWSER=1, fail) when no browser test can run."""
    reason = labdriver.browser_unavailable()
    if reason is None:
        return
    if labdriver.browser_required():
        pytest.fail(f"{labdriver.REQUIRE_ENV}=1, but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium (the system one), shared by the tests of this worker."""
    require_browser()
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = labdriver.launch_chromium(pw)
    except Exception:
        pw.stop()
        raise
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium):
    """JupyterLab on 127.0.0.1, root = the repository, private config, random token."""
    server = labdriver.LabServer(labdriver.ROOT, tmp_path_factory.mktemp("jupyterlab"))
    server.start()
    yield server
    port, procs = server.port, server.processes()
    server.stop()
    left = [pid for pid, started in procs if labdriver.alive(pid, started)]
    assert not left, f"processes left after stopping JupyterLab: {left}"
    assert not labdriver.port_open(port), f"port {port} still open after stopping JupyterLab"
    saved = [ln for ln in server.log_path.read_text().splitlines() if "Saving file at" in ln]
    assert not saved, "JupyterLab saved files during the browser tests:\n" + "\n".join(saved)


def new_page(browser):
    """A page in a fresh browser context from which only 127.0.0.1 is reachable."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    # A closed network: requests to any other host (CDNs, news feeds) fail at once.
    context.route(
        lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:")),
        lambda route: route.abort(),
    )
    return context.new_page()


@pytest.fixture
def page(chromium):
    """A fresh page (own context) for one test."""
    page = new_page(chromium)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def lab_page(chromium, lab_server):
    """One page holding JupyterLab, loaded once; tests open and close notebooks in it."""
    page = new_page(chromium)
    labdriver.load_lab(page, lab_server)
    yield page
    page.context.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def open_notebook(lab_server, lab_page):
    """``open_notebook("notebooks/x.ipynb")`` opens a notebook in the JupyterLab page;
    after the test it is closed without saving and its kernel shut down."""
    opened = []

    def _open(relpath: str, **kwargs) -> labdriver.Notebook:
        nb = labdriver.Notebook(lab_page, lab_server, relpath)
        opened.append(nb)
        return nb.open(**kwargs)

    yield _open
    for nb in opened:
        with contextlib.suppress(Exception):
            nb.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


def serve(folder):
    """Serve ``folder`` on 127.0.0.1 (a free port) from a thread; return the server."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The static site, built once per test session into a temporary folder as `make html`
    builds it (``execute_mode="auto"``), executing in memory only ``SITE_CHAPTER`` (never
    written back); returns the folder."""
    build_html = labdriver.load_build_html()
    out = tmp_path_factory.mktemp("site") / "site"
    build_html.build(out, only=[SITE_CHAPTER], log=lambda *a: None)
    return out


@pytest.fixture(scope="session")
def site(built_site, chromium):
    """The built site served on 127.0.0.1; its base URL."""
    server = serve(built_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
