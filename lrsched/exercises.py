r"""Checkers for the course's exercises, and the self-study "show the solution" button.

Every ``check_*`` function takes what the learner wrote (a function or a result),
never raises because of it, and returns a :class:`Feedback` whose text says what is
right or wrong: where (which ``t``, which seed, which :math:`\alpha`), expected against
got, and a hint tied to the formula. In JupyterLab the feedback is simply shown, so
"Run All" carries on past an unfinished exercise. Under nbgrader (which sets
``NBGRADER_EXECUTION`` while validating or autograding) a failed check raises
``AssertionError`` with the same text, so the same call works as a graded test cell.
"""

from __future__ import annotations

import math
import numbers
import os
import signal
import threading
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .cosine import SGDR
from .range_test import one_step_losses
from .theory import expected_loss

__all__ = [
    "Feedback",
    "check_sgdr",
    "check_run_sgd",
    "check_schedules",
    "check_range_test",
    "check_cosine_midpoint",
    "attempt",
    "learner_values",
    "compare_over_seeds",
    "reveal_button",
    "find_reference",
]

DEFAULT_TIME_LIMIT = 10.0


class TimeLimitExceeded(Exception):
    """Raised inside learner code when a check's time limit runs out."""


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: ``status`` is ``"passed"``, ``"not implemented"``,
    ``"wrong"`` or ``"error"``; ``message`` is what the learner reads."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when the answer is right."""
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = {"passed": "✔", "not implemented": "…"}.get(self.status, "✘")
        return f"{mark} {self.exercise}: {self.message}"

    def __repr__(self) -> str:
        return str(self)


def _graded() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _finish(fb: Feedback, strict: bool | None) -> Feedback:
    """Return the feedback; raise it as an AssertionError when grading (or ``strict``)."""
    if (_graded() if strict is None else strict) and not fb.passed:
        raise AssertionError(str(fb))
    return fb


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` (main thread on POSIX; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _stop(signum, frame):  # noqa: ARG001 - signal handler signature
        raise TimeLimitExceeded

    old = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class _LearnerError(Exception):
    """Learner code failed; ``feedback`` says how."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _not_implemented(what: str) -> _LearnerError:
    return _LearnerError(
        "not implemented",
        f"not implemented yet — {what} still raises NotImplementedError. "
        "Replace the placeholder with your code and run this cell again.",
    )


def _call(fn: Callable[..., Any], what: str, where: str, *args: Any, **kwargs: Any) -> Any:
    try:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    except NotImplementedError:
        raise _not_implemented(what) from None
    except TimeLimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - any learner error becomes feedback
        raise _LearnerError("error", f"{what} raised {type(exc).__name__} {where}: {exc}") from None


def _real(value: Any, what: str, where: str) -> float:
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise _LearnerError(
            "wrong",
            f"{what} returned {type(value).__name__} {value!r} {where}; "
            "it must return one real number",
        )
    x = float(value)
    if not math.isfinite(x):
        raise _LearnerError("wrong", f"{what} returned {x!r} {where}; it must be finite")
    return x


def _run(exercise: str, time_limit: float, strict: bool | None, body: Callable[[], Feedback]):
    try:
        with _time_limit(time_limit):
            fb = body()
    except _LearnerError as err:
        fb = Feedback(exercise, err.status, err.message)
    except TimeLimitExceeded:
        fb = Feedback(
            exercise,
            "error",
            f"stopped after {time_limit:g} s: your code did not finish. "
            "Look for a loop whose condition never becomes false.",
        )
    return _finish(fb, strict)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the learner's ``fn(*args, **kwargs)``; on failure print one line and return None.

    For cells that use a learner's function to draw or print something: an unfinished
    function gives "not implemented yet" feedback instead of a traceback, and the
    notebook runs on.
    """
    label = getattr(fn, "__name__", "your function")
    try:
        with _time_limit(DEFAULT_TIME_LIMIT):
            return _call(fn, label, "when called", *args, **kwargs)
    except _LearnerError as err:
        print(f"Nothing to show yet: {err.message}")
    except TimeLimitExceeded:
        print(f"Nothing to show yet: {label} did not finish within {DEFAULT_TIME_LIMIT:g} s.")
    return None


def learner_values(fn: Callable[..., Any], ts: Any, what: str | None = None, **kwargs: Any):
    """Evaluate the learner's ``fn(t, **kwargs)`` for every ``t`` in ``ts``, for a plot.

    Returns a ``float64`` array, or ``None`` after printing one line of feedback when the
    function is unfinished or fails, so the cell that plots it still runs.
    """
    label = what or getattr(fn, "__name__", "your function")
    try:
        with _time_limit(DEFAULT_TIME_LIMIT):
            return np.array(
                [_real(_call(fn, label, f"at t={t}", t, **kwargs), label, f"at t={t}") for t in ts]
            )
    except _LearnerError as err:
        print(f"Nothing to plot yet: {err.message}")
    except TimeLimitExceeded:
        print(f"Nothing to plot yet: {label} did not finish within {DEFAULT_TIME_LIMIT:g} s.")
    return None


def compare_over_seeds(
    run_sgd: Callable[..., Any], schedules: Any, *, n_seeds: int = 10, T: int = 150
) -> dict[str, np.ndarray] | None:
    """Final loss of ``run_sgd(schedule, seed, T=T)`` for seeds ``0..n_seeds-1``, per schedule.

    ``schedules`` is a dict name -> function or a function returning one. Returns
    ``{name: array of n_seeds final losses}``, or ``None`` after printing one line of
    feedback when the learner's code is unfinished or fails.
    """
    try:
        with _time_limit(60.0):
            given = schedules
            if callable(given) and not isinstance(given, Mapping):
                given = _call(given, getattr(given, "__name__", "your function"), "when called")
            if not isinstance(given, Mapping):
                raise _LearnerError("wrong", "schedules must be a dict name -> function")
            return {
                label: np.array(
                    [
                        _real(
                            _call(run_sgd, "run_sgd", f"for {label!r}, seed={k}", s, k, T=T),
                            "run_sgd",
                            f"for {label!r}, seed={k}",
                        )
                        for k in range(n_seeds)
                    ]
                )
                for label, s in given.items()
            }
    except _LearnerError as err:
        print(f"Nothing to compare yet: {err.message}")
    except TimeLimitExceeded:
        print("Nothing to compare yet: the runs did not finish within 60 s.")
    return None


# ----------------------------------------------------------------------------- exercise 1


def _restarts(values: np.ndarray) -> list[int]:
    jumps = np.flatnonzero(np.diff(values) > 1e-12 * max(1.0, float(np.max(np.abs(values)))))
    return [int(j) + 1 for j in jumps]


def check_sgdr(
    sgdr: Callable[..., Any],
    *,
    T_total: int = 100,
    T0: int = 10,
    alpha0: float = 0.1,
    alpha_min: float = 1e-4,
    time_limit: float = DEFAULT_TIME_LIMIT,
    strict: bool | None = None,
) -> Feedback:
    r"""Check an SGDR function ``sgdr(t, T0=..., alpha0=..., alpha_min=...)`` (cycle doubling).

    Expected: with :math:`T_i = T_0 2^i` and :math:`T_{\mathrm{cur}}` the updates since
    the last restart, :math:`\alpha_t = \alpha_{\min} + \frac12(\alpha_0 - \alpha_{\min})
    (1 + \cos(\pi T_{\mathrm{cur}}/T_i))`, for ``t = 0 .. T_total-1``
    (:class:`lrsched.SGDR` with ``T_mult=2``).
    """
    name = "Exercise SGDR"
    T0 = int(T0)
    expected = SGDR(alpha0, T0, 2, alpha_min).values(T_total)
    want_restarts = [int(s) for s in SGDR(alpha0, T0, 2).restarts(12) if 0 < s < T_total]
    formula = (
        "α_t = α_min + ½(α0 − α_min)(1 + cos(π·T_cur/T_i)), with T_cur the updates "
        "since the last restart and T_i = T0·2^i the length of cycle i"
    )

    def body() -> Feedback:
        if not callable(sgdr):
            raise _LearnerError("wrong", f"expected your sgdr function; got {type(sgdr).__name__}")
        got = np.empty(T_total)
        for t in range(T_total):
            where = f"at t={t}"
            try:
                value = _call(sgdr, "sgdr", where, t, T0=T0, alpha0=alpha0, alpha_min=alpha_min)
            except _LearnerError as err:
                if "unexpected keyword" in err.message:
                    raise _LearnerError(
                        "wrong",
                        "sgdr must accept the keywords T0, alpha0 and alpha_min, as in "
                        "the starter: def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min)",
                    ) from None
                raise
            got[t] = _real(value, "sgdr", where)
        if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
            lengths = np.diff([0, *want_restarts]).tolist()
            return Feedback(
                name,
                "passed",
                f"correct for t = 0..{T_total - 1}: restarts at t = "
                f"{', '.join(map(str, want_restarts))} (cycles of "
                f"{', '.join(map(str, lengths))} updates) and every value matches.",
            )
        if np.allclose(got, alpha_min) or np.allclose(got, got[0]):
            raise _LearnerError(
                "wrong",
                f"your sgdr returns {_fmt(got[0])} for every t: the "
                "starter's placeholder is still in place. " + formula + ".",
            )
        bad = int(np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=1e-12))[0])
        first = f"first difference at t={bad}: expected {_fmt(expected[bad])}, got {_fmt(got[bad])}"
        have = _restarts(got)
        if have[:3] == [r + 1 for r in want_restarts[:3]]:
            hint = (
                f"you restart one update late (at t={have[0]} instead of t={want_restarts[0]}):"
                " the first update of a new cycle must already have T_cur = 0"
            )
        elif have[:3] == [r - 1 for r in want_restarts[:3]]:
            hint = (
                f"you restart one update early (at t={have[0]} instead of "
                f"t={want_restarts[0]}): a cycle of length T_i covers T_cur = 0 .. T_i − 1"
            )
        elif len(have) >= 2 and len(set(np.diff([0, *have]).tolist())) == 1:
            hint = (
                f"your cycles all last {have[0]} updates (restarts at "
                f"{', '.join(map(str, have[:4]))}): the period must double after each "
                f"restart, so the restarts fall at {', '.join(map(str, want_restarts))}"
            )
        elif have[:3] == want_restarts[:3]:
            lo_got, lo_want = float(got.min()), float(expected.min())
            if not math.isclose(lo_got, lo_want, rel_tol=1e-3, abs_tol=1e-12):
                hint = (
                    f"the restarts are right but the floor is not: your smallest rate is "
                    f"{_fmt(lo_got)}, it should be {_fmt(lo_want)} — the cosine runs between "
                    "α_min and α0, not between 0 and α0"
                )
            else:
                hint = "the restarts are right; check the cosine inside a cycle: " + formula
        elif not have:
            hint = "your schedule never restarts: T_cur must go back to 0 at t = " + ", ".join(
                map(str, want_restarts)
            )
        else:
            hint = (
                f"your restarts fall at t = {', '.join(map(str, have[:4]))}; they should fall "
                f"at t = {', '.join(map(str, want_restarts))}"
            )
        raise _LearnerError("wrong", f"{first}. Hint: {hint}.")

    return _run(name, time_limit, strict, body)


# ----------------------------------------------------------------------------- exercise 2


def _schedule_value(schedule: Any, t: int, label: str) -> float:
    value = _call(schedule, label, f"at t={t}", t)
    return _real(value, label, f"at t={t}")


def check_schedules(
    schedules: Any,
    *,
    T: int = 150,
    minimum: int = 5,
    strict: bool | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Feedback:
    """Check at least ``minimum`` named schedules ``t -> α_t`` for ``T`` updates.

    ``schedules`` is a dict name -> function, or a function that returns one (it is
    called, so an unfinished function gives "not implemented yet" feedback).
    """
    name = "Exercise schedules"

    def body() -> Feedback:
        given = schedules
        if callable(given) and not isinstance(given, Mapping):
            given = _call(given, getattr(given, "__name__", "your function"), "when called")
        if given is None or given is Ellipsis:
            raise _not_implemented("schedules")
        if not isinstance(given, Mapping):
            raise _LearnerError(
                "wrong",
                "schedules must be a dict mapping a name to a function "
                f"t -> α_t; got {type(given).__name__}",
            )
        if len(given) < minimum:
            raise _LearnerError(
                "wrong",
                f"define at least {minimum} schedules; you have "
                f"{len(given)} ({', '.join(map(str, given)) or 'none'})",
            )
        curves = {}
        for label, s in given.items():
            if not callable(s):
                raise _LearnerError(
                    "wrong",
                    f"schedules[{label!r}] must be a function t -> α_t; got {type(s).__name__}",
                )
            vals = np.array([_schedule_value(s, t, f"schedules[{label!r}]") for t in range(T)])
            neg = np.flatnonzero(vals < 0)
            if neg.size:
                raise _LearnerError(
                    "wrong",
                    f"schedules[{label!r}] gives a negative rate "
                    f"{_fmt(vals[neg[0]])} at t={int(neg[0])}",
                )
            curves[label] = vals
        labels = list(curves)
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                if np.array_equal(curves[a], curves[b]):
                    raise _LearnerError(
                        "wrong",
                        f"schedules {a!r} and {b!r} give the same rates "
                        "at every step; compare different schedules",
                    )
        return Feedback(
            name,
            "passed",
            f"{len(labels)} schedules, each gives a finite rate >= 0 "
            f"for t = 0..{T - 1}: {', '.join(map(str, labels))}.",
        )

    return _run(name, time_limit, strict, body)


def check_run_sgd(
    run_sgd: Callable[..., Any],
    *,
    T: int = 150,
    sigma: float = 0.3,
    n_seeds: int = 400,
    time_limit: float = 30.0,
    strict: bool | None = None,
) -> Feedback:
    r"""Check ``run_sgd(schedule, seed, T=150)`` -> final loss :math:`J(\theta_T)` of noisy SGD.

    The learner's function runs :math:`\theta_{t+1} = \theta_t - \alpha_t g_t`,
    :math:`g_t = 2(\theta_t - 3) + \sigma\xi_t`, :math:`\theta_0 = 0`, for ``T`` updates with
    noise from ``numpy.random.default_rng(seed)``. The check runs it over many seeds and
    compares the mean with the exact expected loss (:func:`lrsched.expected_loss`),
    within 5 standard errors; reruns a seed to demand determinism and checks that
    different seeds differ.
    """
    name = "Exercise run_sgd"
    probes = {
        "fixed 0.05": lambda t: 0.05,
        "cosine 0.3 → 0.0001": lambda t: (
            1e-4 + 0.5 * (0.3 - 1e-4) * (1 + math.cos(math.pi * t / T))
        ),
    }

    def body() -> Feedback:
        if not callable(run_sgd):
            raise _LearnerError(
                "wrong", f"expected your run_sgd function; got {type(run_sgd).__name__}"
            )
        sched = probes["fixed 0.05"]

        def final(s: Callable[[int], float], seed: int) -> float:
            out = _call(run_sgd, "run_sgd", f"for seed={seed}", s, seed, T=T)
            return _real(out, "run_sgd", f"for seed={seed}")

        # 1. Without noise the run is deterministic and must match the exact recursion.
        try:
            quiet = _real(
                _call(run_sgd, "run_sgd", "with sigma=0", sched, 0, T=T, sigma=0.0),
                "run_sgd",
                "with sigma=0",
            )
        except _LearnerError as err:
            if "unexpected keyword" in err.message:
                raise _LearnerError(
                    "wrong",
                    "run_sgd must accept the keywords T and sigma, as in "
                    "the starter: def run_sgd(schedule, seed, T=150, sigma=0.3, "
                    "theta0=0.0)",
                ) from None
            raise
        alphas = np.full(T, 0.05)
        exact_quiet = float(expected_loss(alphas, T=T, sigma=0.0)[-1])
        if not math.isclose(quiet, exact_quiet, rel_tol=1e-6, abs_tol=1e-300):
            variants = {
                f"you ran {T + 1} updates instead of {T}": expected_loss(
                    np.full(T + 1, 0.05), T=T + 1, sigma=0.0
                )[-1],
                f"you ran {T - 1} updates instead of {T}": expected_loss(alphas, T=T, sigma=0.0)[
                    -2
                ],
                "the gradient of (θ − 3)² is 2(θ − 3), not (θ − 3)": 2.0
                * expected_loss(alphas, T=T, sigma=0.0, curvature=1.0)[-1],
            }
            hint = next(
                (h for h, v in variants.items() if math.isclose(quiet, float(v), rel_tol=1e-6)),
                "check the update θ ← θ − α_t·(2(θ − 3) + σ·ξ_t) from θ0 = 0 and return (θ_T − 3)²",
            )
            raise _LearnerError(
                "wrong",
                f"without noise (sigma=0) and a fixed rate 0.05, the "
                f"loss after {T} updates is exactly {_fmt(exact_quiet)}; yours is "
                f"{_fmt(quiet)}. Hint: {hint}.",
            )
        # 2. Reproducible from the seed, 3. different across seeds, 4. right statistics.
        a, b = final(sched, 1), final(sched, 1)
        if a != b:
            raise _LearnerError(
                "wrong",
                f"run_sgd(schedule, seed=1) gave {_fmt(a)} and then "
                f"{_fmt(b)}: a run must be reproducible from its seed. Create the "
                "generator inside run_sgd with rng = np.random.default_rng(seed) "
                "and draw the noise from rng, not from np.random",
            )
        first = [final(sched, s) for s in range(10)]
        if len(set(first)) == 1:
            no_noise = float(expected_loss(np.full(T, 0.05), T=T, sigma=0.0)[-1])
            if math.isclose(first[0], no_noise, rel_tol=1e-6, abs_tol=1e-15):
                raise _LearnerError(
                    "wrong",
                    f"every seed gives {_fmt(first[0])}, the loss of SGD "
                    "without noise: add the noise σ·ξ_t with ξ_t drawn from rng",
                )
            raise _LearnerError(
                "wrong",
                f"seeds 0..9 all give {_fmt(first[0])}: the seed must "
                "change the noise. Use rng = np.random.default_rng(seed)",
            )
        notes = []
        for label, s in probes.items():
            alphas = np.array([s(t) for t in range(T)])
            losses = np.array([final(s, seed) for seed in range(n_seeds)])
            mean = float(losses.mean())
            se = float(losses.std(ddof=1) / math.sqrt(n_seeds))
            exact = float(expected_loss(alphas, T=T, sigma=sigma)[-1])
            z = (mean - exact) / se if se > 0 else math.inf
            if abs(z) > 5:
                hint = _diagnose_run(alphas, mean, se, T, sigma)
                raise _LearnerError(
                    "wrong",
                    f"with the schedule {label}, your mean final loss over {n_seeds} "
                    f"seeds is {_fmt(mean)} ± {_fmt(se)}, but the exact expected loss is "
                    f"{_fmt(exact)} ({z:+.1f} standard errors away). Hint: {hint}.",
                )
            notes.append(f"{label}: {_fmt(mean)} ± {_fmt(se)} vs exact {_fmt(exact)}")
        return Feedback(
            name,
            "passed",
            "reproducible from the seed, different across seeds, and "
            f"its mean over {n_seeds} seeds agrees with the exact theory ("
            + "; ".join(notes)
            + ").",
        )

    return _run(name, time_limit, strict, body)


def _diagnose_run(alphas: np.ndarray, mean: float, se: float, T: int, sigma: float) -> str:
    candidates = {
        f"you ran {T + 1} updates instead of {T}": expected_loss(
            np.append(alphas, alphas[-1]), T=T + 1, sigma=sigma
        )[-1],
        f"you ran {T - 1} updates instead of {T}": expected_loss(alphas, T=T, sigma=sigma)[-2],
        "the gradient of (θ − 3)² is 2(θ − 3), not (θ − 3)": expected_loss(
            alphas, T=T, sigma=sigma, curvature=1.0
        )[-1]
        * 2.0,
    }
    for hint, value in candidates.items():
        if abs(mean - float(value)) <= 5 * se:
            return hint
    return (
        "check the update θ ← θ − α_t·(2(θ − 3) + σ·ξ_t) with θ0 = 0, "
        f"T = {T} updates using α_t for t = 0..{T - 1}, and return (θ_T − 3)²"
    )


# ----------------------------------------------------------------------------- exercise 3


def check_range_test(
    losses: Any,
    useful: Any,
    *,
    alphas: Any = None,
    c: float = 3.0,
    theta0: float = 0.0,
    strict: bool | None = None,
) -> Feedback:
    r"""Check the one-step LR range test on :math:`(\theta - c)^2` and the chosen useful range.

    ``losses[i]`` must be :math:`J(\theta_0 - \alpha_i \nabla J(\theta_0))`
    (:func:`lrsched.one_step_losses`) for ``alphas`` (default: 50 log-spaced values
    from 1e-4 to 2); ``useful = (low, high)`` must contain the optimum
    :math:`\alpha = 1/2` and stop before divergence (:math:`\alpha < 1`, where one step
    no longer lowers the loss). ``losses`` may be the learner's function
    ``f(alpha, theta0=...)`` (called for every α) and ``useful`` a function
    ``g(alphas, losses) -> (low, high)`` (called with the grid and those losses).
    """
    name = "Exercise LR range test"
    grid = np.logspace(-4, np.log10(2.0), 50) if alphas is None else np.asarray(alphas, float)
    start = (theta0 - c) ** 2

    def body() -> Feedback:
        given = losses
        if callable(given):
            what = getattr(given, "__name__", "your function")
            given = [
                _real(
                    _call(given, what, f"for α={_fmt(a)}", float(a), theta0=theta0),
                    what,
                    f"for α={_fmt(a)}",
                )
                for a in grid
            ]
        if given is None or given is Ellipsis:
            raise _not_implemented("losses")
        try:
            got = np.asarray(given, dtype=float)
        except (TypeError, ValueError):
            raise _LearnerError("wrong", "losses must be a list or array of numbers") from None
        if got.shape != grid.shape:
            raise _LearnerError(
                "wrong",
                f"expected {grid.size} losses, one per α; got "
                f"{got.size if got.ndim else 'a single number'}",
            )
        if not np.isfinite(got).all():
            k = int(np.flatnonzero(~np.isfinite(got))[0])
            raise _LearnerError("wrong", f"loss {k} (α = {_fmt(grid[k])}) is {got[k]!r}")
        want = one_step_losses(grid, c=c, theta0=theta0)
        if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
            if np.allclose(got, start):
                hint = (
                    f"every loss equals J(θ0) = {_fmt(start)}: you recorded the loss before "
                    "the step; take θ1 = θ0 − α·2(θ0 − 3) and record J(θ1)"
                )
            elif np.allclose(got, start * (1 + 2 * grid) ** 2):
                hint = "your losses grow with α: the step must go against the gradient, θ − α∇J"
            elif np.allclose(got, start * (1 - grid) ** 2):
                hint = "use ∇J(θ) = 2(θ − 3), the derivative of (θ − 3)²"
            else:
                hint = "each α starts again from θ0 and takes exactly one step"
            k = int(np.flatnonzero(~np.isclose(got, want, rtol=1e-9, atol=1e-12))[0])
            raise _LearnerError(
                "wrong",
                f"loss for α = {_fmt(grid[k])} (index {k}): expected "
                f"{_fmt(want[k])}, got {_fmt(got[k])}. Hint: {hint}.",
            )
        chosen = useful
        if callable(chosen):
            what = getattr(chosen, "__name__", "your function")
            chosen = _call(chosen, what, "when called", grid.copy(), got.copy())
        if chosen is None or chosen is Ellipsis:
            raise _not_implemented("useful (your (low, high) range)")
        try:
            lo, hi = (float(v) for v in chosen)
        except (TypeError, ValueError):
            raise _LearnerError(
                "wrong", "useful must be a pair (low, high) of learning rates"
            ) from None
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0:
            raise _LearnerError(
                "wrong", f"useful = ({lo}, {hi}): both ends must be positive and finite"
            )
        if lo >= hi:
            raise _LearnerError(
                "wrong",
                f"useful = ({_fmt(lo)}, {_fmt(hi)}) is in the wrong order: write (low, high)",
            )
        if lo >= 1.0:
            raise _LearnerError(
                "wrong",
                f"useful = ({_fmt(lo)}, {_fmt(hi)}) is the divergent end "
                "of the sweep: for α ≥ 1 one step does not lower the loss. Read the "
                "curve from the other end",
            )
        if hi >= 1.0:
            raise _LearnerError(
                "wrong",
                f"your high end {_fmt(hi)} is past the point where one step "
                "stops lowering the loss (α = 1): stop before divergence",
            )
        if not lo < 0.5 < hi:
            raise _LearnerError(
                "wrong",
                f"useful = ({_fmt(lo)}, {_fmt(hi)}) misses the best rate: "
                "the lowest loss on the curve is near α = 0.5",
            )
        return Feedback(
            name,
            "passed",
            f"all {grid.size} losses match, and ({_fmt(lo)}, "
            f"{_fmt(hi)}) contains the best rate α = 0.5 and stops before divergence "
            "at α = 1.",
        )

    return _run(name, DEFAULT_TIME_LIMIT, strict, body)


# ----------------------------------------------------------------------------- guided practice


def check_cosine_midpoint(value: Any, *, strict: bool | None = None) -> Feedback:
    r"""Check the guided-practice answer: the cosine schedule's rate at epoch 50.

    With :math:`T = 100`, :math:`\alpha_0 = 0.1` and :math:`\alpha_{\min} = 0`:
    :math:`\alpha_{50} = \tfrac12 \cdot 0.1\,(1 + \cos\frac{\pi}{2}) = 0.05`.
    """
    name = "Guided practice, question 4"

    def body() -> Feedback:
        given = value
        if callable(given):
            given = _call(given, getattr(given, "__name__", "your function"), "when called")
        if given is None or given is Ellipsis:
            raise _not_implemented("answer_q4")
        x = _real(given, "your answer", "")
        if math.isclose(x, 0.05, rel_tol=1e-6):
            return Feedback(
                name,
                "passed",
                "α_50 = ½·0.1·(1 + cos(π/2)) = 0.05: halfway through, "
                "the cosine has removed exactly half of the rate.",
            )
        hints = {
            0.1: "that is α at t = 0; at t = 50 the cosine term is cos(π·50/100) = 0",
            0.0: "that is α at t = T = 100; at t = 50 the cosine term is cos(π/2) = 0",
            0.5 * 0.1 * (1 + math.cos(90)): "cos takes radians: the angle is π·50/100 = π/2, "
            "not 90",
        }
        for wrong, hint in hints.items():
            if math.isclose(x, wrong, rel_tol=1e-6, abs_tol=1e-12):
                raise _LearnerError("wrong", f"you answered {_fmt(x)}: {hint}.")
        raise _LearnerError(
            "wrong",
            f"you answered {_fmt(x)}; use α_t = α_min + ½(α0 − α_min)"
            "(1 + cos(π t / T)) with t = 50, T = 100.",
        )

    return _run(name, DEFAULT_TIME_LIMIT, strict, body)


# ----------------------------------------------------------------------------- the reveal


def find_reference(chapter: str) -> Path | None:
    """Locate the reference edition ``solutions/<chapter>.ipynb``, or None if absent.

    Looks in ``$LRSCHED_SOLUTIONS``, then ``../solutions`` and ``./solutions`` relative
    to the working directory (a notebook runs in its own folder).
    """
    if not isinstance(chapter, str) or not chapter:
        raise TypeError(f"chapter must be a notebook name such as '05_sgdr'; got {chapter!r}")
    stem = chapter.removesuffix(".ipynb")
    places = [
        os.environ.get("LRSCHED_SOLUTIONS"),
        Path.cwd().parent / "solutions",
        Path.cwd() / "solutions",
    ]
    for place in places:
        if place:
            path = Path(place) / f"{stem}.ipynb"
            if path.is_file():
                return path
    return None


def reference_cells(chapter: str, exercise: str) -> list[tuple[str, str]] | None:
    """``(cell_type, source)`` of the reference solution cells of ``exercise``, or None.

    A cell belongs to the exercise when its nbgrader ``grade_id`` starts with
    ``exercise`` and it is a solution cell.
    """
    path = find_reference(chapter)
    if path is None:
        return None
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and str(meta.get("grade_id", "")).startswith(exercise):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cells.append((cell["cell_type"], src))
    return cells


def reveal_text(chapter: str, exercise: str) -> str:
    """The Markdown shown by :func:`reveal_button`: the reference solution, or why there is none."""
    cells = reference_cells(chapter, exercise)
    if cells is None:
        return (
            "**No reference solutions in this copy of the course.** This is a classroom "
            "release: your instructor has the reference edition."
        )
    if not cells:
        return f"The reference edition of {chapter} has no solution for `{exercise}`."
    parts = [f"**Reference solution — {exercise}** (from `solutions/{chapter}.ipynb`)"]
    for kind, src in cells:
        lines = [
            ln for ln in src.splitlines() if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln
        ]
        body = "\n".join(lines).strip("\n")
        parts.append(f"```python\n{body}\n```" if kind == "code" else body)
    return "\n\n".join(parts)


def reveal_button(chapter: str, exercise: str, *, label: str = "Show the reference solution"):
    """A button that shows the reference solution of ``exercise`` when clicked, and nothing before.

    The solution is read from the reference edition (``solutions/<chapter>.ipynb``), so
    there is one copy of it. In a classroom release, which has no reference edition,
    the button says so.
    """
    import ipywidgets as widgets
    from IPython.display import Markdown

    if not isinstance(exercise, str) or not exercise:
        raise TypeError(f"exercise must be a grade_id prefix such as 'ex1'; got {exercise!r}")
    button = widgets.Button(description=label, icon="eye", layout=widgets.Layout(width="auto"))
    out = widgets.Output()

    def show(_: Any) -> None:
        out.outputs = ()
        out.append_display_data(Markdown(reveal_text(chapter, exercise)))

    button.on_click(show)
    return widgets.VBox([button, out])
