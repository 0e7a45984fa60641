"""Wrong answers the checkers must reject at the edges of their rules: a rate just below
zero, one schedule too few, a useful range that touches the optimum or the divergence
point, and a time limit switched off by code the checker runs only to describe an answer.

The right answers are written out here from the exercises' formulas (one gradient step
on (θ − 3)², the cosine with restarts), never taken from the checked library.
"""

from __future__ import annotations

import math
import signal

import pytest

from lrsched import exercises as ex


def one_step_loss(alpha, theta0=0.0):
    """J(θ1) after one step from θ0 on J = (θ − 3)^2: (θ0 − 3)^2 (1 − 2α)^2."""
    return (theta0 - 3.0) ** 2 * (1.0 - 2.0 * alpha) ** 2


def good_schedules():
    return {
        "constant": lambda t: 0.1,
        "step": lambda t: 0.1 * 0.5 ** (t // 30),
        "exponential": lambda t: 0.1 * math.exp(-0.02 * t),
        "cosine": lambda t: 0.5 * 0.1 * (1 + math.cos(math.pi * t / 150)),
        "1/t": lambda t: 0.1 / (1 + 0.05 * t),
    }


# ------------------------------------------------------------------------- exercise 3


def test_the_good_schedules_pass():
    assert ex.check_schedules(good_schedules(), strict=False).passed


@pytest.mark.parametrize("negative", [-1e-3, -0.5, -1e-300])
def test_a_schedule_with_one_negative_rate_is_rejected(negative):
    given = good_schedules()
    given["cosine"] = lambda t: negative if t == 149 else 0.1
    fb = ex.check_schedules(given, strict=False)
    assert fb.status == "wrong"
    assert "negative rate" in fb.message and "t=149" in fb.message


def test_one_schedule_too_few_is_rejected():
    given = good_schedules()
    del given["1/t"]
    fb = ex.check_schedules(given, strict=False)
    assert fb.status == "wrong"
    assert "at least 5 schedules; you have 4" in fb.message
    assert ex.check_schedules(given, minimum=4, strict=False).passed


# ------------------------------------------------------------------------- exercise 1


def test_the_band_inside_the_limits_passes():
    assert ex.check_range_test(one_step_loss, (0.1, 0.9), strict=False).passed


@pytest.mark.parametrize(
    ("band", "phrase"),
    [
        ((0.1, 1.0), "stop before divergence"),  # alpha = 1: one step no longer helps
        ((0.1, 1.5), "stop before divergence"),
        ((0.1, 0.5), "largest rate at which one step still lowers the loss"),  # 1/2 strictly inside
        ((0.5, 0.9), "starts to lower the loss clearly"),
        ((0.6, 0.9), "starts to lower the loss clearly"),
    ],
)
def test_a_band_touching_the_optimum_or_the_divergence_point_is_rejected(band, phrase):
    fb = ex.check_range_test(one_step_loss, band, strict=False)
    assert fb.status == "wrong"
    assert phrase in fb.message


# ------------------------------------------------------------------------- time limit


class Sneaky:
    """Not a number; describing it (its repr) switches the check's time limit off."""

    def __repr__(self):
        signal.setitimer(signal.ITIMER_REAL, 0)
        return "Sneaky()"


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX interval timers only")
def test_a_time_limit_switched_off_while_the_answer_is_described_is_reported():
    def sgdr(t, T0=10, alpha0=0.1, alpha_min=1e-4):
        return Sneaky()

    fb = ex.check_sgdr(sgdr, strict=False)
    assert fb.status == "error"
    assert "switches off the check's time limit" in fb.message
