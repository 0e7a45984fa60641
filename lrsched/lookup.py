r"""A schedule as a lookup table that a compiled training step can read.

Inside ``jax.jit`` or a compiled Keras step the step counter is a traced integer, on
which NumPy cannot run. The framework adapters therefore read the schedule's values
from a table computed once by NumPy (the one home of every formula), and reproduce
its past-the-end behaviour:

* ``"clamp"``: the schedule is constant from step ``n - 1`` on, so
  :math:`\alpha_t = \mathrm{table}[\min(t, n - 1)]`;
* ``"periodic"``: it repeats with period ``n``: :math:`\alpha_t = \mathrm{table}[t \bmod n]`;
* ``"geometric"``: it repeats, scaled by ``ratio`` every ``n`` steps (step decay,
  exponential decay): :math:`\alpha_t = \mathrm{table}[t \bmod n]\,
  r^{\lfloor t / n \rfloor}`;
* ``"open"``: no finite description: the table holds the first ``n`` steps and the
  adapter asks NumPy for later steps (a host callback).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validate import check_int
from .base import Schedule
from .compose import Product, Sequence, as_schedule
from .cosine import SGDR, Cosine
from .cyclic import Cyclic, OneCycle
from .decay import Constant, Exponential, MultiStep, OneMinusSqrt, Polynomial, StepDecay
from .warmup import WSD, Warmup

__all__ = [
    "LookupTable",
    "lookup_table",
    "extent",
    "geometric_ratio",
    "MAX_TABLE",
    "DEFAULT_HORIZON",
]

#: Largest table built (8 MiB of float64); longer schedules use a host callback past it.
MAX_TABLE = 2**20
#: Table length for a schedule without a finite description when no horizon is given.
DEFAULT_HORIZON = 2**14


def extent(schedule: Schedule) -> tuple[str, int] | None:
    """``(kind, n)`` if ``n`` values describe every step (see the module docstring), else None.

    ``("clamp", n)``: the value at every step ``>= n - 1`` is the value at ``n - 1``.
    ``("periodic", n)``: the value at ``t`` is the value at ``t mod n``.
    ``("geometric", n)``: the value at ``t + n`` is :func:`geometric_ratio` times that at ``t``.
    """
    s = schedule
    if isinstance(s, Constant):
        return ("clamp", 1)
    if isinstance(s, (Polynomial, OneMinusSqrt, WSD)):
        return ("clamp", s.T + 1)
    if isinstance(s, OneCycle):  # also OneCycleMomentum
        return ("clamp", s.T)
    if isinstance(s, Cosine):
        return ("clamp", s.T + 1) if s.after == "clamp" else ("periodic", 2 * s.T)
    if isinstance(s, MultiStep):
        return ("clamp", s.milestones[-1] + 1)
    if isinstance(s, Cyclic) and s.mode == "triangular":
        return ("periodic", s.period)
    if isinstance(s, SGDR) and s.T_mult == 1.0 and s.decay == 1.0:
        return ("periodic", s.T_0)
    if isinstance(s, (StepDecay, Exponential)):
        # s(t + n) = r * s(t): a table of n values and the ratio r describe every step
        size = s.step_size if isinstance(s, StepDecay) else 1
        n = size * max(1, DEFAULT_HORIZON // size)
        return ("geometric", n)
    if isinstance(s, Warmup):
        inner = extent(s.schedule)
        return ("clamp", s.t_warm + inner[1]) if inner and inner[0] == "clamp" else None
    if isinstance(s, Sequence):
        inner = extent(s.schedules[-1])
        if inner and inner[0] == "clamp":
            return ("clamp", s.boundaries[-1] + inner[1])
        return None
    if isinstance(s, Product):
        parts = [extent(p) for p in s.schedules]
        if all(p is not None and p[0] == "clamp" for p in parts):
            return ("clamp", max(p[1] for p in parts))  # type: ignore[index]
        return None
    return None


def geometric_ratio(schedule: Schedule, n: int) -> float:
    r"""The factor :math:`r` with :math:`s(t + n) = r\,s(t)`, for step and exponential decay."""
    if isinstance(schedule, StepDecay):
        return schedule.gamma ** (n // schedule.step_size)
    if isinstance(schedule, Exponential):
        if schedule.gamma is not None:
            return schedule.gamma**n
        return math.exp(-schedule.lam * n)
    raise TypeError(f"schedule {schedule!r} is not geometric")


@dataclass(frozen=True)
class LookupTable:
    """The first ``len(values)`` values of ``schedule`` and how later steps are found.

    Attributes
    ----------
    schedule : Schedule
    values : numpy.ndarray
        ``float64`` values ``s(0), ..., s(n - 1)``.
    kind : {"clamp", "periodic", "geometric", "open"}
        See the module docstring.
    ratio : float
        :math:`r` of a ``"geometric"`` table (1 otherwise).
    """

    schedule: Schedule
    values: np.ndarray
    kind: str
    ratio: float = 1.0

    @property
    def size(self) -> int:
        """Number of stored values ``n``."""
        return int(self.values.shape[0])

    def index(self, t: np.ndarray) -> np.ndarray:
        """Table index of integer steps ``t >= 0`` (for ``"open"``, only valid below ``n``)."""
        t = np.asarray(t, dtype=np.int64)
        if self.kind in ("periodic", "geometric"):
            return np.mod(t, self.size)
        return np.minimum(t, self.size - 1)

    def read(self, t: np.ndarray) -> np.ndarray:
        """The value at integer steps ``t`` as the adapters compute it (negative: step 0)."""
        t = np.maximum(np.asarray(t, dtype=np.int64), 0)
        if self.kind == "open":
            inside = self.values[np.minimum(t, self.size - 1)]
            return np.where(t < self.size, inside, self.schedule(t))
        out = self.values[self.index(t)]
        if self.kind == "geometric":
            out = out * self.ratio ** (t // self.size).astype(np.float64)
        return out


def lookup_table(
    schedule: Schedule, horizon: int | None = None, max_size: int = MAX_TABLE
) -> LookupTable:
    """Build the :class:`LookupTable` of ``schedule``.

    Parameters
    ----------
    schedule : Schedule or callable
    horizon : int, optional
        For a schedule without a finite description (``extent`` is None): how many
        steps the table covers (default :data:`DEFAULT_HORIZON`); give the training
        length so that no step needs the callback. Ignored otherwise.
    max_size : int
        Largest table; a longer description becomes ``"open"`` with ``max_size`` values.
    """
    s = as_schedule(schedule)
    max_size = check_int("max_size", max_size, low=1, high=2**31 - 1)
    n = DEFAULT_HORIZON if horizon is None else check_int("horizon", horizon, low=1)
    found = extent(s)
    if found is not None and found[1] <= max_size:
        kind, n = found
    else:
        kind, n = "open", min(n, max_size)
    ratio = geometric_ratio(s, n) if kind == "geometric" else 1.0
    return LookupTable(s, s.values(n), kind, ratio)
