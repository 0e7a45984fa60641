"""Hypothesis strategies that build every schedule factory with valid parameters.

Rates are drawn mostly from the everyday range and sometimes from the whole
documented one (a subnormal up to the float64 maximum); horizons mostly short and
sometimes up to ``MAX_STEP`` (2**63 - 1), so the properties hold at the extremes too.
"""

from __future__ import annotations

import math
import sys

from hypothesis import assume
from hypothesis import strategies as st

import lrsched as ls
from lrsched._validate import MAX_STEP

FMAX = sys.float_info.max
lr = st.one_of(st.floats(1e-6, 10.0), st.floats(5e-324, FMAX, allow_subnormal=True))
frac = st.floats(0.0, 1.0)
frac_open = st.floats(0.0, 0.999)
gamma = st.one_of(st.floats(1e-3, 1.0), st.floats(5e-324, 1.0, allow_subnormal=True))
horizon = st.one_of(st.integers(1, 400), st.integers(1, MAX_STEP))


@st.composite
def constant(draw):
    return ls.Constant(draw(lr))


@st.composite
def step_decay(draw):
    return ls.StepDecay(draw(lr), draw(st.integers(1, 60)), draw(gamma))


@st.composite
def multistep(draw):
    ms = sorted(draw(st.lists(st.integers(1, 300), min_size=1, max_size=5)))
    return ls.MultiStep(draw(lr), ms, draw(gamma))


@st.composite
def exponential(draw):
    if draw(st.booleans()):
        return ls.Exponential(draw(lr), gamma=draw(gamma))
    return ls.Exponential(draw(lr), lam=draw(st.floats(0.0, 2.0)))


@st.composite
def inverse_time(draw):
    return ls.InverseTime(draw(lr), draw(st.floats(0.0, 10.0)))


@st.composite
def polynomial(draw):
    return ls.Polynomial(
        draw(lr), draw(horizon), draw(st.floats(0.05, 5.0)), draw(st.floats(0, 10))
    )


@st.composite
def one_minus_sqrt(draw):
    a = draw(lr)
    return ls.OneMinusSqrt(a, draw(horizon), a * draw(frac))


@st.composite
def cosine(draw):
    a = draw(lr)
    return ls.Cosine(
        a, draw(horizon), a * draw(frac), after=draw(st.sampled_from(["clamp", "mirror"]))
    )


@st.composite
def sgdr(draw):
    a = draw(lr)
    return ls.SGDR(
        a,
        draw(st.integers(1, 50)),
        draw(st.floats(1.0, 3.0)),
        a * draw(frac),
        draw(st.floats(0.05, 1.0)),
    )


@st.composite
def cyclic(draw):
    hi = draw(lr)
    down = draw(st.one_of(st.none(), st.integers(1, 50)))
    low = hi * draw(frac_open)
    return ls.Cyclic(
        low if low < hi else 0.0,  # a subnormal hi times 0.999 rounds back to hi
        hi,
        draw(st.integers(1, 50)),
        down,
        mode=draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
        gamma=draw(st.floats(0.9, 1.0)),
    )


@st.composite
def one_cycle(draw):
    T = draw(st.integers(2, 500))
    three = draw(st.booleans())
    high = (T + 1) / (2 * T) if three else 1.0
    low = 1.0 / T
    pct = low + (high - low) * draw(st.floats(0.01, 0.99))
    return ls.OneCycle(
        draw(lr),
        T,
        pct,
        anneal=draw(st.sampled_from(["cos", "linear"])),
        div_factor=draw(st.floats(1.0, 100.0)),
        final_div_factor=draw(st.floats(1.0, 1e4)),
        three_phase=three,
    )


@st.composite
def inverse_sqrt(draw):
    return ls.InverseSqrt(draw(lr), draw(st.integers(1, 200)))


@st.composite
def wsd(draw):
    a = draw(lr)
    T = draw(st.integers(1, 300))
    t_decay = draw(st.integers(1, T))
    t_warm = draw(st.integers(0, T - t_decay))
    return ls.WSD(
        a,
        T,
        t_warm,
        t_decay,
        decay=draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
        lr_min=a * draw(frac),
        ramp=draw(st.sampled_from(list(ls.warmup.RAMPS))),
    )


@st.composite
def warmup(draw):
    inner = draw(st.one_of(cosine(), step_decay(), constant(), polynomial()))
    start = draw(st.floats(0.0, 1.0)) * inner.bounds[1]
    return ls.Warmup(
        inner,
        draw(st.integers(1, 100)),
        ramp=draw(st.sampled_from(list(ls.warmup.RAMPS))),
        start_lr=start,
    )


@st.composite
def warmup_cosine(draw):
    a = draw(lr)
    T = draw(st.integers(2, 400))
    return ls.warmup_cosine(
        a,
        T,
        draw(st.integers(1, T - 1)),
        a * draw(frac),
        ramp=draw(st.sampled_from(list(ls.warmup.RAMPS))),
    )


SIMPLE = [
    constant,
    step_decay,
    multistep,
    exponential,
    inverse_time,
    polynomial,
    one_minus_sqrt,
    cosine,
    sgdr,
    cyclic,
    one_cycle,
    inverse_sqrt,
]


@st.composite
def sequence(draw):
    n = draw(st.integers(2, 3))
    parts = [draw(st.one_of(*(f() for f in SIMPLE))) for _ in range(n)]
    cuts = sorted(draw(st.sets(st.integers(1, 300), min_size=n - 1, max_size=n - 1)))
    return ls.Sequence(parts, cuts)


@st.composite
def product(draw):
    a, b = draw(st.one_of(*(f() for f in SIMPLE))), draw(st.one_of(*(f() for f in SIMPLE)))
    assume(math.isfinite(a.bounds[1] * b.bounds[1]))  # larger peaks are refused (tested)
    return ls.Product(a, b)


FACTORIES = {f.__name__: f for f in SIMPLE + [wsd, warmup, warmup_cosine, sequence, product]}
any_schedule = st.one_of(*(f() for f in FACTORIES.values()))
