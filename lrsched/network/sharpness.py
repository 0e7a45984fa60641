r"""Sharpness: the largest eigenvalue of the loss Hessian, by power iteration on :math:`Hv`.

Gradient descent at a fixed rate :math:`\alpha` on a quadratic is stable only where the
curvature satisfies :math:`\lambda < 2/\alpha`; on a network, the *sharpness*
:math:`\lambda_{\max}(\nabla^2\mathcal L(\theta))` measured along a run can be set
against :math:`2/\alpha_t` (the edge-of-stability picture of Cohen et al., 2021).

Power iteration :math:`v \leftarrow Hv / \lVert Hv\rVert` converges to the eigenvector of
the eigenvalue of largest *magnitude*, with the Rayleigh quotient
:math:`\lambda = v^\top H v` (:math:`\lVert v\rVert = 1`) as its estimate. When that
eigenvalue is negative, a second pass iterates on :math:`H - \lambda_1 I` (eigenvalues
:math:`\lambda_i - \lambda_1 \ge 0`), whose dominant eigenvalue is
:math:`\lambda_{\max} - \lambda_1`; so the result is always the largest *algebraic*
eigenvalue. Products :math:`Hv` are exact (:meth:`lrsched.network.MLP.hvp`); every run
of the batch is iterated at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import check_int, check_real
from .mlp import MLP

__all__ = ["SharpnessResult", "sharpness"]


@dataclass(frozen=True)
class SharpnessResult:
    """Result of :func:`sharpness`.

    Attributes
    ----------
    eigenvalue : numpy.ndarray
        Largest Hessian eigenvalue of every run, shape ``(R,)``.
    vector : numpy.ndarray
        Its unit eigenvector estimate, shape ``(R, P)`` (a warm start for the next call).
    iterations : int
        Products :math:`Hv` per run, both passes together.
    converged : numpy.ndarray
        ``(R,)`` booleans: the relative change of the estimate fell below ``tol``.
    """

    eigenvalue: np.ndarray
    vector: np.ndarray
    iterations: int
    converged: np.ndarray


def _unit(w: np.ndarray) -> np.ndarray:
    n = np.sqrt(np.einsum("rp,rp->r", w, w))
    return w / np.where(n > 0, n, 1.0)[:, None]


def _power(model, theta, X, y, v, shift, iters, tol, active):
    """Power iteration on ``H - shift I`` for the ``active`` runs; returns (lam, v, k, conv)."""
    lam = np.zeros(theta.shape[0])
    conv = ~active
    k = 0
    for k in range(1, iters + 1):  # noqa: B007 - k is returned
        w = model._hvp(theta, X, y, v) - shift[:, None] * v
        new = np.einsum("rp,rp->r", v, w)
        w = _unit(w)
        done = np.abs(new - lam) <= tol * np.abs(new)
        lam = np.where(conv, lam, new)
        v = np.where(conv[:, None], v, w)
        conv = conv | (done & (k > 1))
        if conv.all():
            break
    return lam, v, k, conv


def sharpness(
    model: MLP,
    theta: Any,
    X: Any,
    y: Any,
    *,
    iters: int = 100,
    tol: float = 1e-6,
    v0: Any = None,
    seed: int = 0,
) -> SharpnessResult:
    r"""Largest eigenvalue of :math:`\nabla^2\mathcal L(\theta)` on the batch ``(X, y)``.

    Parameters
    ----------
    model : MLP
    theta : array of shape (R, P)
        Parameters of every run.
    X, y : arrays
        The batch that defines the loss (usually the training set or a fixed subset).
    iters : int
        Most :math:`Hv` products per pass, in :math:`[1, 10^6]`.
    tol : float
        Stop a run when :math:`|\lambda_k - \lambda_{k-1}| \le \text{tol}\,|\lambda_k|`,
        in :math:`[0, 1)`.
    v0 : array of shape (R, P), optional
        Starting vectors (e.g. the previous ``vector``); default: Gaussian from ``seed``.
    seed : int
        Seed of the default start, in :math:`[0, 2^{32} - 1]`.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an lrsched.network.MLP; got {type(model).__name__}")
    theta = model.check_theta(theta)
    X, y = model.check_batch(X, y, theta.shape[0])
    iters = check_int("iters", iters, low=1, high=10**6)
    tol = check_real("tol", tol, low=0.0, high=1.0, high_open=True)
    seed = check_int("seed", seed, low=0, high=2**32 - 1)
    if v0 is None:
        v0 = np.random.default_rng([seed, 3]).standard_normal(theta.shape)
    else:
        v0 = model.check_theta(v0, "v0")
        if v0.shape != theta.shape:
            raise ValueError(f"v0 must have the shape of theta {theta.shape}; got {v0.shape}")
    with np.errstate(all="ignore"):
        res = _sharpness(model, theta, X, y, _unit(v0), iters, tol)
    model._finite(res.eigenvalue, res.vector)
    return res


def _sharpness(model, theta, X, y, v, iters, tol, active=None):
    """Both passes, no checks; ``v`` has unit rows."""
    R = theta.shape[0]
    active = np.ones(R, bool) if active is None else active
    lam, v1, k1, conv = _power(model, theta, X, y, v, np.zeros(R), iters, tol, active)
    neg = active & (lam < 0)
    k2 = 0
    if neg.any():
        shift = np.where(neg, lam, 0.0)
        lam2, v2, k2, conv2 = _power(model, theta, X, y, v, shift, iters, tol, neg)
        lam = np.where(neg, lam2 + shift, lam)
        v1 = np.where(neg[:, None], v2, v1)
        conv = np.where(neg, conv2, conv)
    return SharpnessResult(lam, v1, k1 + k2, conv)
