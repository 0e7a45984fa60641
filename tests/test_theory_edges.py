"""The exact theory at its edges: steps that reset a mode (alpha = 1/lambda), resets after
an overflow, and the stability limit of the n-D noise floor.

Expected values are computed here in exact rational arithmetic (``fractions.Fraction``)
from the recursion and the unrolled sums written in the module's docstrings.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import lrsched as ls
from lrsched.theory import (
    expected_loss,
    expected_loss_nd,
    expected_loss_nd_parts,
    expected_loss_parts,
    noise_floor_nd,
)


def exact_parts(alphas, lam, m0, sigma):
    """Bias and variance moments after 0..T updates, unrolled as in the docstring:
    b_k = m0 prod_{t<k} (1 - lam a_t)^2 and
    w_k = sigma^2 sum_{s<k} a_s^2 prod_{s<t<k} (1 - lam a_t)^2.
    """
    a = [Fraction(x) for x in alphas]
    lam, m0, s2 = Fraction(lam), Fraction(m0), Fraction(sigma) ** 2
    f2 = [(1 - lam * x) ** 2 for x in a]
    bias, var = [], []
    for k in range(len(a) + 1):
        prod = Fraction(1)
        for t in range(k):
            prod *= f2[t]
        bias.append(m0 * prod)
        w = Fraction(0)
        for s in range(k):
            p = Fraction(1)
            for t in range(s + 1, k):
                p *= f2[t]
            w += a[s] ** 2 * s2 * p
        var.append(w)
    return bias, var


@pytest.mark.parametrize("curvature", [2.0, 0.5, 4.0])
def test_parts_across_steps_that_reset_the_error(curvature):
    """alpha = 1/lambda sets e_{t+1} = -alpha sigma xi exactly: the bias part drops to 0 and
    the variance part restarts from alpha^2 sigma^2, whatever came before."""
    reset = 1.0 / curvature
    alphas = [0.3 * reset, reset, 0.7 * reset, 1.5 * reset, reset, reset, 0.2 * reset]
    sigma, c, theta0 = 0.3, 3.0, 0.5
    parts = expected_loss_parts(
        np.array(alphas), T=len(alphas), c=c, theta0=theta0, sigma=sigma, curvature=curvature
    )
    bias, var = exact_parts(alphas, curvature, (Fraction(theta0) - Fraction(c)) ** 2, sigma)
    half = Fraction(curvature) / 2
    np.testing.assert_allclose(parts.bias, [float(half * b) for b in bias], rtol=1e-14, atol=0)
    np.testing.assert_allclose(parts.variance, [float(half * w) for w in var], rtol=1e-14, atol=0)
    for k in (2, 5, 6):  # right after a reset step
        assert parts.bias[k] == 0.0
        assert parts.variance[k] == pytest.approx(0.5 * curvature * (reset * sigma) ** 2, rel=1e-15)
    total = expected_loss(
        np.array(alphas), T=len(alphas), c=c, theta0=theta0, sigma=sigma, curvature=curvature
    )
    np.testing.assert_allclose(total, parts.bias + parts.variance, rtol=1e-14)


def exact_moment(alphas, lam, m0, sigma):
    """m_{t+1} = (1 - lam a_t)^2 m_t + a_t^2 sigma^2 in exact arithmetic, m_0 .. m_T."""
    lam, s2 = Fraction(lam), Fraction(sigma) ** 2
    out = [Fraction(m0)]
    for a in alphas:
        a = Fraction(a)
        out.append((1 - lam * a) ** 2 * out[-1] + a * a * s2)
    return out


def to_float(x: Fraction) -> float:
    """The float nearest ``x``, or inf beyond the float64 range."""
    return float(x) if abs(x) <= Fraction(np.finfo(np.float64).max) else float("inf")


def test_nd_reset_after_an_overflowing_mode_is_finite_again():
    """Mode 1 (lambda = 2) overflows under alpha = 10, then alpha = 1/2 resets it exactly;
    mode 2 (lambda = 0.01) stays finite throughout. Exactly, the moment of mode 1 after the
    reset is alpha^2 sigma^2 whatever its size before, so the curve comes back finite."""
    lam, e0, sigma = [2.0, 0.01], [1.0, -2.0], 0.3
    alphas = [10.0] * 150 + [0.5] + [0.1] * 5
    T = len(alphas)
    got = expected_loss_nd(
        np.array(alphas), eigenvalues=lam, e0=e0, T=T, sigma=sigma, overflow="inf"
    )
    m1 = exact_moment(alphas, lam[0], e0[0] ** 2, sigma)
    m2 = exact_moment(alphas, lam[1], e0[1] ** 2, sigma)
    want = [
        to_float(Fraction(lam[0]) / 2 * a + Fraction(lam[1]) / 2 * b)
        for a, b in zip(m1, m2, strict=True)
    ]
    finite = np.isfinite(want)
    assert not finite[150] and finite[151:].all()  # overflowed before the reset, not after
    np.testing.assert_array_equal(np.isfinite(got), finite)
    np.testing.assert_allclose(got[finite], np.array(want)[finite], rtol=1e-13)
    parts = expected_loss_nd_parts(
        np.array(alphas), eigenvalues=lam, e0=e0, T=T, sigma=sigma, overflow="inf"
    )
    assert np.isfinite(parts.bias[151:]).all() and np.isfinite(parts.variance[151:]).all()
    with pytest.raises(ValueError, match="exceeds the float64 maximum"):
        expected_loss_nd(np.array(alphas), eigenvalues=lam, e0=e0, T=T, sigma=sigma)


def test_1d_reset_after_overflow_gives_the_exact_moment():
    alphas = [10.0] * 150 + [0.5, 0.2, 0.2]
    got = expected_loss(np.array(alphas), T=len(alphas), sigma=0.3, overflow="inf")
    m = exact_moment(alphas, 2.0, 9, 0.3)
    assert np.isinf(got[150])
    np.testing.assert_allclose(got[151:], [to_float(x) for x in m[151:]], rtol=1e-14)


def test_nd_parts_start_with_all_bias_and_no_variance():
    lam, e0 = np.array([0.5, 2.0, 3.0]), np.array([1.0, -2.0, 0.25])
    parts = expected_loss_nd_parts(np.full(4, 0.1), eigenvalues=lam, e0=e0, T=4, sigma=0.4)
    assert parts.variance[0] == 0.0
    assert parts.bias[0] == pytest.approx(0.5 * float(np.sum(lam * e0**2)), rel=1e-15)


# ------------------------------------------------------------------------- n-D noise floor


@pytest.mark.parametrize("alpha", [0.5, 0.5000001, 0.6, 1.0, 1.9])
def test_nd_noise_floor_needs_alpha_below_two_over_the_largest_eigenvalue(alpha):
    # modes with lambda = 4 are unstable from alpha = 2/4, though lambda = 1 is not
    with pytest.raises(ValueError, match="alpha"):
        noise_floor_nd(alpha, eigenvalues=[1.0, 4.0], sigma=0.3)


@pytest.mark.parametrize("alpha", [0.1, 0.3, 0.49])
def test_nd_noise_floor_is_the_sum_of_the_modes_floors(alpha):
    lam, sigma = [1.0, 4.0, 0.25], 0.3
    want = sum(
        Fraction(alpha) * Fraction(sigma) ** 2 / (2 * (2 - Fraction(alpha) * Fraction(li)))
        for li in lam
    )
    assert noise_floor_nd(alpha, eigenvalues=lam, sigma=sigma) == pytest.approx(
        float(want), rel=1e-15
    )


@pytest.mark.parametrize("sigma", [1e160, 1e200, 1e308])
def test_nd_noise_floor_beyond_float64_is_refused_not_inf(sigma):
    # alpha sigma^2 / (2 (2 - alpha lambda)) with sigma^2 > 1.8e308: no float64 holds it
    with pytest.raises(ValueError, match="sigma"):
        noise_floor_nd(0.1, eigenvalues=[1.0, 2.0], sigma=sigma)
    # just inside the range it is finite and equals the sum of the exact per-mode floors
    got = noise_floor_nd(0.1, eigenvalues=[1.0, 2.0], sigma=1e150)
    want = sum(
        Fraction(0.1) * Fraction(1e150) ** 2 / (2 * (2 - Fraction(0.1) * Fraction(li)))
        for li in (1.0, 2.0)
    )
    assert got == pytest.approx(float(want), rel=1e-14)


def test_one_direction_nd_equals_the_scalar_theory():
    """``expected_loss_nd`` with a single eigenvalue takes its scalar fast path: on
    (θ − 3)², curvature λ = 2 and e0 = θ0 − 3, it must give ``expected_loss`` exactly."""
    for schedule in (ls.Cosine(0.3, 50), ls.Constant(0.05), ls.warmup_cosine(0.4, 50, 5)):
        nd = ls.expected_loss_nd(schedule, T=50, eigenvalues=[2.0], e0=[-3.0], sigma=0.3)
        np.testing.assert_allclose(nd, ls.expected_loss(schedule, T=50, sigma=0.3),
                                   rtol=1e-13, atol=0)
