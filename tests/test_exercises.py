"""The exercise checkers: the reference solution passes, the stub says "not implemented
yet", and realistic wrong answers get specific feedback — never a traceback."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrsched as ls
from lrsched import exercises as ex

# --- exercise 1: SGDR -------------------------------------------------------------------------


def sgdr_ref(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    start, length = 0, T0
    while t >= start + length:
        start += length
        length *= 2
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (t - start) / length))


def sgdr_stub(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    raise NotImplementedError()


def sgdr_late(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # restarts one update late
    start, length = 0, T0
    while t > start + length:
        start += length
        length *= 2
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (t - start) / length))


def sgdr_fixed_period(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # the period never doubles
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (t % T0) / T0))


def sgdr_no_floor(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # anneals to 0, not to alpha_min
    return sgdr_ref(t, T0, alpha0, 0.0)


def sgdr_placeholder(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # the seed starter's return
    return alpha_min


def sgdr_no_restart(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * t / 100))


@pytest.mark.parametrize(
    ("fn", "status", "phrases"),
    [
        (sgdr_ref, "passed", ["restarts at t = 10, 30, 70", "cycles of 10, 20, 40"]),
        (sgdr_stub, "not implemented", ["not implemented yet", "NotImplementedError"]),
        (sgdr_late, "wrong", ["t=10", "expected 0.1", "one update late", "T_cur = 0"]),
        (sgdr_fixed_period, "wrong", ["all last 10 updates", "must double", "10, 30, 70"]),
        (sgdr_no_floor, "wrong", ["floor", "α_min"]),
        (sgdr_placeholder, "wrong", ["placeholder", "0.0001 for every t"]),
        (sgdr_no_restart, "wrong", ["never restarts"]),
        (
            lambda t, T0=10, alpha0=0.1, alpha_min=1e-4: 1 / (t - 3),
            "error",
            ["ZeroDivisionError", "t=3"],
        ),
        (lambda t, T0=10, alpha0=0.1, alpha_min=1e-4: math.nan, "wrong", ["nan", "t=0", "finite"]),
        (lambda t, T0=10, alpha0=0.1, alpha_min=1e-4: [0.1], "wrong", ["list", "one real number"]),
        (lambda t: 0.1, "wrong", ["keywords T0, alpha0 and alpha_min"]),
        ("sgdr", "wrong", ["expected your sgdr function"]),
    ],
)
def test_check_sgdr(fn, status, phrases):
    fb = ex.check_sgdr(fn)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_check_sgdr_accepts_numpy_scalars_and_other_parameters():
    def np_version(t, T0=10, alpha0=0.1, alpha_min=1e-4):
        return np.float64(sgdr_ref(t, T0, alpha0, alpha_min))

    assert ex.check_sgdr(np_version).passed
    assert ex.check_sgdr(sgdr_ref, T_total=320, T0=5, alpha0=0.3, alpha_min=0.01).passed
    assert not ex.check_sgdr(sgdr_fixed_period, T_total=320, T0=5).passed


def test_a_hanging_function_is_stopped():
    def forever(t, T0=10, alpha0=0.1, alpha_min=1e-4):
        while True:
            pass

    fb = ex.check_sgdr(forever, time_limit=0.3)
    assert fb.status == "error" and "did not finish" in fb.message


def test_graded_runs_raise_and_learners_do_not(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert ex.check_sgdr(sgdr_stub).status == "not implemented"  # no exception
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="not implemented yet"):
        ex.check_sgdr(sgdr_stub)
    assert ex.check_sgdr(sgdr_ref).passed  # a right answer never raises
    with pytest.raises(AssertionError, match="one update late"):
        ex.check_sgdr(sgdr_late)


def test_feedback_reads_well():
    fb = ex.check_sgdr(sgdr_ref)
    assert str(fb).startswith("✔ Exercise SGDR:") and bool(fb) and repr(fb) == str(fb)
    assert str(ex.check_sgdr(sgdr_stub)).startswith("… ")
    assert str(ex.check_sgdr(sgdr_late)).startswith("✘ ")


# --- exercise 2: noisy SGD over seeds ----------------------------------------------------------


def run_ref(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    rng = np.random.default_rng(seed)
    theta = theta0
    for t in range(T):
        theta -= schedule(t) * (2 * (theta - 3) + sigma * rng.standard_normal())
    return (theta - 3) ** 2


def run_unseeded(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # ignores the seed
    rng = np.random.default_rng()
    theta = theta0
    for t in range(T):
        theta -= schedule(t) * (2 * (theta - 3) + sigma * rng.standard_normal())
    return (theta - 3) ** 2


def run_same_seed(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # always seed 0
    return run_ref(schedule, 0, T, sigma, theta0)


def run_no_noise(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    return run_ref(schedule, seed, T, 0.0, theta0)


def run_extra_step(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # T + 1 updates
    return run_ref(lambda t: schedule(min(t, T - 1)), seed, T + 1, sigma, theta0)


def run_half_gradient(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # ∇ = (θ − 3)
    rng = np.random.default_rng(seed)
    theta = theta0
    for t in range(T):
        theta -= schedule(t) * ((theta - 3) + sigma * rng.standard_normal())
    return (theta - 3) ** 2


@pytest.mark.parametrize(
    ("fn", "status", "phrases"),
    [
        (run_ref, "passed", ["reproducible", "agrees with the exact theory"]),
        (
            lambda schedule, seed, T=150, sigma=0.3: (_ for _ in ()).throw(NotImplementedError()),
            "not implemented",
            ["not implemented yet"],
        ),
        (run_unseeded, "wrong", ["reproducible from its seed", "default_rng(seed)"]),
        (run_same_seed, "wrong", ["seeds 0..9 all give", "default_rng(seed)"]),
        (run_no_noise, "wrong", ["without noise", "σ·ξ_t"]),
        (run_extra_step, "wrong", ["151 updates instead of 150"]),
        (run_half_gradient, "wrong", ["2(θ − 3)"]),
        (lambda schedule, seed, T=150, sigma=0.3: "0.1", "wrong", ["str", "one real number"]),
        (lambda schedule, seed, T=150: 0.1, "wrong", ["keywords T and sigma"]),
    ],
)
def test_check_run_sgd(fn, status, phrases):
    fb = ex.check_run_sgd(fn, n_seeds=300)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def five():
    return {
        "fixed 0.3": lambda t: 0.3,
        "fixed 0.05": lambda t: 0.05,
        "cosine": lambda t: 1e-4 + 0.5 * (0.3 - 1e-4) * (1 + np.cos(np.pi * t / 150)),
        "step": lambda t: 0.3 * 0.5 ** (t // 30),
        "1/t": lambda t: 1 / (2 * (t + 1) + 0.005),
    }


@pytest.mark.parametrize(
    ("given", "status", "phrases"),
    [
        (five, "passed", ["5 schedules"]),
        (five(), "passed", ["5 schedules"]),
        (
            lambda: (_ for _ in ()).throw(NotImplementedError()),
            "not implemented",
            ["not implemented yet"],
        ),
        (lambda: dict(list(five().items())[:3]), "wrong", ["at least 5", "you have 3"]),
        (lambda: {**five(), "neg": lambda t: 0.1 - 0.01 * t}, "wrong", ["negative", "t=11"]),
        (lambda: {**five(), "copy": lambda t: 0.3}, "wrong", ["same rates"]),
        (lambda: [lambda t: 0.1] * 5, "wrong", ["must be a dict"]),
        (lambda: {**five(), "bad": 0.1}, "wrong", ["must be a function"]),
    ],
)
def test_check_schedules(given, status, phrases):
    fb = ex.check_schedules(given)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_compare_over_seeds_and_its_failure(capsys):
    finals = ex.compare_over_seeds(run_ref, five, n_seeds=4, T=50)
    assert set(finals) == set(five()) and all(v.shape == (4,) for v in finals.values())
    assert finals["fixed 0.05"][2] == run_ref(five()["fixed 0.05"], 2, T=50)
    assert (
        ex.compare_over_seeds(run_ref, lambda: (_ for _ in ()).throw(NotImplementedError())) is None
    )
    assert "Nothing to compare yet: not implemented yet" in capsys.readouterr().out


# --- exercise 3: the one-step range test ---------------------------------------------------------


def one_step_ref(alpha, theta0=0.0):
    theta1 = theta0 - alpha * 2 * (theta0 - 3)
    return (theta1 - 3) ** 2


def read_ref(alphas, losses):
    losses = np.asarray(losses)
    idx = np.flatnonzero(losses < 0.9 * losses[0])
    return alphas[idx[0]], alphas[idx[-1]]


ALPHAS = np.logspace(-4, np.log10(2.0), 50)


@pytest.mark.parametrize(
    ("losses", "useful", "status", "phrases"),
    [
        (one_step_ref, read_ref, "passed", ["all 50 losses match", "α = 0.5"]),
        ([one_step_ref(a) for a in ALPHAS], (0.03, 0.9), "passed", ["all 50 losses match"]),
        (
            lambda alpha, theta0=0.0: (_ for _ in ()).throw(NotImplementedError()),
            read_ref,
            "not implemented",
            ["not implemented yet", "NotImplementedError"],
        ),
        (
            lambda alpha, theta0=0.0: (theta0 - 3) ** 2,
            read_ref,
            "wrong",
            ["J(θ0) = 9", "before the step"],
        ),
        (
            lambda alpha, theta0=0.0: (theta0 + alpha * 2 * (theta0 - 3) - 3) ** 2,
            read_ref,
            "wrong",
            ["grow with α", "against the gradient"],
        ),
        (
            lambda alpha, theta0=0.0: (theta0 - alpha * (theta0 - 3) - 3) ** 2,
            read_ref,
            "wrong",
            ["2(θ − 3)"],
        ),
        (one_step_ref, (1.0, 2.0), "wrong", ["divergent end", "other end"]),
        (one_step_ref, (0.9, 0.03), "wrong", ["wrong order"]),
        (one_step_ref, (0.03, 1.5), "wrong", ["stop before divergence"]),
        (one_step_ref, (0.6, 0.9), "wrong", ["misses the best rate", "0.5"]),
        (
            one_step_ref,
            lambda a, losses: (_ for _ in ()).throw(NotImplementedError()),
            "not implemented",
            ["not implemented yet"],
        ),
        ([1.0, 2.0], (0.03, 0.9), "wrong", ["expected 50 losses", "got 2"]),
        ([float("nan")] * 50, (0.03, 0.9), "wrong", ["nan"]),
        ("many", (0.03, 0.9), "wrong", ["list or array of numbers"]),
    ],
)
def test_check_range_test(losses, useful, status, phrases):
    fb = ex.check_range_test(losses, useful)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_range_test_from_another_start():
    assert ex.check_range_test(one_step_ref, read_ref, theta0=1.0).passed
    # a function that ignores theta0 is caught by the hidden test
    assert not ex.check_range_test(
        lambda alpha, theta0=0.0: one_step_ref(alpha), read_ref, theta0=1.0
    ).passed


# --- guided practice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "status", "phrase"),
    [
        (lambda: 0.5 * 0.1 * (1 + np.cos(np.pi / 2)), "passed", "0.05"),
        (0.05, "passed", "0.05"),
        (
            lambda: (_ for _ in ()).throw(NotImplementedError()),
            "not implemented",
            "not implemented yet",
        ),
        (0.1, "wrong", "α at t = 0"),
        (0.0, "wrong", "t = T = 100"),
        (0.5 * 0.1 * (1 + math.cos(90)), "wrong", "radians"),
        (0.07, "wrong", "cos(π t / T)"),
        ("0.05", "wrong", "one real number"),
    ],
)
def test_check_cosine_midpoint(answer, status, phrase):
    fb = ex.check_cosine_midpoint(answer)
    assert fb.status == status, str(fb)
    assert phrase in fb.message


# --- helpers for plot cells --------------------------------------------------------------------


def test_learner_values_and_attempt_report_instead_of_raising(capsys):
    np.testing.assert_allclose(
        ex.learner_values(sgdr_ref, range(5)), [sgdr_ref(t) for t in range(5)]
    )
    assert ex.learner_values(sgdr_stub, range(5)) is None
    assert ex.attempt(read_ref, ALPHAS, [one_step_ref(a) for a in ALPHAS]) == read_ref(
        ALPHAS, [one_step_ref(a) for a in ALPHAS]
    )
    assert ex.attempt(lambda: 1 / 0) is None
    out = capsys.readouterr().out
    assert "Nothing to plot yet: not implemented yet" in out
    assert "Nothing to show yet: <lambda> raised ZeroDivisionError" in out


def test_library_schedule_and_exercise_agree():
    # the learner's formula and lrsched.SGDR describe the same schedule
    np.testing.assert_allclose(
        ls.SGDR(0.1, 10, 2, 1e-4).values(100), [sgdr_ref(t) for t in range(100)], rtol=1e-12
    )
