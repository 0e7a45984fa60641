"""The shape of every lesson: objectives, a self-check, a prose budget, rubrics, one home for
library conventions, and no bar chart on a log axis.

A lesson is every chapter but the index and the conventions reference (chapter 12). Both
editions are read: the learner edition in ``notebooks/`` and, for exercise chapters, the
reference edition in ``solutions/`` (which also holds the written answers).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LEARNER = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                 if p.stem != "00_index")
REFERENCE = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
CONVENTIONS = "12_conventions"
LESSONS = [p for p in LEARNER + REFERENCE if p.stem != CONVENTIONS]
WORD_BUDGET = 2500
OBJECTIVES = "**After this chapter you can:**"


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _prose(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Markdown cells without the generated navigation cell."""
    return [c for c in nb.cells
            if c.cell_type == "markdown" and "navigation" not in c.metadata.get("tags", [])]


def words(path: Path) -> int:
    return sum(len(re.findall(r"\S+", c.source)) for c in _prose(_nb(path)))


@pytest.mark.parametrize("path", LEARNER + REFERENCE, ids=_id)
def test_prose_budget(path):
    assert words(path) <= WORD_BUDGET, f"{_id(path)}: {words(path)} words of markdown"


def test_the_two_longest_chapters_lost_a_third():
    """Word counts of the learner editions before the rewrite (markdown without navigation):
    chapter 3 "Cosine annealing and warm-up", 3,734 words, now chapters 3 and 4; chapter
    "Cyclical learning rates and the LR range test", 3,535 words, now chapter 5."""
    nbs = ROOT / "notebooks"
    split = words(nbs / "03_cosine_annealing.ipynb") + words(nbs / "04_warmup_and_adam.ipynb")
    assert split <= 3734 * 2 / 3, split
    assert words(nbs / "05_cyclic_and_range_test.ipynb") <= 3535 * 2 / 3


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_objectives_open_the_chapter(path):
    first = _prose(_nb(path))[1]  # after the title cell
    lines = first.source.strip().splitlines()
    assert lines[0].strip() == OBJECTIVES, lines[0]
    bullets = [ln for ln in lines[1:] if ln.startswith("* ")]
    assert 2 <= len(bullets) <= 4, bullets


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_a_self_check_ends_the_chapter(path):
    last = _prose(_nb(path))[-1].source
    assert last.startswith("## Self-check"), last[:80]
    questions = re.findall(r"^\d+\. ", last, flags=re.M)
    assert 2 <= len(questions) <= 5, questions
    assert last.count("<details>") >= len(questions)
    assert last.count("<details>") == last.count("</details>")


@pytest.mark.parametrize("path", REFERENCE, ids=_id)
def test_every_written_answer_has_a_rubric_above_it(path):
    cells = _nb(path).cells
    for i, cell in enumerate(cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            above = cells[i - 1].source
            assert "**A good answer**" in above, (meta.get("grade_id"), above[-200:])


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_every_prediction_has_a_closed_reveal(path):
    for cell in _prose(_nb(path)):
        if "**Predict" in cell.source:
            assert "<details>" in cell.source, cell.source[:120]
            assert "<details open" not in cell.source


def test_lessons_link_to_the_conventions_chapter():
    linking = {p.stem for p in LEARNER if p.stem != CONVENTIONS
               and f"{CONVENTIONS}.ipynb#" in "".join(c.source for c in _prose(_nb(p)))}
    # the chapters that used to carry convention detail of their own
    needed = {"01_why_schedules", "02_decay_schedules", "03_cosine_annealing",
              "04_warmup_and_adam", "07_modern_schedules", "10_sklearn_schedules"}
    assert needed <= linking, needed - linking


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_convention_detail_lives_in_the_conventions_chapter(path):
    """The past-the-end options are taught once, in chapter 12."""
    text = "".join(c.source for c in _nb(path).cells)
    for option in ('past_end="mirror"', 'past_end="periodic"', "past_end='mirror'"):
        assert option not in text, option


def _bars_on_log_axes(source: str) -> bool:
    calls = {n.func.attr for n in ast.walk(ast.parse(source))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    log = "log" in source and bool({"set_yscale", "set_xscale", "semilogy", "loglog"} & calls
                                   or "log=True" in source)
    return log and bool({"bar", "barh"} & calls)


@pytest.mark.parametrize("path", LEARNER + REFERENCE, ids=_id)
def test_no_bar_chart_on_a_log_axis_in_a_chapter(path):
    for cell in _nb(path).cells:
        if cell.cell_type == "code" and "%" not in cell.source:
            assert not _bars_on_log_axes(cell.source), cell.source[:120]


def test_the_bar_detector_works():
    assert _bars_on_log_axes("ax.bar(x, y)\nax.set_yscale('log')")
    assert not _bars_on_log_axes("ax.errorbar(x, y, yerr=e)\nax.set_yscale('log')")
    assert not _bars_on_log_axes("ax.bar(x, y)")
