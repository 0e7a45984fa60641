"""Tests for lrsched.sklearn_schedules against closed forms and scikit-learn itself.

Agreement with ``SGDRegressor`` is checked as a relative error
``max|coef_numpy - coef_sklearn| / max|coef_sklearn| <= 1e-8`` (same for the
intercept, relative to ``max(1, |intercept|)``); in practice it is ~1e-15.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sklearn  # a hard dependency of lrsched (pyproject): a missing one must fail, not skip
from sklearn.datasets import make_regression
from sklearn.linear_model import SGDRegressor
from sklearn.preprocessing import StandardScaler

from lrsched.base import Schedule
from lrsched.sklearn_schedules import (
    OptimalBlowup,
    SklearnAdaptive,
    SklearnConstant,
    SklearnInvScaling,
    SklearnOptimal,
    explain_optimal_blowup,
    sgd_regressor_numpy,
    sklearn_schedule,
)

SK_VERSION = tuple(int(p) for p in sklearn.__version__.split(".")[:2])


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(n_samples=40, n_features=3, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y


def close(a, b):
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def fit_sklearn(X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning for short runs
        return SGDRegressor(shuffle=False, random_state=0, **kw).fit(X, y)


# ----------------------------------------------------------------- schedules


def test_optimal_closed_form_default_alpha():
    s = SklearnOptimal(1e-4)
    assert s.eta_first == pytest.approx(10.0, rel=1e-15)  # alpha^(-1/4)
    assert s.t0 == pytest.approx(1000.0, rel=1e-12)  # alpha^(-3/4)
    t = np.arange(0, 100_000, 997)
    np.testing.assert_allclose(s(t), 1e4 / (1000.0 + t), rtol=1e-13)
    assert s(0) == pytest.approx(10.0)
    assert s.bounds == (0.0, s.eta_first)


@pytest.mark.parametrize("alpha", [1e-6, 1e-3, 0.1, 2.0])
def test_optimal_first_rate_is_alpha_to_minus_quarter(alpha):
    s = SklearnOptimal(alpha)
    assert s(0) == pytest.approx(alpha**-0.25, rel=1e-12)
    assert s.t0 == pytest.approx(alpha**-0.75, rel=1e-12)


def test_invscaling_and_constant_closed_forms():
    s = SklearnInvScaling(0.1, 0.5)
    t = np.arange(50)
    np.testing.assert_allclose(s(t), 0.1 / np.sqrt(t + 1.0), rtol=1e-15)  # counter s = t + 1
    assert s(0) == 0.1 and s.bounds == (0.0, 0.1)
    assert SklearnInvScaling(0.1, 0.0).bounds == (0.1, 0.1)
    c = SklearnConstant(0.02)
    np.testing.assert_array_equal(c(t), 0.02)
    assert isinstance(c, Schedule) and "eta0=0.02" in repr(c)


def test_sklearn_schedule_factory():
    assert isinstance(sklearn_schedule("constant", eta0=0.1), SklearnConstant)
    assert isinstance(sklearn_schedule("invscaling"), SklearnInvScaling)
    assert sklearn_schedule("optimal", alpha=1e-2).alpha == 1e-2
    with pytest.raises(ValueError, match="learning_rate"):
        sklearn_schedule("adaptive")


def test_adaptive_object_divides_by_five_and_stops():
    a = SklearnAdaptive(0.1, tol=1e-3, n_iter_no_change=2, rule="objective")
    assert a(0) == 0.1 and a(np.arange(3)).tolist() == [0.1] * 3
    assert a.end_epoch(1.0) is False  # first epoch: improvement from inf
    assert a.end_epoch(0.9995) is False and a.eta == 0.1  # < tol improvement: count 1
    assert a.end_epoch(0.9995) is False and a.eta == pytest.approx(0.02)  # count 2 -> /5
    assert a.no_improvement_count == 0
    for _ in range(40):
        if a.end_epoch(0.9995):
            break
    assert a.eta <= 1e-6 and a.eta_history[-1] == a.eta
    # divides while eta > 1e-6: 0.1/5^7 = 1.28e-6 is still above, so one more division
    assert a.eta == pytest.approx(0.1 / 5**8)
    a.reset()
    assert a.eta == 0.1 and a.best == math.inf


def test_adaptive_legacy_rule_uses_summed_loss():
    a = SklearnAdaptive(0.1, tol=1e-3, n_iter_no_change=1, rule="loss", n_samples=100)
    a.end_epoch(50.0)
    a.end_epoch(49.95)  # improvement 0.05 < tol * n = 0.1 -> plateau
    assert a.eta == pytest.approx(0.02)
    b = SklearnAdaptive(0.1, tol=None, n_iter_no_change=1)
    for v in (1.0, 1.0, 1.0):
        assert b.end_epoch(v) is False
    assert b.eta == 0.1


def test_adaptive_auto_rule_follows_installed_version():
    assert SklearnAdaptive(0.1).rule == ("objective" if SK_VERSION >= (1, 8) else "loss")


# ----------------------------------------------------------------- NumPy loop vs sklearn


CASES = {
    "constant": dict(learning_rate="constant", eta0=0.01),
    "invscaling": dict(learning_rate="invscaling", eta0=0.05, power_t=0.3),
    "invscaling_no_penalty": dict(learning_rate="invscaling", eta0=0.05, penalty=None),
    "optimal": dict(learning_rate="optimal", alpha=0.1),
    "adaptive": dict(learning_rate="adaptive", eta0=0.05),
}


@pytest.mark.parametrize("name", list(CASES))
def test_numpy_loop_reproduces_sgdregressor(data, name):
    X, y = data
    kw = CASES[name]
    m = fit_sklearn(X, y, max_iter=7, tol=None, **kw)
    r = sgd_regressor_numpy(X, y, epochs=7, tol=None, **kw)
    assert close(r.coef_, m.coef_) <= 1e-8
    assert close(r.intercept_, m.intercept_[0]) <= 1e-8
    assert r.t_ == m.t_ == 1 + 7 * 40
    assert r.n_iter_ == m.n_iter_ == 7
    assert r.etas.shape == (7 * 40,)


@pytest.mark.parametrize(("tol", "n_iter_no_change"), [(1e-3, 2), (1e-2, 3), (10.0, 1)])
def test_adaptive_with_plateaus_matches_sklearn(data, tol, n_iter_no_change):
    X, y = data
    kw = dict(learning_rate="adaptive", eta0=0.05, tol=tol, n_iter_no_change=n_iter_no_change)
    m = fit_sklearn(X, y, max_iter=60, **kw)
    r = sgd_regressor_numpy(X, y, epochs=60, **kw)
    assert r.n_iter_ == m.n_iter_
    assert r.t_ == m.t_
    assert close(r.coef_, m.coef_) <= 1e-8
    assert close(r.intercept_, m.intercept_[0]) <= 1e-8
    # the division by 5 really happened, in whole factors of 5
    rates = np.unique(r.etas)
    assert rates.size > 1
    np.testing.assert_allclose(np.sort(0.05 / rates), 5.0 ** np.arange(rates.size), rtol=1e-12)


@pytest.mark.parametrize(
    ("lr", "tol"), [("constant", 1e-3), ("invscaling", 1e-3), ("optimal", 1e-2)]
)
def test_plateau_rule_stops_non_adaptive_like_sklearn(data, lr, tol):
    X, y = data
    kw = dict(learning_rate=lr, eta0=0.01, alpha=0.1, tol=tol, n_iter_no_change=3)
    m = fit_sklearn(X, y, max_iter=200, **kw)
    r = sgd_regressor_numpy(X, y, epochs=200, **kw)
    assert r.n_iter_ == m.n_iter_ < 200 and r.converged
    assert close(r.coef_, m.coef_) <= 1e-8


def test_partial_fit_continues_the_counter(data):
    X, y = data
    m = SGDRegressor(learning_rate="invscaling", eta0=0.05, shuffle=False, random_state=0)
    m.partial_fit(X, y)
    coef1, b1 = m.coef_.copy(), float(m.intercept_[0])
    m.partial_fit(X, y)
    r = sgd_regressor_numpy(
        X,
        y,
        learning_rate="invscaling",
        eta0=0.05,
        epochs=1,
        tol=None,
        coef_init=coef1,
        intercept_init=b1,
        t_start=41.0,
    )
    assert m.t_ == r.t_ == 81.0
    assert close(r.coef_, m.coef_) <= 1e-8


def test_warm_start_fit_resets_the_counter(data):
    X, y = data
    m = SGDRegressor(
        learning_rate="optimal",
        alpha=0.1,
        max_iter=1,
        tol=None,
        warm_start=True,
        shuffle=False,
        random_state=0,
    )
    m.fit(X, y)
    coef1, b1 = m.coef_.copy(), float(m.intercept_[0])
    m.fit(X, y)
    assert m.t_ == 41.0  # not 81: fit restarts the schedule
    r = sgd_regressor_numpy(
        X,
        y,
        learning_rate="optimal",
        alpha=0.1,
        epochs=1,
        tol=None,
        coef_init=coef1,
        intercept_init=b1,
    )
    assert close(r.coef_, m.coef_) <= 1e-8


def test_numpy_loop_accepts_any_schedule(data):
    X, y = data
    r1 = sgd_regressor_numpy(X, y, learning_rate=SklearnConstant(0.01), epochs=3, tol=None)
    r2 = sgd_regressor_numpy(X, y, learning_rate=lambda t: 0.01, epochs=3, tol=None)
    r3 = sgd_regressor_numpy(X, y, learning_rate="constant", eta0=0.01, epochs=3, tol=None)
    np.testing.assert_array_equal(r1.coef_, r3.coef_)
    np.testing.assert_array_equal(r2.coef_, r3.coef_)


def test_numpy_loop_counts_clipping_like_sklearn(data):
    X, y = data
    # eta * alpha > 1 zeroes w before every step; residuals beyond 1e12 get clipped
    kw = dict(learning_rate="constant", eta0=1e10, tol=None)
    m = fit_sklearn(X, y, max_iter=3, **kw)
    r = sgd_regressor_numpy(X, y, epochs=3, **kw)
    assert r.n_clipped > 0 and not r.diverged
    assert close(r.coef_, m.coef_) <= 1e-8


def test_numpy_loop_flags_overflow_where_sklearn_raises(data):
    X, y = data
    with pytest.raises(ValueError, match="overflow occurred at epoch #1"):
        fit_sklearn(X, y, max_iter=20, tol=None, learning_rate="constant", eta0=1e300)
    r = sgd_regressor_numpy(X, y, learning_rate="constant", eta0=1e300, epochs=20, tol=None)
    assert r.diverged and r.n_iter_ == 1


# ----------------------------------------------------------------- the seed's 'optimal' curve


@pytest.fixture(scope="module")
def blowup():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = explain_optimal_blowup()
    assert caught == []  # nothing escapes
    return result


def seed_cell_optimal_mse(n_fits):
    """The seed chapter's cell, 'optimal (sklearn)' row only, verbatim in logic."""
    X, y = make_regression(n_samples=500, n_features=10, noise=25.0, random_state=42)
    X = StandardScaler().fit_transform(X)
    model = SGDRegressor(
        max_iter=1, tol=None, warm_start=True, random_state=42, learning_rate="optimal"
    )
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(n_fits):
            model.fit(X, y)
            losses.append(np.mean((model.predict(X) - y) ** 2))
    return X, y, np.array(losses)


def test_blowup_rates_against_closed_forms(blowup):
    assert isinstance(blowup, OptimalBlowup)
    assert blowup.eta_first == pytest.approx(1e-4**-0.25) == pytest.approx(10.0)
    assert blowup.t0 == pytest.approx(1000.0)
    assert blowup.eta_last == pytest.approx(1e4 / (1000.0 + 499))  # s = 500


def test_blowup_norms_and_counts_against_independent_computation(blowup):
    X, _, _ = seed_cell_optimal_mse(1)
    sq = (X**2).sum(axis=1)
    assert blowup.median_sq_norm == pytest.approx(np.median(sq), rel=1e-12)
    assert blowup.median_sq_norm == pytest.approx(10.0, abs=1.5)  # ~ n_features
    assert blowup.min_sq_norm == pytest.approx(sq.min())
    # one update multiplies the residual by 1 - eta (|x|^2 + 1): the +1 is the intercept's
    assert blowup.stability_limit == pytest.approx(2 / (np.median(sq) + 1))
    # every update of every fit overshoots: even the smallest row at the smallest rate
    assert (1e4 / 1499) * (sq.min() + 1) > 2
    assert blowup.n_updates == blowup.n_unstable_updates == 80 * 500
    # eta_s = 1e4 / (999 + s) < 2 / (median + 1)  <=>  s > 5000 (median + 1) - 999
    s_star = math.floor(5000 * (np.median(sq) + 1) - 999) + 1
    assert blowup.t_stable == s_star
    assert 1e4 / (999 + s_star) < 2 / (np.median(sq) + 1) <= 1e4 / (999 + s_star - 1)
    assert blowup.t_stable > 500  # never reached inside one fit
    assert blowup.epochs_to_stable == math.ceil(s_star / 500)


def test_blowup_mse_is_sklearns_own(blowup):
    _, y, mse = seed_cell_optimal_mse(80)
    np.testing.assert_array_equal(blowup.mse, mse)
    assert np.all(blowup.t_after_fit == 501.0)  # warm_start does not carry t_ over
    assert blowup.mse.min() > 1e6 * np.var(y)  # exploded from the first epoch on
    assert blowup.mse_baseline == pytest.approx(np.var(y))
    # residuals beyond 1e12: the derivative is clipped, so the MSE plateaus, no overflow
    assert np.all(blowup.max_abs_residual > 1e12)
    assert blowup.overflow_epoch is None
    assert "unstable updates: 40000 of 40000" in blowup.summary()


def test_the_other_seed_schedules_do_not_explode():
    X, y = make_regression(n_samples=500, n_features=10, noise=25.0, random_state=42)
    X = StandardScaler().fit_transform(X)
    m = SGDRegressor(
        learning_rate="constant", eta0=0.01, max_iter=1, tol=None, warm_start=True, random_state=42
    )
    for _ in range(5):
        m.fit(X, y)
    assert np.mean((m.predict(X) - y) ** 2) < 2 * 25.0**2  # near the noise floor


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("cls", "kwargs", "exc", "match"),
    [
        (SklearnConstant, {"eta0": 0.0}, ValueError, "eta0"),
        (SklearnConstant, {"eta0": math.nan}, ValueError, "eta0"),
        (SklearnInvScaling, {"eta0": -1.0}, ValueError, "eta0"),
        (SklearnInvScaling, {"power_t": -0.5}, ValueError, "power_t"),
        (SklearnInvScaling, {"power_t": math.inf}, ValueError, "power_t"),
        (SklearnOptimal, {"alpha": 0.0}, ValueError, "alpha"),
        (SklearnOptimal, {"alpha": "1e-4"}, TypeError, "alpha"),
        (SklearnAdaptive, {"eta0": 0.0}, ValueError, "eta0"),
        (SklearnAdaptive, {"tol": -1.0}, ValueError, "tol"),
        (SklearnAdaptive, {"n_iter_no_change": 0}, ValueError, "n_iter_no_change"),
        (SklearnAdaptive, {"rule": "score"}, ValueError, "rule"),
        (SklearnAdaptive, {"n_samples": 0}, ValueError, "n_samples"),
    ],
)
def test_schedule_bad_input(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(**kwargs)


def test_schedule_bad_steps():
    with pytest.raises(ValueError, match="t"):
        SklearnOptimal()(-1)
    with pytest.raises(TypeError, match="t"):
        SklearnInvScaling()(0.5)
    with pytest.raises(ValueError, match="value"):
        SklearnAdaptive().end_epoch(math.nan)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"learning_rate": "pa1"}, ValueError, "learning_rate"),
        ({"eta0": 0.0}, ValueError, "eta0"),
        ({"power_t": -1.0}, ValueError, "power_t"),
        ({"alpha": -1e-4}, ValueError, "alpha"),
        ({"penalty": "l1"}, ValueError, "penalty"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"tol": -0.1}, ValueError, "tol"),
        ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change"),
        ({"fit_intercept": 1}, TypeError, "fit_intercept"),
        ({"t_start": 0.5}, ValueError, "t_start"),
        ({"coef_init": [1.0, 2.0]}, ValueError, "coef_init"),
        ({"intercept_init": math.inf}, ValueError, "intercept_init"),
        ({"rule": "best"}, ValueError, "rule"),
        ({"learning_rate": lambda t: -1.0}, ValueError, r"learning_rate.*t=0"),
    ],
)
def test_numpy_loop_bad_input(data, kwargs, exc, match):
    X, y = data
    with pytest.raises(exc, match=match):
        sgd_regressor_numpy(X, y, epochs=kwargs.pop("epochs", 1), **kwargs)


def test_numpy_loop_bad_arrays(data):
    X, y = data
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="X"):
        sgd_regressor_numpy(Xn, y)
    with pytest.raises(ValueError, match="y"):
        sgd_regressor_numpy(X, y[:-1])
    with pytest.raises(ValueError, match="X must be 2-D"):
        sgd_regressor_numpy(X[:, 0], y)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_epochs": 0}, "n_epochs"),
        ({"alpha": 0.0}, "alpha"),
        ({"noise": -1.0}, "noise"),
        ({"random_state": -1}, "random_state"),
        ({"n_samples": 0}, "n_samples"),
    ],
)
def test_blowup_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        explain_optimal_blowup(**kwargs)


# --- pinned edges the mutation run found untested ------------------------------------------


def test_adaptive_plateau_counts_only_strictly_above_best_minus_tol():
    # _plain_sgd: "if objective > best_objective - tol: no_improvement_count += 1"
    # (values chosen exact in binary: 1.0 - 0.25 == 0.75 with no rounding)
    a = SklearnAdaptive(1.0, tol=0.25, n_iter_no_change=1, rule="objective")
    assert a.end_epoch(1.0) is False and a.eta == 1.0  # first epoch: best = 1.0
    assert a.end_epoch(0.75) is False and a.eta == 1.0  # exactly best - tol: improvement
    assert a.no_improvement_count == 0
    a.end_epoch(math.nextafter(0.5, 1.0))  # just above best - tol = 0.5: a plateau
    assert a.eta == 0.2
    # the summed-loss rule of scikit-learn <= 1.7 scales tol by n_samples
    b = SklearnAdaptive(1.0, tol=0.125, n_iter_no_change=1, rule="loss", n_samples=4)
    b.end_epoch(2.0)
    b.end_epoch(1.5)  # exactly 2.0 - 0.125 * 4: improvement
    assert b.eta == 1.0 and b.no_improvement_count == 0
    b.end_epoch(math.nextafter(1.0, 2.0))
    assert b.eta == 0.2
