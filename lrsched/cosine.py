r"""Cosine annealing and cosine annealing with warm restarts (SGDR)."""

from __future__ import annotations

import numpy as np

from ._validate import check_choice, check_int, check_real
from .base import Schedule, int_divmod, scaled_power

__all__ = ["Cosine", "SGDR"]


class Cosine(Schedule):
    r"""Cosine annealing from :math:`\alpha_0` down to a floor :math:`\alpha_{\min}`.

    .. math:: \alpha_t = \alpha_{\min} + \tfrac12(\alpha_0 - \alpha_{\min})
              \left(1 + \cos\frac{\pi\,t}{T}\right), \qquad 0 \le t \le T

    Parameters
    ----------
    lr0 : float
        Initial rate :math:`\alpha_0 > 0`.
    T : int
        Horizon :math:`T \ge 1`; the floor is reached at ``t = T`` (so the last of
        ``T`` updates, ``t = T - 1``, is still slightly above it).
    lr_min : float
        Absolute floor :math:`\alpha_{\min} \in [0, \alpha_0]` (optax and Keras take a
        *fraction* ``alpha`` of :math:`\alpha_0` instead: ``lr_min = alpha * lr0``).
    after : {"clamp", "mirror"}
        Past-the-end behaviour. ``"clamp"`` (default) holds :math:`\alpha_{\min}`,
        like optax ``cosine_decay_schedule`` and Keras ``CosineDecay``.
        ``"mirror"`` keeps evaluating the formula, so the rate climbs back to
        :math:`\alpha_0` at ``2T`` — what PyTorch ``CosineAnnealingLR`` does if you
        step it past ``T_max``.
    """

    _params = ("lr0", "T", "lr_min", "after")

    def __init__(self, lr0: float, T: int, lr_min: float = 0.0, after: str = "clamp") -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.T = check_int("T", T, low=1)
        self.lr_min = check_real("lr_min", lr_min, low=0.0, high=self.lr0)
        self.after = check_choice("after", after, ("clamp", "mirror"))
        self.past_end = "clamp" if self.after == "clamp" else "periodic"

    def _eval(self, t: np.ndarray) -> np.ndarray:
        if self.after == "clamp":
            t = np.minimum(t, self.T)
        elif t.dtype.kind in "iu":  # mirror: period 2T, reduced exactly in integers
            t = int_divmod(t, 2 * self.T)[1]
        return self.lr_min + (self.lr0 - self.lr_min) * (0.5 * (1.0 + np.cos(np.pi * t / self.T)))

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.lr_min, self.lr0)


class SGDR(Schedule):
    r"""Cosine annealing with warm restarts (Loshchilov & Hutter, 2017).

    Cycle :math:`i = 0, 1, \dots` lasts :math:`T_i = T_0\,T_{\mathrm{mult}}^{\,i}`
    updates and starts at :math:`S_i = T_0 (T_{\mathrm{mult}}^{\,i} - 1)/(T_{\mathrm{mult}} - 1)`
    (:math:`S_i = i\,T_0` when :math:`T_{\mathrm{mult}} = 1`). With
    :math:`T_{\mathrm{cur}} = t - S_i` the updates since the last restart,

    .. math:: \alpha_t = \alpha_{\min} + \tfrac12(\alpha_0 - \alpha_{\min})\,d^{\,i}
              \left(1 + \cos\frac{\pi\,T_{\mathrm{cur}}}{T_i}\right)

    Parameters
    ----------
    lr0 : float
        Peak :math:`\alpha_0 > 0`, used right after every restart.
    T_0 : int
        Length of the first cycle, :math:`\ge 1`.
    T_mult : float
        Growth factor of the cycle length, :math:`\ge 1`. Non-integer values are
        allowed: the restarts then fall at the real-valued :math:`S_i`, and the
        first update at or after :math:`S_i` restarts with a fractional
        :math:`T_{\mathrm{cur}}` (PyTorch accepts only integer ``T_mult``).
    lr_min : float
        Floor :math:`\alpha_{\min} \in [0, \alpha_0]`.
    decay : float
        Factor :math:`d \in (0, 1]` applied to the amplitude
        :math:`\alpha_0 - \alpha_{\min}` at each restart (Keras ``m_mul``); 1 keeps
        every peak at :math:`\alpha_0`, as in the paper.

    Notes
    -----
    Restarts continue for ever (``past_end = "periodic"``). At integer steps the
    floor itself is never used: the last update of a cycle has
    :math:`T_{\mathrm{cur}} = T_i - 1`, and the next one restarts at the peak. This is
    PyTorch ``CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)`` stepped once per
    update.
    """

    _params = ("lr0", "T_0", "T_mult", "lr_min", "decay")
    past_end = "periodic"

    def __init__(
        self,
        lr0: float,
        T_0: int,
        T_mult: float = 1.0,
        lr_min: float = 0.0,
        decay: float = 1.0,
    ) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.T_0 = check_int("T_0", T_0, low=1)
        self.T_mult = check_real("T_mult", T_mult, low=1.0, high=1e6)
        self.lr_min = check_real("lr_min", lr_min, low=0.0, high=self.lr0)
        self.decay = check_real("decay", decay, low=0.0, high=1.0, low_open=True)

    def _cycle_start(self, i: np.ndarray) -> np.ndarray:
        if self.T_mult == 1.0:
            return i * self.T_0
        return self.T_0 * (self.T_mult**i - 1.0) / (self.T_mult - 1.0)

    def cycle(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the cycle index, the steps since the restart and the cycle length for ``t``."""
        t = np.asarray(t)
        m = self.T_mult
        if m == 1.0:  # integer steps are split exactly, even beyond 2**53
            i, cur = int_divmod(t, self.T_0) if t.dtype.kind in "iu" else np.divmod(t, self.T_0)
            return (
                i.astype(np.float64),
                cur.astype(np.float64),
                np.full(t.shape, float(self.T_0)),
            )
        t = t.astype(np.float64)
        i = np.floor(np.log1p(t * (m - 1.0) / self.T_0) / np.log(m))
        t_i = self.T_0 * m**i
        start = (t_i - self.T_0) / (m - 1.0)
        # The logarithm can land a hair off an integer at a restart; fix both ways.
        late = t >= start + t_i
        if late.any():
            i, start, t_i = (
                i + late,
                np.where(late, start + t_i, start),
                np.where(late, t_i * m, t_i),
            )
        early = t < start
        if early.any():
            t_i = np.where(early, t_i / m, t_i)
            i, start = i - early, np.where(early, start - t_i, start)
        return i, t - start, t_i

    def restarts(self, n: int) -> np.ndarray:
        """Return the (real-valued) start :math:`S_i` of the first ``n`` cycles."""
        n = check_int("n", n, low=0)
        return self._cycle_start(np.arange(n, dtype=np.float64))

    def _eval(self, t: np.ndarray) -> np.ndarray:
        i, t_cur, t_i = self.cycle(t)
        amplitude = self.lr0 - self.lr_min
        if self.decay != 1.0:
            amplitude = scaled_power(amplitude, self.decay, i)
        # the factor in [0, 1] first: amplitude * 2 would overflow for lr0 near 1.8e308
        return self.lr_min + amplitude * (0.5 * (1.0 + np.cos(np.pi * t_cur / t_i)))

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.lr_min, self.lr0)
