"""Every explorer's text is readable at 100 % zoom: at least 9 pt as the browser shows it.

A notebook shows an explorer's PNG one image pixel per CSS pixel, and a browser at 100 %
zoom draws 96 CSS pixels per inch; a font of ``s`` points in a figure of ``dpi`` pixels per
inch is therefore seen at ``s * dpi / 96`` points. The explorers are found in
``lrsched.widgets.__all__`` (every ``*_explorer``), so a new one is checked too.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from lrsched import widgets as wd  # noqa: E402

from .widget_cases import fresh, no_pyplot_figures  # noqa: E402, F401

CSS_PX_PER_INCH = 96.0  # CSS 2.1: 1in = 96px
MIN_PT = 9.0
EXPLORERS = sorted(name for name in wd.__all__ if name.endswith("_explorer"))
SETTINGS = 4  # random settings per explorer, besides the default


def _seen_pt(text: Text, dpi: float) -> float:
    return text.get_fontsize() * dpi / CSS_PX_PER_INCH


def _small_texts(fig) -> list[tuple[str, float]]:
    """(string, size as seen) of every visible, non-empty text below MIN_PT."""
    return [
        (t.get_text(), _seen_pt(t, fig.dpi))
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and _seen_pt(t, fig.dpi) < MIN_PT - 1e-9
    ]


def test_every_explorer_is_found():
    assert len(EXPLORERS) >= 6 and "range_test_explorer" in EXPLORERS


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_text_is_at_least_9_pt_as_shown(name):
    w = getattr(wd, name)(show=False)
    rng = np.random.default_rng(0)
    results = [fresh(w)]
    for _ in range(SETTINGS):
        wd.set_controls(w, **wd.random_settings(w, rng))
        results.append(fresh(w))
    for r in results:
        fig = r.figure
        # as shipped: the PNG the explorer displays is rendered at the figure's dpi
        png = Image.open(io.BytesIO(r.png()))
        assert png.size == tuple(int(v * fig.dpi) for v in fig.get_size_inches())
        fig.canvas.draw()  # tick labels exist only after a draw
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert len(texts) >= 6  # tick labels, axis labels, title, legend at least
        assert _small_texts(fig) == [], (name, r.params)


def test_the_check_sees_a_small_text():
    """The walk above finds a text set below 9 pt (it is not vacuous)."""
    r = wd.draw_range_test("quadratic")
    fig = r.figure
    fig.canvas.draw()
    assert _small_texts(fig) == []
    tick = fig.axes[0].get_xticklabels()[1]
    tick.set_fontsize(8)
    assert [s for s, _ in _small_texts(fig)] == [tick.get_text()]
