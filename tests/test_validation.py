"""Bad parameters and bad steps raise ValueError/TypeError naming the parameter and its range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrsched as ls

# factory -> (valid keyword arguments, {parameter: kind})
SPEC = {
    ls.Constant: (dict(lr0=0.1), {"lr0": "pos"}),
    ls.StepDecay: (
        dict(lr0=0.1, step_size=5, gamma=0.5),
        {"lr0": "pos", "step_size": "posint", "gamma": "unit"},
    ),
    ls.MultiStep: (dict(lr0=0.1, milestones=[3, 7], gamma=0.5), {"lr0": "pos", "gamma": "unit"}),
    ls.InverseTime: (dict(lr0=0.1, k=0.5), {"lr0": "pos", "k": "nonneg"}),
    ls.Polynomial: (
        dict(lr0=0.1, T=10, power=2.0, lr_end=0.01),
        {"lr0": "pos", "T": "posint", "power": "pos", "lr_end": "nonneg"},
    ),
    ls.OneMinusSqrt: (
        dict(lr0=0.1, T=10, lr_min=0.01),
        {"lr0": "pos", "T": "posint", "lr_min": "nonneg"},
    ),
    ls.Cosine: (
        dict(lr0=0.1, T=10, lr_min=0.01, after="clamp"),
        {"lr0": "pos", "T": "posint", "lr_min": "nonneg", "after": "choice"},
    ),
    ls.SGDR: (
        dict(lr0=0.1, T_0=10, T_mult=2.0, lr_min=0.0, decay=0.5),
        {"lr0": "pos", "T_0": "posint", "T_mult": "atleast1", "lr_min": "nonneg", "decay": "unit"},
    ),
    ls.Cyclic: (
        dict(
            lr_min=0.01, lr_max=0.1, step_size_up=5, step_size_down=3, mode="triangular", gamma=0.99
        ),
        {
            "lr_min": "nonneg",
            "lr_max": "pos",
            "step_size_up": "posint",
            "step_size_down": "posint_or_none",
            "mode": "choice",
            "gamma": "unit",
        },
    ),
    ls.OneCycle: (
        dict(lr_max=0.1, T=100, pct_start=0.3, anneal="cos", div_factor=25.0, final_div_factor=1e4),
        {
            "lr_max": "pos",
            "T": "posint",
            "pct_start": "unit",
            "anneal": "choice",
            "div_factor": "atleast1",
            "final_div_factor": "atleast1",
        },
    ),
    ls.InverseSqrt: (dict(lr0=0.1, t_warm=10), {"lr0": "pos", "t_warm": "posint"}),
    ls.WSD: (
        dict(lr0=0.1, T=100, t_warm=10, t_decay=20, decay="cosine", lr_min=0.0, ramp="from_zero"),
        {
            "lr0": "pos",
            "T": "posint",
            "t_warm": "nonnegint",
            "t_decay": "posint",
            "decay": "choice",
            "lr_min": "nonneg",
            "ramp": "choice",
        },
    ),
    ls.warmup_cosine: (
        dict(lr0=0.1, T=100, t_warm=10, lr_min=0.0, ramp="from_zero"),
        {"lr0": "pos", "T": "posint", "t_warm": "posint", "lr_min": "nonneg", "ramp": "choice"},
    ),
    ls.Warmup: (
        dict(schedule=ls.Constant(0.1), t_warm=5, ramp="from_zero", start_lr=0.0),
        {"t_warm": "posint", "ramp": "choice", "start_lr": "nonneg"},
    ),
    ls.ReduceOnPlateau: (
        dict(
            lr0=0.1,
            mode="min",
            factor=0.5,
            patience=2,
            threshold=1e-4,
            threshold_mode="rel",
            cooldown=0,
            lr_min=0.0,
            eps=1e-8,
        ),
        {
            "lr0": "pos",
            "mode": "choice",
            "factor": "unit_open",
            "patience": "nonnegint",
            "threshold": "nonneg",
            "threshold_mode": "choice",
            "cooldown": "nonnegint",
            "lr_min": "nonneg",
            "eps": "nonneg",
        },
    ),
}

text = st.text(min_size=0, max_size=5)
not_number = st.one_of(text, st.none(), st.booleans(), st.lists(st.integers(), max_size=2))
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])
BAD = {
    "pos": st.one_of(not_number, non_finite, st.floats(-1e6, 0.0)),
    "nonneg": st.one_of(not_number, non_finite, st.floats(-1e6, -1e-9)),
    "unit": st.one_of(not_number, non_finite, st.floats(-10, 0.0), st.floats(1.0 + 1e-9, 10)),
    "unit_open": st.one_of(not_number, non_finite, st.floats(-10, 0.0), st.floats(1.0, 10)),
    "atleast1": st.one_of(not_number, non_finite, st.floats(-10, 1.0 - 1e-9)),
    "posint": st.one_of(
        not_number, st.integers(-(10**6), 0), st.floats(allow_nan=True, allow_infinity=True)
    ),
    "posint_or_none": st.one_of(
        text,
        st.booleans(),
        st.integers(-(10**6), 0),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
    "nonnegint": st.one_of(
        not_number, st.integers(-(10**6), -1), st.floats(allow_nan=True, allow_infinity=True)
    ),
    "choice": st.one_of(
        st.none(),
        st.integers(),
        text.filter(
            lambda s: (
                s
                not in (
                    "clamp",
                    "mirror",
                    "triangular",
                    "triangular2",
                    "exp_range",
                    "cos",
                    "linear",
                    "cosine",
                    "1-sqrt",
                    "from_zero",
                    "from_first_step",
                    "min",
                    "max",
                    "rel",
                    "abs",
                )
            )
        ),
    ),
}
CASES = [(f, p) for f, (_, params) in SPEC.items() for p in params]


@pytest.mark.parametrize(("factory", "param"), CASES, ids=[f"{f.__name__}-{p}" for f, p in CASES])
def test_invalid_parameter_raises_named_error(factory, param):
    valid, params = SPEC[factory]
    factory(**valid)  # the baseline is valid

    @settings(max_examples=60, deadline=None)
    @given(BAD[params[param]])
    def check(bad):
        with pytest.raises((ValueError, TypeError)) as err:
            factory(**{**valid, param: bad})
        assert param in str(err.value)

    check()


@pytest.mark.parametrize(
    ("call", "param", "fragment"),
    [
        (lambda: ls.Cosine(0.1, 10, lr_min=0.2), "lr_min", "[0, 0.1]"),
        (lambda: ls.Cosine(0.1, 0), "T", "[1, 9223372036854775807]"),
        (lambda: ls.StepDecay(0.1, 5, gamma=1.5), "gamma", "(0, 1]"),
        (lambda: ls.Cyclic(0.2, 0.1, 5), "lr_min", "[0, 0.1)"),
        (lambda: ls.Cyclic(0.01, 0.1, 0), "step_size_up", "[1, 9223372036854775807]"),
        (lambda: ls.warmup_cosine(0.1, 100, 100), "t_warm", "[1, 99]"),
        (lambda: ls.WSD(0.1, 100, 90, 20), "t_warm", "[0, 80]"),
        (lambda: ls.OneCycle(0.1, 10, pct_start=0.1), "pct_start", "(0.1, 1)"),
        (lambda: ls.OneCycle(0.1, 10, pct_start=0.6, three_phase=True), "pct_start", "(0.1, 0.55)"),
        (lambda: ls.SGDR(0.1, 10, T_mult=0.5), "T_mult", "[1, 1e+06]"),
        (lambda: ls.MultiStep(0.1, [5, 3]), "milestones", "non-decreasing"),
        (lambda: ls.MultiStep(0.1, [0, 3]), "milestones[0]", "[1, 9223372036854775807]"),
        (lambda: ls.MultiStep(0.1, "5"), "milestones", "sequence"),
        (lambda: ls.Exponential(0.1), "gamma", "exactly one"),
        (lambda: ls.Exponential(0.1, gamma=0.9, lam=0.1), "lam", "exactly one"),
        (lambda: ls.Sequence([ls.Constant(1.0)], []), "schedules", "at least 2"),
        (lambda: ls.Sequence([ls.Constant(1.0), ls.Constant(2.0)], [3, 4]), "boundaries", "1"),
        (lambda: ls.Sequence([ls.Constant(1.0)] * 3, [4, 4]), "boundaries", "strictly"),
        (lambda: ls.Sequence([ls.Constant(1.0), 3.0], [2]), "schedules[1]", "callable"),
        (lambda: ls.Product(ls.Constant(1.0)), "schedules", "at least 2"),
        (lambda: ls.FromCallable(0.1), "fn", "callable"),
        (lambda: ls.Warmup("cosine", 5), "schedule", "callable"),
        (lambda: ls.OneCycle(0.1, 10, three_phase=1), "three_phase", "True or False"),
        (lambda: ls.ReduceOnPlateau(0.1).step(math.nan), "metric", "finite"),
        (lambda: ls.InverseSqrt.noam(0, 10), "d_model", "[1, 9223372036854775807]"),
        (lambda: ls.Cosine(0.1, 10).values(-1), "n", "[0, 268435456]"),
    ],
)
def test_specific_messages(call, param, fragment):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    msg = str(err.value)
    assert param in msg and fragment in msg, msg


@pytest.mark.parametrize(
    ("t", "error"),
    [
        (-1, ValueError),
        (np.array([0, 3, -2]), ValueError),
        (1.5, TypeError),
        (2.0, TypeError),
        (True, TypeError),
        (np.array([0.0, 1.0]), TypeError),
        ("3", TypeError),
        (None, TypeError),
        (np.array([True, False]), TypeError),
        (math.nan, TypeError),
    ],
)
def test_bad_steps_are_refused(t, error):
    with pytest.raises(error, match=r"\bt must"):
        ls.Cosine(0.1, 10)(t)


def test_steps_accept_all_integer_kinds():
    s = ls.StepDecay(1.0, 2, 0.5)
    for t in (3, np.int32(3), np.uint8(3), np.array(3), np.array([3], dtype=np.int16)):
        assert float(np.asarray(s(t)).ravel()[0]) == 0.5
    assert s(np.array([], dtype=np.int64)).shape == (0,)
