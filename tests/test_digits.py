"""Tests for lrsched.digits: data handling, the softmax model, training, the CLR recipe."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrsched.digits import ClrVsFixedResult, DigitsProblem, TrainResult, clr_vs_fixed
from lrsched.range_test import RangeTestResult, range_test, suggest_min_div10

try:  # the lead's Cyclic; the tests fall back to Smith's formula written out below
    from lrsched.cyclic import Cyclic
except ImportError:  # pragma: no cover - only while cyclic.py is being written
    Cyclic = None


def smith_triangular(t, base_lr, max_lr, stepsize):
    """Smith (2017) §3.1, the three lines of the paper, with an iteration counter."""
    cycle = math.floor(1 + t / (2 * stepsize))
    x = abs(t / stepsize - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)


@pytest.fixture(scope="module")
def problem():
    return DigitsProblem(0)


# ----------------------------------------------------------------- data


def test_split_and_standardisation_use_training_statistics_only(problem):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    assert problem.X_train.shape == (1347, 64) and problem.X_test.shape == (450, 64)
    np.testing.assert_array_equal(problem.y_train, y_tr)
    np.testing.assert_array_equal(problem.y_test, y_te)
    mu, sd = X_tr.mean(0), X_tr.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    np.testing.assert_allclose(problem.X_train, (X_tr - mu) / sd, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.X_test, (X_te - mu) / sd, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.X_train.mean(0), 0.0, atol=1e-12)
    std = problem.X_train.std(0)
    assert np.all(np.isclose(std, 1.0) | (std == 0.0))


def test_split_is_deterministic_in_the_seed():
    a, b, c = DigitsProblem(3), DigitsProblem(3), DigitsProblem(4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.y_train, c.y_train)


# ----------------------------------------------------------------- model


def test_initial_loss_is_log10(problem):
    W, b = problem.init_params(0)
    loss, _, _ = problem.loss_and_grad(W, b, problem.X_train, problem.y_train)
    assert loss == pytest.approx(math.log(10), abs=0.05)


def test_cross_entropy_matches_sklearn_log_loss(problem):
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(0)
    # moderate weights: log_loss clips probabilities below machine epsilon
    W, b = rng.normal(0, 0.05, (64, 10)), rng.normal(0, 0.3, 10)
    X, y = problem.X_test, problem.y_test
    z = X @ W + b
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    loss, _, _ = problem.loss_and_grad(W, b, X, y)
    assert loss == pytest.approx(log_loss(y, p, labels=range(10)), rel=1e-10)


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_gradient_matches_finite_differences(l2):
    prob = DigitsProblem(0, l2=l2)
    rng = np.random.default_rng(1)
    W, b = rng.normal(0, 0.2, (64, 10)), rng.normal(0, 0.2, 10)
    X, y = prob.X_train[:40], prob.y_train[:40]
    _, gW, gb = prob.loss_and_grad(W, b, X, y)
    h = 1e-6
    for j, k in [(0, 0), (10, 3), (33, 7), (63, 9), (20, 5)]:
        Wp, Wm = W.copy(), W.copy()
        Wp[j, k] += h
        Wm[j, k] -= h
        fd = (prob.loss_and_grad(Wp, b, X, y)[0] - prob.loss_and_grad(Wm, b, X, y)[0]) / (2 * h)
        assert gW[j, k] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    for k in range(10):
        bp, bm = b.copy(), b.copy()
        bp[k] += h
        bm[k] -= h
        fd = (prob.loss_and_grad(W, bp, X, y)[0] - prob.loss_and_grad(W, bm, X, y)[0]) / (2 * h)
        assert gb[k] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_loss_is_stable_for_huge_logits(problem):
    W = np.zeros((64, 10))
    W[:, 0] = 1e4
    loss, gW, gb = problem.loss_and_grad(W, np.zeros(10), problem.X_test, problem.y_test)
    assert math.isfinite(loss) and np.all(np.isfinite(gW)) and np.all(np.isfinite(gb))


# ----------------------------------------------------------------- training


def test_train_records_the_schedule_and_learns(problem):
    res = problem.train(0.3, epochs=3, batch_size=32, seed=0)
    assert isinstance(res, TrainResult)
    spe = problem.steps_per_epoch(32)
    assert spe == math.ceil(1347 / 32)
    assert res.losses.shape == res.lrs.shape == (3 * spe,)
    np.testing.assert_array_equal(res.lrs, 0.3)
    assert res.epoch_accuracy.shape == (3,)
    assert res.final_accuracy == res.epoch_accuracy[-1] > 0.9
    assert res.losses[0] == pytest.approx(math.log(10), abs=0.1)
    assert res.losses[-spe:].mean() < 0.3
    assert not res.diverged and res.diverged_at is None


def test_train_uses_smith_triangular_schedule(problem):
    spe = problem.steps_per_epoch(32)
    lo, hi, step = 0.05, 0.2, spe

    def tri(t):
        return smith_triangular(t, lo, hi, step)

    res = problem.train(tri, epochs=4, batch_size=32, seed=1)
    expected = [smith_triangular(t, lo, hi, step) for t in range(4 * spe)]
    np.testing.assert_allclose(res.lrs, expected, rtol=1e-12)
    if Cyclic is not None:
        res2 = problem.train(Cyclic(lo, hi, step), epochs=4, batch_size=32, seed=1)
        np.testing.assert_allclose(res2.lrs, expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(res2.losses, res.losses, rtol=1e-9)


def test_train_is_reproducible_and_seed_dependent(problem):
    a = problem.train(0.1, epochs=1, seed=5)
    b = problem.train(0.1, epochs=1, seed=5)
    c = problem.train(0.1, epochs=1, seed=6)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, c.losses)


def test_divergence_is_flagged_not_nan(problem):
    res = problem.train(1e4, epochs=2, batch_size=32, seed=0)
    assert res.diverged and isinstance(res.diverged_at, int)
    assert np.all(np.isfinite(res.losses)) and np.all(np.isfinite(res.W))
    assert len(res.losses) == len(res.lrs) == res.diverged_at
    assert 0.0 <= res.final_accuracy <= 1.0


def test_range_test_on_digits(problem):
    res = range_test(problem.range_test_step_fn(0, 32), 1e-4, 10.0, 150)
    assert isinstance(res, RangeTestResult)
    assert res.losses[0] == pytest.approx(math.log(10), abs=0.1)
    assert res.smoothed.min() < 1.2  # the model learns during the sweep
    s = res.suggestions()
    assert 1e-3 < s["valley"] < s["min_div10"] < 5.0


def test_range_test_step_fn_stream_is_reproducible(problem):
    f, g = problem.range_test_step_fn(2, 16), problem.range_test_step_fn(2, 16)
    assert [f(0.1) for _ in range(100)] == [g(0.1) for _ in range(100)]  # > 1 pass of 84


def test_range_test_step_fn_reports_inf_after_overflow(problem):
    f = problem.range_test_step_fn(0, 32)
    f(1e308)
    f(1e308)
    assert f(1e308) == math.inf


# ----------------------------------------------------------------- the CLR recipe


@pytest.fixture(scope="module")
def recipe():
    return clr_vs_fixed()


def test_clr_vs_fixed_band_follows_the_documented_rule(recipe):
    assert isinstance(recipe, ClrVsFixedResult)
    rt = recipe.range_result
    n = rt.n_planned
    lrs, ys = rt.lrs[n // 10 : -5], rt.smoothed[n // 10 : -5]
    assert recipe.lr_high == suggest_min_div10(lrs, ys)
    assert recipe.lr_low == pytest.approx(recipe.lr_high / 4)
    assert recipe.fixed_lr == recipe.lr_high
    assert 0.05 < recipe.lr_high < 2.0


def test_clr_vs_fixed_compares_like_with_like(recipe, problem):
    spe = problem.steps_per_epoch(32)
    assert recipe.seeds == (0, 1, 2, 3, 4)
    assert recipe.n_steps == 8 * spe and recipe.step_size_up == 2 * spe
    assert recipe.n_steps % (2 * recipe.step_size_up) == 0  # ends at the end of a cycle
    assert recipe.clr_accuracy.shape == recipe.fixed_accuracy.shape == (5,)
    assert not recipe.clr_diverged.any() and not recipe.fixed_diverged.any()
    # both arms train well; a convex model leaves little room between them
    assert recipe.clr_mean > 0.94 and recipe.fixed_mean > 0.94
    assert abs(recipe.clr_mean - recipe.fixed_mean) < 0.02
    assert recipe.clr_std == pytest.approx(np.std(recipe.clr_accuracy, ddof=1))
    # a single CLR run reproduces the recipe's number
    sched = (
        Cyclic(recipe.lr_low, recipe.lr_high, recipe.step_size_up)
        if Cyclic
        else (lambda t: smith_triangular(t, recipe.lr_low, recipe.lr_high, recipe.step_size_up))
    )
    run = problem.train(sched, epochs=8, batch_size=32, seed=3)
    assert run.final_accuracy == pytest.approx(recipe.clr_accuracy[3], abs=1e-12)
    assert "triangular CLR" in recipe.summary()


def test_clr_vs_fixed_other_baselines():
    r = clr_vs_fixed(seeds=(0,), epochs=4, baseline="mean", range_n=100)
    assert r.fixed_lr == pytest.approx((r.lr_low + r.lr_high) / 2)
    assert r.clr_std == 0.0
    r = clr_vs_fixed(seeds=(0,), epochs=4, baseline="valley", range_n=100)
    assert r.fixed_lr == r.suggestions["valley"]
    r = clr_vs_fixed(seeds=(0,), epochs=4, baseline=0.123, range_n=100)
    assert r.fixed_lr == 0.123


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"test_size": 1.0}, ValueError, "test_size"),
        ({"test_size": 0.0}, ValueError, "test_size"),
        ({"l2": -0.1}, ValueError, "l2"),
        ({"l2": math.nan}, ValueError, "l2"),
    ],
)
def test_problem_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        DigitsProblem(**kwargs)


@pytest.mark.parametrize(
    ("schedule", "kwargs", "exc", "match"),
    [
        (0.1, {"epochs": 0}, ValueError, "epochs"),
        (0.1, {"batch_size": 0}, ValueError, "batch_size"),
        (0.1, {"seed": -3}, ValueError, "seed"),
        (0.1, {"max_loss": 0.0}, ValueError, "max_loss"),
        (-0.1, {}, ValueError, "schedule"),
        (math.inf, {}, ValueError, "schedule"),
        ("0.1", {}, TypeError, "schedule"),
        (lambda t: -1.0 if t == 7 else 0.1, {}, ValueError, r"schedule.*t=7"),
        (lambda t: math.nan, {}, ValueError, r"schedule.*t=0"),
        (lambda t: "fast", {}, TypeError, r"schedule.*t=0"),
    ],
)
def test_train_bad_input(problem, schedule, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        problem.train(schedule, epochs=kwargs.pop("epochs", 1), **kwargs)


def test_model_bad_input(problem):
    W, b = problem.init_params(0)
    with pytest.raises(ValueError, match="W must have shape"):
        problem.loss_and_grad(W[:3], b, problem.X_test, problem.y_test)
    with pytest.raises(ValueError, match="b must have shape"):
        problem.loss_and_grad(W, b[:3], problem.X_test, problem.y_test)
    with pytest.raises(ValueError, match="X must have shape"):
        problem.loss_and_grad(W, b, problem.X_test[:, :5], problem.y_test)
    with pytest.raises(ValueError, match="class labels"):
        problem.loss_and_grad(W, b, problem.X_test[:2], np.array([0, 10]))
    with pytest.raises(ValueError, match="seed"):
        problem.init_params(-1)
    with pytest.raises(ValueError, match="scale"):
        problem.init_params(0, scale=-1.0)
    with pytest.raises(ValueError, match="batch_size"):
        problem.range_test_step_fn(0, 0)
    with pytest.raises(ValueError, match="batch_size"):
        problem.range_test_step_fn(0, 10_000)
    with pytest.raises(ValueError, match="lr"):
        problem.range_test_step_fn(0, 8)(-1.0)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"seeds": ()}, ValueError, "seeds"),
        ({"seeds": (0, -1)}, ValueError, r"seeds\[1\]"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"base_ratio": 1.0}, ValueError, "base_ratio"),
        ({"baseline": "best"}, ValueError, "baseline"),
        ({"baseline": -0.1}, ValueError, "baseline"),
        ({"step_size_epochs": 0}, ValueError, "step_size_epochs"),
        ({"range_lr_min": 1.0, "range_lr_max": 0.1}, ValueError, "lr_min"),
        ({"range_n": 1}, ValueError, "n"),
        ({"range_seed": -1}, ValueError, "range_seed"),
    ],
)
def test_clr_vs_fixed_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        clr_vs_fixed(**kwargs)
