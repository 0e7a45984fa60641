"""Build the static HTML course: the executed learner edition as web pages.

Every notebook of ``notebooks/`` (the index and the chapters) becomes ``site/NN_slug.html``
through nbconvert and the site's template (``tools/site_pages.py``, ``tools/site_template/``):
the chapter's title as the page title, a table of contents and previous/next links on
every page, no ``In [n]:`` prompts, the set-up cell folded, answers ("Reveal the answer")
closed until clicked, figures embedded as PNG data URIs with their alt text. Formulas
are typeset by MathJax from ``site/_static/mathjax/``, a copy of the npm package pinned
with its sha512 integrity in ``tools/site_vendor.lock.json`` (``tools/site_vendor.py``
fetches it once into ``build/vendor/``); a page loads nothing from another host.
``site/index.html`` leads to ``00_index.html``. Links between notebooks
(``06_sgdr.ipynb#Warm-restarts``) become links between pages (``06_sgdr.html#Warm-restarts``),
so the index and the navigation cells work in the site. A link from the learner edition to
the reference edition (``../solutions/...``), or anywhere else outside ``notebooks/``, is an
error: the site holds only the learner edition.

Widgets need a running kernel. An explorer is shown as it starts (its figure and printed
text, from the widget state saved with the notebook) under a note saying how to move its
sliders; any other widget (a reveal button) becomes that note alone. (Drawing the stored
controls with the widgets' HTML manager was measured and not chosen: its sliders have no
accessible name, its figures lose their alt text, and they move without changing
anything.) A notebook whose cells have not all run, or whose widgets have no saved state,
is executed first, in memory (never written back), with time limits per cell and per
notebook that fail loudly; ``--execute`` executes every notebook, ``--no-execute`` none,
``--only NAME`` only those whose file name contains NAME (the others keep their stored
outputs).

Where the pages come from: an exercise chapter is made afresh from its reference edition
in ``solutions/`` (``build_course.learner_editions``), never taken from ``notebooks/``,
where someone may have filled in the answers; it keeps the outputs stored in
``notebooks/`` only if that notebook has exactly the same cells. Nothing is written when
the no-leak check (``tools/no_leak.py``) finds a line of a reference solution, hidden test
or written answer in a notebook or a page. The build replaces and removes only the files
it made, listed in ``site/.lrsched-html-manifest.json`` (``tools/safe_write.py``): a page
or file someone added survives, and one in the way stops the build unless ``--force``
(which first keeps a copy in ``site/.backup/``).

Usage (from the repository root, inside the project's environment)::

    python tools/build_html.py                 # -> site/
    python tools/build_html.py --out /tmp/site --no-execute
    python tools/build_html.py --only 06_sgdr  # execute only chapter 6
"""

from __future__ import annotations

import argparse
import copy
import html
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package
import build_course  # noqa: E402
import no_leak  # noqa: E402
import safe_write  # noqa: E402
import site_pages  # noqa: E402
import site_vendor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
INDEX = "00_index.ipynb"
WIDGET_VIEW = build_course.WIDGET_VIEW
WIDGET_STATE = build_course.WIDGET_STATE
NOTE = (
    "Interactive {what}: it needs a running notebook. Open this chapter in JupyterLab, "
    "on Binder or on Colab and run it to {action}."
)

_HREF = re.compile(r"""(\bhref\s*=\s*)(["'])(.*?)\2""", re.I | re.S)


class LinkError(ValueError):
    """A link of the learner edition points outside it (e.g. at ../solutions/)."""


# ----------------------------------------------------------------------------- links


def rewrite_url(url: str, *, where: str = "") -> str:
    """The site's URL for a link found in a learner notebook.

    ``*.ipynb`` (relative) becomes ``*.html``, keeping the query and the ``#anchor``;
    absolute URLs (``https://``, ``mailto:``), pure anchors and other files are kept.
    A relative link that leaves ``notebooks/`` raises :class:`LinkError`, naming
    ``../solutions/`` links in particular.
    """
    raw = html.unescape(url).strip()
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not parts.path:
        return url
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join("notebooks", path))
    if target.startswith("solutions/") or target == "solutions":
        raise LinkError(
            f"{where}: link {raw!r} points at the reference edition (solutions/); the "
            "learner edition must not link to it"
        )
    if target == ".." or target.startswith("../") or not target.startswith("notebooks"):
        raise LinkError(f"{where}: link {raw!r} leaves notebooks/, so it cannot work in the site")
    if not path.endswith(".ipynb"):
        return url
    new_path = parts.path[: -len(".ipynb")] + ".html"
    return html.escape(urlunsplit(parts._replace(path=new_path)), quote=True)


def rewrite_links(page: str, *, where: str = "") -> str:
    """Rewrite every ``href`` of an HTML page with :func:`rewrite_url`."""

    def sub(match: re.Match) -> str:
        prefix, quote, url = match.groups()
        return f"{prefix}{quote}{rewrite_url(url, where=where)}{quote}"

    return _HREF.sub(sub, page)


def solution_links(nb: nbformat.NotebookNode) -> list[str]:
    """Every mention of ``solutions/...ipynb`` as a link target in markdown cells."""
    found = []
    link = re.compile(r"""(?:\]\(|href\s*=\s*["'])\s*([^)"'\s]*solutions/[^)"'\s]*)""")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found += [f"cell {i}: {m}" for m in link.findall(cell.source)]
    return found


# ----------------------------------------------------------------------------- widgets


def _widget_state(nb: nbformat.NotebookNode) -> dict:
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def _model_ids(value) -> list[str]:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return [value[len("IPY_MODEL_") :]]
    if isinstance(value, list):
        return [m for v in value for m in _model_ids(v)]
    return []


def widget_outputs(state: dict, model_id: str) -> list[dict] | None:
    """The outputs shown by the Output widgets under ``model_id`` (None: no state)."""
    if model_id not in state:
        return None
    outputs, todo, seen = [], [model_id], set()
    while todo:
        mid = todo.pop(0)
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]
        if model.get("model_name") == "OutputModel":
            outputs += model.get("state", {}).get("outputs", [])
        todo += _model_ids(model.get("state", {}).get("children", []))
    return outputs


def _note(what: str, action: str) -> nbformat.NotebookNode:
    text = NOTE.format(what=what, action=action)
    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/html": f'<p class="lrsched-static-note"><em>{html.escape(text)}</em></p>',
            "text/plain": text,
        },
    )


def staticize_widgets(nb: nbformat.NotebookNode) -> int:
    """Replace every widget view by what it shows (explorers) or by a note; drop the
    widget state (the page then needs no widget JavaScript). Returns the widgets replaced."""
    state = _widget_state(nb)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new_outputs = []
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                new_outputs.append(out)
                continue
            count += 1
            shown = widget_outputs(state, view.get("model_id", ""))
            explorer = "_explorer(" in cell.source
            if explorer and shown:
                new_outputs.append(_note("explorer, shown as it starts", "move its sliders"))
                new_outputs += [nbformat.from_dict(copy.deepcopy(o)) for o in shown]
            elif explorer:
                new_outputs.append(_note("explorer", "see its figure and move its sliders"))
            else:
                new_outputs.append(_note("widget", "use it"))
        cell.outputs = new_outputs
    nb.metadata.pop("widgets", None)
    return count


# ----------------------------------------------------------------------------- build


def needs_execution(nb: nbformat.NotebookNode) -> bool:
    """True when a code cell has not run, or a widget view has no saved state."""
    state = _widget_state(nb)
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.execution_count is None:
            return True
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is not None and view.get("model_id") not in state:
                return True
    return False


def page_title(nb: nbformat.NotebookNode, name: str) -> str:
    """A page's title: the chapter's ``metadata.lrsched.title``, else its first heading."""
    title = nb.metadata.get("lrsched", {}).get("title")
    if title:
        return title
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.search(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", cell.source, re.M)
            if found:
                return found.group(1)
    return Path(name).stem


def convert(nb: nbformat.NotebookNode, name: str, site: dict | None = None, exporter=None) -> str:
    """One notebook -> one HTML page (site template, images embedded, links rewritten).

    ``site``: the page's place in the site (:func:`site_pages.site_info`); default: a
    site of this page alone.
    """
    nb = copy.deepcopy(nb)
    staticize_widgets(nb)
    if site is None:
        site = site_pages.site_info([(f"{Path(name).stem}.html", page_title(nb, name))], 0)
    return rewrite_links(site_pages.render(nb, name, site, exporter), where=name)


def static_files() -> dict[str, bytes]:
    """The site's own files under ``_static/``: its CSS and the pinned MathJax."""
    files = {site_pages.STATIC + "site.css": site_pages.CSS.read_bytes()}
    for dest, data in site_vendor.files("mathjax").items():
        files[site_pages.STATIC + dest] = data
    return files


def redirect_page(target: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}">'
        "<title>lrsched course</title></head>"
        f'<body><p><a href="{target}">The course index</a></p></body></html>\n'
    )


def build(
    out: Path,
    notebooks: Path = NOTEBOOKS,
    *,
    reference: Path | None = None,
    execute_mode: str = "auto",
    only: list[str] | None = None,
    force: bool = False,
    log=print,
    **limits,
) -> list[Path]:
    """Build the site into ``out``; return the files written (pages, ``index.html``).

    ``reference``: the reference editions (default: ``solutions/`` next to ``notebooks``).
    ``execute_mode``: ``"auto"`` runs (in memory) the notebooks that need it, ``"all"``
    every notebook, ``"none"`` none; ``only``: run only notebooks whose file name contains
    one of these. ``limits``: ``cell_timeout`` and ``run_timeout`` (seconds) of
    :func:`build_course.execute_notebook`. Raises :class:`LinkError`,
    :class:`no_leak.LeakError`, :class:`safe_write.Refused` or
    :class:`build_course.NotebookRunError`; then nothing is written.
    """
    folder = safe_write.OutputFolder(out, "html")
    folder.check_unchanged(force=force)  # before the slow steps
    notebooks = Path(notebooks)
    reference = notebooks.parent / "solutions" if reference is None else Path(reference)
    nbs = build_course.learner_editions(notebooks, reference)
    if INDEX not in nbs:
        raise SystemExit(f"{notebooks}: no {INDEX}")

    bad = [f"{name} {link}" for name, nb in nbs.items() for link in solution_links(nb)]
    if bad:
        raise LinkError(
            "the learner edition links to the reference edition:\n  " + "\n  ".join(bad)
        )
    secrets = no_leak.secret_lines(reference)
    no_leak.refuse_leaks({name: nbformat.writes(nb).encode() for name, nb in nbs.items()}, secrets)

    todo = [
        name for name, nb in nbs.items()
        if (execute_mode == "all" or (execute_mode == "auto" and needs_execution(nb)))
        and (not only or any(part in name for part in only))
    ]  # fmt: skip
    if todo:
        log(f"executing {len(todo)} notebook(s) in memory: " + ", ".join(todo))
        done = build_course.execute_many([(n, nbs[n], notebooks) for n in todo], **limits)
        nbs.update(zip(todo, done, strict=True))

    order = [INDEX] + sorted(n for n in nbs if n != INDEX)
    pages = [(f"{Path(n).stem}.html", page_title(nbs[n], n)) for n in order]
    exporter = site_pages.make_exporter()
    products = {
        pages[i][0]: convert(nbs[n], n, site_pages.site_info(pages, i), exporter).encode("utf-8")
        for i, n in enumerate(order)
    }
    products["index.html"] = redirect_page(Path(INDEX).stem + ".html").encode("utf-8")
    no_leak.refuse_leaks(products, secrets)  # the pages; _static/ holds only pinned packages
    products.update(static_files())
    written = folder.replace(products, force=force, log=log)
    log(f"wrote {len(written)} pages to {out}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (site/)")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--execute", action="store_true", help="execute every notebook first")
    group.add_argument("--no-execute", action="store_true", help="execute no notebook")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        default=None,
        help="execute only notebooks whose file name contains NAME",
    )
    safe_write.add_force_option(parser)
    build_course.add_limit_options(parser)
    args = parser.parse_args(argv)
    mode = "all" if args.execute else "none" if args.no_execute else "auto"
    try:
        build(
            args.out,
            args.notebooks,
            execute_mode=mode,
            only=args.only,
            force=args.force,
            cell_timeout=args.cell_timeout,
            run_timeout=args.timeout,
        )
    except (
        LinkError,
        no_leak.LeakError,
        safe_write.Refused,
        build_course.NotebookRunError,
        site_vendor.VendorError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
