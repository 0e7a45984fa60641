r"""Checker of exercise 3's second part (chapter 8): the learner's own schedules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._core import (
    DEFAULT_TIME_LIMIT,
    Feedback,
    _call,
    _fmt,
    _not_implemented,
    _real,
    _run,
    _safe_text,
    _type_name,
    _wrong,
)

__all__ = ["check_schedules", "MIN_PEAK"]

#: Smallest peak rate a schedule may have in exercise 3. Every rate at most ``p``
#: leaves at least :math:`(1 - 2p)^{2T}` of the starting loss of :math:`(\theta - 3)^2`
#: after ``T`` noise-free updates: 55 % for :math:`p = 10^{-3}`, ``T = 150``, so a
#: schedule whose every rate is below this does not train in the exercise.
MIN_PEAK = 1e-3


def _pairs(given: Any) -> list[tuple[Any, Any]]:
    """The ``(name, schedule)`` pairs of a learner's mapping, read without its overrides."""
    if issubclass(type(given), dict):
        return list(dict.items(given))
    return _call(lambda: [(k, given[k]) for k in list(given.keys())], "schedules", "when read")


def check_schedules(
    schedules: Any,
    *,
    T: int = 150,
    minimum: int = 5,
    strict: bool | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Feedback:
    r"""Check at least ``minimum`` named schedules ``t -> α_t`` for ``T`` updates.

    ``schedules`` is a dict name -> function, or a function that returns one (it is
    called, so an unfinished function gives "not implemented yet" feedback). The rules:

    * the names are strings and every value is a function of ``t``;
    * for every ``t = 0 .. T-1`` each function returns one finite real number
      :math:`\ge 0` (a number, not an array);
    * every schedule can train: its largest rate is at least :data:`MIN_PEAK`
      (``1e-3``); with every rate below that, ``T = 150`` noise-free updates on
      :math:`(\theta - 3)^2` leave more than half of the starting loss;
    * no two schedules give the same rates (up to a relative ``1e-9``);
    * at least one schedule changes with ``t`` (a schedule is more than a fixed rate).

    Parameters
    ----------
    schedules : dict or callable
        ``{name: t -> rate}``, or the learner's ``my_schedules``.
    T : int
        Updates checked, ``t = 0 .. T-1``.
    minimum : int
        Fewest schedules accepted.
    strict : bool or None
        Raise ``AssertionError`` on failure: always (True), never (False), or when
        ``NBGRADER_EXECUTION`` is set (None).
    time_limit : float
        Seconds the learner's code may run in all.

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
    name = "Exercise schedules"

    def body() -> Feedback:
        given = schedules
        if callable(given) and not isinstance(given, Mapping):
            given = _call(given, "my_schedules", "when called")
        if given is None or given is Ellipsis:
            raise _not_implemented("schedules")
        if not isinstance(given, Mapping):
            raise _wrong(
                "schedules must be a dict mapping a name to a function "
                f"t -> α_t; got {_type_name(given)}"
            )
        pairs = _pairs(given)
        if len(pairs) < minimum:
            names = ", ".join(_safe_text(k, 30) for k, _ in pairs) or "none"
            raise _wrong(f"define at least {minimum} schedules; you have {len(pairs)} ({names})")
        curves: dict[str, np.ndarray] = {}
        for key, s in pairs:
            if not issubclass(type(key), str):
                raise _wrong(
                    f'the names must be strings, such as "cosine"; got {_type_name(key)} '
                    f"{_safe_text(key, 30)}"
                )
            label = str.__str__(key)
            what = f"schedules[{label!r}]"
            if not callable(s):
                raise _wrong(f"{what} must be a function t -> α_t; got {_type_name(s)}")
            vals = np.array(
                [_real(_call(s, what, f"at t={t}", t), what, f"at t={t}") for t in range(T)]
            )
            neg = np.flatnonzero(vals < 0)
            if neg.size:
                raise _wrong(
                    f"{what} gives a negative rate {_fmt(vals[neg[0]])} at t={int(neg[0])}: "
                    "a learning rate is never negative"
                )
            peak = float(vals.max())
            if peak < MIN_PEAK:
                raise _wrong(
                    f"{what} never goes above {_fmt(peak)}: with every rate below "
                    f"{MIN_PEAK:g}, {T} updates do not train (the loss stays above half its "
                    f"start). Every schedule needs a largest rate of at least {MIN_PEAK:g}"
                )
            curves[label] = vals
        labels = list(curves)
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                if np.allclose(curves[a], curves[b], rtol=1e-9, atol=1e-12):
                    raise _wrong(
                        f"schedules {a!r} and {b!r} give the same rates at every step; "
                        "compare different schedules (if you built them in a loop, bind the "
                        "loop variable: lambda t, a=a: ...)"
                    )
        if all(np.ptp(v) <= 1e-12 * max(v.max(), 1e-300) for v in curves.values()):
            raise _wrong(
                "every one of your schedules is a fixed rate: include at least one that "
                "changes with t (step, cosine, 1/t, warm-up, ...)"
            )
        return Feedback(
            name,
            "passed",
            f"{len(labels)} different schedules, each gives a finite rate >= 0 for "
            f"t = 0..{T - 1} and peaks at {MIN_PEAK:g} or more: {', '.join(labels)}.",
        )

    return _run(name, time_limit, strict, body)
