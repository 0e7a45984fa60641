"""Step-for-step parity with PyTorch's schedulers.

The expected values were produced once by running PyTorch 2.13.0 (CPU) with the
stepping protocol ``optimizer.step(); scheduler.step()`` and recording
``get_last_lr()`` before every update; see ``tools/make_torch_fixtures.py`` for the
exact procedure and how to regenerate ``tests/fixtures/torch_schedules.json``.
PyTorch is not needed to run these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lrsched as ls

FIXTURES = json.loads(
    (Path(__file__).parent / "fixtures" / "torch_schedules.json").read_text(encoding="utf-8")
)
CASES = {c["id"]: c for c in FIXTURES["cases"]}
RTOL = 1e-12
ATOL = 1e-15  # only matters where PyTorch itself returns an exact 0


def _linear(base: float, start_factor: float, end_factor: float, total_iters: int):
    return ls.Polynomial(base * start_factor, total_iters, 1.0, base * end_factor)


def _constant_factor(base: float, factor: float, total_iters: int):
    return ls.Sequence([ls.Constant(base * factor), ls.Constant(base)], [total_iters])


def translate(name: str, base: float, kw: dict) -> ls.Schedule:
    """The lrsched schedule that the README's translation table gives for a torch call."""
    if name == "StepLR":
        return ls.StepDecay(base, kw["step_size"], kw["gamma"])
    if name == "MultiStepLR":
        return ls.MultiStep(base, kw["milestones"], kw["gamma"])
    if name == "ExponentialLR":
        return ls.Exponential(base, gamma=kw["gamma"])
    if name == "CosineAnnealingLR":
        return ls.Cosine(base, kw["T_max"], kw.get("eta_min", 0.0), after="mirror")
    if name == "CosineAnnealingWarmRestarts":
        return ls.SGDR(base, kw["T_0"], kw.get("T_mult", 1), kw.get("eta_min", 0.0))
    if name == "CyclicLR":
        return ls.Cyclic(
            kw["base_lr"],
            kw["max_lr"],
            kw["step_size_up"],
            kw.get("step_size_down"),
            mode=kw.get("mode", "triangular"),
            gamma=kw.get("gamma", 1.0),
        )
    if name == "OneCycleLR":
        return ls.OneCycle(
            kw["max_lr"],
            kw["total_steps"],
            pct_start=kw.get("pct_start", 0.3),
            anneal=kw.get("anneal_strategy", "cos"),
            div_factor=kw.get("div_factor", 25.0),
            final_div_factor=kw.get("final_div_factor", 1e4),
            three_phase=kw.get("three_phase", False),
        )
    if name == "LinearLR":
        return _linear(base, kw["start_factor"], kw["end_factor"], kw["total_iters"])
    if name == "PolynomialLR":
        return ls.Polynomial(base, kw["total_iters"], kw["power"])
    if name == "ConstantLR":
        return _constant_factor(base, kw["factor"], kw["total_iters"])
    raise KeyError(name)


STEPPED = [
    c
    for c in FIXTURES["cases"]
    if c["scheduler"] not in ("ReduceLROnPlateau", "SequentialLR", "ChainedScheduler")
]


@pytest.mark.parametrize("case", STEPPED, ids=[c["id"] for c in STEPPED])
def test_matches_torch_step_for_step(case):
    sched = translate(case["scheduler"], case["base_lr"], case["kwargs"])
    got = sched.values(case["n_steps"])
    np.testing.assert_allclose(got, case["values"], rtol=RTOL, atol=ATOL)


def test_every_torch_counterpart_is_covered():
    names = {c["scheduler"] for c in FIXTURES["cases"]}
    required = {
        "StepLR",
        "MultiStepLR",
        "ExponentialLR",
        "CosineAnnealingLR",
        "CosineAnnealingWarmRestarts",
        "CyclicLR",
        "OneCycleLR",
        "LinearLR",
        "PolynomialLR",
        "ConstantLR",
    }
    assert required <= names
    modes = {c["kwargs"].get("mode", "triangular") for c in STEPPED if c["scheduler"] == "CyclicLR"}
    assert modes == {"triangular", "triangular2", "exp_range"}
    onecycle = {
        (c["kwargs"].get("anneal_strategy", "cos"), c["kwargs"].get("three_phase", False))
        for c in STEPPED
        if c["scheduler"] == "OneCycleLR"
    }
    assert onecycle == {("cos", False), ("linear", False), ("cos", True), ("linear", True)}


def test_cycles_cover_at_least_three_periods():
    for case in STEPPED:
        kw = case["kwargs"]
        if case["scheduler"] == "CyclicLR":
            period = kw["step_size_up"] + kw.get("step_size_down", kw["step_size_up"])
            assert case["n_steps"] >= 3 * period, case["id"]
        if case["scheduler"] == "CosineAnnealingWarmRestarts":
            sgdr = translate(case["scheduler"], case["base_lr"], kw)
            assert sgdr.restarts(4)[-1] < case["n_steps"], case["id"]


def test_sequential_lr_is_a_sequence():
    case = CASES["sequential_warmup_cosine"]
    base = case["base_lr"]
    (lin, cos), milestones = case["kwargs"]["schedulers"], case["kwargs"]["milestones"]
    sched = ls.Sequence(
        [
            translate(lin["scheduler"], base, lin["kwargs"]),
            translate(cos["scheduler"], base, cos["kwargs"]),
        ],
        milestones,
    )
    np.testing.assert_allclose(sched.values(case["n_steps"]), case["values"], rtol=RTOL, atol=ATOL)


def test_chained_scheduler_is_a_product():
    case = CASES["chained_const_exp"]
    const, expo = case["kwargs"]["schedulers"]
    factor = translate(const["scheduler"], 1.0, const["kwargs"])  # a factor, lr0 = 1
    decay = translate(expo["scheduler"], case["base_lr"], expo["kwargs"])
    got = ls.Product(factor, decay).values(case["n_steps"])
    np.testing.assert_allclose(got, case["values"], rtol=RTOL, atol=ATOL)


PLATEAU = [c for c in FIXTURES["cases"] if c["scheduler"] == "ReduceLROnPlateau"]


@pytest.mark.parametrize("case", PLATEAU, ids=[c["id"] for c in PLATEAU])
def test_reduce_on_plateau_matches_torch(case):
    kw = dict(case["kwargs"])
    if "min_lr" in kw:
        kw["lr_min"] = kw.pop("min_lr")
    p = ls.ReduceOnPlateau(case["base_lr"], **kw)
    got = [p.lr] + [p.step(m) for m in case["metrics"]]
    np.testing.assert_allclose(got, case["values"], rtol=RTOL, atol=ATOL)
    assert p.history == got


def test_cosine_clamps_where_torch_would_climb_back():
    case = CASES["cosine_50"]
    clamp = ls.Cosine(case["base_lr"], 50, 0.001)
    mirror = ls.Cosine(case["base_lr"], 50, 0.001, after="mirror")
    assert clamp(75) == pytest.approx(0.001, rel=1e-15)
    assert mirror(75) == pytest.approx(mirror(25), rel=1e-12)  # torch's period is 2*T_max
    assert mirror(100) == pytest.approx(case["base_lr"], rel=1e-12)
