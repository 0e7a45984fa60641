r"""Reduce the learning rate when a monitored loss stops improving.

This is the one **stateful** schedule of :mod:`lrsched`: its value depends on the
losses it has been fed, not on the step alone, so it is not a
:class:`~lrsched.Schedule`. Feed it one metric per evaluation with :meth:`step`.
"""

from __future__ import annotations

import math

from ._validate import check_choice, check_int, check_real

__all__ = ["ReduceOnPlateau"]


class ReduceOnPlateau:
    r"""Cut the rate by ``factor`` after ``patience`` evaluations without improvement.

    A metric :math:`a` *improves* on the best so far :math:`a^*` when

    ========  =========  ==========================================
    mode      threshold  improves if
    ========  =========  ==========================================
    ``min``   ``rel``    :math:`a < a^*(1 - \varepsilon)`
    ``min``   ``abs``    :math:`a < a^* - \varepsilon`
    ``max``   ``rel``    :math:`a > a^*(1 + \varepsilon)`
    ``max``   ``abs``    :math:`a > a^* + \varepsilon`
    ========  =========  ==========================================

    When more than ``patience`` evaluations in a row fail to improve, the rate
    becomes :math:`\max(\alpha\,f, \alpha_{\min})` (the change is skipped if it is
    smaller than ``eps``), a cooldown of ``cooldown`` evaluations starts (bad
    evaluations are not counted during it) and the count restarts. The rules and
    their order are PyTorch ``ReduceLROnPlateau``'s.

    Parameters
    ----------
    lr0 : float
        Starting rate :math:`> 0`.
    mode : {"min", "max"}
        Whether the metric should go down (a loss) or up (an accuracy).
    factor : float
        :math:`f \in (0, 1)`.
    patience : int
        Tolerated evaluations without improvement, :math:`\ge 0`.
    threshold : float
        :math:`\varepsilon \ge 0`.
    threshold_mode : {"rel", "abs"}
    cooldown : int
        :math:`\ge 0`.
    lr_min : float
        Lower limit :math:`\alpha_{\min} \ge 0`.
    eps : float
        Smallest change worth applying, :math:`\ge 0`.

    Examples
    --------
    >>> p = ReduceOnPlateau(1.0, factor=0.5, patience=2)
    >>> [p.step(m) for m in [1.0, 0.9, 0.9, 0.9, 0.9]]
    [1.0, 1.0, 1.0, 1.0, 0.5]
    """

    def __init__(
        self,
        lr0: float,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        lr_min: float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self.lr0 = check_real("lr0", lr0, low=0.0, low_open=True)
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_real("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
        self.patience = check_int("patience", patience, low=0)
        self.threshold = check_real("threshold", threshold, low=0.0)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_int("cooldown", cooldown, low=0)
        self.lr_min = check_real("lr_min", lr_min, low=0.0)
        self.eps = check_real("eps", eps, low=0.0)
        self.reset()

    def reset(self) -> None:
        """Forget every metric seen: back to ``lr0``."""
        self.lr = self.lr0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad = 0
        self.cooldown_counter = 0
        self.history: list[float] = [self.lr0]

    def _improves(self, a: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < self.best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < self.best - self.threshold
        if self.threshold_mode == "rel":
            return a > self.best * (self.threshold + 1.0)
        return a > self.best + self.threshold

    def step(self, metric: float) -> float:
        """Feed one evaluation of the monitored metric; return the rate to use next."""
        a = check_real("metric", metric)
        if self._improves(a):
            self.best = a
            self.num_bad = 0
        else:
            self.num_bad += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad = 0
        if self.num_bad > self.patience:
            new = max(self.lr * self.factor, self.lr_min)
            if self.lr - new > self.eps:
                self.lr = new
            self.cooldown_counter = self.cooldown
            self.num_bad = 0
        self.history.append(self.lr)
        return self.lr

    def __repr__(self) -> str:
        return (
            f"ReduceOnPlateau(lr0={self.lr0!r}, mode={self.mode!r}, factor={self.factor!r}, "
            f"patience={self.patience!r}, threshold={self.threshold!r}, "
            f"threshold_mode={self.threshold_mode!r}, cooldown={self.cooldown!r}, "
            f"lr_min={self.lr_min!r}, eps={self.eps!r})"
        )
