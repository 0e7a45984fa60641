"""The explorers' canvas (lrsched.widgets._drawing): the text cache where it is supported,
matplotlib's own renderer elsewhere, the same pixels either way."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from lrsched import widgets as wd  # noqa: E402
from lrsched.widgets import _drawing  # noqa: E402

from .widget_cases import (  # noqa: E402
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
)

MPL = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])


# ----------------------------------------------------------------------------- helpers

BUILDS = [
    lambda: wd.noisy_sgd_explorer(n_seeds=20, T=200, show=False),
    lambda: wd.cycle_explorer("cyclic", show=False),
    lambda: wd.schedule_explorer("sgdr", show=False),
]


@pytest.fixture
def reprobe():
    """Run text_cache_supported() afresh in the test, and again after it (undoing patches)."""
    _drawing.text_cache_supported.cache_clear()
    yield
    _drawing.text_cache_supported.cache_clear()


def _pixels(fig: Figure, renderer_cls=None) -> np.ndarray:
    """The figure drawn by its canvas, or by a fresh ``renderer_cls`` (same unhinted text)."""
    if renderer_cls is None:
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    w, h = fig.canvas.get_width_height(physical=True)
    renderer = renderer_cls(w, h, fig.dpi)
    with _drawing._unhinted_text():
        fig.draw(renderer)
    return np.asarray(renderer.buffer_rgba())[..., :3].astype(int)


def _assert_same_but_text_placement(fig: Figure, ours: np.ndarray, stock: np.ndarray) -> None:
    """Any difference is inside a text's box (glyphs placed as one string, not one by one),
    where the ink is the same within 10%."""
    assert ours.shape == stock.shape
    differ = np.abs(ours - stock).max(axis=2) > 0
    h = ours.shape[0]
    in_text = np.zeros(differ.shape, dtype=bool)
    renderer = fig.canvas.get_renderer()
    boxes = [
        t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_visible() and t.get_text()
    ]
    assert boxes
    for bb in boxes:
        x0, x1 = max(int(bb.x0) - 2, 0), int(math.ceil(bb.x1)) + 2
        y0, y1 = max(h - int(math.ceil(bb.y1)) - 2, 0), h - int(bb.y0) + 2
        in_text[y0:y1, x0:x1] = True
        ink_ours = (255 - ours[y0:y1, x0:x1]).sum()
        ink_stock = (255 - stock[y0:y1, x0:x1]).sum()
        assert abs(ink_ours - ink_stock) <= 0.1 * max(ink_stock, 1)  # the same glyphs
    assert not (differ & ~in_text).any()


# ----------------------------------------------------------------------------- which renderer


def test_the_canvas_uses_the_text_cache_exactly_where_it_is_supported():
    fig = wd.schedule_explorer(show=False).result.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    supported = _drawing.text_cache_supported()
    # the probe accepts the cache wherever its pieces exist (matplotlib >= 3.11) ...
    assert supported == _drawing._has_text_cache_api()
    # ... which matplotlib 3.7 to 3.10 (whole-string text rendering) do not have
    if MPL < (3, 11):
        assert not supported
    assert fig.canvas.uses_text_cache() is supported
    assert type(renderer) is (_drawing._TextCacheRenderer if supported else RendererAgg)


@pytest.mark.parametrize("build", BUILDS)
def test_the_canvas_draws_what_matplotlib_draws(build):
    fig = build().result.figure
    ours = _pixels(fig)
    stock = _pixels(fig, RendererAgg)
    if not _drawing.text_cache_supported():
        np.testing.assert_array_equal(ours, stock)  # it is matplotlib's renderer
        return
    _assert_same_but_text_placement(fig, ours, stock)
    # redrawing reuses every cached bitmap
    renderer = fig.canvas.get_renderer()
    assert isinstance(renderer, _drawing._TextCacheRenderer) and renderer._text_cache
    before = dict(renderer._text_cache)
    fig.canvas.draw()
    assert fig.canvas.get_renderer() is renderer
    assert renderer._text_cache.keys() == before.keys()
    assert all(renderer._text_cache[k] is before[k] for k in before)


def test_mathtext_and_odd_angles_are_drawn_by_matplotlib():
    fig = wd.schedule_explorer(show=False).result.figure
    fig.text(0.1, 0.1, r"$\alpha_t^2$")
    fig.text(0.2, 0.2, "slanted", rotation=30)
    ours = _pixels(fig)
    if not _drawing.text_cache_supported():
        np.testing.assert_array_equal(ours, _pixels(fig, RendererAgg))
        return
    keys = {k[0] for k in fig.canvas.get_renderer()._text_cache}
    assert r"$\alpha_t^2$" not in keys and "slanted" not in keys
    assert keys  # the plain labels are cached
    _assert_same_but_text_placement(fig, ours, _pixels(fig, RendererAgg))


# ----------------------------------------------------------------------------- the fallback


@pytest.mark.parametrize("how", ["no api", "probe raises", "probe differs"])
def test_without_a_working_cache_the_canvas_falls_back_to_matplotlib(how, monkeypatch, reprobe):
    if how == "no api":
        monkeypatch.setattr(_drawing, "_has_text_cache_api", lambda: False)
    else:
        monkeypatch.setattr(_drawing, "_has_text_cache_api", lambda: True)

        def probe(renderer_cls):
            if renderer_cls is _drawing._TextCacheRenderer:
                if how == "probe raises":
                    raise AttributeError("'Text' object has no attribute 'get_fontfeatures'")
                return np.zeros((80, 200))  # draws nothing
            return real_probe(renderer_cls)

        real_probe = _drawing._probe_pixels
        monkeypatch.setattr(_drawing, "_probe_pixels", probe)
    assert not _drawing.text_cache_supported()
    w = wd.schedule_explorer(show=False)
    r = wd.set_controls(w, family="wsd", T=400)
    fig = r.figure
    assert type(fig.canvas.get_renderer()) is RendererAgg
    np.testing.assert_array_equal(_pixels(fig), _pixels(fig, RendererAgg))
    assert r.png().startswith(b"\x89PNG")


def test_the_stock_design_can_be_chosen(monkeypatch):
    monkeypatch.setattr(_drawing._Canvas, "text_cache", False)
    fig = wd.warmup_explorer(show=False).result.figure
    assert not fig.canvas.uses_text_cache()
    np.testing.assert_array_equal(_pixels(fig), _pixels(fig, RendererAgg))
    assert type(fig.canvas.get_renderer()) is RendererAgg


def test_the_probe_tells_a_misplaced_or_missing_text_from_the_same_text():
    stock = _drawing._probe_pixels(RendererAgg)
    assert stock.sum() > 0
    assert _drawing._same_ink(stock, stock.copy())
    assert not _drawing._same_ink(stock, np.roll(stock, 3, axis=1))  # 3 px to the right
    assert not _drawing._same_ink(stock, np.roll(stock, -3, axis=0))  # 3 px up
    assert not _drawing._same_ink(stock, 0.5 * stock)  # half the ink
    assert not _drawing._same_ink(stock, np.zeros_like(stock))  # nothing drawn
