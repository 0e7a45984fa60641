"""Every figure of the course says what it shows, in alt text written beside its code.

A figure cell ends with ``ls.plot.show(fig, alt="...")``: the alt text is a string literal
in the cell, and the executed notebook's image output carries it as
``{"image/png": {"alt": "..."}}``, which Jupyter and the static site (nbconvert) put in
``<img alt="...">``. Checked on both editions: the reference notebooks in ``solutions/``
and what learners open in ``notebooks/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p
    for folder in ("notebooks", "solutions")
    for p in (ROOT / folder).glob("[0-9][0-9]_*.ipynb")
    if p.name != "00_index.ipynb"
)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: What a reader hears when a figure has no alt text (nbconvert's and JupyterLab's words).
DEFAULT_ALTS = {
    "no description has been provided for this image",
    "image",
    "figure",
    "plot",
    "png",
}
MIN_WORDS = 10  # a sentence at least: what is drawn, against what, and what to see


def _ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def _tree(source: str) -> ast.Module:
    """The cell as Python, its IPython magics turned into calls."""
    return ast.parse(TransformerManager().transform_cell(source))


def _is_call_to(node: ast.Call, owner: str | None, name: str) -> bool:
    func = node.func
    if owner is None:
        return isinstance(func, ast.Name) and func.id == name
    return (
        isinstance(func, ast.Attribute)
        and func.attr == name
        and ast.unparse(func.value).split(".")[-1] == owner
    )


def _show_calls(tree: ast.Module) -> list[ast.Call]:
    """The ``ls.plot.show(...)`` calls of a cell."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_call_to(n, "plot", "show")]


def _alt_literals(source: str) -> list[str]:
    """The alt texts written in a cell: the ``alt=`` string literals of its show calls."""
    alts = []
    for call in _show_calls(_tree(source)):
        for kw in call.keywords:
            if kw.arg == "alt" and isinstance(kw.value, ast.Constant):
                alts.append(kw.value.value)
    return alts


def _code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def _check_text(alt: object, where: str) -> None:
    assert isinstance(alt, str), f"{where}: alt is {alt!r}, not a text"
    assert alt.strip().rstrip(".").lower() not in DEFAULT_ALTS, f"{where}: default alt {alt!r}"
    assert len(alt.split()) >= MIN_WORDS, f"{where}: alt too short to say what it shows: {alt!r}"
    assert alt == alt.strip(), f"{where}: alt has leading or trailing white space"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_figure_is_shown_with_a_literal_alt_beside_its_code(path):
    """In the sources: no bare ``plt.show()`` or ``display(….figure)``; every show call has
    an ``alt=`` that is a string literal, and no two figures of a chapter share one."""
    nb = nbformat.read(path, as_version=4)
    seen: dict[str, int] = {}
    for i, cell in _code_cells(nb):
        tree = _tree(cell.source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        where = f"{path.parent.name}/{path.name} cell {i}"
        assert not any(_is_call_to(c, "plt", "show") for c in calls), (
            f"{where}: plt.show() shows a figure without alt text; use ls.plot.show(fig, alt=...)"
        )
        for c in calls:
            if _is_call_to(c, None, "display") and c.args:
                assert not ast.unparse(c.args[0]).endswith(".figure"), (
                    f"{where}: display(….figure) has no alt text; use ls.plot.show(…, alt=...)"
                )
        for call in _show_calls(tree):
            alts = [kw.value for kw in call.keywords if kw.arg == "alt"]
            assert len(alts) == 1, f"{where}: ls.plot.show without alt="
            (value,) = alts
            assert isinstance(value, ast.Constant) and isinstance(value.value, str), (
                f"{where}: the alt text must be written out as a string literal, "
                f"not computed: {ast.unparse(value)}"
            )
            _check_text(value.value, where)
            assert value.value not in seen, (
                f"{where}: the same alt text as cell {seen[value.value]}: {value.value!r}"
            )
            seen[value.value] = i


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_image_output_carries_the_alt_written_beside_its_code(path):
    """In the executed notebook: every image output has an alt that is not a default, is
    unique in the chapter, and is the alt text written in that cell. (An explorer's static
    image, in an output that also holds its widget, carries the explorer's own alt.)"""
    nb = nbformat.read(path, as_version=4)
    seen: dict[str, int] = {}
    n_images = 0
    for i, cell in _code_cells(nb):
        written = _alt_literals(cell.source)
        for k, out in enumerate(cell.get("outputs", [])):
            data = out.get("data", {})
            for mime in (m for m in IMAGE_TYPES if m in data):
                n_images += 1
                where = f"{path.parent.name}/{path.name} cell {i} output {k} ({mime})"
                alt = out.get("metadata", {}).get(mime, {}).get("alt")
                assert alt is not None, f"{where}: no alt text (re-execute the chapter?)"
                _check_text(alt, where)
                if WIDGET_VIEW not in data:
                    assert alt in written, (
                        f"{where}: alt {alt!r} is not the alt text written in the cell, "
                        f"{written!r} (re-execute the chapter?)"
                    )
                assert alt not in seen, f"{where}: the same alt as cell {seen[alt]}: {alt!r}"
                seen[alt] = i
    assert n_images > 0, f"{path.name}: no figure at all (is the chapter executed?)"
