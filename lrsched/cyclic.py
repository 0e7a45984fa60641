r"""Cyclical learning rates (Smith, 2017) and the one-cycle policy (Smith & Topin, 2019)."""

from __future__ import annotations

import numpy as np

from ._validate import MAX_STEP, check_choice, check_int, check_real
from .base import Schedule, int_divmod, scaled_power

__all__ = ["Cyclic", "OneCycle"]


class Cyclic(Schedule):
    r"""Cyclical learning rate between two bounds (Smith's CLR).

    A cycle lasts :math:`s_{\uparrow} + s_{\downarrow}` updates: the rate rises
    linearly from :math:`\alpha_{\min}` to :math:`\alpha_{\max}` over
    :math:`s_{\uparrow}` updates, then falls back over :math:`s_{\downarrow}`. With
    :math:`L = s_{\uparrow} + s_{\downarrow}`, :math:`r = s_{\uparrow}/L`,
    :math:`c = \lfloor 1 + t/L \rfloor` (cycle number, from 1) and
    :math:`x = 1 + t/L - c` (position in the cycle, in :math:`[0, 1)`),

    .. math:: \alpha_t = \alpha_{\min} + (\alpha_{\max} - \alpha_{\min})\,h(x)\,f,
              \qquad h(x) = \begin{cases} x/r & x \le r \\ (x - 1)/(r - 1) & x > r \end{cases}

    with the amplitude factor :math:`f = 1` (``"triangular"``),
    :math:`f = 2^{-(c-1)}` (``"triangular2"``: halved every cycle) or
    :math:`f = \gamma^{t}` (``"exp_range"``: shrinks every update).

    Parameters
    ----------
    lr_min, lr_max : float
        The bounds, :math:`0 \le \alpha_{\min} < \alpha_{\max}` (PyTorch ``base_lr``,
        ``max_lr``). The LR range test is the usual way to choose them.
    step_size_up : int
        Updates from the lower to the upper bound, :math:`\ge 1` (Smith's
        "stepsize": half a symmetric cycle; he suggests 2–10 epochs' worth).
    step_size_down : int, optional
        Updates back down, :math:`\ge 1`; defaults to ``step_size_up``.
    mode : {"triangular", "triangular2", "exp_range"}
    gamma : float
        Per-update factor for ``"exp_range"``, in :math:`(0, 1]`.

    Notes
    -----
    ``t = 0`` is at the lower bound. ``"triangular"`` is periodic for ever; the
    other two keep cycling with a shrinking amplitude. ``exp_range`` scales only the
    amplitude, as PyTorch and the reference Keras callback do; the paper's text says
    both bounds decline. Same sequence as PyTorch ``CyclicLR`` (momentum cycling is
    not modelled).
    """

    _params = ("lr_min", "lr_max", "step_size_up", "step_size_down", "mode", "gamma")
    past_end = "periodic"

    def __init__(
        self,
        lr_min: float,
        lr_max: float,
        step_size_up: int,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
    ) -> None:
        self.lr_max = check_real("lr_max", lr_max, low=0.0, low_open=True)
        self.lr_min = check_real("lr_min", lr_min, low=0.0, high=self.lr_max, high_open=True)
        self.step_size_up = check_int("step_size_up", step_size_up, low=1)
        self.step_size_down = (
            self.step_size_up
            if step_size_down is None
            else check_int("step_size_down", step_size_down, low=1)
        )
        self.mode = check_choice("mode", mode, ("triangular", "triangular2", "exp_range"))
        self.gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)

    @property
    def period(self) -> int:
        """Length of one cycle in updates."""
        return self.step_size_up + self.step_size_down

    def _eval(self, t: np.ndarray) -> np.ndarray:
        total = self.period
        # c - 1 = floor(t / L) and x = (t mod L) / L; integer steps are split exactly.
        # h(x) is x / r = pos / s_up on the way up and (x - 1) / (r - 1) = (L - pos) / s_down
        # on the way down: the same numbers, without r - 1 rounding to 0 for a long rise.
        done, pos = int_divmod(t, total) if t.dtype.kind in "iu" else np.divmod(t, total)
        up = pos <= self.step_size_up
        rest = total - pos if total <= MAX_STEP else float(total) - pos  # int64 or float
        length = np.where(up, self.step_size_up, self.step_size_down)
        scale = np.where(up, pos, rest) / length
        span = self.lr_max - self.lr_min
        if self.mode == "triangular":
            return self.lr_min + span * scale
        if self.mode == "triangular2":  # 2 ** -(c - 1), without overflow
            return self.lr_min + scaled_power(span, 0.5, done) * scale
        return self.lr_min + scaled_power(span, self.gamma, t) * scale

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.lr_min, self.lr_max)


class OneCycle(Schedule):
    r"""The one-cycle policy: warm up to a peak, then anneal far below the start.

    With :math:`\alpha_{\mathrm{init}} = \alpha_{\max}/\mathrm{div}` and
    :math:`\alpha_{\mathrm{final}} = \alpha_{\mathrm{init}}/\mathrm{final\_div}`,
    the phases end at the (real-valued) updates

    * two phases: :math:`e_1 = pT - 1` (init → max), :math:`e_2 = T - 1` (max → final);
    * three phases: :math:`e_1 = pT - 1` (init → max), :math:`e_2 = 2pT - 2`
      (max → init), :math:`e_3 = T - 1` (init → final).

    Inside a phase from :math:`a` to :math:`b` that spans :math:`[s, e]`, with
    :math:`u = (t - s)/(e - s)`:

    .. math:: \text{cos:}\ \ \alpha_t = b + \tfrac12 (a - b)(1 + \cos \pi u)
              = a\cos^2\tfrac{\pi u}{2} + b\sin^2\tfrac{\pi u}{2},
              \qquad \text{linear:}\ \ \alpha_t = a + (b - a)\,u = a(1 - u) + b\,u

    (evaluated in the second forms: exact at both ends, and no cancellation when
    ``div_factor`` or ``final_div_factor`` puts one end far below the other).

    Parameters
    ----------
    lr_max : float
        Peak rate :math:`> 0`.
    T : int
        Total number of updates (PyTorch ``total_steps``), :math:`\ge 2`.
    pct_start : float
        Fraction :math:`p` of ``T`` spent rising. Every phase must last more than
        zero updates: :math:`pT > 1` and :math:`p < 1` (three phases:
        :math:`p < (T + 1)/(2T)`), also once the phase ends are rounded to float64
        (``pct_start = nextafter(1/3, 1)`` with ``T = 3`` gives :math:`pT - 1 = 0`
        there and is refused).
    anneal : {"cos", "linear"}
    div_factor : float
        :math:`\mathrm{div} \ge 1`.
    final_div_factor : float
        :math:`\mathrm{final\_div} \ge 1`.
    three_phase : bool

    Notes
    -----
    The last update ``t = T - 1`` uses :math:`\alpha_{\mathrm{final}}`; later steps
    clamp there. PyTorch ``OneCycleLR`` gives the same values for ``t < T``, but
    extrapolates at ``t = T`` (its linear anneal even goes negative) and raises
    beyond. optax ``cosine_onecycle_schedule`` reaches the peak one update later.
    """

    _params = (
        "lr_max",
        "T",
        "pct_start",
        "anneal",
        "div_factor",
        "final_div_factor",
        "three_phase",
    )
    past_end = "clamp"

    def __init__(
        self,
        lr_max: float,
        T: int,
        pct_start: float = 0.3,
        anneal: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> None:
        self.lr_max = check_real("lr_max", lr_max, low=0.0, low_open=True)
        self.T = check_int("T", T, low=2)
        if not isinstance(three_phase, bool):
            raise TypeError(f"three_phase must be True or False; got {three_phase!r}")
        self.three_phase = three_phase
        high = (self.T + 1) / (2 * self.T) if three_phase else 1.0
        self.pct_start = check_real(
            "pct_start", pct_start, low=1.0 / self.T, high=high, low_open=True, high_open=True
        )
        self.anneal = check_choice("anneal", anneal, ("cos", "linear"))
        self.div_factor = check_real("div_factor", div_factor, low=1.0)
        self.final_div_factor = check_real("final_div_factor", final_div_factor, low=1.0)
        # The limits above hold in exact arithmetic; the phase ends are computed in
        # float64 and must also be strictly increasing there (p*T can round to 1).
        ends = [0.0] + [e for e, _, _ in self.phases()]
        if any(b <= a for a, b in zip(ends, ends[1:], strict=False)):
            raise ValueError(
                f"pct_start must be in ({1.0 / self.T:g}, {high:g}) with every phase "
                f"lasting more than zero updates in float64; with T={self.T} "
                f"pct_start={self.pct_start!r} gives the phase ends {ends[1:]}"
            )

    @property
    def lr_initial(self) -> float:
        """Starting rate ``lr_max / div_factor``."""
        return self.lr_max / self.div_factor

    @property
    def lr_final(self) -> float:
        """Final rate ``lr_initial / final_div_factor``."""
        return self.lr_initial / self.final_div_factor

    def phases(self) -> list[tuple[float, float, float]]:
        """Return ``(end_step, start_lr, end_lr)`` for each phase."""
        rise = float(self.pct_start * self.T) - 1
        if self.three_phase:
            return [
                (rise, self.lr_initial, self.lr_max),
                (float(2 * self.pct_start * self.T) - 2, self.lr_max, self.lr_initial),
                (self.T - 1.0, self.lr_initial, self.lr_final),
            ]
        return [(rise, self.lr_initial, self.lr_max), (self.T - 1.0, self.lr_max, self.lr_final)]

    def _eval(self, t: np.ndarray) -> np.ndarray:
        t = np.minimum(t, self.T - 1.0)
        phases = self.phases()
        ends = np.array([p[0] for p in phases])
        starts = np.concatenate([[0.0], ends[:-1]])
        idx = np.minimum(np.searchsorted(ends, t, side="left"), len(phases) - 1)
        a = np.array([p[1] for p in phases])[idx]
        b = np.array([p[2] for p in phases])[idx]
        u = (t - starts[idx]) / (ends[idx] - starts[idx])
        # weights in [0, 1] on both ends (not a + (b - a) u): exact at u = 0 and u = 1,
        # and no cancellation when one end is many orders of magnitude below the other
        if self.anneal == "cos":
            w = np.cos(0.5 * np.pi * u) ** 2  # = (1 + cos(pi u)) / 2
            return a * w + b * np.sin(0.5 * np.pi * u) ** 2
        return a * (1.0 - u) + b * u

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.lr_final, self.lr_max)
