"""The static HTML course (``tools/build_html.py``) in Chromium: every link works.

The site is built into a temporary folder (stored outputs, nothing executed), served on
127.0.0.1 by ``http.server`` in a thread, and walked breadth-first from its index: every
internal link of every page reached must load (no 404) and land on an existing anchor,
and every chapter of ``notebooks/`` must be reachable from the index.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from . import labdriver
from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


def serve(folder):
    """Serve ``folder`` on 127.0.0.1 (a free port) from a thread; return the server."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(tmp_path_factory, chromium):
    """Build the site (stored outputs), serve it on 127.0.0.1; yield its base URL."""
    build_html = labdriver.load_build_html()
    out = tmp_path_factory.mktemp("site")
    build_html.build(out, execute_mode="none", log=lambda *a: None)
    server = serve(out)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


_LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
# As a browser finds the target of "#frag": the raw fragment first, then decoded
# (nbconvert's heading ids are percent-encoded, e.g. "Warm-up-%E2%80%94-why").
_ANCHOR_JS = """frag => {
  let decoded = frag;
  try { decoded = decodeURIComponent(frag); } catch (e) {}
  return [frag, decoded].some(f => document.getElementById(f)
                                   || document.getElementsByName(f).length);
}"""


def crawl(page, start: str) -> tuple[set[str], list[str]]:
    """Follow every internal link from ``start``, breadth-first; return the pages
    reached and the broken links (HTTP error, missing anchor)."""
    origin = "/".join(start.split("/", 3)[:3]) + "/"  # http://127.0.0.1:PORT/
    queue = deque([start])
    visited: set[str] = set()
    fragments: dict[str, set[str]] = {}  # page -> anchors linked to on it
    referrers: dict[str, str] = {}
    broken: list[str] = []

    while queue:  # breadth-first over the pages
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        response = page.goto(url, wait_until="domcontentloaded", timeout=30_000)
        if response is None or response.status != 200:
            status = None if response is None else response.status
            broken.append(f"{url} (linked from {referrers.get(url, '-')}): HTTP {status}")
            continue
        if url.endswith("/index.html"):  # the site's entry: a redirect to 00_index.html
            page.wait_for_url("**/00_index.html", timeout=10_000)
            referrers.setdefault(page.url, url)
            queue.append(page.url)
            continue
        for href in page.evaluate(_LINKS_JS):
            target, fragment = urldefrag(href)
            if not target.startswith(origin):
                continue  # external: not part of the site
            if fragment:
                fragments.setdefault(target, set()).add(fragment)
            if target not in visited:
                referrers.setdefault(target, url)
                queue.append(target)

    for url, wanted in sorted(fragments.items()):  # then every anchor linked to
        if url not in visited or any(b.startswith(url + " ") for b in broken):
            continue
        page.goto(url, wait_until="domcontentloaded", timeout=30_000)
        for fragment in sorted(wanted):
            if not page.evaluate(_ANCHOR_JS, fragment):
                broken.append(f"{url}#{fragment}: no such anchor")

    return visited, broken


def test_every_link_works_and_every_chapter_is_reachable(site, page):
    visited, broken = crawl(page, site + "index.html")
    assert not broken, "broken links in the site:\n  " + "\n  ".join(sorted(set(broken)))
    reached = {urlsplit(u).path.lstrip("/") for u in visited}
    chapters = sorted(p.stem + ".html" for p in labdriver.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    missing = [c for c in chapters if c not in reached]
    assert not missing, f"chapters not reachable from the index: {missing}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(site + "00_index.html", wait_until="domcontentloaded")
    page.screenshot(path=str(SCREENSHOTS / "site_index.png"))


def test_crawl_finds_broken_links_and_anchors(tmp_path, page):
    """The crawler itself: a missing page and a missing anchor are both reported."""
    (tmp_path / "index.html").write_text(
        '<meta http-equiv="refresh" content="0; url=00_index.html">', encoding="utf-8"
    )
    (tmp_path / "00_index.html").write_text(
        '<h1 id="top">Index</h1><a href="01_a.html#there">ok</a> <a href="02_b.html">gone</a>'
        ' <a href="01_a.html#nowhere">bad anchor</a> <a href="#top">self</a>'
        ' <a href="https://example.org/">external, not followed</a>',
        encoding="utf-8",
    )
    (tmp_path / "01_a.html").write_text('<p id="there">A</p>', encoding="utf-8")
    server = serve(tmp_path)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        visited, broken = crawl(page, base + "index.html")
    finally:
        server.shutdown()
        server.server_close()
    assert base + "01_a.html" in visited
    assert sorted(b.split(" ")[0] for b in broken) == [
        base + "01_a.html#nowhere:",
        base + "02_b.html",
    ], broken
