r"""The fixed-rate explorer (chapter 1): one constant rate on the course's quadratic
:math:`(\theta - 3)^2`, its exact expected loss and its noise floor
(:func:`fixed_rate_explorer`, :func:`draw_fixed_rate`)."""

from __future__ import annotations

import numpy as np

from .._validate import check_int, check_real
from ..contraction import contraction_factors, updates_to_floor
from ..decay import Constant
from ..noisy_sgd import stability_limit
from ..plot import COLORS
from ..theory import noise_floor
from ._controls import W, _explorer, _Spec
from ._drawing import (
    _C,
    _CURVATURE,
    _THETA0,
    ExplorerResult,
    Figure,
    _alt,
    _finite_prefix,
    _Legend,
    _line_entry,
    _log_limits,
    _Painter,
    _positive,
    _quadratic_runs,
    _set_xs,
    _style,
    _vlines,
)
from ._grid import _grid_spec

__all__ = ["FIXED_RATE_GRID", "draw_fixed_rate", "fixed_rate_explorer"]

#: The rates of the slider: 1-2-3-5 per decade up to 0.5, finer up to and past the
#: stability limit 1 of :math:`(\theta - 3)^2`.
FIXED_RATE_GRID: tuple[float, ...] = (
    0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7,
    0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2,
)  # fmt: skip
#: How close to the floor counts as "reached": within 10 %.
REL = 0.1
_FONT = 9
_LOG_TOP = 1e200  # highest log-axis limit (matplotlib's log ticks overflow near 1e300)


def _updates(n: int | None) -> str:
    return f"{n} update" if n == 1 else f"{n} updates"


class _FixedRatePainter(_Painter):
    figsize = (9.0, 3.3)
    n_show = 3

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.76, bottom=0.15, top=0.88)
        _style(ax, "update t", "loss, log scale", log_y=True)
        ax.set_title("", y=1.0, fontsize=10)
        self.runs = [
            ax.plot([], [], color=COLORS[5], lw=0.7, alpha=0.45)[0] for _ in range(self.n_show)
        ]
        (self.exact,) = ax.plot([], [], color="black", lw=2)
        (self.floor,) = ax.plot([], [], color=COLORS[3], lw=1.5, ls=":")
        self.reach = _vlines(ax, colors=[COLORS[2]], linestyles="--", linewidths=1.2)
        (self.cut,) = ax.plot([], [], ls="none", marker="x", ms=7, color=COLORS[3])
        # the legend sits beside the axes, where it cannot cover a curve
        side = fig.add_axes((0.77, 0.15, 0.22, 0.73))
        side.set_axis_off()
        self.legend = _Legend(side, 5, loc="upper left", fontsize=_FONT)

    def paint(
        self,
        k: np.ndarray,
        runs: np.ndarray,
        cut_at: np.ndarray,
        exact: np.ndarray,
        floor: float | None,
        reach: int | None,
        title: str,
        label: str,
    ) -> str:
        """Draw the runs, the exact curve, the floor and when it is reached; return the alt."""
        ax = self.ax
        n = runs.shape[1]
        for i, line in enumerate(self.runs):
            end = k.size if i >= n or cut_at[i] < 0 else int(cut_at[i]) + 1
            line.set_data((k[:end], runs[:end, i]) if i < n else ([], []))
            line.set_visible(i < n)
        cut = cut_at[cut_at >= 0] if n else cut_at[:0]
        self.cut.set_data(k[cut], runs[cut, np.flatnonzero(cut_at >= 0)] if n else [])
        self.exact.set_data(np.arange(exact.size), exact)
        show_floor = floor is not None and floor > 0
        self.floor.set_data(([0, k[-1]], [floor, floor]) if show_floor else ([], []))
        self.floor.set_visible(show_floor)
        show_reach = reach is not None and reach <= k[-1]
        _set_xs(self.reach, [reach] if show_reach else [])
        ax.set_xlim(-0.02 * k[-1], k[-1] * 1.02)
        # the limits follow the exact curve and the floor; a single run is a squared Gaussian
        # around them (above 8 times its mean 0.5 % of the time, below 1/30 of it 15 %), so
        # it gets 1.5 decades below and a factor 8 above, and is cut beyond
        lo, hi = _log_limits(exact, [floor] if show_floor else [], zeros_below=1e6)
        # matplotlib's log ticks overflow near 1e300: a diverging curve leaves the top
        ax.set_ylim(max(lo / 30.0, 1e-300), min(hi * 8.0, _LOG_TOP))
        ax.title.set_text(title)
        entries = [
            _line_entry("exact E[J_t]", self.exact),
            _line_entry(f"{n} seeded run(s)", self.runs[0]),
        ]
        if show_floor:
            entries.append(_line_entry(f"noise floor {floor:.3g}", self.floor))
        if show_reach:
            entries.append(
                (f"within 10 %: t = {reach}", "line",
                 {"color": COLORS[2], "ls": "--", "lw": 1.2})
            )  # fmt: skip
        if cut.size:
            entries.append(_line_entry("run diverged", self.cut))
        self.legend.update(entries)
        floor_txt = (
            f", the noise floor {floor:.3g} as a dotted line" if show_floor else ", no noise floor"
        )
        reach_txt = f", a dashed vertical line at t = {reach}" if show_reach else ""
        upto = "" if exact.size == k.size else f" (up to t = {exact.size - 1}, then it overflows)"
        div = f", {cut.size} of them diverging (crosses)" if cut.size else ""
        return (
            f"Line chart, log scale, of the loss of SGD with {label} on (θ − 3)² (vertical "
            f"axis) against the update t from 0 to {int(k[-1])} (horizontal axis): the exact "
            f"expected loss as a solid line{upto}, {n} seeded run(s) as faint lines{div}"
            f"{floor_txt}{reach_txt}. {title}."
        )


def draw_fixed_rate(
    alpha: float = 0.3,
    *,
    sigma: float = 0.3,
    T: int = 100,
    n_runs: int = 3,
    seed: int = 0,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""One fixed rate on :math:`(\theta - 3)^2` from :math:`\theta_0 = 0`: exact loss and floor.

    The exact :math:`\mathbb E J_t` of :func:`lrsched.expected_loss` (``c = 3``,
    ``theta0 = 0``, ``curvature = 2``) for :class:`~lrsched.Constant` ``(alpha)``, drawn up
    to where it overflows; ``n_runs`` seeded runs of :func:`lrsched.simulate_quadratic`,
    faint; and, below the stability limit :func:`lrsched.stability_limit` ``(2) = 1``, the
    noise floor :func:`lrsched.noise_floor` :math:`= \alpha\sigma^2/(4(1 - \alpha))` and
    the first update at which :math:`\mathbb E J_t` is within 10 % of it
    (:func:`lrsched.contraction.updates_to_floor`). Per update the distance to the floor
    shrinks by :math:`(1 - 2\alpha)^2` (:func:`lrsched.contraction.contraction_factors`).

    Parameters
    ----------
    alpha : float
        The rate, ``> 0`` (the slider offers :data:`FIXED_RATE_GRID`).
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    T : int
        Updates drawn, ``>= 10``.
    n_runs : int
        Seeded Monte Carlo runs drawn, in [0, 3].
    seed : int
        Seed of the runs, ``>= 0``.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"alpha", "sigma", "noise_floor", "updates_to_floor", "factor",
        "stability_limit", "stable", "final_exact", "diverged", "T"}`` (``noise_floor``
        and ``updates_to_floor`` are None when the rate is not below the limit;
        ``updates_to_floor`` also when the floor is 0, ``final_exact`` when the loss
        overflows); ``curves``: ``{"k", "exact"}``; ``raw``: the
        :class:`~lrsched.SimResult` of the runs.
    """
    requested = {"alpha": alpha, "sigma": sigma, "T": T, "n_runs": n_runs, "seed": seed}
    alpha = _positive("alpha", alpha)
    sigma = check_real("sigma", sigma, low=0.0)
    T = check_int("T", T, low=10, high=100_000)
    n_runs = check_int("n_runs", n_runs, low=0, high=_FixedRatePainter.n_show)
    seed = check_int("seed", seed, low=0)
    painter = _FixedRatePainter.get(figure)
    sched = Constant(alpha)
    res, exact_full = _quadratic_runs(
        sched, T=T, n_seeds=max(n_runs, 1), sigma=sigma, seed=seed, record="loss"
    )
    runs = res.loss[:, :n_runs, 0]
    cut_at = res.diverged_at[:n_runs, 0]
    exact = _finite_prefix(exact_full)
    limit = stability_limit(_CURVATURE)
    (factor,) = contraction_factors(alpha, [_CURVATURE]).tolist()
    stable = alpha < limit
    notes: list[str] = []
    floor = reach = None
    if stable:
        floor = noise_floor(alpha, sigma=sigma, curvature=_CURVATURE)
        reach = updates_to_floor(
            alpha, rel=REL, c=_C, theta0=_THETA0, sigma=sigma, curvature=_CURVATURE
        )
    elif alpha == limit:
        notes.append(f"α = {limit:g} is the stability limit: |1 − 2α| = 1, the loss grows")
    else:
        notes.append(f"α = {alpha:g} > {limit:g}: the error grows ×{factor:.3g} per update")
    if exact.size < exact_full.size:
        notes.append(f"the exact expectation overflows after {exact.size - 1} updates")
    n_div = int(res.diverged[:n_runs].sum())
    final = float(exact_full[-1])
    numbers = {
        "alpha": alpha,
        "sigma": sigma,
        "noise_floor": floor,
        "updates_to_floor": reach,
        "factor": factor,
        "stability_limit": limit,
        "stable": stable,
        "final_exact": final if np.isfinite(final) else None,
        "diverged": n_div,
        "T": T,
    }
    label = f"fixed α = {alpha:g}"
    if not stable:
        title = f"{label}, σ = {sigma:g}: unstable (α ≥ {limit:g}), no noise floor"
        when = "never: the loss grows"
    elif floor == 0.0:
        title = f"{label}, σ = {sigma:g}: no noise, the loss shrinks ×{factor**2:.3g} per update"
        when = "never: without noise the floor is 0"
    else:
        title = f"{label}, σ = {sigma:g}: floor {floor:.3g}, within 10 % after {_updates(reach)}"
        when = reach
    fig_title = title.replace(f"{label}, ", "")
    k = np.arange(T + 1)
    alt = _alt(painter.paint(k, runs, cut_at, exact, floor, reach, fig_title, label), notes)
    painter.set_notes(notes)
    return ExplorerResult(
        kind="fixed_rate",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params={"alpha": alpha, "sigma": sigma, "T": T, "n_runs": n_runs, "seed": seed,
                "c": _C, "theta0": _THETA0, "curvature": _CURVATURE},  # fmt: skip
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("noise floor ασ²/(4(1 − α))", floor),
            ("updates to within 10 % of it", when),
            ("factor |1 − 2α| per update", factor),
            ("stability limit", limit),
            (f"exact E[J] after {T} updates", numbers["final_exact"]),
        ),
        notes=tuple(notes),
        curves={"k": k, "exact": exact},
        schedule=sched,
        raw=res,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_FIXED_SPECS: dict[str, _Spec] = {
    "alpha": _grid_spec(FIXED_RATE_GRID, description="rate α",
                        tooltip="the fixed learning rate; stability limit 1"),  # fmt: skip
    "sigma": _Spec("float", 0.0, 1.0, 0.05, fmt=".2f", description="noise σ"),
    "T": _Spec("int", 20, 1000, 20, tooltip="updates drawn"),
}


def fixed_rate_explorer(
    alpha: float = 0.3, *, sigma: float = 0.3, T: int = 100, show: bool | None = None
) -> W.interactive:
    """A fixed rate on the course's quadratic: exact expected loss, noise floor, time to reach it.

    Each change calls :func:`draw_fixed_rate` (three seeded runs, seed 0).

    Parameters
    ----------
    alpha : float
        Initial rate, in [0.001, 1.2] (the slider offers :data:`FIXED_RATE_GRID` and this
        value).
    sigma : float
        Initial noise, in [0, 1].
    T : int
        Initial number of updates, in [20, 1000].
    show : bool, optional
        See :func:`lrsched.widgets.schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {"alpha": alpha, "sigma": sigma, "T": T}
    return _explorer(draw_fixed_rate, _FIXED_SPECS, values, continuous=False, show=show)
