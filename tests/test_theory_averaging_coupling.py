"""Exact theory of the averaged iterate, heavy-ball momentum and the batch size.

Each formula is checked against an independent computation: an explicit O(T²) covariance
sum or a Lyapunov solve, and Monte Carlo runs written out here (the mean within a few
standard errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrsched as ls
from lrsched.averaging import averaging_weights, expected_loss_averaged
from lrsched.coupling import (
    effective_rate,
    minibatch_sigma,
    momentum_expected_loss,
    momentum_noise_floor,
)

Z = 4.5  # Monte Carlo tolerance in standard errors (a correct formula fails ~1 in 10^5)


def _covariance_average(alphas, w, e0, sigma, lam):
    """E J of sum_k w_k e_k from the full covariance matrix of (e_0..e_T): O(T^2)."""
    T = len(alphas)
    f = 1.0 - lam * np.asarray(alphas)
    # e_k = P(0,k) e0 - sigma sum_{s<k} alpha_s P(s+1,k) xi_s  -> coefficient matrix
    coef = np.zeros((T + 1, T))
    mean = np.zeros(T + 1)
    for k in range(T + 1):
        mean[k] = e0 * np.prod(f[:k])
        for s in range(k):
            coef[k, s] = -sigma * alphas[s] * np.prod(f[s + 1 : k])
    cov = coef @ coef.T
    m = w @ mean
    return 0.5 * lam * (m * m + w @ cov @ w)


@pytest.mark.parametrize(
    ("alphas", "kind", "start", "decay", "theta0", "lam"),
    [
        (np.full(30, 0.2), "uniform", 0, 0.9, 0.0, 2.0),
        (np.full(30, 0.2), "uniform", 12, 0.9, 0.0, 2.0),
        (np.linspace(0.4, 0.01, 25), "ema", 0, 0.8, 1.0, 2.0),
        (np.linspace(0.4, 0.01, 25), "ema", 5, 0.5, -2.0, 0.7),
        (0.3 / np.arange(1, 41), "uniform", 20, 0.9, 0.0, 3.0),
        (np.full(20, 0.9), "uniform", 3, 0.9, 0.0, 2.0),  # f < 0: oscillating products
    ],
)
def test_averaged_loss_equals_the_covariance_sum(alphas, kind, start, decay, theta0, lam):
    T = len(alphas)
    w = averaging_weights(T, kind=kind, start=start, decay=decay)
    got = expected_loss_averaged(alphas, w, T=T, theta0=theta0, sigma=0.3, curvature=lam)
    want = _covariance_average(alphas, w, theta0 - 3.0, 0.3, lam)
    assert math.isclose(got.total, want, rel_tol=1e-11)


def test_averaged_loss_with_the_last_iterate_only_is_the_expected_loss():
    s = ls.Cosine(0.3, T=100, lr_min=1e-4)
    w = np.zeros(101)
    w[-1] = 1.0
    got = expected_loss_averaged(s, w, T=100)
    assert math.isclose(got.total, ls.expected_loss(s, T=100)[-1], rel_tol=1e-13)
    parts = ls.expected_loss_parts(s, T=100)
    assert math.isclose(got.bias, parts.bias[-1], rel_tol=1e-12, abs_tol=1e-300)


def test_ema_weights_are_the_ema_recursion():
    rng = np.random.default_rng(3)
    x = rng.normal(size=41)
    for start, gamma in ((0, 0.9), (7, 0.5), (40, 0.99), (0, 0.0)):
        avg = x[start]
        for k in range(start + 1, 41):
            avg = gamma * avg + (1 - gamma) * x[k]
        w = averaging_weights(40, kind="ema", start=start, decay=gamma)
        assert math.isclose(w @ x, avg, rel_tol=1e-12, abs_tol=1e-14)
        assert math.isclose(math.fsum(w), 1.0, rel_tol=1e-12)
    w = averaging_weights(40, start=10)
    assert np.all(w[:10] == 0) and np.allclose(w[10:], 1 / 31)


@pytest.mark.parametrize(
    ("alphas", "kind", "start"),
    [(np.full(40, 0.3), "uniform", 10), (0.25 / np.arange(1, 41), "ema", 0)],
)
def test_averaged_loss_matches_monte_carlo(alphas, kind, start):
    T, n, sigma = 40, 40_000, 0.3
    rng = np.random.default_rng(11)
    theta = np.zeros(n)
    w = averaging_weights(T, kind=kind, start=start, decay=0.9)
    avg = w[0] * theta
    for t in range(T):
        theta = theta - alphas[t] * (2.0 * (theta - 3.0) + sigma * rng.standard_normal(n))
        avg = avg + w[t + 1] * theta
    losses = (avg - 3.0) ** 2
    exact = expected_loss_averaged(alphas, w, T=T).total
    se = losses.std(ddof=1) / math.sqrt(n)
    assert abs(losses.mean() - exact) <= Z * se, (losses.mean(), exact, se)


def test_averaging_rescues_a_long_step_but_not_a_mis_set_1_over_t():
    """The chapter's claims: 1/t with a = 0.25 ends ~41x the cosine; tail-averaging helps."""
    T = 100
    cos = ls.expected_loss(ls.Cosine(0.3, T=T, lr_min=1e-4), T=T)[-1]
    slow = ls.expected_loss(0.25 / np.arange(1, T + 1), T=T)[-1]
    assert 40 < slow / cos < 42
    tail = averaging_weights(T, start=25)
    averaged = expected_loss_averaged(np.full(T, 0.3), tail, T=T).total
    assert averaged < 0.5 * cos


def _mc_momentum(alphas, mu, n, seed, theta0=0.0, sigma=0.3, lam=2.0):
    rng = np.random.default_rng(seed)
    theta, buf = np.full(n, theta0), np.zeros(n)
    for a in alphas:
        g = lam * (theta - 3.0) + sigma * rng.standard_normal(n)
        buf = mu * buf + g
        theta = theta - a * buf
    return 0.5 * lam * (theta - 3.0) ** 2


@pytest.mark.parametrize(
    ("alphas", "mu"),
    [(np.full(60, 0.02), 0.9), (np.linspace(0.05, 0.001, 60), 0.5), (np.full(60, 0.3), 0.3)],
)
def test_momentum_expected_loss_matches_monte_carlo(alphas, mu):
    losses = _mc_momentum(alphas, mu, 40_000, 5)
    exact = momentum_expected_loss(alphas, T=len(alphas), momentum=mu)[-1]
    se = losses.std(ddof=1) / math.sqrt(losses.size)
    assert abs(losses.mean() - exact) <= Z * se, (losses.mean(), exact, se)


def test_momentum_expected_loss_matches_the_package_simulator():
    sim = ls.simulate_quadratic(
        {"c": ls.Constant(0.02)}, T=80, n_seeds=20_000, seed=1, optimizer="momentum", momentum=0.9
    )
    exact = momentum_expected_loss(np.full(80, 0.02), T=80, momentum=0.9)[-1]
    final = sim.final_loss[:, 0]
    assert abs(final.mean() - exact) <= Z * final.std(ddof=1) / math.sqrt(final.size)


def test_zero_momentum_is_plain_sgd():
    s = ls.Cosine(0.3, T=50, lr_min=1e-4)
    got = momentum_expected_loss(s, T=50, momentum=0.0, theta0=1.0, curvature=1.5)
    want = ls.expected_loss(s, T=50, theta0=1.0, curvature=1.5)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert momentum_noise_floor(0.3, momentum=0.0) == ls.noise_floor(0.3)


@pytest.mark.parametrize(
    ("alpha", "mu", "lam"), [(0.05, 0.9, 2.0), (0.5, 0.5, 2.0), (1.0, 0.0, 1.0)]
)
def test_momentum_floor_is_the_lyapunov_solution_and_the_long_run_limit(alpha, mu, lam):
    A = np.array([[1 - alpha * lam, -alpha * mu], [lam, mu]])
    n = np.array([-alpha * 0.3, 0.3])
    M = np.linalg.solve(np.eye(4) - np.kron(A, A), np.outer(n, n).ravel()).reshape(2, 2)
    floor = momentum_noise_floor(alpha, momentum=mu, curvature=lam)
    assert math.isclose(floor, 0.5 * lam * M[0, 0], rel_tol=1e-10)
    long_run = momentum_expected_loss(np.full(4000, alpha), T=4000, momentum=mu, curvature=lam)
    assert math.isclose(long_run[-1], floor, rel_tol=1e-9)


def test_momentum_floor_matches_sgd_at_the_effective_rate_to_first_order():
    for mu in (0.5, 0.9, 0.99):
        gaps = []
        for alpha in (1e-3, 1e-4, 1e-5):
            a_eff = effective_rate(alpha, mu)
            ratio = momentum_noise_floor(alpha, momentum=mu) / ls.noise_floor(a_eff)
            gaps.append(abs(1 - ratio))
        # the relative gap is O(alpha): it shrinks tenfold with alpha
        assert gaps[1] < 0.11 * gaps[0] and gaps[2] < 0.11 * gaps[1]
        assert gaps[2] < 1e-3


def test_momentum_stability_limit_is_2_1_plus_mu_over_lambda():
    assert momentum_noise_floor(1.89, momentum=0.9) > 0  # 1.89 < 1.9 = 2(1 + 0.9)/2
    with pytest.raises(ValueError, match="momentum"):
        momentum_noise_floor(1.95, momentum=0.9)
    with pytest.raises(ValueError, match="momentum"):
        momentum_noise_floor(1.5, momentum=0.5)  # exactly 2(1 + 0.5)/2
    stable = momentum_expected_loss(np.full(20_000, 1.89), T=20_000, momentum=0.9)
    assert math.isclose(stable[-1], momentum_noise_floor(1.89, momentum=0.9), rel_tol=1e-6)
    with pytest.raises(ValueError, match="unstable"):
        momentum_expected_loss(np.full(20_000, 1.95), T=20_000, momentum=0.9)
    curve = momentum_expected_loss(np.full(20_000, 1.95), T=20_000, momentum=0.9, overflow="inf")
    assert np.isinf(curve[-1]) and not np.isnan(curve).any()


def test_effective_rate():
    assert effective_rate(0.01, 0.9) == pytest.approx(0.1, rel=1e-15)
    assert effective_rate(0.3, 0.0) == 0.3
    with pytest.raises(ValueError, match="effective rate"):
        effective_rate(1e308, 0.99)


def test_minibatch_sigma_is_the_spread_of_a_mean_of_b_draws():
    rng = np.random.default_rng(2)
    for B in (1, 4, 32):
        means = (0.3 * rng.standard_normal((50_000, B))).mean(axis=1)
        sd = means.std(ddof=1)
        # the sample sd of 50,000 normals has relative sd about 1/sqrt(2n) = 0.3 %
        assert abs(sd / minibatch_sigma(0.3, B) - 1) < 0.015
    assert minibatch_sigma(0.3, 2**2000) == 0.0 or minibatch_sigma(0.3, 2**2000) < 1e-300
    assert minibatch_sigma(0.0, 10) == 0.0


def test_minibatch_sgd_floor_matches_monte_carlo():
    alpha, B, n, T = 0.2, 8, 20_000, 300
    rng = np.random.default_rng(4)
    theta = np.zeros(n)
    for _ in range(T):
        g = 2.0 * (theta - 3.0) + (0.3 * rng.standard_normal((n, B))).mean(axis=1)
        theta = theta - alpha * g
    losses = (theta - 3.0) ** 2
    floor = ls.noise_floor(alpha, sigma=minibatch_sigma(0.3, B))
    assert abs(losses.mean() - floor) <= Z * losses.std(ddof=1) / math.sqrt(n)


def test_linear_scaling_keeps_the_floor_to_first_order_and_fails_past_stability():
    base = ls.noise_floor(0.01, sigma=minibatch_sigma(0.3, 1))
    first_order = 0.01 * 0.09 / 4
    for k in (1, 4, 16):
        scaled = ls.noise_floor(0.01 * k, sigma=minibatch_sigma(0.3, k))
        assert math.isclose(scaled, first_order / (1 - 0.01 * k), rel_tol=1e-12)
        assert scaled < 1.2 * base
    with pytest.raises(ValueError, match="alpha"):
        ls.noise_floor(0.01 * 128, sigma=minibatch_sigma(0.3, 128))


HOSTILE = [math.nan, math.inf, -math.inf, 1e308 * 10, "0.1", True, None]


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_reals_are_refused_with_the_parameter_name(bad):
    calls = [
        ("alpha", lambda: effective_rate(bad, 0.9)),
        ("momentum", lambda: effective_rate(0.1, bad)),
        ("sigma", lambda: minibatch_sigma(bad, 4)),
        ("alpha", lambda: momentum_noise_floor(bad, momentum=0.9)),
        ("momentum", lambda: momentum_noise_floor(0.1, momentum=bad)),
        ("momentum", lambda: momentum_expected_loss(np.full(5, 0.1), T=5, momentum=bad)),
        ("sigma", lambda: momentum_expected_loss(np.full(5, 0.1), T=5, sigma=bad)),
        ("decay", lambda: averaging_weights(5, kind="ema", decay=bad)),
        (
            "theta0",
            lambda: expected_loss_averaged(np.full(5, 0.1), np.full(6, 1 / 6), T=5, theta0=bad),
        ),
    ]
    for name, call in calls:
        with pytest.raises((TypeError, ValueError), match=name):
            call()


@pytest.mark.parametrize(
    ("bad", "exc"),
    [
        (0, ValueError),
        (-3, ValueError),
        (True, TypeError),
        (4.0, TypeError),
        ("4", TypeError),
        (np.int8(0), ValueError),
    ],
)
def test_hostile_batch_sizes(bad, exc):
    with pytest.raises(exc, match="batch_size"):
        minibatch_sigma(0.3, bad)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64])
def test_integer_dtypes_are_accepted(dtype):
    assert minibatch_sigma(0.3, dtype(4)) == 0.15
    w = averaging_weights(dtype(10), start=dtype(5))
    assert w.shape == (11,)


@pytest.mark.parametrize(
    "weights",
    [
        np.full(6, 0.2),
        np.full(5, 0.2),
        [[0.5, 0.5]],
        np.array([1.5, -0.5, 0, 0, 0, 0]),
        np.array([math.nan] * 6),
        "uniform",
        np.array([True] * 6),
        np.array(["a"] * 6),
    ],
)
def test_hostile_weights(weights):
    with pytest.raises((TypeError, ValueError), match="weights"):
        expected_loss_averaged(np.full(5, 0.1), weights, T=5)


def test_huge_and_tiny_inputs_give_finite_values_or_named_errors():
    with pytest.raises(ValueError, match="T"):
        averaging_weights(2**63)
    with pytest.raises(ValueError, match="start"):
        averaging_weights(10, start=11)
    with pytest.raises(ValueError, match="kind"):
        averaging_weights(10, kind="mean")
    assert momentum_noise_floor(5e-324, momentum=0.9) >= 0.0
    tiny = momentum_expected_loss(np.full(10, 5e-324), T=10, momentum=0.5, sigma=5e-324)
    assert np.all(np.isfinite(tiny))
    unstable = expected_loss_averaged(
        np.full(3000, 1.5), averaging_weights(3000), T=3000, overflow="inf"
    )
    assert not math.isnan(unstable.total) and math.isinf(unstable.total)
    with pytest.raises(ValueError, match="unstable"):
        expected_loss_averaged(np.full(3000, 1.5), averaging_weights(3000), T=3000)
    with pytest.raises(ValueError, match="overflow"):
        momentum_expected_loss(np.full(5, 0.1), T=5, overflow="nan")
