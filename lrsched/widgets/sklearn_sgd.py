r"""The scikit-learn explorer (chapter 10): ``eta0`` x :math:`\lVert x\rVert^2` against the
per-sample stability bound :math:`\eta_s(\lVert x\rVert^2 + 1) < 2`, and what
``SGDRegressor``'s update does on either side of it (:func:`sklearn_explorer`,
:func:`draw_sklearn`)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import check_choice, check_int, check_real
from ..plot import COLORS
from ..sample_stability import residual_factor, sample_rate_limit, sphere_regression
from ..sklearn_schedules import sgd_regressor_numpy
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    ExplorerResult,
    Figure,
    _alt,
    _Legend,
    _line_entry,
    _log_limits,
    _Painter,
    _positive,
    _style,
)

__all__ = ["SKLEARN_OPTIONS", "SKLEARN_DATA", "draw_sklearn", "sklearn_explorer"]

#: ``learning_rate`` options of :func:`sklearn_explorer` (value -> label).
SKLEARN_OPTIONS: dict[str, str] = {
    "constant": "constant: η = eta0",
    "invscaling": "invscaling: eta0 / s^power_t",
    "optimal": "optimal: 1/(alpha (t0 + s − 1))",
    "adaptive": "adaptive: eta0, ÷5 on plateaus",
}
#: The fixed problem: :func:`lrsched.sample_stability.sphere_regression` with these
#: arguments (and the slider's ``sq_norm``); every row has the same squared norm.
SKLEARN_DATA: dict[str, Any] = {"n_samples": 50, "n_features": 10, "noise": 0.5, "seed": 0}
#: ``tol`` of the runs: scikit-learn's default for 'adaptive' (its plateau rule needs it),
#: None (every epoch runs, as in the chapter's experiment) for the other options.
ADAPTIVE_TOL = 1e-3
_BOUND = 2.0
_FONT = 9


@functools.lru_cache(maxsize=32)
def _data(sq_norm: float) -> Any:
    return sphere_regression(sq_norm=sq_norm, **SKLEARN_DATA)


def _room_below(lo: float, hi: float, frac: float) -> tuple[float, float]:
    """Log-axis limits that keep the bottom ``frac`` of the axes free (for the legend)."""
    span = np.log10(hi) - np.log10(lo)
    return max(hi / 10 ** (span / (1.0 - frac)), 1e-300), hi


class _SklearnPainter(_Painter):
    figsize = (9.0, 3.4)

    def _build(self) -> None:
        fig = self.fig
        self.ax_rate, self.ax_loss = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.985, bottom=0.15, top=0.86, wspace=0.3)
        _style(self.ax_rate, "sample update s", "η_s · (|x|² + 1), log", log_y=True)
        _style(self.ax_loss, "epoch", "training loss, log scale", log_y=True)
        ax = self.ax_rate
        # the unstable region, from the bound to the top (x in axes, y in data coordinates)
        self.unstable = Rectangle((0.0, _BOUND), 1.0, 1.0, transform=ax.get_yaxis_transform(),
                                  color=COLORS[3], alpha=0.12, lw=0)  # fmt: skip
        ax.add_artist(self.unstable)
        (self.bound,) = ax.plot([], [], color=COLORS[3], lw=1.5, ls="--")
        (self.rate,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.first_stable,) = ax.plot([], [], ls="none", marker="o", ms=6, color=COLORS[2])
        self.rate_legend = _Legend(ax, 4, loc="lower left", fontsize=_FONT)
        ax = self.ax_loss
        (self.loss,) = ax.plot([], [], color=COLORS[1], lw=2, marker="o", ms=3)
        (self.noise,) = ax.plot([], [], color="black", lw=1, ls=":")
        self.loss_legend = _Legend(ax, 2, loc="lower left", fontsize=_FONT)
        self.title = fig.text(0.5, 0.935, "", ha="center", va="top", fontsize=10)

    def paint(
        self,
        s: np.ndarray,
        product: np.ndarray,
        first_stable: int | None,
        epoch_loss: np.ndarray,
        noise_loss: float,
        title: str,
        label: str,
    ) -> str:
        ax = self.ax_rate
        n = s.size
        self.rate.set_data(s, product)
        self.bound.set_data([1, n], [_BOUND, _BOUND])
        lo, hi = _log_limits(product, [_BOUND])
        lo, hi = _room_below(min(lo, _BOUND / 3), max(hi, _BOUND * 3), 0.42)
        ax.set_ylim(lo, hi)
        self.unstable.set_height(hi - _BOUND)
        ax.set_xlim(1 - 0.02 * n, n * 1.02)
        show_first = first_stable is not None and first_stable > 1
        if show_first:
            self.first_stable.set_data([first_stable], [product[first_stable - 1]])
        self.first_stable.set_visible(show_first)
        entries = [
            _line_entry("η_s · (|x|² + 1)", self.rate),
            _line_entry("bound 2", self.bound),
            ("overshoots (unstable)", "patch", {"color": COLORS[3], "alpha": 0.12}),
        ]
        if show_first:
            entries.append(_line_entry(f"first stable s = {first_stable}", self.first_stable))
        self.rate_legend.update(entries)
        ax = self.ax_loss
        epochs = np.arange(1, epoch_loss.size + 1)
        self.loss.set_data(epochs, epoch_loss)
        last = max(epoch_loss.size, 1)
        self.noise.set_data([1, last], [noise_loss, noise_loss])
        lo, hi = _log_limits(epoch_loss, [noise_loss])
        ax.set_ylim(_room_below(lo, hi, 0.26))
        ax.set_xlim(0.5, last + 0.5)
        self.loss_legend.update(
            [
                _line_entry("mean loss over the epoch", self.loss),
                _line_entry(f"noise level {noise_loss:g}", self.noise),
            ]
        )
        self.title.set_text(title)
        first = "" if not show_first else f", first below the bound at s = {first_stable}"
        return (
            f"Two panels. Left: scikit-learn's rate with {label}, times |x|² + 1, against the "
            f"sample update s from 1 to {n} (log scale; from {product[0]:.3g} to "
            f"{product[-1]:.3g}), with the stability bound 2 dashed and the unstable region "
            f"above it shaded{first}. Right: the mean training loss of each of the "
            f"{epoch_loss.size} epoch(s) run (log scale, last {epoch_loss[-1]:.3g}), with the "
            f"noise level {noise_loss:g} dotted. {title}."
        )


def _label(learning_rate: str, eta0: float, power_t: float, alpha: float) -> str:
    if learning_rate == "constant":
        return f"constant, eta0 = {eta0:g}"
    if learning_rate == "invscaling":
        return f"invscaling, eta0 = {eta0:g}, power_t = {power_t:g}"
    if learning_rate == "optimal":
        return f"optimal, alpha = {alpha:g}"
    return f"adaptive, eta0 = {eta0:g}"


def draw_sklearn(
    learning_rate: str = "constant",
    *,
    eta0: float = 0.1,
    sq_norm: float = 10.0,
    alpha: float = 1e-4,
    power_t: float = 0.25,
    epochs: int = 20,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""``SGDRegressor``'s schedule against the per-sample bound, and the training it gives.

    The data: :func:`lrsched.sample_stability.sphere_regression` with
    :data:`SKLEARN_DATA` (50 rows, 10 features, noise 0.5, seed 0), every row scaled to
    :math:`\lVert x\rVert^2` = ``sq_norm``. The run: :func:`lrsched.sgd_regressor_numpy`
    (scikit-learn's per-sample update, ``shuffle=False``; L2 penalty ``alpha``; one
    ``fit`` of ``epochs`` epochs, so the sample counter :math:`s` runs on across epochs;
    ``tol=None``, or :data:`ADAPTIVE_TOL` for ``'adaptive'``; the plateau criterion of
    scikit-learn 1.8 and later). Left: :math:`\eta_s(\lVert x\rVert^2 + 1)` for every
    update against the bound 2 (:func:`lrsched.sample_stability.sample_rate_limit`): above
    it one update multiplies the sample's residual by
    :math:`1 - \eta_s(\lVert x\rVert^2 + 1) < -1`
    (:func:`lrsched.sample_stability.residual_factor`). Right: the mean training loss
    :math:`\tfrac12(p - y)^2` (+ the L2 penalty) over each epoch's updates, the value
    scikit-learn's plateau rule watches, with the noise level
    :math:`\tfrac12\,\text{noise}^2` that the true weights would leave.

    Parameters
    ----------
    learning_rate : {"constant", "invscaling", "optimal", "adaptive"}
        scikit-learn's option.
    eta0 : float
        ``> 0`` (not read by ``'optimal'``).
    sq_norm : float
        :math:`\lVert x\rVert^2` of every row, in ``(0, 1e6]``.
    alpha : float
        L2 strength, ``> 0``; it also sets ``'optimal'``'s rates.
    power_t : float
        ``'invscaling'``'s exponent, in [0, 1].
    epochs : int
        Epochs of the one ``fit``, in [1, 200].
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"eta_first", "product_first", "rate_limit", "factor_first",
        "unstable_updates", "n_updates", "first_stable", "final_loss", "noise_loss",
        "epochs_run", "diverged", "n_clipped"}`` (``first_stable``, the first sample
        update below the bound, is None if there is none); ``curves``: ``{"s", "eta",
        "product", "epoch_loss"}``; ``raw``: the :class:`~lrsched.SGDRegressorResult`.
    """
    requested = {"learning_rate": learning_rate, "eta0": eta0, "sq_norm": sq_norm,
                 "alpha": alpha, "power_t": power_t, "epochs": epochs}  # fmt: skip
    learning_rate = check_choice("learning_rate", learning_rate, tuple(SKLEARN_OPTIONS))
    eta0 = _positive("eta0", eta0)
    sq_norm = check_real("sq_norm", sq_norm, low=0.0, high=1e6, low_open=True)
    alpha = _positive("alpha", alpha)
    power_t = check_real("power_t", power_t, low=0.0, high=1.0)
    epochs = check_int("epochs", epochs, low=1, high=200)
    painter = _SklearnPainter.get(figure)
    data = _data(sq_norm)
    tol = ADAPTIVE_TOL if learning_rate == "adaptive" else None
    res = sgd_regressor_numpy(
        data.X, data.y, learning_rate=learning_rate, eta0=eta0, power_t=power_t, alpha=alpha,
        epochs=epochs, tol=tol, rule="objective",
    )  # fmt: skip
    limit = sample_rate_limit(sq_norm)
    eta = res.etas
    product = eta * (sq_norm + 1.0)
    stable = np.flatnonzero(eta < limit)
    first_stable = int(stable[0]) + 1 if stable.size else None
    n_unstable = int(np.count_nonzero(eta > limit))
    epoch_loss = np.asarray(res.epoch_values, dtype=float)
    noise_loss = 0.5 * SKLEARN_DATA["noise"] ** 2
    factor = residual_factor(float(eta[0]), sq_norm)
    notes: list[str] = []
    if res.diverged:
        notes.append(f"the weights overflowed in epoch {res.n_iter_} (scikit-learn raises)")
        if epoch_loss.size == 0:
            epoch_loss = np.array([float(np.mean(0.5 * data.y**2))])
            notes.append("the first epoch overflowed: its starting loss is shown")
    if res.n_clipped:
        notes.append(f"{res.n_clipped} updates had their loss derivative clipped at ±1e12")
    label = _label(learning_rate, eta0, power_t, alpha)
    side = "<" if product[0] < _BOUND else ("=" if product[0] == _BOUND else ">")
    title = (
        f"{label}, |x|² = {sq_norm:g}: η₁(|x|² + 1) = {product[0]:.3g} {side} 2; "
        f"{n_unstable} of {eta.size} updates unstable; last epoch's loss {epoch_loss[-1]:.3g}"
    )
    numbers = {
        "eta_first": float(eta[0]),
        "product_first": float(product[0]),
        "rate_limit": limit,
        "factor_first": factor,
        "unstable_updates": n_unstable,
        "n_updates": int(eta.size),
        "first_stable": first_stable,
        "final_loss": float(epoch_loss[-1]),
        "noise_loss": noise_loss,
        "epochs_run": res.n_iter_,
        "diverged": res.diverged,
        "n_clipped": res.n_clipped,
    }
    s = np.arange(1, eta.size + 1)
    alt = _alt(painter.paint(s, product, first_stable, epoch_loss, noise_loss, title, label),
               notes)  # fmt: skip
    painter.set_notes(notes)
    return ExplorerResult(
        kind="sklearn",
        figure=painter.fig,
        legend=painter.rate_legend.labels + painter.loss_legend.labels,
        title=title,
        requested=requested,
        params={"learning_rate": learning_rate, "eta0": eta0, "sq_norm": sq_norm,
                "alpha": alpha, "power_t": power_t, "epochs": epochs, "tol": tol,
                **SKLEARN_DATA},  # fmt: skip
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("first rate η₁", numbers["eta_first"]),
            ("bound on η: 2/(|x|² + 1)", limit),
            ("residual factor 1 − η₁(|x|² + 1)", factor),
            ("unstable updates", f"{n_unstable} of {eta.size}"),
            ("first update below the bound", first_stable),
            ("mean loss in the last epoch", numbers["final_loss"]),
            ("noise level ½·noise²", noise_loss),
        ),
        notes=tuple(notes),
        curves={"s": s, "eta": eta, "product": product, "epoch_loss": epoch_loss},
        schedule=None,
        raw=res,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_SKLEARN_SPECS: dict[str, _Spec] = {
    "learning_rate": _Spec("choice", options=_options(SKLEARN_OPTIONS),
                           description="learning_rate"),  # fmt: skip
    "eta0": _Spec("log", 1e-3, 10.0, description="eta0", tooltip="scikit-learn's eta0"),
    "sq_norm": _Spec("log", 0.1, 1000.0, description="|x|²",
                     tooltip="squared norm of every row (about the feature count if "
                     "standardised)"),  # fmt: skip
    "alpha": _Spec("log", 1e-5, 1.0, description="alpha",
                   tooltip="L2 strength; sets the 'optimal' rates"),  # fmt: skip
    "power_t": _Spec("float", 0.0, 1.0, 0.05, fmt=".2f", description="power_t"),
    "epochs": _Spec("int", 1, 40, 1, tooltip="epochs of one fit (50 rows each)"),
}
_SKLEARN_USES: dict[str, tuple[str, ...]] = {
    "constant": ("eta0",),
    "invscaling": ("eta0", "power_t"),
    "optimal": (),
    "adaptive": ("eta0",),
}


def sklearn_explorer(
    learning_rate: str = "constant",
    *,
    eta0: float = 0.1,
    sq_norm: float = 10.0,
    alpha: float = 1e-4,
    power_t: float = 0.25,
    epochs: int = 20,
    show: bool | None = None,
) -> W.interactive:
    """scikit-learn's ``SGDRegressor`` schedule against the per-sample stability bound.

    Each change calls :func:`draw_sklearn`. ``eta0`` is hidden for ``'optimal'`` (which
    does not read it) and ``power_t`` shown only for ``'invscaling'``.

    Parameters
    ----------
    learning_rate, eta0, sq_norm, alpha, power_t, epochs
        Initial values of the controls (see :func:`draw_sklearn`): ``eta0`` in
        [0.001, 10], ``sq_norm`` in [0.1, 1000], ``alpha`` in [1e-5, 1], ``power_t`` in
        [0, 1], ``epochs`` in [1, 40].
    show : bool, optional
        See :func:`lrsched.widgets.schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {"learning_rate": learning_rate, "eta0": eta0, "sq_norm": sq_norm,
              "alpha": alpha, "power_t": power_t, "epochs": epochs}  # fmt: skip
    return _explorer(
        draw_sklearn,
        _SKLEARN_SPECS,
        values,
        continuous=False,
        show=show,
        visible=("learning_rate", _SKLEARN_USES, ()),
    )
