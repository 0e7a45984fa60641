"""Property tests over every schedule factory (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lrsched as ls
from lrsched._validate import MAX_STEP

from .strategies import FACTORIES, any_schedule, cosine, cyclic, one_cycle, sgdr, warmup, wsd

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STEPS = np.concatenate([np.arange(1200), [10**4, 10**6, 10**9, 2**53 + 1, 2**62, 2**63 - 1]])


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_finite_and_inside_bounds(name):
    @PROPS
    @given(FACTORIES[name]())
    def check(s):
        v = s(STEPS)
        lo, hi = s.bounds
        assert np.isfinite(v).all(), repr(s)
        tol = 1e-12 * max(hi if np.isfinite(hi) else 1.0, 1.0)
        assert (v >= lo - tol).all() and (v <= hi + tol).all(), repr(s)

    check()


@PROPS
@given(any_schedule, st.lists(st.integers(0, 5000), min_size=1, max_size=40))
def test_vectorized_equals_elementwise(s, ts):
    vec = s(np.array(ts, dtype=np.int64))
    one_by_one = np.array([s(t) for t in ts])
    # equal up to the last bit NumPy's SIMD and scalar math paths may differ by
    np.testing.assert_allclose(vec, one_by_one, rtol=5e-16, atol=0)
    assert all(isinstance(s(t), float) for t in ts[:3])


@PROPS
@given(cyclic(), st.integers(0, 3000), st.integers(1, 5))
def test_triangular_cycle_is_periodic(s, t, k):
    if s.mode != "triangular":
        assert s(t + k * s.period) <= s(t) + 1e-12 * s.lr_max  # amplitude only shrinks
        return
    assert s(t + k * s.period) == pytest.approx(s(t), rel=1e-9, abs=1e-12 * s.lr_max)


@PROPS
@given(sgdr(), st.integers(0, 3000), st.integers(1, 5))
def test_sgdr_with_constant_cycles_is_periodic(s, t, k):
    s = ls.SGDR(s.lr0, s.T_0, 1.0, s.lr_min)
    assert s(t + k * s.T_0) == pytest.approx(s(t), rel=1e-9, abs=1e-12 * s.lr0)


@PROPS
@given(cosine(), st.integers(0, 3000))
def test_mirrored_cosine_has_period_two_T(s, t):
    assume(t + 2 * s.T <= MAX_STEP)  # larger steps are refused (tests/test_hostile_inputs.py)
    m = ls.Cosine(s.lr0, s.T, s.lr_min, after="mirror")
    assert m(t + 2 * s.T) == pytest.approx(m(t), rel=1e-9, abs=1e-12 * s.lr0)


# a few units in the last place of a subnormal: rates near 1e-308 are rounded that coarsely
ULP = 2e-323
MONOTONE = ["step_decay", "multistep", "exponential", "inverse_time", "one_minus_sqrt"]


@pytest.mark.parametrize("name", MONOTONE + ["cosine", "polynomial"])
def test_monotone_non_increasing(name):
    @PROPS
    @given(FACTORIES[name]())
    def check(s):
        if isinstance(s, ls.Cosine) and s.after == "mirror":
            s = ls.Cosine(s.lr0, s.T, s.lr_min)
        if isinstance(s, ls.Polynomial) and s.lr_end > s.lr0:
            assert (np.diff(s(STEPS)) >= -1e-15 * s.lr_end - ULP).all()  # a ramp up
            return
        assert (np.diff(s(STEPS)) <= 1e-15 * s.bounds[1] + ULP).all(), repr(s)

    check()


@PROPS
@given(wsd())
def test_wsd_rises_then_never_rises(s):
    v = s(STEPS)
    w = s.t_warm
    assert (np.diff(v[: w + 1]) >= -1e-15 * s.lr0).all()
    assert (np.diff(v[w:]) <= 1e-15 * s.lr0).all()


def _jump(s, b, eps=1e-10):
    """|s(b - eps) - s(b + eps)| from the formula evaluated at real-valued steps."""
    a, c = s._eval(np.array([b - eps, b + eps]))
    return abs(a - c)


@PROPS
@given(warmup())
def test_warmup_from_zero_is_continuous_where_it_hands_over(s):
    if s.ramp != "from_zero":
        s = ls.Warmup(s.schedule, s.t_warm, "from_zero", s.start_lr)
    if isinstance(s.schedule, ls.StepDecay) and s.schedule.step_size == 1:
        return  # the wrapped schedule itself jumps at its own step 1
    assert _jump(s, float(s.t_warm)) <= 1e-4 * max(s.peak, s.schedule.bounds[1])


@PROPS
@given(one_cycle())
def test_one_cycle_continuous_at_phase_ends(s):
    for end, _, _ in s.phases()[:-1]:
        assert _jump(s, end) <= 1e-4 * s.lr_max


@PROPS
@given(wsd())
def test_wsd_continuous_at_phase_ends(s):
    edges = {s.T - s.t_decay, s.T, s.t_warm}
    if s.ramp == "from_first_step":
        edges.discard(s.t_warm)  # that ramp holds the peak at t_warm - 1 and t_warm by design
    for b in sorted(edges):
        if 0 < b:
            assert _jump(s, float(b)) <= 1e-4 * s.lr0, (repr(s), b)


@PROPS
@given(cyclic())
def test_cyclic_continuous_at_turning_points(s):
    for b in (s.step_size_up, s.period if s.mode == "triangular" else None):
        if b is not None:
            assert _jump(s, float(b)) <= 1e-4 * s.lr_max
