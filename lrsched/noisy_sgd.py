r"""Monte Carlo simulators: noisy SGD, heavy-ball momentum and Adam on quadratics.

The toy problem of the course is a quadratic bowl whose gradient is observed
with additive Gaussian noise. In one dimension

.. math:: J(\theta) = \tfrac{\lambda}{2}(\theta - c)^2, \qquad
          g_t = \lambda(\theta_t - c) + \sigma\,\xi_t, \qquad \xi_t \sim \mathcal N(0, 1),

(``curvature`` :math:`\lambda = 2` gives the seed chapter's :math:`(\theta - c)^2`),
and in :math:`d` dimensions, written in the eigenbasis of the Hessian,

.. math:: J(u) = \tfrac12 \sum_i \lambda_i u_i^2, \qquad
          g_{i,t} = \lambda_i u_{i,t} + \sigma\,\zeta_{i,t}.

Many independent runs ("seeds") of several schedules are advanced together: the
state is an array of shape ``(n_seeds, K)`` (times ``d``), and every step is one
vectorised NumPy update for all of them.

Conventions
-----------
* **Steps.** Update ``t = 0, ..., T-1`` uses the learning rate :math:`\alpha_t`
  = ``schedule(t)``; ``theta[k]`` is the iterate after ``k`` updates, so the arrays
  of iterates and losses have ``T + 1`` rows, row 0 being the start.
* **Common random numbers.** All schedules see the *same* noise: the draw
  :math:`\xi_{t,i}` of seed ``i`` at step ``t`` is shared by the ``K`` schedules.
  Differences between schedules in one run are therefore paired (seed by seed),
  which makes head-to-head comparisons far less noisy than independent runs. The
  draws come from ``numpy.random.default_rng(seed)``, in the order
  ``(t, i)`` (then direction ``j`` in the N-D simulator), so a given ``seed`` and
  ``n_seeds`` reproduce the run exactly whatever the schedules or optimizer.
* **Divergence.** A run is declared diverged at the first iterate ``k`` with
  :math:`|\theta_k - c| > R` (any :math:`|u_{i,k}| > R` in N-D) or a non-finite
  value, where :math:`R = 10^6 \max(1, |\theta_0 - c|, \sigma)` (with
  :math:`\max_i |u_{i,0}|` in N-D; :math:`\sigma` keeps very noisy but stable runs
  from being flagged). From then on that run is frozen: its error is clamped to
  :math:`[-R, R]` (a NaN becomes :math:`+R`) and held, so every reported number
  is finite, ``diverged`` is ``True`` and ``diverged_at`` is ``k``. Overflow
  warnings from the runaway run are silenced; the flag is the report. Problems
  so large that even a frozen run's loss :math:`\tfrac12\sum_i\lambda_i R^2` (or
  its gradient) would overflow float64 are refused with a ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import (
    MAX_VALUES,
    check_choice,
    check_count,
    check_e0,
    check_eigenvalues,
    check_int,
    check_real,
    gib_text,
)
from .base import Schedule
from .compose import lr_values

__all__ = [
    "SimResult",
    "SimResultND",
    "simulate_quadratic",
    "simulate_quadratic_nd",
    "seed_chapter_run",
    "stability_limit",
    "DIVERGENCE_FACTOR",
    "OPTIMIZERS",
]

#: The runs are flagged as diverged beyond ``DIVERGENCE_FACTOR * max(1, |initial error|)``.
DIVERGENCE_FACTOR = 1e6
#: Optimizers understood by the simulators.
OPTIMIZERS = ("sgd", "momentum", "adam")
_RECORD_CHOICES = ("loss", "stats")
_NOISE_BLOCK = 1 << 20  # noise values drawn per call to the generator
_MAX_SCALE = 1e290  # largest loss / squared gradient allowed by the overflow guard
_FLOAT_MAX = float(np.finfo(np.float64).max)


# ---------------------------------------------------------------------------
# Schedules -> a (T, K) table of learning rates
# ---------------------------------------------------------------------------


def _label(s: Any, k: int) -> str:
    if isinstance(s, Schedule):
        return repr(s)
    if callable(s) and not isinstance(s, np.ndarray):
        return str(getattr(s, "__name__", None) or type(s).__name__)
    return f"lr_array[{k}]"


def _schedule_items(schedules: Any) -> list[tuple[str, str, Any]]:
    """Return ``(display name, parameter name, schedule)`` for each schedule."""
    if isinstance(schedules, Mapping):
        items = []
        for key, s in schedules.items():
            if not isinstance(key, str):
                raise TypeError(
                    "schedules given as a dict must map str names to schedules; "
                    f"got key {key!r} of type {type(key).__name__}"
                )
            items.append((key, f"schedules[{key!r}]", s))
    elif isinstance(schedules, np.ndarray) or callable(schedules):
        items = [(_label(schedules, 0), "schedules", schedules)]
    elif isinstance(schedules, (list, tuple)):
        items = [(_label(s, k), f"schedules[{k}]", s) for k, s in enumerate(schedules)]
    else:
        raise TypeError(
            "schedules must be a schedule (a callable t -> lr, or a 1-D array of learning "
            "rates), a list of them, or a dict name -> schedule; "
            f"got {type(schedules).__name__}"
        )
    if not items:
        raise ValueError("schedules must contain at least one schedule; got none")
    names = [name for name, _, _ in items]
    if len(set(names)) < len(names):  # make display names unique, keep the order
        seen: dict[str, int] = {}
        for name in names:
            seen[name] = seen.get(name, 0) + 1
        items = [
            (f"{name} #{k}" if seen[name] > 1 else name, where, s)
            for k, (name, where, s) in enumerate(items)
        ]
    return items


def _lr_table(schedules: Any, T: int, *, per_step: bool = False) -> tuple[list[str], np.ndarray]:
    """Names and the ``(T, K)`` table of learning rates of the given schedules."""
    items = _schedule_items(schedules)
    cols = [lr_values(s, T, where, per_step=per_step) for _, where, s in items]
    return [name for name, _, _ in items], np.stack(cols, axis=1)


# ---------------------------------------------------------------------------
# Parameter checks shared by the simulators
# ---------------------------------------------------------------------------


def _check_record(record: Any) -> bool | str:
    if isinstance(record, (bool, np.bool_)):
        return bool(record)
    if isinstance(record, str):
        return check_choice("record", record, _RECORD_CHOICES)
    raise TypeError(
        f"record must be True, False, 'loss' or 'stats'; got {type(record).__name__} {record!r}"
    )


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def _check_optimizer(optimizer: Any, momentum: Any, betas: Any, eps: Any) -> tuple:
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    mu = check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list, np.ndarray)):
        raise TypeError(
            f"betas must be a pair (beta1, beta2) of reals in [0, 1); got {type(betas).__name__}"
        )
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2) of reals in [0, 1); got {betas!r}")
    b1 = check_real("betas[0]", betas[0], low=0.0, high=1.0, high_open=True)
    b2 = check_real("betas[1]", betas[1], low=0.0, high=1.0, high_open=True)
    eps = check_real("eps", eps, low=0.0, low_open=True)
    return optimizer, mu, b1, b2, eps


def stability_limit(eigenvalues: Any, halved: bool = True) -> float:
    r"""Largest constant step size for which plain gradient descent is stable.

    For :math:`J(u) = \tfrac12 \sum_i \lambda_i u_i^2` (``halved=True``, the
    Hessian eigenvalues are the :math:`\lambda_i`) each mode is multiplied by
    :math:`1 - \alpha\lambda_i` per update, so stability needs
    :math:`|1 - \alpha\lambda_i| < 1` for every :math:`i`:

    .. math:: 0 < \alpha < \frac{2}{\lambda_{\max}}.

    Written without the half, :math:`J(u) = \sum_i \lambda_i u_i^2`
    (``halved=False``), the Hessian eigenvalues are :math:`2\lambda_i` and the
    limit is :math:`1/\lambda_{\max}`. The seed chapter's :math:`(\theta-3)^2` is
    the un-halved form with :math:`\lambda = 1` (limit 1), equivalently the
    halved form with :math:`\lambda = 2`.

    Parameters
    ----------
    eigenvalues : float or array_like
        Positive, finite coefficients :math:`\lambda_i`.
    halved : bool
        Whether the loss carries the factor :math:`\tfrac12`.

    Returns
    -------
    float
        The (exclusive) upper bound on :math:`\alpha`. The largest eigenvalue
        must be at least ``2 / 1.8e308`` (``1 / 1.8e308`` un-halved) for it to be finite.
    """
    lam = check_eigenvalues(eigenvalues)
    halved = _check_bool("halved", halved)
    top = 2.0 if halved else 1.0
    lam_max = float(lam.max())
    if lam_max < top / _FLOAT_MAX:
        raise ValueError(
            f"eigenvalues: the largest must be at least {top / _FLOAT_MAX:g} for the limit "
            f"{top:g}/max(eigenvalues) to be a finite float64; got {lam_max!r}"
        )
    return top / lam_max


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SimResult:
    r"""Outcome of :func:`simulate_quadratic` (or :func:`seed_chapter_run`).

    Shapes use ``T`` updates, ``n`` seeds and ``K`` schedules.

    Attributes
    ----------
    names : list of str
        One display name per schedule, in order (dict keys, the ``repr`` of
        lrsched schedules, a function's ``__name__``, or ``lr_array[k]``).
    lr : ndarray, shape (T, K)
        The learning rates used: ``lr[t, k]`` drove update ``t`` of schedule ``k``.
    theta : ndarray, shape (T+1, n, K), or None
        Iterates, row 0 being :math:`\theta_0` (only with ``record=True``).
    loss : ndarray, shape (T+1, n, K), or None
        :math:`J(\theta_k)` (with ``record=True`` or ``"loss"``).
    final_theta, final_loss : ndarray, shape (n, K)
        Last iterate and its loss (always present).
    loss_mean, loss_std : ndarray, shape (T+1, K), or None
        Mean over seeds of the loss at every step and its sample standard
        deviation (``ddof=1``; ``loss_std`` is None for a single seed). Present
        unless ``record=False``.
    diverged : ndarray of bool, shape (n, K)
        Whether the run left the divergence ball (see the module notes).
    diverged_at : ndarray of int64, shape (n, K)
        Index ``k`` of the first iterate outside the ball, ``-1`` if none.
    threshold : float
        The divergence radius :math:`R` on :math:`|\theta - c|`.
    """

    names: list[str]
    lr: np.ndarray
    theta: np.ndarray | None
    loss: np.ndarray | None
    final_theta: np.ndarray
    final_loss: np.ndarray
    loss_mean: np.ndarray | None
    loss_std: np.ndarray | None
    diverged: np.ndarray
    diverged_at: np.ndarray
    threshold: float
    optimizer: str
    c: float
    theta0: float
    sigma: float
    curvature: float
    seed: int | None

    @property
    def T(self) -> int:
        """Number of updates."""
        return int(self.lr.shape[0])

    @property
    def n_seeds(self) -> int:
        """Number of independent runs per schedule."""
        return int(self.final_loss.shape[0])


@dataclass(frozen=True)
class SimResultND:
    r"""Outcome of :func:`simulate_quadratic_nd`.

    Same layout as :class:`SimResult`, with the per-direction errors
    :math:`u` (eigenbasis coordinates of :math:`\theta - c`) instead of
    :math:`\theta`: ``u`` has shape ``(T+1, n, K, d)`` (only with
    ``record_u=True``) and ``final_u`` shape ``(n, K, d)``. The divergence radius
    ``threshold`` applies to every :math:`|u_i|`.
    """

    names: list[str]
    lr: np.ndarray
    u: np.ndarray | None
    loss: np.ndarray | None
    final_u: np.ndarray
    final_loss: np.ndarray
    loss_mean: np.ndarray | None
    loss_std: np.ndarray | None
    diverged: np.ndarray
    diverged_at: np.ndarray
    threshold: float
    optimizer: str
    eigenvalues: np.ndarray
    e0: np.ndarray
    sigma: float
    seed: int

    @property
    def T(self) -> int:
        """Number of updates."""
        return int(self.lr.shape[0])

    @property
    def n_seeds(self) -> int:
        """Number of independent runs per schedule."""
        return int(self.final_loss.shape[0])


# ---------------------------------------------------------------------------
# The vectorised engine (state (n, K, d), noise shared across the K schedules)
# ---------------------------------------------------------------------------


def _divergence_radius(start: float, sigma: float, lam: np.ndarray) -> float:
    """The radius R of the module notes; refuse scales whose losses would overflow."""
    R = DIVERGENCE_FACTOR * max(1.0, start, sigma)
    grad = float(lam.max()) * R + 40.0 * sigma
    if not (0.5 * float(lam.sum()) * R * R < _MAX_SCALE and grad * grad * lam.size < _MAX_SCALE):
        raise ValueError(
            "the problem is too large for float64: with the initial error "
            f"{start:g}, sigma={sigma:g} and curvature(s) up to {float(lam.max()):g}, a frozen "
            f"diverged run (|error| = {R:g}) would overflow; rescale theta0/c (e0), sigma "
            "or the curvature (curvature, eigenvalues)"
        )
    return R


def _check_sizes(T: int, n: int, K: int, d: int, keep: tuple[bool, bool]) -> None:
    """Refuse runs whose state or records would exceed ``MAX_VALUES`` float64 values."""
    state = n * K * d
    rows = (T + 1) * n * K * (int(keep[0]) + (d if keep[1] else 0))
    if state > MAX_VALUES or rows > MAX_VALUES:
        raise ValueError(
            f"T={T} updates x n_seeds={n} x {K} schedule(s) x {d} direction(s) need "
            f"{gib_text(8 * max(state, rows))} of float64 (at most MAX_VALUES = {MAX_VALUES} "
            "values); lower n_seeds or T, or record less (record='stats' or False)"
        )


def _freeze_new(u, dead, frozen, diverged_at, R, step):
    """Flag runs outside ``[-R, R]`` (or non-finite), clamp and remember them."""
    bad = ~(np.abs(u) <= R)
    new = bad.any(axis=-1) & ~dead
    if new.any():
        clamped = np.clip(np.nan_to_num(u, nan=R, posinf=R, neginf=-R), -R, R)
        frozen[new] = clamped[new]
        dead |= new
        diverged_at[new] = step
    np.copyto(u, frozen, where=dead[..., None])


def _engine(
    lr: np.ndarray,
    *,
    n: int,
    lam: np.ndarray,
    e0: np.ndarray,
    sigma: float,
    seed: int,
    optimizer: str,
    mu: float,
    b1: float,
    b2: float,
    eps: float,
    keep_loss: bool,
    keep_u: bool,
    stats: bool,
    u_offset: float = 0.0,
) -> dict[str, Any]:
    T, K = lr.shape
    d = lam.shape[0]
    _check_sizes(T, n, K, d, (keep_loss, keep_u))
    R = _divergence_radius(float(np.max(np.abs(e0))), sigma, lam)
    half_lam = 0.5 * lam
    one_d = d == 1
    h1 = float(half_lam[0])

    u = np.empty((n, K, d))
    u[...] = e0
    g = np.empty_like(u)
    tmp = np.empty_like(u) if optimizer == "adam" else None
    vel = np.zeros_like(u) if optimizer in ("momentum", "adam") else None
    sq = np.zeros_like(u) if optimizer == "adam" else None
    dead = np.zeros((n, K), dtype=bool)
    frozen = np.zeros_like(u)
    diverged_at = np.full((n, K), -1, dtype=np.int64)
    any_dead = False

    loss_rec = np.empty((T + 1, n, K)) if keep_loss else None
    u_rec = np.empty((T + 1, n, K, d)) if keep_u else None
    mean_rec = np.empty((T + 1, K)) if stats else None
    std_rec = np.empty((T + 1, K)) if (stats and n > 1) else None
    lbuf = np.empty((n, K)) if (stats and not keep_loss) else None
    dev = np.empty((n, K)) if (stats and n > 1) else None
    sqbuf = np.empty_like(u) if not one_d and (keep_loss or stats) else None

    ones = np.ones(n)

    def record(k: int) -> None:
        if keep_u:
            np.add(u, u_offset, out=u_rec[k])
        if not (keep_loss or stats):
            return
        out = loss_rec[k] if keep_loss else lbuf
        if one_d:
            np.multiply(u[..., 0], u[..., 0], out=out)
            if h1 != 1.0:
                out *= h1
        else:
            np.multiply(u, u, out=sqbuf)
            np.multiply(sqbuf, half_lam, out=sqbuf)
            np.sum(sqbuf, axis=-1, out=out)
        if stats:  # sums over seeds as BLAS products with a vector of ones (fast)
            m = (ones @ out) / n
            mean_rec[k] = m
            if std_rec is not None:
                np.subtract(out, m, out=dev)
                np.multiply(dev, dev, out=dev)
                std_rec[k] = np.sqrt((ones @ dev) / (n - 1))

    record(0)
    rng = np.random.default_rng(seed)
    block = max(1, min(T, _NOISE_BLOCK // (n * d)))
    alphas = lr[:, :, None]  # (T, K, 1): broadcasts against (n, K, d)
    with np.errstate(all="ignore"):
        for start in range(0, T, block):
            stop = min(T, start + block)
            noise = rng.standard_normal((stop - start, n, 1, d))
            noise *= sigma
            for t in range(start, stop):
                a = alphas[t]
                np.multiply(u, lam, out=g)
                g += noise[t - start]
                if optimizer == "sgd":
                    g *= a
                    u -= g
                elif optimizer == "momentum":
                    vel *= mu
                    vel += g
                    np.multiply(vel, a, out=g)
                    u -= g
                else:  # adam, PyTorch / Kingma-Ba with bias correction
                    vel *= b1
                    np.multiply(g, 1.0 - b1, out=tmp)
                    vel += tmp
                    np.multiply(g, g, out=tmp)
                    tmp *= 1.0 - b2
                    sq *= b2
                    sq += tmp
                    bc1 = 1.0 - b1 ** (t + 1)
                    bc2 = 1.0 - b2 ** (t + 1)
                    np.sqrt(sq, out=tmp)
                    tmp /= math.sqrt(bc2)
                    tmp += eps
                    np.divide(vel, tmp, out=tmp)
                    tmp *= a / bc1
                    u -= tmp
                if any_dead:
                    np.copyto(u, frozen, where=dead[..., None])
                if not (u.max() <= R and u.min() >= -R):
                    _freeze_new(u, dead, frozen, diverged_at, R, t + 1)
                    any_dead = bool(dead.any())
                record(t + 1)
    final_loss = (u * u * half_lam).sum(axis=-1) if not one_d else h1 * (u[..., 0] * u[..., 0])
    return {
        "u": u,
        "u_rec": u_rec,
        "loss_rec": loss_rec,
        "final_loss": final_loss,
        "mean": mean_rec,
        "std": std_rec,
        "diverged": dead,
        "diverged_at": diverged_at,
        "R": R,
    }


# ---------------------------------------------------------------------------
# Public simulators
# ---------------------------------------------------------------------------


def simulate_quadratic(
    schedules: Any,
    *,
    T: int,
    n_seeds: int,
    c: float = 3.0,
    theta0: float = 0.0,
    sigma: float = 0.3,
    seed: int = 0,
    curvature: float = 2.0,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    record: bool | str = True,
) -> SimResult:
    r"""Run ``n_seeds`` noisy optimisations of a 1-D quadratic for every schedule.

    Loss and noisy gradient, with :math:`\lambda` = ``curvature``:

    .. math:: J(\theta) = \tfrac{\lambda}{2}(\theta - c)^2, \qquad
              g_t = \lambda(\theta_t - c) + \sigma\,\xi_t,\quad \xi_t \sim \mathcal N(0,1).

    Updates, with :math:`\alpha_t` the schedule's value at step ``t``:

    * ``"sgd"``: :math:`\theta_{t+1} = \theta_t - \alpha_t g_t`;
    * ``"momentum"`` (heavy ball, PyTorch ``SGD(momentum=mu)`` without dampening):
      :math:`v_{t+1} = \mu v_t + g_t,\ \theta_{t+1} = \theta_t - \alpha_t v_{t+1}`, :math:`v_0 = 0`;
    * ``"adam"`` (Kingma & Ba, as PyTorch): :math:`m_{t+1} = \beta_1 m_t + (1-\beta_1) g_t`,
      :math:`s_{t+1} = \beta_2 s_t + (1-\beta_2) g_t^2`,
      :math:`\theta_{t+1} = \theta_t - \alpha_t \hat m / (\sqrt{\hat s} + \epsilon)` with
      :math:`\hat m = m_{t+1}/(1-\beta_1^{t+1})`, :math:`\hat s = s_{t+1}/(1-\beta_2^{t+1})`.

    All seeds and schedules advance together (one vectorised update per step) and
    share the noise draws (common random numbers, see the module notes); runs that
    blow up are flagged and frozen rather than returning NaN or inf.

    Parameters
    ----------
    schedules : schedule, list of schedules or dict name -> schedule
        A schedule is an lrsched :class:`~lrsched.Schedule`, any callable
        ``t -> lr`` (called once on ``np.arange(T)``; if that fails or gives the
        wrong shape, once per step with a Python ``int``), or a 1-D array of at
        least ``T`` learning rates. Every rate must be finite and ``>= 0``.
    T : int
        Number of updates, ``>= 1``.
    n_seeds : int
        Independent runs per schedule, ``>= 1``.
    c, theta0 : float
        Minimiser and starting point (finite).
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    seed : int
        Seed of ``numpy.random.default_rng``, ``>= 0``.
    curvature : float
        :math:`\lambda > 0`; ``2.0`` gives :math:`J = (\theta - c)^2`.
    optimizer : {"sgd", "momentum", "adam"}
    momentum : float
        :math:`\mu \in [0, 1)` for ``"momentum"`` (validated always, used only there).
    betas : (float, float)
        :math:`(\beta_1, \beta_2) \in [0, 1)^2` for ``"adam"``.
    eps : float
        :math:`\epsilon > 0` for ``"adam"``.
    record : {True, "loss", "stats", False}
        What to keep besides the final values: ``True`` keeps ``theta`` and
        ``loss`` for every step (two ``(T+1, n, K)`` float64 arrays: 10,000 seeds x
        5 schedules x 1,000 steps is 2 x 400 MB), ``"loss"`` only ``loss``,
        ``"stats"`` only the per-step mean and standard deviation over seeds
        (``(T+1, K)``, no per-seed history), ``False`` only the final values.

    Returns
    -------
    SimResult

    Examples
    --------
    >>> import numpy as np
    >>> res = simulate_quadratic({"fixed 0.05": np.full(100, 0.05)}, T=100, n_seeds=4)
    >>> res.loss.shape, res.lr.shape
    ((101, 4, 1), (100, 1))
    """
    T = check_count("T", T, low=1)
    n_seeds = check_count("n_seeds", n_seeds, low=1)
    c = check_real("c", c)
    theta0 = check_real("theta0", theta0)
    sigma = check_real("sigma", sigma, low=0.0)
    seed = check_int("seed", seed, low=0)
    curvature = check_real("curvature", curvature, low=0.0, low_open=True)
    optimizer, mu, b1, b2, eps = _check_optimizer(optimizer, momentum, betas, eps)
    record = _check_record(record)
    names, lr = _lr_table(schedules, T)

    out = _engine(
        lr,
        n=n_seeds,
        lam=np.array([curvature]),
        e0=np.array([theta0 - c]),
        sigma=sigma,
        seed=seed,
        optimizer=optimizer,
        mu=mu,
        b1=b1,
        b2=b2,
        eps=eps,
        keep_loss=record is True or record == "loss",
        keep_u=record is True,
        stats=record is not False,
        u_offset=c,
    )
    theta = None if out["u_rec"] is None else out["u_rec"][..., 0]
    return SimResult(
        names=names,
        lr=lr,
        theta=theta,
        loss=out["loss_rec"],
        final_theta=out["u"][..., 0] + c,
        final_loss=out["final_loss"],
        loss_mean=out["mean"],
        loss_std=out["std"],
        diverged=out["diverged"],
        diverged_at=out["diverged_at"],
        threshold=out["R"],
        optimizer=optimizer,
        c=c,
        theta0=theta0,
        sigma=sigma,
        curvature=curvature,
        seed=seed,
    )


def simulate_quadratic_nd(
    schedules: Any,
    *,
    eigenvalues: Any,
    T: int,
    n_seeds: int,
    e0: Any,
    sigma: float = 0.3,
    seed: int = 0,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    record: bool | str = True,
    record_u: bool = False,
) -> SimResultND:
    r"""Noisy optimisation of an ill-conditioned quadratic, in its eigenbasis.

    With :math:`u = Q^\top(\theta - c)` the coordinates along the Hessian's
    eigenvectors, the loss and the noisy gradient (isotropic noise) are

    .. math:: J(u) = \tfrac12 \sum_{i=1}^d \lambda_i u_i^2, \qquad
              g_{i,t} = \lambda_i u_{i,t} + \sigma\,\zeta_{i,t}, \quad
              \zeta_{i,t} \sim \mathcal N(0, 1)\ \text{i.i.d.},

    and SGD updates every mode independently,
    :math:`u_{i,t+1} = (1 - \alpha_t\lambda_i)u_{i,t} - \alpha_t\sigma\zeta_{i,t}`.
    A constant step is stable iff :math:`\alpha < 2/\lambda_{\max}` for this
    halved form (:func:`stability_limit`); written as
    :math:`\sum_i \lambda_i u_i^2` without the half, the limit is
    :math:`1/\lambda_{\max}`. Momentum and Adam use the formulas of
    :func:`simulate_quadratic` per coordinate; note that Adam is not rotation
    invariant, so this models Adam on an axis-aligned quadratic.

    Parameters
    ----------
    schedules : schedule, list or dict
        As in :func:`simulate_quadratic`.
    eigenvalues : array_like, shape (d,)
        Positive, finite :math:`\lambda_i`.
    T, n_seeds : int
        Updates (``>= 1``) and runs per schedule (``>= 1``).
    e0 : float or array_like, shape (d,)
        Initial error :math:`u_0` in the eigenbasis (a scalar is used for every
        direction).
    sigma : float
        Noise standard deviation per direction, ``>= 0``.
    seed : int
        Seed of ``numpy.random.default_rng``; the draw for (step, seed, direction)
        is shared by all schedules.
    optimizer, momentum, betas, eps
        As in :func:`simulate_quadratic`.
    record : {True, "loss", "stats", False}
        ``True`` and ``"loss"`` keep ``loss`` ``(T+1, n, K)``; ``"stats"`` keeps
        only the per-step mean and std over seeds; ``False`` only final values.
    record_u : bool
        Also keep the per-direction trajectories ``u`` ``(T+1, n, K, d)``.

    Returns
    -------
    SimResultND
    """
    lam = check_eigenvalues(eigenvalues)
    T = check_count("T", T, low=1)
    n_seeds = check_count("n_seeds", n_seeds, low=1)
    e0 = check_e0(e0, lam.size)
    sigma = check_real("sigma", sigma, low=0.0)
    seed = check_int("seed", seed, low=0)
    optimizer, mu, b1, b2, eps = _check_optimizer(optimizer, momentum, betas, eps)
    record = _check_record(record)
    record_u = _check_bool("record_u", record_u)
    names, lr = _lr_table(schedules, T)

    out = _engine(
        lr,
        n=n_seeds,
        lam=lam,
        e0=e0,
        sigma=sigma,
        seed=seed,
        optimizer=optimizer,
        mu=mu,
        b1=b1,
        b2=b2,
        eps=eps,
        keep_loss=record is True or record == "loss",
        keep_u=record_u,
        stats=record is not False,
    )
    return SimResultND(
        names=names,
        lr=lr,
        u=out["u_rec"],
        loss=out["loss_rec"],
        final_u=out["u"],
        final_loss=out["final_loss"],
        loss_mean=out["mean"],
        loss_std=out["std"],
        diverged=out["diverged"],
        diverged_at=out["diverged_at"],
        threshold=out["R"],
        optimizer=optimizer,
        eigenvalues=lam,
        e0=e0,
        sigma=sigma,
        seed=seed,
    )


def seed_chapter_run(
    schedules: Any,
    *,
    T: int = 100,
    c: float = 3.0,
    sigma: float = 0.3,
    theta0: float = 0.0,
) -> SimResult:
    r"""Replay the seed chapter's single noisy-SGD run, bit for bit.

    The chapter seeds NumPy's legacy global generator with ``np.random.seed(0)``
    and then, for each schedule in turn (the stream is *not* re-seeded between
    schedules), runs

    .. math:: g_t = 2(\theta_t - c) + \sigma\,\xi, \qquad
              \theta_{t+1} = \theta_t - \alpha_t g_t, \qquad t = 0, \dots, T-1,

    drawing one ``np.random.randn()`` per step. Here the same numbers come from a
    private ``np.random.RandomState(0)``: its ``standard_normal(K*T)`` is the same
    stream as ``K*T`` scalar ``randn()`` calls after ``np.random.seed(0)`` (the
    legacy Gaussian sampler fills arrays one value at a time), so schedule ``k``
    uses draws ``k*T ... k*T+T-1``. The ``K`` runs then advance together with the
    same floating-point operations, in the same order, as the chapter's scalar
    loop; callables are called once per step with a Python ``int``, as there. The
    global NumPy random state is left untouched.

    Parameters
    ----------
    schedules : schedule, list or dict
        As in :func:`simulate_quadratic`; the order matters (it fixes which part
        of the stream each schedule gets).
    T : int
        Updates per schedule (the chapter uses 100).
    c, sigma, theta0 : float
        Minimiser, noise standard deviation (``>= 0``) and start; the chapter's
        values are the defaults.

    Returns
    -------
    SimResult
        With ``n_seeds = 1``: ``loss[1:, 0, k]`` is the chapter's ``loss_hist`` of
        schedule ``k`` and ``lr[:, k]`` its ``alpha_hist``. The loss is
        :math:`(\theta - c)^2` (curvature 2); divergence handling as in
        :func:`simulate_quadratic` (it never triggers for the chapter's schedules).
    """
    T = check_count("T", T, low=1)
    c = check_real("c", c)
    sigma = check_real("sigma", sigma, low=0.0)
    theta0 = check_real("theta0", theta0)
    names, lr = _lr_table(schedules, T, per_step=True)
    K = lr.shape[1]

    xi = np.random.RandomState(0).standard_normal(K * T).reshape(K, T)
    R = _divergence_radius(abs(theta0 - c), sigma, np.array([2.0]))
    theta = np.empty((T + 1, 1, K))
    loss = np.empty((T + 1, 1, K))
    th = np.full(K, theta0)
    theta[0, 0] = th
    loss[0, 0] = (th - c) ** 2
    dead = np.zeros(K, dtype=bool)
    frozen = np.zeros(K)
    diverged_at = np.full(K, -1, dtype=np.int64)
    with np.errstate(all="ignore"):
        for t in range(T):
            g = 2.0 * (th - c) + xi[:, t] * sigma  # the chapter's dJ(theta) + randn() * noise_sd
            th = th - lr[t] * g  # theta -= alpha_t * g
            err = th - c
            new = ~(np.abs(err) <= R) & ~dead
            if new.any():
                frozen[new] = np.clip(np.nan_to_num(err[new], nan=R), -R, R)
                dead |= new
                diverged_at[new] = t + 1
            if dead.any():
                th = np.where(dead, c + frozen, th)
            theta[t + 1, 0] = th
            loss[t + 1, 0] = (th - c) ** 2
    return SimResult(
        names=names,
        lr=lr,
        theta=theta,
        loss=loss,
        final_theta=theta[-1].copy(),
        final_loss=loss[-1].copy(),
        loss_mean=loss[:, 0, :].copy(),
        loss_std=None,
        diverged=dead[None, :],
        diverged_at=diverged_at[None, :],
        threshold=R,
        optimizer="sgd",
        c=c,
        theta0=theta0,
        sigma=sigma,
        curvature=2.0,
        seed=None,
    )
