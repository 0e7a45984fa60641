"""The range test's rules at their boundaries: the strict ``>`` of the divergence stop
(:func:`divergence_index`, and inside :func:`range_test`), non-finite losses, the steepest
point on a linear grid, the minimum length for suggestions, and each edge of
:func:`useful_range`'s band.

Every expected value is worked out by hand in the comments (exactly representable
losses, so equality is exact), or from the analytic derivative of the curve.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched.range_test import (
    RangeTestResult,
    divergence_index,
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


def first_divergence(losses, factor):
    """The stop rule transcribed as a plain loop: the first i with a non-finite loss or
    losses[i] > factor * min(losses[:i + 1]) (factor None: non-finite losses only)."""
    for i, loss in enumerate(losses):
        if not math.isfinite(loss):
            return i
        if factor is not None and loss > factor * min(losses[: i + 1]):
            return i
    return None


@pytest.mark.parametrize(
    ("losses", "factor", "expected"),
    [
        # 4.0 is exactly 4 x the best 1.0 (goes on); 4.5 > 4 x 1.0 stops at 3
        ([2.0, 1.0, 4.0, 4.5, 1.0], 4.0, 3),
        # the minimum is read up to i: 9.0 > 4 x 2.0 at 2, though 9.0 < 4 x 3.0
        ([3.0, 2.0, 9.0], 4.0, 2),
        ([3.0, 2.0, 9.0], 5.0, None),  # 9 <= 5 x 2
        ([3.0, 2.0, 9.0], None, None),
        ([1.0, 2.0, math.nan, 100.0], None, 2),
        ([1.0, 100.0, math.nan], None, 2),
        ([1.0, 100.0, math.nan], 4.0, 1),
        ([math.inf], 4.0, 0),
        ([-math.inf, 1.0], None, 0),
        ([5.0], 4.0, None),
        ([], 4.0, None),
        ([], None, None),
        # a negative loss exceeds 4 x itself: the rule assumes positive losses
        ([-1.0, 2.0], 4.0, 0),
        # 1.7e308 <= 4 x 1e308 (above the float64 maximum): no overflow, no stop
        ([1e308, 1.7e308], 4.0, None),
        # subnormals: 2.5e-323 > 4 x 5e-324 = 2e-323, but 1e-323 is not
        ([5e-324, 1e-323], 4.0, None),
        ([5e-324, 2.5e-323], 4.0, 1),
    ],
)
def test_divergence_index_hand_checked(losses, factor, expected):
    assert divergence_index(losses, stop_factor=factor) == expected
    assert first_divergence(losses, factor) == expected


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
)
def test_divergence_index_takes_every_integer_dtype(dtype):
    # 9 > 4 x 2 at index 3
    losses = np.array([5, 2, 8, 9, 1], dtype=dtype)
    got = divergence_index(losses)
    assert type(got) is int and got == 3
    # int64 near its maximum: 2**63 - 1 is about 2 x 2**62 (goes on) and 8 x 2**60 (stops)
    assert divergence_index(np.array([2**62, 2**63 - 1], dtype=np.int64)) is None
    assert divergence_index(np.array([2**60, 2**63 - 1], dtype=np.int64)) == 1


def test_divergence_index_default_factor_is_fastais_four():
    assert divergence_index([1.0, 4.0]) is None
    assert divergence_index([1.0, 4.000000000000001]) == 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(1e-3, 1e3),
            st.floats(5e-324, 1.7e308, allow_subnormal=True),
            st.sampled_from([math.nan, math.inf, -math.inf]),
        ),
        max_size=40,
    ),
    st.one_of(st.none(), st.floats(1.0, 1e3, exclude_min=True)),
)
def test_divergence_index_equals_the_rule_and_the_range_tests_stop(losses, factor):
    expected = first_divergence(losses, factor)
    assert divergence_index(losses, stop_factor=factor) == expected
    assert divergence_index(np.asarray(losses), factor) == expected
    if len(losses) >= 2:  # without smoothing, range_test stops where the rule fires
        res = range_test(scripted(losses), 1e-3, 1.0, len(losses), smooth=None,
                         stop_factor=factor)  # fmt: skip
        assert res.stopped_at == expected
        assert res.losses.size == (len(losses) if expected is None else expected + 1)


def test_range_test_with_smoothing_stops_where_the_rule_fires_on_the_smoothed_losses():
    rng = np.random.default_rng(4)
    for _ in range(50):
        losses = np.exp(rng.normal(0.0, 1.0, 60)).tolist()
        res = range_test(scripted(losses), 1e-4, 1.0, 60, smooth=0.9, stop_factor=2.0)
        # the recorded smoothed curve, stopped where the rule first fires on it
        assert res.stopped_at == divergence_index(res.smoothed, stop_factor=2.0)


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        (("1.0, 2.0",), TypeError, "losses"),
        ((b"12",), TypeError, "losses"),
        (([True, False],), TypeError, "losses"),
        ((np.array([1.0, 2.0], dtype=object),), TypeError, "losses"),
        ((np.array(["a", "b"]),), TypeError, "losses"),
        (([1.0, [2.0, 3.0]],), TypeError, "losses"),
        (([1.0 + 2.0j],), TypeError, "losses"),
        ((3.0,), ValueError, "losses"),
        (([[1.0, 2.0]],), ValueError, "losses"),
        (([1.0], 1.0), ValueError, "stop_factor"),
        (([1.0], 0.5), ValueError, "stop_factor"),
        (([1.0], -4.0), ValueError, "stop_factor"),
        (([1.0], math.nan), ValueError, "stop_factor"),
        (([1.0], math.inf), ValueError, "stop_factor"),
        (([1.0], "4"), TypeError, "stop_factor"),
        (([1.0], True), TypeError, "stop_factor"),
    ],
)
def test_divergence_index_rejects_bad_input_by_name(args, exc, match):
    with pytest.raises(exc, match=match):
        divergence_index(*args)


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
