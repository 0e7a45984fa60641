"""Tests of lrsched.theory against the reference tables, closed forms and Monte Carlo.

Reference numbers are copied from the project's research notes on papers and theory,
section 5 (computed there independently, and checked against 100k-200k-seed
Monte Carlo). The schedules are written out here as plain functions/arrays,
following the formulas printed in that section.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrsched.noisy_sgd import simulate_quadratic, simulate_quadratic_nd
from lrsched.theory import (
    LossParts,
    expected_loss,
    expected_loss_nd,
    expected_loss_nd_parts,
    expected_loss_parts,
    noise_floor,
    noise_floor_nd,
    optimal_expected_loss,
    optimal_schedule,
)

A0, SIGMA, THETA0, C, T, AMIN = 0.3, 0.3, 0.0, 3.0, 100, 1e-4


def cosine(t, a=A0, horizon=T, amin=AMIN):
    return amin + 0.5 * (a - amin) * (1 + math.cos(math.pi * t / horizon))


def step(t):
    return A0 * 0.5 ** (t // 25)


def warm(t):
    return cosine(t, A0 * t / 10) if t <= 10 else cosine(t)


def clr(t, base=0.01, top=0.3, stepsize=25):
    cycle = math.floor(1 + t / (2 * stepsize))
    x = abs(t / stepsize - 2 * cycle + 1)
    return base + (top - base) * max(0.0, 1 - x)


def sgdr(t, t0=25, top=0.3, bottom=1e-4):
    return bottom + 0.5 * (top - bottom) * (1 + math.cos(math.pi * (t % t0) / t0))


def table(fn, steps):
    return np.array([fn(t) for t in steps], dtype=np.float64)


PRIMARY = range(T)  # alpha_t for update t = 0..T-1
ALTERNATIVE = range(1, T + 1)  # Table B: alpha evaluated at t = 1..T

# Table A (primary convention), exact E J_T and the printed bias^2
TABLE_A = [
    ("fixed 0.3", lambda t: 0.3, 9.642857e-03, "2.3e-79"),
    ("fixed 0.05", lambda t: 0.05, 1.184217e-03, "6.35e-09"),
    ("cosine", cosine, 6.989673e-04, "1.9e-35"),
    ("step", step, 8.958565e-04, "1.2e-32"),
    ("warmup10 + cosine", warm, 6.989673e-04, "1.6e-30"),
]
EXTRA_ROWS = [
    ("best constant", lambda t: 0.02908, 7.300840e-04),
    ("triangular CLR", clr, 1.672075e-03),
    ("SGDR T0=25", sgdr, 1.744823e-03),
]
TABLE_B = [
    ("fixed 0.3", lambda t: 0.3, 9.642857e-03),
    ("fixed 0.05", lambda t: 0.05, 1.184217e-03),
    ("cosine", cosine, 6.986886e-04),
    ("step", step, 8.615676e-04),
    ("warmup10 + cosine", warm, 6.986886e-04),
]
# E J after k updates (primary convention), printed with 5 significant digits
TRAJECTORY_K = [1, 5, 10, 25, 50, 75, 100]
TRAJECTORIES = [
    (
        lambda t: 0.3,
        [1.4481, 1.0586e-02, 9.6430e-03, 9.6429e-03, 9.6429e-03, 9.6429e-03, 9.6429e-03],
    ),
    (lambda t: 0.05, [7.2902, 3.1389, 1.0952, 4.7562e-02, 1.4232e-03, 1.1854e-03, 1.1842e-03]),
    (cosine, [1.4481, 1.0557e-02, 9.3831e-03, 7.9178e-03, 4.2506e-03, 1.4579e-03, 6.9897e-04]),
    (step, [1.4481, 1.0586e-02, 9.6430e-03, 9.6429e-03, 3.9706e-03, 1.8250e-03, 8.9586e-04]),
    (warm, [9.0000, 2.4026, 1.8067e-02, 7.9178e-03, 4.2506e-03, 1.4579e-03, 6.9897e-04]),
    (clr, [8.6436, 4.5000, 5.9807e-01, 9.0056e-03, 1.6721e-03, 9.0056e-03, 1.6721e-03]),
    (sgdr, [1.4481, 1.0213e-02, 6.3980e-03, 1.7448e-03, 1.7448e-03, 1.7448e-03, 1.7448e-03]),
]


def sig_round(x, digits):
    return float(f"{x:.{digits - 1}e}")


def matches_printed(x, text):
    """``x`` rounded to as many significant digits as ``text`` shows equals ``text``."""
    mantissa = text.lower().split("e")[0].lstrip("+-")
    digits = len(mantissa.replace(".", "").lstrip("0"))
    return sig_round(x, digits) == float(text)


def exact_final(alphas):
    return expected_loss(alphas, T=len(alphas), c=C, theta0=THETA0, sigma=SIGMA)[-1]


# ---------------------------------------------------------------------------
# Reference tables
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fn", "value", "bias"), TABLE_A, ids=[r[0] for r in TABLE_A])
def test_table_a(name, fn, value, bias):
    alphas = table(fn, PRIMARY)
    assert sig_round(exact_final(alphas), 7) == value
    parts = expected_loss_parts(alphas, T=T, c=C, theta0=THETA0, sigma=SIGMA)
    assert matches_printed(parts.bias[-1], bias)


@pytest.mark.parametrize(("name", "fn", "value"), EXTRA_ROWS, ids=[r[0] for r in EXTRA_ROWS])
def test_extra_rows(name, fn, value):
    assert sig_round(exact_final(table(fn, PRIMARY)), 7) == value


def test_oracle_row():
    alphas = optimal_schedule(T, c=C, theta0=THETA0, sigma=SIGMA)
    # printed: 0.4988, 0.2497, 0.1665, ... -> 0.0050, i.e. 1 / (2(t+1) + 0.005)
    np.testing.assert_allclose(alphas, 1.0 / (2.0 * (np.arange(T) + 1) + 0.005), rtol=1e-15)
    assert [round(a, 4) for a in alphas[:3]] == [0.4988, 0.2497, 0.1665]
    assert round(alphas[-1], 4) == 0.0050
    assert sig_round(exact_final(alphas), 7) == 2.249944e-04
    closed = optimal_expected_loss(T, c=C, theta0=THETA0, sigma=SIGMA)
    assert closed == pytest.approx(1.0 / (1.0 / 9.0 + 400.0 / 0.09), rel=1e-14)
    assert exact_final(alphas) == pytest.approx(closed, rel=1e-12)


@pytest.mark.parametrize(("name", "fn", "value"), TABLE_B, ids=[r[0] for r in TABLE_B])
def test_table_b_alternative_convention(name, fn, value):
    assert sig_round(exact_final(table(fn, ALTERNATIVE)), 7) == value


def test_best_constant_row():
    """Section 5.5's "best constant": grid-minimised alpha* = 0.02908 (printed rounded).

    alpha* is found here by golden-section search on the exact final loss; the
    printed trajectory used the unrounded grid value, so it is checked to 3e-4.
    """

    def final(a):
        return exact_final(np.full(T, a))

    lo, hi, g = 0.02, 0.04, (math.sqrt(5) - 1) / 2
    for _ in range(80):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        lo, hi = (lo, b) if final(a) < final(b) else (a, hi)
    best = 0.5 * (lo + hi)
    assert round(best, 5) == 0.02908
    assert sig_round(final(best), 7) == 7.300840e-04
    assert sig_round(final(0.02908), 7) == 7.300840e-04
    curve = expected_loss(np.full(T, best), T=T, c=C, theta0=THETA0, sigma=SIGMA)
    printed = [7.9837, 4.9437, 2.7157, 4.5056e-01, 2.3164e-02, 1.7982e-03, 7.3008e-04]
    np.testing.assert_allclose(curve[TRAJECTORY_K], printed, rtol=3e-4)


@pytest.mark.parametrize("i", range(len(TRAJECTORIES)))
def test_exact_trajectory_table(i):
    fn, values = TRAJECTORIES[i]
    curve = expected_loss(table(fn, PRIMARY), T=T, c=C, theta0=THETA0, sigma=SIGMA)
    assert curve.shape == (T + 1,)
    assert curve[0] == 9.0
    got = [sig_round(curve[k], 5) for k in TRAJECTORY_K]
    assert got == values


ND_LAM = [0.1, 1.0, 10.0]
ND_E0 = [3.0, 3.0, 3.0]
ND_T = 200
# section 5.4: exact E J_T, bias part, var part (None: not printed)
ND_TABLE = [
    ("const 0.05", np.full(ND_T, 0.05), "6.4226e-02", "6.060e-02", "3.630e-03"),
    ("const 0.15", np.full(ND_T, 0.15), "2.1607e-02", "1.066e-03", "2.054e-02"),
    ("const 0.19", np.full(ND_T, 0.19), "9.4747e-02", "2.093e-04", "9.454e-02"),
    ("const 0.201", np.full(ND_T, 0.201), "2.456e+03", None, None),
    (
        "cosine 0.19",
        table(lambda t: cosine(t, 0.19, ND_T), range(ND_T)),
        "1.2416e-02",
        "9.590e-03",
        "2.827e-03",
    ),
]


@pytest.mark.parametrize(
    ("name", "alphas", "total", "bias", "var"), ND_TABLE, ids=[r[0] for r in ND_TABLE]
)
def test_nd_table(name, alphas, total, bias, var):
    got = expected_loss_nd(alphas, eigenvalues=ND_LAM, e0=ND_E0, T=ND_T, sigma=SIGMA)
    assert got.shape == (ND_T + 1,)
    assert got[0] == pytest.approx(0.5 * (0.1 + 1 + 10) * 9)
    assert matches_printed(got[-1], total)
    parts = expected_loss_nd_parts(alphas, eigenvalues=ND_LAM, e0=ND_E0, T=ND_T, sigma=SIGMA)
    np.testing.assert_allclose(parts.total, got, rtol=1e-12)
    if bias is not None:
        assert matches_printed(parts.bias[-1], bias)
        assert matches_printed(parts.variance[-1], var)


def test_nd_noise_floors():
    # printed: 3.78e-3 (0.05), 2.05e-2 (0.15), 9.45e-2 (0.19); dα σ²/4 = 1.28e-2 at 0.19
    for alpha, floor in [(0.05, 3.78e-3), (0.15, 2.05e-2), (0.19, 9.45e-2)]:
        assert sig_round(noise_floor_nd(alpha, eigenvalues=ND_LAM, sigma=SIGMA), 3) == floor
    assert sig_round(3 * 0.19 * SIGMA**2 / 4, 3) == 1.28e-2


def test_noise_floor_table_5_2():
    rows = [
        (0.01, 2.272727e-04),
        (0.05, 1.184211e-03),
        (0.1, 2.500000e-03),
        (0.3, 9.642857e-03),
        (0.5, 2.250000e-02),
        (0.7, 5.250000e-02),
        (0.9, 2.025000e-01),
    ]
    for alpha, value in rows:
        assert sig_round(noise_floor(alpha, sigma=SIGMA), 7) == value
        assert noise_floor(alpha, sigma=SIGMA) == pytest.approx(
            alpha * SIGMA**2 / (4 * (1 - alpha))
        )


# ---------------------------------------------------------------------------
# Closed forms vs the recursion
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("frac", [0.01, 0.2, 0.5, 0.8, 0.95])
@pytest.mark.parametrize("curvature", [2.0, 0.7])
def test_constant_step_closed_form(frac, curvature):
    alpha = frac * 2.0 / curvature  # a fraction of the stability limit 2 / lambda
    lam, sigma, m0, n = curvature, 0.4, 4.0, 300
    floor_m = alpha * sigma**2 / (lam * (2 - alpha * lam))
    k = np.arange(n + 1)
    closed = 0.5 * lam * (floor_m + (1 - lam * alpha) ** (2 * k) * (m0 - floor_m))
    got = expected_loss(np.full(n, alpha), T=n, c=1.0, theta0=-1.0, sigma=sigma, curvature=lam)
    np.testing.assert_allclose(got, closed, rtol=1e-10, atol=1e-300)
    assert noise_floor(alpha, sigma=sigma, curvature=lam) == pytest.approx(0.5 * lam * floor_m)


def test_parts_match_the_unrolled_sums():
    rng = np.random.default_rng(0)
    alphas = rng.uniform(0.0, 0.9, size=40)
    lam, sigma, m0 = 2.0, 0.3, 9.0
    parts = expected_loss_parts(alphas, T=40, c=3.0, theta0=0.0, sigma=sigma, curvature=lam)
    assert isinstance(parts, LossParts)
    f2 = (1 - lam * alphas) ** 2
    for k in [0, 1, 7, 40]:
        bias = 0.5 * lam * m0 * np.prod(f2[:k])
        var = 0.5 * lam * sigma**2 * sum(alphas[s] ** 2 * np.prod(f2[s + 1 : k]) for s in range(k))
        assert parts.bias[k] == pytest.approx(bias, rel=1e-12)
        assert parts.variance[k] == pytest.approx(var, rel=1e-12, abs=1e-300)
    total = expected_loss(alphas, T=40, c=3.0, theta0=0.0, sigma=sigma, curvature=lam)
    np.testing.assert_allclose(parts.total, total, rtol=1e-12)


def test_nd_is_a_sum_of_1d_problems():
    lam = np.array([0.3, 2.0, 5.0])
    e0 = np.array([1.0, -2.0, 0.5])
    alphas = 0.3 / (1 + 0.05 * np.arange(80))
    nd = expected_loss_nd(alphas, eigenvalues=lam, e0=e0, T=80, sigma=0.2)
    parts = [
        expected_loss(alphas, T=80, c=0.0, theta0=e, sigma=0.2, curvature=li)
        for li, e in zip(lam, e0, strict=True)
    ]
    np.testing.assert_allclose(nd, np.sum(parts, axis=0), rtol=1e-12)


@pytest.mark.parametrize(
    ("theta0", "sigma", "curvature"), [(0.0, 0.3, 2.0), (-5.0, 1.0, 0.5), (2.5, 0.05, 3.0)]
)
def test_optimal_schedule_is_optimal(theta0, sigma, curvature):
    n = 50
    kw = {"c": 3.0, "theta0": theta0, "sigma": sigma, "curvature": curvature}
    best = optimal_schedule(n, **kw)
    value = expected_loss(best, T=n, **kw)[-1]
    m0 = (theta0 - 3.0) ** 2
    closed = 0.5 * curvature / (1 / m0 + n * curvature**2 / sigma**2)
    assert value == pytest.approx(closed, rel=1e-11)
    assert optimal_expected_loss(n, **kw) == pytest.approx(closed, rel=1e-14)
    rng = np.random.default_rng(1)
    for _ in range(20):  # any perturbed schedule does worse
        other = np.clip(best * np.exp(rng.normal(0, 0.2, size=n)), 0, None)
        assert expected_loss(other, T=n, **kw)[-1] > value
    for alpha in np.linspace(0.001, 0.9 * 2 / curvature, 30):  # so does every constant
        assert expected_loss(np.full(n, alpha), T=n, **kw)[-1] > value


def test_optimal_schedule_edge_cases():
    assert np.array_equal(optimal_schedule(10, c=3.0, theta0=3.0, sigma=0.3), np.zeros(10))
    assert optimal_expected_loss(10, c=3.0, theta0=3.0, sigma=0.3) == 0.0
    gd = optimal_schedule(5, c=3.0, theta0=0.0, sigma=0.0, curvature=2.0)
    np.testing.assert_allclose(gd, 1 / (2.0 * np.arange(1, 6)))
    assert optimal_expected_loss(5, c=3.0, theta0=0.0, sigma=0.0) == 0.0
    assert expected_loss(gd, T=5, sigma=0.0)[1] == 0.0  # one step lands on c


def test_unstable_schedule_raises_at_the_overflowing_update():
    # (1 - 2 * 1.5)^2 = 4 per update from m0 = 9 (plus noise, far smaller): the loss
    # 9 * 4**k passes the float64 maximum at the first k with 9 * 4**k > 1.797e308
    k = next(k for k in range(2000) if 9 * 4**k > int(np.finfo(np.float64).max))
    with pytest.raises(ValueError, match=rf"after {k} updates.*schedule"):
        expected_loss(np.full(2000, 1.5), T=2000)
    with pytest.raises(ValueError, match="overflow"):
        expected_loss(np.full(2000, 1.5), T=2000, overflow="wrong")


def test_unstable_schedule_gives_inf_not_nan_on_request():
    got = expected_loss(np.full(2000, 1.5), T=2000, overflow="inf")
    assert np.all(~np.isnan(got))
    assert np.isinf(got[-1])
    k = next(k for k in range(2000) if 9 * 4**k > int(np.finfo(np.float64).max))
    assert np.isfinite(got[k - 1]) and np.isinf(got[k])
    # an exact reset step after overflow: (1 - lam a) = 0 kills the history
    alphas = np.concatenate([np.full(1500, 1.5), [0.5], np.full(10, 0.1)])
    got = expected_loss(alphas, T=alphas.size, sigma=0.3, overflow="inf")
    assert np.isinf(got[1500])
    assert got[1501] == pytest.approx(0.5**2 * 0.09)
    assert np.all(np.isfinite(got[1501:]))


# ---------------------------------------------------------------------------
# Monte Carlo vs exact (final values only, >= 100k seeds)
# ---------------------------------------------------------------------------

MC_CASES = [
    (10, 7),
    (40, 8),
    (100, 9),
    (250, 10),
]


@pytest.mark.parametrize(("horizon", "seed"), MC_CASES)
def test_monte_carlo_agrees_with_exact(horizon, seed):
    n = 100_000
    sched = {
        "fixed 0.05": np.full(horizon, 0.05),
        "cosine": table(lambda t: cosine(t, 0.3, horizon), range(horizon)),
        "step": np.array([0.4 * 0.5 ** (t // max(1, horizon // 4)) for t in range(horizon)]),
        "1/t": optimal_schedule(horizon, c=C, theta0=THETA0, sigma=SIGMA),
    }
    res = simulate_quadratic(sched, T=horizon, n_seeds=n, seed=seed, record=False)
    for k, alphas in enumerate(sched.values()):
        L = res.final_loss[:, k]
        se = L.std(ddof=1) / math.sqrt(n)
        exact = expected_loss(alphas, T=horizon, c=C, theta0=THETA0, sigma=SIGMA)[-1]
        assert abs(L.mean() - exact) < 3 * se, (res.names[k], horizon, L.mean(), exact, se)


def test_monte_carlo_other_curvature_and_start():
    n, horizon = 100_000, 60
    kw = {"c": -1.0, "theta0": 2.0, "sigma": 0.8, "curvature": 0.6}
    sched = [np.full(horizon, 0.5), 1.5 / (1 + 0.2 * np.arange(horizon))]
    res = simulate_quadratic(sched, T=horizon, n_seeds=n, seed=21, record=False, **kw)
    for k, alphas in enumerate(sched):
        L = res.final_loss[:, k]
        exact = expected_loss(alphas, T=horizon, **kw)[-1]
        assert abs(L.mean() - exact) < 3 * L.std(ddof=1) / math.sqrt(n)


def test_monte_carlo_nd_agrees_with_exact():
    n = 100_000
    sched = [np.full(ND_T, 0.15), table(lambda t: cosine(t, 0.19, ND_T), range(ND_T))]
    res = simulate_quadratic_nd(
        sched, eigenvalues=ND_LAM, e0=ND_E0, T=ND_T, n_seeds=n, seed=31, record=False
    )
    for k, alphas in enumerate(sched):
        L = res.final_loss[:, k]
        exact = expected_loss_nd(alphas, eigenvalues=ND_LAM, e0=ND_E0, T=ND_T, sigma=SIGMA)[-1]
        assert abs(L.mean() - exact) < 3 * L.std(ddof=1) / math.sqrt(n)


def test_monte_carlo_trajectory_within_band():
    """The per-step mean of a stats-only run tracks the exact curve (z-scores over time)."""
    n, horizon = 100_000, 50
    alphas = table(lambda t: cosine(t, 0.3, horizon), range(horizon))
    res = simulate_quadratic([alphas], T=horizon, n_seeds=n, seed=41, record="stats")
    exact = expected_loss(alphas, T=horizon)
    z = (res.loss_mean[1:, 0] - exact[1:]) / (res.loss_std[1:, 0] / math.sqrt(n))
    assert np.all(np.abs(z) < 4)
    assert abs(z.mean()) < 2  # not a systematic offset


@pytest.mark.parametrize(("alpha", "curvature"), [(0.1, 2.0), (1.0, 0.5)])
def test_noise_floor_matches_long_run_time_average(alpha, curvature):
    """Start at the minimum, burn in, average each seed over time; seeds are independent.

    The standard error comes from the spread of the per-seed time averages, which
    accounts for the autocorrelation within a trajectory.
    """
    n, horizon, burn = 2_000, 2_000, 200
    res = simulate_quadratic(
        [np.full(horizon, alpha)],
        T=horizon,
        n_seeds=n,
        seed=51,
        c=0.0,
        theta0=0.0,
        sigma=SIGMA,
        curvature=curvature,
        record="loss",
    )
    per_seed = res.loss[burn + 1 :, :, 0].mean(axis=0)
    mean = per_seed.mean()
    se = per_seed.std(ddof=1) / math.sqrt(n)
    floor = noise_floor(alpha, sigma=SIGMA, curvature=curvature)
    assert abs(mean - floor) < 3 * se
    assert se < 0.02 * floor  # the check has teeth


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "exc", "word"),
    [
        (lambda: expected_loss(np.full(10, 0.1), T=10, sigma=-0.3), ValueError, "sigma"),
        (lambda: expected_loss(np.full(10, 0.1), T=0), ValueError, "T"),
        (lambda: expected_loss(np.full(10, 0.1), T=11), ValueError, "schedule"),
        (lambda: expected_loss(np.full(10, 0.1), T=10, c=float("nan")), ValueError, "c"),
        (lambda: expected_loss(np.full(10, 0.1), T=10, curvature=0), ValueError, "curvature"),
        (lambda: expected_loss(lambda t: -t, T=10), ValueError, "schedule"),
        (
            lambda: expected_loss_parts(np.full(10, 0.1), T=10, theta0=float("inf")),
            ValueError,
            "theta0",
        ),
        (
            lambda: expected_loss_nd(np.full(10, 0.1), eigenvalues=[1, 2], e0=[1, 2, 3], T=10),
            ValueError,
            "e0",
        ),
        (
            lambda: expected_loss_nd(np.full(10, 0.1), eigenvalues=[1, 0], e0=1.0, T=10),
            ValueError,
            "eigenvalues",
        ),
        (
            lambda: expected_loss_nd(np.full(10, 0.1), eigenvalues=[1], e0=1.0, T=10, sigma=-1),
            ValueError,
            "sigma",
        ),
        (lambda: noise_floor(0.0), ValueError, "alpha"),
        (lambda: noise_floor(1.0), ValueError, "alpha"),
        (lambda: noise_floor(0.5, curvature=4.0), ValueError, "alpha"),
        (lambda: noise_floor(0.1, sigma=-1), ValueError, "sigma"),
        (lambda: noise_floor("0.1"), TypeError, "alpha"),
        (lambda: noise_floor_nd(0.2, eigenvalues=[0.1, 1, 10]), ValueError, "alpha"),
        (lambda: optimal_schedule(0), ValueError, "T"),
        (lambda: optimal_schedule(10, sigma=float("nan")), ValueError, "sigma"),
        (lambda: optimal_expected_loss(10, curvature=-2), ValueError, "curvature"),
        (lambda: optimal_expected_loss(1.5), TypeError, "T"),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()


def test_parts_at_a_step_that_resets_the_error():
    # alpha = 1/lambda sends E[e] to 0 in one step: the bias vanishes exactly and the
    # variance restarts from the noise of that single step, alpha^2 sigma^2.
    from fractions import Fraction

    lam, sigma, m0 = 2.0, 0.3, 9.0
    alphas = [0.1, 1 / lam, 0.2, 0.05]
    got = expected_loss_parts(alphas, T=4, sigma=sigma, curvature=lam)
    b, w = Fraction(m0), Fraction(0)
    bias, var = [b], [w]
    for a in alphas:  # the recursions of the module notes, in exact arithmetic
        f2 = (1 - Fraction(lam) * Fraction(a)) ** 2
        b, w = f2 * b, f2 * w + Fraction(a) ** 2 * Fraction(sigma) ** 2
        bias.append(b)
        var.append(w)
    half = Fraction(lam) / 2
    np.testing.assert_allclose(got.bias, [float(half * x) for x in bias], rtol=1e-14)
    np.testing.assert_allclose(got.variance, [float(half * x) for x in var], rtol=1e-14)
    assert got.bias[2] == 0.0 and got.bias[3] == 0.0
    assert got.variance[2] == pytest.approx(float(half * Fraction(0.5) ** 2 * Fraction(0.3) ** 2))
