r"""Checkers of the two cosine exercises: SGDR (chapter 6) and the cosine midpoint (chapter 11).

Failure messages give the expected value at one point only (the first ``t`` where the
learner's schedule differs) and describe the rule that is broken; they never list the
restarts of the checked parameters, and the midpoint checker never states its answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..cosine import SGDR, Cosine
from ._core import (
    DEFAULT_TIME_LIMIT,
    Feedback,
    _call,
    _first_difference,
    _fmt,
    _LearnerError,
    _not_implemented,
    _real,
    _run,
    _wrong,
)

__all__ = ["check_sgdr", "check_cosine_midpoint"]

_FORMULA = (
    "α_t = α_min + ½(α0 − α_min)(1 + cos(π·T_cur/T_i)), with T_cur the updates "
    "since the last restart and T_i = T0·2^i the length of cycle i"
)

# A second set of parameters, tried after the checked ones: a function that ignores its
# keyword arguments (and uses the notebook's globals instead) is caught even when the
# checked parameters are the notebook's own.
_OTHER = {"T_total": 40, "T0": 3, "alpha0": 0.2, "alpha_min": 0.02}


def _restarts(values: np.ndarray) -> list[int]:
    jumps = np.flatnonzero(np.diff(values) > 1e-12 * max(1.0, float(np.max(np.abs(values)))))
    return [int(j) + 1 for j in jumps]


def _variants(T_total: int, T0: int, a0: float, lo: float) -> dict[str, np.ndarray]:
    """Realistic wrong formulas, each with the hint that explains it."""
    _, cur, ti = SGDR(a0, T0, 2.0, lo).cycle(np.arange(T_total))
    amp = a0 - lo
    return {
        "cos takes radians: the angle is π·T_cur/T_i, not 180·T_cur/T_i": lo
        + 0.5 * amp * (1 + np.cos(180.0 * cur / ti)),
        "the cosine's amplitude is α0 − α_min: your peak is α0 + α_min": lo
        + 0.5 * a0 * (1 + np.cos(np.pi * cur / ti)),
        "T_cur counts the updates since the restart, so it is 0 at a restart (the rate "
        "is α0 there), not 1": lo + 0.5 * amp * (1 + np.cos(np.pi * (cur + 1) / ti)),
        "the cosine runs over half a period in each cycle — the angle is π·T_cur/T_i, "
        "not 2π·T_cur/T_i": lo + 0.5 * amp * (1 + np.cos(2 * np.pi * cur / ti)),
        "divide by T_i, not T_i − 1: the last update of a cycle has T_cur = T_i − 1 and "
        "stays just above α_min": lo
        + 0.5 * amp * (1 + np.cos(np.pi * cur / np.maximum(ti - 1, 1))),
    }


def _diagnose(got: np.ndarray, expected: np.ndarray, T0: int, a0: float, lo: float) -> str:
    """One hint tied to the formula; never the list of the expected restarts."""
    for hint, wrong in _variants(got.size, T0, a0, lo).items():
        if np.allclose(got, wrong, rtol=1e-9, atol=1e-12):
            return hint
    want = _restarts(expected)
    have = _restarts(got)
    lengths = np.diff([0, *have]).tolist()
    if not have:
        return (
            f"your schedule never restarts: T_cur must go back to 0 after the first cycle "
            f"of T0 = {T0} updates"
        )
    if have[:3] == [r + 1 for r in want[:3]]:
        return (
            f"you restart one update late (at t={have[0]} instead of t={want[0]}): the "
            "first update of a new cycle must already have T_cur = 0"
        )
    if have[:3] == [r - 1 for r in want[:3]]:
        return (
            f"you restart one update early (at t={have[0]} instead of t={want[0]}): a cycle "
            "of length T_i covers T_cur = 0 .. T_i − 1"
        )
    if len(have) >= 2 and len(set(lengths)) == 1:
        return (
            f"your cycles all last {lengths[0]} updates: the period must double after each "
            "restart, T_i = T0·2^i"
        )
    steps = np.diff(lengths).tolist()
    if len(lengths) >= 3 and all(d == lengths[0] for d in steps):
        shown = ", ".join(map(str, lengths[:3]))
        return (
            f"your cycles grow by {lengths[0]} updates each time ({shown} …): they must "
            "double, T_i = T0·2^i"
        )
    if have[:3] == want[:3]:
        lo_got, lo_want = float(got.min()), float(expected.min())
        if not math.isclose(lo_got, lo_want, rel_tol=1e-3, abs_tol=1e-12):
            return (
                f"the restarts are right but the floor is not: your smallest rate is "
                f"{_fmt(lo_got)}, the cosine must run between α_min = {_fmt(lo)} and α0"
            )
        return "the restarts are right; check the cosine inside a cycle: " + _FORMULA
    return (
        f"your restarts fall at t = {', '.join(map(str, have[:2]))} …: the first cycle lasts "
        f"T0 = {T0} updates and each next cycle twice as long as the one before"
    )


def _sgdr_values(sgdr: Any, T_total: int, T0: int, a0: float, lo: float) -> np.ndarray:
    got = np.empty(T_total)
    for t in range(T_total):
        where = f"at t={t} (T0={T0}, alpha0={a0:g}, alpha_min={lo:g})"
        try:
            value = _call(sgdr, "sgdr", where, t, T0=T0, alpha0=a0, alpha_min=lo)
        except _LearnerError as err:
            if "unexpected keyword" in err.message:
                raise _wrong(
                    "sgdr must accept the keywords T0, alpha0 and alpha_min, as in the "
                    "starter: def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min)"
                ) from None
            raise
        got[t] = _real(value, "sgdr", where)
    return got


def _compare(got: np.ndarray, T0: int, a0: float, lo: float, label: str) -> None:
    expected = SGDR(a0, T0, 2, lo).values(got.size)
    ok = np.isclose(got, expected, rtol=1e-9, atol=1e-12)
    if ok.all():
        return
    if np.allclose(got, got[0], rtol=1e-12, atol=0.0):
        if math.isclose(got[0], lo, rel_tol=1e-9):
            hint = "the starter's placeholder (return alpha_min) is still in place. " + _FORMULA
        elif math.isclose(got[0], a0, rel_tol=1e-9):
            hint = (
                "your rate never moves from α0: is T_cur/T_i computed with integer "
                "division (//)? Inside a cycle it must be a fraction between 0 and 1"
            )
        else:
            hint = "your rate does not change with t. " + _FORMULA
        raise _wrong(f"{label}your sgdr returns {_fmt(got[0])} for every t: {hint}.")
    raise _first_difference(label, got, expected, ok, _diagnose(got, expected, T0, a0, lo))


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
    (:class:`lrsched.SGDR` with ``T_mult=2``), within ``rtol=1e-9``. The function is then
    tried with a second set of parameters, so one that ignores its keyword arguments
    fails too. Learner code that raises, returns something that is not one finite real
    number, runs past ``time_limit`` seconds or touches the time limit gives feedback,
    never a traceback.

    Parameters
    ----------
    sgdr : callable
        The learner's ``sgdr(t, T0=..., alpha0=..., alpha_min=...)``.
    T_total : int
        Steps checked, ``t = 0 .. T_total-1``.
    T0 : int
        Length of the first cycle.
    alpha0, alpha_min : float
        Peak and floor of the cosine.
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
    name = "Exercise SGDR"
    T_total, T0, a0, lo = int(T_total), int(T0), float(alpha0), float(alpha_min)

    def body() -> Feedback:
        if not callable(sgdr):
            raise _wrong("expected your sgdr function; got a value that cannot be called")
        _compare(_sgdr_values(sgdr, T_total, T0, a0, lo), T0, a0, lo, "")
        o = _OTHER
        if (o["T0"], o["alpha0"], o["alpha_min"]) != (T0, a0, lo):
            other = _sgdr_values(sgdr, o["T_total"], o["T0"], o["alpha0"], o["alpha_min"])
            _compare(
                other,
                o["T0"],
                o["alpha0"],
                o["alpha_min"],
                f"right for T0={T0}, but with T0={o['T0']}, alpha0={o['alpha0']:g}, "
                f"alpha_min={o['alpha_min']:g} (use the arguments, not the notebook's "
                "variables) the ",
            )
        want = _restarts(SGDR(a0, T0, 2, lo).values(T_total))
        lengths = np.diff([0, *want]).tolist()
        return Feedback(
            name,
            "passed",
            f"correct for t = 0..{T_total - 1}: restarts at t = "
            f"{', '.join(map(str, want))} (cycles of {', '.join(map(str, lengths))} updates) "
            "and every value matches, also for other T0, alpha0 and alpha_min.",
        )

    return _run(name, time_limit, strict, body)


# ----------------------------------------------------------------------------- guided practice

# The question: the cosine schedule's rate at update 50 of T = 100, alpha0 = 0.1, alpha_min = 0.
_Q4 = {"t": 50, "T": 100, "alpha0": 0.1}


def _cosine_at(t: float, T: int, a0: float) -> float:
    return float(Cosine(a0, T)(t))


def check_cosine_midpoint(value: Any, *, strict: bool | None = None) -> Feedback:
    r"""Check the guided-practice answer: the cosine schedule's rate at update 50.

    The schedule is :math:`\alpha_t = \alpha_{\min} + \tfrac12(\alpha_0 - \alpha_{\min})
    (1 + \cos(\pi t / T))` with :math:`T = 100`, :math:`\alpha_0 = 0.1`,
    :math:`\alpha_{\min} = 0` (:class:`lrsched.Cosine`). ``value`` is a number or a
    function of no arguments that returns it; it is right within a relative 1e-6.
    Wrong answers get a hint about the step of the formula that went wrong; no
    message states the answer.

    Parameters
    ----------
    value : float or callable
        The learner's answer, or ``answer_q4`` itself.
    strict : bool or None
        Raise ``AssertionError`` on failure: always (True), never (False), or when
        ``NBGRADER_EXECUTION`` is set (None).

    Returns
    -------
    Feedback
        ``status`` ``"passed"``, ``"not implemented"``, ``"wrong"`` or ``"error"``.

    Raises
    ------
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
    name = "Guided practice, question 4"
    t, T, a0 = _Q4["t"], _Q4["T"], _Q4["alpha0"]

    def body() -> Feedback:
        given = value
        if callable(given):
            given = _call(given, "answer_q4", "when called")
        if given is None or given is Ellipsis:
            raise _not_implemented("answer_q4")
        x = _real(given, "your answer", "")
        if math.isclose(x, _cosine_at(t, T, a0), rel_tol=1e-6):
            return Feedback(
                name,
                "passed",
                "correct. At t = T/2 the angle is π/2, so the cosine term vanishes and the "
                "schedule has removed exactly half of the rate.",
            )
        hints = {
            a0: f"that is α0, the rate at t = 0 (or the formula without its factor ½); "
            f"at t = {t} the schedule has moved halfway",
            0.0: f"that is the rate at the end, t = T = {T}",
            0.5 * a0 * (1 + math.cos(180 * t / T)): "cos takes radians: the angle is "
            f"π·{t}/{T}, not 180·{t}/{T}",
            0.5 * a0 * (1 + math.cos(t / T)): "the angle is π·t/T: you left out π",
            0.5 * (1 + math.cos(math.pi * t / T)): "the cosine term multiplies "
            "½(α0 − α_min): you left out α0",
            _cosine_at(t - 1, T, a0): f"that is the rate at t = {t - 1}: updates count "
            f"from t = 0, and the question asks for t = {t}",
            _cosine_at(t + 1, T, a0): f"that is the rate at t = {t + 1}: updates count "
            f"from t = 0, and the question asks for t = {t}",
        }
        if 0.0 < abs(x) < 1e-9:
            raise _wrong(
                f"you answered {_fmt(x)}, almost 0: the formula is ½(α0 − α_min)"
                "(1 + cos(π t / T)) — did the 1 + go missing?"
            )
        for wrong, hint in hints.items():
            if math.isclose(x, wrong, rel_tol=1e-6, abs_tol=1e-12):
                raise _wrong(f"you answered {_fmt(x)}: {hint}.")
        raise _wrong(
            f"you answered {_fmt(x)}; use α_t = α_min + ½(α0 − α_min)"
            f"(1 + cos(π t / T)) with t = {t}, T = {T}."
        )

    return _run(name, DEFAULT_TIME_LIMIT, strict, body)
