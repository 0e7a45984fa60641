"""lrsched.contraction: per-direction factors, updates to shrink an error, updates to reach
the noise floor, the balanced rate. Each count is checked against an explicit iteration
(multiplying the error, or the exact expected-loss recursion), each formula against exact
rational arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest

import lrsched as ls
from lrsched.contraction import (
    best_constant_rate,
    contraction_factors,
    updates_to_floor,
    updates_to_shrink,
)

from .test_hostile_inputs import HOSTILE, expect_ok_or_clean


def shrink_by_iteration(alpha: float, lam: float, factor: float, cap: int = 10**7) -> int | None:
    """Multiply an error of 1 by (1 - alpha lam) until it is at most ``factor``."""
    e, n = 1.0, 0
    while abs(e) > factor:
        e *= 1.0 - alpha * lam
        n += 1
        if n > cap:
            return None
    return n


@pytest.mark.parametrize("alpha", [0.01, 0.03, 0.3, 0.7, 1.0, 1.3, 1.9, 1.999])
@pytest.mark.parametrize("lam", [1.0, 0.05, 0.003])
@pytest.mark.parametrize("factor", [0.5, 0.013, 1e-6])
def test_updates_to_shrink_counts_what_an_explicit_iteration_counts(alpha, lam, factor):
    got = updates_to_shrink(alpha, lam, factor)
    ref = shrink_by_iteration(alpha, lam, factor)
    if alpha * lam >= 2.0:
        assert got is None
    else:
        assert got == ref, (alpha, lam, factor, got, ref)


def test_updates_to_shrink_special_cases():
    assert updates_to_shrink(0.5, 2.0, 0.01) == 1  # one step lands on the minimum
    assert updates_to_shrink(2.0, 1.0, 0.01) is None  # |1 - 2| = 1: never shrinks
    assert updates_to_shrink(3.0, 1.0, 0.01) is None  # grows
    assert updates_to_shrink(0.0, 1.0, 0.01) is None  # no step at all
    # a tiny step: ln(1/f) / (alpha lam) updates, not "never" (|1 - 1e-20| rounds to 1)
    n = updates_to_shrink(1e-20, 1.0, 0.01)
    assert n == pytest.approx(math.log(100) * 1e20, rel=1e-12)


def test_contraction_factors_are_exact():
    lam = [10.0, 1.0, 0.1, 3e-7]
    for alpha in (0.0, 0.05, 0.19, 0.2, 0.21, 7.0):
        got = contraction_factors(alpha, lam)
        ref = [float(abs(1 - F(alpha) * F(v))) for v in lam]
        # one rounding in alpha * lam, one in 1 - that: within 2 ulps of max(1, alpha lam)
        for g, r, v in zip(got.tolist(), ref, lam, strict=True):
            assert abs(g - r) <= 4.5e-16 * max(1.0, alpha * v), (alpha, v, g, r)
    assert contraction_factors(0.5, 2.0).tolist() == [0.0]


def first_within(curve: np.ndarray, floor: float, rel: float) -> int | None:
    hits = np.flatnonzero(np.abs(curve - floor) <= rel * floor)
    return int(hits[0]) if hits.size else None


@pytest.mark.parametrize("alpha", [0.001, 0.02, 0.1, 0.3, 0.45, 0.5, 0.55, 0.9, 0.99])
@pytest.mark.parametrize("sigma", [0.3, 1.0, 3.0])
def test_updates_to_floor_matches_the_exact_recursion(alpha, sigma):
    got = updates_to_floor(alpha, sigma=sigma)
    floor = ls.noise_floor(alpha, sigma=sigma)
    curve = ls.expected_loss(ls.Constant(alpha), T=20_000, sigma=sigma)
    assert got == first_within(curve, floor, 0.1)
    # and the count holds from then on: the gap only shrinks
    assert np.all(np.abs(curve[got:] - floor) <= 0.1 * floor * (1 + 1e-12))


@pytest.mark.parametrize(
    "kw",
    [
        dict(rel=0.01, c=1.0, theta0=-2.0, sigma=0.5, curvature=0.5),
        dict(rel=0.5, c=0.0, theta0=1e-3, sigma=1.0, curvature=4.0),  # starts below the floor
        dict(rel=0.1, c=3.0, theta0=3.0, sigma=0.3, curvature=2.0),  # starts at the minimum
    ],
)
def test_updates_to_floor_other_problems(kw):
    alpha = 0.2
    got = updates_to_floor(alpha, **kw)
    floor = ls.noise_floor(alpha, sigma=kw["sigma"], curvature=kw["curvature"])
    curve = ls.expected_loss(ls.Constant(alpha), T=5000, c=kw["c"], theta0=kw["theta0"],
                             sigma=kw["sigma"], curvature=kw["curvature"])  # fmt: skip
    assert got == first_within(curve, floor, kw["rel"])


def test_updates_to_floor_without_noise_or_a_floor():
    assert updates_to_floor(0.3, sigma=0.0) is None  # the floor is 0: never within 10 %
    assert updates_to_floor(0.3, sigma=0.0, theta0=3.0) == 0  # already there
    with pytest.raises(ValueError, match="alpha"):
        updates_to_floor(1.0)  # the stability limit of (θ − 3)²: no floor
    with pytest.raises(ValueError, match="theta0"):
        updates_to_floor(0.1, theta0=1e300)  # the starting loss overflows


def test_best_constant_rate_minimises_the_slowest_factor():
    for lam in ([1.0, 0.05], [10.0, 1.0, 0.1], [2.0, 2.0]):
        alpha, rho = best_constant_rate(lam)
        lo, hi = F(min(lam)), F(max(lam))
        assert alpha == float(2 / (lo + hi))
        assert rho == pytest.approx(float((hi / lo - 1) / (hi / lo + 1)), rel=1e-15)
        assert contraction_factors(alpha, lam).max() == pytest.approx(rho, rel=1e-12)
        grid = np.linspace(0.5 * alpha, 1.5 * alpha, 2001)
        worst = [contraction_factors(a, lam).max() for a in grid]
        assert min(worst) >= rho * (1 - 1e-9)


def test_hostile_arguments_give_a_finite_count_or_a_named_error():
    calls = {
        "alpha": lambda v: updates_to_shrink(v, 1.0, 0.01),
        "eigenvalue": lambda v: updates_to_shrink(0.1, v, 0.01),
        "factor": lambda v: updates_to_shrink(0.1, 1.0, v),
    }
    floor_kw = dict(alpha=0.1, rel=0.1, c=3.0, theta0=0.0, sigma=0.3, curvature=2.0)
    for name in floor_kw:
        calls[f"floor:{name}"] = lambda v, n=name: updates_to_floor(**{**floor_kw, n: v})
    calls["factors:alpha"] = lambda v: contraction_factors(v, [1.0, 0.1])
    calls["factors:eigenvalues"] = lambda v: contraction_factors(0.1, v)
    calls["best:eigenvalues"] = lambda v: best_constant_rate(v)
    for key, call in calls.items():
        name = key.split(":")[-1]
        for value in HOSTILE:
            got = expect_ok_or_clean(lambda c=call, v=value: c(v), (name,))
            if got is None:
                continue
            if isinstance(got, int):  # a count: exact, however large (a subnormal step)
                assert got >= 0, (key, value, got)
                continue
            flat = np.asarray(got, dtype=float).ravel()
            assert np.isfinite(flat).all(), (key, value, got)
