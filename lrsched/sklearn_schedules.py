r"""scikit-learn's ``SGDRegressor`` learning-rate options, reproduced exactly.

scikit-learn's SGD estimators (``SGDRegressor``, ``SGDClassifier``) update the
weights once per **sample**, and their ``learning_rate`` options are functions of a
per-sample counter :math:`s` that starts at 1 for the first sample of a fresh
``fit`` and is *not* reset between epochs (``t_`` after fitting is
:math:`1 + \text{epochs}\times n`). The formulas below are those of
``sklearn/linear_model/_sgd_fast.pyx.tp`` (read in the installed 1.9.1):

=================  ==================================================================
``'constant'``     :math:`\eta_s = \eta_0`
``'invscaling'``   :math:`\eta_s = \eta_0 / s^{\,p}` (``power_t`` :math:`= p`)
``'optimal'``      :math:`\eta_s = 1 / (\alpha\,(t_0 + s - 1))`, Bottou's heuristic
                   for :math:`t_0` (see :class:`SklearnOptimal`)
``'adaptive'``     :math:`\eta_0`, divided by 5 after ``n_iter_no_change`` epochs
                   without improvement (see :class:`SklearnAdaptive`)
=================  ==================================================================

The first three are :class:`~lrsched.base.Schedule` objects and take the package's
0-based update index :math:`t`; the sample counter is :math:`s = t + 1`. The
adaptive rule depends on the training objective, so it is a small stateful object.

:func:`sgd_regressor_numpy` is a plain NumPy per-sample loop with scikit-learn's
exact update (squared loss, optional L2, intercept), driven by these schedules; it
reproduces ``SGDRegressor(shuffle=False)``. :func:`explain_optimal_blowup`
computes why the seed chapter's ``'optimal'`` curve explodes.

scikit-learn is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._extras import require
from ._validate import (
    MAX_STEP,
    as_array,
    as_steps,
    check_callable,
    check_choice,
    check_int,
    check_real,
)
from .base import Schedule
from .compose import evaluate_lr
from .sample_stability import sample_rate_limit

__all__ = [
    "SklearnConstant",
    "SklearnInvScaling",
    "SklearnOptimal",
    "SklearnAdaptive",
    "sklearn_schedule",
    "sgd_regressor_numpy",
    "SGDRegressorResult",
    "explain_optimal_blowup",
    "OptimalBlowup",
]

#: scikit-learn clips the loss derivative to this magnitude before every update.
MAX_DLOSS = 1e12
#: The adaptive rule stops dividing once eta is at or below this value.
ADAPTIVE_MIN_ETA = 1e-6


class SklearnConstant(Schedule):
    r"""scikit-learn ``learning_rate='constant'``: :math:`\eta_t = \eta_0`.

    Parameters
    ----------
    eta0 : float
        :math:`\eta_0 > 0` (scikit-learn requires ``eta0 > 0``).
    """

    _params = ("eta0",)
    past_end = "unbounded"

    def __init__(self, eta0: float = 0.01) -> None:
        self.eta0 = check_real("eta0", eta0, low=0.0, low_open=True)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return np.full(np.shape(t), self.eta0, dtype=np.float64)

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.eta0, self.eta0)


class SklearnInvScaling(Schedule):
    r"""scikit-learn ``learning_rate='invscaling'``: :math:`\eta = \eta_0 / s^{\,p}`, s = t + 1.

    ``SGDRegressor``'s default (``eta0=0.01``, ``power_t=0.25``). The counter
    :math:`s` counts samples, starting at 1 and continuing across epochs.

    Parameters
    ----------
    eta0 : float
        :math:`\eta_0 > 0`.
    power_t : float
        :math:`p \ge 0`. (scikit-learn 1.8 deprecated negative values.)
    """

    _params = ("eta0", "power_t")
    past_end = "unbounded"

    def __init__(self, eta0: float = 0.01, power_t: float = 0.25) -> None:
        self.eta0 = check_real("eta0", eta0, low=0.0, low_open=True)
        self.power_t = check_real("power_t", power_t, low=0.0)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return self.eta0 / np.power(t + 1.0, self.power_t)

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0 if self.power_t > 0 else self.eta0, self.eta0)


class SklearnOptimal(Schedule):
    r"""scikit-learn ``learning_rate='optimal'``: :math:`\eta = 1/(\alpha (t_0 + s - 1))`.

    The sample counter is :math:`s = t + 1` (``t`` is the 0-based update index).

    scikit-learn picks :math:`t_0` with a heuristic attributed to Léon Bottou
    (``_plain_sgd`` in ``_sgd_fast.pyx.tp``):

    .. math:: w_{\text{typ}} = \sqrt{1/\sqrt{\alpha}}, \qquad
              \eta_{\text{init}} = \frac{w_{\text{typ}}}{\max(1, \ell'(1, -w_{\text{typ}}))},
              \qquad t_0 = \frac{1}{\eta_{\text{init}}\,\alpha},

    so that the first sample gets :math:`\eta_{\text{init}}`. Here :math:`\ell'(y, p)`
    is the derivative of the loss in the prediction; for the squared loss
    :math:`\ell'(1, -w) = -w - 1 < 0`, and it is :math:`\le 0` at that point for every
    built-in loss, so the ``max`` is 1 and

    .. math:: \eta_1 = \alpha^{-1/4}, \qquad t_0 = \alpha^{-3/4}
              \qquad (\alpha = 10^{-4}:\ \eta_1 = 10,\ t_0 = 1000).

    Parameters
    ----------
    alpha : float
        Regularisation strength :math:`\alpha > 0` (``SGDRegressor(alpha=...)``).
    """

    _params = ("alpha",)
    past_end = "unbounded"

    def __init__(self, alpha: float = 1e-4) -> None:
        self.alpha = check_real("alpha", alpha, low=0.0, low_open=True)
        typw = np.sqrt(1.0 / np.sqrt(self.alpha))
        dloss = -typw - 1.0  # squared loss: d/dp 0.5 (p - y)^2 at y = 1, p = -typw
        self.eta_first = float(typw / max(1.0, dloss))
        self.t0 = float(1.0 / (self.eta_first * self.alpha))

    def _eval(self, t: np.ndarray) -> np.ndarray:
        # 1 / (alpha (t0 + s - 1)) with s - 1 = t: adding t (not s, then subtracting 1)
        # keeps t0 alive when it is far below 1 (alpha > 1)
        x = self.t0 + np.asarray(t, dtype=np.float64)
        with np.errstate(over="ignore", under="ignore"):
            if self.alpha >= 1.0:  # alpha * x could overflow; 1 / alpha cannot
                return (1.0 / self.alpha) / x
            return 1.0 / (self.alpha * x)

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, self.eta_first)


class SklearnAdaptive:
    r"""scikit-learn ``learning_rate='adaptive'``: :math:`\eta_0`, divided by 5 on plateaus.

    Not a :class:`~lrsched.base.Schedule`: the rate depends on the training
    objective, which the caller reports at the end of every epoch with
    :meth:`end_epoch`. Calling the object with steps returns the *current* rate
    for each of them.

    The rule (``_plain_sgd``, scikit-learn 1.9.1; the criterion changed in 1.8,
    scikit-learn PR #31856), for an epoch with training value :math:`v`:

    * ``rule="objective"`` (scikit-learn >= 1.8): :math:`v` = mean over the epoch's
      samples of :math:`\ell(y_i, p_i) + \alpha\,\tfrac12\lVert w\rVert^2` (penalty
      evaluated with the weights before each update); no improvement if
      :math:`v > v_{\text{best}} - \text{tol}`; :math:`v_{\text{best}} = \min`.
    * ``rule="loss"`` (scikit-learn <= 1.7): :math:`v` = the epoch's *summed* loss
      (no penalty); no improvement if :math:`v > v_{\text{best}} - \text{tol}\cdot n`.

    After ``n_iter_no_change`` consecutive epochs without improvement: if
    :math:`\eta > 10^{-6}`, :math:`\eta \leftarrow \eta/5` and the count restarts;
    otherwise training stops. ``tol=None`` never counts an epoch as a plateau.
    A fresh ``fit`` (also with ``warm_start=True``) starts again from :math:`\eta_0`.

    Parameters
    ----------
    eta0 : float
        :math:`\eta_0 > 0`.
    tol : float or None
        Improvement threshold, :math:`\ge 0` (scikit-learn default ``1e-3``).
    n_iter_no_change : int
        :math:`\ge 1` (default 5).
    rule : {"objective", "loss", "auto"}
        ``"auto"`` picks the rule of the installed scikit-learn (``"objective"`` if
        none is installed).
    n_samples : int
        Training-set size :math:`n \ge 1`, used by ``rule="loss"``.
    """

    def __init__(
        self,
        eta0: float = 0.01,
        *,
        tol: float | None = 1e-3,
        n_iter_no_change: int = 5,
        rule: str = "auto",
        n_samples: int = 1,
    ) -> None:
        self.eta0 = check_real("eta0", eta0, low=0.0, low_open=True)
        self.tol = None if tol is None else check_real("tol", tol, low=0.0)
        self.n_iter_no_change = check_int("n_iter_no_change", n_iter_no_change, low=1)
        self.rule = _resolve_rule(rule)
        self.n_samples = check_int("n_samples", n_samples, low=1)
        self.reset()

    def reset(self) -> None:
        """Back to the start of a fit: :math:`\\eta = \\eta_0`, no history."""
        self.eta = self.eta0
        self.best = math.inf
        self.no_improvement_count = 0
        self.eta_history: list[float] = [self.eta0]

    def __call__(self, t: Any) -> Any:
        steps, scalar = as_steps(t)
        return self.eta if scalar else np.full(steps.shape, self.eta)

    def end_epoch(self, value: float) -> bool:
        """Report the epoch's value (see the class docstring); return ``True`` to stop."""
        value = check_real("value", value)
        stop, self.eta, self.best, self.no_improvement_count = _plateau_step(
            value,
            self.best,
            self.no_improvement_count,
            eta=self.eta,
            adaptive=True,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            rule=self.rule,
            n_samples=self.n_samples,
        )
        self.eta_history.append(self.eta)
        return stop

    def __repr__(self) -> str:
        return (
            f"SklearnAdaptive(eta0={self.eta0!r}, tol={self.tol!r}, "
            f"n_iter_no_change={self.n_iter_no_change!r}, rule={self.rule!r}; "
            f"eta={self.eta!r})"
        )


def _installed_sklearn_version() -> tuple[int, int] | None:
    from importlib import metadata  # imported here: costs ~25 ms, only needed for 'adaptive'

    try:
        v = metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return None
    parts = v.split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)
    except (IndexError, ValueError):
        return None


def _resolve_rule(rule: str) -> str:
    rule = check_choice("rule", rule, ("auto", "objective", "loss"))
    if rule != "auto":
        return rule
    v = _installed_sklearn_version()
    return "loss" if (v is not None and v < (1, 8)) else "objective"


def _plateau_step(
    value: float,
    best: float,
    count: int,
    *,
    eta: float,
    adaptive: bool,
    tol: float | None,
    n_iter_no_change: int,
    rule: str,
    n_samples: int,
) -> tuple[bool, float, float, int]:
    """One end-of-epoch update of scikit-learn's plateau rule; returns (stop, eta, best, count)."""
    threshold = best - (tol * n_samples if rule == "loss" else tol) if tol is not None else None
    if threshold is not None and value > threshold:
        count += 1
    else:
        count = 0
    best = min(best, value)
    stop = False
    if count >= n_iter_no_change:
        if adaptive and eta > ADAPTIVE_MIN_ETA:
            eta, count = eta / 5.0, 0
        else:
            stop = True
    return stop, eta, best, count


def sklearn_schedule(
    learning_rate: str, *, eta0: float = 0.01, power_t: float = 0.25, alpha: float = 1e-4
) -> Schedule:
    """Return the :class:`~lrsched.base.Schedule` for a non-adaptive ``learning_rate`` string.

    ``'constant'`` -> :class:`SklearnConstant` ``(eta0)``, ``'invscaling'`` ->
    :class:`SklearnInvScaling` ``(eta0, power_t)``, ``'optimal'`` ->
    :class:`SklearnOptimal` ``(alpha)``. For ``'adaptive'`` use :class:`SklearnAdaptive`.
    """
    learning_rate = check_choice(
        "learning_rate", learning_rate, ("constant", "invscaling", "optimal")
    )
    if learning_rate == "constant":
        return SklearnConstant(eta0)
    if learning_rate == "invscaling":
        return SklearnInvScaling(eta0, power_t)
    return SklearnOptimal(alpha)


# ----------------------------------------------------------------------- the NumPy loop


@dataclass(frozen=True)
class SGDRegressorResult:
    """Output of :func:`sgd_regressor_numpy`, named like ``SGDRegressor``'s attributes.

    Attributes
    ----------
    coef_ : numpy.ndarray
    intercept_ : float
    t_ : float
        Sample counter after training, :math:`t_{\\text{start}} + \\text{n\\_iter\\_}\\,n`.
    n_iter_ : int
        Epochs run.
    etas : numpy.ndarray
        The rate used for every sample update, in order.
    epoch_values : numpy.ndarray
        The per-epoch value the plateau rule saw (mean objective, or summed loss
        for ``rule="loss"``).
    converged : bool
        Stopped by the plateau rule before ``epochs``.
    diverged : bool
        A weight, the intercept or the epoch's loss overflowed (scikit-learn
        raises ``ValueError`` there); training stopped at the end of that epoch and
        ``coef_`` / ``intercept_`` are those from the start of it (the last finite
        ones), so every returned number is finite.
    n_clipped : int
        Updates whose loss derivative was clipped to :math:`\\pm 10^{12}`.
    """

    coef_: np.ndarray
    intercept_: float
    t_: float
    n_iter_: int
    etas: np.ndarray
    epoch_values: np.ndarray
    converged: bool
    diverged: bool
    n_clipped: int


def _as_matrix(name: str, value: Any, ndim: int) -> np.ndarray:
    arr = as_array(name, value, "a real-valued array")
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real-valued array; got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D; got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    return arr


def sgd_regressor_numpy(
    X: Any,
    y: Any,
    *,
    learning_rate: str | Callable[[Any], Any] = "invscaling",
    eta0: float = 0.01,
    power_t: float = 0.25,
    alpha: float = 1e-4,
    penalty: str | None = "l2",
    epochs: int = 1000,
    tol: float | None = 1e-3,
    n_iter_no_change: int = 5,
    fit_intercept: bool = True,
    coef_init: Any = None,
    intercept_init: float = 0.0,
    t_start: float = 1.0,
    rule: str = "auto",
) -> SGDRegressorResult:
    r"""``SGDRegressor(loss='squared_error', shuffle=False)`` as a plain NumPy loop.

    For each sample :math:`(x, y)` in order, with the counter :math:`s`
    (starting at ``t_start``; 1 for a fresh fit) and the schedule's
    :math:`\eta = \eta(t = s - 1)`, scikit-learn's ``_plain_sgd`` does

    .. math::
        p &= w^\top x + b, \qquad g = \operatorname{clip}(p - y, \pm 10^{12})
            \quad (\text{derivative of } \tfrac12 (p - y)^2)\\
        w &\leftarrow \max(0, 1 - \eta\alpha)\, w \quad (\text{L2 only, before the step})\\
        w &\leftarrow w - \eta g\, x, \qquad b \leftarrow b - \eta g
            \quad (\text{intercept not penalised}),

    then :math:`s \leftarrow s + 1`. At the end of every epoch the plateau rule of
    :class:`SklearnAdaptive` runs: with ``'adaptive'`` it divides :math:`\eta` by 5,
    otherwise it stops training (``converged``); ``tol=None`` disables it.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Finite features (scale them: see :func:`explain_optimal_blowup`).
    y : array_like, shape (n,)
        Finite targets.
    learning_rate : {"constant", "invscaling", "optimal", "adaptive"} or callable
        A scikit-learn option, or any schedule ``f(t)`` of the 0-based global
        update index (then ``eta0`` and ``power_t`` are unused and the plateau
        rule can only stop training).
    eta0 : float
        :math:`> 0`.
    power_t : float
        :math:`\ge 0`.
    alpha : float
        :math:`> 0`.
    penalty : {"l2", None}
        L1 and elastic-net are not reproduced.
    epochs : int
        ``max_iter``, :math:`\ge 1`.
    tol : float or None
        :math:`\ge 0`, or ``None`` to disable the plateau rule.
    n_iter_no_change : int
        :math:`\ge 1`.
    fit_intercept : bool
    coef_init : array_like, optional
        Initial weights (default zeros).
    intercept_init : float
    t_start : float
        Initial sample counter in :math:`[1, 2^{53}]` (``t_`` of a previous
        ``partial_fit``; ``fit`` always restarts at 1, even with ``warm_start=True``;
        beyond :math:`2^{53}` a float64 counter no longer counts). The last update
        index ``t_start - 1 + epochs * n`` must be at most ``MAX_STEP``.
    rule : {"auto", "objective", "loss"}
        Plateau criterion (see :class:`SklearnAdaptive`); ``"auto"`` follows the
        installed scikit-learn.

    Returns
    -------
    SGDRegressorResult

    Notes
    -----
    Checked against scikit-learn 1.9.1 (``tests/test_sklearn_schedules.py``): the
    four options reproduce ``coef_``, ``intercept_``, ``t_`` and ``n_iter_``.
    scikit-learn stores :math:`w` as a scale times a vector, so results agree to
    rounding (about :math:`10^{-12}` relative), not bit for bit.
    """
    Xa = _as_matrix("X", X, 2)
    ya = _as_matrix("y", y, 1)
    n, d = Xa.shape
    if ya.shape[0] != n:
        raise ValueError(f"y must have one value per row of X ({n}); got {ya.shape[0]}")
    if n < 1:
        raise ValueError("X must have at least one row")
    eta0 = check_real("eta0", eta0, low=0.0, low_open=True)
    power_t = check_real("power_t", power_t, low=0.0)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    if penalty is not None:
        penalty = check_choice("penalty", penalty, ("l2",))
    epochs = check_int("epochs", epochs, low=1)
    tol = None if tol is None else check_real("tol", tol, low=0.0)
    n_iter_no_change = check_int("n_iter_no_change", n_iter_no_change, low=1)
    if not isinstance(fit_intercept, (bool, np.bool_)):
        raise TypeError(f"fit_intercept must be True or False; got {fit_intercept!r}")
    intercept = check_real("intercept_init", intercept_init)
    t_start = check_real("t_start", t_start, low=1.0, high=2.0**53)
    rule = _resolve_rule(rule)
    if coef_init is None:
        w = np.zeros(d)
    else:
        w = _as_matrix("coef_init", coef_init, 1).copy()
        if w.shape != (d,):
            raise ValueError(f"coef_init must have shape ({d},); got {w.shape}")

    adaptive = False
    sched: Callable[[Any], Any]
    if callable(learning_rate):
        sched = check_callable("learning_rate", learning_rate)
    else:
        lr_name = check_choice(
            "learning_rate", learning_rate, ("constant", "invscaling", "optimal", "adaptive")
        )
        adaptive = lr_name == "adaptive"
        sched = (
            SklearnConstant(eta0)
            if adaptive
            else sklearn_schedule(lr_name, eta0=eta0, power_t=power_t, alpha=alpha)
        )

    if t_start - 1.0 + epochs * n > MAX_STEP:
        raise ValueError(
            f"epochs * len(X) + t_start - 1 must be at most {MAX_STEP} (the last update "
            f"index); got epochs={epochs}, len(X)={n}, t_start={t_start!r}"
        )
    decay = penalty == "l2"
    eta = eta0
    best, count = math.inf, 0
    etas: list[np.ndarray] = []
    values: list[float] = []
    s = t_start
    n_iter = 0
    converged = diverged = False
    n_clipped = 0
    rows = [Xa[i] for i in range(n)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            w_start, b_start = w.copy(), intercept
            n_iter += 1
            if adaptive:
                epoch_etas = np.full(n, eta)
            else:
                steps = np.arange(n, dtype=np.int64) + int(round(s - 1.0))
                epoch_etas = evaluate_lr(sched, steps, "learning_rate", per_step=True)
            sumloss = 0.0
            objective = 0.0
            for i in range(n):
                x = rows[i]
                e = float(epoch_etas[i])
                p = float(w @ x) + intercept
                r = p - ya[i]
                cur = 0.5 * r * r
                sumloss += cur
                objective += cur
                if decay:
                    objective += alpha * 0.5 * float(w @ w)
                if r > MAX_DLOSS:
                    r, n_clipped = MAX_DLOSS, n_clipped + 1
                elif r < -MAX_DLOSS:
                    r, n_clipped = -MAX_DLOSS, n_clipped + 1
                update = -e * r
                if decay:
                    w *= max(0.0, 1.0 - e * alpha)
                if update != 0.0:
                    w += update * x
                    if fit_intercept:
                        intercept += update
                s += 1.0
            etas.append(epoch_etas)
            value = sumloss if rule == "loss" else objective / n
            if not (math.isfinite(intercept) and np.all(np.isfinite(w)) and math.isfinite(value)):
                # scikit-learn raises here; keep the last finite weights and flag it
                diverged = True
                w, intercept = w_start, b_start
                break
            values.append(value)
            stop, eta, best, count = _plateau_step(
                value,
                best,
                count,
                eta=eta,
                adaptive=adaptive,
                tol=tol,
                n_iter_no_change=n_iter_no_change,
                rule=rule,
                n_samples=n,
            )
            if stop:
                converged = True
                break
    return SGDRegressorResult(
        coef_=w,
        intercept_=float(intercept),
        t_=float(t_start + n_iter * n),
        n_iter_=n_iter,
        etas=np.concatenate(etas),
        epoch_values=np.asarray(values),
        converged=converged,
        diverged=diverged,
        n_clipped=n_clipped,
    )


# ------------------------------------------------------------- the seed's 'optimal' curve


@dataclass(frozen=True)
class OptimalBlowup:
    r"""Numbers behind the seed chapter's exploding ``'optimal'`` curve.

    Attributes
    ----------
    alpha : float
    eta_first : float
        Rate of the first sample of every ``fit``, :math:`\alpha^{-1/4}`.
    t0 : float
        scikit-learn's ``optimal_init``, :math:`\alpha^{-3/4}`.
    eta_last : float
        Rate of the last sample of a ``fit`` (:math:`s = n`).
    median_sq_norm, min_sq_norm, max_sq_norm : float
        Statistics of :math:`\lVert x_i\rVert^2` over the standardised rows
        (about the number of features, 10).
    stability_limit : float
        :math:`2 / (\mathrm{median}\lVert x\rVert^2 + 1)`: a single update on sample
        :math:`x` multiplies that sample's residual by :math:`1 - \eta(\lVert x\rVert^2 + 1)`
        (the :math:`+1` is the intercept's own update), which overshoots and grows once
        :math:`\eta(\lVert x\rVert^2 + 1) > 2` (:func:`lrsched.sample_stability.sample_rate_limit`).
    n_updates : int
        Sample updates over all ``fit`` calls.
    n_unstable_updates : int
        Updates with :math:`\eta_s (\min_i\lVert x_i\rVert^2 + 1) > 2`: unstable whichever
        sample the (shuffled) order puts there. Equal to ``n_updates`` here.
    t_stable : int
        First sample counter :math:`s` with :math:`\eta_s < ` ``stability_limit``,
        from the closed form :math:`s > (\mathrm{median} + 1)/(2\alpha) - t_0 + 1`.
    epochs_to_stable : int
        Epochs it would take to reach ``t_stable`` if the counter kept running
        across calls (``partial_fit``); ``fit`` never gets there because it resets it.
    t_after_fit : numpy.ndarray
        ``model.t_`` after each ``fit`` (always ``n + 1``: the reset, observed).
    mse : numpy.ndarray
        Training MSE after each ``fit``, computed as in the seed cell (``inf`` from
        the first epoch scikit-learn reports an overflow, if any).
    max_abs_residual : numpy.ndarray
        :math:`\max_i |p_i - y_i|` after each ``fit``; above :math:`10^{12}` the
        loss derivative is clipped, which is why the MSE plateaus instead of
        overflowing.
    mse_baseline : float
        MSE of predicting the mean of ``y`` (its variance).
    overflow_epoch : int or None
        First epoch (1-based) at which scikit-learn raised its overflow error.
    """

    alpha: float
    eta_first: float
    t0: float
    eta_last: float
    median_sq_norm: float
    min_sq_norm: float
    max_sq_norm: float
    stability_limit: float
    n_updates: int
    n_unstable_updates: int
    t_stable: int
    epochs_to_stable: int
    t_after_fit: np.ndarray
    mse: np.ndarray
    max_abs_residual: np.ndarray
    mse_baseline: float
    overflow_epoch: int | None

    def summary(self) -> str:
        """A few lines that tell the story with the computed numbers."""
        return (
            f"eta at the first sample of every fit: {self.eta_first:g} "
            f"(alpha^-1/4; t0 = {self.t0:g}); at the last: {self.eta_last:.4g}\n"
            f"median |x|^2 = {self.median_sq_norm:.3f}, stability limit 2/(median + 1) = "
            f"{self.stability_limit:.4f}\n"
            f"unstable updates: {self.n_unstable_updates} of {self.n_updates}; eta drops "
            f"below the limit only at sample {self.t_stable} "
            f"(~{self.epochs_to_stable} epochs if t were not reset)\n"
            f"MSE after epoch 1: {self.mse[0]:.3g}, after the last: {self.mse[-1]:.3g} "
            f"(predicting the mean: {self.mse_baseline:.4g})"
        )


def explain_optimal_blowup(
    *,
    n_epochs: int = 80,
    alpha: float = 1e-4,
    n_samples: int = 500,
    n_features: int = 10,
    noise: float = 25.0,
    random_state: int = 42,
) -> OptimalBlowup:
    r"""Recompute, with numbers, why the seed's ``SGDRegressor(learning_rate='optimal')`` explodes.

    Rebuilds the seed chapter's cell -- ``make_regression(n_samples=500,
    n_features=10, noise=25.0, random_state=42)``, ``StandardScaler`` on ``X`` only,
    then ``SGDRegressor(learning_rate='optimal', max_iter=1, tol=None,
    warm_start=True, random_state=42)`` fitted ``n_epochs`` times, recording the
    training MSE after each fit -- and sets it beside closed forms:

    * the first sample of each fit gets :math:`\eta_1 = \alpha^{-1/4}` (10 for
      :math:`\alpha = 10^{-4}`), see :class:`SklearnOptimal`;
    * a standardised row has :math:`\lVert x\rVert^2 \approx d` (10), and a step on
      the squared loss is stable for that sample only if :math:`\eta\lVert x\rVert^2 < 2`;
    * ``fit`` resets the sample counter to 1 even with ``warm_start=True``
      (``BaseSGDRegressor._fit`` sets ``self.t_ = 1.0``; the recorded
      ``t_after_fit`` shows it), so every epoch restarts at :math:`\eta = 10` and
      never gets near the sample count where :math:`\eta` would be small enough.

    Warnings from scikit-learn and NumPy are captured; an overflow error from
    scikit-learn is recorded (``overflow_epoch``) and the remaining MSEs are ``inf``.

    Parameters
    ----------
    n_epochs : int
        Number of ``fit`` calls, :math:`\ge 1`.
    alpha : float
        :math:`> 0`.
    n_samples, n_features : int
        :math:`\ge 1`.
    noise : float
        :math:`\ge 0`.
    random_state : int
        :math:`\ge 0`, used for the data and the estimator, as in the seed.

    Returns
    -------
    OptimalBlowup
    """
    n_epochs = check_int("n_epochs", n_epochs, low=1)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    n_samples = check_int("n_samples", n_samples, low=1)
    n_features = check_int("n_features", n_features, low=1)
    noise = check_real("noise", noise, low=0.0)
    random_state = check_int("random_state", random_state, low=0)

    require("sklearn", feature="lrsched.sklearn_schedules.explain_optimal_blowup")
    from sklearn.datasets import make_regression
    from sklearn.linear_model import SGDRegressor
    from sklearn.preprocessing import StandardScaler

    X, y = make_regression(
        n_samples=n_samples, n_features=n_features, noise=noise, random_state=random_state
    )
    X = StandardScaler().fit_transform(X)

    sched = SklearnOptimal(alpha)
    etas = sched.values(n_samples)  # s = 1 .. n, identical in every fit
    sq = np.einsum("ij,ij->i", X, X)
    med, lo, hi = float(np.median(sq)), float(sq.min()), float(sq.max())
    limit = sample_rate_limit(med)  # 2 / (med + 1): the intercept moves the prediction too
    n_unstable = int(np.count_nonzero(etas * (lo + 1.0) > 2.0)) * n_epochs
    # eta_s < limit  <=>  alpha (t0 + s - 1) > (med + 1) / 2
    s_star = math.floor((med + 1.0) / (2.0 * alpha) - sched.t0 + 1.0) + 1
    s_star = max(s_star, 1)
    while s_star > 1 and sched(s_star - 2) < limit:  # guard the floor against rounding
        s_star -= 1
    while sched(s_star - 1) >= limit:
        s_star += 1

    model = SGDRegressor(
        learning_rate="optimal",
        alpha=alpha,
        max_iter=1,
        tol=None,
        warm_start=True,
        random_state=random_state,
    )
    mse = np.full(n_epochs, np.inf)
    resid = np.full(n_epochs, np.inf)
    t_after = np.full(n_epochs, np.nan)
    overflow: int | None = None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for k in range(n_epochs):
            try:
                model.fit(X, y)
            except ValueError as exc:
                if "overflow" not in str(exc).lower():
                    raise
                overflow = k + 1
                break
            err = model.predict(X) - y
            mse[k] = float(np.mean(err**2))
            resid[k] = float(np.max(np.abs(err)))
            t_after[k] = float(model.t_)

    return OptimalBlowup(
        alpha=alpha,
        eta_first=float(etas[0]),
        t0=sched.t0,
        eta_last=float(etas[-1]),
        median_sq_norm=med,
        min_sq_norm=lo,
        max_sq_norm=hi,
        stability_limit=limit,
        n_updates=n_samples * n_epochs,
        n_unstable_updates=n_unstable,
        t_stable=int(s_star),
        epochs_to_stable=int(math.ceil(s_star / n_samples)),
        t_after_fit=t_after,
        mse=mse,
        max_abs_residual=resid,
        mse_baseline=float(np.var(y)),
        overflow_epoch=overflow,
    )
