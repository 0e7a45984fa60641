"""The warm-up explorer: warm-up length x decay style x warm-up convention
(:func:`warmup_explorer`, :func:`draw_warmup`, :func:`build_warmup_schedule`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..cosine import Cosine
from ..decay import Constant, Exponential, Polynomial
from ..plot import COLORS
from ..warmup import RAMPS, WSD, Warmup
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    BuiltSchedule,
    ExplorerResult,
    Figure,
    _alt,
    _Legend,
    _lin_limits,
    _line_entry,
    _Painter,
    _positive,
    _set_span,
    _style,
    _vspan,
)

__all__ = ["WARMUP_DECAYS", "build_warmup_schedule", "draw_warmup", "warmup_explorer"]

#: Decay styles of :func:`warmup_explorer` (dropdown value -> label).
WARMUP_DECAYS: dict[str, str] = {
    "cosine": "cosine",
    "linear": "linear",
    "exponential": "exponential",
    "constant": "constant",
    "wsd": "1-sqrt cooldown (WSD)",
}
# ----------------------------------------------------------------------------- build and draw


def build_warmup_schedule(
    decay: str = "cosine",
    *,
    warmup_pct: int = 5,
    ramp: str = "from_zero",
    T: int = 1000,
    lr0: float = 3e-4,
    floor_ratio: float = 0.1,
    cooldown_frac: float = 0.2,
) -> BuiltSchedule:
    r"""Build the schedule of :func:`warmup_explorer`: a linear warm-up, then a decay.

    With :math:`t_w` = ``round(warmup_pct / 100 * T)``, :math:`H = T - t_w` and
    :math:`\alpha_{\min}` = ``floor_ratio * lr0``, the part after the warm-up is

    * ``"cosine"``: :class:`~lrsched.Cosine` ``(lr0, H, lr_min)``;
    * ``"linear"``: :class:`~lrsched.Polynomial` ``(lr0, H, 1, lr_min)``;
    * ``"exponential"``: :class:`~lrsched.Exponential` ``(lr0, gamma=g)`` with ``g`` chosen
      so that the rate reaches ``lr_min`` at ``t = T`` (``lr0 / 1000`` if the floor is 0);
    * ``"constant"``: :class:`~lrsched.Constant` ``(lr0)``;

    wrapped in :class:`~lrsched.Warmup` ``(..., t_w, ramp)`` when :math:`t_w \ge 1`. So, as
    in :func:`~lrsched.warmup_cosine`, ``T`` counts all updates and the floor is reached at
    ``t = T`` (the last update, ``T - 1``, is a little above it). ``"wsd"`` is
    :class:`~lrsched.WSD` ``(lr0, T, t_w, t_decay, "1-sqrt", lr_min, ramp)`` with a cooldown
    of ``t_decay = round(cooldown_frac * T)`` updates.

    The concept page's ``warmup_cosine(T=n, Tw, eta_max, eta_min)`` array reaches the floor
    at its last entry instead; it equals ``lrsched.warmup_cosine(eta_max, n - 1, Tw,
    eta_min, ramp="from_first_step").values(n)``.

    Parameters
    ----------
    decay : str
        A key of :data:`WARMUP_DECAYS`.
    warmup_pct : int
        Warm-up length in percent of ``T``, in ``[0, 30]``.
    ramp : {"from_zero", "from_first_step"}
        The warm-up convention (:data:`lrsched.warmup.RAMPS`).
    T : int
        Total updates, ``>= 20``.
    lr0 : float
        Peak rate, ``> 0``.
    floor_ratio : float
        ``lr_min / lr0``, in ``[0, 1]``.
    cooldown_frac : float
        WSD cooldown as a fraction of ``T``, in ``(0, 0.7]``.

    Returns
    -------
    BuiltSchedule
    """
    decay = check_choice("decay", decay, tuple(WARMUP_DECAYS))
    warmup_pct = check_int("warmup_pct", warmup_pct, low=0, high=30)
    ramp = check_choice("ramp", ramp, RAMPS)
    T = check_int("T", T, low=20)
    lr0 = _positive("lr0", lr0)
    floor_ratio = check_real("floor_ratio", floor_ratio, low=0.0, high=1.0)
    cooldown_frac = check_real("cooldown_frac", cooldown_frac, low=0.0, high=0.7, low_open=True)
    t_warm = int(math.floor(warmup_pct * T / 100 + 0.5))
    lr_min = floor_ratio * lr0
    horizon = T - t_warm
    params: dict[str, Any] = {"T": T, "t_warm": t_warm, "ramp": ramp, "lr0": lr0, "lr_min": lr_min}
    body: Any
    if decay == "wsd":
        t_decay = min(max(1, int(math.floor(cooldown_frac * T + 0.5))), T - t_warm)
        params["t_decay"] = t_decay
        sched = WSD(lr0, T, t_warm, t_decay, decay="1-sqrt", lr_min=lr_min, ramp=ramp)
        return BuiltSchedule(sched, params, [], WARMUP_DECAYS[decay])
    if decay == "cosine":
        body = Cosine(lr0, horizon, lr_min)
    elif decay == "linear":
        body = Polynomial(lr0, horizon, 1.0, lr_min)
    elif decay == "exponential":
        end = lr_min if lr_min > 0 else lr0 / 1000
        g = (end / lr0) ** (1.0 / horizon)
        body = Exponential(lr0, gamma=min(max(g, np.nextafter(0.0, 1.0)), 1.0))
        params["gamma"] = body.gamma
    else:
        body = Constant(lr0)
    sched = body if t_warm == 0 else Warmup(body, t_warm, ramp=ramp)
    return BuiltSchedule(sched, params, [], WARMUP_DECAYS[decay])


class _WarmupPainter(_Painter):
    figsize = (9.0, 3.2)

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        # The legend sits right of the axes, where it covers no data; the room fits its
        # longest label, "lr[0], lr[3000], lr[-1]" (T = 10000, a 30 % warm-up).
        fig.subplots_adjust(left=0.1, right=0.76, bottom=0.15, top=0.88)
        _style(ax, "update t", "learning rate α_t")
        (self.line,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.mean,) = ax.plot([], [], color=COLORS[1], lw=1.5, ls="--")
        (self.points,) = ax.plot([], [], "o", color=COLORS[3], ms=5)
        self.span = _vspan(ax, color=COLORS[2], alpha=0.15)
        self.legend = _Legend(ax, 4, loc="outside right")
        ax.set_title("", y=1.0, fontsize=10)

    def paint(
        self,
        t: np.ndarray,
        lr: np.ndarray,
        t_warm: int,
        pts: np.ndarray,
        title: str,
        labels: tuple[str, str, str, str],
    ) -> str:
        """Draw the schedule; return the frame's alt text, written from the same values."""
        ax = self.ax
        self.line.set_data(t, lr)
        mean = float(lr.mean())
        self.mean.set_data([0, t[-1]], [mean, mean])
        self.points.set_data(pts, lr[pts])
        _set_span(self.span, 0, t_warm)
        ax.set_xlim(-0.02 * t[-1], t[-1] * 1.02)
        ax.set_ylim(_lin_limits(lr, zero=True))
        ax.title.set_text(title)
        self.legend.update(
            [
                _line_entry(labels[0], self.line),
                _line_entry(labels[1], self.mean),
                _line_entry(labels[2], self.points),
                (labels[3], "patch", {"color": COLORS[2], "alpha": 0.15}),
            ]
        )
        p = [int(v) for v in pts]
        return (
            f"Line chart of the learning rate α_t (vertical axis) against the update t from "
            f"0 to {int(t[-1])} (horizontal axis): {title}. A shaded band marks the warm-up, "
            f"updates 0 to {t_warm}; dots mark lr[{p[0]}] = {lr[p[0]]:.3g}, "
            f"lr[{p[1]}] = {lr[p[1]]:.3g} and lr[{p[2]}] = {lr[p[2]]:.3g}; a dashed line "
            f"marks the mean rate, {mean:.3g}; the peak is {lr.max():.3g}."
        )


def draw_warmup(
    decay: str = "cosine",
    *,
    warmup_pct: int = 5,
    ramp: str = "from_zero",
    T: int = 1000,
    lr0: float = 3e-4,
    floor_ratio: float = 0.1,
    cooldown_frac: float = 0.2,
    figure: Figure | None = None,
) -> ExplorerResult:
    """Draw a warm-up + decay schedule and report ``lr[0]``, ``lr[t_warm]``, ``lr[-1]``, the mean.

    ``lr`` is :func:`build_warmup_schedule` ``(...).schedule.values(T)``, the rates of the
    ``T`` updates, as printed by the concept page's demo.

    Parameters
    ----------
    decay, warmup_pct, ramp, T, lr0, floor_ratio, cooldown_frac
        See :func:`build_warmup_schedule`.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"t_warm", "lr_first", "lr_at_warm", "lr_last", "lr_mean", "lr_peak"}``.
    """
    requested = {
        "decay": decay, "warmup_pct": warmup_pct, "ramp": ramp, "T": T, "lr0": lr0,
        "floor_ratio": floor_ratio, "cooldown_frac": cooldown_frac,
    }  # fmt: skip
    built = build_warmup_schedule(**requested)
    painter = _WarmupPainter.get(figure)
    T, tw = built.params["T"], built.params["t_warm"]
    t = np.arange(T)
    lr = built.schedule.values(T)
    numbers = {
        "t_warm": tw,
        "lr_first": float(lr[0]),
        "lr_at_warm": float(lr[tw]),
        "lr_last": float(lr[-1]),
        "lr_mean": float(lr.mean()),
        "lr_peak": float(lr.max()),
    }
    title = f"warm-up {tw} ({built.params['ramp']}) + {built.label}, T = {T}"
    labels = (
        "α_t",
        f"mean {numbers['lr_mean']:.3g}",
        f"lr[0], lr[{tw}], lr[-1]",
        "warm-up",
    )
    alt = _alt(painter.paint(t, lr, tw, np.array([0, tw, T - 1]), title, labels))
    return ExplorerResult(
        kind="warmup",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params=built.params,
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("lr[0]", numbers["lr_first"]),
            (f"lr[{tw}] (t_warm)", numbers["lr_at_warm"]),
            ("lr[-1]", numbers["lr_last"]),
            ("mean lr", numbers["lr_mean"]),
            ("peak lr", numbers["lr_peak"]),
        ),
        curves={"t": t, "lr": lr},
        schedule=built.schedule,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_WARMUP_SPECS: dict[str, _Spec] = {
    "decay": _Spec("choice", options=_options(WARMUP_DECAYS), description="decay"),
    "warmup_pct": _Spec(
        "int", 0, 30, 1, description="warm-up %", tooltip="warm-up length in percent of T"
    ),
    "ramp": _Spec(
        "choice",
        options=tuple((r, r) for r in RAMPS),
        description="ramp",
        tooltip="from_zero: 0 at t=0, peak at t_warm; from_first_step: (t+1)/t_warm",
    ),
    "T": _Spec("int", 20, 10000, 20, tooltip="total updates"),
    "lr0": _Spec("log", 1e-5, 1.0, description="peak lr0"),
    "floor_ratio": _Spec(
        "float",
        0.0,
        1.0,
        0.01,
        fmt=".2f",
        description="lr_min/lr0",
        tooltip="floor as a fraction of the peak",
    ),
}


def warmup_explorer(
    decay: str = "cosine",
    *,
    warmup_pct: int = 5,
    ramp: str = "from_zero",
    T: int = 1000,
    lr0: float = 3e-4,
    floor_ratio: float = 0.1,
    cooldown_frac: float = 0.2,
    show: bool | None = None,
) -> W.interactive:
    """Warm-up length x decay style x warm-up convention: the curve and its key numbers.

    Each change calls :func:`draw_warmup`, which prints ``lr[0]``, ``lr[t_warm]``,
    ``lr[-1]`` and the mean rate, as the concept page's demo does.

    Parameters
    ----------
    decay, warmup_pct, ramp, T, lr0, floor_ratio
        Initial values of the controls (see :func:`build_warmup_schedule`); ``warmup_pct``
        in [0, 30], ``T`` in [20, 10000], ``lr0`` in [1e-5, 1], ``floor_ratio`` in [0, 1].
    cooldown_frac : float
        Fixed WSD cooldown fraction of ``T`` (not a control), in ``(0, 0.7]``.
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "decay": decay,
        "warmup_pct": warmup_pct,
        "ramp": ramp,
        "T": T,
        "lr0": lr0,
        "floor_ratio": floor_ratio,
    }
    cooldown_frac = check_real("cooldown_frac", cooldown_frac, low=0.0, high=0.7, low_open=True)
    return _explorer(
        draw_warmup, _WARMUP_SPECS, values, fixed={"cooldown_frac": cooldown_frac}, show=show
    )
