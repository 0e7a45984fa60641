"""Schedule values against independent sources: the seed chapter's and the concept
page's own definitions, the published formulas, and values printed by optax,
Keras and HF transformers (quoted to the 6 significant digits they were printed with)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrsched as ls

T = 100
ALPHA0 = 0.1
ALPHA_MIN = 1e-4


# --- the seed chapter's five definitions, restated from its formulas -------------------------


def seed_step(t):
    return ALPHA0 * (0.5 ** (t // 20))


def seed_exp(t):
    return ALPHA0 * math.exp(-0.04 * t)


def seed_cosine(t, a0=ALPHA0, amin=ALPHA_MIN, horizon=T):
    return amin + 0.5 * (a0 - amin) * (1 + math.cos(math.pi * t / horizon))


def seed_warmup_cosine(t, t_warm=10):
    if t <= t_warm:
        return ALPHA0 * t / t_warm
    return ALPHA_MIN + 0.5 * (ALPHA0 - ALPHA_MIN) * (
        1 + math.cos(math.pi * (t - t_warm) / (T - t_warm))
    )


def seed_cyclic(t, lo=1e-3, hi=ALPHA0, cycle=20):
    x = abs(t % (2 * cycle) / cycle - 1)
    return lo + (hi - lo) * max(0.0, 1 - x)


SEED = {
    "Step decay (γ=0.5, every 20)": seed_step,
    "Exponential (λ=0.04)": seed_exp,
    "Cosine annealing": seed_cosine,
    "Warm-up 10 + cosine": seed_warmup_cosine,
    "Triangular cycle (20 up, 20 down)": seed_cyclic,
}


@pytest.mark.parametrize("name", list(SEED))
def test_seed_chapter_schedules_match_its_definitions(name):
    sched = ls.seed_chapter_schedules()[name]
    expected = [SEED[name](t) for t in range(T)]
    # same formula, operations in another order: agreement to rounding (1e-14 relative)
    np.testing.assert_allclose(sched.values(T), expected, rtol=1e-14, atol=0)


def test_seed_chapter_catalog_is_exactly_the_five():
    assert list(ls.seed_chapter_schedules()) == list(SEED)


def test_concept_page_warmup_cosine_array():
    # The concept page's loop: (t+1)/Tw warm-up, then cosine over T - Tw - 1 to eta_min.
    n, tw, hi, lo = 10000, 500, 3e-4, 3e-5
    expected = np.empty(n)
    for t in range(n):
        if t < tw:
            expected[t] = hi * (t + 1) / max(1, tw)
        else:
            u = (t - tw) / max(1, n - tw - 1)
            expected[t] = lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * u))
    got = ls.warmup_cosine(hi, n - 1, tw, lo, ramp="from_first_step").values(n)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    assert got[0] == pytest.approx(hi / tw) and got[tw] == pytest.approx(hi)
    assert got[-1] == pytest.approx(lo, rel=1e-14)


def test_both_warmup_conventions():
    inner = ls.Constant(0.8)
    zero = ls.Warmup(inner, 4)
    first = ls.Warmup(inner, 4, ramp="from_first_step")
    np.testing.assert_allclose(zero.values(6), [0, 0.2, 0.4, 0.6, 0.8, 0.8])
    np.testing.assert_allclose(first.values(6), [0.2, 0.4, 0.6, 0.8, 0.8, 0.8])
    started = ls.Warmup(inner, 4, start_lr=0.4)
    np.testing.assert_allclose(started.values(5), [0.4, 0.5, 0.6, 0.7, 0.8])


# --- published formulas ------------------------------------------------------------------------


def test_exponential_forms_agree():
    t = np.arange(200)
    lam = 0.04
    a = ls.Exponential(0.1, lam=lam)(t)
    b = ls.Exponential(0.1, gamma=math.exp(-lam))(t)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(a, 0.1 * np.exp(-lam * t), rtol=0)


def test_inverse_time_matches_keras_values():
    # Keras InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5) at steps 1, 2, 4, 10
    s = ls.InverseTime(1.0, k=0.5 / 2)
    np.testing.assert_allclose([s(1), s(2), s(4), s(10)], [0.8, 0.666667, 0.5, 0.285714], rtol=5e-6)


def test_polynomial_end_value_matches_optax_and_keras():
    # optax polynomial_schedule(1.0, 0.1, power=2, transition_steps=4) and Keras PolynomialDecay
    s = ls.Polynomial(1.0, 4, power=2.0, lr_end=0.1)
    np.testing.assert_allclose(s([0, 1, 2, 3, 4, 8]), [1, 0.60625, 0.325, 0.15625, 0.1, 0.1])


def test_warmup_cosine_matches_optax():
    # optax warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=2, decay_steps=10, end_value=0.1)
    s = ls.warmup_cosine(1.0, 10, 2, 0.1)
    got = s([0, 1, 2, 3, 6, 9, 10, 20])
    np.testing.assert_allclose(got, [0, 0.5, 1, 0.965746, 0.55, 0.134254, 0.1, 0.1], rtol=5e-6)


def test_cosine_guided_practice_value():
    # alpha_min + (alpha0 - alpha_min)(1 + cos(pi/2))/2 = 0.05 at t = T/2
    assert ls.Cosine(0.1, 100, 0.0)(50) == pytest.approx(0.05, rel=1e-15)


def test_sgdr_matches_keras_restarts():
    # Keras CosineDecayRestarts(1.0, first_decay_steps=2) [t_mul=2]
    s = ls.SGDR(1.0, 2, 2)
    got = s([0, 1, 2, 3, 4, 5, 6, 7, 13, 14, 15])
    exp = [1, 0.5, 1, 0.853553, 0.5, 0.146447, 1, 0.96194, 0.0380602, 1, 0.990393]
    np.testing.assert_allclose(got, exp, rtol=1e-5)
    # Keras CosineDecayRestarts(1.0, 5, t_mul=1.0, m_mul=0.5, alpha=0.1): peak decay per restart
    d = ls.SGDR(1.0, 5, 1.0, lr_min=0.1, decay=0.5)
    got = d([0, 2, 4, 5, 7, 10, 15])
    np.testing.assert_allclose(
        got, [1, 0.689058, 0.185942, 0.55, 0.394529, 0.325, 0.2125], rtol=1e-5
    )


def _sgdr_by_running_sum(t, T0, mult, lo, hi):
    """The paper's definition, walking the cycles one by one (the seed exercise's hint)."""
    start, length = 0.0, float(T0)
    while t >= start + length:
        start += length
        length *= mult
    return lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * (t - start) / length))


@pytest.mark.parametrize("mult", [1.0, 1.5, 2.0, 2.5, 3.0])
def test_sgdr_restart_positions_including_non_integer_mult(mult):
    s = ls.SGDR(0.1, 10, mult, lr_min=1e-4)
    t = np.arange(400)
    expected = [_sgdr_by_running_sum(int(k), 10, mult, 1e-4, 0.1) for k in t]
    np.testing.assert_allclose(s(t), expected, rtol=1e-12)


def test_sgdr_seed_exercise_restarts():
    s = ls.SGDR(0.1, 10, 2, lr_min=1e-4)
    np.testing.assert_allclose(s.restarts(4), [0, 10, 30, 70])
    assert (
        s(10) == pytest.approx(0.1) and s(30) == pytest.approx(0.1) and s(70) == pytest.approx(0.1)
    )
    assert s(9) < s(10) and s(29) < s(30)


def test_inverse_sqrt_is_the_transformer_formula():
    d_model, warm = 512, 4000
    s = ls.InverseSqrt.noam(d_model, warm)
    n = np.arange(1, 20001)
    noam = d_model**-0.5 * np.minimum(n**-0.5, n * warm**-1.5)
    np.testing.assert_allclose(s(n - 1), noam, rtol=1e-13)
    assert s(warm - 1) == pytest.approx(6.98771e-4, rel=1e-5)  # (512 * 4000) ** -0.5


@pytest.mark.parametrize(
    ("decay", "lr_min", "points"),
    [
        # HF get_scheduler('warmup_stable_decay', 2, 10, num_decay_steps=4, ...)
        (
            "cosine",
            0.0,
            {0: 0, 1: 0.5, 2: 1, 3: 1, 5: 1, 6: 1, 7: 0.853553, 8: 0.5, 9: 0.146447, 10: 0, 12: 0},
        ),
        ("1-sqrt", 0.0, {0: 0, 1: 0.5, 2: 1, 6: 1, 7: 0.5, 8: 0.292893, 9: 0.133975, 10: 0}),
        ("linear", 0.1, {2: 1, 6: 1, 7: 0.775, 8: 0.55, 9: 0.325, 10: 0.1, 12: 0.1}),
    ],
)
def test_wsd_matches_hf(decay, lr_min, points):
    s = ls.WSD(1.0, T=10, t_warm=2, t_decay=4, decay=decay, lr_min=lr_min)
    np.testing.assert_allclose(s(list(points)), list(points.values()), rtol=5e-6, atol=1e-12)


def test_wsd_without_stable_phase_or_warmup():
    s = ls.WSD(1.0, T=6, t_warm=0, t_decay=6, decay="linear")
    np.testing.assert_allclose(s.values(8), [1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6, 0, 0])


def test_one_cycle_clamps_at_final_value_after_the_end():
    s = ls.OneCycle(1.0, 10, anneal="linear")
    assert s(9) == pytest.approx(4e-6) and s(10) == s(9) and s(1000) == s(9)


def test_sequence_rebases_and_product_multiplies():
    seq = ls.Sequence([ls.Constant(1.0), ls.Polynomial(1.0, 4, 1.0, 0.0)], [3])
    np.testing.assert_allclose(seq.values(9), [1, 1, 1, 1, 0.75, 0.5, 0.25, 0, 0])
    prod = ls.Product(ls.Constant(0.5), ls.Exponential(1.0, gamma=0.5))
    np.testing.assert_allclose(prod.values(4), [0.5, 0.25, 0.125, 0.0625])


def test_from_callable_vectorized_and_scalar_only():
    vec = ls.FromCallable(lambda t: 0.1 / (1 + t))
    np.testing.assert_allclose(vec.values(4), [0.1, 0.05, 0.1 / 3, 0.025])

    def scalar_only(t):
        return 0.1 if t < 2 else 0.01  # `if` on an array raises: falls back to scalar calls

    s = ls.FromCallable(scalar_only)
    np.testing.assert_allclose(s.values(4), [0.1, 0.1, 0.01, 0.01])
    assert "scalar_only" in repr(s)


def test_from_callable_rejects_bad_values():
    with pytest.raises(ValueError, match=r"t=3"):
        ls.FromCallable(lambda t: 1.0 / (3 - t) if t != 3 else float("nan"))(np.arange(5))
    with pytest.raises(ValueError, match="finite and >= 0"):
        ls.FromCallable(lambda t: -0.1 * np.ones_like(t, dtype=float))(2)


def test_scalar_and_array_calls():
    s = ls.Cosine(0.1, 10)
    assert isinstance(s(3), float)
    assert isinstance(s(np.int64(3)), float)
    out = s(np.arange(6).reshape(2, 3))
    assert out.shape == (2, 3) and out.dtype == np.float64
    assert s([1, 2]).tolist() == [s(1), s(2)]


def test_repr_shows_parameters():
    assert repr(ls.StepDecay(0.1, 20, 0.5)) == "StepDecay(lr0=0.1, step_size=20, gamma=0.5)"
    r = repr(ls.warmup_cosine(0.1, 100, 10, 1e-4))
    assert r.startswith("Warmup(schedule=Cosine(lr0=0.1, T=90") and "t_warm=10" in r


def test_past_end_is_documented_for_every_schedule():
    cases = {
        ls.Constant(1.0): "unbounded",
        ls.StepDecay(1.0, 2): "unbounded",
        ls.Polynomial(1.0, 5): "clamp",
        ls.Cosine(1.0, 5): "clamp",
        ls.Cosine(1.0, 5, after="mirror"): "periodic",
        ls.SGDR(1.0, 5): "periodic",
        ls.Cyclic(0.1, 1.0, 3): "periodic",
        ls.OneCycle(1.0, 10): "clamp",
        ls.WSD(1.0, 10, 2, 3): "clamp",
        ls.InverseSqrt(1.0, 4): "unbounded",
        ls.warmup_cosine(1.0, 10, 2): "clamp",
    }
    for sched, expected in cases.items():
        assert sched.past_end == expected, repr(sched)


# --- pinned edges the mutation run found untested ------------------------------------------


def _sgdr_by_walking(lr0, T_0, T_mult, t):
    """SGDR from its definition, walking the cycles in exact rational arithmetic.

    Cycle i lasts T_0 * T_mult**i updates; the first update at or after a cycle's
    (real-valued) start restarts, with T_cur = t - S_i (Loshchilov & Hutter, 2017).
    """
    from fractions import Fraction

    start, length = Fraction(0), Fraction(T_0)
    while start + length <= t:
        start, length = start + length, length * Fraction(T_mult)
    return 0.5 * lr0 * (1.0 + math.cos(math.pi * float((t - start) / length)))


@pytest.mark.parametrize("T_mult", [2.0, 3.0, 1.5, 4.0])
def test_sgdr_restarts_far_out_match_the_walked_cycles(T_mult):
    # far past t ~ 400, where the log-based cycle index is most often a hair off
    s = ls.SGDR(0.1, 10, T_mult)
    ts = np.arange(0, 12_000)
    got = s(ts)
    ref = np.array([_sgdr_by_walking(0.1, 10, T_mult, int(t)) for t in ts])
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)


def test_sgdr_t_mult_3_peaks_at_its_restart_1210():
    # cycles of 10, 30, 90, 270, 810 updates start at 0, 10, 40, 130, 400 and 1210
    starts = np.cumsum([0] + [10 * 3**i for i in range(5)])
    assert starts.tolist() == [0, 10, 40, 130, 400, 1210]
    s = ls.SGDR(0.1, 10, 3.0)
    for start in starts:
        assert s(int(start)) == 0.1  # the peak, exactly
    assert s(1209) == pytest.approx(0.05 * (1 + math.cos(math.pi * 809 / 810)), rel=1e-12)
    assert s(1209) < 1e-6  # the last update of a cycle is near the floor


@pytest.mark.parametrize("gamma", [math.nextafter(1.0, 2.0), 1.0 + 1e-9, 1.5, 10.0])
def test_exponential_rejects_gamma_above_one(gamma):
    with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\]"):
        ls.Exponential(0.1, gamma=gamma)
    assert ls.Exponential(0.1, gamma=1.0)(10**6) == 0.1  # the boundary itself is allowed
