r"""Exact expected loss of noisy SGD on a quadratic (no sampling).

For the 1-D problem of :mod:`lrsched.noisy_sgd`,
:math:`J(\theta) = \tfrac{\lambda}{2}(\theta - c)^2` with gradient noise
:math:`\sigma\xi_t` (:math:`\mathbb E\xi_t = 0`, :math:`\mathbb E\xi_t^2 = 1`, independent
of the past), the error :math:`e_t = \theta_t - c` obeys

.. math:: e_{t+1} = (1 - \lambda\alpha_t)\,e_t - \alpha_t\sigma\xi_t .

Squaring and taking expectations (the cross term has mean zero) gives an exact,
closed recursion for the second moment :math:`m_t = \mathbb E[e_t^2]`:

.. math:: m_{t+1} = (1 - \lambda\alpha_t)^2\, m_t + \alpha_t^2\sigma^2, \qquad
          m_0 = (\theta_0 - c)^2, \qquad \mathbb E[J(\theta_t)] = \tfrac{\lambda}{2} m_t .

It splits into a bias part :math:`b_t = (\mathbb E e_t)^2`, with
:math:`b_{t+1} = (1-\lambda\alpha_t)^2 b_t`, and a variance part
:math:`w_t = \operatorname{Var} e_t`, with :math:`w_{t+1} = (1-\lambda\alpha_t)^2 w_t
+ \alpha_t^2\sigma^2` and :math:`w_0 = 0`. In :math:`d` dimensions the eigen-modes
decouple and each follows the same recursion with its own :math:`\lambda_i`;
then :math:`\mathbb E J = \tfrac12\sum_i \lambda_i v_{i,t}`.

The step convention is the simulator's: update ``t = 0, ..., T-1`` uses
``schedule(t)`` and row ``k`` of every returned array is the value after ``k``
updates.

Every result is finite. Parameters whose starting loss already exceeds the
float64 range are refused with a ``ValueError`` that names them; a loss that
overflows later (an unstable schedule run long enough) raises a ``ValueError``
naming the update, unless ``overflow="inf"`` asks for ``inf`` from that update on
(never NaN), which is what plots of a divergence want.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from ._validate import check_choice, check_count, check_e0, check_eigenvalues, check_real
from .compose import lr_values

__all__ = [
    "LossParts",
    "expected_loss",
    "expected_loss_parts",
    "expected_loss_nd",
    "expected_loss_nd_parts",
    "noise_floor",
    "noise_floor_nd",
    "optimal_schedule",
    "optimal_expected_loss",
]


class LossParts(NamedTuple):
    r"""Expected loss split as :math:`\mathbb E J_t = \text{bias}_t + \text{variance}_t`.

    ``bias`` is the loss of the mean iterate, :math:`\tfrac12\sum_i\lambda_i(\mathbb E u_{i,t})^2`,
    and ``variance`` the contribution of the noise, :math:`\tfrac12\sum_i\lambda_i
    \operatorname{Var} u_{i,t}`; both have shape ``(T+1,)``.
    """

    bias: np.ndarray
    variance: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """``bias + variance``, the expected loss."""
        return self.bias + self.variance


_FLOAT_MAX = float(np.finfo(np.float64).max)
_OVERFLOW = ("raise", "inf")


def _schedule(schedule: Any, T: int) -> np.ndarray:
    return lr_values(schedule, T, "schedule")


def _exact_float(x: Fraction, what: str) -> float:
    """``float(x)``, or a ValueError saying ``what`` exceeds float64."""
    if abs(x) > _FLOAT_MAX:
        exponent = math.log10(abs(x.numerator)) - math.log10(x.denominator)
        raise ValueError(
            f"{what} is about 1e{exponent:.0f}, beyond the float64 maximum {_FLOAT_MAX:g}"
        )
    return float(x)


def _round_or_inf(x: Fraction) -> float:
    return float(x) if x <= _FLOAT_MAX else math.inf


def _finite_or_raise(out: np.ndarray, overflow: str, names: str) -> np.ndarray:
    """Apply the ``overflow`` policy to a curve indexed by the number of updates."""
    bad = ~np.isfinite(out)
    if overflow == "raise" and bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"the expected loss exceeds the float64 maximum {_FLOAT_MAX:g} after {k} "
            f"updates: the schedule is unstable for these parameters ({names}) or they "
            'are too large; shorten T, lower the rates, or pass overflow="inf"'
        )
    return out


def _recursion(
    alphas: np.ndarray, lam: np.ndarray, start: np.ndarray, sigma: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-direction moments after 0..T updates: total, bias and variance, each (T+1, d)."""
    T = alphas.shape[0]
    d = lam.shape[0]
    total = np.empty((T + 1, d))
    bias = np.empty((T + 1, d))
    var = np.empty((T + 1, d))
    total[0] = start
    bias[0] = start
    var[0] = 0.0
    if d == 1:  # one direction: the same IEEE operations on Python floats, ~20x faster
        lam1, m1 = float(lam[0]), float(start[0])
        b1, w1 = m1, 0.0
        tot1, bias1, var1 = [m1], [b1], [w1]
        for a in alphas.ravel().tolist():
            f = 1.0 - lam1 * a
            f2 = f * f
            an = a * sigma
            noise = an * an  # (a sigma)^2: no 0 * inf when sigma^2 alone would overflow
            if f2 == 0.0:  # the step resets the mode exactly: 0 * inf must be 0, not NaN
                m1, b1, w1 = noise, 0.0, noise
            else:  # a zero moment stays zero whatever the factor (inf * 0 must be 0)
                m1 = (f2 * m1 if m1 else 0.0) + noise
                b1 = f2 * b1 if b1 else 0.0
                w1 = (f2 * w1 if w1 else 0.0) + noise
            tot1.append(m1)
            bias1.append(b1)
            var1.append(w1)
        total[:, 0], bias[:, 0], var[:, 0] = tot1, bias1, var1
        return total, bias, var
    m, b, w = start.copy(), start.copy(), np.zeros(d)
    with np.errstate(all="ignore"):
        for t in range(T):
            a = alphas[t]
            f2 = (1.0 - lam * a) ** 2
            # the step resets the mode exactly (0 * inf must be 0, not NaN), and a
            # zero moment stays zero whatever the factor (inf * 0 must be 0 too)
            an = a * sigma
            noise = an * an
            m = np.where((f2 == 0.0) | (m == 0.0), 0.0, f2 * m) + noise
            b = np.where((f2 == 0.0) | (b == 0.0), 0.0, f2 * b)
            w = np.where((f2 == 0.0) | (w == 0.0), 0.0, f2 * w) + noise
            total[t + 1], bias[t + 1], var[t + 1] = m, b, w
    return total, bias, var


def _check_1d(T: Any, c: Any, theta0: Any, sigma: Any, curvature: Any):
    T = check_count("T", T, low=1)
    c = check_real("c", c)
    theta0 = check_real("theta0", theta0)
    sigma = check_real("sigma", sigma, low=0.0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    return T, c, theta0, sigma, curvature


def _start_moment(theta0: float, c: float, curvature: float) -> float:
    """:math:`m_0 = (\theta_0 - c)^2`, refused if it or the loss it gives is not a float64."""
    e = Fraction(theta0) - Fraction(c)
    what = "the initial loss curvature/2 * (theta0 - c)**2 from theta0, c and curvature"
    _exact_float(Fraction(curvature) / 2 * e * e, what)
    return _exact_float(e * e, "(theta0 - c)**2 from theta0 and c")


def _check_overflow(overflow: Any) -> str:
    return check_choice("overflow", overflow, _OVERFLOW)


def expected_loss(
    schedule: Any,
    *,
    T: int,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
    overflow: str = "raise",
) -> np.ndarray:
    r"""Exact :math:`\mathbb E[J(\theta_k)]`, ``k = 0..T``, of noisy SGD on the 1-D quadratic.

    .. math:: m_{t+1} = (1 - \lambda\alpha_t)^2 m_t + \alpha_t^2\sigma^2,\quad
              m_0 = (\theta_0 - c)^2,\qquad \mathbb E J_k = \tfrac{\lambda}{2} m_k .

    Parameters
    ----------
    schedule : callable or 1-D array
        One schedule (see :func:`lrsched.noisy_sgd.simulate_quadratic`).
    T : int
        Number of updates, ``>= 1``.
    c, theta0 : float
        Minimiser and start.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    curvature : float
        :math:`\lambda > 0` (``2`` gives :math:`J = (\theta - c)^2`). The initial
        loss :math:`\tfrac{\lambda}{2}(\theta_0 - c)^2` must not exceed the float64
        maximum (about 1.8e308).
    overflow : {"raise", "inf"}
        What to do when the loss exceeds float64 later on (an unstable schedule):
        raise a ``ValueError`` naming the update (default), or return ``inf`` from
        there on (never NaN).

    Returns
    -------
    ndarray, shape (T+1,)
        Finite unless ``overflow="inf"``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(expected_loss(np.full(100, 0.3), T=100)[-1]), 9)  # floor 0.027/2.8
    0.009642857
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    overflow = _check_overflow(overflow)
    m0 = _start_moment(theta0, c, curvature)
    alphas = _schedule(schedule, T)
    lam = np.array([curvature])
    total, _, _ = _recursion(alphas, lam, np.array([m0]), sigma)
    with np.errstate(over="ignore"):
        out = 0.5 * curvature * total[:, 0]
    return _finite_or_raise(out, overflow, "schedule, sigma, curvature, theta0, c")


def expected_loss_parts(
    schedule: Any,
    *,
    T: int,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
    overflow: str = "raise",
) -> LossParts:
    r"""The bias and variance parts of :func:`expected_loss`.

    .. math:: \text{bias}_k = \tfrac{\lambda}{2} m_0 \prod_{t<k}(1-\lambda\alpha_t)^2,\qquad
              \text{variance}_k = \tfrac{\lambda}{2}\sigma^2 \sum_{s<k} \alpha_s^2
              \prod_{s<t<k} (1-\lambda\alpha_t)^2 .

    Parameters are those of :func:`expected_loss` (``overflow`` applies to their sum).

    Returns
    -------
    LossParts
        ``(bias, variance)``, each of shape ``(T+1,)``; ``.total`` is their sum.
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    overflow = _check_overflow(overflow)
    m0 = _start_moment(theta0, c, curvature)
    alphas = _schedule(schedule, T)
    lam = np.array([curvature])
    total, bias, var = _recursion(alphas, lam, np.array([m0]), sigma)
    names = "schedule, sigma, curvature, theta0, c"
    with np.errstate(over="ignore"):
        _finite_or_raise(0.5 * curvature * total[:, 0], overflow, names)
        return LossParts(0.5 * curvature * bias[:, 0], 0.5 * curvature * var[:, 0])


def _nd(schedule: Any, eigenvalues: Any, e0: Any, T: Any, sigma: Any, overflow: Any):
    lam = check_eigenvalues(eigenvalues)
    e0 = check_e0(e0, lam.size)
    T = check_count("T", T, low=1)
    sigma = check_real("sigma", sigma, low=0.0)
    overflow = _check_overflow(overflow)
    with np.errstate(over="ignore"):
        start_m = e0 * e0
        start = math.fsum((0.5 * lam * e0 * e0).tolist())
    if not (np.isfinite(start_m).all() and math.isfinite(start)):
        raise ValueError(
            "e0 and eigenvalues: the initial loss sum(eigenvalues/2 * e0**2) (or an e0**2) "
            f"exceeds the float64 maximum {_FLOAT_MAX:g}; rescale e0"
        )
    alphas = _schedule(schedule, T)
    total, bias, var = _recursion(alphas[:, None], lam, start_m, sigma)
    with np.errstate(over="ignore", invalid="ignore"):
        curve = 0.5 * (np.where(total == 0.0, 0.0, total) @ lam)
    _finite_or_raise(curve, overflow, "schedule, eigenvalues, e0, sigma")
    return lam, curve, bias, var


def expected_loss_nd(
    schedule: Any,
    *,
    eigenvalues: Any,
    e0: Any,
    T: int,
    sigma: float = 0.3,
    overflow: str = "raise",
) -> np.ndarray:
    r"""Exact expected loss of noisy SGD on :math:`J(u) = \tfrac12\sum_i\lambda_i u_i^2`.

    With isotropic gradient noise :math:`\sigma\zeta_t`, each eigen-mode has its
    own second moment :math:`v_{i,t} = \mathbb E u_{i,t}^2`:

    .. math:: v_{i,t+1} = (1 - \alpha_t\lambda_i)^2 v_{i,t} + \alpha_t^2\sigma^2,\quad
              v_{i,0} = e_{0,i}^2, \qquad \mathbb E J_t = \tfrac12\sum_i \lambda_i v_{i,t}.

    Parameters
    ----------
    schedule : callable or 1-D array
        One schedule.
    eigenvalues : array_like, shape (d,)
        Positive, finite :math:`\lambda_i`.
    e0 : float or array_like, shape (d,)
        Initial error in the eigenbasis.
    T : int
        Number of updates, ``>= 1``.
    sigma : float
        Noise standard deviation per direction, ``>= 0``.
    overflow : {"raise", "inf"}
        As in :func:`expected_loss`; the initial loss must be below the float64
        maximum.

    Returns
    -------
    ndarray, shape (T+1,)
    """
    _, curve, _, _ = _nd(schedule, eigenvalues, e0, T, sigma, overflow)
    return curve


def expected_loss_nd_parts(
    schedule: Any,
    *,
    eigenvalues: Any,
    e0: Any,
    T: int,
    sigma: float = 0.3,
    overflow: str = "raise",
) -> LossParts:
    r"""Bias and variance parts of :func:`expected_loss_nd`, summed over directions.

    Returns
    -------
    LossParts
        :math:`\tfrac12\sum_i\lambda_i(\mathbb E u_{i,t})^2` and
        :math:`\tfrac12\sum_i\lambda_i\operatorname{Var}u_{i,t}`, each ``(T+1,)``.
    """
    lam, _, bias, var = _nd(schedule, eigenvalues, e0, T, sigma, overflow)
    with np.errstate(over="ignore", invalid="ignore"):
        return LossParts(0.5 * (bias @ lam), 0.5 * (var @ lam))


def noise_floor(alpha: float, *, sigma: float = 0.3, curvature: float = 2.0) -> float:
    r"""Stationary expected loss of SGD with a constant step :math:`\alpha`.

    The fixed point of :math:`m = (1-\lambda\alpha)^2 m + \alpha^2\sigma^2` exists
    iff :math:`0 < \alpha < 2/\lambda` and gives

    .. math:: \mathbb E J_\infty
              = \frac{\lambda}{2}\,\frac{\alpha\sigma^2}{\lambda(2 - \alpha\lambda)}
              = \frac{\alpha\sigma^2}{2(2 - \alpha\lambda)}
              \quad\Bigl(= \frac{\alpha\sigma^2}{4(1 - \alpha)} \text{ for } \lambda = 2\Bigr).

    :math:`\mathbb E J_t` approaches it geometrically, at rate :math:`(1-\lambda\alpha)^{2t}`.

    Parameters
    ----------
    alpha : float
        Step size, in :math:`(0, 2/\lambda)` (checked in exact arithmetic).
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    curvature : float
        :math:`\lambda > 0`.

    Returns
    -------
    float
        Computed exactly (rational arithmetic) and rounded once; a floor beyond
        the float64 maximum (a huge ``sigma``, or ``alpha`` within rounding of the
        limit) raises ``ValueError`` naming the parameters.
    """
    sigma = check_real("sigma", sigma, low=0.0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    a, lam = Fraction(alpha), Fraction(curvature)
    if a * lam >= 2:  # exact: 2 / curvature itself may round either way
        raise ValueError(
            f"alpha must be in (0, 2/curvature) = (0, {2.0 / curvature:g}) for a noise "
            f"floor to exist; got alpha={alpha!r} with curvature={curvature!r}"
        )
    floor = a * Fraction(sigma) ** 2 / (2 * (2 - a * lam))
    return _exact_float(
        floor,
        "the noise floor alpha*sigma**2/(2(2 - alpha*curvature)) from alpha, sigma and curvature",
    )


def noise_floor_nd(alpha: float, *, eigenvalues: Any, sigma: float = 0.3) -> float:
    r"""Stationary expected loss of constant-step SGD on :math:`\tfrac12\sum_i\lambda_i u_i^2`.

    .. math:: \mathbb E J_\infty = \sum_i \frac{\alpha\sigma^2}{2(2 - \alpha\lambda_i)}
              \approx \frac{d\,\alpha\sigma^2}{4}\ \text{for small } \alpha,

    defined for :math:`0 < \alpha < 2/\lambda_{\max}` (every mode gets about the
    same floor whatever its curvature, until :math:`\alpha` nears the limit).

    Parameters
    ----------
    alpha : float
        Step size, in :math:`(0, 2/\lambda_{\max})`.
    eigenvalues : array_like, shape (d,)
        Positive, finite :math:`\lambda_i`.
    sigma : float
        Noise standard deviation per direction, ``>= 0``.

    Returns
    -------
    float
    """
    lam = check_eigenvalues(eigenvalues)
    sigma = check_real("sigma", sigma, low=0.0)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    lam_max = float(lam.max())
    if Fraction(alpha) * Fraction(lam_max) >= 2:
        raise ValueError(
            f"alpha must be in (0, 2/max(eigenvalues)) = (0, {2.0 / lam_max:g}); "
            f"got alpha={alpha!r}"
        )
    with np.errstate(over="ignore"):
        per_mode = alpha / (2.0 * (2.0 - alpha * lam)) * sigma * sigma
        floor = float(math.fsum(per_mode.tolist()))
    if not math.isfinite(floor):
        raise ValueError(
            f"the noise floor from alpha={alpha!r}, sigma={sigma!r} and the eigenvalues "
            f"exceeds the float64 maximum {_FLOAT_MAX:g}; lower sigma or alpha"
        )
    return floor


def optimal_schedule(
    T: int,
    *,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
) -> np.ndarray:
    r"""The deterministic schedule that minimises :math:`\mathbb E J` at every step.

    The map :math:`m \mapsto (1-\lambda\alpha)^2 m + \alpha^2\sigma^2` is increasing
    in :math:`m`, so choosing each :math:`\alpha_t` greedily is globally optimal.
    The greedy step is :math:`\alpha = \lambda m/(\lambda^2 m + \sigma^2)` and leaves
    :math:`1/m_{t+1} = 1/m_t + \lambda^2/\sigma^2`, hence the Robbins–Monro
    :math:`1/t` schedule

    .. math:: \alpha_t = \frac{1}{\lambda(t+1) + \sigma^2/(\lambda m_0)}, \qquad
              m_0 = (\theta_0 - c)^2 ,

    which turns SGD into a running average of the noisy targets.

    Special cases: if :math:`\theta_0 = c` (:math:`m_0 = 0`) the start is already
    optimal and any step only adds noise, so the optimal schedule is
    :math:`\alpha_t = 0` (the formula's limit). With :math:`\sigma = 0` it gives
    :math:`\alpha_t = 1/(\lambda(t+1))`, whose first step lands on :math:`c`.

    Parameters
    ----------
    T : int
        Number of updates, ``>= 1``.
    c, theta0 : float
        Minimiser and start.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    curvature : float
        :math:`\lambda > 0`.

    Returns
    -------
    ndarray, shape (T,)
        :math:`\alpha_0, \dots, \alpha_{T-1}`; a valid schedule argument.
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    e = Fraction(theta0) - Fraction(c)
    if e == 0:
        return np.zeros(T)
    lam = Fraction(curvature)
    # alpha_t = 1 / (lam (t + 1) + B) with B = sigma^2 / (lam m0), computed exactly and
    # rounded once; for lam >= 1 as (1/lam) / ((t + 1) + B/lam), which cannot overflow
    B = Fraction(sigma) ** 2 / (lam * e * e)
    big = lam >= 1
    B_f = _round_or_inf(B / lam if big else B)
    if math.isinf(B_f):  # B > 1.8e308 dwarfs lam (t + 1) <= lam * 2**28: alpha_t = 1/B
        return np.full(T, float(1 / B))
    t1 = np.arange(1, T + 1, dtype=np.float64)
    with np.errstate(under="ignore", over="ignore"):
        alphas = (1.0 / curvature) / (t1 + B_f) if big else 1.0 / (curvature * t1 + B_f)
    if not np.isfinite(alphas[0]):
        raise ValueError(
            f"the optimal first step exceeds the float64 maximum for curvature={curvature!r}, "
            f"sigma={sigma!r}, theta0={theta0!r}, c={c!r}; rescale the problem"
        )
    return alphas


def optimal_expected_loss(
    T: int,
    *,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
) -> float:
    r"""Smallest achievable :math:`\mathbb E J(\theta_T)` with any deterministic schedule.

    Reached by :func:`optimal_schedule`:

    .. math:: \mathbb E J_T^{\rm opt} = \frac{\lambda}{2}\,
              \frac{1}{1/m_0 + T\lambda^2/\sigma^2}, \qquad m_0 = (\theta_0 - c)^2

    (for :math:`\lambda = 2`: :math:`1/(1/m_0 + 4T/\sigma^2)`). It is ``0`` when
    :math:`m_0 = 0` or :math:`\sigma = 0`.

    Parameters
    ----------
    T : int
        Number of updates, ``>= 1``.
    c, theta0, sigma, curvature
        As in :func:`optimal_schedule`.

    Returns
    -------
    float
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    e = Fraction(theta0) - Fraction(c)
    if e == 0 or sigma == 0.0:
        return 0.0
    lam, s = Fraction(curvature), Fraction(sigma)
    best = lam / 2 / (1 / (e * e) + T * lam * lam / (s * s))
    return _exact_float(best, "the optimal expected loss from sigma, theta0, c and curvature")
