r"""Checkers of exercise 4 (chapter 9): a warm-up that lets a high peak train a real network.

Part (a): the learner writes ``warmup_cosine(t, peak=..., warmup=..., T=...)``, a linear
warm-up from 0 over ``warmup`` updates followed by a cosine to 0 at ``t = T``
(:func:`lrsched.warmup_cosine` with ``ramp="from_zero"``; a plain :class:`lrsched.Cosine`
when ``warmup = 0``). Part (b): the learner picks a peak and a warm-up length from two
short menus, and the network of chapter 9's warm-up experiment is trained with that
choice over ten paired seeds (:func:`warmup_trial`). The choice passes when no seed
diverges and the mean held-out accuracy reaches :data:`EX4_TARGET`.

Feedback on part (b) reports the learner's own choice only (seeds that diverged, the
mean accuracy and its 95 % interval); it never says which choice passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cosine import Cosine
from ..warmup import warmup_cosine
from ._core import (
    DEFAULT_TIME_LIMIT,
    Feedback,
    _call,
    _first_difference,
    _first_items,
    _fmt,
    _LearnerError,
    _not_implemented,
    _real,
    _run,
    _wrong,
)

__all__ = [
    "EX4_PEAKS",
    "EX4_SETTING",
    "EX4_TARGET",
    "EX4_WARMUPS",
    "WarmupTrial",
    "check_warmup_choice",
    "check_warmup_cosine",
    "reference_warmup_cosine",
    "warmup_trial",
]

#: The peaks a learner may choose in exercise 4 (b).
EX4_PEAKS = (0.05, 0.1, 0.2, 0.4, 0.8)
#: The warm-up lengths, in updates, a learner may choose in exercise 4 (b).
EX4_WARMUPS = (0, 10, 40)
#: Mean held-out accuracy over the seeds that a choice must reach, with no seed diverging.
EX4_TARGET = 0.945
#: The training run of exercise 4 (b): chapter 9's warm-up experiment, plain SGD.
EX4_SETTING = {
    "sizes": (64, 64, 64, 64, 10),
    "init_scale": 1.5,
    "T": 210,
    "batch_size": 32,
    "n_seeds": 10,
    "data_seed": 0,
}

# A second setting for part (a): a function that ignores its keyword arguments is caught.
_OTHER = {"peak": 0.3, "warmup": 15, "T": 120}


def reference_warmup_cosine(peak: float, warmup: int, T: int) -> np.ndarray:
    r"""Rates :math:`\alpha_0, \dots, \alpha_{T-1}` of exercise 4's schedule.

    .. math:: \alpha_t = \begin{cases} \hat\alpha\, t / t_w & t < t_w \\
              \tfrac12 \hat\alpha \bigl(1 + \cos\frac{\pi (t - t_w)}{T - t_w}\bigr)
              & t_w \le t < T \end{cases}

    with peak :math:`\hat\alpha` and warm-up :math:`t_w` updates
    (:func:`lrsched.warmup_cosine`, ``ramp="from_zero"``), or the plain cosine
    :math:`\tfrac12\hat\alpha(1 + \cos(\pi t/T))` when :math:`t_w = 0`.
    """
    schedule = Cosine(peak, T) if warmup == 0 else warmup_cosine(peak, T, warmup)
    return np.asarray(schedule.values(T), dtype=np.float64)


@dataclass(frozen=True)
class WarmupTrial:
    """Exercise 4 (b) for one choice: per-seed held-out accuracy (``nan`` where the run
    diverged) and divergence flags."""

    peak: float
    warmup: int
    accuracy: np.ndarray
    diverged: np.ndarray

    @property
    def mean_accuracy(self) -> float:
        """Mean held-out accuracy over the seeds that did not diverge (``nan`` if none)."""
        ok = ~self.diverged
        return float(self.accuracy[ok].mean()) if ok.any() else math.nan

    @property
    def passed(self) -> bool:
        """No seed diverged and the mean accuracy reaches :data:`EX4_TARGET`."""
        return not self.diverged.any() and self.mean_accuracy >= EX4_TARGET


def _menu_value(value: Any, menu: tuple, name: str) -> float:
    x = _real(value, name, "")
    for option in menu:
        if x == option:
            return option
    shown = ", ".join(str(o) for o in menu)
    raise _wrong(f"{name} {_fmt(x)} is not on the menu: choose one of {shown}")


def warmup_trial(peaks: Any, warmups: Any) -> list[WarmupTrial]:
    """Train exercise 4's network for every ``(peak, warmup)`` pair, all seeds in one batch.

    ``peaks`` and ``warmups`` are equal-length sequences of menu values
    (:data:`EX4_PEAKS`, :data:`EX4_WARMUPS`). Every pair runs on the same
    ``EX4_SETTING["n_seeds"]`` seeds, so the pairs are compared on the same
    initialisations and mini-batches. Needs scikit-learn (the digits).
    """
    from ..network import SGD, digits_data, train
    from ..network.scaled import ScaledMLP

    pairs = list(zip(peaks, warmups, strict=True))
    for p, w in pairs:
        if p not in EX4_PEAKS or w not in EX4_WARMUPS:
            raise ValueError(
                f"(peak, warmup) must come from EX4_PEAKS {EX4_PEAKS} and EX4_WARMUPS "
                f"{EX4_WARMUPS}; got ({p!r}, {w!r})"
            )
    s = EX4_SETTING
    n, T = s["n_seeds"], s["T"]
    rows = np.stack([reference_warmup_cosine(p, int(w), T) for p, w in pairs])
    lrs = np.repeat(rows[None], n, axis=0).reshape(-1, T)
    seeds = np.repeat(np.arange(n), len(pairs))
    rec = train(ScaledMLP(s["sizes"], s["init_scale"]), SGD(), digits_data(seed=s["data_seed"]),
                lrs, seeds, batch_size=s["batch_size"], eval_steps=[T],
                record_batch_loss=False)
    acc = rec.test_accuracy[:, -1].reshape(n, len(pairs))
    div = rec.diverged.reshape(n, len(pairs))
    return [
        WarmupTrial(float(p), int(w), np.where(div[:, j], np.nan, acc[:, j]), div[:, j].copy())
        for j, (p, w) in enumerate(pairs)
    ]


# ----------------------------------------------------------------------------- part (a)


def _values(fn: Callable[..., Any], peak: float, warmup: int, T: int) -> np.ndarray:
    got = np.empty(T)
    for t in range(T):
        where = f"at t={t} (peak={peak:g}, warmup={warmup}, T={T})"
        try:
            value = _call(fn, "warmup_cosine", where, t, peak=peak, warmup=warmup, T=T)
        except _LearnerError as err:
            if "unexpected keyword" in err.message:
                raise _wrong(
                    "warmup_cosine must accept the keywords peak, warmup and T, as in the "
                    "starter: def warmup_cosine(t, peak=PEAK, warmup=WARMUP, T=T)"
                ) from None
            raise
        got[t] = _real(value, "warmup_cosine", where)
    return got


def _hint(got: np.ndarray, peak: float, warmup: int, T: int) -> str:
    """The likely mistake behind a wrong curve, tied to the formula."""
    t = np.arange(T, dtype=np.float64)
    w = max(warmup, 1)
    cos_over = 0.5 * peak * (1 + np.cos(np.pi * (t - warmup) / (T - warmup)))
    variants = {
        "your ramp reaches the peak one update early: with the from-zero convention "
        "α_t = peak·t/warmup, so α_0 = 0 and the peak is first used at t = warmup":
        np.where(t < warmup, peak * (t + 1) / w, cos_over),
        "after the warm-up the cosine must restart its clock: the angle is "
        "π·(t − warmup)/(T − warmup), so the rate is exactly the peak at t = warmup":
        np.where(t < warmup, peak * t / w, 0.5 * peak * (1 + np.cos(np.pi * t / T))),
        "the cosine lasts the T − warmup updates left after the warm-up: divide by "
        "T − warmup, not T": np.where(
            t < warmup, peak * t / w, 0.5 * peak * (1 + np.cos(np.pi * (t - warmup) / T))
        ),
        "cos takes radians: the angle is π·(t − warmup)/(T − warmup)": np.where(
            t < warmup,
            peak * t / w,
            0.5 * peak * (1 + np.cos(180.0 * (t - warmup) / (T - warmup))),
        ),
    }
    for hint, wrong in variants.items():
        if np.allclose(got, wrong, rtol=1e-9, atol=1e-12):
            return hint
    if warmup and not np.allclose(got[:warmup], peak * t[:warmup] / warmup, rtol=1e-9,
                                  atol=1e-12):
        return "the warm-up is wrong: for t < warmup the rate rises linearly, α_t = peak·t/warmup"
    return (
        "the warm-up is right; check the cosine after it: α_t = ½·peak·(1 + cos(π·(t − "
        "warmup)/(T − warmup))) for warmup ≤ t < T"
    )


def _compare(got: np.ndarray, peak: float, warmup: int, T: int, label: str) -> None:
    want = reference_warmup_cosine(peak, warmup, T)
    ok = np.isclose(got, want, rtol=1e-9, atol=1e-12)
    if ok.all():
        return
    if np.allclose(got, got[0], rtol=1e-12, atol=0.0):
        raise _wrong(
            f"{label}your warmup_cosine returns {_fmt(got[0])} for every t: the rate must "
            "rise from 0 during the warm-up, then fall along a cosine to 0 at t = T."
        )
    raise _first_difference(label, got, want, ok, _hint(got, peak, warmup, T))


def check_warmup_cosine(
    fn: Callable[..., Any],
    *,
    peak: float = 0.4,
    warmup: int = 10,
    T: int = 210,
    time_limit: float = DEFAULT_TIME_LIMIT,
    strict: bool | None = None,
) -> Feedback:
    r"""Check exercise 4 (a): ``fn(t, peak=..., warmup=..., T=...)`` for ``t = 0 .. T-1``.

    Expected (within ``rtol=1e-9``): :math:`\alpha_t = \hat\alpha\, t/t_w` for
    :math:`t < t_w`, then :math:`\tfrac12\hat\alpha(1 + \cos(\pi(t - t_w)/(T - t_w)))`
    (:func:`reference_warmup_cosine`), at the given settings, then without warm-up
    (``warmup=0``: the plain cosine) and at a second setting, so a function that ignores
    its arguments fails.

    Parameters
    ----------
    fn : callable
        The learner's ``warmup_cosine``.
    peak, warmup, T : float, int, int
        The first setting checked.
    time_limit : float
        Seconds the learner's code may run in all.
    strict : bool or None
        Raise ``AssertionError`` on failure: always (True), never (False), or when
        ``NBGRADER_EXECUTION`` is set (None).

    Returns
    -------
    Feedback
        ``status`` ``"passed"``, ``"not implemented"``, ``"wrong"`` or ``"error"``.

    Notes
    -----
    Learner code that raises any ``BaseException``, returns something that is not one
    finite real number, runs past the time limit or changes it gives feedback, never a
    traceback (see :mod:`lrsched.exercises`).
    """
    name = "Exercise 4 (a)"
    peak, warmup, T = float(peak), int(warmup), int(T)

    def body() -> Feedback:
        if not callable(fn):
            raise _wrong("expected your warmup_cosine function; got a value that cannot be called")
        _compare(_values(fn, peak, warmup, T), peak, warmup, T, "")
        plain = _values(fn, peak, 0, T)
        if np.allclose(plain, reference_warmup_cosine(peak, warmup, T), rtol=1e-12, atol=0.0):
            raise _wrong(
                f"right for warmup={warmup}, but your function gives the same rates with "
                "warmup=0: use the arguments peak, warmup and T, not the notebook's variables."
            )
        _compare(plain, peak, 0, T,
                 "right with a warm-up, but with warmup=0 (no warm-up: the plain cosine) the ")
        o = _OTHER
        _compare(_values(fn, o["peak"], o["warmup"], o["T"]), o["peak"], o["warmup"], o["T"],
                 f"right for peak={peak:g}, but with peak={o['peak']}, warmup={o['warmup']}, "
                 f"T={o['T']} (use the arguments, not the notebook's variables) the ")
        return Feedback(
            name,
            "passed",
            f"correct for t = 0..{T - 1}: 0 at t = 0, the peak {peak:g} first at t = {warmup}, "
            "then a cosine to 0 at t = T; also right without warm-up and at other settings.",
        )

    return _run(name, time_limit, strict, body)


# ----------------------------------------------------------------------------- part (b)


def check_warmup_choice(
    choice: Any, *, time_limit: float = 60.0, strict: bool | None = None
) -> Feedback:
    r"""Check exercise 4 (b): train chapter 9's network with the chosen peak and warm-up.

    The network (4 ReLU layers, initial weights 1.5 times He's), plain SGD, batch 32,
    ``T = 210`` updates of :func:`reference_warmup_cosine` on the digits, over ten paired
    seeds (:func:`warmup_trial`). Passed when no seed diverges and the mean held-out
    accuracy is at least :data:`EX4_TARGET`.

    Parameters
    ----------
    choice : callable or pair
        The learner's ``choose_warmup`` (called with no arguments), or its result: a pair
        ``(peak, warmup)`` with ``peak`` one of :data:`EX4_PEAKS` and ``warmup`` (updates)
        one of :data:`EX4_WARMUPS`.
    time_limit : float
        Seconds the check may run.
    strict : bool or None
        Raise ``AssertionError`` on failure: always (True), never (False), or when
        ``NBGRADER_EXECUTION`` is set (None).

    Returns
    -------
    Feedback
        The learner's choice: seeds diverged, mean accuracy with a 95 % interval. It never
        says which choice passes.
    """
    name = "Exercise 4 (b)"

    def body() -> Feedback:
        given = choice
        if callable(given):
            given = _call(given, "choose_warmup", "when called")
        if given is None or given is Ellipsis:
            raise _not_implemented("choose_warmup")
        items = _first_items(given, 3, "choose_warmup's answer")
        if len(items) != 2:
            raise _wrong("choose_warmup must return two numbers: (peak, warmup in updates)")
        p = _menu_value(items[0], EX4_PEAKS, "the peak")
        w = int(_menu_value(items[1], EX4_WARMUPS, "the warm-up"))
        from ..network import mean_ci

        trial = warmup_trial([p], [w])[0]
        n, bad = trial.diverged.size, int(trial.diverged.sum())
        ok = trial.accuracy[~trial.diverged]
        if ok.size >= 2:
            m, lo, hi = mean_ci(ok)
            acc = f"held-out accuracy {m:.3f} [{lo:.3f}, {hi:.3f}] over the {ok.size} runs left"
        elif ok.size == 1:
            acc = f"held-out accuracy {ok[0]:.3f} on the one run left"
        else:
            acc = "no run left to score"
        how = f"a {w}-update warm-up" if w else "no warm-up"
        what = f"peak {p:g} with {how}: {bad} of {n} seeds diverged, {acc}"
        if trial.passed:
            return Feedback(name, "passed", f"{what} — no divergence and a mean of at least "
                            f"{EX4_TARGET}.")
        if bad:
            why = ("a run that diverges is a failed run. Look at the sharpness figure: which "
                   "rates are stable in the first updates, and for how long?")
        else:
            why = (f"every seed trained, but the mean is below {EX4_TARGET}: in 210 updates "
                   "a higher peak gets further, if the start survives it.")
        raise _wrong(f"{what}. Not yet: {why}")

    return _run(name, time_limit, strict, body)
