"""tools/build_html.py without a browser: link rewriting, widgets, the site template
(reveals, titles, prompts, set-up cell, table of contents, alt text), the pinned
JavaScript (tools/site_vendor.py), stable widget state (tools/build_course.py), a tiny
site and the course's own site (``conftest.built_site``)."""

from __future__ import annotations

import base64
import hashlib
import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from . import labdriver

bh = labdriver.load_build_html()
import build_course  # noqa: E402  (tools/ is on sys.path once build_html is loaded)
import site_pages  # noqa: E402
import site_vendor  # noqa: E402

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5a8a3a50000000049454e44ae426082"
    )
).decode()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("06_sgdr.ipynb", "06_sgdr.html"),
        ("./06_sgdr.ipynb", "./06_sgdr.html"),
        ("06_sgdr.ipynb#Warm-restarts", "06_sgdr.html#Warm-restarts"),
        ("06_sgdr.ipynb#Warm-up-%E2%80%94-why", "06_sgdr.html#Warm-up-%E2%80%94-why"),
        ("06_sgdr.ipynb?x=1&amp;y=2#a", "06_sgdr.html?x=1&amp;y=2#a"),
        ("#Chapters", "#Chapters"),
        ("https://example.org/nb.ipynb", "https://example.org/nb.ipynb"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("figure.png", "figure.png"),
        ("../notebooks/01_why_schedules.ipynb", "../notebooks/01_why_schedules.html"),
    ],
)
def test_rewrite_url(url, expected):
    assert bh.rewrite_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["../solutions/06_sgdr.ipynb", "../solutions/06_sgdr.ipynb#ex1", "./../solutions/"],
)
def test_links_to_the_reference_edition_fail_loudly(url):
    with pytest.raises(bh.LinkError, match="reference edition"):
        bh.rewrite_url(url, where="06_sgdr.ipynb")


def test_links_leaving_the_learner_edition_fail():
    with pytest.raises(bh.LinkError, match="leaves notebooks/"):
        bh.rewrite_url("../README.md")


def test_rewrite_links_in_a_page():
    page = (
        '<a href="00_index.ipynb">Course index</a> · '
        "<a href='05_cyclic_and_range_test.ipynb#Range-test'>← 4.</a> "
        '<a class="anchor-link" href="#Intro">¶</a> <img src="x.ipynb">'
    )
    assert bh.rewrite_links(page) == (
        '<a href="00_index.html">Course index</a> · '
        "<a href='05_cyclic_and_range_test.html#Range-test'>← 4.</a> "
        '<a class="anchor-link" href="#Intro">¶</a> <img src="x.ipynb">'
    )
    with pytest.raises(bh.LinkError):
        bh.rewrite_links('<a href="../solutions/06_sgdr.ipynb">peek</a>', where="05")


def test_solution_links_in_markdown():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("See [the answer](../solutions/06_sgdr.ipynb#ex1)."),
        nbformat.v4.new_markdown_cell('<a href="../solutions/08_noisy_sgd.ipynb">x</a>'),
        nbformat.v4.new_markdown_cell("The reference edition lives in `solutions/`."),
    ]
    found = bh.solution_links(nb)
    assert found == [
        "cell 0: ../solutions/06_sgdr.ipynb#ex1",
        "cell 1: ../solutions/08_noisy_sgd.ipynb",
    ]


def _widget_notebook():
    nb = nbformat.v4.new_notebook()
    view = {"model_id": "box", "version_major": 2, "version_minor": 0}
    explorer = nbformat.v4.new_code_cell("ls.widgets.schedule_explorer()", execution_count=1)
    explorer.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={bh.WIDGET_VIEW: view, "text/plain": "interactive(children=(...))"},
        )
    ]
    button = nbformat.v4.new_code_cell('ls.exercises.reveal_button("05", "ex2")', execution_count=2)
    button.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={bh.WIDGET_VIEW: dict(view, model_id="vbox"), "text/plain": "VBox(...)"},
        )
    ]
    nb.cells = [explorer, button]
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o"]}},
        "s": {"model_name": "IntSliderModel", "state": {"value": 3}},
        "o": {
            "model_name": "OutputModel",
            "state": {
                "outputs": [
                    {"output_type": "display_data", "data": {"image/png": PNG}, "metadata": {}},
                    {"output_type": "stream", "name": "stdout", "text": "T = 100\n"},
                ]
            },
        },
        "vbox": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_empty"]}},
        "empty": {"model_name": "OutputModel", "state": {"outputs": []}},
    }
    nb.metadata.widgets = {bh.WIDGET_STATE: {"state": state, "version_major": 2}}
    return nb


def test_widgets_become_static():
    nb = _widget_notebook()
    assert not bh.needs_execution(nb)
    assert bh.staticize_widgets(nb) == 2
    assert "widgets" not in nb.metadata
    explorer, button = nb.cells
    kinds = [o.output_type for o in explorer.outputs]
    assert kinds == ["display_data", "display_data", "stream"]
    assert "move its sliders" in explorer.outputs[0].data["text/plain"]
    assert explorer.outputs[1].data["image/png"] == PNG
    assert len(button.outputs) == 1 and "use it" in button.outputs[0].data["text/plain"]
    assert not any(bh.WIDGET_VIEW in o.get("data", {}) for c in nb.cells for o in c.outputs)


def test_needs_execution():
    nb = _widget_notebook()
    nb.metadata.pop("widgets")
    assert bh.needs_execution(nb)  # widget views without their state
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    assert bh.needs_execution(nb)


def _chapter(title, nav, *, extra=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_markdown_cell(nav)]
    nb.cells += list(extra)
    return nb


def test_build_a_tiny_site(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    plot = nbformat.v4.new_code_cell("plot()", execution_count=1)
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG})]
    nbs = {
        "00_index.ipynb": _chapter("Index", "1. [One](01_one.ipynb)\n2. [Two](02_two.ipynb#Two)"),
        "01_one.ipynb": _chapter(
            "One", "[Course index](00_index.ipynb) · [Two](02_two.ipynb) →", extra=[plot]
        ),  # fmt: skip
        "02_two.ipynb": _chapter("Two", "[Course index](00_index.ipynb) · ← [One](01_one.ipynb)"),
    }
    for name, nb in nbs.items():
        nbformat.write(nb, src / name)
    out = tmp_path / "site"
    written = bh.build(out, src, execute_mode="none", log=lambda *a: None)
    pages = sorted(p.name for p in written if p.parent == out)
    assert pages == ["00_index.html", "01_one.html", "02_two.html", "index.html"]
    assert (out / "_static" / "site.css").is_file()
    assert (out / "_static" / "mathjax" / "tex-chtml-full.js").is_file()
    index = (out / "00_index.html").read_text()
    assert 'href="01_one.html"' in index and 'href="02_two.html#Two"' in index
    assert ".ipynb" not in index.replace("ipynb_checkpoints", "")
    one = (out / "01_one.html").read_text()
    assert 'href="00_index.html"' in one and 'href="02_two.html"' in one
    assert f"data:image/png;base64,{PNG}" in one
    assert "url=00_index.html" in (out / "index.html").read_text()

    leak = _chapter("Leak", "[peek](../solutions/03_leak.ipynb)")
    nbformat.write(leak, src / "03_leak.ipynb")
    with pytest.raises(bh.LinkError, match=r"03_leak\.ipynb cell 1: \.\./solutions/03_leak"):
        bh.build(tmp_path / "site2", src, execute_mode="none", log=lambda *a: None)
    assert bh.main(["--out", str(tmp_path / "site3"), "--notebooks", str(src),
                    "--no-execute"]) == 1  # fmt: skip


# ----------------------------------------------------------------------------- template


def test_split_details_keeps_answers_inside():
    source = (
        "**Predict.** What is $x$?\n\n<details><summary>Reveal the answer</summary>\n\n"
        "It is $x = 1$.\n\nSecond paragraph.\n\n</details>\n\nAfter."
    )
    assert site_pages.split_details(source) == [
        ("markdown", "**Predict.** What is $x$?\n\n"),
        ("html", "<details><summary>Reveal the answer</summary>\n"),
        ("markdown", "\nIt is $x = 1$.\n\nSecond paragraph.\n\n"),
        ("html", "</details>\n"),
        ("markdown", "\nAfter."),
    ]
    fenced = "```html\n<details>\n</details>\n```\n"
    assert site_pages.split_details(fenced) == [("markdown", fenced)]
    assert site_pages.split_details("Say `<details>` inline.") == [
        ("markdown", "Say `<details>` inline.")
    ]


def test_tables_scroll_in_a_focusable_region():
    html = "<p>x</p><table><tr><td>1</td></tr></table><table class='w'></table>"
    out = site_pages.scrolling_tables(html)
    assert out == (
        f"<p>x</p>{site_pages.SCROLL_OPEN}<table><tr><td>1</td></tr></table></div>"
        f"{site_pages.SCROLL_OPEN}<table class='w'></table></div>"
    )
    assert 'tabindex="0"' in site_pages.SCROLL_OPEN


def test_site_info_orders_pages_and_links_neighbours():
    pages = [("00_index.html", "Course index"), ("01_a.html", "1. A"), ("02_b.html", "2. B")]
    first, middle, last = (site_pages.site_info(pages, i) for i in range(3))
    assert first["is_index"] and first["prev"] is None and first["next"]["href"] == "01_a.html"
    assert middle["title"] == "1. A" and middle["prev"]["href"] == "00_index.html"
    assert middle["next"] == {"href": "02_b.html", "title": "2. B"}
    assert [e["href"] for e in middle["toc"]] == ["01_a.html", "02_b.html"]
    assert [e["current"] for e in middle["toc"]] == [True, False]
    assert last["next"] is None


def _site_with_a_chapter(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    setup = nbformat.v4.new_code_cell("import lrsched as ls", execution_count=1)
    setup.metadata["tags"] = ["setup"]
    reveal = nbformat.v4.new_markdown_cell(
        "What is $\\alpha_{50}$?\n\n<details><summary>Reveal the answer</summary>\n\n"
        "At $t = 50$ it is $0.05$.\n\nThe midpoint.\n\n</details>"
    )
    plot = nbformat.v4.new_code_cell("plot()", execution_count=2)
    plot.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": PNG},
            metadata={"image/png": {"alt": 'A line & a "curve"'}},
        ),
        nbformat.v4.new_output("display_data", data={"image/png": PNG}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=2),
    ]
    one = _chapter("1. One", "[Course index](00_index.ipynb)", extra=[setup, reveal, plot])
    one.metadata["lrsched"] = {"title": "1. One", "summary": "s"}
    nbformat.write(_chapter("Index", "1. [One](01_one.ipynb)"), src / "00_index.ipynb")
    nbformat.write(one, src / "01_one.ipynb")
    out = tmp_path / "site"
    bh.build(out, src, execute_mode="none", log=lambda *a: None)
    return out


def test_chapter_page_structure(tmp_path):
    out = _site_with_a_chapter(tmp_path)
    text = (out / "01_one.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.title.string == "1. One — Learning-rate schedules"
    shown = soup.body.get_text()
    assert "In\xa0[" not in shown and "Out[" not in shown and "42" in shown
    assert not soup.select(".jp-InputPrompt, .jp-OutputPrompt")

    details = soup.find_all("details")
    assert [d.summary.get_text() for d in details] == ["Set-up code", "Reveal the answer"]
    assert not any(d.has_attr("open") for d in details)
    setup, reveal = details
    assert "import" in setup.get_text() and "lrsched" in setup.get_text()
    answer = reveal.get_text()
    assert "At $t = 50$ it is $0.05$." in answer and "The midpoint." in answer

    toc = soup.find("nav", attrs={"aria-label": "Table of contents"})
    assert [a["href"] for a in toc.find_all("a")] == ["00_index.html", "01_one.html"]
    assert toc.find("a", attrs={"aria-current": "page"})["href"] == "01_one.html"
    pagers = soup.find_all("nav", class_="site-pager")
    assert len(pagers) == 2
    assert all([a["href"] for a in p.find_all("a")] == ["00_index.html"] for p in pagers)

    alts = [img.get("alt") for img in soup.find_all("img")]
    assert alts == ['A line & a "curve"', "No description has been provided for this image"]

    scripts = [s.get("src") for s in soup.find_all("script") if s.get("src")]
    assert scripts == ["_static/mathjax/tex-chtml-full.js"]
    assert all((out / src).is_file() for src in scripts)
    styles = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert styles == ["_static/site.css"]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text.split("<main")[0])


# ----------------------------------------------------------------------------- vendor


def test_integrity_is_the_sri_sha512():
    # SHA-512 of the empty string, base64: the value every SRI tool gives for b"".
    assert site_vendor.integrity(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )


def test_a_tarball_that_is_not_the_pinned_one_is_refused_and_deleted(tmp_path):
    pins = {"demo": {"version": "1.0.0", "integrity": site_vendor.integrity(b"good"),
                     "files": {"package/a.js": "demo/a.js"}}}  # fmt: skip
    bad = tmp_path / "demo-1.0.0.tgz"
    bad.write_bytes(b"tampered")
    with pytest.raises(site_vendor.VendorError, match="integrity"):
        site_vendor.tarball("demo", cache=tmp_path, pins=pins)
    assert not bad.exists()
    with pytest.raises(site_vendor.VendorError, match="not pinned"):
        site_vendor.tarball("other", cache=tmp_path, pins=pins)


def test_pinned_packages_hold_their_files():
    lock = site_vendor.lock()
    assert set(lock) >= {"mathjax", "axe-core"}
    for name, pin in lock.items():
        data = site_vendor.tarball(name).read_bytes()
        assert site_vendor.integrity(data) == pin["integrity"], name
    mathjax = site_vendor.files("mathjax")
    assert b"MathJax" in mathjax["mathjax/tex-chtml-full.js"]
    assert any(k.endswith("MathJax_Main-Regular.woff") for k in mathjax)
    assert b"axe" in site_vendor.asset("axe-core", "axe-core/axe.min.js")[:2000]


# ----------------------------------------------------------------------------- widget state


def _random_state_notebook(ids):
    """Two explorer-like views and one model no view reaches, with the given model ids."""
    box, slider, out, layout, inner, orphan, box2 = ids
    nb = nbformat.v4.new_notebook()
    for i, mid in enumerate((box, box2)):
        cell = nbformat.v4.new_code_cell("explorer()", execution_count=i + 1)
        cell.id = f"cell-{i}"
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={
                    bh.WIDGET_VIEW: {"model_id": mid, "version_major": 2, "version_minor": 0},
                    "text/plain": "interactive(...)",
                },  # fmt: skip
            )
        ]
        nb.cells.append(cell)
    nested = {"output_type": "display_data", "metadata": {},
              "data": {bh.WIDGET_VIEW: {"model_id": inner, "version_major": 2}}}  # fmt: skip
    state = {
        orphan: {"model_name": "IntSliderModel", "state": {"value": 1}},
        layout: {"model_name": "LayoutModel", "state": {"width": "300px"}},
        out: {"model_name": "OutputModel", "state": {"outputs": [nested], "msg_id": ""}},
        inner: {"model_name": "HTMLModel", "state": {"value": "x"}},
        slider: {"model_name": "IntSliderModel", "state": {"layout": f"IPY_MODEL_{layout}"}},
        box: {"model_name": "VBoxModel",
              "state": {"children": [f"IPY_MODEL_{slider}", f"IPY_MODEL_{out}"]}},
        box2: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{slider}"]}},
    }  # fmt: skip
    nb.metadata["widgets"] = {
        bh.WIDGET_STATE: {"state": state, "version_major": 2, "version_minor": 0}
    }
    return nb


def test_widget_state_is_kept_with_ids_in_order_of_appearance():
    nb = _random_state_notebook([f"{i:x}" * 32 for i in range(7)])
    build_course.stable_widget_ids(nb, "06_sgdr.ipynb")

    def new(n):
        return hashlib.sha256(f"06_sgdr.ipynb/widget/{n}".encode()).hexdigest()[:32]

    # depth first from the first view: box, slider, its layout, the Output, the view in it;
    # then the second view (its slider already numbered); the orphan is dropped
    state = nb.metadata["widgets"][bh.WIDGET_STATE]["state"]
    assert list(state) == [new(0), new(1), new(2), new(3), new(4), new(5)]
    names = [m["model_name"] for m in state.values()]
    assert names == ["VBoxModel", "IntSliderModel", "LayoutModel", "OutputModel",
                     "HTMLModel", "VBoxModel"]  # fmt: skip
    assert state[new(0)]["state"]["children"] == [f"IPY_MODEL_{new(1)}", f"IPY_MODEL_{new(3)}"]
    assert state[new(1)]["state"]["layout"] == f"IPY_MODEL_{new(2)}"
    nested = state[new(3)]["state"]["outputs"][0]["data"][bh.WIDGET_VIEW]
    assert nested["model_id"] == new(4)
    assert state[new(5)]["state"]["children"] == [f"IPY_MODEL_{new(1)}"]
    views = [o.data[bh.WIDGET_VIEW]["model_id"] for c in nb.cells for o in c.outputs]
    assert views == [new(0), new(5)]
    # what the site reads from it: the explorer's outputs
    assert bh.widget_outputs(state, new(0))[0]["data"][bh.WIDGET_VIEW]["model_id"] == new(4)


def test_widget_state_bytes_do_not_depend_on_the_kernels_random_ids():
    a = _random_state_notebook([f"{i:x}" * 32 for i in range(7)])
    b = _random_state_notebook([hashlib.md5(bytes([i])).hexdigest() for i in range(7)])
    assert nbformat.writes(a) != nbformat.writes(b)
    for nb in (a, b):
        build_course.stable_widget_ids(nb, "x.ipynb")
        nbformat.validate(nb)
    assert nbformat.writes(a) == nbformat.writes(b)


def test_views_without_state_get_ids_from_their_place():
    nb = _random_state_notebook([f"{i:x}" * 32 for i in range(7)])
    nb.metadata.pop("widgets")
    build_course.stable_widget_ids(nb, "x.ipynb")
    views = [o.data[bh.WIDGET_VIEW]["model_id"] for c in nb.cells for o in c.outputs]
    assert views == [hashlib.sha256(f"x.ipynb/{i}/0".encode()).hexdigest()[:32] for i in (0, 1)]
    assert "widgets" not in nb.metadata


# ----------------------------------------------------------------------------- the course's site


def test_course_site_pages(built_site):
    """The course's own site: one page per notebook, titled by its chapter, no prompts,
    no widget placeholder text, nothing loaded from another host, every chapter's set-up
    cell folded."""
    for path in sorted(labdriver.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        text = (built_site / f"{path.stem}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        title = nb.metadata["lrsched"]["title"]
        assert soup.title.string == f"{title} — {site_pages.COURSE}", path.name
        assert "In\xa0[" not in soup.get_text(), path.name
        assert "interactive(children=" not in text, path.name
        remote = [
            tag.get("src") or tag.get("href")
            for tag in soup.find_all(["script", "link", "img", "iframe"])
            if re.match(r"(?:https?:)?//", tag.get("src") or tag.get("href") or "")
        ]
        assert remote == [], (path.name, remote)
        setup = [c for c in nb.cells if "setup" in c.metadata.get("tags", [])]
        folded = soup.select("details.site-setup")
        assert len(folded) == len(setup), path.name
    explorers = BeautifulSoup(
        (built_site / f"{labdriver_site_chapter()}.html").read_text(encoding="utf-8"),
        "html.parser",
    ).select(".lrsched-static-note")
    assert explorers and all("shown as it starts" in e.get_text() for e in explorers)


def labdriver_site_chapter() -> str:
    from .conftest import SITE_CHAPTER

    return SITE_CHAPTER
