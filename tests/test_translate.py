"""lrsched.from_torch / from_optax / from_keras on hostile input (no framework needed).

Their agreement with each library's own values is checked in tests/test_adapter_*.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrsched as ls


@pytest.mark.parametrize("lr", [math.nan, math.inf, -0.1, 0.0, 1e308 * 10])
def test_bad_base_rate_names_lr(lr):
    with pytest.raises(ValueError, match="lr"):
        ls.from_torch("StepLR", lr, step_size=3)


@pytest.mark.parametrize("lr", ["0.1", True, None, [0.1]])
def test_base_rate_of_the_wrong_type(lr):
    with pytest.raises(TypeError, match="lr"):
        ls.from_torch("ExponentialLR", lr, gamma=0.9)


@pytest.mark.parametrize(
    "call, kind, match",
    [
        (lambda: ls.from_torch("StepLR", 0.1, step_size=2**63), ValueError, "step_size"),
        (lambda: ls.from_torch("StepLR", 0.1, step_size=3.0), TypeError, "step_size"),
        (lambda: ls.from_torch("LinearLR", 0.1, start_factor=0.0), ValueError, "start_factor"),
        (lambda: ls.from_torch("ConstantLR", 0.1, factor=math.nan), ValueError, "factor"),
        (lambda: ls.from_torch("OneCycleLR", max_lr=0.1), TypeError, "total_steps"),
        (lambda: ls.from_torch(3, 0.1), ValueError, "unknown scheduler"),
        (lambda: ls.from_torch("LambdaLR", 0.1, lr_lambda=0.5), TypeError, "lr_lambda"),
        (lambda: ls.from_optax("cosine_decay_schedule", init_value=0.1), TypeError, "decay_steps"),
        (
            lambda: ls.from_optax(
                "exponential_decay", init_value=0.1, transition_steps=0, decay_rate=0.5
            ),
            ValueError,
            "transition_steps",
        ),
        (
            lambda: ls.from_keras(
                "ExponentialDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=2.0
            ),
            ValueError,
            "decay_rate",
        ),
        (
            lambda: ls.from_keras("PiecewiseConstantDecay", boundaries=[3], values=[0.1]),
            ValueError,
            "values",
        ),
        (
            lambda: ls.from_keras(
                "PolynomialDecay", initial_learning_rate=0.1, decay_steps=10, cycle=True
            ),
            ValueError,
            "cycle",
        ),
    ],
)
def test_bad_arguments_name_the_parameter(call, kind, match):
    with pytest.raises(kind, match=match):
        call()


def test_results_are_lrsched_schedules_with_finite_values():
    s = ls.from_torch("CosineAnnealingWarmRestarts", 0.1, T_0=5, T_mult=2)
    assert isinstance(s, ls.SGDR)
    t = np.array([0, 1, 2**40, 2**62])
    assert np.all(np.isfinite(s(t)))
    p = ls.from_torch("ReduceLROnPlateau", 0.1, patience=0)
    assert isinstance(p, ls.ReduceOnPlateau)
    assert [p.step(m) for m in (1.0, 2.0)] == [0.1, pytest.approx(0.01)]
