"""The exercise checkers: the reference solution passes, the stub says "not implemented
yet", realistic wrong answers are rejected with specific feedback, and hostile learner
code (any BaseException, objects whose conversion raises, a disabled time limit) gives
feedback — never a traceback or a hang.

Expected values come from the published formulas written out here (SGDR's walk over
doubling cycles, the noise-free product, the exact law of the final loss), never from
the lrsched function that the checker itself uses.
"""

from __future__ import annotations

import math
import random
import sys

import numpy as np
import pytest

import lrsched as ls
from lrsched import exercises as ex

# --- exercise 2: SGDR -------------------------------------------------------------------------


def sgdr_ref(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    start, length = 0, T0
    while t >= start + length:
        start += length
        length *= 2
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (t - start) / length))


def _cycle(t, T0, grow=lambda length, T0: 2 * length, late=0):
    start, length = 0, T0
    while t >= start + length + late:
        start += length
        length = grow(length, T0)
    return t - start, length


def sgdr_stub(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    raise NotImplementedError()


def sgdr_late(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # restarts one update late
    cur, length = _cycle(t, T0, late=1)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * cur / length))


def sgdr_early(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # one update ahead: restarts early
    return sgdr_ref(t + 1, T0, alpha0, alpha_min)


def sgdr_fixed_period(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # the period never doubles
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (t % T0) / T0))


def sgdr_linear_growth(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # T_i = T0 (i + 1)
    cur, length = _cycle(t, T0, grow=lambda length, T0: length + T0)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * cur / length))


def sgdr_degrees(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # cos(180 x) for cos(π x)
    cur, length = _cycle(t, T0)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(180 * cur / length))


def sgdr_amplitude(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # ½ α0 instead of ½ (α0 − α_min)
    cur, length = _cycle(t, T0)
    return alpha_min + 0.5 * alpha0 * (1 + math.cos(math.pi * cur / length))


def sgdr_tcur_from_one(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    cur, length = _cycle(t, T0)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (cur + 1) / length))


def sgdr_full_period(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    cur, length = _cycle(t, T0)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(2 * math.pi * cur / length))


def sgdr_int_division(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # T_cur // T_i
    cur, length = _cycle(t, T0)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * (cur // length)))


def sgdr_ti_minus_one(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    cur, length = _cycle(t, T0)
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * cur / (length - 1)))


def sgdr_globals(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # ignores its arguments
    return sgdr_ref(t)


def sgdr_no_floor(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # anneals to 0, not to alpha_min
    return sgdr_ref(t, T0, alpha0, 0.0)


def sgdr_placeholder(t, T0=10, alpha0=0.1, alpha_min=1e-4):  # the seed starter's return
    return alpha_min


def sgdr_no_restart(t, T0=10, alpha0=0.1, alpha_min=1e-4):
    return alpha_min + 0.5 * (alpha0 - alpha_min) * (1 + math.cos(math.pi * t / 100))


SGDR_WRONG = [
    (sgdr_late, "wrong", ["t=10", "expected 0.1", "one update late", "T_cur = 0"]),
    (sgdr_early, "wrong", ["t=9", "one update early", "T_cur = 0 .. T_i − 1"]),
    (sgdr_fixed_period, "wrong", ["all last 10 updates", "must double"]),
    (sgdr_linear_growth, "wrong", ["grow by 10 updates", "must double"]),
    (sgdr_degrees, "wrong", ["radians", "not 180"]),
    (sgdr_amplitude, "wrong", ["amplitude is α0 − α_min"]),
    (sgdr_tcur_from_one, "wrong", ["T_cur", "0 at a restart"]),
    (sgdr_full_period, "wrong", ["half a period", "not 2π"]),
    (sgdr_int_division, "wrong", ["never moves from α0", "integer division"]),
    (sgdr_ti_minus_one, "wrong", ["divide by T_i, not T_i − 1"]),
    (sgdr_globals, "wrong", ["right for T0=10", "T0=3", "use the arguments"]),
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
    (
        lambda t, T0=10, alpha0=0.1, alpha_min=1e-4: np.full(3, 0.1),
        "wrong",
        ["array of shape (3,)", "one number"],
    ),
    (lambda t: 0.1, "wrong", ["keywords T0, alpha0 and alpha_min"]),
    ("sgdr", "wrong", ["expected your sgdr function"]),
]


@pytest.mark.parametrize(("fn", "status", "phrases"), SGDR_WRONG)
def test_check_sgdr_rejects(fn, status, phrases):
    fb = ex.check_sgdr(fn)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_check_sgdr_accepts_the_reference_and_states_its_restarts():
    fb = ex.check_sgdr(sgdr_ref)
    assert fb.passed, str(fb)
    assert "restarts at t = 10, 30, 70" in fb.message and "cycles of 10, 20, 40" in fb.message
    assert ex.check_sgdr(sgdr_stub).status == "not implemented"
    assert "NotImplementedError" in ex.check_sgdr(sgdr_stub).message


def test_check_sgdr_accepts_numpy_scalars_and_other_parameters():
    def np_version(t, T0=10, alpha0=0.1, alpha_min=1e-4):
        return np.float64(sgdr_ref(t, T0, alpha0, alpha_min))

    assert ex.check_sgdr(np_version).passed
    assert ex.check_sgdr(sgdr_ref, T_total=320, T0=5, alpha0=0.3, alpha_min=0.01).passed
    for wrong in (sgdr_fixed_period, sgdr_late, sgdr_linear_growth):
        assert not ex.check_sgdr(wrong, T_total=320, T0=5, alpha0=0.3, alpha_min=0.01).passed


def test_check_sgdr_tolerance_is_relative_1e9():
    # a relative error of 1e-10 is float noise; 1e-8 is a different number
    assert ex.check_sgdr(lambda t, **kw: sgdr_ref(t, **kw) * (1 + 1e-10)).passed
    fb = ex.check_sgdr(lambda t, **kw: sgdr_ref(t, **kw) * (1 + 1e-8))
    assert fb.status == "wrong" and "first difference at t=0" in fb.message


def test_graded_runs_raise_and_learners_do_not(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert ex.check_sgdr(sgdr_stub).status == "not implemented"  # no exception
    with pytest.raises(AssertionError, match="not implemented yet"):
        ex.check_sgdr(sgdr_stub, strict=True)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="not implemented yet"):
        ex.check_sgdr(sgdr_stub)
    assert ex.check_sgdr(sgdr_ref).passed  # a right answer never raises
    with pytest.raises(AssertionError, match="one update late"):
        ex.check_sgdr(sgdr_late)
    with pytest.raises(AssertionError, match="sys.exit"):
        ex.check_sgdr(lambda t, **kw: sys.exit(0))


def test_feedback_reads_well():
    fb = ex.check_sgdr(sgdr_ref)
    assert str(fb).startswith("✔ Exercise SGDR:") and bool(fb) and repr(fb) == str(fb)
    assert str(ex.check_sgdr(sgdr_stub)).startswith("… ")
    assert str(ex.check_sgdr(sgdr_late)).startswith("✘ ")


def test_library_schedule_and_exercise_agree():
    # the learner's formula and lrsched.SGDR describe the same schedule
    np.testing.assert_allclose(
        ls.SGDR(0.1, 10, 2, 1e-4).values(100), [sgdr_ref(t) for t in range(100)], rtol=1e-12
    )


# --- exercise 3: noisy SGD over seeds ----------------------------------------------------------


def run_ref(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    rng = np.random.default_rng(seed)
    theta = theta0
    for t in range(T):
        theta -= schedule(t) * (2 * (theta - 3) + sigma * rng.standard_normal())
    return (theta - 3) ** 2


def _run(schedule, seed, T, sigma, theta0, *, step=None, noise=None, rate=None, out=None):
    """A run with one deliberate change: the update, the noise, the rate or the output."""
    rng = np.random.default_rng(seed)
    theta = theta0
    for t in range(T):
        xi = rng.standard_normal() if noise is None else noise(rng)
        a = schedule(t) if rate is None else rate(schedule, t)
        theta = (
            theta - a * (2 * (theta - 3) + sigma * xi)
            if step is None
            else step(theta, a, sigma, xi)
        )
    return (theta - 3) ** 2 if out is None else out(theta)


def run_unseeded(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # ignores the seed
    return run_ref(schedule, None, T, sigma, theta0)


def run_same_seed(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # always seed 0
    return run_ref(schedule, 0, T, sigma, theta0)


def run_no_noise(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    return run_ref(schedule, seed, T, 0.0, theta0)


def run_extra_step(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # T + 1 updates
    return run_ref(schedule, seed, T + 1, sigma, theta0)


def run_loss_before_last(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # T − 1 updates
    return run_ref(schedule, seed, T - 1, sigma, theta0)


def run_half_gradient(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # ∇ = (θ − 3)
    return _run(
        schedule, seed, T, sigma, theta0, step=lambda th, a, s, xi: th - a * (th - 3 + s * xi)
    )


def run_off_by_one(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # schedule(t + 1)
    return _run(schedule, seed, T, sigma, theta0, rate=lambda s, t: s(t + 1))


def run_first_rate(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # schedule(0) always
    return _run(schedule, seed, T, sigma, theta0, rate=lambda s, t: s(0))


def run_ignores_theta0(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    return run_ref(schedule, seed, T, sigma, 0.0)


def run_uphill(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # θ + α g
    return _run(
        schedule, seed, T, sigma, theta0, step=lambda th, a, s, xi: th + a * (2 * (th - 3) + s * xi)
    )


def run_returns_theta(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    return _run(schedule, seed, T, sigma, theta0, out=lambda th: th)


def run_returns_error(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # θ_T − 3, not squared
    return _run(schedule, seed, T, sigma, theta0, out=lambda th: th - 3)


def run_unscaled_noise(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # ξ, not σ ξ, if σ > 0
    return _run(
        schedule,
        seed,
        T,
        sigma,
        theta0,
        step=lambda th, a, s, xi: th - a * (2 * (th - 3) + (s > 0) * xi),
    )


def run_noise_outside_step(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # θ − α∇J − σξ
    return _run(
        schedule, seed, T, sigma, theta0, step=lambda th, a, s, xi: th - a * 2 * (th - 3) - s * xi
    )


def run_hardcoded_sigma(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # ignores sigma
    return run_ref(schedule, seed, T, 0.3, theta0)


def run_global_seeded(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    np.random.seed(seed)  # noqa: NPY002 - the mistake under test
    return _run(schedule, seed, T, sigma, theta0, noise=lambda rng: np.random.standard_normal())  # noqa: NPY002


def run_generator_per_update(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    # the generator re-created inside the loop: the same draw at every update
    return _run(
        schedule, seed, T, sigma, theta0, noise=lambda rng: np.random.default_rng(seed).normal()
    )


def run_python_random(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    random.seed(seed)
    return _run(schedule, seed, T, sigma, theta0, noise=lambda rng: random.gauss(0.0, 1.0))


def run_fake_chisquare(schedule, seed, T=150, sigma=0.3, theta0=0.0):  # never runs SGD
    rng = np.random.default_rng(seed)
    return ls.expected_loss(schedule, T=T, sigma=sigma, theta0=theta0)[-1] * rng.chisquare(1)


def run_fake_but_exact_without_noise(schedule, seed, T=150, sigma=0.3, theta0=0.0):
    if sigma == 0:
        return run_ref(schedule, seed, T, sigma, theta0)
    return run_fake_chisquare(schedule, seed, T, sigma, theta0)


def noise_free(schedule, T, theta0):
    """(θ_T − 3)² without noise: the exact product, written out."""
    e = theta0 - 3.0
    for t in range(T):
        e *= 1 - 2 * schedule(t)
    return e * e


def fmt(x):
    return f"{x:.6g}"


EXACT_DECAYING = fmt(noise_free(lambda t: 0.4 / (1 + t), 150, 0.0))
EXACT_FROM_5 = fmt(noise_free(lambda t: 0.02, 150, 5.0))

RUN_SGD_WRONG = [
    (
        lambda schedule, seed, T=150, sigma=0.3, theta0=0.0: (_ for _ in ()).throw(
            NotImplementedError()
        ),
        "not implemented",
        ["not implemented yet"],
    ),
    (run_off_by_one, "wrong", ["changes at every update", EXACT_DECAYING, "schedule(t + 1)"]),
    (run_first_rate, "wrong", [EXACT_DECAYING, "first rate at every update"]),
    (run_ignores_theta0, "wrong", ["theta0=5", EXACT_FROM_5, "start from theta0"]),
    (run_fake_chisquare, "wrong", ["sigma=0", "use the sigma argument"]),
    (run_fake_but_exact_without_noise, "wrong", ["spread", "variance", "limit is 7"]),
    (run_unseeded, "wrong", ["reproducible from its seed", "default_rng(seed)"]),
    (run_same_seed, "wrong", ["seeds 0..9 all give", "default_rng(seed)"]),
    (run_no_noise, "wrong", ["without noise", "σ·ξ_t"]),
    (run_extra_step, "wrong", ["151 updates instead of 150"]),
    (run_loss_before_last, "wrong", ["149 updates instead of 150", "before the last update"]),
    (run_half_gradient, "wrong", ["2(θ − 3), not (θ − 3)"]),
    (run_uphill, "wrong", ["against the gradient"]),
    (run_returns_theta, "wrong", ["not θ_T"]),
    (run_returns_error, "wrong", ["never negative"]),
    (run_unscaled_noise, "wrong", ["scale the noise by sigma", "standard errors"]),
    (run_noise_outside_step, "wrong", ["multiplied by α_t"]),
    (run_hardcoded_sigma, "wrong", ["use the sigma argument"]),
    (run_global_seeded, "wrong", ["global random state", "default_rng(seed)"]),
    (run_python_random, "wrong", ["global random state"]),
    (
        run_generator_per_update,
        "wrong",
        ["one generator created once per run", "same draw ξ at every update", "before the loop"],
    ),
    (
        lambda schedule, seed, T=150, sigma=0.3, theta0=0.0: "0.1",
        "wrong",
        ["str", "one real number"],
    ),
    (lambda schedule, seed, T=150, sigma=0.3: 0.1, "wrong", ["keywords T, sigma and theta0"]),
    (lambda schedule, seed, T=150: 0.1, "wrong", ["keywords T, sigma and theta0"]),
]


@pytest.mark.parametrize(("fn", "status", "phrases"), RUN_SGD_WRONG)
def test_check_run_sgd_rejects(fn, status, phrases):
    fb = ex.check_run_sgd(fn, n_seeds=300)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


@pytest.mark.parametrize("kw", [{}, {"T": 60, "n_seeds": 300}])
def test_check_run_sgd_accepts_the_reference(kw):
    fb = ex.check_run_sgd(run_ref, **kw)
    assert fb.passed, str(fb)
    assert "exact without noise" in fb.message and "reproducible" in fb.message


def test_check_run_sgd_accepts_other_right_ways_of_drawing_the_noise():
    def vectorised(schedule, seed, T=150, sigma=0.3, theta0=0.0):
        xi = np.random.default_rng(seed).normal(0.0, 1.0, size=T)
        theta = np.float64(theta0)
        for t in range(T):
            theta = theta - schedule(t) * (2.0 * theta - 6.0 + sigma * xi[t])
        return (theta - 3.0) ** 2

    assert ex.check_run_sgd(vectorised).passed


def test_check_run_sgd_leaves_the_global_generators_as_they_were():
    np.random.seed(5)  # noqa: NPY002
    random.seed(5)
    np_state, py_state = np.random.get_state()[1].copy(), random.getstate()  # noqa: NPY002
    assert ex.check_run_sgd(run_ref, n_seeds=50).passed  # its probe of the state is undone
    assert np.array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002
    assert random.getstate() == py_state


def five():
    return {
        "fixed 0.3": lambda t: 0.3,
        "fixed 0.05": lambda t: 0.05,
        "cosine": lambda t: 1e-4 + 0.5 * (0.3 - 1e-4) * (1 + np.cos(np.pi * t / 150)),
        "step": lambda t: 0.3 * 0.5 ** (t // 30),
        "1/t": lambda t: 1 / (2 * (t + 1) + 0.005),
    }


def _late_binding():
    return {f"fixed {a}": (lambda t: a) for a in (0.3, 0.1, 0.05, 0.01, 0.003)}  # noqa: B023


def _branch_without_return():
    def warmup(t):
        if t < 10:
            return 0.03 * (t + 1)

    return {**five(), "warm-up": warmup}


SCHEDULES_WRONG = [
    (
        lambda: (_ for _ in ()).throw(NotImplementedError()),
        "not implemented",
        ["not implemented yet"],
    ),
    (
        lambda: {f"tiny {k}": (lambda t, k=k: k * 1e-9) for k in range(5)},
        "wrong",
        ["never goes above", "at least 0.001"],
    ),
    (lambda: {**five(), "tiny": lambda t: 4e-4 * (1 + math.cos(t))}, "wrong", ["'tiny'", "0.001"]),
    (lambda: dict(list(five().items())[:3]), "wrong", ["at least 5", "you have 3"]),
    (lambda: {**five(), "neg": lambda t: 0.1 - 0.01 * t}, "wrong", ["negative", "t=11"]),
    (lambda: {**five(), "nan": lambda t: math.nan if t == 7 else 0.1}, "wrong", ["nan", "t=7"]),
    (lambda: {**five(), "copy": lambda t: 0.3}, "wrong", ["same rates"]),
    (
        lambda: {
            **five(),
            "cosine again": lambda t: 1e-4 + 0.5 * (0.3 - 1e-4) * (1 + math.cos(math.pi * t / 150)),
        },
        "wrong",
        ["'cosine'", "same rates"],
    ),
    (_late_binding, "wrong", ["same rates", "bind the loop variable"]),
    (
        lambda: {f"fixed {a}": (lambda t, a=a: a) for a in (0.3, 0.1, 0.05, 0.01, 0.003)},
        "wrong",
        ["fixed rate", "changes with t"],
    ),
    (lambda: {**five(), "array": lambda t: np.full(150, 0.1)}, "wrong", ["array of shape (150,)"]),
    (_branch_without_return, "wrong", ["'warm-up'", "NoneType", "t=10"]),
    (lambda: {**five(), 7: lambda t: 0.1 / (1 + t)}, "wrong", ["names must be strings"]),
    (lambda: [lambda t: 0.1] * 5, "wrong", ["must be a dict"]),
    (lambda: {**five(), "bad": 0.1}, "wrong", ["must be a function"]),
]


@pytest.mark.parametrize(("given", "status", "phrases"), SCHEDULES_WRONG)
def test_check_schedules_rejects(given, status, phrases):
    fb = ex.check_schedules(given)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_check_schedules_accepts_the_reference_and_states_its_rule():
    for given in (five, five()):
        fb = ex.check_schedules(given)
        assert fb.passed and "5 different schedules" in fb.message, str(fb)
    # the documented minimum peak: 1e-3 is enough, just below is not
    edge = {**five(), "edge": lambda t: 1e-3 / (1 + t)}
    assert ex.check_schedules(edge).passed
    assert not ex.check_schedules({**five(), "edge": lambda t: 0.999e-3 / (1 + t)}).passed
    assert ex.MIN_PEAK == 1e-3 and "1e-3" in ex.check_schedules.__doc__


def test_compare_over_seeds_and_its_failure(capsys):
    finals = ex.compare_over_seeds(run_ref, five, n_seeds=4, T=50)
    assert set(finals) == set(five()) and all(v.shape == (4,) for v in finals.values())
    assert finals["fixed 0.05"][2] == run_ref(five()["fixed 0.05"], 2, T=50)
    assert (
        ex.compare_over_seeds(run_ref, lambda: (_ for _ in ()).throw(NotImplementedError())) is None
    )
    assert ex.compare_over_seeds(lambda *a, **k: sys.exit(3), five, n_seeds=2) is None
    out = capsys.readouterr().out
    assert "Nothing to compare yet: not implemented yet" in out and "sys.exit" in out


# --- exercise 1: the one-step range test ---------------------------------------------------------


def one_step_ref(alpha, theta0=0.0):
    theta1 = theta0 - alpha * 2 * (theta0 - 3)
    return (theta1 - 3) ** 2


def read_ref(alphas, losses):
    losses = np.asarray(losses)
    idx = np.flatnonzero(losses < 0.9 * losses[0])
    return alphas[idx[0]], alphas[idx[-1]]


ALPHAS = np.logspace(-4, np.log10(2.0), 50)


def read_hardcoded(alphas, losses):  # ignores both inputs
    return 0.03, 0.9


def read_global_alphas(alphas, losses):  # reads the notebook's grid, not its argument
    idx = np.flatnonzero(np.asarray(losses) < 0.9 * losses[0])
    return ALPHAS[idx[0]], ALPHAS[idx[-1]]


def read_fixed_positions(alphas, losses):  # ignores the losses
    return alphas[20], alphas[45]


def read_absolute_threshold(alphas, losses):  # compares with 8.1, not with losses[0]
    idx = np.flatnonzero(np.asarray(losses) < 8.1)
    return alphas[idx[0]], alphas[idx[-1]]


def read_positions(alphas, losses):  # returns indices
    idx = np.flatnonzero(np.asarray(losses) < 0.9 * losses[0])
    return int(idx[0]), int(idx[-1])


def read_decade_around_best(alphas, losses):
    best = alphas[int(np.argmin(losses))]
    return best / 10, best * 10


def read_best_only(alphas, losses):
    best = alphas[int(np.argmin(losses))]
    return best, best


RANGE_WRONG = [
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
    (
        lambda alpha, theta0=0.0: one_step_ref(alpha),
        read_ref,
        "wrong",
        ["θ0 = 4.5", "theta0 argument"],
    ),
    (lambda alpha, theta0=0.0: theta0 - alpha * 2 * (theta0 - 3), read_ref, "wrong", ["not θ1"]),
    (
        one_step_ref,
        read_hardcoded,
        "wrong",
        ["divided by 10", "did not change", "alphas you are given"],
    ),
    (one_step_ref, read_global_alphas, "wrong", ["divided by 10", "best rate is then 0.05"]),
    (one_step_ref, read_fixed_positions, "wrong", ["twice as steep", "losses you are given"]),
    (one_step_ref, read_absolute_threshold, "wrong", ["θ0 = 4.5", "losses[0]"]),
    (one_step_ref, read_positions, "wrong", ["positions in the list", "alphas[i]"]),
    (one_step_ref, read_decade_around_best, "wrong", ["stop before divergence"]),
    (one_step_ref, read_best_only, "wrong", ["equal"]),
    (one_step_ref, (1.0, 2.0), "wrong", ["divergent end", "other end"]),
    (one_step_ref, (0.9, 0.03), "wrong", ["wrong order"]),
    (one_step_ref, (0.03, 1.5), "wrong", ["stop before divergence"]),
    (one_step_ref, (0.6, 0.9), "wrong", ["low end 0.6", "starts to lower the loss clearly"]),
    (
        one_step_ref,
        (0.03, 0.5),  # the curve's minimum taken as the upper bound
        "wrong",
        ["high end 0.5", "not the best rate", "largest rate at which one step still lowers"],
    ),
    (one_step_ref, (0.03, 0.5, 0.9), "wrong", ["pair (low, high)"]),
    (
        one_step_ref,
        lambda a, losses: (_ for _ in ()).throw(NotImplementedError()),
        "not implemented",
        ["not implemented yet"],
    ),
    ([1.0, 2.0], (0.03, 0.9), "wrong", ["expected 50 losses", "got 2"]),
    ([float("nan")] * 50, (0.03, 0.9), "wrong", ["nan"]),
    ("many", (0.03, 0.9), "wrong", ["list or array of numbers"]),
]


@pytest.mark.parametrize(("losses", "useful", "status", "phrases"), RANGE_WRONG)
def test_check_range_test_rejects(losses, useful, status, phrases):
    fb = ex.check_range_test(losses, useful)
    assert fb.status == status, str(fb)
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_check_range_test_accepts_the_reference():
    fb = ex.check_range_test(one_step_ref, read_ref)
    assert fb.passed and "all 50 losses match" in fb.message, str(fb)
    assert ex.check_range_test([one_step_ref(a) for a in ALPHAS], (0.03, 0.9)).passed
    assert ex.check_range_test(np.array([one_step_ref(a) for a in ALPHAS]), (0.03, 0.9)).passed
    assert ex.check_range_test(one_step_ref, read_ref, theta0=1.0).passed


def test_check_range_test_loss_tolerance_is_relative_1e9():
    assert ex.check_range_test(
        lambda a, theta0=0.0: one_step_ref(a, theta0) * (1 + 1e-10), read_ref
    ).passed
    fb = ex.check_range_test(lambda a, theta0=0.0: one_step_ref(a, theta0) * (1 + 1e-8), read_ref)
    assert fb.status == "wrong" and "index 0" in fb.message


# --- guided practice -----------------------------------------------------------------------------

# the published cosine formula, written out: α_t = α_min + ½(α0 − α_min)(1 + cos(π t / T))
Q4 = 0.0 + 0.5 * (0.1 - 0.0) * (1 + math.cos(math.pi * 50 / 100))

COSINE_WRONG = [
    (
        lambda: (_ for _ in ()).throw(NotImplementedError()),
        "not implemented",
        "not implemented yet",
    ),
    (0.1, "wrong", "rate at t = 0"),
    (0.0, "wrong", "t = T = 100"),
    (0.5 * 0.1 * (1 + math.cos(90)), "wrong", "radians"),
    (0.5 * 0.1 * (1 + math.cos(50 / 100)), "wrong", "left out π"),
    (0.5 * (1 + math.cos(math.pi / 2)), "wrong", "left out α0"),
    (0.5 * 0.1 * (1 + math.cos(math.pi * 49 / 100)), "wrong", "t = 49"),
    (0.5 * 0.1 * (1 + math.cos(math.pi * 51 / 100)), "wrong", "t = 51"),
    (0.5 * 0.1 * math.cos(math.pi / 2), "wrong", "did the 1 + go missing"),
    (0.07, "wrong", "cos(π t / T)"),
    ("0.05", "wrong", "one real number"),
    (True, "wrong", "bool"),
    (np.array([Q4, Q4]), "wrong", "array of shape (2,)"),
]


@pytest.mark.parametrize(("answer", "status", "phrase"), COSINE_WRONG)
def test_check_cosine_midpoint_rejects(answer, status, phrase):
    fb = ex.check_cosine_midpoint(answer)
    assert fb.status == status, str(fb)
    assert phrase in fb.message, fb.message


@pytest.mark.parametrize(
    "answer",
    [Q4, lambda: Q4, np.float32(Q4), np.array(Q4), lambda: 0.5 * 0.1 * (1 + np.cos(np.pi / 2))],
)
def test_check_cosine_midpoint_accepts(answer):
    assert ex.check_cosine_midpoint(answer).passed


def test_check_cosine_midpoint_tolerance_is_relative_1e6():
    assert ex.check_cosine_midpoint(Q4 * (1 + 0.9e-6)).passed
    assert not ex.check_cosine_midpoint(Q4 * (1 + 1.1e-6)).passed


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


# --- no docstring or feedback message states an answer -----------------------------------------

# The single-number answer of the guided-practice question, in the ways it could be printed,
# and the restarts of the SGDR parameters that are checked (the notebook's and the graded ones).
ANSWER_TEXTS = ["0.05", "5e-02", "5e-2", "5.0e-02", "1/20"]
RESTART_LISTS = ["10, 30, 70", "10, 30 and 70", "5, 15, 35", "15, 35, 75"]
PUBLIC = [
    ex,
    ex.check_sgdr,
    ex.check_run_sgd,
    ex.check_schedules,
    ex.check_range_test,
    ex.check_cosine_midpoint,
    ex.attempt,
    ex.learner_values,
    ex.compare_over_seeds,
    ex.reveal_button,
    ex.reveal_text,
    ex.find_reference,
    ex.reference_cells,
    ex.Feedback,
]


def _assert_no_answer(text, where, answers=ANSWER_TEXTS + RESTART_LISTS):
    for answer in answers:
        assert answer not in text, (answer, where, text)


def test_no_docstring_states_an_answer():
    from lrsched.exercises import _core, _range, _run_sgd, _schedules, _sgdr

    modules = [_core, _range, _run_sgd, _schedules, _sgdr]
    for obj in PUBLIC + modules:
        _assert_no_answer(obj.__doc__ or "", obj)
    assert "0.05" not in (ex.check_cosine_midpoint.__doc__ or "")


def test_no_feedback_message_states_an_answer():
    # the single-number answer: never in the midpoint checker's feedback, right or wrong
    for answer, _, _ in COSINE_WRONG:
        message = ex.check_cosine_midpoint(answer).message
        if isinstance(answer, float):  # the learner's own number, echoed, answers nothing
            message = message.replace(f"you answered {fmt(answer)}", "")
        if isinstance(answer, str):
            message = message.replace(repr(answer), "")
        _assert_no_answer(message, answer)
    _assert_no_answer(ex.check_cosine_midpoint(Q4).message, "right answer")
    # the restarts of the checked SGDR parameters: in no failure message of any checker
    # (other checkers legitimately mention rates such as 0.05, which answer nothing)
    messages = []
    for fn, _, _ in SGDR_WRONG:
        messages.append(ex.check_sgdr(fn).message)
        messages.append(ex.check_sgdr(fn, T_total=320, T0=5, alpha0=0.3, alpha_min=0.01).message)
    for given, _, _ in SCHEDULES_WRONG:
        messages.append(ex.check_schedules(given).message)
    for losses, useful, _, _ in RANGE_WRONG:
        messages.append(ex.check_range_test(losses, useful).message)
    for fn, _, _ in RUN_SGD_WRONG:
        messages.append(ex.check_run_sgd(fn, n_seeds=100).message)
    assert len(messages) > 80
    for message in messages:
        _assert_no_answer(message, message, RESTART_LISTS)


def test_schedules_duplicate_tolerance_is_relative_1e9():
    base = five()
    near = {**base, "cosine, rounded": lambda t: base["cosine"](t) * (1 + 1e-10)}
    assert "same rates" in ex.check_schedules(near).message
    apart = {**base, "cosine, scaled": lambda t: base["cosine"](t) * (1 + 1e-8)}
    assert ex.check_schedules(apart).passed
