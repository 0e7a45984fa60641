r"""What practice couples to the learning rate: momentum and batch size, on the quadratic.

**Heavy-ball momentum** (PyTorch ``SGD(momentum=mu)``, no dampening) on the 1-D problem
:math:`J = \tfrac{\lambda}{2}(\theta - c)^2` with noisy gradients
:math:`g_t = \lambda e_t + \sigma\xi_t`, :math:`e_t = \theta_t - c`:

.. math:: b_t = \mu b_{t-1} + g_t,\quad b_{-1} = 0, \qquad \theta_{t+1} = \theta_t - \alpha_t b_t .

The state :math:`x_t = (e_t, b_{t-1})` is linear in the noise,
:math:`x_{t+1} = A_t x_t + n_t\xi_t` with

.. math:: A_t = \begin{pmatrix} 1 - \alpha_t\lambda & -\alpha_t\mu \\ \lambda & \mu
          \end{pmatrix}, \qquad n_t = \begin{pmatrix} -\alpha_t\sigma \\ \sigma \end{pmatrix},

so its second-moment matrix obeys the exact recursion
:math:`M_{t+1} = A_t M_t A_t^\top + n_t n_t^\top`, :math:`M_0 = \operatorname{diag}(e_0^2, 0)`,
and :math:`\mathbb E J_t = \tfrac{\lambda}{2}(M_t)_{11}`. At a constant rate the error is
the AR(2) process :math:`e_{t+1} = (1 + \mu - \alpha\lambda)e_t - \mu e_{t-1} - \alpha\sigma\xi_t`,
stable iff :math:`0 < \alpha\lambda < 2(1 + \mu)`, with the stationary loss
(:func:`momentum_noise_floor`)

.. math:: \mathbb E J_\infty = \frac{\alpha\sigma^2 (1 + \mu)}
          {2(1 - \mu)\bigl(2(1 + \mu) - \alpha\lambda\bigr)}
          = \frac{\alpha_{\rm eff}\,\sigma^2}{4} + O(\alpha^2),\qquad
          \alpha_{\rm eff} = \frac{\alpha}{1 - \mu},

the plain-SGD floor :math:`\alpha_{\rm eff}\sigma^2/(2(2 - \alpha_{\rm eff}\lambda))` of the
effective rate to first order.

**Batch size.** The mean of :math:`B` independent noisy gradients has noise standard
deviation :math:`\sigma/\sqrt B` (:func:`minibatch_sigma`), so the constant-rate floor
:math:`\alpha\sigma^2/(2B(2 - \alpha\lambda))` depends on :math:`\alpha/B` to first order:
scaling :math:`\alpha \propto B` (the linear scaling rule) keeps it, until
:math:`\alpha\lambda` nears the stability limit 2.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ._validate import check_real
from .theory import (
    _check_1d,
    _check_overflow,
    _exact_float,
    _finite_or_raise,
    _schedule,
    _start_moment,
)

__all__ = [
    "effective_rate",
    "momentum_expected_loss",
    "momentum_noise_floor",
    "minibatch_sigma",
]


def effective_rate(alpha: float, momentum: float) -> float:
    r"""The step heavy-ball momentum takes under a constant gradient, :math:`\alpha/(1-\mu)`.

    With :math:`b_t = \mu b_{t-1} + g` the buffer tends to :math:`g/(1-\mu)`, so each
    update moves :math:`\alpha g/(1-\mu)`.

    Parameters
    ----------
    alpha : float
        Learning rate, ``>= 0``.
    momentum : float
        :math:`\mu \in [0, 1)`.

    Returns
    -------
    float
        Finite; a product beyond float64 raises ``ValueError`` naming both.
    """
    alpha = check_real("alpha", alpha, low=0.0)
    mu = check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    return _exact_float(
        Fraction(alpha) / (1 - Fraction(mu)), "the effective rate alpha/(1 - momentum)"
    )


def minibatch_sigma(sigma: float, batch_size: int) -> float:
    r"""Noise standard deviation of a mean of ``batch_size`` gradients, :math:`\sigma/\sqrt B`.

    Parameters
    ----------
    sigma : float
        Per-sample gradient-noise standard deviation, ``>= 0``.
    batch_size : int
        :math:`B \ge 1`.

    Returns
    -------
    float
    """
    sigma = check_real("sigma", sigma, low=0.0)
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(
            f"batch_size must be an integer >= 1; got {type(batch_size).__name__} {batch_size!r}"
        )
    B = int(batch_size)
    if B < 1:
        raise ValueError(f"batch_size must be an integer >= 1; got {B}")
    if B < 2**1000:
        return sigma / math.sqrt(B)
    # beyond float64's integers: through logarithms (the result underflows towards 0)
    return math.exp(math.log(sigma) - 0.5 * math.log(B)) if sigma else 0.0


def momentum_noise_floor(
    alpha: float, *, momentum: float, sigma: float = 0.3, curvature: float = 2.0
) -> float:
    r"""Stationary expected loss of constant-rate heavy-ball SGD on the 1-D quadratic.

    .. math:: \mathbb E J_\infty = \frac{\alpha\sigma^2(1+\mu)}
              {2(1-\mu)\bigl(2(1+\mu) - \alpha\lambda\bigr)},
              \qquad 0 < \alpha\lambda < 2(1 + \mu)

    (the stationary variance of the AR(2) error, times :math:`\lambda/2`). With
    :math:`\mu = 0` it is :func:`lrsched.noise_floor`.

    Parameters
    ----------
    alpha : float
        Learning rate, in :math:`(0, 2(1+\mu)/\lambda)` (checked exactly).
    momentum : float
        :math:`\mu \in [0, 1)`.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    curvature : float
        :math:`\lambda > 0`.

    Returns
    -------
    float
        Computed in rational arithmetic and rounded once; a floor beyond float64
        raises ``ValueError``.
    """
    sigma = check_real("sigma", sigma, low=0.0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    mu = check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    a, lam, m = Fraction(alpha), Fraction(curvature), Fraction(mu)
    if a * lam >= 2 * (1 + m):
        raise ValueError(
            "alpha must be in (0, 2(1 + momentum)/curvature) = "
            f"(0, {2.0 * (1.0 + mu) / curvature:g}) for a noise floor to exist; got "
            f"alpha={alpha!r} with momentum={momentum!r}, curvature={curvature!r}"
        )
    floor = a * Fraction(sigma) ** 2 * (1 + m) / (2 * (1 - m) * (2 * (1 + m) - a * lam))
    return _exact_float(floor, "the momentum noise floor from alpha, momentum, sigma, curvature")


def momentum_expected_loss(
    schedule: Any,
    *,
    T: int,
    momentum: float = 0.9,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
    overflow: str = "raise",
) -> np.ndarray:
    r"""Exact :math:`\mathbb E J(\theta_k)`, ``k = 0..T``, of heavy-ball SGD on the 1-D quadratic.

    .. math:: M_{t+1} = A_t M_t A_t^\top + n_t n_t^\top,\quad
              M_0 = \operatorname{diag}\bigl((\theta_0 - c)^2, 0\bigr),\qquad
              \mathbb E J_k = \tfrac{\lambda}{2}(M_k)_{11},

    with :math:`A_t`, :math:`n_t` of the module notes (PyTorch's
    ``SGD(momentum=mu)``: :math:`b_t = \mu b_{t-1} + g_t`, :math:`\theta_{t+1} = \theta_t -
    \alpha_t b_t`). With ``momentum=0`` it is :func:`lrsched.expected_loss`.

    Parameters
    ----------
    schedule : callable or 1-D array
        One schedule; update ``t`` uses ``schedule(t)``.
    T : int
        Number of updates, ``>= 1``.
    momentum : float
        :math:`\mu \in [0, 1)`.
    c, theta0, sigma, curvature, overflow
        As in :func:`lrsched.expected_loss`.

    Returns
    -------
    ndarray, shape (T+1,)
        Finite unless ``overflow="inf"`` (then ``inf`` from the first overflow on).
    """
    T, c, theta0, sigma, curvature = _check_1d(T, c, theta0, sigma, curvature)
    mu = check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    overflow = _check_overflow(overflow)
    m0 = _start_moment(theta0, c, curvature)
    alphas = _schedule(schedule, T).tolist()
    lam = curvature
    # second moments: p = E e^2, q = E e b, r = E b^2 (b is b_{t-1}); noise enters via s2
    p, q, r = m0, 0.0, 0.0
    s2 = sigma * sigma
    out = [p]
    dead = False
    with np.errstate(all="ignore"):
        for a in alphas:
            if dead:
                out.append(math.inf)
                continue
            f = 1.0 - a * lam
            am = a * mu
            # e' = f e - am b - a s xi ;  b' = lam e + mu b + s xi
            p_new = f * f * p - 2 * f * am * q + am * am * r + a * a * s2
            q_new = f * lam * p + (f * mu - am * lam) * q - am * mu * r - a * s2
            r_new = lam * lam * p + 2 * lam * mu * q + mu * mu * r + s2
            p, q, r = p_new, q_new, r_new
            if not (math.isfinite(p) and math.isfinite(q) and math.isfinite(r)):
                dead = True
                out.append(math.inf)
                continue
            out.append(p)
    with np.errstate(over="ignore"):
        curve = 0.5 * curvature * np.array(out)
    return _finite_or_raise(curve, overflow, "schedule, momentum, sigma, curvature, theta0, c")
