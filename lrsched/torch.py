"""Drive a PyTorch optimizer from lrsched schedules.

:class:`ScheduleLR` is a ``torch.optim.lr_scheduler.LRScheduler``: use it exactly as
PyTorch's own schedulers, stepping it once per update after the optimizer::

    import torch, lrsched
    from lrsched.torch import ScheduleLR
    w = torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    sched = ScheduleLR(opt, lrsched.Cosine(0.1, T=100))
    for t in range(100):
        opt.step()      # update t uses lrsched.Cosine(0.1, 100)(t)
        sched.step()

With ``sched.step()`` called ``t`` times, every parameter group's rate is the schedule
at step ``t``. :class:`PlateauLR` does the same for the stateful
:class:`~lrsched.ReduceOnPlateau`, fed with a metric.

Importing this module imports PyTorch; ``import lrsched`` does not.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence as SequenceABC
from typing import Any

import numpy as np

from ._frameworks import require
from ._validate import check_choice, check_int
from .base import Schedule
from .compose import as_schedule
from .plateau import ReduceOnPlateau

torch = require("torch", "torch")
from torch.optim.lr_scheduler import LRScheduler  # noqa: E402

__all__ = ["ScheduleLR", "PlateauLR"]

#: Steps evaluated at once (one vectorised NumPy call) and then read from a list.
CHUNK = 1024

_MODES = ("absolute", "factor")


def _per_group(value: Any, n_groups: int, name: str) -> list[Schedule]:
    if isinstance(value, SequenceABC) and not isinstance(value, (str, bytes)):
        if len(value) != n_groups:
            raise ValueError(
                f"{name} must be one schedule or a list of one per parameter group "
                f"({n_groups}); got a list of {len(value)}"
            )
        return [as_schedule(v, f"{name}[{i}]") for i, v in enumerate(value)]
    return [as_schedule(value, name)] * n_groups


def _momentum_key(group: dict[str, Any], i: int) -> str:
    if "betas" in group:
        return "betas"
    if "momentum" in group:
        return "momentum"
    raise ValueError(
        f"momentum: parameter group {i} has neither 'momentum' nor 'betas'; "
        "this optimizer has no momentum to schedule"
    )


def _write_rates(optimizer: Any, rates: list[float]) -> list[Any]:
    """Set every group's ``lr`` (in place if it is a tensor); return the groups' rates."""
    for group, lr in zip(optimizer.param_groups, rates, strict=True):
        if isinstance(group["lr"], torch.Tensor):
            group["lr"].fill_(lr)
        else:
            group["lr"] = lr
    return [g["lr"] for g in optimizer.param_groups]


def _step_state(scheduler: Any) -> dict[str, Any]:
    """What every adapter's ``state_dict`` holds: step count, base and last rates, mode."""
    return {
        "last_epoch": scheduler.last_epoch,
        "_step_count": scheduler._step_count,
        "base_lrs": list(scheduler.base_lrs),
        "_last_lr": list(scheduler._last_lr),
        "mode": scheduler.mode,
    }


class ScheduleLR(LRScheduler):
    r"""A PyTorch scheduler that sets every parameter group's rate from an lrsched schedule.

    After ``t`` calls of :meth:`step`, group :math:`g` has the rate

    .. math:: \eta_g(t) = s_g(t) \quad (\text{mode="absolute"}), \qquad
              \eta_g(t) = b_g\, s_g(t) \quad (\text{mode="factor"})

    where :math:`b_g` is the group's rate when the scheduler was created (PyTorch's
    ``initial_lr``, kept in ``base_lrs``). ``"absolute"`` is a schedule in learning-rate
    units (``lrsched.Cosine(0.1, T)``); ``"factor"`` is a schedule built with ``lr0=1``
    that scales each group's own rate, as ``LambdaLR`` does.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
    schedule : Schedule or callable, or a list of them
        One for all groups, or one per parameter group.
    mode : {"absolute", "factor"}
    momentum : Schedule or list, optional
        Momentum values, absolute (e.g. :class:`~lrsched.OneCycleMomentum`), written to
        each group's ``momentum`` (SGD, RMSprop) or to ``betas[0]`` (Adam, AdamW), as
        PyTorch ``OneCycleLR(cycle_momentum=True)`` does.
    last_epoch : int
        PyTorch's resume argument; prefer :meth:`load_state_dict`.

    Notes
    -----
    Resume a run with ``sched.load_state_dict(state)``: the state holds the step count
    and the base rates (plain numbers, so ``torch.load(weights_only=True)`` reads it) and
    a description of the schedules, checked on load. :meth:`step` keeps PyTorch's
    warning when it is called before ``optimizer.step()``. Values are computed
    :data:`CHUNK` steps at a time by one NumPy call, then read from a list.
    """

    def __init__(
        self,
        optimizer: Any,
        schedule: Any,
        mode: str = "absolute",
        momentum: Any = None,
        last_epoch: int = -1,
    ) -> None:
        n = len(optimizer.param_groups)
        self.mode = check_choice("mode", mode, _MODES)
        self.schedules = _per_group(schedule, n, "schedule")
        self.momenta = None if momentum is None else _per_group(momentum, n, "momentum")
        if self.momenta is not None:
            self._mkeys = [_momentum_key(g, i) for i, g in enumerate(optimizer.param_groups)]
        self._lo = self._hi = 0
        self._rows: list[list[float]] = []
        self._mrows: list[list[float]] = []
        check_int("last_epoch", last_epoch, low=-1)
        super().__init__(optimizer, last_epoch)

    def _fill(self, t: int) -> None:
        lo = max(0, t)
        try:
            self._fill_range(lo, min(lo + CHUNK, np.iinfo(np.int64).max))
        except (ValueError, TypeError, IndexError, KeyError):
            # e.g. a function defined only up to the end of training: step t alone
            self._fill_range(lo, lo + 1)

    def _fill_range(self, lo: int, hi: int) -> None:
        steps = np.arange(lo, hi, dtype=np.int64)
        cache: dict[int, np.ndarray] = {}

        def table(schedules: list[Schedule]) -> list[list[float]]:
            cols = []
            for s in schedules:
                if id(s) not in cache:
                    cache[id(s)] = s(steps)
                cols.append(cache[id(s)])
            return np.stack(cols, axis=1).tolist()

        rows = table(self.schedules)
        if self.mode == "factor":
            base = np.array([float(b) for b in self.base_lrs])
            rows = (np.asarray(rows) * base).tolist()
        self._rows = rows
        self._mrows = table(self.momenta) if self.momenta is not None else []
        self._lo, self._hi = lo, hi

    def _values(self) -> list[float]:
        t = self.last_epoch
        if not self._lo <= t < self._hi:
            self._fill(t)
        k = t - self._lo
        if self.momenta is None:
            return self._rows[k]  # a list of its own per step, made by tolist()
        groups = self.optimizer.param_groups
        for group, key, m in zip(groups, self._mkeys, self._mrows[k], strict=True):
            if key == "betas":
                group["betas"] = (m, *group["betas"][1:])
            else:
                group["momentum"] = m
        return self._rows[k]

    def get_lr(self) -> list[float]:
        """The rates for step ``last_epoch`` (called by :meth:`step`; read ``get_last_lr()``)."""
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, "
                "please use `get_last_lr()`.",
                UserWarning,
                stacklevel=2,
            )
        return self._values()

    def _get_closed_form_lr(self) -> list[float]:
        return self._values()

    def _describe(self) -> list[str]:
        names = [repr(s) for s in self.schedules]
        if self.momenta is not None:
            names += [f"momentum {s!r}" for s in self.momenta]
        return names

    def state_dict(self) -> dict[str, Any]:
        """The state to resume from: step count, base rates and the schedules' description."""
        return {
            **_step_state(self),
            "schedules": self._describe(),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from a :meth:`state_dict`; the schedules and mode must be the same.

        The optimizer's rates (and momenta) are set to the restored step's values, so this
        may be called before or after ``optimizer.load_state_dict``.

        Raises
        ------
        ValueError
            If the state was saved with other schedules or another mode.
        """
        saved = (state_dict.get("mode"), state_dict.get("schedules"))
        if saved != (self.mode, self._describe()):
            raise ValueError(
                f"state_dict was saved with mode={saved[0]!r}, schedules={saved[1]!r}; "
                f"this scheduler has mode={self.mode!r}, schedules={self._describe()!r}"
            )
        self.last_epoch = int(state_dict["last_epoch"])
        self._step_count = int(state_dict["_step_count"])
        self.base_lrs = list(state_dict["base_lrs"])
        self._lo = self._hi = 0  # the base rates may differ: recompute the cached values
        # Write the rates (and momenta) of the restored step into the optimizer, so that
        # the order of optimizer.load_state_dict and scheduler creation does not matter.
        self._last_lr = _write_rates(self.optimizer, self._values())


class PlateauLR(LRScheduler):
    r"""PyTorch scheduler driven by :class:`~lrsched.ReduceOnPlateau` and a monitored metric.

    Call ``step(metric)`` once per evaluation (after ``optimizer.step()``). With
    :math:`\alpha` the plateau rule's current rate and :math:`\alpha_0` its ``lr0``,
    group :math:`g` gets :math:`\alpha` (``mode="absolute"``) or
    :math:`b_g\,\alpha/\alpha_0` (``mode="factor"``, every group cut by the same
    factors; ``lr_min`` then applies on the scale of ``lr0``). With one group, base rate
    ``lr0`` and the same arguments, the rates are PyTorch ``ReduceLROnPlateau``'s.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
    plateau : ReduceOnPlateau
        The rule, with its own state (use a fresh one).
    mode : {"absolute", "factor"}
    """

    def __init__(self, optimizer: Any, plateau: ReduceOnPlateau, mode: str = "absolute") -> None:
        if not isinstance(plateau, ReduceOnPlateau):
            raise TypeError(
                f"plateau must be an lrsched.ReduceOnPlateau; got {type(plateau).__name__}"
            )
        self.plateau = plateau
        self.mode = check_choice("mode", mode, _MODES)
        self._metric: float | None = None
        self._started = False  # the first step() is LRScheduler's own, without a metric
        super().__init__(optimizer)

    def step(self, metric: float | None = None) -> None:  # type: ignore[override]
        """Feed one value of the monitored metric and set the groups' rates."""
        if metric is None and self._started:
            raise TypeError("PlateauLR.step needs the monitored metric: step(metric)")
        self._started = True
        self._metric = metric
        super().step()

    def get_lr(self) -> list[float]:
        """The rates after the last metric (called by :meth:`step`)."""
        if self._metric is not None:
            self.plateau.step(self._metric)
            self._metric = None
        return self._rates()

    def _rates(self) -> list[float]:
        lr = self.plateau.lr
        if self.mode == "absolute":
            return [lr] * len(self.base_lrs)
        return [float(b) * lr / self.plateau.lr0 for b in self.base_lrs]

    _STATE = ("lr", "best", "num_bad", "cooldown_counter", "history")

    def state_dict(self) -> dict[str, Any]:
        """Step count, base rates and the plateau rule's state (plain numbers)."""
        return {
            **_step_state(self),
            "plateau": repr(self.plateau),
            "plateau_state": {k: getattr(self.plateau, k) for k in self._STATE},
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from a :meth:`state_dict` saved with the same rule and mode."""
        saved = (state_dict.get("mode"), state_dict.get("plateau"))
        if saved != (self.mode, repr(self.plateau)):
            raise ValueError(
                f"state_dict was saved with mode={saved[0]!r}, plateau={saved[1]}; "
                f"this scheduler has mode={self.mode!r}, plateau={self.plateau!r}"
            )
        for key in ("last_epoch", "_step_count"):
            setattr(self, key, int(state_dict[key]))
        self.base_lrs = list(state_dict["base_lrs"])
        for key, value in state_dict["plateau_state"].items():
            setattr(self.plateau, key, list(value) if key == "history" else value)
        self._metric = None
        self._last_lr = _write_rates(self.optimizer, self._rates())
