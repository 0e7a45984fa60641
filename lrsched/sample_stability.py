r"""When one per-sample SGD update on the squared loss overshoots (scikit-learn's regressor).

scikit-learn's ``SGDRegressor`` updates the weights once per sample
(:func:`lrsched.sgd_regressor_numpy`). With the squared loss
:math:`\tfrac12(p - y)^2`, prediction :math:`p = w^\top x + b` and rate :math:`\eta`, the
update :math:`w \leftarrow w - \eta (p - y) x`, :math:`b \leftarrow b - \eta (p - y)`
(leaving out the L2 shrinkage) changes that sample's residual :math:`r = p - y` into

.. math:: r \leftarrow \bigl(1 - \eta\,(\lVert x\rVert^2 + 1)\bigr)\, r ,

the :math:`+1` coming from the intercept (without one, :math:`1 - \eta\lVert x\rVert^2`).
In the augmented vector :math:`z = (w, b)`, :math:`\tilde x = (x, 1)`, the error
:math:`e = z - z^\star` of a consistent system (:math:`y = \tilde x^\top z^\star`) obeys

.. math:: \lVert e'\rVert^2 = \lVert e\rVert^2
          + \eta\,\bigl(\eta\lVert\tilde x\rVert^2 - 2\bigr)\,(\tilde x^\top e)^2 ,

so an update never increases the error when :math:`\eta(\lVert x\rVert^2 + 1) \le 2` and
always increases it (unless :math:`\tilde x^\top e = 0`) when it is above:

.. math:: \eta_s\,\bigl(\lVert x\rVert^2 + 1\bigr) < 2 \qquad\text{(stable update)} .

:func:`sample_rate_limit` gives the bound :math:`2/(\lVert x\rVert^2 + 1)`,
:func:`residual_factor` the factor, and :func:`sphere_regression` a regression problem
whose rows all have the same :math:`\lVert x\rVert^2`, so that one number decides every
update (the explorer of chapter 10 uses it).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ._validate import check_int, check_real

__all__ = ["sample_rate_limit", "residual_factor", "sphere_regression", "SphereRegression"]


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def _norm_plus(sq_norm: Any, fit_intercept: Any) -> float:
    sq_norm = check_real("sq_norm", sq_norm, low=0.0)
    fit_intercept = _check_bool("fit_intercept", fit_intercept)
    total = sq_norm + (1.0 if fit_intercept else 0.0)
    if not math.isfinite(total):  # pragma: no cover - sq_norm is finite and < 1.8e308
        raise ValueError(f"sq_norm + 1 exceeds the float64 maximum; got sq_norm={sq_norm!r}")
    return total


def sample_rate_limit(sq_norm: float, *, fit_intercept: bool = True) -> float:
    r"""Largest per-sample rate whose squared-loss update does not overshoot.

    .. math:: \eta < \frac{2}{\lVert x\rVert^2 + 1}
              \quad\Bigl(\frac{2}{\lVert x\rVert^2} \text{ without an intercept}\Bigr).

    Parameters
    ----------
    sq_norm : float
        :math:`\lVert x\rVert^2 \ge 0` of the sample (about the number of features for
        standardised data).
    fit_intercept : bool
        Whether the model has an intercept (scikit-learn's default ``True``).

    Returns
    -------
    float
        The (exclusive) bound; ``ValueError`` for ``sq_norm = 0`` without an intercept
        (no bound: the update does not move the prediction) or a bound beyond float64.

    Examples
    --------
    >>> sample_rate_limit(10.0)
    0.18181818181818182
    """
    total = _norm_plus(sq_norm, fit_intercept)
    limit = 2.0 / total if total > 0.0 else math.inf
    if not math.isfinite(limit):
        raise ValueError(
            "sq_norm must be > 0 without an intercept (or large enough for 2/sq_norm to be "
            f"a finite float64); got sq_norm={sq_norm!r}"
        )
    return limit


def residual_factor(eta: float, sq_norm: float, *, fit_intercept: bool = True) -> float:
    r"""Factor by which one update with rate ``eta`` multiplies that sample's residual.

    .. math:: r' = \bigl(1 - \eta(\lVert x\rVert^2 + 1)\bigr)\,r

    (without the intercept, :math:`1 - \eta\lVert x\rVert^2`; the L2 shrinkage
    :math:`w \leftarrow (1 - \eta\alpha)w` is left out). Its magnitude is above 1 exactly
    when ``eta`` is above :func:`sample_rate_limit`.

    Parameters
    ----------
    eta : float
        Rate of the update, ``>= 0``.
    sq_norm : float
        :math:`\lVert x\rVert^2 \ge 0`.
    fit_intercept : bool
        Whether the model has an intercept.

    Returns
    -------
    float

    Examples
    --------
    >>> residual_factor(10.0, 10.0)  # scikit-learn's first 'optimal' rate, |x|^2 = 10
    -109.0
    """
    eta = check_real("eta", eta, low=0.0)
    total = _norm_plus(sq_norm, fit_intercept)
    factor = 1.0 - eta * total
    if not math.isfinite(factor):
        raise ValueError(
            f"eta * (sq_norm + 1) exceeds the float64 maximum; got eta={eta!r}, "
            f"sq_norm={sq_norm!r}"
        )
    return factor


class SphereRegression(NamedTuple):
    """A regression problem whose rows all have the same squared norm.

    Attributes
    ----------
    X : numpy.ndarray, shape (n, d)
        Rows with :math:`\\lVert x_i\\rVert^2` = ``sq_norm`` exactly (to rounding).
    y : numpy.ndarray, shape (n,)
        Targets :math:`y = x^\\top w^\\star + b^\\star + \\text{noise}`.
    coef : numpy.ndarray, shape (d,)
        The true weights :math:`w^\\star` for these rows.
    intercept : float
        The true intercept :math:`b^\\star`.
    """

    X: np.ndarray
    y: np.ndarray
    coef: np.ndarray
    intercept: float


def sphere_regression(
    n_samples: int = 50,
    n_features: int = 10,
    *,
    sq_norm: float = 10.0,
    noise: float = 0.5,
    seed: int = 0,
) -> SphereRegression:
    r"""A seeded linear regression whose rows all have :math:`\lVert x_i\rVert^2` = ``sq_norm``.

    Directions :math:`z_i` are uniform on the unit sphere of :math:`\mathbb R^d`,
    :math:`x_i = \sqrt{q}\,z_i` with :math:`q` = ``sq_norm``, and

    .. math:: y_i = \sqrt{d}\,z_i^\top\beta + b^\star + \epsilon_i, \qquad
              \beta \sim \mathcal N(0, I_d),\ \epsilon_i \sim \mathcal N(0, \text{noise}^2),

    so the targets do not depend on ``sq_norm`` (only the features are rescaled: the
    weights :math:`w^\star = \sqrt{d/q}\,\beta` absorb the scale). With ``sq_norm = d`` the
    rows look like standardised features. Every draw comes from
    ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    n_samples, n_features : int
        :math:`n \ge 1`, :math:`d \ge 1` (at most 10,000 each).
    sq_norm : float
        :math:`q > 0`, at most ``1e150`` (so that :math:`q` times the weights stays finite).
    noise : float
        Standard deviation of :math:`\epsilon`, ``>= 0``.
    seed : int
        ``>= 0``.

    Returns
    -------
    SphereRegression
    """
    n = check_int("n_samples", n_samples, low=1, high=10_000)
    d = check_int("n_features", n_features, low=1, high=10_000)
    q = check_real("sq_norm", sq_norm, low=0.0, high=1e150, low_open=True)
    noise = check_real("noise", noise, low=0.0, high=1e150)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d))
    norms = np.linalg.norm(z, axis=1)
    z[norms == 0.0] = 1.0 / math.sqrt(d)  # a zero draw (probability 0): any unit vector
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    beta = rng.standard_normal(d)
    intercept = 1.0
    y = math.sqrt(d) * (z @ beta) + intercept + noise * rng.standard_normal(n)
    scale = math.sqrt(q)
    return SphereRegression(z * scale, y, beta * (math.sqrt(d) / scale), intercept)
