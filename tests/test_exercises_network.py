"""Exercise 4 (chapter 9): the warm-up + cosine schedule and the choice of peak and warm-up.

Expected schedule values come from the formula written out here in plain floats; the
choice's outcome comes from the network simulator, whose updates are pinned against
PyTorch in tests/test_network_optimizers.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrsched.exercises as ex
from lrsched.exercises._network import reference_warmup_cosine


def by_hand(t, peak=0.4, warmup=10, T=210):
    if t < warmup:
        return peak * t / warmup
    return 0.5 * peak * (1.0 + math.cos(math.pi * (t - warmup) / (T - warmup)))


@pytest.mark.parametrize(("peak", "warmup", "T"), [(0.4, 10, 210), (0.3, 15, 120), (1.0, 0, 7)])
def test_the_reference_schedule_is_the_formula(peak, warmup, T):
    got = reference_warmup_cosine(peak, warmup, T)
    want = [by_hand(t, peak, warmup, T) for t in range(T)]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)
    assert got[0] == (0.0 if warmup else peak) and got.size == T


def test_a_correct_schedule_passes():
    fb = ex.check_warmup_cosine(by_hand)
    assert fb.passed, fb
    assert "the peak 0.4 first at t = 10" in fb.message


def _early(t, peak, warmup, T):
    return peak * (t + 1) / warmup if t < warmup else by_hand(t, peak, warmup, T)


def _global_clock(t, peak, warmup, T):
    return peak * t / warmup if t < warmup else 0.5 * peak * (1 + math.cos(math.pi * t / T))


def _over_T(t, peak, warmup, T):
    if t < warmup:
        return peak * t / warmup
    return 0.5 * peak * (1 + math.cos(math.pi * (t - warmup) / T))


def _ignores_arguments(t, peak, warmup, T):
    return by_hand(t)


def _no_warmup_case(t, peak, warmup, T):
    return by_hand(t, peak, max(warmup, 1), T)


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (_early, "one update early"),
        (_global_clock, "restart its clock"),
        (_over_T, "T − warmup, not T"),
        (_ignores_arguments, "use the arguments"),
        (_no_warmup_case, "warmup=0"),
        (lambda t, peak, warmup, T: 0.4, "for every t"),
    ],
)
def test_wrong_schedules_get_the_hint_that_explains_them(fn, words):
    fb = ex.check_warmup_cosine(fn)
    assert fb.status == "wrong" and words in fb.message, fb


def test_stubs_and_bad_returns_give_feedback_not_tracebacks():
    def stub(t, peak, warmup, T):
        raise NotImplementedError

    assert ex.check_warmup_cosine(stub).status == "not implemented"
    for value in (float("nan"), "0.1", np.ones(2), None, True, 1e308 * 10):
        fb = ex.check_warmup_cosine(lambda t, peak, warmup, T, v=value: v)
        assert not fb.passed and fb.status in {"wrong", "error"}, (value, fb)
    assert ex.check_warmup_cosine(lambda t: 0.1).status == "wrong"  # no keywords
    assert ex.check_warmup_cosine(3.0).status == "wrong"  # not a function
    with pytest.raises(AssertionError, match="Exercise 4"):
        ex.check_warmup_cosine(stub, strict=True)


# ----------------------------------------------------------------------------- the choice


@pytest.fixture(scope="module")
def trials():
    pairs = [(p, w) for p in ex.EX4_PEAKS for w in ex.EX4_WARMUPS]
    return {(t.peak, t.warmup): t for t in ex.warmup_trial(*zip(*pairs, strict=True))}


def test_the_menu_has_one_lesson(trials):
    passing = {k for k, t in trials.items() if t.passed}
    assert passing, "no choice passes"
    for peak, warmup in passing:
        assert warmup > 0
        assert trials[(peak, 0)].diverged.any()  # the same peak without warm-up diverges
    # every peak that trains without warm-up misses the target
    for (_peak, warmup), t in trials.items():
        if warmup == 0 and not t.diverged.any():
            assert t.mean_accuracy < ex.EX4_TARGET


def test_one_choice_alone_equals_the_same_choice_in_the_batch(trials):
    alone = ex.warmup_trial([0.4], [10])[0]
    batched = trials[(0.4, 10)]
    np.testing.assert_array_equal(alone.diverged, batched.diverged)
    np.testing.assert_allclose(alone.accuracy, batched.accuracy, rtol=0, atol=1e-12)


def test_the_check_reports_the_learners_choice(trials):
    passing = next(k for k, t in trials.items() if t.passed)
    fb = ex.check_warmup_choice(lambda: passing)
    assert fb.passed and "0 of 10 seeds diverged" in fb.message, fb
    diverging = next(k for k, t in trials.items() if t.diverged.any() and not t.diverged.all())
    fb = ex.check_warmup_choice(diverging)
    n = int(trials[diverging].diverged.sum())
    assert fb.status == "wrong" and f"{n} of 10 seeds diverged" in fb.message, fb
    low = next(k for k, t in trials.items() if not t.diverged.any() and not t.passed)
    fb = ex.check_warmup_choice(list(low))
    assert fb.status == "wrong" and "below 0.945" in fb.message, fb
    for message in (fb.message, ex.check_warmup_choice((0.4, 0)).message):
        assert str(passing) not in message  # never tells the answer


@pytest.mark.parametrize(
    "choice",
    [(0.3, 10), (0.4, 11), (float("nan"), 10), (0.4, float("inf")), ("0.4", 10), (True, 10),
     (0.4,), (0.4, 10, 1), "0.4, 10", 0.4, None, ...],
)
def test_off_menu_or_malformed_choices_are_wrong_not_errors(choice):
    fb = ex.check_warmup_choice(choice)
    assert not fb.passed and fb.status in {"wrong", "not implemented"}, fb


def test_a_choice_function_that_fails_gives_feedback():
    def stub():
        raise NotImplementedError

    assert ex.check_warmup_choice(stub).status == "not implemented"
    assert ex.check_warmup_choice(lambda: 1 / 0).status == "error"


@pytest.mark.parametrize(("peaks", "warmups"), [([0.3], [10]), ([0.4], [5]), ([0.4], [])])
def test_warmup_trial_rejects_off_menu_pairs(peaks, warmups):
    with pytest.raises(ValueError, match="peak|warmup|zip|argument"):
        ex.warmup_trial(peaks, warmups)
