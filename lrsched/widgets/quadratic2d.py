r"""The 2-D quadratic explorer (chapter 8's stability section): gradient descent on
:math:`J(u) = \tfrac12(\lambda_1 u_1^2 + \lambda_2 u_2^2)` with :math:`\lambda_1 = 1`,
:math:`\lambda_2 = 1/\kappa`; contours, the iterates, the slow direction
(:func:`quadratic2d_explorer`, :func:`draw_quadratic2d`)."""

from __future__ import annotations

import numpy as np

from .._validate import check_choice, check_int, check_real
from ..contraction import best_constant_rate, contraction_factors, updates_to_shrink
from ..cosine import Cosine
from ..decay import Constant
from ..noisy_sgd import simulate_quadratic_nd, stability_limit
from ..plot import COLORS
from ..theory import expected_loss, noise_floor_nd
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    ExplorerResult,
    Figure,
    _alt,
    _finite_prefix,
    _Legend,
    _line_entry,
    _log_limits,
    _Painter,
    _positive,
    _style,
)
from ._grid import _grid_spec

__all__ = ["QUADRATIC2D_GRID", "QUADRATIC2D_SCHEDULES", "draw_quadratic2d",
           "quadratic2d_explorer"]  # fmt: skip

#: The rates of the slider (the stability limit is 2/λ_max = 2).
QUADRATIC2D_GRID: tuple[float, ...] = (
    0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.2, 1.5, 1.8, 1.9, 1.95, 2.0, 2.05, 2.2,
)  # fmt: skip
#: Schedules of the explorer (value -> label).
QUADRATIC2D_SCHEDULES: dict[str, str] = {
    "constant": "constant α",
    "cosine": "cosine α → 0 over T",
}
#: Start, in (fast, slow) coordinates: the error along λ1 = 1 and along λ2 = 1/κ.
START = (0.4, 1.0)
#: The slow direction's target: its error shrunk to 1 % of the start.
SHRINK = 0.01
_LAM_FAST = 1.0
_FONT = 9
_LOG_TOP = 1e200  # highest log-axis limit (matplotlib's log ticks overflow near 1e300)
_XLIM, _YLIM = (-0.25, 1.15), (-0.515, 0.515)  # equal scales on the 3.33 x 2.45 in axes
_LEVELS = 0.4 ** np.arange(6)  # contour levels, as fractions of the starting loss
_PHI = np.linspace(0.0, 2.0 * np.pi, 121)


class _Quadratic2DPainter(_Painter):
    figsize = (9.0, 3.5)

    def _build(self) -> None:
        fig = self.fig
        self.ax_path = ax = fig.add_axes((0.1, 0.15, 0.37, 0.70))
        self.ax_loss = fig.add_axes((0.575, 0.15, 0.225, 0.70))
        _style(ax, "u₂, slow direction (λ₂ = 1/κ)", "u₁, fast (λ₁ = 1)")
        ax.set_xlim(*_XLIM)
        ax.set_ylim(*_YLIM)
        self.contours = [
            ax.plot([], [], color="0.6", lw=0.8, zorder=1)[0] for _ in range(_LEVELS.size)
        ]
        (self.slow_dir,) = ax.plot(_XLIM, [0.0, 0.0], color=COLORS[2], lw=6, alpha=0.3,
                                   zorder=0)  # fmt: skip
        (self.path,) = ax.plot([], [], color=COLORS[0], lw=1.2, marker="o", ms=2.5, zorder=3)
        (self.start,) = ax.plot([START[1]], [START[0]], ls="none", marker="s", ms=6,
                                color="black", zorder=4)  # fmt: skip
        (self.minimum,) = ax.plot([0.0], [0.0], ls="none", marker="*", ms=11, color=COLORS[3],
                                  zorder=4)  # fmt: skip
        ax.set_title("", y=1.0, fontsize=10)
        ax = self.ax_loss
        _style(ax, "update t", "loss, log scale", log_y=True)
        (self.exact,) = ax.plot([], [], color="black", lw=2)
        (self.slow,) = ax.plot([], [], color=COLORS[2], lw=1.5, ls="--")
        (self.fast,) = ax.plot([], [], color=COLORS[1], lw=1.5, ls=":")
        (self.run,) = ax.plot([], [], color=COLORS[0], lw=0.8, alpha=0.6)
        side = fig.add_axes((0.805, 0.15, 0.19, 0.70))
        side.set_axis_off()
        self.legend = _Legend(side, 8, loc="upper left", fontsize=_FONT)

    def paint(
        self,
        kappa: float,
        j0: float,
        path: np.ndarray,
        k: np.ndarray,
        exact: np.ndarray,
        slow: np.ndarray,
        fast: np.ndarray,
        run: np.ndarray | None,
        out: int | None,
        title: str,
        label: str,
    ) -> str:
        lam = np.array([_LAM_FAST, 1.0 / kappa])
        for level, line in zip(_LEVELS, self.contours, strict=True):
            # J = level * J0 on the ellipse u_i = sqrt(2 J / λ_i) (cos φ, sin φ)
            a = np.sqrt(2.0 * level * j0 / lam)
            line.set_data(a[1] * np.cos(_PHI), a[0] * np.sin(_PHI))
        self.path.set_data(path[:, 1], path[:, 0])
        self.ax_path.title.set_text(title)
        ax = self.ax_loss
        self.exact.set_data(np.arange(exact.size), exact)
        self.slow.set_data(np.arange(slow.size), slow)
        self.fast.set_data(np.arange(fast.size), fast)
        # without noise the run's loss is the exact curve: drawn only with noise
        self.run.set_data((k[: run.size], run) if run is not None else ([], []))
        self.run.set_visible(run is not None)
        ax.set_xlim(-0.02 * k[-1], 1.02 * k[-1])
        lo, hi = _log_limits(exact, slow, fast, run, zeros_below=1e8)
        ax.set_ylim(lo, min(hi, _LOG_TOP))  # a diverging curve leaves the top
        entries = [
            _line_entry("iterates", self.path),
            _line_entry("start", self.start),
            _line_entry("minimum", self.minimum),
            _line_entry("slow direction", self.slow_dir),
            _line_entry("exact E[J]", self.exact),
            _line_entry("slow part", self.slow),
            _line_entry("fast part", self.fast),
        ]
        if run is not None:
            entries.append(_line_entry("this run's J", self.run))
        self.legend.update(entries)
        leaves = "" if out is None else f"; they leave the frame at update {out}"
        run_txt = " and this run's loss" if run is not None else ""
        return (
            f"Two panels. Left: contours of J = ½(u₁² + u₂²/κ) with κ = {kappa:g} (ellipses "
            f"stretched {np.sqrt(kappa):.3g} times along the slow direction u₂, drawn "
            f"horizontally and shaded), and the {k[-1]} iterates of gradient descent with "
            f"{label} from the square at (u₂, u₁) = ({START[1]:g}, {START[0]:g}) towards the "
            f"star at the minimum{leaves}. Right: the loss against the update t (log scale): "
            f"the exact expected loss, its slow and fast parts{run_txt}. {title}."
        )


def draw_quadratic2d(
    alpha: float = 1.5,
    *,
    kappa: float = 20.0,
    sigma: float = 0.0,
    T: int = 60,
    schedule: str = "constant",
    seed: int = 0,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Gradient descent on :math:`\tfrac12(u_1^2 + u_2^2/\kappa)` from :data:`START`.

    The iterates come from :func:`lrsched.simulate_quadratic_nd` (eigenvalues
    :math:`(1, 1/\kappa)`, ``e0 = START``, one run, noise ``sigma`` per direction, seed
    ``seed``; plain gradient descent for ``sigma = 0``), the exact expected loss and its
    two directions' parts: the exact expected loss of :func:`lrsched.expected_loss_nd`,
    computed direction by direction (each part is the 1-D :func:`lrsched.expected_loss`
    with curvature :math:`\lambda_i`; the directions decouple). The text gives the
    per-direction factors :math:`|1 - \alpha\lambda_i|`
    (:func:`lrsched.contraction.contraction_factors`), the stability limit
    :math:`2/\lambda_{\max} = 2` (:func:`lrsched.stability_limit`), the updates the slow
    direction needs to shrink its error to 1 % (:func:`lrsched.contraction.updates_to_shrink`),
    the rate that balances both directions (:func:`lrsched.contraction.best_constant_rate`)
    and, with noise and a stable rate, the noise floor (:func:`lrsched.noise_floor_nd`).
    For the cosine schedule (:class:`~lrsched.Cosine` ``(alpha, T, 0)``) the factors are
    those of its first rate ``alpha``.

    Parameters
    ----------
    alpha : float
        The (first) rate, ``> 0``.
    kappa : float
        Condition number :math:`\kappa = \lambda_1/\lambda_2`, in [1, 1e6].
    sigma : float
        Gradient-noise standard deviation per direction, ``>= 0``.
    T : int
        Updates, in [10, 10000].
    schedule : {"constant", "cosine"}
    seed : int
        ``>= 0``.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"alpha", "kappa", "factor_fast", "factor_slow",
        "stability_limit", "stable", "slow_updates", "best_alpha", "best_factor",
        "noise_floor", "final_exact", "diverged"}`` (``slow_updates`` None when the slow
        direction does not shrink, ``noise_floor`` None without noise, for the cosine or
        past the limit, ``final_exact`` None when it overflows); ``curves``:
        ``{"k", "u", "exact", "slow", "fast"}``; ``raw``: the
        :class:`~lrsched.SimResultND`.
    """
    requested = {"alpha": alpha, "kappa": kappa, "sigma": sigma, "T": T,
                 "schedule": schedule, "seed": seed}  # fmt: skip
    alpha = _positive("alpha", alpha)
    kappa = check_real("kappa", kappa, low=1.0, high=1e6)
    sigma = check_real("sigma", sigma, low=0.0, high=1e6)
    T = check_int("T", T, low=10, high=10_000)
    schedule = check_choice("schedule", schedule, tuple(QUADRATIC2D_SCHEDULES))
    seed = check_int("seed", seed, low=0)
    painter = _Quadratic2DPainter.get(figure)
    lam = np.array([_LAM_FAST, _LAM_FAST / kappa])
    e0 = np.array(START)
    sched = Constant(alpha) if schedule == "constant" else Cosine(alpha, T, 0.0)
    res = simulate_quadratic_nd(sched, eigenvalues=lam, T=T, n_seeds=1, e0=e0, sigma=sigma,
                                seed=seed, record="loss", record_u=True)  # fmt: skip
    u = res.u[:, 0, 0, :]
    cut = int(res.diverged_at[0, 0])
    path = u if cut < 0 else u[: cut + 1]
    # each direction's part ½ λ_i E[u_i²] is the 1-D exact loss with curvature λ_i (the
    # directions decouple), and E[J] their sum: lrsched.expected_loss_nd, computed per part
    full = [
        expected_loss(sched, T=T, c=0.0, theta0=float(e0[i]), sigma=sigma,
                      curvature=float(lam[i]), overflow="inf")
        for i in (0, 1)
    ]  # fmt: skip
    with np.errstate(over="ignore"):
        exact_full = full[0] + full[1]
    parts = [_finite_prefix(f) for f in full]
    exact = _finite_prefix(exact_full)
    run = res.loss[:, 0, 0] if cut < 0 else res.loss[: cut + 1, 0, 0]
    limit = stability_limit(lam)
    factor_fast, factor_slow = contraction_factors(alpha, lam).tolist()
    stable = alpha < limit
    slow_updates = updates_to_shrink(alpha, float(lam[1]), SHRINK)
    best_alpha, best_factor = best_constant_rate(lam)
    floor = (
        noise_floor_nd(alpha, eigenvalues=lam, sigma=sigma)
        if stable and sigma > 0 and schedule == "constant"
        else None
    )
    notes: list[str] = []
    if not stable:
        grows = "never shrinks" if factor_fast == 1.0 else f"grows ×{factor_fast:.3g} per update"
        notes.append(f"α = {alpha:g} ≥ 2/λ_max = {limit:g}: the fast direction {grows}")
    if exact.size < exact_full.size:
        notes.append(f"the exact expectation overflows after {exact.size - 1} updates")
    if cut >= 0:
        notes.append(f"the run diverged at update {cut} (drawn up to there)")
    inside = (
        (path[:, 1] >= _XLIM[0]) & (path[:, 1] <= _XLIM[1])
        & (path[:, 0] >= _YLIM[0]) & (path[:, 0] <= _YLIM[1])
    )  # fmt: skip
    out = None if inside.all() else int(np.argmin(inside))
    if out is not None:
        notes.append(f"the iterates leave the frame at update {out}")
    final = float(exact_full[-1])
    numbers = {
        "alpha": alpha,
        "kappa": kappa,
        "factor_fast": factor_fast,
        "factor_slow": factor_slow,
        "stability_limit": limit,
        "stable": stable,
        "slow_updates": slow_updates,
        "best_alpha": best_alpha,
        "best_factor": best_factor,
        "noise_floor": floor,
        "final_exact": final if np.isfinite(final) else None,
        "diverged": cut >= 0,
    }
    label = f"{'cosine from' if schedule == 'cosine' else 'constant'} α = {alpha:g}"
    slow_txt = "never" if slow_updates is None else f"{slow_updates} updates"
    title = (
        f"{label}, κ = {kappa:g}, σ = {sigma:g}: |1 − αλ| = {factor_fast:.3g} (fast), "
        f"{factor_slow:.4g} (slow); slow direction to 1 %: {slow_txt}"
    )
    fig_title = f"|1 − αλ|: fast {factor_fast:.3g}, slow {factor_slow:.4g}; limit α < {limit:g}"
    k = np.arange(T + 1)
    j0 = 0.5 * float(lam @ (e0 * e0))
    alt = _alt(painter.paint(kappa, j0, path, k, exact, parts[1], parts[0],
                             run if sigma > 0 else None, out, fig_title, label), notes)  # fmt: skip
    painter.set_notes(notes)
    return ExplorerResult(
        kind="quadratic2d",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params={"alpha": alpha, "kappa": kappa, "sigma": sigma, "T": T, "schedule": schedule,
                "seed": seed, "eigenvalues": tuple(lam.tolist()), "e0": START},  # fmt: skip
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("factor |1 − α·1| (fast direction)", factor_fast),
            (f"factor |1 − α/{kappa:g}| (slow direction)", factor_slow),
            ("stability limit 2/λ_max", limit),
            ("updates for the slow error to fall to 1 %", slow_txt),
            ("balanced rate 2/(λ_min + λ_max)", best_alpha),
            ("its factor (κ − 1)/(κ + 1)", best_factor),
            ("noise floor of α", floor),
            (f"exact E[J] after {T} updates", numbers["final_exact"]),
        ),
        notes=tuple(notes),
        curves={"k": k, "u": path, "exact": exact, "slow": parts[1], "fast": parts[0]},
        schedule=sched,
        raw=res,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_Q2_SPECS: dict[str, _Spec] = {
    "alpha": _grid_spec(QUADRATIC2D_GRID, description="rate α",
                        tooltip="learning rate; stability limit 2/λ_max = 2"),  # fmt: skip
    "kappa": _Spec("log", 1.0, 1000.0, description="κ", tooltip="condition number λ1/λ2"),
    "sigma": _Spec("float", 0.0, 0.3, 0.01, fmt=".2f", description="noise σ"),
    "T": _Spec("int", 10, 400, 10, tooltip="updates"),
    "schedule": _Spec("choice", options=_options(QUADRATIC2D_SCHEDULES),
                      description="schedule"),  # fmt: skip
}


def quadratic2d_explorer(
    alpha: float = 1.5,
    *,
    kappa: float = 20.0,
    sigma: float = 0.0,
    T: int = 60,
    schedule: str = "constant",
    show: bool | None = None,
) -> W.interactive:
    """Gradient descent on an ill-conditioned 2-D quadratic: contours, iterates, slow direction.

    Each change calls :func:`draw_quadratic2d` (seed 0).

    Parameters
    ----------
    alpha, kappa, sigma, T, schedule
        Initial values of the controls (see :func:`draw_quadratic2d`): ``alpha`` in
        [0.01, 2.2] (the slider offers :data:`QUADRATIC2D_GRID` and this value),
        ``kappa`` in [1, 1000], ``sigma`` in [0, 0.3], ``T`` in [10, 400].
    show : bool, optional
        See :func:`lrsched.widgets.schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {"alpha": alpha, "kappa": kappa, "sigma": sigma, "T": T, "schedule": schedule}
    return _explorer(draw_quadratic2d, _Q2_SPECS, values, continuous=False, show=show)
