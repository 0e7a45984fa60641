r"""Exact expected loss of an averaged SGD iterate (Polyak–Ruppert, EMA) on the quadratic.

On the 1-D problem of :mod:`lrsched.theory`, the error :math:`e_k = \theta_k - c` after
:math:`k` updates is a linear combination of the start and of the noises,

.. math:: e_k = P_{0,k}\,e_0 - \sigma\sum_{s<k}\alpha_s P_{s+1,k}\,\xi_s, \qquad
          P_{s,k} = \prod_{s \le t < k} (1 - \lambda\alpha_t),

so any weighted average of the iterates, :math:`\bar e = \sum_{k=0}^{T} w_k e_k`, is one
too. With :math:`G_s = \sum_{k>s} w_k P_{s+1,k}` its mean and variance are closed-form sums,

.. math:: \mathbb E\bar e = e_0\sum_{k} w_k P_{0,k}, \qquad
          \operatorname{Var}\bar e = \sigma^2\sum_{s<T}\alpha_s^2 G_s^2, \qquad
          \mathbb E J(\bar\theta) = \tfrac{\lambda}{2}\bigl((\mathbb E\bar e)^2
          + \operatorname{Var}\bar e\bigr),

and :math:`G` obeys the backward recursion :math:`G_{T-1} = w_T`,
:math:`G_{s} = w_{s+1} + (1 - \lambda\alpha_{s+1}) G_{s+1}`, so the cost is
:math:`O(T)`. Only :math:`\mathbb E\xi_s = 0`, :math:`\mathbb E\xi_s^2 = 1` and
independence are used; the noise need not be Gaussian.

Two averages are provided by :func:`averaging_weights`: the uniform (Polyak–Ruppert)
average of the iterates from ``start`` to ``T``, and the exponential moving average
:math:`\bar\theta \leftarrow \gamma\bar\theta + (1-\gamma)\theta_k` started at
:math:`\theta_{\text{start}}`.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ._validate import as_array, check_choice, check_count, check_int, check_real
from .theory import _check_1d, _check_overflow, _schedule, _start_moment

__all__ = ["AveragedLoss", "averaging_weights", "expected_loss_averaged"]

_KINDS = ("uniform", "ema")
_FLOAT_MAX = float(np.finfo(np.float64).max)


class AveragedLoss(NamedTuple):
    r"""Expected loss of the averaged iterate, :math:`\text{bias} + \text{variance}`.

    ``bias`` is :math:`\tfrac{\lambda}{2}(\mathbb E\bar e)^2` and ``variance``
    :math:`\tfrac{\lambda}{2}\operatorname{Var}\bar e`.
    """

    bias: float
    variance: float

    @property
    def total(self) -> float:
        """``bias + variance``, the expected loss :math:`\\mathbb E J(\\bar\\theta)`."""
        return self.bias + self.variance


def averaging_weights(
    T: int, *, kind: str = "uniform", start: int = 0, decay: float = 0.9
) -> np.ndarray:
    r"""Weights :math:`w_0, \dots, w_T` (summing to 1) of an average of the iterates.

    * ``"uniform"`` (Polyak–Ruppert, tail averaging): :math:`w_k = 1/(T - s + 1)` for
      :math:`s \le k \le T`, 0 before, with :math:`s` = ``start``.
    * ``"ema"``: :math:`\bar\theta_s = \theta_s`, then
      :math:`\bar\theta_k = \gamma\bar\theta_{k-1} + (1-\gamma)\theta_k`, so
      :math:`w_s = \gamma^{T-s}` and :math:`w_k = (1-\gamma)\gamma^{T-k}` for
      :math:`s < k \le T`.

    Parameters
    ----------
    T : int
        Number of updates, ``>= 1``; the iterates are :math:`\theta_0, \dots, \theta_T`.
    kind : {"uniform", "ema"}
    start : int
        First iterate in the average, ``0 <= start <= T``.
    decay : float
        :math:`\gamma \in [0, 1)` for ``"ema"`` (validated always, used only there).

    Returns
    -------
    ndarray, shape (T+1,)
        Non-negative weights that sum to 1 (to rounding).
    """
    T = check_count("T", T, low=1)
    kind = check_choice("kind", kind, _KINDS)
    start = check_int("start", start, low=0, high=T)
    gamma = check_real("decay", decay, low=0.0, high=1.0, high_open=True)
    w = np.zeros(T + 1)
    if kind == "uniform":
        w[start:] = 1.0 / (T - start + 1)
        return w
    with np.errstate(under="ignore"):
        powers = gamma ** np.arange(T - start, -1, -1, dtype=np.float64)  # γ^(T-k), k = s..T
    w[start:] = (1.0 - gamma) * powers
    w[start] = powers[0]
    return w


def _check_weights(weights: Any, T: int) -> np.ndarray:
    if isinstance(weights, (str, bytes)):
        raise TypeError("weights must be a 1-D array of T + 1 non-negative reals; got str")
    w = as_array("weights", weights, "a 1-D array of T + 1 non-negative reals")
    if w.dtype == bool or w.dtype.kind not in "iuf":
        raise TypeError(
            f"weights must be a 1-D array of T + 1 non-negative reals; got dtype {w.dtype}"
        )
    w = w.astype(np.float64)
    if w.shape != (T + 1,):
        raise ValueError(
            f"weights must have one entry per iterate 0..T, shape ({T + 1},); got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and >= 0")
    total = math.fsum(w.tolist())
    if not math.isclose(total, 1.0, rel_tol=1e-9):
        raise ValueError(f"weights must sum to 1 (an average); they sum to {total!r}")
    return w


def expected_loss_averaged(
    schedule: Any,
    weights: Any,
    *,
    T: int,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
    overflow: str = "raise",
) -> AveragedLoss:
    r"""Exact :math:`\mathbb E J(\bar\theta)` of the average :math:`\sum_k w_k\theta_k`.

    .. math:: \mathbb E J(\bar\theta) = \frac{\lambda}{2}\Bigl[
              \Bigl(e_0\sum_{k=0}^{T} w_k P_{0,k}\Bigr)^2
              + \sigma^2\sum_{s=0}^{T-1}\alpha_s^2 G_s^2\Bigr],\qquad
              G_s = \sum_{k=s+1}^{T} w_k \prod_{t=s+1}^{k-1}(1 - \lambda\alpha_t),

    for noisy SGD :math:`\theta_{t+1} = \theta_t - \alpha_t(\lambda(\theta_t - c)
    + \sigma\xi_t)` from :math:`\theta_0`, :math:`e_0 = \theta_0 - c`. With
    :math:`w = (0, \dots, 0, 1)` it is :func:`lrsched.expected_loss` at ``T``.

    Parameters
    ----------
    schedule : callable or 1-D array
        One schedule; update ``t = 0..T-1`` uses ``schedule(t)``.
    weights : array_like, shape (T+1,)
        Non-negative, summing to 1 (see :func:`averaging_weights`).
    T : int
        Number of updates, ``>= 1``.
    c, theta0, sigma, curvature
        As in :func:`lrsched.expected_loss`.
    overflow : {"raise", "inf"}
        An unstable schedule whose moments exceed float64: ``ValueError`` (default)
        or ``inf`` in the parts that overflow (never NaN).

    Returns
    -------
    AveragedLoss
        ``(bias, variance)``; ``.total`` is the expected loss.
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    overflow = _check_overflow(overflow)
    w = _check_weights(weights, T)
    e0_sq = _start_moment(theta0, c, curvature)
    e0 = theta0 - c
    alphas = _schedule(schedule, T)
    f = (1.0 - curvature * alphas).tolist()
    wl, al = w.tolist(), alphas.tolist()
    # mean: sum_k w_k P_{0,k} (a weight of 0 contributes nothing, even next to inf)
    mean_factor, p = wl[0], 1.0
    g, var_sum = 0.0, 0.0
    with np.errstate(all="ignore"):
        for k in range(1, T + 1):
            p = p * f[k - 1] if (p and f[k - 1]) else 0.0
            if wl[k]:
                mean_factor += wl[k] * p
        # variance: G_{T-1} = w_T, G_s = w_{s+1} + f_{s+1} G_{s+1}
        for s in range(T - 1, -1, -1):
            g = wl[s + 1] + (f[s + 1] * g if (g and f[s + 1]) else 0.0) if s < T - 1 else wl[T]
            term = al[s] * sigma * g if (al[s] and g) else 0.0
            var_sum += term * term
    half = 0.5 * curvature
    with np.errstate(over="ignore", invalid="ignore"):
        bias = half * (e0 * mean_factor) ** 2 if e0_sq and mean_factor else 0.0
        variance = half * var_sum
    bias, variance = float(bias), float(variance)
    for value in (bias, variance):
        if not math.isfinite(value):
            if overflow == "raise":
                raise ValueError(
                    "the expected loss of the average exceeds the float64 maximum "
                    f"{_FLOAT_MAX:g}: the schedule is unstable for these parameters (schedule, "
                    'sigma, curvature, theta0, c); lower the rates or pass overflow="inf"'
                )
    bias = bias if math.isfinite(bias) else math.inf
    variance = variance if math.isfinite(variance) else math.inf
    return AveragedLoss(bias, variance)
