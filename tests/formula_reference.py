"""Independent evaluation of the published schedule formulas, for the hostile-input tests.

Integer steps are reduced exactly (``divmod`` on Python ints), ratios are exact
``Fraction`` values, and everything else runs in 40-digit ``Decimal`` arithmetic with
an exponent range far beyond float64 (so nothing under- or overflows on the way);
only ``cos`` / ``sin`` come from :mod:`math`, on the correctly rounded float of an
exact ratio. A convex combination ``a w + b (1 - w)`` is written that way (the same
number as the published ``a + (b - a)(1 - w)``) so the reference itself does not
cancel when one end is hundreds of orders of magnitude below the other.
"""

from __future__ import annotations

import bisect
import math
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    localcontext,
)
from fractions import Fraction
from typing import Any

import numpy as np

import lrsched as ls

# overflow to Infinity is allowed in the references (1 / Infinity = 0 is the right limit)
DEC = Context(prec=40, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, DivisionByZero])


def D(x: Any) -> Decimal:
    if isinstance(x, Fraction):
        return DEC.divide(Decimal(x.numerator), Decimal(x.denominator))
    if isinstance(x, (np.floating, np.integer)):
        x = x.item()
    return Decimal(x)


def F(x: Any) -> Fraction:
    """Exact value of the float64 a real parameter is accepted as."""
    return Fraction(float(x))


def dpow(base: Any, k: Any) -> Decimal:
    b = D(base)
    if b == 1 or k == 0:
        return Decimal(1)
    if b == 0:
        return Decimal(0)
    return DEC.power(b, D(k))


def dcos_half(u: Fraction) -> Decimal:
    """(1 + cos(pi u)) / 2 = cos(pi u / 2)**2, from math on the correctly rounded float u."""
    return D(math.cos(0.5 * math.pi * float(u)) ** 2)


def dsin_half(u: Fraction) -> Decimal:
    """(1 - cos(pi u)) / 2 = sin(pi u / 2)**2, accurate near u = 0 too."""
    return D(math.sin(0.5 * math.pi * float(u)) ** 2)


def blend(a: Decimal, b: Decimal, w: Decimal, w_b: Decimal | None = None) -> Decimal:
    """a w + b (1 - w): the published a + (b - a)(1 - w), without cancellation."""
    return a * w + b * (1 - w if w_b is None else w_b)


def ref_value(s: ls.Schedule, t: int) -> Decimal | None:
    """The published formula of ``s`` at integer step ``t``; None where not independent."""
    with localcontext(DEC):
        return _ref_value(s, t)


def _ref_value(s: ls.Schedule, t: int) -> Decimal | None:
    if isinstance(s, ls.Constant):
        return D(s.lr0)
    if isinstance(s, ls.StepDecay):
        return DEC.multiply(D(s.lr0), dpow(s.gamma, t // s.step_size))
    if isinstance(s, ls.MultiStep):
        return DEC.multiply(D(s.lr0), dpow(s.gamma, bisect.bisect_right(s.milestones, t)))
    if isinstance(s, ls.Exponential):
        if s.gamma is not None:
            return DEC.multiply(D(s.lr0), dpow(s.gamma, t))
        return DEC.multiply(D(s.lr0), DEC.exp(-DEC.multiply(D(s.lam), D(t))))
    if isinstance(s, ls.InverseTime):
        return DEC.divide(D(s.lr0), DEC.add(1, DEC.multiply(D(s.k), D(t))))
    if isinstance(s, ls.Polynomial):
        frac = D(1 - Fraction(min(t, s.T), s.T))
        p = DEC.power(frac, D(s.power)) if frac > 0 else Decimal(0)
        return blend(D(s.lr0), D(s.lr_end), p)
    if isinstance(s, ls.OneMinusSqrt):
        root = DEC.sqrt(D(Fraction(min(t, s.T), s.T)))
        return D(s.lr_min) + DEC.multiply(D(s.lr0) - D(s.lr_min), 1 - root)
    if isinstance(s, ls.Cosine):
        tt = min(t, s.T) if s.after == "clamp" else t % (2 * s.T)
        return D(s.lr_min) + DEC.multiply(D(s.lr0) - D(s.lr_min), dcos_half(Fraction(tt, s.T)))
    if isinstance(s, ls.SGDR):
        return ref_sgdr(s, t)
    if isinstance(s, ls.Cyclic):
        L = s.step_size_up + s.step_size_down
        done, pos = divmod(t, L)
        x, r = Fraction(pos, L), Fraction(s.step_size_up, L)
        h = x / r if x <= r else (x - 1) / (r - 1)
        f = {"triangular": Decimal(1), "triangular2": dpow(0.5, done)}.get(s.mode)
        f = dpow(s.gamma, t) if f is None else f
        return D(s.lr_min) + DEC.multiply(DEC.multiply(D(s.lr_max) - D(s.lr_min), f), D(h))
    if isinstance(s, ls.OneCycle):
        return ref_one_cycle(s, t)
    if isinstance(s, ls.InverseSqrt):
        n = t + 1
        ramp, decay = D(Fraction(n, s.t_warm)), DEC.sqrt(D(Fraction(s.t_warm, n)))
        return DEC.multiply(D(s.lr0), min(ramp, decay))
    if isinstance(s, ls.WSD):
        return ref_wsd(s, t)
    if isinstance(s, ls.Warmup):
        if t < s.t_warm:
            peak = ref_value(s.schedule, 0)
            if peak is None:
                return None
            o = 0 if s.ramp == "from_zero" else 1
            return blend(peak, D(s.start_lr), D(Fraction(t + o, s.t_warm)))
        return ref_value(s.schedule, t - s.t_warm)
    if isinstance(s, ls.Sequence):
        k = bisect.bisect_right(s.boundaries, t)
        edge = 0 if k == 0 else s.boundaries[k - 1]
        return ref_value(s.schedules[k], t - edge)
    if isinstance(s, ls.Product):
        parts = [ref_value(p, t) for p in s.schedules]
        if any(p is None for p in parts):
            return None
        out = Decimal(1)
        for p in parts:
            out = DEC.multiply(out, p)
        return out
    if isinstance(s, ls.SklearnConstant):
        return D(s.eta0)
    if isinstance(s, ls.SklearnInvScaling):
        return DEC.divide(D(s.eta0), dpow(t + 1, s.power_t))
    if isinstance(s, ls.SklearnOptimal):
        a = D(s.alpha)
        t0 = DEC.power(a, D(-0.75))
        return DEC.divide(1, DEC.multiply(a, t0 + D(t)))
    return None


def ref_sgdr(s: ls.SGDR, t: int) -> Decimal | None:
    if s.T_mult == 1.0:
        i, cur = divmod(t, s.T_0)
        length = Fraction(s.T_0)
    else:
        if math.log(max(t, 2)) / math.log(s.T_mult) > 5000:
            return None  # too many cycles to walk
        m = Fraction(s.T_mult)
        start, length, i = Fraction(0), Fraction(s.T_0), 0
        while start + length <= t:
            start, length, i = start + length, length * m, i + 1
        cur = t - start
        # the library places restarts at the float64 closed form of S_i: skip steps
        # within rounding of a restart, where the exact walk and it may disagree
        if cur < 1e-9 * max(1, t) or length - cur < 1e-9 * max(1, t):
            return None
    amp = DEC.multiply(D(s.lr0) - D(s.lr_min), dpow(s.decay, i))
    return D(s.lr_min) + DEC.multiply(amp, dcos_half(Fraction(cur) / length))


def ref_one_cycle(s: ls.OneCycle, t: int) -> Decimal:
    p, T = Fraction(s.pct_start), s.T
    init = DEC.divide(D(s.lr_max), D(s.div_factor))
    final = DEC.divide(init, D(s.final_div_factor))
    top = D(s.lr_max)
    if s.three_phase:
        phases = [
            (p * T - 1, init, top),
            (2 * p * T - 2, top, init),
            (Fraction(T - 1), init, final),
        ]
    else:
        phases = [(p * T - 1, init, top), (Fraction(T - 1), top, final)]
    tt = min(t, T - 1)
    start = Fraction(0)
    for end, a, b in phases:
        if tt <= end or end == phases[-1][0]:
            u = (tt - start) / (end - start)
            if s.anneal == "cos":
                return blend(a, b, dcos_half(u), dsin_half(u))
            return blend(a, b, D(1 - u))
        start = end
    raise AssertionError("unreachable")


def ref_wsd(s: ls.WSD, t: int) -> Decimal:
    lr0, lo = D(s.lr0), D(s.lr_min)
    if t < s.t_warm:
        o = 0 if s.ramp == "from_zero" else 1
        return DEC.multiply(lr0, D(Fraction(t + o, s.t_warm)))
    if t < s.T - s.t_decay:
        return lr0
    u = Fraction(min(t - (s.T - s.t_decay), s.t_decay), s.t_decay)
    if s.decay == "linear":
        g = D(1 - u)
    elif s.decay == "cosine":
        g = dcos_half(u)
    else:
        g = 1 - DEC.sqrt(D(u))
    return lo + DEC.multiply(lr0 - lo, g)


def has_cos(s: ls.Schedule) -> bool:
    if isinstance(s, (ls.Cosine, ls.SGDR)):
        return True
    if isinstance(s, ls.OneCycle):
        return s.anneal == "cos"
    if isinstance(s, ls.WSD):
        return s.decay == "cosine"
    if isinstance(s, ls.Warmup):
        return has_cos(s.schedule)
    if isinstance(s, (ls.Sequence, ls.Product)):
        return any(has_cos(p) for p in s.schedules)
    return False
