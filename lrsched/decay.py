r"""Monotone decay schedules: constant, step, multistep, exponential, inverse time,
polynomial and the :math:`1-\sqrt{\cdot}` cooldown.

Notation used throughout the course: :math:`t = 0, 1, 2, \dots` is the index of the
parameter update, :math:`\alpha_t` the learning rate used by that update,
:math:`\alpha_0` the initial rate, :math:`T` a horizon in updates.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_int, check_int_sequence, check_real
from .base import Schedule, scaled_power

_TINY = float(np.finfo(np.float64).tiny)
#: Below this, :class:`Polynomial` combines its ends 2**600 larger (exact powers of two).
_SUBNORMAL_ZONE, _LIFT = 2.0**-960, 2.0**600
_LOG_TINY = float(np.log(_TINY))

__all__ = [
    "Constant",
    "StepDecay",
    "MultiStep",
    "Exponential",
    "InverseTime",
    "Polynomial",
    "OneMinusSqrt",
]


class Constant(Schedule):
    r"""A fixed learning rate: :math:`\alpha_t = \alpha_0`.

    Parameters
    ----------
    lr0 : float
        The rate :math:`\alpha_0 > 0`.

    Notes
    -----
    No horizon (``past_end = "unbounded"``). PyTorch: no scheduler (or ``LambdaLR``
    returning 1); optax ``constant_schedule``; HF ``"constant"``.
    """

    _params = ("lr0",)

    def __init__(self, lr0: float) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return np.full(t.shape, self.lr0)

    def _fill(self, out: np.ndarray, flat: np.ndarray | None) -> None:
        out.fill(self.lr0)  # no steps to look at: skip the chunked evaluation

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.lr0, self.lr0)


class StepDecay(Schedule):
    r"""Multiply the rate by :math:`\gamma` every ``step_size`` updates.

    .. math:: \alpha_t = \alpha_0\,\gamma^{\lfloor t / s \rfloor}

    Parameters
    ----------
    lr0 : float
        Initial rate :math:`\alpha_0 > 0`.
    step_size : int
        The period :math:`s \ge 1` between drops.
    gamma : float
        Decay factor :math:`\gamma \in (0, 1]`.

    Notes
    -----
    No horizon: the drops continue for ever. PyTorch ``StepLR(step_size, gamma)``
    gives the same sequence when stepped once per update.
    """

    _params = ("lr0", "step_size", "gamma")

    def __init__(self, lr0: float, step_size: int, gamma: float = 0.1) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.step_size = check_int("step_size", step_size, low=1)
        self.gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return scaled_power(self.lr0, self.gamma, np.floor_divide(t, self.step_size))

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, self.lr0)


class MultiStep(Schedule):
    r"""Multiply the rate by :math:`\gamma` at each milestone.

    .. math:: \alpha_t = \alpha_0\,\gamma^{\#\{i:\ m_i \le t\}}

    The drop takes effect *at* the milestone (update ``m_i`` already uses the lower
    rate), as in PyTorch ``MultiStepLR`` and optax ``piecewise_constant_schedule``;
    Keras ``PiecewiseConstantDecay`` changes one step later. A repeated milestone
    multiplies twice, as in PyTorch.

    Parameters
    ----------
    lr0 : float
        Initial rate :math:`\alpha_0 > 0`.
    milestones : sequence of int
        Non-decreasing update indices :math:`m_i \ge 1`.
    gamma : float
        Decay factor :math:`\gamma \in (0, 1]`.
    """

    _params = ("lr0", "milestones", "gamma")

    def __init__(self, lr0: float, milestones: tuple[int, ...] | list[int], gamma: float = 0.1):
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.milestones = check_int_sequence("milestones", milestones, low=1, min_len=1)
        self.gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        passed = np.searchsorted(np.asarray(self.milestones), t, side="right")
        return scaled_power(self.lr0, self.gamma, passed)

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, self.lr0)


class Exponential(Schedule):
    r"""Smooth exponential decay, in either of its two usual forms.

    .. math:: \alpha_t = \alpha_0\,\gamma^{t} \qquad\text{or}\qquad
              \alpha_t = \alpha_0\,e^{-\lambda t}

    The two are the same curve with :math:`\gamma = e^{-\lambda}`; give exactly one
    of ``gamma`` (per-step factor, PyTorch ``ExponentialLR``) or ``lam`` (rate
    constant, the form of the seed chapter).

    Parameters
    ----------
    lr0 : float
        Initial rate :math:`\alpha_0 > 0`.
    gamma : float, optional
        Per-step factor :math:`\gamma \in (0, 1]`.
    lam : float, optional
        Rate constant :math:`\lambda \ge 0`.

    Notes
    -----
    No horizon and no floor: with a large :math:`\lambda` the rate becomes
    negligible long before training ends. Keras ``ExponentialDecay(lr0, k, r)`` is
    ``gamma = r ** (1 / k)``.
    """

    _params = ("lr0", "gamma", "lam")

    def __init__(self, lr0: float, gamma: float | None = None, lam: float | None = None):
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        if (gamma is None) == (lam is None):
            raise ValueError("give exactly one of gamma (per-step factor) or lam (rate constant)")
        self.gamma = (
            None if gamma is None else check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
        )
        self.lam = None if lam is None else check_real("lam", lam, low=0.0)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        if self.gamma is not None:
            return scaled_power(self.lr0, self.gamma, t)
        x = -self.lam * t
        out = self.lr0 * np.exp(x)
        small = x < _LOG_TINY  # exp(x) alone underflows; lr0 * exp(x) may not
        if small.any():
            with np.errstate(under="ignore"):
                out[small] = np.exp(np.log(self.lr0) + x[small])
        return out

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, self.lr0)


class InverseTime(Schedule):
    r"""Inverse-time decay: :math:`\alpha_t = \alpha_0 / (1 + k\,t)`.

    Parameters
    ----------
    lr0 : float
        Initial rate :math:`\alpha_0 > 0`.
    k : float
        Decay rate :math:`k \ge 0` per update.

    Notes
    -----
    No horizon. Keras ``InverseTimeDecay(lr0, decay_steps, decay_rate)`` is
    ``k = decay_rate / decay_steps``. The :math:`1/t` family is the classical
    Robbins–Monro choice; the course's noisy-quadratic chapter derives the optimal
    member for that problem.
    """

    _params = ("lr0", "k")

    def __init__(self, lr0: float, k: float) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.k = check_real("k", k, low=0.0)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        kt = self.k * t
        out = self.lr0 / (1.0 + kt)
        big = np.isinf(kt)  # k t beyond 1.8e308: lr0 / (k t), divided in a safe order
        if big.any():
            with np.errstate(under="ignore"):
                out[big] = self.lr0 / np.asarray(t, dtype=np.float64)[big] / self.k
        return out

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, self.lr0)


class Polynomial(Schedule):
    r"""Polynomial decay (or ramp) from :math:`\alpha_0` to :math:`\alpha_{\mathrm{end}}`.

    .. math:: \alpha_t = (\alpha_0 - \alpha_{\mathrm{end}})
              \left(1 - \frac{\min(t, T)}{T}\right)^{p} + \alpha_{\mathrm{end}}

    With ``power=1`` this is a straight line, which may also go *up*
    (``lr_end > lr0``): PyTorch ``LinearLR(start_factor, end_factor, total_iters)``
    on base rate ``b`` is ``Polynomial(b * start_factor, total_iters, 1, b * end_factor)``.

    Parameters
    ----------
    lr0 : float
        Value at :math:`t = 0`, :math:`> 0`.
    T : int
        Horizon :math:`T \ge 1`: the value :math:`\alpha_{\mathrm{end}}` is reached at ``t = T``.
    power : float
        Exponent :math:`p > 0`.
    lr_end : float
        Final value :math:`\alpha_{\mathrm{end}} \ge 0`.

    Notes
    -----
    Past the end it clamps at ``lr_end`` (PyTorch ``PolynomialLR``, optax, Keras and
    HF all clamp too; PyTorch's ``PolynomialLR`` has no ``lr_end``: it always ends at 0).
    """

    _params = ("lr0", "T", "power", "lr_end")
    past_end = "clamp"

    def __init__(self, lr0: float, T: int, power: float = 1.0, lr_end: float = 0.0) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.T = check_int("T", T, low=1)
        self.power = check_real("power", power, low=0.0, low_open=True)
        self.lr_end = check_real("lr_end", lr_end, low=0.0)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        lo, hi = self.bounds
        if hi < _SUBNORMAL_ZONE:
            # ends near or below the smallest normal float: the two terms would each be
            # rounded to the subnormal grid (non-monotone in t); combine them 2**600 larger,
            # exactly, and round once on the way back
            out = self._combine(t, self.lr0 * _LIFT, self.lr_end * _LIFT) / _LIFT
        else:
            out = self._combine(t, self.lr0, self.lr_end)
        # a convex combination of the two ends lies between them
        return np.clip(out, lo, hi)

    def _combine(self, t: np.ndarray, lr0: float, lr_end: float) -> np.ndarray:
        q = np.minimum(t, self.T) / self.T
        frac = 1.0 - q
        # lr0 p + lr_end (1 - p): two non-negative terms, so no cancellation when one
        # end is far below the other (the same value as (lr0 - lr_end) p + lr_end)
        if self.power == 1.0:
            p, rest = frac, q
        else:
            p = frac**self.power
            rest = 1.0 - p
            near = p > 0.5  # there 1 - p would lose digits: -expm1(power log1p(-q))
            if near.any():
                rest[near] = -np.expm1(self.power * np.log1p(-q[near]))
        head = lr0 * p
        small = (p < _TINY) & (frac > 0.0)  # frac**p underflows; lr0 * frac**p may not
        if small.any():
            with np.errstate(under="ignore"):
                head[small] = np.exp(np.log(lr0) + self.power * np.log(frac[small]))
        return head + lr_end * rest

    @property
    def bounds(self) -> tuple[float, float]:
        return (min(self.lr0, self.lr_end), max(self.lr0, self.lr_end))


class OneMinusSqrt(Schedule):
    r"""The :math:`1-\sqrt{\cdot}` cooldown of Hägele et al. (2024).

    .. math:: \alpha_t = \alpha_{\min} + (\alpha_0 - \alpha_{\min})
              \left(1 - \sqrt{\min(t, T)/T}\right)

    Parameters
    ----------
    lr0 : float
        Value at :math:`t = 0`, :math:`> 0`.
    T : int
        Length of the cooldown, :math:`T \ge 1`.
    lr_min : float
        Value reached at ``t = T``, in :math:`[0, \alpha_0]`.

    Notes
    -----
    Clamps at ``lr_min`` after ``T``. Used as the last phase of :class:`~lrsched.WSD`.
    """

    _params = ("lr0", "T", "lr_min")
    past_end = "clamp"

    def __init__(self, lr0: float, T: int, lr_min: float = 0.0) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.T = check_int("T", T, low=1)
        self.lr_min = check_real("lr_min", lr_min, low=0.0, high=self.lr0)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return self.lr_min + (self.lr0 - self.lr_min) * (
            1.0 - np.sqrt(np.minimum(t, self.T) / self.T)
        )

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.lr_min, self.lr0)
