r"""How fast a constant rate contracts a quadratic, direction by direction.

Gradient descent with a constant rate :math:`\alpha` on
:math:`J(u) = \tfrac12\sum_i \lambda_i u_i^2` (the eigenbasis of any convex quadratic)
multiplies the error along direction :math:`i` by the same factor at every update:

.. math:: u_{i,t+1} = (1 - \alpha\lambda_i)\,u_{i,t} - \alpha\sigma\zeta_{i,t},
          \qquad \rho_i = |1 - \alpha\lambda_i| .

The mean error along :math:`i` shrinks like :math:`\rho_i^t` (its square, the bias, like
:math:`\rho_i^{2t}`); the second moment :math:`m_t = \mathbb E u_{i,t}^2` obeys
:math:`m_{t+1} = \rho_i^2 m_t + \alpha^2\sigma^2` (:mod:`lrsched.theory`), so it reaches
its fixed point, the noise floor, geometrically:

.. math:: m_t - m_\infty = \rho^{2t}\,(m_0 - m_\infty),
          \qquad m_\infty = \frac{\alpha\sigma^2}{\lambda(2 - \alpha\lambda)} .

This module turns those factors into counts a learner can read: the updates a direction
needs to shrink its error by a given factor (:func:`updates_to_shrink`), the updates the
1-D quadratic needs to come within a given fraction of its noise floor
(:func:`updates_to_floor`), the factors themselves (:func:`contraction_factors`) and the
constant rate that balances the slowest and the stiffest direction
(:func:`best_constant_rate`). The exact curves are :func:`lrsched.expected_loss` and
:func:`lrsched.expected_loss_nd`; the floors :func:`lrsched.noise_floor` and
:func:`lrsched.noise_floor_nd`; the stability limit :func:`lrsched.stability_limit`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ._validate import check_eigenvalues, check_real
from .theory import _start_moment, noise_floor

__all__ = [
    "contraction_factors",
    "updates_to_shrink",
    "updates_to_floor",
    "best_constant_rate",
]


def contraction_factors(alpha: float, eigenvalues: Any) -> np.ndarray:
    r"""Per-direction factor :math:`\rho_i = |1 - \alpha\lambda_i|` of a constant rate.

    .. math:: \rho_i = |1 - \alpha\lambda_i| ;\qquad \rho_i < 1 \text{ for every } i
              \iff 0 < \alpha < 2/\lambda_{\max} .

    The error along direction :math:`i` is multiplied by :math:`1 - \alpha\lambda_i` at
    every update (in absolute value, :math:`\rho_i`): below 1 it shrinks, above 1 it grows
    (the rate is past the stability limit for that direction).

    Parameters
    ----------
    alpha : float
        Constant rate, ``>= 0``.
    eigenvalues : float or array_like, shape (d,)
        Positive, finite curvatures :math:`\lambda_i`.

    Returns
    -------
    numpy.ndarray, shape (d,)
        Finite factors (a product beyond the float64 range raises ``ValueError``).

    Examples
    --------
    >>> contraction_factors(0.5, [1.0, 0.01]).tolist()
    [0.5, 0.995]
    """
    alpha = check_real("alpha", alpha, low=0.0)
    lam = check_eigenvalues(eigenvalues)
    with np.errstate(over="ignore"):
        rho = np.abs(1.0 - alpha * lam)
    if not np.isfinite(rho).all():
        raise ValueError(
            f"alpha * eigenvalues exceeds the float64 maximum; got alpha={alpha!r} and "
            f"max(eigenvalues)={float(lam.max())!r}"
        )
    return rho


def _log_factor(x: Fraction) -> float | Fraction:
    r""":math:`\ln|1 - x|` for ``0 < x < 2``, ``x != 1`` (``x`` = alpha * lambda, exact),
    accurate for a tiny ``x``: below 1e-300, where the float product would underflow,
    :math:`-x` itself (the error, :math:`x^2/2`, is far below one rounding)."""
    xf = float(x)
    if xf < 1e-300:
        return -x
    return math.log1p(-xf) if xf < 1.0 else math.log(xf - 1.0)


def _least_power(log_rho: Any, rho: float, log_target: float, target: float) -> int:
    """Smallest ``n >= 0`` with ``rho**n <= target``, for ``rho < 1`` and ``target < 1``.

    Logarithms give the answer up to rounding; where the count is moderate, float powers
    settle the boundary, so it agrees with multiplying by ``rho`` ``n`` times.
    """
    # a step so tiny that the count exceeds the float64 range: count in exact arithmetic
    q = None if isinstance(log_rho, Fraction) else log_target / log_rho
    if q is None or not math.isfinite(q):
        q = Fraction(log_target) / Fraction(log_rho)
    n = max(0, math.ceil(q))
    if 0.0 < rho < 1.0 and n < 10**7:
        while n > 0 and rho ** (n - 1) <= target:
            n -= 1
        while rho**n > target:
            n += 1
    return n


def updates_to_shrink(alpha: float, eigenvalue: float, factor: float = 0.01) -> int | None:
    r"""Updates a constant rate needs to shrink the error along one direction by ``factor``.

    The smallest :math:`n` with :math:`\rho^n \le f`, :math:`\rho = |1 - \alpha\lambda|`:

    .. math:: n = \left\lceil \frac{\ln f}{\ln \rho} \right\rceil
              \quad (0 < \rho < 1), \qquad n = 1 \ (\rho = 0),

    which is about :math:`\ln(1/f)/(\alpha\lambda)` for a small step. That is how long the
    mean iterate (plain gradient descent, or the average over the noise) takes to cover
    all but a fraction :math:`f` of its distance along that direction.

    Parameters
    ----------
    alpha : float
        Constant rate, ``>= 0``.
    eigenvalue : float
        The direction's curvature :math:`\lambda > 0`.
    factor : float
        Target fraction :math:`f` of the starting error, in ``(0, 1)``.

    Returns
    -------
    int or None
        ``None`` when the error never shrinks (:math:`\rho \ge 1`: ``alpha = 0`` or
        ``alpha >= 2 / eigenvalue``).

    Examples
    --------
    >>> updates_to_shrink(0.5, 0.1, 0.01)  # rho = 0.95
    90
    """
    alpha = check_real("alpha", alpha, low=0.0)
    eigenvalue = check_real("eigenvalue", eigenvalue, low=0.0, low_open=True)
    factor = check_real("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    (rho,) = contraction_factors(alpha, [eigenvalue]).tolist()
    x = Fraction(alpha) * Fraction(eigenvalue)  # exact, as the stability limit is checked
    if x == 0 or x >= 2:
        return None
    if x == 1:
        return 1
    return _least_power(_log_factor(x), rho, math.log(factor), factor)


def updates_to_floor(
    alpha: float,
    *,
    rel: float = 0.1,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    curvature: float = 2.0,
) -> int | None:
    r"""Updates a constant rate needs to bring the exact expected loss within ``rel`` of its floor.

    On the 1-D quadratic :math:`J = \tfrac{\lambda}{2}(\theta - c)^2` with gradient noise
    :math:`\sigma`, the exact expected loss approaches the noise floor
    :math:`F = \alpha\sigma^2 / (2(2 - \alpha\lambda))` (:func:`lrsched.noise_floor`) as

    .. math:: \mathbb E J_t - F = \rho^{2t}\,(J_0 - F), \qquad \rho = |1 - \lambda\alpha|,
              \quad J_0 = \tfrac{\lambda}{2}(\theta_0 - c)^2,

    so the first update count :math:`t` with :math:`|\mathbb E J_t - F| \le r F` is

    .. math:: t = \left\lceil \frac{\ln\bigl(rF / |J_0 - F|\bigr)}{2\ln\rho} \right\rceil
              \quad (0 \text{ if } |J_0 - F| \le rF;\ 1 \text{ if } \rho = 0).

    Parameters
    ----------
    alpha : float
        Constant rate, in :math:`(0, 2/\lambda)` (a floor exists only there).
    rel : float
        Relative tolerance :math:`r`, in ``(0, 1)``.
    c, theta0 : float
        Minimiser and start.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    curvature : float
        :math:`\lambda > 0` (``2`` gives the course's :math:`(\theta - 3)^2`).

    Returns
    -------
    int or None
        ``None`` when the loss never gets within ``rel`` of the floor: without noise the
        floor is 0 and the loss only approaches it geometrically.

    Examples
    --------
    >>> updates_to_floor(0.3)  # the course's quadratic, sigma = 0.3
    5
    """
    rel = check_real("rel", rel, low=0.0, high=1.0, low_open=True, high_open=True)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    c = check_real("c", c)
    theta0 = check_real("theta0", theta0)
    sigma = check_real("sigma", sigma, low=0.0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    floor = noise_floor(alpha, sigma=sigma, curvature=curvature)  # validates alpha, sigma, λ
    _start_moment(theta0, c, curvature)  # refuses a starting loss beyond float64, by name
    e = Fraction(theta0) - Fraction(c)
    gap = abs(Fraction(curvature) / 2 * e * e - Fraction(floor))  # |J0 - F|, exact
    if gap <= Fraction(rel) * Fraction(floor):
        return 0
    if floor == 0.0:
        return None
    x = Fraction(alpha) * Fraction(curvature)
    if x == 1:
        return 1
    # rho^(2t) <= r F / |J0 - F| < 1: the least power of rho^2 below that ratio
    log_target = math.log(rel) + math.log(floor) - math.log(float(gap))
    rho = abs(1.0 - float(x))
    return _least_power(2 * _log_factor(x), rho * rho, log_target, math.exp(log_target))


def best_constant_rate(eigenvalues: Any) -> tuple[float, float]:
    r"""The constant rate that contracts the slowest and the stiffest direction equally.

    :math:`\max_i |1 - \alpha\lambda_i|` is smallest where the two extreme factors meet,
    :math:`1 - \alpha\lambda_{\min} = \alpha\lambda_{\max} - 1`:

    .. math:: \alpha^\star = \frac{2}{\lambda_{\min} + \lambda_{\max}}, \qquad
              \rho^\star = \frac{\kappa - 1}{\kappa + 1}, \quad
              \kappa = \lambda_{\max}/\lambda_{\min} .

    Parameters
    ----------
    eigenvalues : float or array_like, shape (d,)
        Positive, finite curvatures.

    Returns
    -------
    (float, float)
        :math:`(\alpha^\star, \rho^\star)`.

    Examples
    --------
    >>> best_constant_rate([1.0, 0.01])
    (1.9801980198019802, 0.9801980198019802)
    """
    lam = check_eigenvalues(eigenvalues)
    lo, hi = float(lam.min()), float(lam.max())
    kappa = hi / lo
    if not math.isfinite(kappa) or not math.isfinite(lo + hi):
        raise ValueError(
            f"eigenvalues: the condition number max/min = {hi!r}/{lo!r} exceeds the float64 "
            "range"
        )
    alpha = 2.0 / (lo + hi)
    if not math.isfinite(alpha):
        raise ValueError(
            f"eigenvalues: 2/(min + max) exceeds the float64 maximum for min={lo!r}, max={hi!r}"
        )
    return alpha, (kappa - 1.0) / (kappa + 1.0)
