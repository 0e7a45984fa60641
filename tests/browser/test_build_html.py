"""tools/build_html.py without a browser: link rewriting, widgets, a tiny site."""

from __future__ import annotations

import base64

import nbformat
import pytest

from . import labdriver

bh = labdriver.load_build_html()

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5a8a3a50000000049454e44ae426082"
    )
).decode()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("05_sgdr.ipynb", "05_sgdr.html"),
        ("./05_sgdr.ipynb", "./05_sgdr.html"),
        ("05_sgdr.ipynb#Warm-restarts", "05_sgdr.html#Warm-restarts"),
        ("05_sgdr.ipynb#Warm-up-%E2%80%94-why", "05_sgdr.html#Warm-up-%E2%80%94-why"),
        ("05_sgdr.ipynb?x=1&amp;y=2#a", "05_sgdr.html?x=1&amp;y=2#a"),
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
    ["../solutions/05_sgdr.ipynb", "../solutions/05_sgdr.ipynb#ex1", "./../solutions/"],
)
def test_links_to_the_reference_edition_fail_loudly(url):
    with pytest.raises(bh.LinkError, match="reference edition"):
        bh.rewrite_url(url, where="05_sgdr.ipynb")


def test_links_leaving_the_learner_edition_fail():
    with pytest.raises(bh.LinkError, match="leaves notebooks/"):
        bh.rewrite_url("../README.md")


def test_rewrite_links_in_a_page():
    page = (
        '<a href="00_index.ipynb">Course index</a> · '
        "<a href='04_cyclic_and_range_test.ipynb#Range-test'>← 4.</a> "
        '<a class="anchor-link" href="#Intro">¶</a> <img src="x.ipynb">'
    )
    assert bh.rewrite_links(page) == (
        '<a href="00_index.html">Course index</a> · '
        "<a href='04_cyclic_and_range_test.html#Range-test'>← 4.</a> "
        '<a class="anchor-link" href="#Intro">¶</a> <img src="x.ipynb">'
    )
    with pytest.raises(bh.LinkError):
        bh.rewrite_links('<a href="../solutions/05_sgdr.ipynb">peek</a>', where="05")


def test_solution_links_in_markdown():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("See [the answer](../solutions/05_sgdr.ipynb#ex1)."),
        nbformat.v4.new_markdown_cell('<a href="../solutions/07_noisy_sgd.ipynb">x</a>'),
        nbformat.v4.new_markdown_cell("The reference edition lives in `solutions/`."),
    ]
    found = bh.solution_links(nb)
    assert found == [
        "cell 0: ../solutions/05_sgdr.ipynb#ex1",
        "cell 1: ../solutions/07_noisy_sgd.ipynb",
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
    button = nbformat.v4.new_code_cell('ls.exercises.reveal_button("05", "ex1")', execution_count=2)
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
    pages = bh.build(out, src, execute_mode="none", log=lambda *a: None)
    assert sorted(p.name for p in pages) == [
        "00_index.html", "01_one.html", "02_two.html", "index.html",
    ]  # fmt: skip
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
