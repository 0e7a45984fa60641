"""The range-test explorer's useful range and best rate stop before the divergence.

Divergence is the range test's own rule (:func:`lrsched.range_test`) read on the raw losses:
the first rate whose loss exceeds 4 times the lowest so far, or is not finite. It is
recomputed here from the recorded raw losses, and for the one-step quadratic the exact
stability limit is used: one step with rate ``α >= 1`` does not lower ``(θ - 3)²``.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import widgets as wd  # noqa: E402

from .widget_cases import fresh, no_pyplot_figures  # noqa: E402, F401

STOP_FACTOR = 4.0  # fastai's divergence factor, the explorer's for the digits test
N_SETTINGS = 60


def raw_divergence(losses: np.ndarray) -> int | None:
    """First index with a loss above STOP_FACTOR x the lowest so far, or non-finite."""
    best = np.inf
    for i, loss in enumerate(losses):
        if not np.isfinite(loss):
            return i
        best = min(best, loss)
        if loss > STOP_FACTOR * best:
            return i
    return None


def shaded(r: wd.ExplorerResult) -> tuple[float, float] | None:
    span = r.figure._lrsched_painter.span
    if not span.get_visible():
        return None
    return span.get_x(), span.get_x() + span.get_width()


def check_before_divergence(r: wd.ExplorerResult) -> None:
    band = r.numbers["useful_range"]
    lrs = r.raw.lrs
    if r.params["problem"] == "quadratic":
        assert r.numbers["divergence"] is None  # the one-step test has no stop rule
        limit, strict = 1.0, True  # exact: one step with α >= 1 does not lower the loss
    else:
        d = raw_divergence(r.raw.losses)
        assert r.numbers["divergence"] == (None if d is None else lrs[d])
        limit, strict = (np.inf, False) if d is None else (lrs[d], True)
    if band is None:
        assert shaded(r) is None
        return
    low, best, high = band
    assert low <= best <= high
    assert high < limit if strict else high <= lrs[-1]
    assert best <= limit
    lo, hi = shaded(r)
    assert lo == pytest.approx(low) and hi == pytest.approx(high)
    # every loss inside the band was recorded before the divergence and is below the start
    inside = (lrs >= low) & (lrs <= high)
    assert np.all(np.isfinite(r.raw.losses[inside]))


def test_useful_range_stops_before_divergence_over_random_settings():
    w = wd.range_test_explorer(preload=True, show=False)
    rng = np.random.default_rng(13)
    seen = {"quadratic": 0, "digits": 0, "diverged": 0, "smoothed": 0}
    for _ in range(N_SETTINGS):
        r = wd.set_controls(w, **wd.random_settings(w, rng))
        r = fresh(w)
        check_before_divergence(r)
        seen[r.params["problem"]] += 1
        seen["diverged"] += r.numbers["divergence"] is not None
        seen["smoothed"] += r.params["smooth"] is not None
    assert min(seen.values()) >= 5, seen  # both problems, with and without a divergence


@pytest.mark.parametrize("n", [30, 60, 100, 150])
@pytest.mark.parametrize("smoothing", [False, True])
def test_digits_band_is_read_off_the_raw_curve(n, smoothing):
    r = wd.draw_range_test("digits", lr_min=1e-4, lr_max=10.0, n=n, smoothing=smoothing)
    check_before_divergence(r)
    d = raw_divergence(r.raw.losses)
    cut = r.raw.losses.size if d is None else d
    expected = ls.useful_range(r.raw.lrs[:cut], r.raw.losses[:cut])
    assert r.numbers["useful_range"] == tuple(expected)
    assert ("divergence (raw loss)", r.numbers["divergence"]) in r.table


def test_regression_smoothed_band_ran_past_the_divergence():
    """The chapter's 150-step digits test with smoothing: the band read off the smoothed
    curve (the old explorer) ended at the top of the sweep, past the divergence."""
    r = wd.draw_range_test("digits", lr_min=1e-4, lr_max=10.0, n=150, smoothing=True)
    d = raw_divergence(r.raw.losses)
    assert d is not None
    diverged = r.raw.lrs[d]
    old = ls.useful_range(r.raw.lrs, r.raw.smoothed)
    assert old.high > diverged and old.best > diverged  # what was shaded before
    low, best, high = r.numbers["useful_range"]
    assert high < diverged and best <= diverged
    assert r.numbers["divergence"] == diverged
    painter = r.figure._lrsched_painter
    assert painter.diverged.get_visible() and painter.diverged.get_xdata()[0] == diverged
    assert f"diverged {diverged:.3g}" in r.legend


def test_regression_unsmoothed_band_reached_the_divergence_rate():
    """Without smoothing the old band ended *at* the rate where the test stopped."""
    r = wd.draw_range_test("digits", lr_min=1e-4, lr_max=10.0, n=100, smoothing=False)
    assert r.raw.stopped_early
    stop = r.raw.lrs[r.raw.stopped_at]
    assert ls.useful_range(r.raw.lrs, r.raw.losses).high == stop  # the old band
    assert r.numbers["divergence"] == stop  # without smoothing: where the test stopped
    assert r.numbers["useful_range"][2] < stop


def test_quadratic_band_is_the_exact_one_step_range():
    # one_step_losses: below the start exactly for 0 < α < 1, optimum 1/2
    for smoothing in (False, True):
        r = wd.draw_range_test("quadratic", lr_min=1e-4, lr_max=10.0, n=100, smoothing=smoothing)
        check_before_divergence(r)
        low, best, high = r.numbers["useful_range"]
        grid = ls.lr_sweep(1e-4, 10.0, 100)
        assert high == grid[grid < 1.0][-1]  # the last rate below the stability limit
        assert best == grid[np.argmin(np.abs(1.0 - 2.0 * grid))]
