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
updates. Values that exceed the floating-point range (an unstable schedule run
long enough) come back as ``inf``, never NaN.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._validate import check_int, check_real
from .compose import lr_values
from .noisy_sgd import _check_e0, _check_eigenvalues

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


def _schedule(schedule: Any, T: int) -> np.ndarray:
    return lr_values(schedule, T, "schedule")


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
    s2 = sigma * sigma
    if d == 1:  # one direction: the same IEEE operations on Python floats, ~20x faster
        lam1, m1 = float(lam[0]), float(start[0])
        b1, w1 = m1, 0.0
        tot1, bias1, var1 = [m1], [b1], [w1]
        for a in alphas.tolist():
            f = 1.0 - lam1 * a
            f2 = f * f
            noise = a * a * s2
            if f2 == 0.0:  # the step resets the mode exactly: 0 * inf must be 0, not NaN
                m1, b1, w1 = noise, 0.0, noise
            else:
                m1, b1, w1 = f2 * m1 + noise, f2 * b1, f2 * w1 + noise
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
            kill = f2 == 0.0  # the step resets the mode exactly: 0 * inf must be 0, not NaN
            noise = a * a * s2
            m = np.where(kill, 0.0, f2 * m) + noise
            b = np.where(kill, 0.0, f2 * b)
            w = np.where(kill, 0.0, f2 * w) + noise
            total[t + 1], bias[t + 1], var[t + 1] = m, b, w
    return total, bias, var


def _check_1d(T: Any, c: Any, theta0: Any, sigma: Any, curvature: Any):
    T = check_int("T", T, low=1)
    c = check_real("c", c)
    theta0 = check_real("theta0", theta0)
    sigma = check_real("sigma", sigma, low=0.0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    return T, c, theta0, sigma, curvature


def expected_loss(
    schedule: Any,
    *,
    T: int,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
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
        :math:`\lambda > 0` (``2`` gives :math:`J = (\theta - c)^2`).

    Returns
    -------
    ndarray, shape (T+1,)

    Examples
    --------
    >>> import numpy as np
    >>> round(float(expected_loss(np.full(100, 0.3), T=100)[-1]), 9)  # floor 0.027/2.8
    0.009642857
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    alphas = _schedule(schedule, T)
    lam = np.array([curvature])
    total, _, _ = _recursion(alphas, lam, np.array([(theta0 - c) ** 2]), sigma)
    return 0.5 * curvature * total[:, 0]


def expected_loss_parts(
    schedule: Any,
    *,
    T: int,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
) -> LossParts:
    r"""The bias and variance parts of :func:`expected_loss`.

    .. math:: \text{bias}_k = \tfrac{\lambda}{2} m_0 \prod_{t<k}(1-\lambda\alpha_t)^2,\qquad
              \text{variance}_k = \tfrac{\lambda}{2}\sigma^2 \sum_{s<k} \alpha_s^2
              \prod_{s<t<k} (1-\lambda\alpha_t)^2 .

    Parameters are those of :func:`expected_loss`.

    Returns
    -------
    LossParts
        ``(bias, variance)``, each of shape ``(T+1,)``; ``.total`` is their sum.
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    alphas = _schedule(schedule, T)
    lam = np.array([curvature])
    _, bias, var = _recursion(alphas, lam, np.array([(theta0 - c) ** 2]), sigma)
    return LossParts(0.5 * curvature * bias[:, 0], 0.5 * curvature * var[:, 0])


def _nd(schedule: Any, eigenvalues: Any, e0: Any, T: Any, sigma: Any):
    lam = _check_eigenvalues(eigenvalues)
    e0 = _check_e0(e0, lam.size)
    T = check_int("T", T, low=1)
    sigma = check_real("sigma", sigma, low=0.0)
    alphas = _schedule(schedule, T)
    return lam, _recursion(alphas[:, None], lam, e0 * e0, sigma)


def expected_loss_nd(
    schedule: Any, *, eigenvalues: Any, e0: Any, T: int, sigma: float = 0.3
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

    Returns
    -------
    ndarray, shape (T+1,)
    """
    lam, (total, _, _) = _nd(schedule, eigenvalues, e0, T, sigma)
    return 0.5 * (total @ lam)


def expected_loss_nd_parts(
    schedule: Any, *, eigenvalues: Any, e0: Any, T: int, sigma: float = 0.3
) -> LossParts:
    r"""Bias and variance parts of :func:`expected_loss_nd`, summed over directions.

    Returns
    -------
    LossParts
        :math:`\tfrac12\sum_i\lambda_i(\mathbb E u_{i,t})^2` and
        :math:`\tfrac12\sum_i\lambda_i\operatorname{Var}u_{i,t}`, each ``(T+1,)``.
    """
    lam, (_, bias, var) = _nd(schedule, eigenvalues, e0, T, sigma)
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
        Step size, in :math:`(0, 2/\lambda)`.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    curvature : float
        :math:`\lambda > 0`.

    Returns
    -------
    float
    """
    sigma = check_real("sigma", sigma, low=0.0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    alpha = check_real("alpha", alpha, low=0.0, high=2.0 / curvature, low_open=True, high_open=True)
    return alpha * sigma * sigma / (2.0 * (2.0 - alpha * curvature))


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
    lam = _check_eigenvalues(eigenvalues)
    sigma = check_real("sigma", sigma, low=0.0)
    alpha = check_real(
        "alpha", alpha, low=0.0, high=2.0 / float(lam.max()), low_open=True, high_open=True
    )
    return float(np.sum(alpha * sigma * sigma / (2.0 * (2.0 - alpha * lam))))


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
    m0 = (theta0 - c) ** 2
    if m0 == 0.0:
        return np.zeros(T)
    t = np.arange(T, dtype=np.float64)
    return 1.0 / (curvature * (t + 1.0) + sigma * sigma / (curvature * m0))


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
    m0 = (theta0 - c) ** 2
    if m0 == 0.0 or sigma == 0.0:
        return 0.0
    return 0.5 * curvature / (1.0 / m0 + T * curvature * curvature / (sigma * sigma))
