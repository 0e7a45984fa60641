r"""The noisy-SGD explorer: Monte Carlo loss curves on :math:`(\theta - 3)^2` against the
exact expected loss (:func:`noisy_sgd_explorer`, :func:`draw_noisy_sgd`,
:func:`build_noisy_schedule`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.collections import PolyCollection

from .._validate import check_choice, check_int, check_real
from ..cosine import Cosine
from ..decay import Constant, StepDecay
from ..noisy_sgd import stability_limit
from ..plot import COLORS
from ..theory import noise_floor, optimal_schedule
from ..warmup import warmup_cosine
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    _C,
    _CURVATURE,
    _THETA0,
    BuiltSchedule,
    ExplorerResult,
    Figure,
    _alt,
    _cell,
    _finite_prefix,
    _Legend,
    _lin_limits,
    _line_entry,
    _Painter,
    _positive,
    _quadratic_runs,
)
from ._panels import _loss_and_rate_axes, _loss_limits

__all__ = ["NOISY_FAMILIES", "build_noisy_schedule", "draw_noisy_sgd", "noisy_sgd_explorer"]

#: Schedule families of :func:`noisy_sgd_explorer` (dropdown value -> label).
NOISY_FAMILIES: dict[str, str] = {
    "fixed": "fixed α = lr0",
    "cosine": "cosine (to 1e-4)",
    "step": "step decay (×0.5 every T/4)",
    "warmup_cosine": "warm-up (T/10) + cosine",
    "optimal": "optimal 1/t (ignores lr0)",
}
#: Families whose rate is held between updates: their α_t is drawn as a staircase.
_STAIRCASES = ("fixed", "step")
# ----------------------------------------------------------------------------- build and draw


def build_noisy_schedule(
    family: str = "cosine", *, lr0: float = 0.3, T: int = 100, sigma: float = 0.3
) -> BuiltSchedule:
    """Build the schedule of :func:`noisy_sgd_explorer`.

    ``"fixed"``: :class:`~lrsched.Constant` ``(lr0)``; ``"cosine"``:
    :class:`~lrsched.Cosine` ``(lr0, T, 1e-4)``; ``"step"``: :class:`~lrsched.StepDecay`
    ``(lr0, T // 4, 0.5)``; ``"warmup_cosine"``: :func:`~lrsched.warmup_cosine`
    ``(lr0, T, T // 10, 1e-4)``; ``"optimal"``: :func:`lrsched.optimal_schedule`
    ``(T, sigma=sigma)``, the array of rates that minimises the expected loss (it depends
    on ``sigma`` and the start, not on ``lr0``). Floors are capped at ``lr0``.

    Parameters
    ----------
    family : str
        A key of :data:`NOISY_FAMILIES`.
    lr0 : float
        Starting (peak) rate, ``> 0``.
    T : int
        Updates, ``>= 10``.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.

    Returns
    -------
    BuiltSchedule
    """
    family = check_choice("family", family, tuple(NOISY_FAMILIES))
    lr0 = _positive("lr0", lr0)
    T = check_int("T", T, low=10)
    sigma = check_real("sigma", sigma, low=0.0)
    floor = min(1e-4, lr0)
    sched: Any
    if family == "fixed":
        sched, label = Constant(lr0), f"fixed α = {lr0:g}"
    elif family == "cosine":
        sched, label = Cosine(lr0, T, floor), f"cosine {lr0:g} → {floor:g}"
    elif family == "step":
        sched = StepDecay(lr0, step_size=max(1, T // 4), gamma=0.5)
        label = f"step decay {lr0:g}, ×0.5 every {max(1, T // 4)}"
    elif family == "warmup_cosine":
        tw = max(1, T // 10)
        sched, label = warmup_cosine(lr0, T, tw, floor), f"warm-up {tw} + cosine, peak {lr0:g}"
    else:
        sched = optimal_schedule(T, c=_C, theta0=_THETA0, sigma=sigma, curvature=_CURVATURE)
        label = "optimal 1/t schedule"
    return BuiltSchedule(sched, {"family": family, "lr0": lr0, "T": T}, [], label)


class _NoisyPainter(_Painter):
    figsize = (9.0, 4.0)
    n_show = 3

    def _build(self) -> None:
        fig = self.fig
        self.ax, self.ax_lr = ax, ax_lr = _loss_and_rate_axes(fig, "loss J(θ_t), log scale")
        (self.lr_line,) = ax_lr.plot([], [], color=COLORS[1], lw=1.5)
        self.runs = [
            ax.plot([], [], color=COLORS[5], lw=0.7, alpha=0.6)[0] for _ in range(self.n_show)
        ]
        (self.mean,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.exact,) = ax.plot([], [], color="black", lw=1.2, ls="--")
        (self.floor,) = ax.plot([], [], color=COLORS[3], lw=1, ls=":")
        self.band = PolyCollection([], color=COLORS[0], alpha=0.2, lw=0)
        ax.add_collection(self.band, autolim=False)
        self.legend = _Legend(ax, 5, loc="outside right")
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
        loss: np.ndarray,
        mean: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        exact: np.ndarray,
        floor: float | None,
        title: str,
        label: str,
        stairs: bool = False,
    ) -> str:
        """Draw the runs and the theory; return the frame's alt text (the same values)."""
        ax = self.ax
        self.lr_line.set_data(t, lr)
        self.lr_line.set_drawstyle("steps-post" if stairs else "default")
        lr_top = float(lr.max())
        n = loss.shape[1]
        for i, line in enumerate(self.runs):
            if i < n:
                line.set_data(k, loss[:, i])
            else:
                line.set_data([], [])
            line.set_visible(i < n)
        self.mean.set_data(k, mean)
        self.exact.set_data(np.arange(exact.size), exact)
        self.band.set_verts(
            [np.column_stack([np.concatenate([k, k[::-1]]), np.concatenate([hi, lo[::-1]])])]
        )
        show_floor = floor is not None and floor > 0
        if show_floor:
            self.floor.set_data([0, k[-1]], [floor, floor])
        else:
            self.floor.set_data([], [])
        self.floor.set_visible(show_floor)
        ax.set_xlim(-0.02 * k[-1], k[-1] * 1.02)
        shown = [mean, lo, hi, exact, loss[:, : self.n_show]]
        if show_floor:
            shown.append([floor])
        ax.set_ylim(_loss_limits(*shown))
        self.ax_lr.set_ylim(_lin_limits(lr, zero=True))
        ax.title.set_text(title)
        entries = [
            _line_entry("mean", self.mean),
            ("10–90% of runs", "patch", {"color": COLORS[0], "alpha": 0.2}),
            _line_entry(f"{min(n, self.n_show)} run(s)", self.runs[0]),
            _line_entry("exact E[J]", self.exact),
        ]
        if show_floor:
            entries.append(_line_entry(f"floor {floor:.3g}", self.floor))
        self.legend.update(entries)
        self.lr_legend.update([_line_entry(f"α_t, max {lr_top:.3g}", self.lr_line)])
        floor_txt = f", a dotted line at the noise floor {floor:.3g}" if show_floor else ""
        cut = "" if exact.size == k.size else f" (up to t = {exact.size - 1}, then it overflows)"
        return (
            f"Line chart, log scale, of the loss J(θ_t) of noisy SGD on (θ − 3)² (vertical "
            f"axis) against the update t from 0 to {int(k[-1])} (horizontal axis), schedule "
            f"{label}: the mean over {n} run(s) as a solid line with a band holding the "
            f"middle 80% of the runs, {min(n, self.n_show)} single run(s) as thin lines, the "
            f"exact expected loss dashed{cut}{floor_txt}. Below it, on the same update axis, "
            f"a panel of its own draws the rate α_t on a linear scale from 0 to its maximum "
            f"{lr_top:.3g}. {title}."
        )


def draw_noisy_sgd(
    family: str = "cosine",
    *,
    lr0: float = 0.3,
    sigma: float = 0.3,
    n_seeds: int = 50,
    T: int = 100,
    seed: int = 0,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Noisy SGD on :math:`(\theta - 3)^2` from :math:`\theta_0 = 0`: simulation vs theory.

    Runs :func:`lrsched.simulate_quadratic` ``(schedule, T=T, n_seeds=n_seeds, sigma=sigma,
    seed=seed, record="loss")`` (``c = 3``, ``theta0 = 0``, ``curvature = 2``) and draws the
    mean loss over the seeds with the band holding the middle 80% of the runs, the first
    three runs, and the exact :math:`\mathbb E J` of :func:`lrsched.expected_loss` (dashed;
    drawn up to where it overflows, for a rate past the stability limit). The noise floor
    :func:`lrsched.noise_floor` of the schedule's largest rate (its starting rate, or the
    peak after a warm-up) is drawn when that rate is below the stability limit
    :func:`lrsched.stability_limit` ``(2) = 1``. The schedule :math:`\alpha_t` is drawn
    in a panel of its own below the loss, on the same update axis (a linear scale from
    0; its maximum is in that panel's legend; a staircase for the fixed and step-decay
    schedules, which hold each rate for a whole update): never on the loss axis. The legends sit
    right of the panels, where they cover no data. Same settings, same numbers: the
    noise comes from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    family, lr0
        See :func:`build_noisy_schedule`.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    n_seeds : int
        Independent runs, ``>= 1``.
    T : int
        Updates, ``>= 10``.
    seed : int
        Seed of the noise, ``>= 0``.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"final_mean", "final_se", "final_exact", "noise_floor", "alpha_ref",
        "stability_limit", "diverged", "n_seeds", "T"}`` (``final_se`` is None for one
        seed, ``noise_floor`` None when ``alpha_ref`` is not stable); ``curves``: ``{"t",
        "lr", "k", "mean", "low", "high", "exact"}``; ``raw``: the
        :class:`~lrsched.SimResult`.
    """
    requested = {
        "family": family,
        "lr0": lr0,
        "sigma": sigma,
        "n_seeds": n_seeds,
        "T": T,
        "seed": seed,
    }
    built = build_noisy_schedule(family, lr0=lr0, T=T, sigma=sigma)
    sigma = check_real("sigma", sigma, low=0.0)
    n_seeds = check_int("n_seeds", n_seeds, low=1)
    seed = check_int("seed", seed, low=0)
    T = built.params["T"]
    painter = _NoisyPainter.get(figure)
    notes = list(built.notes)
    sched = built.schedule
    res, exact_full = _quadratic_runs(
        sched, T=T, n_seeds=n_seeds, sigma=sigma, seed=seed, record="loss"
    )
    loss = res.loss[:, :, 0]
    lr = res.lr[:, 0]
    mean = res.loss_mean[:, 0]
    lo, hi = np.percentile(loss, [10.0, 90.0], axis=1)
    exact = _finite_prefix(exact_full)
    if exact.size < exact_full.size:
        notes.append(f"the exact expectation overflows after {exact.size - 1} updates")
    final = res.final_loss[:, 0]
    final_mean = float(final.mean())
    final_se = float(final.std(ddof=1) / math.sqrt(n_seeds)) if n_seeds > 1 else None
    limit = stability_limit(_CURVATURE)
    alpha_ref = float(lr.max())
    floor = (
        noise_floor(alpha_ref, sigma=sigma, curvature=_CURVATURE)
        if 0.0 < alpha_ref < limit
        else None
    )
    if floor is None:
        notes.append(f"α = {alpha_ref:.3g} ≥ stability limit {limit:g}: no noise floor")
    n_div = int(res.diverged.sum())
    if n_div:
        notes.append(f"{n_div} of {n_seeds} runs diverged (frozen at the divergence radius)")
    exact_final = float(exact_full[-1])
    numbers = {
        "final_mean": final_mean,
        "final_se": final_se,
        "final_exact": exact_final if math.isfinite(exact_final) else None,
        "noise_floor": floor,
        "alpha_ref": alpha_ref,
        "stability_limit": limit,
        "diverged": n_div,
        "n_seeds": n_seeds,
        "T": T,
    }
    se = "" if final_se is None else f" ± {final_se:.3g}"
    exact_txt = _cell(numbers["final_exact"])
    title = (
        f"{built.label}, σ = {sigma:g}, {n_seeds} seed(s): final loss {final_mean:.3g}{se} "
        f"(exact {exact_txt})"
    )
    t = np.arange(T)
    k = np.arange(T + 1)
    se_short = "" if final_se is None else f" ± {final_se:.2g}"
    exact_short = "n/a" if numbers["final_exact"] is None else f"{numbers['final_exact']:.3g}"
    fig_title = (
        f"σ={sigma:g}, {n_seeds} seeds: final {final_mean:.3g}{se_short}, exact {exact_short}"
    )
    stairs = built.params["family"] in _STAIRCASES
    alt = _alt(painter.paint(t, lr, k, loss, mean, lo, hi, exact, floor, fig_title, built.label,
                             stairs), notes)  # fmt: skip
    painter.set_notes(notes)
    return ExplorerResult(
        kind="noisy_sgd",
        figure=painter.fig,
        legend=painter.labels,
        title=title,
        requested=requested,
        params={
            **built.params,
            "sigma": sigma,
            "n_seeds": n_seeds,
            "seed": seed,
            "c": _C,
            "theta0": _THETA0,
            "curvature": _CURVATURE,
        },
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("final loss, mean over seeds", final_mean),
            ("standard error", final_se),
            ("exact expected final loss", numbers["final_exact"]),
            (f"noise floor of α = {alpha_ref:.3g}", floor),
            ("diverged runs", n_div),
        ),
        notes=tuple(notes),
        curves={"t": t, "lr": lr, "k": k, "mean": mean, "low": lo, "high": hi, "exact": exact},
        schedule=sched,
        raw=res,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_NOISY_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(NOISY_FAMILIES), description="schedule"),
    "lr0": _Spec(
        "float", 0.01, 1.2, 0.01, fmt=".2f", tooltip="starting (peak) rate; stability limit 1.0"
    ),
    "sigma": _Spec("float", 0.0, 2.0, 0.05, fmt=".2f", description="noise σ"),
    "n_seeds": _Spec("int", 1, 200, 1, description="seeds"),
    "T": _Spec("int", 10, 500, 10, tooltip="updates"),
    "seed": _Spec("int", 0, 99, 1, tooltip="seed of the noise"),
}


def noisy_sgd_explorer(
    family: str = "cosine",
    *,
    lr0: float = 0.3,
    sigma: float = 0.3,
    n_seeds: int = 50,
    T: int = 100,
    seed: int = 0,
    show: bool | None = None,
) -> W.interactive:
    """Noisy-SGD playground: Monte Carlo loss curves against the exact expected loss.

    Each change calls :func:`draw_noisy_sgd`. The ``lr0`` slider is hidden for the optimal
    1/t schedule, which does not read it.

    Parameters
    ----------
    family, lr0, sigma, n_seeds, T, seed
        Initial values of the controls (see :func:`draw_noisy_sgd`); ``lr0`` in [0.01, 1.2],
        ``sigma`` in [0, 2], ``n_seeds`` in [1, 200], ``T`` in [10, 500], ``seed`` in
        [0, 99].
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "family": family,
        "lr0": lr0,
        "sigma": sigma,
        "n_seeds": n_seeds,
        "T": T,
        "seed": seed,
    }
    uses = {key: ("lr0",) for key in NOISY_FAMILIES if key != "optimal"} | {"optimal": ()}
    return _explorer(
        draw_noisy_sgd,
        _NOISY_SPECS,
        values,
        continuous=False,
        show=show,
        visible=("family", uses, ()),
    )
