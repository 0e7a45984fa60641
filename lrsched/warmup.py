r"""Warm-up in front of any schedule, and the schedules built around a warm-up:
warm-up + cosine, inverse square root (Vaswani et al.) and warm-up–stable–decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import check_choice, check_int, check_real
from .base import Schedule, split_at
from .compose import Sequence, as_schedule
from .cosine import Cosine
from .decay import Constant, OneMinusSqrt, Polynomial

__all__ = ["Warmup", "warmup_cosine", "InverseSqrt", "WSD", "RAMPS"]

#: The two warm-up conventions. ``"from_zero"``: :math:`\alpha_t = \hat\alpha\,t/t_w`
#: (0 at the first update, the peak at ``t = t_w``; the seed chapter, optax, HF).
#: ``"from_first_step"``: :math:`\alpha_t = \hat\alpha\,(t+1)/t_w` (the first
#: update already moves, the peak is reached at ``t = t_w - 1``; the concept page).
RAMPS = ("from_zero", "from_first_step")


class Warmup(Schedule):
    r"""Linear warm-up of ``t_warm`` updates in front of any schedule.

    With :math:`\hat\alpha = s(0)` the first value of the wrapped schedule ``s``,
    :math:`\alpha_{\mathrm{s}}` the starting rate and :math:`o = 0` for
    ``ramp="from_zero"`` or :math:`o = 1` for ``ramp="from_first_step"``:

    .. math:: \alpha_t = \begin{cases}
              \alpha_{\mathrm{s}} + (\hat\alpha - \alpha_{\mathrm{s}})\,\frac{t + o}{t_w}
                  & t < t_w \\
              s(t - t_w) & t \ge t_w \end{cases}

    The wrapped schedule starts at its own step 0 when the warm-up ends.

    Parameters
    ----------
    schedule : Schedule or callable
        What follows the warm-up.
    t_warm : int
        Warm-up length :math:`t_w \ge 1`.
    ramp : {"from_zero", "from_first_step"}
        ``"from_zero"`` (default; the seed chapter's "0 at ``t=0``, peak at
        ``t_warm``", also optax and HF) or ``"from_first_step"`` (the concept page's
        :math:`(t+1)/T_w`: no update is wasted at rate 0, and the peak is used
        twice, at ``t_warm - 1`` and ``t_warm``).
    start_lr : float
        :math:`\alpha_{\mathrm{s}} \ge 0`, the value the ramp starts from (PyTorch
        ``LinearLR(start_factor)`` cannot start from exactly 0; optax ``init_value``).

    Notes
    -----
    Past-the-end behaviour is that of the wrapped schedule.
    """

    _params = ("schedule", "t_warm", "ramp", "start_lr")

    def __init__(
        self, schedule: Any, t_warm: int, ramp: str = "from_zero", start_lr: float = 0.0
    ) -> None:
        self.schedule = as_schedule(schedule)
        self.t_warm = check_int("t_warm", t_warm, low=1)
        self.ramp = check_choice("ramp", ramp, RAMPS)
        self.start_lr = check_real("start_lr", start_lr, low=0.0)
        self.past_end = self.schedule.past_end

    @property
    def peak(self) -> float:
        """The value the ramp climbs to: the wrapped schedule at its step 0."""
        return float(self.schedule._eval(np.zeros(1))[0])

    def _eval(self, t: np.ndarray) -> np.ndarray:
        offset = 0.0 if self.ramp == "from_zero" else 1.0
        out = np.empty(t.shape, dtype=np.float64)
        for k, part in split_at(t, np.array([0, self.t_warm])):
            if k == 0:
                ramp = (t[part] + offset) / self.t_warm  # in [0, 1]: two non-negative terms
                out[part] = self.start_lr * (1.0 - ramp) + self.peak * ramp
            else:
                out[part] = self.schedule._eval(t[part] - self.t_warm)
        return out

    @property
    def bounds(self) -> tuple[float, float]:
        low, high = self.schedule.bounds
        return (min(low, self.start_lr), max(high, self.start_lr))


def warmup_cosine(
    lr0: float,
    T: int,
    t_warm: int,
    lr_min: float = 0.0,
    ramp: str = "from_zero",
) -> Warmup:
    r"""Linear warm-up to :math:`\alpha_0`, then cosine annealing to :math:`\alpha_{\min}`.

    ``T`` counts *all* updates, warm-up included (as optax
    ``warmup_cosine_decay_schedule``; Keras ``CosineDecay`` counts the decay only):
    the cosine lasts :math:`T - t_w` updates and reaches :math:`\alpha_{\min}` at
    ``t = T``.

    .. math:: \alpha_t = \alpha_{\min} + \tfrac12(\alpha_0 - \alpha_{\min})
              \left(1 + \cos\frac{\pi (t - t_w)}{T - t_w}\right), \qquad t_w \le t \le T

    The seed chapter's warm-up + cosine is ``warmup_cosine(0.1, 100, 10, 1e-4)``.
    The concept page's array ``warmup_cosine(T=n, Tw, eta_max, eta_min)`` (of length
    ``n``, reaching the floor at its last entry) is
    ``warmup_cosine(eta_max, n - 1, Tw, eta_min, ramp="from_first_step").values(n)``.

    Parameters
    ----------
    lr0 : float
        Peak :math:`\alpha_0 > 0`.
    T : int
        Total updates, :math:`T > t_w`.
    t_warm : int
        Warm-up length, :math:`1 \le t_w < T`.
    lr_min : float
        Floor, in :math:`[0, \alpha_0]`.
    ramp : {"from_zero", "from_first_step"}
        See :class:`Warmup`.
    """
    T = check_int("T", T, low=2)
    t_warm = check_int("t_warm", t_warm, low=1, high=T - 1)
    return Warmup(Cosine(lr0, T - t_warm, lr_min), t_warm, ramp=ramp)


class InverseSqrt(Schedule):
    r"""Linear warm-up, then decay :math:`\propto 1/\sqrt{\text{step}}` (Vaswani et al., 2017).

    With the paper's 1-based step :math:`n = t + 1`:

    .. math:: \alpha_t = \hat\alpha\,\min\!\left(\frac{n}{t_w},\ \sqrt{\frac{t_w}{n}}\right)

    The peak :math:`\hat\alpha` is used at ``t = t_warm - 1``. The Transformer's
    "Noam" rule :math:`d^{-1/2}\min(n^{-1/2}, n\,t_w^{-3/2})` is the case
    :math:`\hat\alpha = (d\,t_w)^{-1/2}`; see :meth:`noam`.

    Parameters
    ----------
    lr0 : float
        Peak :math:`\hat\alpha > 0`.
    t_warm : int
        Warm-up length :math:`t_w \ge 1`.

    Notes
    -----
    No horizon: the decay continues for ever. HF ``inverse_sqrt`` differs: its
    warm-up starts from 0 and its decay uses a separate ``timescale``.
    """

    _params = ("lr0", "t_warm")

    def __init__(self, lr0: float, t_warm: int) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.t_warm = check_int("t_warm", t_warm, low=1)

    @classmethod
    def noam(cls, d_model: int, t_warm: int = 4000, scale: float = 1.0) -> InverseSqrt:
        r"""The Transformer schedule: peak :math:`s\,(d_{\mathrm{model}}\,t_w)^{-1/2}`.

        The peak must be a positive float64: a ``scale`` so small that it underflows
        to 0 is refused with a ``ValueError`` naming ``scale``, ``d_model`` and ``t_warm``.
        """
        d_model = check_int("d_model", d_model, low=1)
        t_warm = check_int("t_warm", t_warm, low=1)
        scale = check_real("scale", scale, low=0.0, low_open=True)
        peak = scale * (d_model * t_warm) ** -0.5
        if peak == 0.0:
            raise ValueError(
                f"scale * (d_model * t_warm) ** -0.5 underflows to 0 with scale={scale!r}, "
                f"d_model={d_model}, t_warm={t_warm}; the peak must be a positive float64"
            )
        return cls(peak, t_warm)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        n = t + 1.0
        return self.lr0 * np.minimum(n / self.t_warm, np.sqrt(self.t_warm / n))

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, self.lr0)


_COOLDOWNS = ("linear", "cosine", "1-sqrt")


class WSD(Schedule):
    r"""Warm-up–stable–decay ("trapezoid"): ramp up, hold, cool down at the end.

    Over ``T`` updates: a linear warm-up of :math:`t_w` updates (see
    :class:`Warmup`), the constant peak :math:`\alpha_0`, then a cooldown of
    :math:`t_d` updates that reaches :math:`\alpha_{\min}` at ``t = T``. With
    :math:`u = (t - (T - t_d))/t_d \in [0, 1]` the cooldown is

    .. math:: \alpha_{\min} + (\alpha_0 - \alpha_{\min})\,g(u), \quad
              g(u) = 1 - u \ (\text{linear}),\ \ \tfrac12(1 + \cos\pi u)\ (\text{cosine}),
              \ \ 1 - \sqrt{u}\ (\text{1-sqrt})

    Parameters
    ----------
    lr0 : float
        Peak :math:`\alpha_0 > 0`.
    T : int
        Total updates.
    t_warm : int
        Warm-up length :math:`\ge 0` (0: no warm-up).
    t_decay : int
        Cooldown length :math:`\ge 1`, with :math:`t_w + t_d \le T`.
    decay : {"linear", "cosine", "1-sqrt"}
        Cooldown shape (MiniCPM; Hägele et al. 2024 introduce 1-sqrt).
    lr_min : float
        Final value, in :math:`[0, \alpha_0]`.
    ramp : {"from_zero", "from_first_step"}
        Warm-up convention (see :class:`Warmup`).

    Notes
    -----
    Clamps at ``lr_min`` after ``T``. Same values as HF ``warmup_stable_decay`` with
    ``warmup_type="linear"`` and ``min_lr_ratio=0`` (HF starts its warm-up from
    ``min_lr_ratio``).
    """

    _params = ("lr0", "T", "t_warm", "t_decay", "decay", "lr_min", "ramp")
    past_end = "clamp"

    def __init__(
        self,
        lr0: float,
        T: int,
        t_warm: int,
        t_decay: int,
        decay: str = "linear",
        lr_min: float = 0.0,
        ramp: str = "from_zero",
    ) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.T = check_int("T", T, low=1)
        self.t_decay = check_int("t_decay", t_decay, low=1, high=self.T)
        self.t_warm = check_int("t_warm", t_warm, low=0, high=self.T - self.t_decay)
        self.decay = check_choice("decay", decay, _COOLDOWNS)
        self.lr_min = check_real("lr_min", lr_min, low=0.0, high=self.lr0)
        self.ramp = check_choice("ramp", ramp, RAMPS)
        cool: Schedule
        if self.decay == "linear":
            cool = Polynomial(self.lr0, self.t_decay, 1.0, self.lr_min)
        elif self.decay == "cosine":
            cool = Cosine(self.lr0, self.t_decay, self.lr_min)
        else:
            cool = OneMinusSqrt(self.lr0, self.t_decay, self.lr_min)
        stable = self.T - self.t_warm - self.t_decay
        body = cool if stable == 0 else Sequence([Constant(self.lr0), cool], [stable])
        self._body = body if self.t_warm == 0 else Warmup(body, self.t_warm, ramp=self.ramp)

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return self._body._eval(t)

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0 if self.t_warm else self.lr_min, self.lr0)
