r"""Checker of exercise 1 (chapter 5): the one-step LR range test and the useful range.

A function that reads the useful range must read it from its inputs. So besides the
sweep itself, ``useful(alphas, losses)`` is called on three more sweeps whose right
answers are known: every rate divided by 10 (the band moves with the rates), the
curve of a parabola twice as steep (the band halves, same rates), and the curve from
another start (every loss scaled, the band stays). An answer that ignores ``alphas``,
ignores ``losses`` or compares the losses with a fixed number fails one of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..range_test import one_step_losses
from ._core import (
    DEFAULT_TIME_LIMIT,
    Feedback,
    _call,
    _first_items,
    _fmt,
    _not_implemented,
    _real,
    _run,
    _wrong,
)

__all__ = ["check_range_test"]


def _other_start(theta0: float, c: float) -> float:
    """A second start, on the other side of ``c`` and at another distance."""
    return c + 0.5 * (c - theta0) if theta0 != c else c + 1.0


def _losses_from(losses: Any, grid: np.ndarray, theta0: float, what: str) -> np.ndarray:
    """The learner's losses: their function called for every α, or their list read safely."""
    if callable(losses):
        return np.array(
            [
                _real(
                    _call(
                        losses, what, f"for α={_fmt(a)}, theta0={theta0:g}", float(a), theta0=theta0
                    ),
                    what,
                    f"for α={_fmt(a)}, theta0={theta0:g}",
                )
                for a in grid
            ]
        )
    if losses is None or losses is Ellipsis:
        raise _not_implemented("losses")
    items = _first_items(losses, grid.size + 1, "losses")
    if len(items) != grid.size:
        raise _wrong(f"expected {grid.size} losses, one per α; got {len(items)}")
    return np.array([_real(v, "losses", f"at index {k}") for k, v in enumerate(items)])


def _loss_hint(got: np.ndarray, grid: np.ndarray, theta0: float, c: float) -> str:
    start = (theta0 - c) ** 2
    e1 = (theta0 - c) * (1 - 2 * grid)
    variants = {
        f"every loss equals J(θ0) = {_fmt(start)}: you recorded the loss before the step; "
        "take θ1 = θ0 − α·2(θ0 − 3) and record J(θ1)": np.full(grid.shape, start),
        "your losses grow with α: the step must go against the gradient, θ − α∇J": start
        * (1 + 2 * grid) ** 2,
        "use ∇J(θ) = 2(θ − 3), the derivative of (θ − 3)²": start * (1 - grid) ** 2,
        "return the loss J(θ1) = (θ1 − 3)², not θ1": c + e1,
        "return the loss J(θ1) = (θ1 − 3)², not θ1 − 3": e1,
    }
    if theta0 != 0.0:
        variants["start from theta0, not from 0: use the theta0 argument"] = one_step_losses(
            grid, c=c, theta0=0.0
        )
    for hint, wrong in variants.items():
        if np.allclose(got, wrong, rtol=1e-9, atol=1e-12):
            return hint
    return "each α starts again from θ0 and takes exactly one step"


def _read(useful: Any, grid: np.ndarray, losses: np.ndarray) -> tuple[float, float, bool]:
    """``(low, high, both are integers)`` from the learner's pair or function."""
    chosen = useful
    if callable(chosen):
        chosen = _call(chosen, "read_useful_range", "when called", grid.copy(), losses.copy())
    if chosen is None or chosen is Ellipsis:
        raise _not_implemented("useful (your (low, high) range)")
    try:
        items = _first_items(chosen, 3, "useful")
    except Exception:  # noqa: BLE001 - the message below says what is expected
        items = []
    if len(items) != 2:
        raise _wrong("useful must be a pair (low, high) of learning rates")
    integers = all(issubclass(type(v), (int, np.integer)) for v in items)
    lo, hi = (_real(v, "read_useful_range", "for the range") for v in items)
    return lo, hi, integers


def _band_error(
    lo: float, hi: float, best: float, limit: float, grid: np.ndarray, integers: bool
) -> str | None:
    """Why ``(lo, hi)`` is not a useful range for a curve with optimum ``best`` and
    divergence at ``limit``; None when it is."""
    pair = f"({_fmt(lo)}, {_fmt(hi)})"
    if integers and 0 <= lo < hi < grid.size and not (lo < best < hi < limit):
        return f"{pair} look like positions in the list: return the rates, alphas[i], not i"
    if lo <= 0:
        return f"{pair}: both ends must be positive learning rates"
    if lo == hi:
        return f"{pair}: low and high are equal — return the two ends of the band"
    if lo > hi:
        return f"{pair} is in the wrong order: write (low, high)"
    if lo >= limit:
        return (
            f"{pair} is the divergent end of the sweep: for α ≥ {_fmt(limit)} one step does "
            "not lower the loss. Read the curve from the other end"
        )
    if hi >= limit:
        return (
            f"your high end {_fmt(hi)} is past the point where one step stops lowering the "
            f"loss (α = {_fmt(limit)}): stop before divergence"
        )
    if hi <= best:
        return (
            f"your high end {_fmt(hi)} stops at or before the curve's minimum (α = {_fmt(best)}). "
            "The high end is not the best rate: it is the largest rate at which one step still "
            f"lowers the loss, before the curve climbs back past its start (α = {_fmt(limit)}) "
            "and diverges. The minimum lies inside the band"
        )
    if lo >= best:
        return (
            f"your low end {_fmt(lo)} is at or past the curve's minimum (α = {_fmt(best)}). The "
            "low end is the rate at which one step starts to lower the loss clearly, well below "
            "the best rate. The minimum lies inside the band"
        )
    return None


def check_range_test(
    losses: Any,
    useful: Any,
    *,
    alphas: Any = None,
    c: float = 3.0,
    theta0: float = 0.0,
    strict: bool | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Feedback:
    r"""Check the one-step LR range test on :math:`(\theta - c)^2` and the chosen useful range.

    ``losses[i]`` must be :math:`J(\theta_0 - \alpha_i \nabla J(\theta_0)) =
    (\theta_0 - c)^2(1 - 2\alpha_i)^2` (:func:`lrsched.one_step_losses`) for ``alphas``
    (default: 50 log-spaced values from 1e-4 to 2), within ``rtol=1e-9``. ``losses`` may be
    the learner's function ``f(alpha, theta0=...)``, called for every α from ``theta0``
    and from a second start (so a function that ignores ``theta0`` fails).

    ``useful = (low, high)`` must satisfy ``0 < low < 1/2 < high < 1``: it contains the
    optimum :math:`\alpha = 1/2` and stops before one step no longer lowers the loss
    (:math:`\alpha = 1`). If ``useful`` is a function ``g(alphas, losses) -> (low, high)``,
    it is also called on three more sweeps (see the module notes), for which the
    same rule holds with the optimum and the limit divided by 10, divided by 2, and
    unchanged.

    Parameters
    ----------
    losses : callable or sequence of float
        The learner's ``one_step_loss(alpha, theta0=...)``, or the 50 losses.
    useful : callable or pair of float
        The learner's ``read_useful_range(alphas, losses)``, or ``(low, high)``.
    alphas : array_like, optional
        The sweep; default 50 log-spaced rates from 1e-4 to 2.
    c, theta0 : float
        Minimiser and start of :math:`(\theta - c)^2`.
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
    name = "Exercise LR range test"
    grid = np.logspace(-4, np.log10(2.0), 50) if alphas is None else np.asarray(alphas, float)
    c, theta0 = float(c), float(theta0)
    second = _other_start(theta0, c)

    def body() -> Feedback:
        what = "one_step_loss" if callable(losses) else "losses"
        starts = [theta0, second] if callable(losses) else [theta0]
        for start in starts:
            got = _losses_from(losses, grid, start, what)
            want = one_step_losses(grid, c=c, theta0=start)
            bad = ~np.isclose(got, want, rtol=1e-9, atol=1e-12)
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise _wrong(
                    f"loss for α = {_fmt(grid[k])} (index {k}) from θ0 = {start:g}: expected "
                    f"{_fmt(want[k])}, got {_fmt(got[k])}. Hint: "
                    f"{_loss_hint(got, grid, start, c)}."
                )
        main = one_step_losses(grid, c=c, theta0=theta0)
        lo, hi, integers = _read(useful, grid, main)
        problem = _band_error(lo, hi, 0.5, 1.0, grid, integers)
        if problem is not None:
            raise _wrong(problem)
        if callable(useful):
            probes = [
                (
                    "the same curve with every α divided by 10",
                    grid / 10,
                    main,
                    0.05,
                    0.1,
                    "read the band from the alphas you are given, not from a fixed list",
                ),
                (
                    "the curve of (θ − 3)² made twice as steep (same α, best rate halved)",
                    grid,
                    one_step_losses(2 * grid, c=c, theta0=theta0),
                    0.25,
                    0.5,
                    "read the band from the losses you are given",
                ),
                (
                    f"the curve from θ0 = {second:g} (every loss scaled)",
                    grid,
                    one_step_losses(grid, c=c, theta0=second),
                    0.5,
                    1.0,
                    "compare the losses with the starting loss (losses[0]), not with a fixed "
                    "number",
                ),
            ]
            for label, g, ls_, best, limit, hint in probes:
                lo2, hi2, integers = _read(useful, g, ls_)
                problem = _band_error(lo2, hi2, best, limit, g, integers)
                if problem is not None:
                    same = math.isclose(lo2, lo) and math.isclose(hi2, hi)
                    raise _wrong(
                        f"right for the exercise's sweep, but for {label} your "
                        f"read_useful_range gives ({_fmt(lo2)}, {_fmt(hi2)}): the best rate is "
                        f"then {_fmt(best)} and one step stops lowering the loss at {_fmt(limit)}. "
                        + (f"Your band did not change. Hint: {hint}." if same else f"Hint: {hint}.")
                    )
        return Feedback(
            name,
            "passed",
            f"all {grid.size} losses match, and ({_fmt(lo)}, {_fmt(hi)}) contains the best "
            "rate α = 0.5 and stops before divergence at α = 1"
            + (", also for rescaled sweeps." if callable(useful) else "."),
        )

    return _run(name, time_limit, strict, body)
