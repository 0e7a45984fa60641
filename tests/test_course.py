"""The course notebooks: their shape, the CI rules they follow, and that nothing the two seed
pages teach is missing."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(
    p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name != "00_index.ipynb"
)
REFERENCE = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
ALL = CHAPTERS + REFERENCE
EXPECTED = [
    "01_why_schedules",
    "02_decay_schedules",
    "03_cosine_annealing",
    "04_warmup_and_adam",
    "05_cyclic_and_range_test",
    "06_sgdr",
    "07_modern_schedules",
    "08_noisy_sgd",
    "09_real_network",
    "10_sklearn_schedules",
    "11_practice_and_pitfalls",
    "12_conventions",
]
WIDGET_CALL = re.compile(r"ls\.(widgets\.\w+_explorer|exercises\.reveal_button)\(")


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def test_chapters_in_teaching_order():
    assert [p.stem for p in CHAPTERS] == EXPECTED


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_chapter_opens_with_title_navigation_and_collapsed_setup(path):
    nb = _read(path)
    title, nav, setup = nb.cells[:3]
    assert title.cell_type == "markdown" and title.source == f"# {nb.metadata.lrsched.title}"
    assert nav.metadata.get("tags") == ["navigation"] and "Course index" in nav.source
    assert setup.cell_type == "code" and "setup" in setup.metadata.get("tags", [])
    assert setup.metadata.get("jupyter", {}).get("source_hidden") is True
    assert 'if "google.colab" in sys.modules:' in setup.source
    assert "import lrsched as ls" in setup.source
    assert "np.random.default_rng(" in setup.source


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_committed_executed_without_errors_and_png_only(path):
    nb = _read(path)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, cell.source[:60]
        for out in cell.outputs:
            assert out.output_type != "error", cell.source[:60]
            data = out.get("data", {})
            assert "image/svg+xml" not in data and "image/jpeg" not in data


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_only_widget_cells_skip_output_checks(path):
    for cell in _read(path).cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        is_widget = bool(WIDGET_CALL.search(cell.source))
        assert ("nbval-ignore-output" in tags) == is_widget, cell.source[:80]
        assert not {"nbval-skip", "skip-execution", "raises-exception"} & set(tags)
        assert "NBVAL_" not in cell.source  # tags, not comment markers
        assert not cell.source.rstrip().endswith(";"), cell.source[-80:]


# Log axes in the course go through lrsched.plot (plain tick labels, no minor ticks): a
# cell that sets a log scale itself gets matplotlib's typeset 10^k labels, about twice as
# slow to draw (see CONTRIBUTING.md).
OWN_LOG_SCALE = re.compile(r"set_[xy]scale\(|[xy]scale\s*=|\.(semilogx|semilogy|loglog)\(")


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_log_axes_are_styled_by_lrsched_plot(path):
    for cell in _read(path).cells:
        if cell.cell_type == "code":
            assert not OWN_LOG_SCALE.search(cell.source), cell.source[:120]


# Formulas live in lrsched. Outside the learner's own exercise code (nbgrader solution
# cells), a notebook must not re-type a schedule formula.
RETYPED = [
    r"np\.cos\(\s*np\.pi",
    r"math\.cos\(\s*math\.pi",
    r"np\.exp\(\s*-",
    r"\*\*\s*\(\s*t\s*//",
    r"\(1\s*-\s*2\s*\*\s*alpha",
]


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_no_formula_is_retyped_outside_exercises(path):
    for cell in _read(path).cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        for pattern in RETYPED:
            assert not re.search(pattern, cell.source), (pattern, cell.source[:120])


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_every_concept_loop_has_questions_and_sources(path):
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    if path.stem.startswith("11_"):
        return  # the practice chapter is all questions and tables
    assert "<details>" in text and "Reveal the answer" in text, "a predict-then-reveal question"
    assert re.search(r"\$\$.+?\$\$", text, re.S), "a displayed LaTeX formula"
    assert re.search(r"(?i)sources?", text), "a sources section"


# Everything the two seed pages teach, and where the course teaches it: (chapter, pattern).
# A pattern is searched (case-insensitive) in the chapter's markdown and code.
CONTENT = {
    "two-phase table": ("01_why_schedules", r"\| *early *\|.*\n(.*\n)*\| *late *\|"),
    "fixed-rate compromise shown with a run": ("01_why_schedules", r"compare_schedules"),
    "step decay": ("02_decay_schedules", r"ls\.StepDecay\("),
    "exponential decay, both forms": ("02_decay_schedules", r"lam=.*\n(.*\n)*.*gamma="),
    "decaying too fast": ("02_decay_schedules", r"too fast"),
    "schedules on linear and log axes": ("03_cosine_annealing", r"seed_chapter_schedules\(\)"),
    "design-your-own explorer": ("02_decay_schedules", r"schedule_explorer\("),
    "cosine annealing": ("03_cosine_annealing", r"ls\.Cosine\("),
    "warm-up, both conventions": ("12_conventions", r"from_first_step"),
    "the concept page's numbers": ("04_warmup_and_adam", r"10000"),
    "warm-up × decay explorer": ("04_warmup_and_adam", r"warmup_explorer\("),
    "warm-up for Adam, with caveats": ("04_warmup_and_adam", r"optimizer=\"adam\""),
    "edge of stability as context": ("04_warmup_and_adam", r"edge of stability"),
    "cyclical learning rates": ("05_cyclic_and_range_test", r"ls\.Cyclic\("),
    "range test on the digits model": ("05_cyclic_and_range_test", r"DigitsProblem"),
    "CLR run with the bounds found": ("05_cyclic_and_range_test", r"clr_vs_fixed\("),
    "range-test explorer": ("05_cyclic_and_range_test", r"range_test_explorer\("),
    "SGDR restarts": ("06_sgdr", r"ls\.SGDR\("),
    "what a restart does to the loss": ("06_sgdr", r"compare_schedules"),
    "SGDR/CLR explorer": ("06_sgdr", r"cycle_explorer\("),
    "one-cycle": ("07_modern_schedules", r"ls\.OneCycle\("),
    "inverse square root": ("07_modern_schedules", r"InverseSqrt"),
    "warm-up–stable–decay": ("07_modern_schedules", r"ls\.WSD\("),
    "schedule selection map": ("07_modern_schedules", r"(?i)map for choosing"),
    "rule of thumb": ("07_modern_schedules", r"(?i)rule of thumb"),
    "the seed's single noisy run": ("08_noisy_sgd", r"seed_chapter_run\("),
    "many seeds with intervals": ("08_noisy_sgd", r"compare_schedules\("),
    "exact expected loss": ("08_noisy_sgd", r"expected_loss"),
    "noise floor": ("08_noisy_sgd", r"noise_floor\("),
    "optimal 1/t schedule": ("08_noisy_sgd", r"optimal_schedule\("),
    "noisy-SGD playground": ("08_noisy_sgd", r"noisy_sgd_explorer\("),
    "a non-convex network over seeds": ("09_real_network", r"ex\.decay_matters\("),
    "warm-up against sharpness": ("09_real_network", r"warmup_effect\("),
    "network explorer": ("09_real_network", r"network_explorer\("),
    "exercise: warm-up and peak on the network": ("09_real_network", r"check_warmup_choice\("),
    "scikit-learn's four options": ("10_sklearn_schedules", r"invscaling(.*\n)*.*adaptive"),
    "why 'optimal' diverges": ("10_sklearn_schedules", r"explain_optimal_blowup\("),
    "guided practice": ("11_practice_and_pitfalls", r"(?i)guided practice"),
    "pitfall: per-iteration vs per-epoch": ("11_practice_and_pitfalls", r"(?i)per.epoch"),
    "pitfall: step order": ("11_practice_and_pitfalls", r"optimizer\.step\(\)"),
    "pitfall: total steps": ("11_practice_and_pitfalls", r"(?i)total steps"),
    "pitfall: past the end": ("11_practice_and_pitfalls", r"past_end"),
    "pitfall: absolute vs relative floors": ("11_practice_and_pitfalls", r"(?i)relative"),
    "pitfall: resuming": ("11_practice_and_pitfalls", r"(?i)resum"),
    "pitfall: decay that dies": ("11_practice_and_pitfalls", r"(?i)dies"),
    "summary table": ("11_practice_and_pitfalls", r"(?i)## *summary"),
    "translation table": ("12_conventions", r"translation_table\("),
    "prerequisite: Adam": ("04_warmup_and_adam", r"(?i)bias.correct"),
    "next: numerical stability": ("11_practice_and_pitfalls", r"(?i)numerical stability"),
}


@pytest.mark.parametrize("item", list(CONTENT))
def test_nothing_from_the_seed_pages_is_missing(item):
    chapter, pattern = CONTENT[item]
    nb = _read(ROOT / "notebooks" / f"{chapter}.ipynb")
    text = "\n".join(c.source for c in nb.cells)
    if chapter in {p.stem for p in REFERENCE}:  # written answers live in the reference edition
        text += "\n".join(c.source for c in _read(ROOT / "solutions" / f"{chapter}.ipynb").cells)
    assert re.search(pattern, text, re.I), (item, chapter, pattern)
