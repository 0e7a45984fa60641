r"""Checker of exercise 3's first part (chapter 8): the learner's noisy SGD run.

The run is :math:`\theta_{t+1} = \theta_t - \alpha_t g_t`,
:math:`g_t = 2(\theta_t - 3) + \sigma\xi_t`, :math:`\xi_t \sim \mathcal N(0, 1)`, so the
final error :math:`e_T = \theta_T - 3` is Gaussian with mean
:math:`\mu = (\theta_0 - 3)\prod_t(1 - 2\alpha_t)` and variance :math:`s^2` given by
:math:`w_{t+1} = (1 - 2\alpha_t)^2 w_t + \alpha_t^2\sigma^2`, :math:`w_0 = 0`
(:func:`lrsched.expected_loss_parts`). The final loss :math:`L = e_T^2 = (\mu + sZ)^2`
is :math:`s^2` times a non-central :math:`\chi^2_1` with :math:`\lambda = \mu^2/s^2`, whose
cumulants are :math:`\kappa_r = s^{2r}\,2^{r-1}(r-1)!\,(1 + r\lambda)`:

.. math:: \mathbb E L = \mu^2 + s^2, \qquad \operatorname{Var} L = 2s^4 + 4\mu^2 s^2,
          \qquad \kappa_4 = 48 s^8 + 192\mu^2 s^6 .

The check has two halves. **Without noise** (``sigma=0``) a run is deterministic and
must equal :math:`(\theta_0 - 3)^2\prod_t(1 - 2\alpha_t)^2` to a relative ``1e-7``, for
a fixed rate, for a rate that changes at every update (so using
``schedule(t + 1)`` or ``schedule(0)`` is caught exactly) and from
:math:`\theta_0 \ne 0`. **With noise**, over ``n`` seeds: a seed gives the same result
twice and leaves the global generators alone, different seeds differ, and for three
probe schedules the sample mean is within :data:`Z_MEAN` standard errors
:math:`\sqrt{\operatorname{Var}L/n}` of :math:`\mathbb E L`. For the third, high-bias
probe (:math:`\lambda = 9`) the sample variance :math:`V` is also within :data:`Z_VAR`
standard errors of :math:`\operatorname{Var}L`, using the exact
:math:`\operatorname{Var}V = \kappa_4/n + 2\kappa_2^2/(n-1)`. That catches answers whose
mean is right but whose law is not, such as the expected loss times a
:math:`\chi^2_1` draw (its variance is :math:`2(\mu^2 + s^2)^2`, 5.3 times the true one at
:math:`\lambda = 9`, more than 40 standard errors away at ``n = 300``).

Why these limits: a correct run fails a test only by chance. A simulation of
:math:`10^6` sets of exact draws (``n = 300`` and ``n = 400``) gave, for the mean of a
noise-dominated probe (a scaled :math:`\chi^2_1`, skewed), :math:`|z| > 5` in 2 and 6
sets per million; for the variance at :math:`\lambda = 9`, whose distribution is skewed
to the right, :math:`|z|` never reached 6 (largest 5.94). So the variance limit is 7.
A learner whose code is right and draws the noise as the reference does gets the same
numbers as the reference every time; these odds concern other, equally right, ways of
drawing the noise.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np

from ..theory import expected_loss, expected_loss_parts
from ._core import (
    Feedback,
    _call,
    _fmt,
    _LearnerError,
    _real,
    _run,
    _wrong,
)

__all__ = ["check_run_sgd", "Z_MEAN", "Z_VAR"]

#: A sample mean more than this many standard errors from the exact mean is rejected.
Z_MEAN = 5.0
#: A sample variance more than this many standard errors from the exact one is rejected.
Z_VAR = 7.0

_C = 3.0  # the minimiser of (θ − 3)²
_SIGNATURE = "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0)"
_UPDATE = "θ ← θ − α_t·(2(θ − 3) + σ·ξ_t)"


def _end_error(alphas: list[float], e0: float, lam: float = 2.0) -> float:
    """Noise-free final error ``e0 · Π(1 − λ α_t)`` (``inf``-safe)."""
    e = e0
    for a in alphas:
        e *= 1.0 - lam * a
    return e


def _noise_free_hints(schedule: Callable[[int], float], T: int, theta0: float) -> dict[str, float]:
    """Loss (or value) that a realistic mistake returns without noise, by hint."""
    a = [float(schedule(t)) for t in range(T + 1)]
    e0 = theta0 - _C
    e = _end_error(a[:T], e0)
    out = {
        f"you ran {T + 1} updates instead of {T}": _end_error(a, e0) ** 2,
        f"you ran {T - 1} updates instead of {T} (or recorded the loss before the last "
        "update)": _end_error(a[: T - 1], e0) ** 2,
        "update t must use schedule(t), t = 0 .. T−1: you used schedule(t + 1)": _end_error(
            a[1:], e0
        )
        ** 2,
        "update t must use schedule(t): you used the first rate at every update": _end_error(
            [a[0]] * T, e0
        )
        ** 2,
        "the gradient of (θ − 3)² is 2(θ − 3), not (θ − 3)": _end_error(a[:T], e0, 1.0) ** 2,
        "a step goes against the gradient: θ − α·g, not θ + α·g": _end_error(a[:T], e0, -2.0) ** 2,
        "return the loss (θ_T − 3)², not θ_T": _C + e,
        "return the loss (θ_T − 3)², not θ_T − 3": e,
        "return the loss (θ_T − 3)², not |θ_T − 3|": abs(e),
    }
    if theta0 != 0.0:
        out[f"start from theta0 (here {theta0:g}), not from 0"] = _end_error(a[:T], -_C) ** 2
    return out


def _exact_law(alphas: np.ndarray, T: int, sigma: float, theta0: float):
    """``(mean, var, kappa4)`` of the final loss ``(μ + sZ)²``."""
    parts = expected_loss_parts(alphas, T=T, sigma=sigma, theta0=theta0)
    b, w = float(parts.bias[-1]), float(parts.variance[-1])
    return b + w, 2 * w * w + 4 * b * w, 48 * w**4 + 192 * b * w**3


def _mean_hints(alphas: np.ndarray, T: int, sigma: float, theta0: float) -> dict[str, float]:
    """Expected final loss of realistic noisy mistakes, by hint."""

    def law(f: np.ndarray, q: np.ndarray) -> float:  # m ← f²m + q, m0 = e0²
        m = (theta0 - _C) ** 2
        for fi, qi in zip(f.tolist(), q.tolist(), strict=True):
            m = fi * fi * m + qi
        return m

    f = 1.0 - 2.0 * alphas
    # one draw xi repeated at every update: e_T = e0 P(0, T) - sigma xi sum_s alpha_s P(s+1, T)
    gain, bias_factor = 0.0, 1.0
    for fi, ai in zip(f.tolist(), alphas.tolist(), strict=True):
        gain = fi * gain + ai
        bias_factor *= fi
    repeated = ((theta0 - _C) * bias_factor) ** 2 + (sigma * gain) ** 2
    return {
        "the noise must come from one generator created once per run: a generator "
        "re-created at every update (np.random.default_rng(seed) inside the loop) gives the "
        "same draw ξ at every update. Create rng = np.random.default_rng(seed) before the loop "
        "and draw a new ξ_t from it at each update": repeated,
        "scale the noise by sigma: g = 2(θ − 3) + σ·ξ with ξ ~ N(0, 1)": law(f, alphas**2),
        "the noise is part of the gradient, so it is multiplied by α_t too": law(
            f, np.full(T, sigma**2)
        ),
        "the noise's standard deviation is σ, its variance σ²: use σ·ξ, not σ²·ξ": law(
            f, alphas**2 * sigma**4
        ),
        f"you ran {T + 1} updates instead of {T}": law(
            np.append(f, f[-1]), np.append(alphas, alphas[-1]) ** 2 * sigma**2
        ),
        f"you ran {T - 1} updates instead of {T}": law(f[:-1], alphas[:-1] ** 2 * sigma**2),
        "the gradient of (θ − 3)² is 2(θ − 3), not (θ − 3)": law(
            1.0 - alphas, alphas**2 * sigma**2
        ),
    }


def _rng_state() -> tuple:
    state = np.random.get_state(legacy=False)  # noqa: NPY002 - inspected, not used
    inner = state["state"]
    return (
        random.getstate(),
        np.asarray(inner["key"]).tobytes(),
        int(inner["pos"]),
        state["has_gauss"],
        state["gauss"],
    )


def _touches_global_rng(call: Callable[[], float]) -> tuple[float, bool]:
    """``call()`` with both global generators set to a known state; whether it changed them.

    The learner's global states are put back afterwards, whatever happens.
    """
    saved_np, saved_py = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:
        np.random.set_state(np.random.RandomState(20240601).get_state())  # noqa: NPY002
        random.seed(20240601)
        before = _rng_state()
        out = call()
        return out, _rng_state() != before
    finally:
        np.random.set_state(saved_np)  # noqa: NPY002
        random.setstate(saved_py)


def check_run_sgd(
    run_sgd: Callable[..., Any],
    *,
    T: int = 150,
    sigma: float = 0.3,
    n_seeds: int = 400,
    time_limit: float = 30.0,
    strict: bool | None = None,
) -> Feedback:
    r"""Check ``run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0)`` -> final loss.

    The learner's function runs :math:`\theta_{t+1} = \theta_t - \alpha_t g_t`,
    :math:`g_t = 2(\theta_t - 3) + \sigma\xi_t`, from :math:`\theta_0`, for ``T`` updates
    with :math:`\alpha_t` = ``schedule(t)``, ``t = 0 .. T-1``, and noise from
    ``numpy.random.default_rng(seed)``, and returns :math:`(\theta_T - 3)^2`.

    Without noise the result must be exact (three probes); with noise it must be
    reproducible from the seed, leave ``np.random`` and ``random`` alone, change with
    the seed, and follow the exact law of the final loss over ``n_seeds`` seeds: the
    mean within :data:`Z_MEAN` standard errors for three schedules and, for a high-bias
    one, the variance within :data:`Z_VAR` (the module notes derive both).
    Each failure message gives the expected value for the probe that failed and a
    hint. It calls ``run_sgd`` about ``3 * n_seeds + 10`` times.

    Parameters
    ----------
    run_sgd : callable
        The learner's ``run_sgd(schedule, seed, T=..., sigma=..., theta0=...)``.
    T : int
        Updates per run, ``>= 2``.
    sigma : float
        Noise level of the noisy probes, ``> 0``.
    n_seeds : int
        Seeds per noisy probe, ``>= 20``.
    time_limit : float
        Seconds the learner's code may run in all.
    strict : bool or None
        Raise ``AssertionError`` on failure: always (True), never (False), or when
        ``NBGRADER_EXECUTION`` is set (None).

    Returns
    -------
    Feedback
        ``status`` ``"passed"``, ``"not implemented"``, ``"wrong"`` or ``"error"``.

    Raises
    ------
    ValueError
        If ``T``, ``sigma`` or ``n_seeds`` is out of range (the instructor's call).
    AssertionError
        With the feedback's text, when the check fails and ``strict`` is true (or is
        None and ``NBGRADER_EXECUTION`` is set).

    Notes
    -----
    Learner code that raises any ``BaseException``, returns something that is not one
    finite real number, runs past the time limit or changes it gives feedback, never a
    traceback (see :mod:`lrsched.exercises`). ``os._exit`` ends the process at once and
    cannot be caught in-process.
    """
    name = "Exercise run_sgd"
    T, sigma, n = int(T), float(sigma), int(n_seeds)
    if T < 2 or not (math.isfinite(sigma) and sigma > 0) or n < 20:
        raise ValueError(f"need T >= 2, sigma > 0 and n_seeds >= 20; got {T}, {sigma}, {n}")

    fixed, fixed_rate = (lambda t: 0.02), 0.02

    def decaying(t: int) -> float:
        return 0.4 / (1.0 + t)

    def cosine(t: int) -> float:
        return 1e-4 + 0.5 * (0.3 - 1e-4) * (1 + math.cos(math.pi * t / T))

    # the high-bias probe: (1 - 2a)^T = 1/e, and θ0 such that μ = -3 s, i.e. λ = 9
    a_hi = 0.5 * (1.0 - math.exp(-1.0 / T))
    s_unit = math.sqrt(float(expected_loss_parts(np.full(T, a_hi), T=T, sigma=sigma).variance[-1]))
    theta_hi = _C - 3.0 * s_unit / float(np.prod(np.full(T, 1.0 - 2.0 * a_hi)))

    def one(schedule: Callable[[int], float], seed: int, where: str, **kw: float) -> float:
        try:
            out = _call(run_sgd, "run_sgd", where, schedule, seed, T=T, **kw)
        except _LearnerError as err:
            if "unexpected keyword" in err.message:
                raise _wrong(
                    "run_sgd must accept the keywords T, sigma and theta0, as in the starter: "
                    + _SIGNATURE
                ) from None
            raise
        x = _real(out, "run_sgd", where)
        if x < 0:
            raise _wrong(f"run_sgd returned {_fmt(x)} {where}: a loss (θ_T − 3)² is never negative")
        return x

    def noise_free(label: str, schedule: Callable[[int], float], theta0: float) -> None:
        where = f"with sigma=0, theta0={theta0:g} and {label}"
        quiet = one(schedule, 0, where, sigma=0.0, theta0=theta0)
        if one(schedule, 1, where, sigma=0.0, theta0=theta0) != quiet:
            raise _wrong(
                f"{where}, seeds 0 and 1 give different results: with sigma=0 there is no "
                "noise, so use the sigma argument (g = 2(θ − 3) + sigma·ξ)"
            )
        alphas = np.array([schedule(t) for t in range(T)])
        exact = float(expected_loss(alphas, T=T, sigma=0.0, theta0=theta0)[-1])
        if math.isclose(quiet, exact, rel_tol=1e-7, abs_tol=1e-300):
            return
        hint = next(
            (
                h
                for h, v in _noise_free_hints(schedule, T, theta0).items()
                if not math.isclose(v, exact, rel_tol=1e-7)
                and math.isclose(quiet, v, rel_tol=1e-6, abs_tol=1e-24)
            ),
            f"check the update {_UPDATE} from theta0, with α_t = schedule(t) at update "
            f"t = 0 .. {T - 1}, and return (θ_T − 3)²",
        )
        raise _wrong(
            f"{where}, the loss after {T} updates is exactly {_fmt(exact)}; yours is "
            f"{_fmt(quiet)}. Hint: {hint}."
        )

    def sample(schedule: Callable[[int], float], theta0: float, label: str) -> np.ndarray:
        return np.array(
            [
                one(schedule, k, f"for seed={k} ({label})", sigma=sigma, theta0=theta0)
                for k in range(n)
            ]
        )

    def statistics(label: str, schedule, theta0: float, losses: np.ndarray, var_test: bool):
        alphas = np.array([schedule(t) for t in range(T)])
        mean_law, var_law, k4 = _exact_law(alphas, T, sigma, theta0)
        if var_test:
            var = float(losses.var(ddof=1))
            se_v = math.sqrt(k4 / n + 2 * var_law**2 / (n - 1))
            zv = (var - var_law) / se_v
            if not abs(zv) <= Z_VAR:
                raise _wrong(
                    f"with {label}, the spread of your final losses is not that of noisy SGD: "
                    f"their variance over {n} seeds is {_fmt(var)}, but the final loss "
                    f"(μ + sZ)² has variance {_fmt(var_law)} ({zv:+.1f} standard errors away; "
                    f"the limit is {Z_VAR:g}). Hint: run the {T} noisy updates for each seed "
                    "and return the loss they reach — no formula for the expected loss."
                )
        mean = float(losses.mean())
        se = math.sqrt(var_law / n)
        z = (mean - mean_law) / se
        if not abs(z) <= Z_MEAN:
            # a wrong law's spread grows about like its mean: widen the match accordingly,
            # and of the mistakes that match, name the closest
            scored = sorted(
                (abs(mean - v) / (se * max(1.0, v / mean_law)), h)
                for h, v in _mean_hints(alphas, T, sigma, theta0).items()
            )
            hint = next(
                (h for score, h in scored if score <= Z_MEAN),
                f"check the update {_UPDATE} with ξ_t drawn from "
                "np.random.default_rng(seed), one draw per update",
            )
            raise _wrong(
                f"with {label}, your mean final loss over {n} seeds is {_fmt(mean)}, but the "
                f"exact expected loss is {_fmt(mean_law)} ± {_fmt(se)} ({z:+.1f} standard "
                f"errors away; the limit is {Z_MEAN:g}). Hint: {hint}."
            )
        note = f"{label}: mean {_fmt(mean)} vs exact {_fmt(mean_law)} ({z:+.1f} s.e.)"
        if var_test:
            note += f", variance {_fmt(var)} vs {_fmt(var_law)} ({zv:+.1f} s.e.)"
        return note

    def body() -> Feedback:
        if not callable(run_sgd):
            raise _wrong("expected your run_sgd function; got a value that cannot be called")
        # 1. Without noise: exact.
        noise_free(f"a fixed rate {fixed_rate:g}", fixed, 0.0)
        noise_free("the rate 0.4/(t + 1), which changes at every update", decaying, 0.0)
        noise_free(f"a fixed rate {fixed_rate:g}", fixed, 5.0)
        # 2. Reproducible from the seed, without touching the global generators.
        a, touched = _touches_global_rng(
            lambda: one(cosine, 1, "for seed=1", sigma=sigma, theta0=0.0)
        )
        b = one(cosine, 1, "for seed=1, a second time", sigma=sigma, theta0=0.0)
        if a != b:
            raise _wrong(
                f"run_sgd(schedule, seed=1) gave {_fmt(a)} and then {_fmt(b)}: a run must be "
                "reproducible from its seed. Create the generator inside run_sgd with "
                "rng = np.random.default_rng(seed) and draw the noise from rng, not from "
                "np.random"
            )
        if touched:
            raise _wrong(
                "run_sgd changed the global random state (np.random.seed, np.random.normal, "
                "random.gauss, ...): a run must depend on its seed only. Use "
                "rng = np.random.default_rng(seed) and draw from rng"
            )
        # 3. Different across seeds, 4. the law of the final loss.
        probes = [
            ("a fixed rate 0.05", lambda t: 0.05, 0.0, False),
            ("a cosine from 0.3 to 0.0001", cosine, 0.0, False),
            (f"a fixed rate {a_hi:.4g} from θ0 = {theta_hi:.4g}", lambda t: a_hi, theta_hi, True),
        ]
        label0, s0, th0, _ = probes[0]
        first = sample(s0, th0, label0)
        if np.ptp(first[:10]) == 0.0:
            alphas = np.full(T, 0.05)
            no_noise = float(expected_loss(alphas, T=T, sigma=0.0)[-1])
            if math.isclose(first[0], no_noise, rel_tol=1e-6, abs_tol=1e-300):
                raise _wrong(
                    f"every seed gives {_fmt(first[0])}, the loss of SGD without noise: add "
                    "the noise σ·ξ_t with ξ_t drawn from rng"
                )
            raise _wrong(
                f"seeds 0..9 all give {_fmt(first[0])}: the seed must change the noise. Use "
                "rng = np.random.default_rng(seed)"
            )
        notes = [statistics(label0, s0, th0, first, False)]
        for label, s, th, var_test in probes[1:]:
            notes.append(statistics(label, s, th, sample(s, th, label), var_test))
        return Feedback(
            name,
            "passed",
            "exact without noise; reproducible from the seed, different across seeds, and "
            f"over {n} seeds the law of the final loss agrees with the exact theory ("
            + "; ".join(notes)
            + ").",
        )

    return _run(name, time_limit, strict, body)
