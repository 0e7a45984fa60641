"""The range test's rules at their boundaries: the strict ``>`` of the divergence stop,
non-finite losses, the steepest point on a linear grid, the minimum length for
suggestions, and each edge of :func:`useful_range`'s band.

Every expected value is worked out by hand in the comments (exactly representable
losses, so equality is exact), or from the analytic derivative of the curve.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrsched.range_test import (
    RangeTestResult,
    lr_sweep,
    range_test,
    suggest_min_div10,
    suggest_steepest,
    suggest_valley,
    useful_range,
)


def scripted(losses):
    """A step_fn that returns the given losses in order (and records the rates)."""
    it = iter(losses)
    seen = []

    def step(lr):
        seen.append(lr)
        return next(it)

    step.seen = seen
    return step


# ------------------------------------------------------------------------- divergence stop


def test_stop_needs_the_loss_strictly_above_factor_times_best():
    # raw losses (smooth=None): best 1.0; 4.0 is exactly 4 x best, so the test goes on;
    # 4.5 > 4 x 1.0 stops it at step 3
    step = scripted([2.0, 1.0, 4.0, 4.5, 1.0, 1.0])
    res = range_test(step, 1e-3, 1.0, 6, smooth=None, stop_factor=4.0)
    assert res.stopped_at == 3
    np.testing.assert_array_equal(res.losses, [2.0, 1.0, 4.0, 4.5])
    assert len(step.seen) == 4
    assert "4.5 > 4 x best 1" in res.stop_reason


def test_stop_compares_with_the_best_smoothed_loss():
    # beta = 0.5, debiased EMA: a_i = (a_{i-1} + l_i)/2, s_i = a_i / (1 - 0.5**(i+1))
    # l = 8, 1, 1, 40:  a = 4, 2.5, 1.75, 20.875;  s = 8, 10/3, 2, 22.2666...
    # The best smoothed loss is 2 (the best raw loss is 1): with f = 10, 22.27 > 20 stops
    # at step 3; with f = 12, 22.27 < 24 never stops (against the raw best, 22.27 > 12 would)
    res = range_test(scripted([8.0, 1.0, 1.0, 40.0, 1.0]), 1e-3, 1.0, 5, smooth=0.5, stop_factor=10)
    np.testing.assert_allclose(res.smoothed, [8.0, 10 / 3, 2.0, 20.875 / 0.9375], rtol=1e-15)
    assert res.stopped_at == 3
    res = range_test(scripted([8.0, 1.0, 1.0, 40.0, 1.0]), 1e-3, 1.0, 5, smooth=0.5, stop_factor=12)
    assert res.stopped_at is None and res.losses.size == 5


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("stop_factor", [None, 4.0])
def test_a_non_finite_loss_stops_the_test_where_it_occurs(bad, stop_factor):
    res = range_test(scripted([3.0, 2.0, bad, 1.0, 1.0]), 1e-3, 1.0, 5, stop_factor=stop_factor)
    assert res.stopped_at == 2
    assert res.losses.size == 3 and res.smoothed.size == 3
    assert np.isnan(res.smoothed[2])  # no smoothed value for a non-finite loss
    assert "non-finite" in res.stop_reason


# ------------------------------------------------------------------------- the grid


@pytest.mark.parametrize("n", [2, 3, 10])
def test_sweep_needs_lr_min_strictly_below_lr_max(n):
    with pytest.raises(ValueError, match="lr_min must be smaller than lr_max"):
        lr_sweep(0.1, 0.1, n)
    with pytest.raises(ValueError, match="lr_min must be smaller than lr_max"):
        lr_sweep(0.1, 0.1, n, "linear")


# ------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize("rule", [suggest_steepest, suggest_min_div10, suggest_valley])
@pytest.mark.parametrize("lrs", [[0.1, 0.1, 0.2], [0.1, 0.2, 0.2, 0.3], [0.0, 0.1, 0.2]])
def test_suggestions_need_positive_strictly_increasing_rates(rule, lrs):
    with pytest.raises(ValueError, match="lrs must be"):
        rule(lrs, np.arange(len(lrs), 0, -1.0))


@pytest.mark.parametrize("k", [1.0, 2.0])
def test_steepest_on_a_linear_grid_is_steepest_in_log10_lr(k):
    """L = -tanh(k (log10 lr - log10 5)) falls fastest against log10(lr) at lr = 5 (the
    derivative -k / cosh^2 is most negative there). On the linear grid 1..10, a derivative
    per index (torch-lr-finder) or per unit of lr would favour the small rates instead."""
    lrs = np.arange(1.0, 11.0)
    losses = -np.tanh(k * (np.log10(lrs) - np.log10(5.0)))
    assert suggest_steepest(lrs, losses) == 5.0
    assert lrs[int(np.argmin(np.gradient(losses)))] < 5.0  # the per-index rule differs here


def _result(n):
    lrs = lr_sweep(1e-3, 1.0, n)
    losses = np.linspace(5.0, 1.0, n)
    return RangeTestResult(lrs, losses, losses.copy(), None, None, n)


def test_suggestions_need_three_points_after_trimming():
    res = _result(12)  # default trimming: drops 12 // 10 = 1 first and 5 last -> 6 points
    with pytest.raises(ValueError, match="only 2 point"):
        res.suggestions(skip_start=0, skip_end=10)
    got = res.suggestions(skip_start=0, skip_end=9)  # 3 points: 5, 4.6363..., 4.2727...
    lrs = res.lrs[:3]
    # straight line in the index: min at the last point; fastai's valley on 3 falling
    # points: lds = 1, 2, 3, end 2, start -1, sections 1, index -1 + 1 + 0 = 0
    assert got["min_div10"] == lrs[2] / 10
    assert got["valley"] == lrs[0]


# ------------------------------------------------------------------------- useful_range

A = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]


def test_useful_band_ends_where_the_loss_is_back_at_the_start():
    # start 10: below the start only at indices 2, 3 (a loss equal to 10 is not below)
    got = useful_range(A, [10.0, 10.0, 6.0, 2.0, 10.0, 12.0], start_loss=10.0)
    assert got == (0.3, 0.4, 0.4)


def test_useful_band_can_reach_the_last_rate():
    got = useful_range(A[:5], [10.0, 8.0, 4.0, 2.0, 3.0], start_loss=10.0)
    assert got == (0.2, 0.4, 0.5)  # low: 8 <= 9 = 0.9 x 10


def test_useful_low_is_the_first_loss_at_exactly_the_drop():
    # target (1 - 0.5) x 10 = 5.0 exactly: the loss 5.0 qualifies
    got = useful_range(A[:5], [10.0, 8.0, 5.0, 2.0, 12.0], start_loss=10.0, min_drop=0.5)
    assert got == (0.3, 0.4, 0.4)


def test_useful_low_falls_back_to_the_best_rate_when_no_loss_drops_enough():
    # band 1..3 below 10, none <= 9: low is the best rate (index 2), not the band's start
    got = useful_range(A[:5], [10.0, 9.8, 9.5, 9.6, 12.0], start_loss=10.0)
    assert got == (0.3, 0.3, 0.4)


@pytest.mark.parametrize("losses", [[5.0, 6.0, 5.0, 7.0], [5.0, 5.0, 5.0, 5.0]])
def test_useful_range_refuses_a_curve_that_never_goes_below_the_start(losses):
    with pytest.raises(ValueError, match="no loss is below start_loss"):
        useful_range(A[:4], losses)
