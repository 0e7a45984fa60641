"""lrsched.sample_stability: the per-sample bound eta (|x|^2 + 1) < 2 of scikit-learn's
squared-loss update, checked on one update of lrsched's replica, on the error norm over
whole epochs, and on scikit-learn's own SGDRegressor on either side of the bound."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import lrsched as ls
from lrsched.sample_stability import residual_factor, sample_rate_limit, sphere_regression

from .test_hostile_inputs import HOSTILE, expect_ok_or_clean


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("eta", [0.01, 0.15, 0.5])
def test_one_update_multiplies_the_residual_by_the_factor(eta, fit_intercept):
    data = sphere_regression(5, 4, sq_norm=3.0, noise=1.0, seed=1)
    x, y = data.X[:1], data.y[:1]
    w0, b0 = np.array([0.3, -0.2, 0.1, 0.5]), 0.25
    r0 = float(x[0] @ w0 + b0 - y[0])
    out = ls.sgd_regressor_numpy(x, y, learning_rate="constant", eta0=eta, penalty=None,
                                 epochs=1, tol=None, fit_intercept=fit_intercept,
                                 coef_init=w0, intercept_init=b0, rule="objective")  # fmt: skip
    r1 = float(x[0] @ out.coef_ + out.intercept_ - y[0])
    factor = residual_factor(eta, 3.0, fit_intercept=fit_intercept)
    assert r1 == pytest.approx(factor * r0, rel=1e-12)
    assert factor == 1 - eta * (3.0 + (1.0 if fit_intercept else 0.0))


def test_the_limit_is_where_the_factor_reaches_minus_one():
    for q in (0.1, 1.0, 10.0, 999.0):
        limit = sample_rate_limit(q)
        assert limit == 2.0 / (q + 1.0)
        assert residual_factor(limit, q) == pytest.approx(-1.0, abs=1e-15)
        assert sample_rate_limit(q, fit_intercept=False) == 2.0 / q
    assert sample_rate_limit(0.0) == 2.0  # the intercept alone
    with pytest.raises(ValueError, match="sq_norm"):
        sample_rate_limit(0.0, fit_intercept=False)


def error_norms(data, eta, epochs):
    """||(w, b) - (w*, b*)|| after each epoch of lrsched's replica (no noise, no penalty)."""
    w, b, s, out = np.zeros(data.X.shape[1]), 0.0, 1.0, []
    for _ in range(epochs):
        res = ls.sgd_regressor_numpy(data.X, data.y, learning_rate="constant", eta0=eta,
                                     penalty=None, epochs=1, tol=None, coef_init=w,
                                     intercept_init=b, t_start=s, rule="objective")  # fmt: skip
        w, b, s = res.coef_, res.intercept_, res.t_
        out.append(math.hypot(float(np.linalg.norm(w - data.coef)), b - data.intercept))
    return np.array(out)


@pytest.mark.parametrize("q", [2.0, 10.0, 50.0])
def test_below_the_bound_the_error_never_grows_above_it_it_does(q):
    data = sphere_regression(30, 5, sq_norm=q, noise=0.0, seed=2)  # a consistent system
    np.testing.assert_allclose(data.X @ data.coef + data.intercept, data.y, rtol=1e-12,
                               atol=1e-12)  # fmt: skip
    limit = sample_rate_limit(q)
    below = error_norms(data, 0.97 * limit, 8)
    above = error_norms(data, 1.03 * limit, 8)
    assert np.all(np.diff(below) <= 1e-12) and below[-1] < below[0]
    assert np.all(np.diff(above) > 0) and above[-1] > 1.5 * above[0]


@pytest.mark.parametrize("q", [3.0, 10.0])
def test_scikit_learn_itself_is_stable_below_the_bound_and_blows_up_above(q):
    from sklearn.linear_model import SGDRegressor

    data = sphere_regression(50, 10, sq_norm=q, noise=0.5, seed=0)
    limit = sample_rate_limit(q)
    mse = {}
    for name, eta in (("below", 0.95 * limit), ("above", 1.05 * limit)):
        model = SGDRegressor(learning_rate="constant", eta0=eta, alpha=1e-12, max_iter=30,
                             tol=None, shuffle=False)  # fmt: skip
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            model.fit(data.X, data.y)
        mse[name] = float(np.mean((model.predict(data.X) - data.y) ** 2))
    start = float(np.mean(data.y**2))  # the MSE of the zero weights it starts from
    # 5 % below: noisy (a constant rate near its limit has a high noise floor) but below
    # the start; 5 % above: more than a billion times the start after 1,500 updates
    assert mse["below"] < 0.5 * start
    assert mse["above"] > 1e9 * start


def test_sphere_regression_rows_and_targets():
    a = sphere_regression(40, 7, sq_norm=4.0, noise=0.0, seed=3)
    b = sphere_regression(40, 7, sq_norm=400.0, noise=0.0, seed=3)
    np.testing.assert_allclose(np.einsum("ij,ij->i", a.X, a.X), 4.0, rtol=1e-13)
    np.testing.assert_allclose(np.einsum("ij,ij->i", b.X, b.X), 400.0, rtol=1e-13)
    np.testing.assert_array_equal(a.y, b.y)  # only the features are rescaled
    np.testing.assert_allclose(b.X, 10.0 * a.X, rtol=1e-15)
    np.testing.assert_allclose(a.X @ a.coef + a.intercept, a.y, rtol=1e-12, atol=1e-12)
    noisy = sphere_regression(2000, 3, sq_norm=1.0, noise=0.5, seed=4)
    resid = noisy.y - noisy.X @ noisy.coef - noisy.intercept
    # the noise: mean 0 and standard deviation 0.5, within 4 standard errors
    assert abs(resid.mean()) < 4 * 0.5 / math.sqrt(2000)
    assert abs(resid.std(ddof=1) - 0.5) < 4 * 0.5 / math.sqrt(2 * 2000)


def test_hostile_arguments_give_a_finite_value_or_a_named_error():
    calls = {
        "sq_norm": lambda v: sample_rate_limit(v),
        "fit_intercept": lambda v: sample_rate_limit(1.0, fit_intercept=v),
        "eta": lambda v: residual_factor(v, 10.0),
        "factor:sq_norm": lambda v: residual_factor(0.1, v),
        "n_samples": lambda v: sphere_regression(v, 3, seed=0),
        "n_features": lambda v: sphere_regression(5, v, seed=0),
        "data:sq_norm": lambda v: sphere_regression(5, 3, sq_norm=v),
        "noise": lambda v: sphere_regression(5, 3, noise=v),
        "seed": lambda v: sphere_regression(5, 3, seed=v),
    }
    for key, call in calls.items():
        name = key.split(":")[-1]
        for value in HOSTILE:
            got = expect_ok_or_clean(lambda c=call, v=value: c(v), (name,))
            if got is None:
                continue
            parts = got if isinstance(got, tuple) else (got,)
            for part in parts:
                arr = np.asarray(part, dtype=float)
                assert arr.size and np.isfinite(arr).all(), (key, value)
