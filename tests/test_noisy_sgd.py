"""Tests of lrsched.noisy_sgd: the vectorised simulators and the seed-chapter replay.

Expected values come from plain reference loops written here (following the
seed chapter's cell and the textbook update formulas), from closed-form
arithmetic, or from the theory note; never from the code under test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from lrsched.cosine import Cosine
from lrsched.noisy_sgd import (
    DIVERGENCE_FACTOR,
    SimResult,
    seed_chapter_run,
    simulate_quadratic,
    simulate_quadratic_nd,
    stability_limit,
)

# ---------------------------------------------------------------------------
# The seed chapter's noisy-SGD cell, as a plain Python loop
# ---------------------------------------------------------------------------

T_SEED = 100
ALPHA0 = 0.3
ALPHA_MIN = 1e-4


def _seed_cosine(t, a0=ALPHA0, a_min=ALPHA_MIN, T=T_SEED):
    return a_min + 0.5 * (a0 - a_min) * (1 + np.cos(np.pi * t / T))


SEED_CONFIGS = [
    ("Fixed α=0.30", lambda t: ALPHA0),
    ("Fixed α=0.05", lambda t: 0.05),
    ("Cosine Annealing", _seed_cosine),
    ("Step Decay (γ=0.5, s=25)", lambda t: ALPHA0 * (0.5 ** (t // 25))),
    (
        "Warm-up + Cosine",
        lambda t: _seed_cosine(t, a0=ALPHA0 * t / 10) if t <= 10 else _seed_cosine(t),
    ),
]


@pytest.fixture
def restore_global_rng():
    state = np.random.get_state()  # noqa: NPY002 - the legacy global stream is the point here
    yield
    np.random.set_state(state)  # noqa: NPY002 - the legacy global stream is the point here


def _seed_chapter_loop():
    """The chapter's loop, verbatim apart from the plotting."""
    np.random.seed(0)  # noqa: NPY002 - the legacy global stream is the point here

    def J(theta):
        return (theta - 3.0) ** 2

    def dJ(theta):
        return 2.0 * (theta - 3.0)

    noise_sd = 0.3
    losses, alphas = [], []
    for _label, sched in SEED_CONFIGS:
        theta = 0.0
        loss_hist, alpha_hist = [], []
        for t in range(T_SEED):
            alpha_t = sched(t)
            g = dJ(theta) + np.random.randn() * noise_sd  # noqa: NPY002
            theta -= alpha_t * g
            loss_hist.append(J(theta))
            alpha_hist.append(alpha_t)
        losses.append(loss_hist)
        alphas.append(alpha_hist)
    return np.array(losses, dtype=np.float64), np.array(alphas, dtype=np.float64)


def test_legacy_stream_matches_scalar_randn_calls(restore_global_rng):
    np.random.seed(0)  # noqa: NPY002 - the legacy global stream is the point here
    scalar = np.array([np.random.randn() for _ in range(5 * T_SEED)])  # noqa: NPY002
    vector = np.random.RandomState(0).standard_normal(5 * T_SEED)
    assert np.array_equal(scalar, vector)


def test_seed_chapter_run_is_bit_identical(restore_global_rng):
    ref_loss, ref_alpha = _seed_chapter_loop()
    res = seed_chapter_run(dict(SEED_CONFIGS))
    assert isinstance(res, SimResult)
    assert res.names == [name for name, _ in SEED_CONFIGS]
    assert res.loss.shape == (T_SEED + 1, 1, 5)
    assert np.array_equal(res.loss[1:, 0, :].T, ref_loss)  # to the last bit
    assert np.array_equal(res.lr.T, ref_alpha)
    assert np.all(res.loss[0] == 9.0)
    assert np.all(res.theta[0] == 0.0)
    assert not res.diverged.any()
    # the chapter's printed legend values J=... at the end, for the record
    assert np.array_equal(res.final_loss[0], ref_loss[:, -1])


def test_seed_chapter_run_accepts_a_list_and_keeps_order(restore_global_rng):
    ref_loss, _ = _seed_chapter_loop()
    res = seed_chapter_run([fn for _, fn in SEED_CONFIGS])
    assert np.array_equal(res.loss[1:, 0, :].T, ref_loss)
    # a different order gives each schedule a different part of the stream
    rev = seed_chapter_run([fn for _, fn in SEED_CONFIGS][::-1])
    assert not np.array_equal(rev.loss[1:, 0, ::-1].T, ref_loss)


def test_seed_chapter_run_leaves_global_rng_alone(restore_global_rng):
    np.random.seed(1234)  # noqa: NPY002 - the legacy global stream is the point here
    before = np.random.get_state()  # noqa: NPY002 - the legacy global stream is the point here
    seed_chapter_run(dict(SEED_CONFIGS))
    after = np.random.get_state()  # noqa: NPY002 - the legacy global stream is the point here
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_seed_chapter_run_with_lrsched_schedules(restore_global_rng):
    ref_loss, _ = _seed_chapter_loop()
    res = seed_chapter_run([SEED_CONFIGS[0][1], SEED_CONFIGS[1][1], Cosine(0.3, 100, 1e-4)])
    # the first three configs only use the first 3*T draws: same as the chapter
    np.testing.assert_allclose(res.loss[1:, 0, 2], ref_loss[2], rtol=1e-12)
    assert res.names[2].startswith("Cosine(")


# ---------------------------------------------------------------------------
# Reference loops for the vectorised simulator
# ---------------------------------------------------------------------------


def _reference_1d(
    alphas, *, n, seed, c, theta0, sigma, lam, optimizer, mu=0.9, b1=0.9, b2=0.999, eps=1e-8
):
    """One seed at a time, one step at a time, textbook formulas."""
    T = len(alphas)
    xi = np.random.default_rng(seed).standard_normal((T, n))  # documented stream order (t, i)
    final = np.empty(n)
    for i in range(n):
        theta, v, m, s = theta0, 0.0, 0.0, 0.0
        for t in range(T):
            g = lam * (theta - c) + sigma * xi[t, i]
            if optimizer == "sgd":
                theta = theta - alphas[t] * g
            elif optimizer == "momentum":
                v = mu * v + g
                theta = theta - alphas[t] * v
            else:
                m = b1 * m + (1 - b1) * g
                s = b2 * s + (1 - b2) * g * g
                m_hat = m / (1 - b1 ** (t + 1))
                s_hat = s / (1 - b2 ** (t + 1))
                theta = theta - alphas[t] * m_hat / (math.sqrt(s_hat) + eps)
        final[i] = theta
    return final


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_simulator_matches_reference_loop(optimizer):
    T, n = 60, 7
    sched = {
        "const": np.full(T, 0.05),
        "decay": 0.2 / (1.0 + 0.1 * np.arange(T)),
    }
    res = simulate_quadratic(
        sched,
        T=T,
        n_seeds=n,
        seed=11,
        c=1.5,
        theta0=-2.0,
        sigma=0.7,
        curvature=1.3,
        optimizer=optimizer,
        momentum=0.8,
        betas=(0.85, 0.99),
        eps=1e-6,
    )
    for k, alphas in enumerate(sched.values()):
        ref = _reference_1d(
            alphas,
            n=n,
            seed=11,
            c=1.5,
            theta0=-2.0,
            sigma=0.7,
            lam=1.3,
            optimizer=optimizer,
            mu=0.8,
            b1=0.85,
            b2=0.99,
            eps=1e-6,
        )
        np.testing.assert_allclose(res.final_theta[:, k], ref, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(
            res.final_loss[:, k], 0.5 * 1.3 * (ref - 1.5) ** 2, rtol=1e-9, atol=1e-14
        )


def test_shapes_and_record_modes():
    T, n = 30, 5
    sched = [np.full(T, 0.1), lambda t: 0.2 * 0.9**t, np.linspace(0.3, 0.0, T)]
    full = simulate_quadratic(sched, T=T, n_seeds=n)
    assert full.theta.shape == full.loss.shape == (T + 1, n, 3)
    assert full.lr.shape == (T, 3)
    assert full.diverged.shape == full.diverged_at.shape == (n, 3)
    assert full.diverged.dtype == bool and full.diverged_at.dtype.kind == "i"
    assert full.loss_mean.shape == full.loss_std.shape == (T + 1, 3)
    assert (full.T, full.n_seeds) == (T, n)
    assert np.all(full.theta[0] == 0.0) and np.all(full.loss[0] == 9.0)
    np.testing.assert_allclose(full.loss, (full.theta - 3.0) ** 2, rtol=1e-12)
    assert np.array_equal(full.final_loss, full.loss[-1])
    assert np.array_equal(full.final_theta, full.theta[-1])
    np.testing.assert_allclose(full.loss_mean, full.loss.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(full.loss_std, full.loss.std(axis=1, ddof=1), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(full.lr[:, 1], 0.2 * 0.9 ** np.arange(T))

    loss_only = simulate_quadratic(sched, T=T, n_seeds=n, record="loss")
    assert loss_only.theta is None
    assert np.array_equal(loss_only.loss, full.loss)

    stats = simulate_quadratic(sched, T=T, n_seeds=n, record="stats")
    assert stats.theta is None and stats.loss is None
    assert np.array_equal(stats.loss_mean, full.loss_mean)

    final = simulate_quadratic(sched, T=T, n_seeds=n, record=False)
    assert final.theta is None and final.loss is None and final.loss_mean is None
    assert np.array_equal(final.final_loss, full.final_loss)

    single = simulate_quadratic(sched, T=T, n_seeds=1)
    assert single.loss_std is None


def test_common_random_numbers_are_shared_and_independent_of_the_other_schedules():
    T, n = 50, 20
    a = np.full(T, 0.1)
    b = lambda t: 0.3 * 0.95**t  # noqa: E731
    alone = simulate_quadratic([a], T=T, n_seeds=n, seed=3)
    together = simulate_quadratic([b, a, a], T=T, n_seeds=n, seed=3)
    assert np.array_equal(together.theta[..., 1], alone.theta[..., 0])
    assert np.array_equal(together.theta[..., 1], together.theta[..., 2])
    # chunked noise drawing does not change the stream: same result for every optimizer
    other = simulate_quadratic([a], T=T, n_seeds=n, seed=4)
    assert not np.array_equal(other.theta, alone.theta)


def test_noise_stream_is_documented_order():
    """theta_1 = theta0 - a * (lam * e0 + sigma * xi[0, i]), xi from default_rng(seed)."""
    res = simulate_quadratic([np.full(3, 0.1)], T=3, n_seeds=6, seed=9, sigma=0.5)
    xi = np.random.default_rng(9).standard_normal((3, 6))
    np.testing.assert_allclose(res.theta[1, :, 0], 0.0 - 0.1 * (2.0 * (0.0 - 3.0) + 0.5 * xi[0]))


def test_zero_noise_is_gradient_descent():
    T = 40
    res = simulate_quadratic([np.full(T, 0.1)], T=T, n_seeds=3, sigma=0.0)
    expected = 3.0 - 3.0 * 0.8 ** np.arange(T + 1)  # e_{t+1} = (1 - 2a) e_t
    for i in range(3):
        np.testing.assert_allclose(res.theta[:, i, 0], expected, rtol=1e-12)


def test_schedule_is_evaluated_once_on_an_array():
    calls = []

    def sched(t):
        calls.append(np.shape(t))
        return 0.1 * np.ones(np.shape(t))

    simulate_quadratic([sched], T=25, n_seeds=2)
    assert calls == [(25,)]


def test_scalar_only_functions_fall_back_to_per_step_calls():
    def scalar_only(t):
        if t < 5:  # raises on arrays
            return 0.1
        return 0.05

    res = simulate_quadratic({"s": scalar_only, "c": lambda t: 0.2}, T=10, n_seeds=2)
    assert res.lr[:, 0].tolist() == [0.1] * 5 + [0.05] * 5
    assert res.lr[:, 1].tolist() == [0.2] * 10


def test_lrsched_schedule_objects_and_names():
    s = Cosine(0.3, 50, 1e-4)
    res = simulate_quadratic([s, np.full(60, 0.1), s], T=50, n_seeds=2)
    np.testing.assert_allclose(
        res.lr[:, 0], 1e-4 + 0.5 * (0.3 - 1e-4) * (1 + np.cos(np.pi * np.arange(50) / 50))
    )
    assert res.names[1] == "lr_array[1]"
    assert len(set(res.names)) == 3  # duplicates are disambiguated
    assert res.names[0].startswith(repr(s))


def test_dict_names_and_single_schedule():
    res = simulate_quadratic({"a": np.full(5, 0.1), "b": np.full(5, 0.2)}, T=5, n_seeds=2)
    assert res.names == ["a", "b"]
    one = simulate_quadratic(np.full(5, 0.1), T=5, n_seeds=2)
    assert one.lr.shape == (5, 1)


# ---------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------


def test_divergence_is_flagged_at_the_right_step_and_frozen():
    # sigma = 0, alpha = 1.5, lambda = 2: e_k = -3 * (-2)^k; R = 1e6 * 3
    T = 40
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = simulate_quadratic(
            {"too big": np.full(T, 1.5), "fine": np.full(T, 0.1)}, T=T, n_seeds=4, sigma=0.0
        )
    R = DIVERGENCE_FACTOR * 3.0
    k_expected = next(k for k in range(1, T + 1) if 3.0 * 2.0**k > R)  # = 20
    assert res.threshold == R
    assert res.diverged[:, 0].all() and not res.diverged[:, 1].any()
    assert np.all(res.diverged_at[:, 0] == k_expected)
    assert np.all(res.diverged_at[:, 1] == -1)
    for arr in (res.theta, res.loss, res.final_loss, res.final_theta, res.loss_mean, res.loss_std):
        assert np.all(np.isfinite(arr))
    # before divergence: the exact geometric trajectory; after: frozen at the boundary
    k = k_expected
    np.testing.assert_allclose(res.theta[:k, 0, 0] - 3.0, -3.0 * (-2.0) ** np.arange(k))
    assert np.all(np.abs(res.theta[k:, :, 0] - 3.0) == R)
    assert np.all(res.loss[k:, :, 0] == res.loss[k, :, 0])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_overflow_never_leaks_nan_or_warnings(optimizer):
    T = 30
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = simulate_quadratic(
            [np.full(T, 1e308), np.full(T, 3.0), np.full(T, 0.01)],
            T=T,
            n_seeds=50,
            optimizer=optimizer,
            record=True,
        )
    assert res.diverged[:, 0].all()
    assert not res.diverged[:, 2].any()
    assert np.all(res.diverged_at[:, 0] >= 1)
    for arr in (res.theta, res.loss, res.final_loss, res.loss_mean, res.loss_std):
        assert np.all(np.isfinite(arr))
    assert np.all(np.abs(res.final_theta - 3.0) <= res.threshold)
    # a diverged run is at least R^2 * lambda / 2 in loss from its flag on
    assert np.all(res.final_loss[:, 0] >= 0.99 * res.threshold**2)


def test_divergence_threshold_scales_with_the_start():
    res = simulate_quadratic([np.full(2, 0.1)], T=2, n_seeds=1, theta0=3.0)
    assert res.threshold == DIVERGENCE_FACTOR  # |theta0 - c| = 0 -> max(1, 0) = 1
    res = simulate_quadratic([np.full(2, 0.1)], T=2, n_seeds=1, theta0=-47.0)
    assert res.threshold == DIVERGENCE_FACTOR * 50.0
    res = simulate_quadratic([np.full(2, 0.1)], T=2, n_seeds=1, theta0=3.0, sigma=5e3)
    assert res.threshold == DIVERGENCE_FACTOR * 5e3


@pytest.mark.parametrize("kwargs", [{"theta0": 1e150}, {"sigma": 1e160}, {"curvature": 1e200}])
def test_scales_that_would_overflow_are_refused(kwargs):
    with pytest.raises(ValueError, match="too large for float64"):
        simulate_quadratic([np.full(2, 0.1)], T=2, n_seeds=1, **kwargs)
    with pytest.raises(ValueError, match="too large for float64"):
        simulate_quadratic_nd(
            [np.full(2, 0.1)],
            eigenvalues=[1.0, kwargs.get("curvature", 2.0)],
            e0=kwargs.get("theta0", 1.0),
            sigma=kwargs.get("sigma", 0.3),
            T=2,
            n_seeds=1,
        )


# ---------------------------------------------------------------------------
# N-D simulator
# ---------------------------------------------------------------------------


def test_stability_limit():
    assert stability_limit([0.1, 1.0, 10.0]) == pytest.approx(0.2)
    assert stability_limit([0.1, 1.0, 10.0], halved=False) == pytest.approx(0.1)
    assert stability_limit(2.0) == pytest.approx(1.0)


def test_nd_matches_reference_loop():
    lam = np.array([0.1, 1.0, 10.0])
    e0 = np.array([3.0, -1.0, 2.0])
    T, n, sigma = 40, 4, 0.3
    alphas = np.full(T, 0.15)
    res = simulate_quadratic_nd(
        [alphas], eigenvalues=lam, e0=e0, T=T, n_seeds=n, seed=5, sigma=sigma, record_u=True
    )
    zeta = np.random.default_rng(5).standard_normal((T, n, 3))  # order (t, seed, direction)
    u = np.tile(e0, (n, 1))
    for t in range(T):
        u = (1 - alphas[t] * lam) * u - alphas[t] * sigma * zeta[t]
    np.testing.assert_allclose(res.final_u[:, 0, :], u, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(res.u[-1, :, 0, :], u, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(res.final_loss[:, 0], 0.5 * (u**2 @ lam), rtol=1e-10)
    assert res.loss.shape == (T + 1, n, 1)
    assert res.u.shape == (T + 1, n, 1, 3)
    np.testing.assert_allclose(res.loss[0], 0.5 * np.sum(lam * e0**2))


def test_nd_with_one_direction_equals_1d():
    T = 30
    sched = [np.full(T, 0.1), np.full(T, 0.4)]
    one = simulate_quadratic(sched, T=T, n_seeds=8, seed=2, c=3.0, theta0=0.0, curvature=2.0)
    nd = simulate_quadratic_nd(sched, eigenvalues=[2.0], e0=-3.0, T=T, n_seeds=8, seed=2)
    assert np.array_equal(nd.loss, one.loss)


def test_nd_divergence_above_the_stability_limit():
    lam = [0.1, 1.0, 10.0]
    limit = stability_limit(lam)
    res = simulate_quadratic_nd(
        {"below": np.full(300, 0.95 * limit), "above": np.full(300, 1.5 * limit)},
        eigenvalues=lam,
        e0=[3.0, 3.0, 3.0],
        T=300,
        n_seeds=20,
        record=True,
    )
    assert not res.diverged[:, 0].any()
    assert res.diverged[:, 1].all()
    assert res.threshold == DIVERGENCE_FACTOR * 3.0
    # stiff mode grows by |1 - 1.5*2| = 2 per step: 3 * 2^k > 3e6 at k = 20 (noise aside)
    assert np.all(np.abs(res.diverged_at[:, 1] - 20) <= 1)
    assert np.all(np.isfinite(res.loss))


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

GOOD = {"T": 10, "n_seeds": 3}


@pytest.mark.parametrize(
    ("kwargs", "exc", "word"),
    [
        ({"sigma": -0.1}, ValueError, "sigma"),
        ({"sigma": float("nan")}, ValueError, "sigma"),
        ({"n_seeds": 0}, ValueError, "n_seeds"),
        ({"n_seeds": 2.0}, TypeError, "n_seeds"),
        ({"T": 0}, ValueError, "T"),
        ({"T": -5}, ValueError, "T"),
        ({"c": float("inf")}, ValueError, "c"),
        ({"theta0": float("nan")}, ValueError, "theta0"),
        ({"curvature": 0.0}, ValueError, "curvature"),
        ({"curvature": -1.0}, ValueError, "curvature"),
        ({"seed": -1}, ValueError, "seed"),
        ({"optimizer": "rmsprop"}, ValueError, "optimizer"),
        ({"optimizer": None}, TypeError, "optimizer"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"betas": (0.9,)}, ValueError, "betas"),
        ({"betas": (0.9, 1.2)}, ValueError, "betas[1]"),
        ({"betas": 0.9}, TypeError, "betas"),
        ({"eps": 0.0}, ValueError, "eps"),
        ({"record": "theta"}, ValueError, "record"),
        ({"record": 1}, TypeError, "record"),
    ],
)
def test_bad_parameters(kwargs, exc, word):
    args = {**GOOD, **kwargs}
    with pytest.raises(exc, match=word.replace("[", r"\[").replace("]", r"\]")):
        simulate_quadratic([np.full(20, 0.1)], **args)


@pytest.mark.parametrize(
    ("schedules", "exc", "word"),
    [
        ([np.full(5, 0.1)], ValueError, r"schedules\[0\].*5 learning rates.*T=10"),
        ([np.full((10, 2), 0.1)], ValueError, r"schedules\[0\].*1-D"),
        ([np.array(["a"] * 10)], TypeError, r"schedules\[0\]"),
        ([0.1], TypeError, r"schedules\[0\]"),
        ([], ValueError, "at least one"),
        ({}, ValueError, "at least one"),
        ({1: np.full(10, 0.1)}, TypeError, "str names"),
        ("cosine", TypeError, "schedules"),
        ({"neg": np.full(10, -0.1)}, ValueError, r"schedules\['neg'\].*t=0.*>= 0"),
        ({"nan": lambda t: np.where(t == 7, np.nan, 0.1)}, ValueError, r"'nan'.*t=7"),
        ({"inf": lambda t: 0.1 / (5 - t)}, ValueError, r"'inf'.*t=5"),
        ({"str": lambda t: "0.1"}, TypeError, r"'str'.*real"),
        ({"boom": lambda t: 1 / 0}, ValueError, r"'boom'.*ZeroDivisionError.*t=0"),
    ],
)
def test_bad_schedules(schedules, exc, word):
    with pytest.raises(exc, match=word):
        simulate_quadratic(schedules, T=10, n_seeds=2)


@pytest.mark.parametrize(
    ("kwargs", "exc", "word"),
    [
        ({"e0": [1.0, 2.0]}, ValueError, "e0"),
        ({"e0": [[1.0, 2.0, 3.0]]}, ValueError, "e0"),
        ({"e0": [1.0, float("nan"), 3.0]}, ValueError, "e0"),
        ({"eigenvalues": [0.1, -1.0, 10.0]}, ValueError, "eigenvalues"),
        ({"eigenvalues": []}, ValueError, "eigenvalues"),
        ({"eigenvalues": [0.1, float("inf"), 1.0]}, ValueError, "eigenvalues"),
        ({"eigenvalues": "abc"}, TypeError, "eigenvalues"),
        ({"sigma": -1.0}, ValueError, "sigma"),
        ({"T": 0}, ValueError, "T"),
        ({"n_seeds": 0}, ValueError, "n_seeds"),
        ({"optimizer": "lbfgs"}, ValueError, "optimizer"),
        ({"record_u": "yes"}, TypeError, "record_u"),
    ],
)
def test_bad_nd_parameters(kwargs, exc, word):
    args = {"eigenvalues": [0.1, 1.0, 10.0], "e0": 3.0, "T": 10, "n_seeds": 2, **kwargs}
    with pytest.raises(exc, match=word):
        simulate_quadratic_nd([np.full(10, 0.05)], **args)


def test_bad_stability_limit_and_seed_mode_input():
    with pytest.raises(ValueError, match="eigenvalues"):
        stability_limit([1.0, 0.0])
    with pytest.raises(TypeError, match="halved"):
        stability_limit([1.0], halved="yes")
    with pytest.raises(ValueError, match="T"):
        seed_chapter_run([np.full(5, 0.1)], T=0)
    with pytest.raises(ValueError, match="sigma"):
        seed_chapter_run([np.full(5, 0.1)], T=5, sigma=-0.3)
    with pytest.raises(ValueError, match=r"schedules\[0\]"):
        seed_chapter_run([np.full(5, 0.1)], T=6)
