"""Schedules at their boundaries: restarts far out, phase edges, and the edges of each
parameter's accepted range.

Expected values are computed here from the published formulas with exact integer
bookkeeping (Python ints for cycle starts and lengths), independently of the package.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal

import numpy as np
import pytest

import lrsched as ls

# ------------------------------------------------------------------------- SGDR restarts


def sgdr_reference(t: int, T0: int, mult: int, lo: float, hi: float) -> float:
    """Loshchilov & Hutter's SGDR at integer ``t``, with integer T_mult: exact cycle search."""
    start, length = 0, T0
    while t >= start + length:
        start, length = start + length, length * mult
    return lo + 0.5 * (hi - lo) * (1.0 + math.cos(math.pi * (t - start) / length))


def integer_restarts(T0: int, mult: int, limit: int) -> list[int]:
    out, start, length = [], 0, T0
    while start < limit:
        out.append(start)
        start, length = start + length, length * mult
    return out


CASES = [(10, 3), (1, 2), (3, 2), (10, 2), (5, 4), (7, 10), (2, 3), (1, 5)]


@pytest.mark.parametrize(("T0", "mult"), CASES)
def test_sgdr_every_restart_up_to_2_pow_50_starts_at_the_peak(T0, mult):
    """At each restart S_i the rate is the peak, one update earlier it is the cycle's last
    value (T_cur = T_{i-1} - 1), and one update later the first step down; this is where
    log1p(t (m-1)/T0)/log(m) lands a hair off an integer."""
    lo, hi = 1e-4, 0.1
    s = ls.SGDR(hi, T0, float(mult), lo)
    starts = integer_restarts(T0, mult, 2**50)
    assert len(starts) > 10
    ts = sorted({t for S in starts[1:] for t in (S - 1, S, S + 1)})
    got = s(np.array(ts, dtype=np.int64))
    want = np.array([sgdr_reference(t, T0, mult, lo, hi) for t in ts])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    for S in starts[1:]:
        assert s(S) == pytest.approx(hi, rel=1e-15)


def test_sgdr_restart_at_1210_with_T_mult_3_is_the_peak():
    # cycles of 10, 30, 90, 270, 810 updates: the sixth cycle starts at t = 1210
    s = ls.SGDR(0.1, 10, 3.0)
    assert integer_restarts(10, 3, 1300)[-1] == 1210
    assert s(1210) == pytest.approx(0.1, rel=1e-15)
    assert s(1209) == pytest.approx(0.05 * (1 + math.cos(math.pi * 809 / 810)), rel=1e-12)
    i, cur, length = s.cycle(np.array([1209, 1210]))
    assert i.tolist() == [4, 5] and cur.tolist() == [809, 0] and length.tolist() == [810, 2430]


@pytest.mark.parametrize(("T0", "mult"), [(10, 3.0), (1, 2.0), (10, 2.0), (7, 10.0), (2, 1.5)])
def test_sgdr_cycle_just_before_a_restart_belongs_to_the_previous_cycle(T0, mult):
    """A real-valued step one ulp below a restart is the end of the previous cycle,
    though the logarithm rounds it up to the next cycle's index."""
    s = ls.SGDR(0.1, T0, mult)
    starts = s.restarts(30)
    starts = starts[(starts > 0) & (starts < 2**45)]
    t = np.nextafter(starts, -np.inf)
    i, cur, length = s.cycle(t)
    np.testing.assert_array_equal(i, np.arange(1, starts.size + 1) - 1)
    # the previous cycle has length T0 * mult**(i-1) and is (almost) complete
    np.testing.assert_allclose(length, T0 * mult ** (np.arange(starts.size)), rtol=1e-12)
    np.testing.assert_allclose(cur, length, rtol=1e-12)
    assert np.all(cur < length)


# ------------------------------------------------------------------------- accepted ranges


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: ls.SGDR(0.1, 10, decay=0.0), "decay"),
        (lambda: ls.SGDR(0.1, 10, decay=1.5), "decay"),
        (lambda: ls.SGDR(0.1, 10, T_mult=0.5), "T_mult"),
        (lambda: ls.Exponential(0.1, gamma=1.0 + 1e-12), "gamma"),
        (lambda: ls.Exponential(0.1, gamma=2.0), "gamma"),
        (lambda: ls.Exponential(0.1, lam=-0.01), "lam"),
        (lambda: ls.Exponential(0.1, lam=-1e-300), "lam"),
    ],
)
def test_parameters_just_outside_their_range_are_refused(make, param):
    with pytest.raises(ValueError, match=param):
        make()


@pytest.mark.parametrize(
    ("make", "t", "value"),
    [
        # the edges of the ranges are accepted and give the formula's value
        (lambda: ls.Exponential(0.1, gamma=1.0), 10**6, 0.1),
        (lambda: ls.Exponential(0.1, lam=0.0), 10**6, 0.1),
        (lambda: ls.SGDR(0.1, 10, decay=1.0), 10, 0.1),
        (lambda: ls.SGDR(0.1, 10, T_mult=1.0), 20, 0.1),
    ],
)
def test_range_edges_are_accepted(make, t, value):
    assert make()(t) == value


# ------------------------------------------------------------------------- composition


def test_sequence_needs_one_boundary_between_each_pair_of_schedules():
    parts = [ls.Constant(0.3), ls.Constant(0.2), ls.Constant(0.1)]
    with pytest.raises(ValueError, match="boundaries"):
        ls.Sequence(parts, [5])
    with pytest.raises(ValueError, match="boundaries"):
        ls.Sequence(parts, [5, 8, 9])
    s = ls.Sequence(parts, [5, 8])
    np.testing.assert_array_equal(s.values(10), [0.3] * 5 + [0.2] * 3 + [0.1] * 2)


def test_lr_values_takes_arrays_of_at_least_T_rates_and_allows_zero():
    rates = np.array([0.3, 0.2, 0.0, 0.1])
    np.testing.assert_array_equal(ls.lr_values(rates, 4), rates)
    np.testing.assert_array_equal(ls.lr_values(rates, 3), rates[:3])
    with pytest.raises(ValueError, match="T=5"):
        ls.lr_values(rates, 5)
    with pytest.raises(ValueError, match="T=2"):
        ls.lr_values([0.1], 2)
    # a rate of exactly 0 is a valid rate (no update), from arrays and from callables
    np.testing.assert_array_equal(ls.lr_values(np.zeros(3), 3), np.zeros(3))
    np.testing.assert_array_equal(ls.lr_values(lambda t: 0.0, 3), np.zeros(3))
    np.testing.assert_array_equal(ls.FromCallable(lambda t: 0.0 * t)(np.arange(4)), np.zeros(4))


@pytest.mark.parametrize("flag", [True, False, np.bool_(True)])
def test_a_callable_returning_a_boolean_is_not_a_rate(flag):
    with pytest.raises(TypeError, match="real learning rate"):
        ls.lr_values(lambda t: flag, 3)
    with pytest.raises(TypeError, match="real learning rate"):
        ls.FromCallable(lambda t: flag)(2)


# ------------------------------------------------------------------------- one-cycle end


@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_cos_holds_the_final_rate_from_the_last_update_on(three_phase):
    """The last update t = T - 1 ends the anneal at lr_final = lr_max / div / final_div;
    later steps hold it (PyTorch would extrapolate the cosine at t = T)."""
    T, lr_max = 10, 1.0
    s = ls.OneCycle(lr_max, T, pct_start=0.3, three_phase=three_phase)
    final = lr_max / 25.0 / 1e4
    assert s(T - 1) == pytest.approx(final, rel=1e-12)
    for t in (T, T + 1, 2 * T, 10**9):
        assert s(t) == s(T - 1)


# ------------------------------------------------------------------------- numerics at the edges


@pytest.mark.parametrize("lr", [1.0, 1e308, float(np.finfo(np.float64).max)])
@pytest.mark.parametrize("T", [5, 9, 102])
def test_one_cycle_without_any_division_is_exactly_constant(lr, T):
    """div_factor = final_div_factor = 1: every phase goes from lr to lr, so every value
    is lr exactly (the cos weights w + (1 - w) may round to one ulp off, or to inf at the
    float64 maximum, without the clip to the bounds)."""
    s = ls.OneCycle(lr, T, 0.5, div_factor=1.0, final_div_factor=1.0)
    got = s.values(2 * T)
    assert np.all(got == lr)


def test_exponential_keeps_lr0_where_the_decay_factor_alone_underflows():
    """lr0 e^{-lam t} with e^{-750} below the smallest float64 but 1e300 e^{-750} normal;
    the expected value from 40-digit decimal arithmetic."""
    ctx = Context(prec=40)
    s = ls.Exponential(1e300, lam=1.0)
    for t in (710, 750, 1000):
        want = float(ctx.multiply(Decimal(1e300), ctx.exp(Decimal(-t))))
        assert want > 0
        assert s(t) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("decay", ["linear", "cosine", "1-sqrt"])
def test_wsd_warmup_from_first_step(decay):
    # ramp="from_first_step": alpha_t = lr0 (t + 1) / t_w for t < t_w, then the plateau
    s = ls.WSD(0.1, 100, 10, 20, decay=decay, ramp="from_first_step")
    np.testing.assert_allclose(s.values(10), 0.1 * np.arange(1, 11) / 10, rtol=1e-15)
    assert s(10) == 0.1 and s(79) == 0.1
    z = ls.WSD(0.1, 100, 10, 20, decay=decay)  # the default starts from 0
    np.testing.assert_allclose(z.values(11), 0.1 * np.arange(11) / 10, rtol=1e-15)


@pytest.mark.parametrize(
    ("lr0", "lr_end", "T"),
    [(5e-324, 5e-324, 2), (1e-323, 5e-324, 3), (2.5e-322, 5e-324, 7), (1e-310, 0.0, 9)],
)
def test_polynomial_with_subnormal_ends_stays_monotone_and_between_them(lr0, lr_end, T):
    """Found by the WSD property test: lr0·p + lr_end·(1 − p) rounded each term to the
    subnormal grid, so 5e-324 · 0.5 + 5e-324 · 0.5 gave 0 and (2, 1) units rose again."""
    v = ls.Polynomial(lr0, T, 1.0, lr_end)(np.arange(T + 3))
    assert v[0] == lr0 and v[-1] == lr_end
    assert (np.diff(v) <= 0).all(), v
    assert (v >= lr_end).all() and (v <= lr0).all()
    w = ls.WSD(lr0, T, 0, T, lr_min=lr_end)(np.arange(T + 3))
    np.testing.assert_array_equal(w, v)
    # far from the subnormals the values are the published formula
    big = ls.Polynomial(lr0 * 2.0**600, T, 1.0, lr_end * 2.0**600)(np.arange(T + 1))
    exact = [(lr0 * 2.0**600) * (1 - t / T) + (lr_end * 2.0**600) * (t / T) for t in range(T + 1)]
    np.testing.assert_allclose(big, exact, rtol=1e-15)
