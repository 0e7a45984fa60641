r"""The schedule explorer: design your own schedule, on linear and log axes, with a table
of :math:`\alpha_t` (:func:`schedule_explorer`, :func:`draw_schedule`, :func:`build_schedule`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..cosine import SGDR, Cosine
from ..cyclic import Cyclic, OneCycle
from ..decay import Constant, Exponential, StepDecay
from ..plot import COLORS
from ..warmup import WSD, InverseSqrt, warmup_cosine
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    BuiltSchedule,
    ExplorerResult,
    Figure,
    _alt,
    _lin_limits,
    _log_limits,
    _Painter,
    _positive,
    _style,
)

__all__ = [
    "SCHEDULE_FAMILIES",
    "SCHEDULE_PARAMS",
    "STAIRCASE_FAMILIES",
    "TABLE_STEPS",
    "build_schedule",
    "draw_schedule",
    "schedule_explorer",
]

#: Families of :func:`schedule_explorer` (dropdown value -> label).
SCHEDULE_FAMILIES: dict[str, str] = {
    "constant": "constant",
    "step": "step decay",
    "exponential": "exponential",
    "cosine": "cosine",
    "warmup_cosine": "warm-up + cosine",
    "cyclic": "cyclic (triangular)",
    "sgdr": "SGDR (warm restarts)",
    "one_cycle": "one-cycle",
    "inverse_sqrt": "inverse sqrt",
    "wsd": "WSD (warm-up, stable, decay)",
}

#: The sliders each family of :func:`schedule_explorer` reads, besides ``T`` (the horizon
#: drawn, and the schedule's own horizon where it has one).
SCHEDULE_PARAMS: dict[str, tuple[str, ...]] = {
    "constant": ("lr0",),
    "step": ("lr0", "step_size", "gamma"),
    "exponential": ("lr0", "lam"),
    "cosine": ("lr0", "lr_min"),
    "warmup_cosine": ("lr0", "lr_min", "t_warm"),
    "cyclic": ("lr0", "lr_min", "half"),
    "sgdr": ("lr0", "lr_min", "T_0", "T_mult"),
    "one_cycle": ("lr0", "t_warm"),
    "inverse_sqrt": ("lr0", "t_warm"),
    "wsd": ("lr0", "lr_min", "t_warm", "t_decay", "cooldown"),
}
#: Steps listed in the table of :func:`draw_schedule` (plus ``T - 1``), as in the course's
#: "try it" cell.
TABLE_STEPS: tuple[int, ...] = (0, 10, 25, 50, 75)
_COOLDOWNS = ("linear", "cosine", "1-sqrt")
#: Families whose rate is held from one update to the next (piecewise constant in t):
#: :func:`draw_schedule` draws them as a staircase (a flat step from each ``t`` to
#: ``t + 1``) rather than with slanted lines joining the updates.
STAIRCASE_FAMILIES: frozenset[str] = frozenset({"constant", "step"})


def build_schedule(
    family: str = "cosine",
    *,
    T: int = 100,
    lr0: float = 0.1,
    lr_min: float = 1e-4,
    gamma: float = 0.5,
    step_size: int = 20,
    lam: float = 0.04,
    t_warm: int = 10,
    t_decay: int = 20,
    cooldown: str = "1-sqrt",
    T_0: int = 20,
    T_mult: float = 1.0,
    half: int = 20,
) -> BuiltSchedule:
    r"""Build the lrsched schedule of :func:`schedule_explorer` from its slider values.

    Each family reads only some of the arguments (:data:`SCHEDULE_PARAMS`):

    ========================  ===================================================================
    ``"constant"``            :class:`~lrsched.Constant` ``(lr0)``
    ``"step"``                :class:`~lrsched.StepDecay` ``(lr0, step_size, gamma)``
    ``"exponential"``         :class:`~lrsched.Exponential` ``(lr0, lam=lam)``
    ``"cosine"``              :class:`~lrsched.Cosine` ``(lr0, T, lr_min)``
    ``"warmup_cosine"``       :func:`~lrsched.warmup_cosine` ``(lr0, T, t_warm, lr_min)``
    ``"cyclic"``              :class:`~lrsched.Cyclic` ``(lr_min, lr0, step_size_up=half)``
    ``"sgdr"``                :class:`~lrsched.SGDR` ``(lr0, T_0, T_mult, lr_min)``
    ``"one_cycle"``           :class:`~lrsched.OneCycle` ``(lr0, T, pct_start=t_warm / T)``
    ``"inverse_sqrt"``        :class:`~lrsched.InverseSqrt` ``(lr0, t_warm)``
    ``"wsd"``                 :class:`~lrsched.WSD` ``(lr0, T, t_warm, t_decay, cooldown, lr_min)``
    ========================  ===================================================================

    Combinations the schedule cannot take are clamped, with a note: ``lr_min`` above
    ``lr0`` is lowered to ``lr0`` (cyclic: the bounds are swapped, or the lower one set to
    0 if equal); ``t_warm`` is kept in ``[1, T-1]`` for warm-up + cosine (0 gives a plain
    cosine), in ``[2, T-1]`` for one-cycle (the rise must last more than one update) and
    ``>= 1`` for inverse sqrt; for WSD ``t_decay <= T`` and ``t_warm <= T - t_decay``.

    Parameters
    ----------
    family : str
        A key of :data:`SCHEDULE_FAMILIES`.
    T : int
        Horizon in updates, ``>= 10``.
    lr0 : float
        Initial (or peak, or upper-bound) rate, ``> 0``.
    lr_min : float
        Floor (or lower bound), ``>= 0``.
    gamma : float
        Step-decay factor in ``(0, 1]``.
    step_size : int
        Updates between step-decay drops, ``>= 1``.
    lam : float
        Exponential rate constant, ``>= 0``.
    t_warm : int
        Warm-up length (one-cycle: rise length), ``>= 0``.
    t_decay : int
        WSD cooldown length, ``>= 1``.
    cooldown : {"linear", "cosine", "1-sqrt"}
        WSD cooldown shape.
    T_0 : int
        SGDR first cycle length, ``>= 1``.
    T_mult : float
        SGDR cycle growth factor, in ``[1, 1e6]``.
    half : int
        Cyclic half-cycle (``step_size_up = step_size_down``), ``>= 1``.

    Returns
    -------
    BuiltSchedule
        ``(schedule, params, notes, label)``; ``params`` holds the values used.
    """
    family = check_choice("family", family, tuple(SCHEDULE_FAMILIES))
    T = check_int("T", T, low=10)
    lr0 = _positive("lr0", lr0)
    lr_min = check_real("lr_min", lr_min, low=0.0)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
    step_size = check_int("step_size", step_size, low=1)
    lam = check_real("lam", lam, low=0.0)
    t_warm = check_int("t_warm", t_warm, low=0)
    t_decay = check_int("t_decay", t_decay, low=1)
    cooldown = check_choice("cooldown", cooldown, _COOLDOWNS)
    T_0 = check_int("T_0", T_0, low=1)
    T_mult = check_real("T_mult", T_mult, low=1.0, high=1e6)
    half = check_int("half", half, low=1)

    notes: list[str] = []

    def floor() -> float:
        if lr_min > lr0:
            notes.append(f"lr_min = {lr_min:g} > lr0 = {lr0:g}: using lr_min = lr0")
            return lr0
        return lr_min

    def clamp_warm(low: int, high: int, what: str) -> int:
        if t_warm < low or t_warm > high:
            new = min(max(t_warm, low), high)
            notes.append(f"t_warm = {t_warm} {what}: using {new}")
            return new
        return t_warm

    sched: Any
    params: dict[str, Any]
    if family == "constant":
        sched, params = Constant(lr0), {"lr0": lr0}
    elif family == "step":
        sched = StepDecay(lr0, step_size=step_size, gamma=gamma)
        params = {"lr0": lr0, "step_size": step_size, "gamma": gamma}
    elif family == "exponential":
        sched, params = Exponential(lr0, lam=lam), {"lr0": lr0, "lam": lam}
    elif family == "cosine":
        lo = floor()
        sched, params = Cosine(lr0, T, lo), {"lr0": lr0, "T": T, "lr_min": lo}
    elif family == "warmup_cosine":
        lo = floor()
        if t_warm == 0:
            notes.append("t_warm = 0: no warm-up, plain cosine")
            sched, params = Cosine(lr0, T, lo), {"lr0": lr0, "T": T, "t_warm": 0, "lr_min": lo}
        else:
            tw = clamp_warm(1, T - 1, f"must be below T = {T}")
            sched = warmup_cosine(lr0, T, tw, lo)
            params = {"lr0": lr0, "T": T, "t_warm": tw, "lr_min": lo}
    elif family == "cyclic":
        lo, hi = lr_min, lr0
        if lo > hi:
            notes.append(f"lr_min = {lo:g} > lr0 = {hi:g}: bounds swapped")
            lo, hi = hi, lo
        elif lo == hi:
            notes.append(f"lr_min = lr0 = {hi:g}: lower bound set to 0")
            lo = 0.0
        sched = Cyclic(lo, hi, step_size_up=half)
        params = {"lr_min": lo, "lr_max": hi, "step_size_up": half, "step_size_down": half}
    elif family == "sgdr":
        lo = floor()
        sched = SGDR(lr0, T_0, T_mult, lo)
        params = {"lr0": lr0, "T_0": T_0, "T_mult": T_mult, "lr_min": lo}
    elif family == "one_cycle":
        tw = clamp_warm(2, T - 1, f"(the rise) must be in [2, T-1] = [2, {T - 1}]")
        sched = OneCycle(lr0, T, pct_start=tw / T)
        params = {"lr_max": lr0, "T": T, "pct_start": tw / T}
    elif family == "inverse_sqrt":
        tw = clamp_warm(1, max(t_warm, 1), "must be >= 1")
        sched, params = InverseSqrt(lr0, tw), {"lr0": lr0, "t_warm": tw}
    else:  # wsd
        lo = floor()
        td = t_decay
        if td > T:
            notes.append(f"t_decay = {td} > T = {T}: using {T}")
            td = T
        tw = t_warm
        if tw > T - td:
            notes.append(f"t_warm = {tw} > T - t_decay = {T - td}: using {T - td}")
            tw = T - td
        sched = WSD(lr0, T, tw, td, decay=cooldown, lr_min=lo)
        params = {"lr0": lr0, "T": T, "t_warm": tw, "t_decay": td, "decay": cooldown, "lr_min": lo}
    return BuiltSchedule(sched, params, notes, SCHEDULE_FAMILIES[family])


class _SchedulePainter(_Painter):
    figsize = (9.0, 3.4)

    def _build(self) -> None:
        fig = self.fig
        self.ax_lin, self.ax_log = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.1, right=0.985, bottom=0.15, top=0.84, wspace=0.3)
        _style(self.ax_lin, "update t", "learning rate α_t")
        _style(self.ax_log, "update t", "α_t, log scale", log_y=True)
        self.ax_lin.set_title("", y=1.0, fontsize=10)
        self.ax_log.set_title("log scale", y=1.0, fontsize=10)
        self.lines = []
        self.points = []
        for ax in (self.ax_lin, self.ax_log):
            (line,) = ax.plot([], [], color=COLORS[0], lw=2)
            (pts,) = ax.plot([], [], "o", color=COLORS[3], ms=4)
            self.lines.append(line)
            self.points.append(pts)

    def paint(
        self, t: np.ndarray, lr: np.ndarray, tt: np.ndarray, tv: np.ndarray, label: str,
        detail: str, stairs: bool,
    ) -> str:  # fmt: skip
        """Draw the schedule; return the frame's alt text, written from the same values."""
        for line, pts in zip(self.lines, self.points, strict=True):
            line.set_data(t, lr)
            line.set_drawstyle("steps-post" if stairs else "default")
            pts.set_data(tt, tv)
        xlim = (-0.02 * t[-1], t[-1] * 1.02)
        self.ax_lin.set_xlim(xlim)
        self.ax_log.set_xlim(xlim)
        self.ax_lin.set_ylim(_lin_limits(lr, zero=True))
        self.ax_log.set_ylim(_log_limits(lr))
        self.ax_lin.title.set_text(f"{label}, linear")
        marks = ", ".join(f"{int(a)}" for a in tt)
        shape = " (a staircase: each rate held until the next update)" if stairs else ""
        return (
            f"Two line charts of the learning rate α_t (vertical axis; left: linear scale, "
            f"right: log scale) against the update t from 0 to {int(t[-1])} (horizontal "
            f"axis), for the {label} schedule {detail}{shape}. The rate starts at {lr[0]:.3g}, "
            f"ranges from {lr.min():.3g} to {lr.max():.3g} and ends at {lr[-1]:.3g}; dots "
            f"mark α_t at t = {marks}."
        )


def draw_schedule(
    family: str = "cosine",
    *,
    T: int = 100,
    lr0: float = 0.1,
    lr_min: float = 1e-4,
    gamma: float = 0.5,
    step_size: int = 20,
    lam: float = 0.04,
    t_warm: int = 10,
    t_decay: int = 20,
    cooldown: str = "1-sqrt",
    T_0: int = 20,
    T_mult: float = 1.0,
    half: int = 20,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Draw one schedule on linear and log axes, with a table of :math:`\alpha_t`.

    The schedule is :func:`build_schedule` ``(family, ...)``; the curve is its
    :meth:`~lrsched.Schedule.values` ``(T)``, and the table lists
    :math:`\alpha_t` at ``t`` = 0, 10, 25, 50, 75 and ``T - 1`` (those below ``T``),
    marked on the curve. The families of :data:`STAIRCASE_FAMILIES` (constant, step
    decay), whose rate is held between updates, are drawn as a staircase.

    Parameters
    ----------
    family, T, lr0, lr_min, gamma, step_size, lam, t_warm, t_decay, cooldown, T_0, T_mult, half
        See :func:`build_schedule`.
    figure : Figure, optional
        A figure returned by an earlier call, to update in place (faster); a new one by
        default.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"table": {t: α_t}, "lr_first", "lr_last", "lr_max", "lr_min",
        "lr_mean"}``; ``curves``: ``{"t", "lr"}``.
    """
    requested = {
        "family": family, "T": T, "lr0": lr0, "lr_min": lr_min, "gamma": gamma,
        "step_size": step_size, "lam": lam, "t_warm": t_warm, "t_decay": t_decay,
        "cooldown": cooldown, "T_0": T_0, "T_mult": T_mult, "half": half,
    }  # fmt: skip
    built = build_schedule(**requested)
    painter = _SchedulePainter.get(figure)
    T = int(requested["T"])
    t = np.arange(T)
    lr = built.schedule.values(T)
    tt = np.array(sorted({s for s in TABLE_STEPS if s < T} | {T - 1}))
    tv = lr[tt]
    title = f"{built.label}: {built.schedule!r}"
    stairs = requested["family"] in STAIRCASE_FAMILIES
    alt = _alt(painter.paint(t, lr, tt, tv, built.label, repr(built.schedule), stairs), built.notes)
    painter.set_notes(built.notes)
    return ExplorerResult(
        kind="schedule",
        figure=painter.fig,
        title=title,
        requested=requested,
        params=built.params,
        numbers={
            "table": {int(a): float(b) for a, b in zip(tt, tv, strict=True)},
            "lr_first": float(lr[0]),
            "lr_last": float(lr[-1]),
            "lr_max": float(lr.max()),
            "lr_min": float(lr.min()),
            "lr_mean": float(lr.mean()),
        },
        columns=("t", "α_t"),
        table=tuple((int(a), float(b)) for a, b in zip(tt, tv, strict=True)),
        notes=tuple(built.notes),
        curves={"t": t, "lr": lr},
        schedule=built.schedule,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_SCHEDULE_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(SCHEDULE_FAMILIES), description="schedule"),
    "T": _Spec("int", 10, 1000, 10, tooltip="horizon: updates drawn (and the schedule's T)"),
    "lr0": _Spec("log", 1e-4, 1.0, tooltip="initial / peak rate (cyclic: upper bound)"),
    "lr_min": _Spec(
        "float",
        0.0,
        0.05,
        1e-4,
        fmt=".4f",
        tooltip="floor (cosine, warm-up + cosine, SGDR, WSD); cyclic: lower bound",
    ),
    "gamma": _Spec("float", 0.05, 1.0, 0.05, fmt=".2f", tooltip="step decay: factor per drop"),
    "step_size": _Spec("int", 1, 200, 1, tooltip="step decay: updates between drops"),
    "lam": _Spec("float", 0.0, 0.2, 0.005, fmt=".3f", tooltip="exponential: rate constant λ"),
    "t_warm": _Spec(
        "int", 0, 200, 1, tooltip="warm-up (warm-up + cosine, inverse sqrt, WSD); one-cycle: rise"
    ),
    "t_decay": _Spec("int", 1, 500, 1, tooltip="WSD: cooldown length"),
    "cooldown": _Spec(
        "choice", options=tuple((c, c) for c in _COOLDOWNS), tooltip="WSD: cooldown shape"
    ),
    "T_0": _Spec("int", 1, 200, 1, tooltip="SGDR: first cycle length"),
    "T_mult": _Spec("float", 1.0, 3.0, 0.25, fmt=".2f", tooltip="SGDR: cycle growth factor"),
    "half": _Spec("int", 1, 200, 1, tooltip="cyclic: half-cycle (updates up = updates down)"),
}


def schedule_explorer(
    family: str = "cosine",
    *,
    T: int = 100,
    lr0: float = 0.1,
    lr_min: float = 1e-4,
    gamma: float = 0.5,
    step_size: int = 20,
    lam: float = 0.04,
    t_warm: int = 10,
    t_decay: int = 20,
    cooldown: str = "1-sqrt",
    T_0: int = 20,
    T_mult: float = 1.0,
    half: int = 20,
    show: bool | None = None,
) -> W.interactive:
    r"""Design your own schedule: a family, its parameters, the curve, a table of :math:`\alpha_t`.

    One dropdown picks the family (:data:`SCHEDULE_FAMILIES`) and one shared set of
    sliders sets the parameters; only the sliders the family reads are shown
    (:data:`SCHEDULE_PARAMS`; ``T``, the horizon drawn, is always there). Each change calls
    :func:`draw_schedule`: the curve on linear and log axes, and the table of
    :math:`\alpha_t` at ``t`` = 0, 10, 25, 50, 75, ``T - 1``. Impossible combinations
    (``t_warm >= T``, ``lr_min > lr0``, ...) are clamped and flagged in the figure.

    Parameters
    ----------
    family, T, lr0, lr_min, gamma, step_size, lam, t_warm, t_decay, cooldown, T_0, T_mult, half
        Initial values of the controls (see :func:`build_schedule`); each must lie in its
        slider's range: ``T`` in [10, 1000], ``lr0`` in [1e-4, 1], ``lr_min`` in [0, 0.05],
        ``gamma`` in [0.05, 1], ``step_size`` in [1, 200], ``lam`` in [0, 0.2], ``t_warm`` in
        [0, 200], ``t_decay`` in [1, 500], ``T_0`` in [1, 200], ``T_mult`` in [1, 3],
        ``half`` in [1, 200].
    show : bool, optional
        Render and display the figure and print the table on every update. Default: only
        inside a Jupyter kernel.

    Returns
    -------
    ipywidgets.interactive
        Controls in the order of the parameters above, then the output; ``.result`` is the
        latest :class:`ExplorerResult`.
    """
    values = {
        "family": family, "T": T, "lr0": lr0, "lr_min": lr_min, "gamma": gamma,
        "step_size": step_size, "lam": lam, "t_warm": t_warm, "t_decay": t_decay,
        "cooldown": cooldown, "T_0": T_0, "T_mult": T_mult, "half": half,
    }  # fmt: skip
    return _explorer(
        draw_schedule,
        _SCHEDULE_SPECS,
        values,
        show=show,
        visible=("family", SCHEDULE_PARAMS, ("T",)),
    )
