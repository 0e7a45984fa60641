"""The static HTML course (``tools/build_html.py``) in Chromium, offline.

The site is built once per session into a temporary folder (``conftest.built_site``: one
chapter executed in memory, the others from their stored outputs), served on 127.0.0.1
by ``http.server`` in a thread, and opened with every request to any other host aborted.
On every page: no request leaves the site and every local one succeeds; MathJax (the
site's own copy) has typeset every formula and no ``$`` is left in the text outside code;
every ``<details>`` (answers, the set-up code) is closed until its summary is clicked and
open after; axe-core (pinned, from ``tools/site_vendor.py``) finds no WCAG 2.1 A/AA
violation, with the details closed and again with all of them open; every image has alt
text of its own. The site is also walked breadth-first from its index: every internal
link of every page reached must load (no 404) and land on an existing anchor, and every
chapter of ``notebooks/`` must be reachable from the index.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from . import labdriver
from .conftest import SCREENSHOTS, SITE_CHAPTER, serve

pytestmark = pytest.mark.browser

PAGES = ["00_index.html"] + sorted(
    p.stem + ".html" for p in labdriver.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    if p.name != "00_index.ipynb"
)  # fmt: skip
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"

_MATHJAX_JS = """async () => {
  if (!window.MathJax || !MathJax.startup) return null;
  await MathJax.startup.promise;
  return {
    formulas: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror'))
      .map(e => e.getAttribute('data-mjx-error') || e.textContent),
  };
}"""
# Text outside code, scripts and typeset formulas that still holds a TeX delimiter.
_RAW_TEX_JS = r"""() => {
  const skip = 'pre, code, script, style, textarea, mjx-container';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(skip)) continue;
    if (/\$|\\\(|\\\[/.test(n.nodeValue)) found.push(n.nodeValue.trim().slice(0, 100));
  }
  return found;
}"""
_DETAILS_JS = """() => Array.from(document.querySelectorAll('details')).map(d => {
  const body = Array.from(d.children).filter(c => c.tagName !== 'SUMMARY');
  return {
    open: d.open,
    summary: (d.querySelector(':scope > summary') || {}).textContent || null,
    shown: body.some(c => c.checkVisibility()),
    hasBody: body.length > 0 && d.textContent.trim().length >
             ((d.querySelector(':scope > summary') || {}).textContent || '').trim().length,
  };
})"""
_AXE_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => v.id + ' (' + v.help + '): ' + v.nodes.length
    + ' node(s), e.g. ' + v.nodes.slice(0, 3)
      .map(n => n.target.join(' ') + ' -- ' + n.failureSummary).join(' | '));
}"""
_IMAGES_JS = """() => Array.from(document.querySelectorAll('img')).map((img, i) => ({
  i, alt: img.getAttribute('alt'), src: (img.getAttribute('src') || '').slice(0, 40)}))"""


@pytest.fixture(scope="module")
def axe_source():
    """axe-core's ``axe.min.js``, pinned in ``tools/site_vendor.lock.json``."""
    labdriver.load_build_html()  # puts tools/ on sys.path
    import site_vendor

    return site_vendor.asset("axe-core", "axe-core/axe.min.js").decode("utf-8")


def open_offline(page, url: str) -> tuple[list[str], list[str]]:
    """Go to ``url``; return the requests that left the site (aborted by the page's
    route) and the local ones that failed (HTTP >= 400 or no answer)."""
    origin = "/".join(url.split("/", 3)[:3]) + "/"
    outside, failed = [], []

    def on_request(request):
        if not request.url.startswith((origin, "data:", "blob:")):
            outside.append(request.url)

    def on_response(response):
        if response.status >= 400:
            failed.append(f"{response.url}: HTTP {response.status}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    return outside, failed


def axe_violations(page, source: str) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=source)
    return page.evaluate(_AXE_JS, WCAG_AA)


@pytest.mark.parametrize("name", PAGES)
def test_page_offline_math_reveals_and_accessibility(site, page, axe_source, name):
    outside, failed = open_offline(page, site + name)
    math = page.evaluate(_MATHJAX_JS)
    assert math is not None, f"{name}: MathJax did not load"
    assert math["errors"] == [], f"{name}: TeX errors: {math['errors']}"
    raw = page.evaluate(_RAW_TEX_JS)
    assert raw == [], f"{name}: TeX left untypeset in the text:\n  " + "\n  ".join(raw)
    if name != "00_index.html":
        assert math["formulas"] > 0, f"{name}: no formula typeset"

    closed = axe_violations(page, axe_source)
    assert closed == [], f"{name} (details closed): WCAG 2.1 AA violations:\n" + "\n".join(closed)

    details = page.evaluate(_DETAILS_JS)
    if name != "00_index.html":
        assert any(d["summary"] == "Set-up code" for d in details), f"{name}: set-up not folded"
    for i, d in enumerate(details):
        what = f"{name}: <details> {i} ({d['summary']!r})"
        assert d["hasBody"], f"{what} is empty: its content went outside it"
        assert not d["open"] and not d["shown"], f"{what} is open before its click"
        page.locator("details").nth(i).locator(":scope > summary").click()
        after = page.evaluate(_DETAILS_JS)[i]
        assert after["open"] and after["shown"], f"{what} did not open on its click"

    opened = axe_violations(page, axe_source)
    assert opened == [], f"{name} (details open): WCAG 2.1 AA violations:\n" + "\n".join(opened)
    assert outside == [], f"{name}: requests left the site: {outside}"
    assert failed == [], f"{name}: local requests failed: {failed}"


@pytest.mark.parametrize("name", PAGES)
def test_page_images_have_alt_text(site, page, name):
    """Every figure says what it shows (its own alt text, not nbconvert's placeholder)."""
    page.goto(site + name, wait_until="load")
    bad = [
        img for img in page.evaluate(_IMAGES_JS)
        if not (img["alt"] or "").strip() or img["alt"].strip() == NBCONVERT_DEFAULT_ALT
    ]  # fmt: skip
    assert bad == [], f"{name}: {len(bad)} image(s) without alt text of their own: {bad[:5]}"


_SPAN_JS = """() => {
  // From the last reveal before the first explorer to the end of that explorer's figure.
  const note = document.querySelector('.lrsched-static-note');
  const cell = note.closest('.jp-Cell');
  const reveals = Array.from(document.querySelectorAll('details:not(.site-setup)'))
    .filter(d => d.compareDocumentPosition(cell) & Node.DOCUMENT_POSITION_FOLLOWING);
  const top = (reveals.length ? reveals[reveals.length - 1] : cell).getBoundingClientRect().top;
  return {top: top + window.scrollY, bottom: cell.getBoundingClientRect().bottom + window.scrollY,
          reveal: reveals.length > 0, images: cell.querySelectorAll('img').length};
}"""


def test_chapter_page_screenshot(site, page):
    """A picture of a chapter page as a reader sees it, from a reveal (opened) to the
    first explorer's first frame, formulas typeset (artifacts/screenshots/site_chapter.png)."""
    page.goto(site + SITE_CHAPTER + ".html", wait_until="load")
    assert page.evaluate(_MATHJAX_JS)["formulas"] > 0
    for summary in page.locator("details:not(.site-setup) > summary").all():
        summary.click()
    span = page.evaluate(_SPAN_JS)
    assert span["reveal"] and span["images"] == 1, span
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "site_chapter.png"
    top = max(0, span["top"] - 40)
    height = min(span["bottom"] + 20 - top, 4000)
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": top, "width": 1400, "height": height})  # fmt: skip
    assert path.stat().st_size > 10_000


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
    page.goto(site + "00_index.html", wait_until="load")
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
