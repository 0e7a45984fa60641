r"""The momentum half of the one-cycle policy (Smith & Topin, 2019).

One-cycle moves the momentum (SGD's ``momentum``, Adam's :math:`\beta_1`) against the
learning rate: high while the rate is low, low at the rate's peak. This schedule gives
those values, over the same phases as :class:`~lrsched.OneCycle`, so that an optimizer
can be driven by both (see :class:`lrsched.torch.ScheduleLR`).
"""

from __future__ import annotations

from ._validate import check_real
from .cyclic import OneCycle

__all__ = ["OneCycleMomentum"]


class OneCycleMomentum(OneCycle):
    r"""One-cycle momentum: from :math:`m_{\max}` down to :math:`m_{\min}` and back up.

    The phase boundaries and the annealing formulas are those of
    :class:`~lrsched.OneCycle` with the same ``T``, ``pct_start``, ``anneal`` and
    ``three_phase``; only the values at the phase ends differ:

    * two phases: :math:`m_{\max} \to m_{\min}` over :math:`[0, e_1]`, then
      :math:`m_{\min} \to m_{\max}` over :math:`[e_1, e_2]`;
    * three phases: :math:`m_{\max} \to m_{\min}`, :math:`m_{\min} \to m_{\max}`, then
      :math:`m_{\max}` held over the last phase.

    Inside a phase from :math:`a` to :math:`b` spanning :math:`[s, e]`, with
    :math:`u = (t - s)/(e - s)`,

    .. math:: \text{cos:}\ \ m_t = b + \tfrac12 (a - b)(1 + \cos \pi u),
              \qquad \text{linear:}\ \ m_t = a + (b - a)\,u

    Parameters
    ----------
    T : int
        Total number of updates (PyTorch ``total_steps``), :math:`\ge 2`.
    pct_start : float
        Fraction of ``T`` spent on the first phase (see :class:`~lrsched.OneCycle`).
    anneal : {"cos", "linear"}
    base_momentum : float
        :math:`m_{\min} \in [0, 1]`, used at the learning rate's peak.
    max_momentum : float
        :math:`m_{\max} \in [0, 1]`, used at the start and the end.
    three_phase : bool

    Notes
    -----
    These are the values of PyTorch ``OneCycleLR(cycle_momentum=True)`` (its
    ``base_momentum=0.85``, ``max_momentum=0.95`` defaults are kept), which writes them
    into ``momentum`` for SGD-like optimizers and into ``betas[0]`` for Adam-like ones.
    Later steps clamp at the last value. The values are momenta, not learning rates:
    ``bounds`` is :math:`(\min, \max)` of the two.
    """

    _params = ("T", "pct_start", "anneal", "base_momentum", "max_momentum", "three_phase")

    def __init__(
        self,
        T: int,
        pct_start: float = 0.3,
        anneal: str = "cos",
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        three_phase: bool = False,
    ) -> None:
        # set first: OneCycle's constructor checks the phases
        self.base_momentum = check_real("base_momentum", base_momentum, low=0.0, high=1.0)
        self.max_momentum = check_real("max_momentum", max_momentum, low=0.0, high=1.0)
        super().__init__(1.0, T, pct_start, anneal, three_phase=three_phase)

    def phases(self) -> list[tuple[float, float, float]]:
        """Return ``(end_step, start_momentum, end_momentum)`` for each phase."""
        ends = [end for end, _, _ in super().phases()]
        lo, hi = self.base_momentum, self.max_momentum
        if self.three_phase:
            return [(ends[0], hi, lo), (ends[1], lo, hi), (ends[2], hi, hi)]
        return [(ends[0], hi, lo), (ends[1], lo, hi)]

    @property
    def bounds(self) -> tuple[float, float]:
        return (
            min(self.base_momentum, self.max_momentum),
            max(self.base_momentum, self.max_momentum),
        )
