"""Tests for lrsched.range_test: grids, the sequential test, suggestions, exercise 1.

Reference values come from closed forms, hand-worked curves, and literal ports of
the published fastai / torch-lr-finder code (reference notes, sections 3.1-3.3),
written here independently of the package.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrsched.range_test import (
    RangeTestResult,
    UsefulRange,
    lr_sweep,
    one_step_losses,
    range_test,
    suggest_min_div10,
    suggest_steepest,
    suggest_valley,
    useful_range,
)

# ----------------------------------------------------------------- independent ports


def fastai_valley(lrs, losses):
    """fastai 2.8 ``valley``, transcribed line by line (pure Python loops)."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return lrs[idx]


def torch_lr_finder_steepest(lrs, losses):
    """torch-lr-finder 0.2.2: ``lrs[np.gradient(losses).argmin()]`` (per-index gradient)."""
    return lrs[int(np.gradient(np.asarray(losses)).argmin())]


def fastai_smoothing(losses, beta=0.98, stop=4.0):
    """fastai AvgSmoothLoss + LRFinder stop rule over a given raw-loss sequence."""
    val, best, out = 0.0, float("inf"), []
    for count, loss in enumerate(losses, start=1):
        val = beta * val + (1 - beta) * loss  # torch.lerp(loss, val, beta)
        sm = val / (1 - beta**count)
        out.append(sm)
        best = min(best, sm)
        if stop is not None and sm > stop * best:
            break
    return out


class Quadratic:
    """Sequential SGD on J = (theta - c)^2; returns the loss *before* each step."""

    def __init__(self, c=3.0, theta0=0.0):
        self.c, self.theta = c, theta0
        self.calls = []

    def __call__(self, lr):
        self.calls.append(lr)
        loss = (self.theta - self.c) ** 2
        self.theta -= lr * 2.0 * (self.theta - self.c)
        return loss


# ----------------------------------------------------------------- lr_sweep


def test_lr_sweep_exp_matches_torch_lr_finder_formula():
    start, end, n = 1e-5, 3.0, 37
    expected = [start * (end / start) ** (i / (n - 1)) for i in range(n)]
    got = lr_sweep(start, end, n)
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    assert got[0] == start and got[-1] == end
    assert np.all(np.diff(got) > 0)


def test_lr_sweep_linear_matches_formula():
    start, end, n = 0.001, 0.065, 11  # Smith's GoogLeNet range
    expected = [start + i / (n - 1) * (end - start) for i in range(n)]
    np.testing.assert_allclose(lr_sweep(start, end, n, mode="linear"), expected, rtol=1e-14)


def test_lr_sweep_exp_is_evenly_spaced_in_log():
    lrs = lr_sweep(1e-4, 1e2, 7)
    np.testing.assert_allclose(np.log10(lrs), np.arange(-4, 3), atol=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((1.0, 0.1, 10), {}, ValueError, "lr_min"),
        ((0.1, 0.1, 10), {}, ValueError, "lr_min"),
        ((0.0, 1.0, 10), {}, ValueError, "lr_min"),
        ((-1e-3, 1.0, 10), {}, ValueError, "lr_min"),
        ((1e-3, -1.0, 10), {}, ValueError, "lr_max"),
        ((1e-3, math.inf, 10), {}, ValueError, "lr_max"),
        ((math.nan, 1.0, 10), {}, ValueError, "lr_min"),
        ((1e-3, 1.0, 1), {}, ValueError, "n"),
        ((1e-3, 1.0, 0), {}, ValueError, "n"),
        ((1e-3, 1.0, 10.0), {}, TypeError, "n"),
        ((1e-3, 1.0, 10), {"mode": "log"}, ValueError, "mode"),
        (("a", 1.0, 10), {}, TypeError, "lr_min"),
    ],
)
def test_lr_sweep_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        lr_sweep(*args, **kwargs)


# ----------------------------------------------------------------- range_test


def test_range_test_calls_step_fn_once_per_lr_in_order():
    q = Quadratic()
    res = range_test(q, 1e-4, 0.4, 30, stop_factor=None)
    grid = lr_sweep(1e-4, 0.4, 30)
    assert q.calls == list(grid)
    np.testing.assert_array_equal(res.lrs, grid)
    assert res.stopped_at is None and not res.stopped_early and res.stop_reason is None
    assert res.n_planned == 30


def test_range_test_raw_losses_follow_the_sequential_recursion():
    q = Quadratic()
    res = range_test(q, 1e-3, 0.5, 20, stop_factor=None, smooth=None)
    theta, expected = 0.0, []
    for lr in lr_sweep(1e-3, 0.5, 20):
        expected.append((theta - 3.0) ** 2)
        theta -= lr * 2 * (theta - 3.0)
    np.testing.assert_allclose(res.losses, expected, rtol=1e-14)
    np.testing.assert_array_equal(res.smoothed, res.losses)


def test_range_test_smoothing_and_stop_match_fastai():
    res = range_test(Quadratic(), 1e-4, 10.0, 100)
    ref = fastai_smoothing(res.losses.tolist())
    assert len(ref) == len(res.smoothed)  # stopped at the same step
    np.testing.assert_allclose(res.smoothed, ref, rtol=1e-12)
    assert res.smoothed[0] == res.losses[0]  # debiased EMA starts at the first loss
    # the step LR 1 is the stability limit of this quadratic: divergence shows after it
    assert res.stopped_early and res.lrs[-1] > 1.0
    assert res.smoothed[-1] > 4.0 * res.smoothed.min()
    assert "4 x best" in res.stop_reason


def test_range_test_smooth_zero_equals_raw_and_custom_stop_factor():
    res = range_test(Quadratic(), 1e-4, 10.0, 100, smooth=0.0, stop_factor=5.0)
    np.testing.assert_array_equal(res.smoothed, res.losses)
    ref = fastai_smoothing(res.losses.tolist(), beta=0.0, stop=5.0)
    assert len(ref) == len(res.losses)


def test_range_test_nan_loss_stops_and_flags():
    def step(lr):
        return math.nan if lr > 0.01 else 1.0

    res = range_test(step, 1e-4, 1.0, 21)
    k = int(np.argmax(lr_sweep(1e-4, 1.0, 21) > 0.01))
    assert res.stopped_at == k and len(res.losses) == k + 1
    assert math.isnan(res.losses[-1]) and math.isnan(res.smoothed[-1])
    assert "non-finite" in res.stop_reason and f"step {k}" in res.stop_reason
    # the NaN is cut off before suggesting, as fastai does
    lrs, ys = res.trimmed(0, 0)
    assert np.all(np.isfinite(ys)) and len(ys) == k


def test_range_test_step_fn_raising_names_step_and_lr():
    def step(lr):
        if lr > 0.05:
            raise ZeroDivisionError("boom")
        return 1.0

    grid = lr_sweep(1e-3, 1.0, 10)
    k = int(np.argmax(grid > 0.05))
    with pytest.raises(ValueError, match=rf"at step {k} \(lr={grid[k]:.6g}\)") as info:
        range_test(step, 1e-3, 1.0, 10)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert "ZeroDivisionError" in str(info.value)


@pytest.mark.parametrize("bad", ["1.0", None, [1.0, 2.0], np.ones(2), True])
def test_range_test_non_number_return(bad):
    with pytest.raises(TypeError, match="step 0"):
        range_test(lambda lr: bad, 1e-3, 1.0, 10)


def test_range_test_accepts_numpy_scalars_and_0d_arrays():
    res = range_test(lambda lr: np.array(2.0), 1e-3, 1.0, 5)
    np.testing.assert_array_equal(res.losses, 2.0)
    res = range_test(lambda lr: np.float32(2.0), 1e-3, 1.0, 5)
    np.testing.assert_allclose(res.smoothed, 2.0, rtol=1e-14)  # debiased EMA of a constant


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"step_fn": 3}, TypeError, "step_fn"),
        ({"lr_min": 1.0, "lr_max": 0.5}, ValueError, "lr_min"),
        ({"n": 1}, ValueError, "n"),
        ({"smooth": 1.0}, ValueError, "smooth"),
        ({"smooth": -0.1}, ValueError, "smooth"),
        ({"smooth": math.nan}, ValueError, "smooth"),
        ({"stop_factor": 1.0}, ValueError, "stop_factor"),
        ({"stop_factor": -4.0}, ValueError, "stop_factor"),
        ({"mode": "cosine"}, ValueError, "mode"),
    ],
)
def test_range_test_bad_input(kwargs, exc, match):
    args = {"step_fn": Quadratic(), "lr_min": 1e-4, "lr_max": 1.0, "n": 10}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        range_test(
            args.pop("step_fn"), args.pop("lr_min"), args.pop("lr_max"), args.pop("n"), **args
        )


def test_suggestions_use_fastai_trimming():
    res = range_test(Quadratic(), 1e-5, 10.0, 200)
    n = res.n_planned
    lrs = res.lrs[n // 10 : -5]
    ys = res.smoothed[n // 10 : -5]
    s = res.suggestions()
    assert set(s) == {"valley", "steepest", "min_div10"}
    assert s["valley"] == fastai_valley(lrs, ys)
    assert s["steepest"] == torch_lr_finder_steepest(lrs, ys)
    assert s["min_div10"] == lrs[np.argmin(ys)] / 10
    # on this quadratic every suggestion is a stable rate (below the limit 1)
    assert all(0 < v < 1 for v in s.values())


def test_suggestions_too_short_raise():
    # infinite from step 10 on: 11 points recorded, fastai trims the first 10 and last 5
    res = range_test(lambda lr: 1.0 if lr < 2e-3 else math.inf, 1e-3, 1.0, 100)
    assert res.stopped_at == 10
    with pytest.raises(ValueError, match="remain after"):
        res.suggestions()
    with pytest.raises(ValueError, match="skip_end"):
        res.trimmed(skip_end=-1)


def test_result_is_a_dataclass_with_arrays():
    res = range_test(Quadratic(), 1e-4, 0.1, 10, stop_factor=None)
    assert isinstance(res, RangeTestResult)
    assert res.lrs.dtype == res.losses.dtype == res.smoothed.dtype == np.float64


# ----------------------------------------------------------------- suggestion functions


def test_valley_hand_checked_curves():
    lrs = np.logspace(-3, 0, 10)
    # strictly decreasing for 9 points: lds[8] = 9, start = 8 - 9 = -1,
    # sections = 3, idx = -1 + 3 + 1 = 3
    assert suggest_valley(lrs, [9, 8, 7, 6, 5, 4, 3, 2, 1, 5]) == lrs[3]
    # flat start, descent 5 -> 1 over indices 2..6: lds[6] = 5, start = 1,
    # sections = 5/3, idx = 1 + 1 + 0 = 2
    lrs9 = np.logspace(-3, 0, 9)
    assert suggest_valley(lrs9, [5, 5, 5, 4, 3, 2, 1, 3, 6]) == lrs9[2]
    # no descent at all: fastai never moves max_start/max_end from 0 -> lrs[0]
    assert suggest_valley(lrs, np.arange(10.0)) == lrs[0]
    # longest valley of 2 points starting at 0: start = 1 - 2 = -1, sections = 2/3,
    # idx = -1 -> Python wraps to the last rate (fastai quirk)
    assert suggest_valley(lrs[:5], [2, 1, 3, 4, 5]) == lrs[4]


def test_valley_longest_not_deepest():
    lrs = np.logspace(-4, 0, 14)
    # a deep 2-step drop, then a long shallow descent of 7 points
    losses = [10, 1, 2, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3, 1.2, 5, 6, 7]
    # longest strictly decreasing subsequence ends at index 10: 10, 2, 1.9 ... 1.2 (10 pts)
    assert suggest_valley(lrs, losses) == fastai_valley(lrs, losses)
    assert suggest_valley(lrs, losses) == lrs[4]  # start = 0, sections = 10/3 -> 0 + 3 + 1


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False),
        min_size=2,
        max_size=60,
    )
)
def test_valley_equals_fastai_port_on_random_curves(losses):
    lrs = np.logspace(-6, 1, len(losses))
    assert suggest_valley(lrs, losses) == fastai_valley(lrs, losses)


def test_valley_equals_fastai_port_on_range_test_like_curves():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(20, 120))
        u = np.linspace(0, 1, n)
        curve = 2.3 - 2 / (1 + np.exp(-(u - rng.uniform(0.3, 0.6)) * 15))
        curve += np.exp((u - rng.uniform(0.8, 1.2)) * 20) + rng.normal(0, 0.05, n)
        lrs = np.logspace(-7, 1, n)
        assert suggest_valley(lrs, curve) == fastai_valley(lrs, curve)


def test_steepest_on_a_known_sigmoid():
    u = np.linspace(-4, 1, 51)  # log10 lr; grid contains u0 = -1.5 exactly at index 25
    lrs = 10.0**u
    losses = 2.0 - np.tanh(3 * (u - u[25]))
    assert suggest_steepest(lrs, losses) == lrs[25]


def test_steepest_equals_torch_lr_finder_on_geometric_grids():
    rng = np.random.default_rng(1)
    for _ in range(100):
        n = int(rng.integers(5, 80))
        lrs = lr_sweep(1e-6, 10.0, n)
        losses = np.cumsum(rng.normal(0, 1, n))
        assert suggest_steepest(lrs, losses) == torch_lr_finder_steepest(lrs, losses)


def test_min_div10_hand_checked():
    assert suggest_min_div10([0.001, 0.01, 0.1, 1.0], [3.0, 2.0, 1.0, 4.0]) == pytest.approx(0.01)
    # ties go to the first minimum
    assert suggest_min_div10([0.1, 0.2, 0.3], [1.0, 0.5, 0.5]) == pytest.approx(0.02)


@pytest.mark.parametrize("fn", [suggest_steepest, suggest_min_div10, suggest_valley])
@pytest.mark.parametrize(
    ("lrs", "losses", "exc", "match"),
    [
        ([0.1, 0.2, 0.3], [1.0, 2.0], ValueError, "same length"),
        ([0.1], [1.0], ValueError, "lrs"),
        ([0.2, 0.1], [1.0, 2.0], ValueError, "increasing"),
        ([0.0, 0.1], [1.0, 2.0], ValueError, "positive"),
        ([-0.1, 0.1], [1.0, 2.0], ValueError, "positive"),
        ([0.1, 0.2], [1.0, math.nan], ValueError, "losses"),
        ([0.1, math.inf], [1.0, 2.0], ValueError, "lrs"),
        ([[0.1, 0.2]], [[1.0, 2.0]], ValueError, "1-D"),
        (["a", "b"], [1.0, 2.0], TypeError, "lrs"),
    ],
)
def test_suggestions_bad_input(fn, lrs, losses, exc, match):
    with pytest.raises(exc, match=match):
        fn(lrs, losses)


# ----------------------------------------------------------------- exercise 1


def seed_exercise_losses(alphas, c=3.0, theta0=0.0):
    """The seed's exercise loop, completed: one gradient step from theta0, J after it."""

    def J(t):
        return (t - c) ** 2

    def dJ(t):
        return 2.0 * (t - c)

    return np.array([J(theta0 - a * dJ(theta0)) for a in alphas])


ALPHAS = np.logspace(-4, np.log10(2.0), 50)


def test_one_step_losses_closed_form_matches_the_step():
    np.testing.assert_allclose(
        one_step_losses(ALPHAS), seed_exercise_losses(ALPHAS), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        one_step_losses(ALPHAS, c=-1.5, theta0=2.0),
        seed_exercise_losses(ALPHAS, c=-1.5, theta0=2.0),
        rtol=1e-12,
        atol=1e-15,
    )


def test_one_step_losses_special_points_and_shapes():
    assert one_step_losses(0.5) == 0.0
    assert one_step_losses(0.0) == 9.0
    assert one_step_losses(1.0) == 9.0
    assert isinstance(one_step_losses(0.25), float)
    assert one_step_losses(np.array([[0.1, 0.2]])).shape == (1, 2)
    assert one_step_losses([1, 2]).dtype == np.float64


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((-0.1,), {}, ValueError, "alphas"),
        (([0.1, -0.1],), {}, ValueError, "alphas"),
        (([0.1, math.nan],), {}, ValueError, "alphas"),
        ((math.inf,), {}, ValueError, "alphas"),
        (("0.1",), {}, TypeError, "alphas"),
        ((0.1,), {"c": math.nan}, ValueError, "c"),
        ((0.1,), {"theta0": math.inf}, ValueError, "theta0"),
        ((0.1,), {"c": "3"}, TypeError, "c"),
    ],
)
def test_one_step_losses_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        one_step_losses(*args, **kwargs)


def test_useful_range_brackets_the_optimum_and_stops_before_divergence():
    losses = one_step_losses(ALPHAS)
    r = useful_range(ALPHAS, losses)
    assert isinstance(r, UsefulRange)
    assert r.low <= 0.5 <= r.high < 1.0
    # best: the grid point closest (in loss) to the analytic optimum alpha = 1/2
    assert r.best == ALPHAS[np.argmin(np.abs(1 - 2 * ALPHAS))]
    # high is the last grid point before the loss is back at/above the start
    k = int(np.flatnonzero(ALPHAS == r.high)[0])
    assert losses[k] < losses[0] <= losses[k + 1]
    assert ALPHAS[k + 1] >= 1.0
    # low: the loss has fallen by >= 10 % there and not one grid point earlier
    j = int(np.flatnonzero(ALPHAS == r.low)[0])
    assert losses[j] <= 0.9 * losses[0] < losses[j - 1]
    # analytic: 9 (1 - 2a)^2 <= 0.9 * L0 first holds near a = 0.026
    assert 0.02 < r.low < 0.04


def test_useful_range_with_exact_start_and_no_drop():
    r = useful_range(ALPHAS, one_step_losses(ALPHAS), start_loss=9.0, min_drop=0.0)
    assert r.low == ALPHAS[0]  # every alpha in (0, 1) lowers the loss
    assert r.high == ALPHAS[ALPHAS < 1.0][-1]


def test_useful_range_on_a_range_test_curve():
    res = range_test(Quadratic(), 1e-4, 10.0, 100, smooth=None, stop_factor=None)
    r = useful_range(res.lrs, res.losses)
    assert r.low < r.best <= r.high


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"losses": np.full(50, 10.0), "start_loss": 9.0}, ValueError, "start_loss"),
        ({"min_drop": 1.0}, ValueError, "min_drop"),
        ({"min_drop": -0.1}, ValueError, "min_drop"),
        ({"start_loss": math.nan}, ValueError, "start_loss"),
        ({"alphas": ALPHAS[::-1]}, ValueError, "increasing"),
        ({"losses": one_step_losses(ALPHAS)[:10]}, ValueError, "same length"),
    ],
)
def test_useful_range_bad_input(kwargs, exc, match):
    args = {"alphas": ALPHAS, "losses": one_step_losses(ALPHAS)}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        useful_range(args.pop("alphas"), args.pop("losses"), **args)


# --- pinned edges the mutation run found untested ------------------------------------------


def test_suggest_steepest_on_a_linear_grid_differentiates_in_log_rate():
    # L(eta) = -eta on the linear grid 1..10: dL/dlog10(eta) = -eta ln 10 is steepest at
    # the largest rate. A derivative per index (or per unit of eta) is the constant -1,
    # whose argmin is the first rate.
    lrs = np.arange(1.0, 11.0)
    assert suggest_steepest(lrs, -lrs) == 10.0
    # L = log10(eta)^2 - 2 log10(eta): dL/dx = 2x - 2 in x = log10(eta), steepest at the
    # smallest x whatever the spacing of the grid
    x = np.log10(lrs)
    assert suggest_steepest(lrs, x * x - 2 * x) == 1.0


def test_range_test_stops_only_strictly_above_the_factor():
    # raw losses (no smoothing): 4.0 == 4 x best 1.0 does not stop; 4.5 > 4 does
    seq = iter([1.0, 4.0, 4.0, 4.5, 1.0])
    res = range_test(lambda lr: next(seq), 1e-3, 1.0, 5, smooth=None, stop_factor=4.0)
    assert res.stopped_at == 3
    assert res.losses.tolist() == [1.0, 4.0, 4.0, 4.5]
    seq = iter([2.0, 8.0, 8.0, 8.0, 8.0])
    res = range_test(lambda lr: next(seq), 1e-3, 1.0, 5, smooth=None, stop_factor=4.0)
    assert res.stopped_at is None and res.losses.size == 5
