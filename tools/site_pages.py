"""Pages of the course site: nbconvert with the site's template (``tools/site_template``).

What the template adds to nbconvert's ``lab`` template, and why:

* the page ``<title>`` is the chapter's title (``metadata.lrsched.title``);
* a table of contents (every page) beside the page and previous/next links above and
  below it, so each page leads to every other;
* no ``In [n]:`` prompts, and the set-up cell (tag ``setup``) folded in a closed
  ``<details>`` "Set-up code";
* formulas rendered by the MathJax copy in ``_static/mathjax/`` (``tools/site_vendor.py``),
  never a CDN; no require.js, no mermaid loader;
* figures keep the alt text stored with them (output metadata ``{"image/png": {"alt": ...}}``);
* Markdown ``<details>`` blocks stay whole: CommonMark ends an HTML block at a blank line,
  so ``<details><summary>…</summary>``, a blank line and the answer came out as a closed,
  empty ``<details>`` followed by the answer in plain sight. :func:`split_details` cuts a
  cell at its ``<details>``/``</details>`` lines and each Markdown piece is rendered alone.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from jinja2 import pass_context

TOOLS = Path(__file__).resolve().parent
TEMPLATE = "site_template"
CSS = TOOLS / TEMPLATE / "site.css"
COURSE = "Learning-rate schedules"
STATIC = "_static/"

_TAG_LINE = re.compile(
    r"^[ \t]*(?:<details\b[^>]*>[ \t]*(?:<summary\b[^>]*>.*</summary>)?|</details\s*>)[ \t]*$",
    re.I,
)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def split_details(source: str) -> list[tuple[str, str]]:
    """Cut Markdown at its ``<details>`` lines: ``[("markdown" | "html", text), ...]``.

    A line that holds only ``<details>`` (with its ``<summary>…</summary>``, if any) or
    only ``</details>`` becomes an ``"html"`` piece; the text between them stays Markdown.
    Lines inside fenced code blocks are never cut.
    """
    pieces: list[tuple[str, str]] = []
    chunk: list[str] = []
    fence: str | None = None
    for line in source.splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        elif _TAG_LINE.match(line.rstrip("\r\n")):
            if "".join(chunk).strip():
                pieces.append(("markdown", "".join(chunk)))
            chunk = []
            pieces.append(("html", line.strip() + "\n"))
            continue
        chunk.append(line)
    if "".join(chunk).strip():
        pieces.append(("markdown", "".join(chunk)))
    return pieces


def scrolling_tables(html: str) -> str:
    """Wrap every ``<table>`` in a region that scrolls sideways and takes the keyboard
    focus, so a table wider than the page can be read with the keyboard too (WCAG 2.1.1)."""
    return re.sub(r"<table\b", SCROLL_OPEN + "<table", html).replace("</table>", "</table></div>")


SCROLL_OPEN = '<div class="site-scroll" role="region" tabindex="0" aria-label="Table">'


def markdown_filter(exporter):
    """The template's ``site_markdown`` filter: :func:`split_details`, each Markdown piece
    rendered by the exporter's own ``markdown2html`` (math kept for MathJax, heading ids),
    tables made scrollable (:func:`scrolling_tables`)."""

    @pass_context
    def site_markdown(context, source: str) -> str:
        return "".join(
            text if kind == "html" else scrolling_tables(exporter.markdown2html(context, text))
            for kind, text in split_details(source)
        )

    return site_markdown


def make_exporter():
    """An ``HTMLExporter`` on the site template (images embedded, no prompts)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TOOLS)],
        embed_images=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("site_markdown", markdown_filter(exporter))
    return exporter


def site_info(pages: list[tuple[str, str]], current: int) -> dict:
    """What the template needs to place page ``current`` in the site.

    ``pages``: ``(file name, title)`` of every page in reading order, the index first.
    """
    entries = [{"href": href, "title": title} for href, title in pages]
    return {
        "course": COURSE,
        "static": STATIC,
        "title": pages[current][1],
        "index_href": pages[0][0],
        "is_index": current == 0,
        "toc": [dict(e, current=i == current) for i, e in enumerate(entries) if i > 0],
        "prev": entries[current - 1] if current > 0 else None,
        "next": entries[current + 1] if current + 1 < len(entries) else None,
    }


def render(nb, name: str, site: dict, exporter=None) -> str:
    """One notebook as one page of the site (``site``: :func:`site_info`)."""
    exporter = make_exporter() if exporter is None else exporter
    nb = copy.copy(nb)
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.metadata["title"] = f"{site['title']} — {site['course']}"  # the page's <title>
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": Path(name).stem}, "site": site}
    )
    return body
