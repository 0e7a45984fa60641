"""The conventions chapter and the translation table: one source, the same copy everywhere,
and every claim in it that can be checked against the package is checked.

* the README's table is exactly :func:`lrsched.translation_table.translation_table`, and
  chapter 12 displays that same table;
* every lrsched constructor and every adapter call the table names exists;
* its "past the end" column agrees with the ``past_end`` of the schedules themselves;
* chapter 12 has the headings other chapters link to, and every link into it lands on one.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import lrsched as ls
from lrsched import translate
from lrsched.translation_table import TRANSLATION_COLUMNS, TRANSLATION_ROWS, translation_table

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "notebooks" / "12_conventions.ipynb"
HEADINGS = [
    "Horizons and past the end",
    "Absolute and fractional floors",
    "Two warm-up conventions",
    "Keras boundaries one step later",
    "The optax one-cycle offset",
    "Epochs or updates",
    "Translation table",
]
PAST_END = TRANSLATION_COLUMNS.index("past the end")
ADAPTERS = TRANSLATION_COLUMNS.index("adapters: `from_torch` / `from_optax` / `from_keras`")


def _readme_table() -> str:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("| lrsched | PyTorch")]
    assert len(starts) == 1, "README.md should hold the translation table exactly once"
    end = starts[0]
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[starts[0] : end])


def test_readme_table_is_the_one_source():
    assert _readme_table() == translation_table(), (
        "README.md's translation table differs from lrsched.translation_table; replace it with "
        "the output of: python -c 'from lrsched.translation_table import translation_table as "
        "t; print(t())'"
    )


def test_table_is_well_formed_markdown():
    lines = translation_table().splitlines()
    assert len(lines) == 2 + len(TRANSLATION_ROWS)
    assert lines[1] == "| " + " | ".join("---" for _ in TRANSLATION_COLUMNS) + " |"
    for cells in TRANSLATION_ROWS:
        assert len(cells) == len(TRANSLATION_COLUMNS), cells[0]
        for cell in cells:
            assert cell and cell == cell.strip() and "|" not in cell and "\n" not in cell, cell


def test_every_lrsched_name_in_the_first_column_exists():
    for cells in TRANSLATION_ROWS:
        names = re.findall(r"`([A-Za-z_][\w.]*)\(", cells[0])
        assert names, cells[0]
        for name in names:
            obj = ls
            for part in name.split("."):
                obj = getattr(obj, part)
            assert callable(obj), name


# Private tables of lrsched.translate: the names each adapter accepts.
KNOWN = {"from_torch": translate._TORCH, "from_optax": translate._OPTAX,
         "from_keras": translate._KERAS}  # fmt: skip


def test_every_adapter_call_in_the_table_names_a_scheduler_it_accepts():
    call = re.compile(r'(from_torch|from_optax|from_keras)\("(\w+)"')
    calls = [pair for cells in TRANSLATION_ROWS for pair in call.findall(cells[ADAPTERS])]
    assert len(calls) >= 20
    for adapter, name in calls:
        assert name in KNOWN[adapter], (adapter, name)
    # and every scheduler an adapter accepts appears in the table
    assert {(a, n) for a, table in KNOWN.items() for n in table} == set(calls)


# One example of each schedule whose past-the-end cell is a plain value.
EXAMPLES = {
    "`Constant(b)`": ls.Constant(0.1),
    "`Sequence([Constant(f*b), Constant(b)], [n])`": ls.from_torch(
        "ConstantLR", 0.1, factor=0.5, total_iters=4
    ),
    "`StepDecay(b, s, g)`": ls.StepDecay(0.1, 20, 0.5),
    "`MultiStep(b, ms, g)`": ls.MultiStep(0.1, [30, 60], 0.2),
    "`Exponential(b, gamma=g)` or `Exponential(b, lam=λ)`": ls.Exponential(0.1, lam=0.04),
    "`InverseTime(b, k)`": ls.InverseTime(0.1, k=0.1),
    "`Polynomial(b, T, p, e)`": ls.Polynomial(0.1, 100, 2.0, 1e-3),
    "`Polynomial(b*s, T, 1, b*e)`": ls.from_torch(
        "LinearLR", 0.1, start_factor=0.5, end_factor=0.1, total_iters=10
    ),
    "`Cosine(b, T, lr_min)`": ls.Cosine(0.1, 100, 1e-4),
    "`warmup_cosine(b, T, tw, lr_min)`": ls.warmup_cosine(0.1, 100, 10, 1e-4),
    "`SGDR(b, T0, Tm, lr_min, decay)`": ls.SGDR(0.1, 10, 2),
    "`Cyclic(lo, hi, up, down, mode, gamma)`": ls.Cyclic(1e-3, 0.1, 20),
    "`OneCycle(hi, T, pct, anneal, div, fdiv, three_phase)`": ls.OneCycle(0.1, 100),
    "`InverseSqrt(peak, tw)`, `InverseSqrt.noam(d_model, tw)`": ls.InverseSqrt(0.1, 10),
    "`WSD(b, T, tw, td, decay, lr_min)`": ls.WSD(0.1, 100, 10, 20),
    "`FromCallable(fn)`": ls.FromCallable(lambda t: 0.1),
}


@pytest.mark.parametrize("cells", TRANSLATION_ROWS, ids=[c[0] for c in TRANSLATION_ROWS])
def test_past_the_end_column_matches_the_schedules(cells):
    first, claim = cells[0], cells[PAST_END]
    if claim in {"clamp", "periodic", "unbounded"}:
        assert EXAMPLES[first].past_end == claim
        return
    inner = [ls.Cosine(0.1, 90), ls.SGDR(0.1, 10), ls.Exponential(0.1, lam=0.1)]
    if claim == "as `s`":  # Warmup(s, tw)
        for s in inner:
            assert ls.Warmup(s, 10).past_end == s.past_end
    elif claim == "the last one's":  # Sequence
        for s in inner:
            assert ls.Sequence([ls.Constant(0.1), s], [5]).past_end == s.past_end
    elif claim.startswith("the factors' own if they agree"):  # Product
        assert ls.Product(ls.Cosine(0.1, 90), ls.Cosine(1.0, 50)).past_end == "clamp"
        assert ls.Product(ls.Cosine(0.1, 90), ls.SGDR(1.0, 10)).past_end == "unbounded"
    else:  # the stateful ReduceOnPlateau has no horizon to be past
        assert claim == "—" and first.startswith("`ReduceOnPlateau(")
        assert not hasattr(ls.ReduceOnPlateau(0.1), "past_end")


def test_the_conventions_chapter_displays_the_same_table():
    nb = nbformat.read(CHAPTER, as_version=4)
    shown = [
        out["data"]["text/markdown"]
        for cell in nb.cells
        if cell.cell_type == "code" and "translation_table()" in cell.source
        for out in cell.outputs
        if "text/markdown" in out.get("data", {})
    ]
    assert shown == [translation_table()]


def _anchor(heading: str) -> str:
    return heading.strip().replace(" ", "-")


def test_the_conventions_chapter_has_the_linked_headings():
    nb = nbformat.read(CHAPTER, as_version=4)
    found = [
        line[3:]
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    assert [h for h in found if h in HEADINGS] == HEADINGS


LINK = re.compile(r"\((?:12_conventions\.ipynb)?#([^)\s]+)\)")


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    + sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_links_into_the_conventions_chapter_land_on_a_heading(path):
    anchors = {
        _anchor(line.lstrip("#"))
        for cell in nbformat.read(CHAPTER, as_version=4).cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    }
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for target in re.findall(r"\]\(12_conventions\.ipynb#([^)\s]+)\)", cell.source):
            assert target in anchors, (path.name, target)
        if path == CHAPTER:  # links inside the chapter itself
            for target in LINK.findall(cell.source):
                assert target in anchors, target
