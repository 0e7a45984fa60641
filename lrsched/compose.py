r"""Building schedules out of schedules: switch at boundaries, multiply, wrap a function."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._validate import check_callable, check_int_sequence
from .base import Schedule, split_at

__all__ = ["Sequence", "Product", "FromCallable", "as_schedule"]


def as_schedule(value: Any, name: str = "schedule") -> Schedule:
    """Return ``value`` if it is a :class:`Schedule`; wrap a callable in :class:`FromCallable`."""
    if isinstance(value, Schedule):
        return value
    if callable(value):
        return FromCallable(value)
    raise TypeError(
        f"{name} must be an lrsched Schedule or a callable t -> learning rate; "
        f"got {type(value).__name__} {value!r}"
    )


class Sequence(Schedule):
    r"""Run schedules one after the other, switching at the given boundaries.

    With boundaries :math:`b_1 < b_2 < \dots` (and :math:`b_0 = 0`), schedule
    :math:`k` is used for :math:`b_k \le t < b_{k+1}`, and its step is re-based:

    .. math:: \alpha_t = s_k(t - b_k)

    so each schedule starts from its own step 0. This is optax ``join_schedules``
    and PyTorch ``SequentialLR`` (which restarts the next scheduler at its epoch 0).

    Parameters
    ----------
    schedules : sequence of Schedule or callable
        At least two.
    boundaries : sequence of int
        ``len(schedules) - 1`` strictly increasing switch points, each :math:`\ge 1`.

    Notes
    -----
    Past-the-end behaviour is that of the last schedule.
    """

    _params = ("schedules", "boundaries")

    def __init__(
        self, schedules: list[Any] | tuple[Any, ...], boundaries: list[int] | tuple[int, ...]
    ):
        if isinstance(schedules, (str, bytes)) or not hasattr(schedules, "__iter__"):
            raise TypeError(
                f"schedules must be a list of schedules; got {type(schedules).__name__}"
            )
        items = [as_schedule(s, f"schedules[{i}]") for i, s in enumerate(schedules)]
        if len(items) < 2:
            raise ValueError(f"schedules must hold at least 2 schedules; got {len(items)}")
        bounds = check_int_sequence("boundaries", boundaries, low=1)
        if len(bounds) != len(items) - 1:
            raise ValueError(
                f"boundaries must hold len(schedules) - 1 = {len(items) - 1} values; "
                f"got {len(bounds)}"
            )
        if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValueError(f"boundaries must be strictly increasing; got {list(bounds)}")
        self.schedules = tuple(items)
        self.boundaries = bounds
        self.past_end = items[-1].past_end

    def _eval(self, t: np.ndarray) -> np.ndarray:
        edges = np.asarray((0,) + self.boundaries)
        out = np.empty(t.shape, dtype=np.float64)
        for k, part in split_at(t, edges):
            out[part] = self.schedules[k]._eval(t[part] - edges[k])
        return out

    @property
    def bounds(self) -> tuple[float, float]:
        lows, highs = zip(*(s.bounds for s in self.schedules), strict=False)
        return (min(lows), max(highs))


class Product(Schedule):
    r"""Multiply schedules step by step: :math:`\alpha_t = \prod_k s_k(t)`.

    Use one schedule that carries the learning rate and the others as *factors*
    (built with ``lr0=1.0``), e.g. a cyclic factor on top of an exponential decay.
    This is what PyTorch ``ChainedScheduler`` computes for chainable schedulers.

    Parameters
    ----------
    *schedules : Schedule or callable
        At least two.
    """

    _params = ("schedules",)

    def __init__(self, *schedules: Any) -> None:
        if len(schedules) < 2:
            raise ValueError(f"schedules must hold at least 2 schedules; got {len(schedules)}")
        self.schedules = tuple(as_schedule(s, f"schedules[{i}]") for i, s in enumerate(schedules))
        ends = {s.past_end for s in self.schedules}
        self.past_end = ends.pop() if len(ends) == 1 else "unbounded"

    def _eval(self, t: np.ndarray) -> np.ndarray:
        out = np.ones(t.shape, dtype=np.float64)
        for sched in self.schedules:
            out = out * sched._eval(t)
        return out

    @property
    def bounds(self) -> tuple[float, float]:
        lows, highs = zip(*(s.bounds for s in self.schedules), strict=False)
        return (math.prod(lows), math.prod(highs))

    def __repr__(self) -> str:
        return f"Product({', '.join(repr(s) for s in self.schedules)})"


class FromCallable(Schedule):
    r"""Wrap any Python function :math:`t \mapsto \alpha_t` as a schedule.

    The function is first called with the whole integer array of steps; if that
    raises or returns the wrong shape, it is called once per step (a Python loop,
    so slower, but any scalar-only function works). Every value must be finite
    and :math:`\ge 0`, otherwise a ``ValueError`` names the first bad step.

    Parameters
    ----------
    fn : callable
        ``fn(t) -> float``; ``t`` is the 0-based update index.
    name : str, optional
        Shown by ``repr`` instead of the function's own name.
    """

    _params = ("name",)

    def __init__(self, fn: Callable[[Any], Any], name: str | None = None) -> None:
        self.fn = check_callable("fn", fn)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None; got {type(name).__name__}")
        self.name = name if name is not None else getattr(fn, "__name__", type(fn).__name__)

    def _call_fn(self, steps: np.ndarray) -> np.ndarray:
        try:
            out = np.asarray(self.fn(steps), dtype=np.float64)
            if out.shape == steps.shape:
                return out
        except Exception:  # noqa: BLE001 - fall back to scalar calls, errors surface there
            pass
        flat = [self.fn(int(s)) for s in steps.ravel()]
        try:
            return np.asarray(flat, dtype=np.float64).reshape(steps.shape)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{self.name} must return a real number for every step") from exc

    def _eval(self, t: np.ndarray) -> np.ndarray:
        steps = np.asarray(t).astype(np.int64)
        out = self._call_fn(steps)
        bad = ~np.isfinite(out) | (out < 0)
        if bad.any():
            k = int(np.flatnonzero(bad.ravel())[0])
            raise ValueError(
                f"{self.name} returned {out.ravel()[k]!r} at t={int(steps.ravel()[k])}; "
                "a learning rate must be finite and >= 0"
            )
        return out

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)
