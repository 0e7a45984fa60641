"""The cycles explorer: SGDR and cyclical rates, and what a restart does to the loss
(:func:`cycle_explorer`, :func:`draw_cycle`, :func:`build_cycle_schedule`)."""

from __future__ import annotations

import math

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..base import Schedule
from ..cosine import SGDR
from ..cyclic import Cyclic
from ..plot import COLORS
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    BuiltSchedule,
    ExplorerResult,
    Figure,
    _alt,
    _finite_prefix,
    _Legend,
    _lin_limits,
    _line_entry,
    _Painter,
    _positive,
    _quadratic_runs,
    _set_xs,
    _vlines,
)
from ._panels import _loss_and_rate_axes, _loss_limits

__all__ = [
    "CYCLE_FAMILIES",
    "CYCLE_PARAMS",
    "build_cycle_schedule",
    "draw_cycle",
    "cycle_explorer",
]

#: Families of :func:`cycle_explorer` (dropdown value -> label).
CYCLE_FAMILIES: dict[str, str] = {
    "sgdr": "SGDR (cosine, warm restarts)",
    "cyclic": "cyclic (CLR)",
}

#: The controls each family of :func:`cycle_explorer` reads, besides ``T``.
CYCLE_PARAMS: dict[str, tuple[str, ...]] = {
    "sgdr": ("lr_max", "lr_min", "T_0", "T_mult", "decay"),
    "cyclic": ("lr_max", "lr_min", "step_size_up", "step_size_down", "mode", "gamma"),
}
_CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
# ----------------------------------------------------------------------------- build and draw


def build_cycle_schedule(
    family: str = "sgdr",
    *,
    lr_max: float = 0.5,
    lr_min: float = 1e-3,
    T_0: int = 20,
    T_mult: float = 2.0,
    decay: float = 1.0,
    step_size_up: int = 20,
    step_size_down: int = 20,
    mode: str = "triangular",
    gamma: float = 0.99,
) -> BuiltSchedule:
    """Build the schedule of :func:`cycle_explorer`.

    ``"sgdr"``: :class:`~lrsched.SGDR` ``(lr_max, T_0, T_mult, lr_min, decay)``;
    ``"cyclic"``: :class:`~lrsched.Cyclic` ``(lr_min, lr_max, step_size_up, step_size_down,
    mode, gamma)``. A floor above the peak is lowered to the peak (SGDR), or the bounds
    swapped (cyclic; equal bounds: the lower one set to 0), with a note.

    Parameters
    ----------
    family : {"sgdr", "cyclic"}
    lr_max : float
        SGDR peak / CLR upper bound, ``> 0``.
    lr_min : float
        SGDR floor / CLR lower bound, ``>= 0``.
    T_0 : int
        SGDR first cycle length, ``>= 1``.
    T_mult : float
        SGDR cycle growth factor, in ``[1, 1e6]``.
    decay : float
        SGDR amplitude factor per restart, in ``(0, 1]``.
    step_size_up, step_size_down : int
        CLR half-cycles, ``>= 1``.
    mode : {"triangular", "triangular2", "exp_range"}
    gamma : float
        CLR ``exp_range`` factor per update, in ``(0, 1]``.

    Returns
    -------
    BuiltSchedule
    """
    family = check_choice("family", family, tuple(CYCLE_FAMILIES))
    lr_max = _positive("lr_max", lr_max)
    lr_min = check_real("lr_min", lr_min, low=0.0)
    T_0 = check_int("T_0", T_0, low=1)
    T_mult = check_real("T_mult", T_mult, low=1.0, high=1e6)
    decay = check_real("decay", decay, low=0.0, high=1.0, low_open=True)
    step_size_up = check_int("step_size_up", step_size_up, low=1)
    step_size_down = check_int("step_size_down", step_size_down, low=1)
    mode = check_choice("mode", mode, _CYCLIC_MODES)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
    notes: list[str] = []
    sched: Schedule
    if family == "sgdr":
        lo = lr_min
        if lo > lr_max:
            notes.append(f"lr_min = {lo:g} > lr_max = {lr_max:g}: using lr_min = lr_max")
            lo = lr_max
        sched = SGDR(lr_max, T_0, T_mult, lo, decay)
        params = {"lr0": lr_max, "T_0": T_0, "T_mult": T_mult, "lr_min": lo, "decay": decay}
        label = f"SGDR, T_0 = {T_0}, T_mult = {T_mult:g}"
    else:
        lo, hi = lr_min, lr_max
        if lo > hi:
            notes.append(f"lr_min = {lo:g} > lr_max = {hi:g}: bounds swapped")
            lo, hi = hi, lo
        elif lo == hi:
            notes.append(f"lr_min = lr_max = {hi:g}: lower bound set to 0")
            lo = 0.0
        sched = Cyclic(lo, hi, step_size_up, step_size_down, mode=mode, gamma=gamma)
        params = {
            "lr_min": lo,
            "lr_max": hi,
            "step_size_up": step_size_up,
            "step_size_down": step_size_down,
            "mode": mode,
            "gamma": gamma,
        }
        label = f"cyclic {mode}, {step_size_up} up / {step_size_down} down"
    return BuiltSchedule(sched, params, notes, label)


def _restart_positions(sched: Schedule, T: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Cycle starts after 0 and below T (SGDR: its restarts; CLR: cycle starts), and CLR peaks."""
    if isinstance(sched, SGDR):
        last = int(sched.cycle(np.array([T - 1.0]))[0][0])
        starts = sched.restarts(last + 1)
        return tuple(float(s) for s in starts[1:] if s < T), ()
    assert isinstance(sched, Cyclic)
    period = sched.period
    starts = tuple(float(s) for s in range(period, T, period))
    peaks = tuple(float(s) for s in range(sched.step_size_up, T, period))
    return starts, peaks


class _CyclePainter(_Painter):
    figsize = (9.0, 4.0)

    def _build(self) -> None:
        fig = self.fig
        self.ax, self.ax_lr = ax, ax_lr = _loss_and_rate_axes(fig, "mean loss, log scale")
        (self.mean,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.exact,) = ax.plot([], [], color="black", lw=1.0, ls="--")
        (self.lr_line,) = ax_lr.plot([], [], color=COLORS[1], lw=1.5)
        self.marks = _vlines(ax, colors=COLORS[3], linestyles=":", linewidths=1)
        self.lr_marks = _vlines(ax_lr, colors=COLORS[3], linestyles=":", linewidths=1)
        self.legend = _Legend(ax, 3, loc="outside right")
        self.lr_legend = _Legend(ax_lr, 1, loc="outside right")

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels of both legends, the loss panel's first."""
        return self.legend.labels + self.lr_legend.labels

    def paint(
        self,
        t: np.ndarray,
        lr: np.ndarray,
        k: np.ndarray,
        mean: np.ndarray,
        exact: np.ndarray,
        starts: tuple[float, ...],
        mark_label: str,
        title: str,
    ) -> str:
        """Draw the loss and the rate; return the frame's alt text (the same values)."""
        ax = self.ax
        self.lr_line.set_data(t, lr)
        lr_top = float(lr.max())
        self.mean.set_data(k, mean)
        self.exact.set_data(np.arange(exact.size), exact)
        _set_xs(self.marks, starts)
        _set_xs(self.lr_marks, starts)
        ax.set_xlim(-0.02 * k[-1], k[-1] * 1.02)
        ax.set_ylim(_loss_limits(mean, exact))
        self.ax_lr.set_ylim(_lin_limits(lr, zero=True))
        ax.title.set_text(title)
        entries = [
            _line_entry("mean", self.mean),
            _line_entry("exact E[J]", self.exact),
        ]
        if starts:
            entries.append((mark_label, "line", {"color": COLORS[3], "ls": ":", "lw": 1}))
        self.legend.update(entries)
        self.lr_legend.update([_line_entry(f"α_t, max {lr_top:.3g}", self.lr_line)])
        at = ", ".join(f"{s:g}" for s in starts[:8]) + (" …" if len(starts) > 8 else "")
        marks = f"; dotted vertical lines mark the {mark_label} at t = {at}" if starts else ""
        return (
            f"Line chart, log scale, of the mean loss of noisy SGD on (θ − 3)² (vertical "
            f"axis) against the update t from 0 to {int(k[-1])} (horizontal axis): {title}. "
            f"The exact expected loss is dashed. Below it, on the same update axis, a panel "
            f"of its own draws the rate α_t on a linear scale from 0 to its maximum "
            f"{lr_top:.3g}{marks}."
        )


def draw_cycle(
    family: str = "sgdr",
    *,
    lr_max: float = 0.5,
    lr_min: float = 1e-3,
    T_0: int = 20,
    T_mult: float = 2.0,
    decay: float = 1.0,
    step_size_up: int = 20,
    step_size_down: int = 20,
    mode: str = "triangular",
    gamma: float = 0.99,
    T: int = 300,
    sigma: float = 0.3,
    n_seeds: int = 50,
    seed: int = 0,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Draw an SGDR or cyclical schedule and the loss of noisy SGD it drives.

    The schedule is :func:`build_cycle_schedule` ``(family, ...)``. The loss is the mean
    over ``n_seeds`` runs of :func:`lrsched.simulate_quadratic` ``(schedule, T=T,
    n_seeds=n_seeds, sigma=sigma, seed=seed, record="stats")`` on :math:`(\theta - 3)^2`
    from 0, with the exact :func:`lrsched.expected_loss` dashed. Dotted vertical lines mark
    the restarts (SGDR :meth:`~lrsched.SGDR.restarts`, real-valued when ``T_mult`` is not
    an integer) or the starts of the CLR cycles (multiples of
    :attr:`~lrsched.Cyclic.period`): each sends the rate back up, and the loss with it.
    Two panels on one update axis: the loss on a log scale, and below it
    :math:`\alpha_t` on a linear scale from 0 (its maximum in that panel's legend); the
    rate is never drawn on the loss axis, and the legends sit right of the panels.

    Parameters
    ----------
    family, lr_max, lr_min, T_0, T_mult, decay, step_size_up, step_size_down, mode, gamma
        See :func:`build_cycle_schedule`.
    T : int
        Updates drawn and simulated, ``>= 10``.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    n_seeds : int
        Runs averaged, ``>= 1``.
    seed : int
        Seed of the noise, ``>= 0``.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"restarts": (t, ...), "peaks": (t, ...), "final_mean",
        "final_exact", "min_mean"}``; ``table``: one row per restart with the mean loss
        just before it.
    """
    requested = {
        "family": family, "lr_max": lr_max, "lr_min": lr_min, "T_0": T_0, "T_mult": T_mult,
        "decay": decay, "step_size_up": step_size_up, "step_size_down": step_size_down,
        "mode": mode, "gamma": gamma, "T": T, "sigma": sigma, "n_seeds": n_seeds, "seed": seed,
    }  # fmt: skip
    built = build_cycle_schedule(
        family, lr_max=lr_max, lr_min=lr_min, T_0=T_0, T_mult=T_mult, decay=decay,
        step_size_up=step_size_up, step_size_down=step_size_down, mode=mode, gamma=gamma,
    )  # fmt: skip
    T = check_int("T", T, low=10)
    sigma = check_real("sigma", sigma, low=0.0)
    n_seeds = check_int("n_seeds", n_seeds, low=1)
    seed = check_int("seed", seed, low=0)
    painter = _CyclePainter.get(figure)
    notes = list(built.notes)
    sched = built.schedule
    res, exact_full = _quadratic_runs(
        sched, T=T, n_seeds=n_seeds, sigma=sigma, seed=seed, record="stats"
    )
    exact = _finite_prefix(exact_full)
    if exact.size < exact_full.size:
        notes.append(f"the exact expectation overflows after {exact.size - 1} updates")
    n_div = int(res.diverged.sum())
    if n_div:
        notes.append(f"{n_div} of {n_seeds} runs diverged")
    lr = res.lr[:, 0]
    mean = res.loss_mean[:, 0]
    starts, peaks = _restart_positions(sched, T)
    what = "restart" if family == "sgdr" else "cycle start"
    rows = tuple((i + 1, s, float(mean[math.ceil(s)])) for i, s in enumerate(starts))
    final_exact = float(exact_full[-1])
    numbers = {
        "restarts": starts,
        "peaks": peaks,
        "final_mean": float(mean[-1]),
        "final_exact": final_exact if math.isfinite(final_exact) else None,
        "min_mean": float(mean.min()),
        "diverged": n_div,
    }
    shown = ", ".join(f"{s:g}" for s in starts[:8]) + (" …" if len(starts) > 8 else "")
    title = f"{len(starts)} {what}(s) at t = {shown}" if starts else f"no {what} before T"
    k = np.arange(T + 1)
    fig_title = (
        f"{built.label}: {len(starts)} {what}s; {n_seeds} seeds, σ={sigma:g}, "
        f"final loss {numbers['final_mean']:.3g}"
    )
    alt = _alt(painter.paint(np.arange(T), lr, k, mean, exact, starts, f"{what}s", fig_title),
               notes)  # fmt: skip
    painter.set_notes(notes)
    return ExplorerResult(
        kind="cycle",
        figure=painter.fig,
        legend=painter.labels,
        title=f"{built.label}: {title}",
        requested=requested,
        params={**built.params, "T": T, "sigma": sigma, "n_seeds": n_seeds, "seed": seed},
        numbers=numbers,
        columns=(what, "at t", "mean loss there"),
        table=rows,
        notes=tuple(notes),
        curves={"t": np.arange(T), "lr": lr, "k": k, "mean": mean, "exact": exact},
        schedule=sched,
        raw=res,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_CYCLE_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(CYCLE_FAMILIES), description="schedule"),
    "lr_max": _Spec(
        "float",
        0.01,
        1.0,
        0.01,
        fmt=".2f",
        tooltip="SGDR: peak lr0; cyclic: upper bound (stability limit 1.0)",
    ),
    "lr_min": _Spec(
        "float", 0.0, 0.5, 0.001, fmt=".3f", tooltip="SGDR: floor; cyclic: lower bound"
    ),
    "T_0": _Spec("int", 1, 200, 1, tooltip="SGDR: first cycle length"),
    "T_mult": _Spec("float", 1.0, 3.0, 0.25, fmt=".2f", tooltip="SGDR: cycle growth factor"),
    "decay": _Spec(
        "float", 0.1, 1.0, 0.05, fmt=".2f", tooltip="SGDR: amplitude factor per restart"
    ),
    "step_size_up": _Spec("int", 1, 200, 1, description="steps up", tooltip="cyclic: rise"),
    "step_size_down": _Spec("int", 1, 200, 1, description="steps down", tooltip="cyclic: fall"),
    "mode": _Spec("choice", options=tuple((m, m) for m in _CYCLIC_MODES), tooltip="cyclic"),
    "gamma": _Spec(
        "float", 0.9, 1.0, 0.001, fmt=".3f", tooltip="cyclic exp_range: amplitude factor per update"
    ),
    "T": _Spec("int", 20, 500, 10, tooltip="updates"),
}


def cycle_explorer(
    family: str = "sgdr",
    *,
    lr_max: float = 0.5,
    lr_min: float = 1e-3,
    T_0: int = 20,
    T_mult: float = 2.0,
    decay: float = 1.0,
    step_size_up: int = 20,
    step_size_down: int = 20,
    mode: str = "triangular",
    gamma: float = 0.99,
    T: int = 300,
    sigma: float = 0.3,
    n_seeds: int = 50,
    seed: int = 0,
    show: bool | None = None,
) -> W.interactive:
    """SGDR / CLR explorer: the schedule, its restarts, and what they do to the loss.

    Each change calls :func:`draw_cycle`; only the controls the family reads are shown
    (:data:`CYCLE_PARAMS`).

    Parameters
    ----------
    family, lr_max, lr_min, T_0, T_mult, decay, step_size_up, step_size_down, mode, gamma, T
        Initial values of the controls (see :func:`draw_cycle`); ``lr_max`` in [0.01, 1],
        ``lr_min`` in [0, 0.5], ``T_0`` in [1, 200], ``T_mult`` in [1, 3], ``decay`` in
        [0.1, 1], the step sizes in [1, 200], ``gamma`` in [0.9, 1], ``T`` in [20, 500].
    sigma, n_seeds, seed
        Fixed settings of the simulation (not controls).
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "family": family, "lr_max": lr_max, "lr_min": lr_min, "T_0": T_0, "T_mult": T_mult,
        "decay": decay, "step_size_up": step_size_up, "step_size_down": step_size_down,
        "mode": mode, "gamma": gamma, "T": T,
    }  # fmt: skip
    fixed = {
        "sigma": check_real("sigma", sigma, low=0.0),
        "n_seeds": check_int("n_seeds", n_seeds, low=1, high=1000),
        "seed": check_int("seed", seed, low=0),
    }
    return _explorer(
        draw_cycle,
        _CYCLE_SPECS,
        values,
        fixed=fixed,
        continuous=False,
        show=show,
        visible=("family", CYCLE_PARAMS, ("T",)),
    )
