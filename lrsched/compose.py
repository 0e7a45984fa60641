r"""Building schedules out of schedules: switch at boundaries, multiply, wrap a function."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from ._validate import as_steps, check_callable, check_count, check_int_sequence
from .base import CHUNK, Schedule, split_at

_FLOAT_MAX = float(np.finfo(np.float64).max)

__all__ = ["Sequence", "Product", "FromCallable", "as_schedule", "evaluate_lr", "lr_values"]


def _scalar_lr(value: Any, where: str, t: int) -> float:
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{where} must return a real learning rate; got {type(value).__name__} "
            f"{value!r} at step t={t}"
        )
    return float(value)


def _check_rates(out: np.ndarray, steps: np.ndarray | None, where: str) -> np.ndarray:
    """Raise unless every rate is finite and >= 0; ``steps=None`` means ``0..n-1``.

    ``min`` and ``max`` propagate NaN and allocate nothing, so the common (clean)
    case costs no memory; the first bad entry is looked up only on failure.
    """
    if out.size == 0:
        return out
    lo, hi = float(np.min(out)), float(np.max(out))
    if lo >= 0.0 and hi <= _FLOAT_MAX:
        return out
    flat = out.reshape(-1)
    k = next(
        a + int(np.flatnonzero(~(np.isfinite(c) & (c >= 0)))[0])
        for a in range(0, flat.size, CHUNK)
        if not ((c := flat[a : a + CHUNK]) >= 0).all() or not np.isfinite(c).all()
    )
    step = k if steps is None else int(steps.reshape(-1)[k])
    raise ValueError(
        f"{where} gave the learning rate {flat[k]!r} at step t={step}; "
        "learning rates must be finite and >= 0"
    )


def _prod_no_overflow(values: list[float]) -> float:
    """The product of non-negative floats, ``inf`` if it exceeds float64 (no warning)."""
    if any(v == 0.0 for v in values):
        return 0.0
    log = math.fsum(math.log(v) for v in values)
    return math.inf if log > math.log(_FLOAT_MAX) else math.prod(values)


def evaluate_lr(
    fn: Callable[[Any], Any], steps: np.ndarray, where: str = "schedule", *, per_step: bool = False
) -> np.ndarray:
    """Evaluate a schedule or any callable ``t -> lr`` at integer ``steps``, and check the rates.

    The callable is first given the whole ``int64`` array; if that raises or returns
    the wrong shape, it is called once per step with a Python ``int`` (``per_step=True``
    goes straight there). An exception raised by the callable is re-raised as a
    ``ValueError`` (``TypeError`` if it was one) naming ``where`` and the step.

    Raises
    ------
    ValueError
        If any rate is NaN, infinite or negative (the message names the first bad step).
    """
    fn = check_callable("fn", fn)
    steps, _ = as_steps(steps, "steps")
    if isinstance(fn, Schedule):
        return _check_rates(fn(steps), steps, where)
    out = None
    if not per_step:
        try:
            with np.errstate(all="ignore"):
                arr = np.asarray(fn(steps), dtype=np.float64)
            if arr.shape == steps.shape:
                out = arr
        except Exception:  # noqa: BLE001 - scalar-only function: fall back to per-step calls
            out = None
    if out is None:
        flat = steps.ravel()
        out = np.empty(flat.shape, dtype=np.float64)
        for k, t in enumerate(flat.tolist()):
            try:
                with np.errstate(all="ignore"):
                    value = fn(t)
            except Exception as exc:
                kind = TypeError if isinstance(exc, TypeError) else ValueError
                raise kind(f"{where} raised {type(exc).__name__} at step t={t}: {exc}") from exc
            out[k] = _scalar_lr(value, where, t)
        out = out.reshape(steps.shape)
    return _check_rates(out, steps, where)


def lr_values(
    schedule: Any, T: int, where: str = "schedule", *, per_step: bool = False
) -> np.ndarray:
    """Learning rates ``s(0), ..., s(T-1)`` as a checked ``float64`` array.

    ``schedule`` may be a :class:`Schedule`, any callable ``t -> lr`` (see
    :func:`evaluate_lr`) or a 1-D array (or list) of at least ``T`` rates. Every rate
    must be finite and ``>= 0``; error messages name ``where``. ``T`` is at most
    ``MAX_VALUES`` (2**28); a :class:`Schedule` is evaluated in chunks, so the call
    peaks at about the size of the output.
    """
    T = check_count("T", T)
    if isinstance(schedule, Schedule) and not per_step:
        return _check_rates(schedule.values(T), None, where)  # chunked: ~1x the output
    if callable(schedule) and not isinstance(schedule, np.ndarray):
        return evaluate_lr(schedule, np.arange(T, dtype=np.int64), where, per_step=per_step)
    s = np.asarray(schedule) if isinstance(schedule, (list, tuple)) else schedule
    if not isinstance(s, np.ndarray):
        raise TypeError(
            f"{where} must be a callable t -> learning rate or a 1-D array of learning "
            f"rates; got {type(s).__name__} {s!r}"
        )
    if s.dtype == bool or s.dtype.kind not in "iuf":
        raise TypeError(f"{where} must hold real learning rates; got dtype {s.dtype}")
    if s.ndim != 1:
        raise ValueError(f"{where} must be a 1-D array of learning rates; got shape {s.shape}")
    if s.shape[0] < T:
        raise ValueError(
            f"{where} holds {s.shape[0]} learning rates but T={T} updates need at least {T}"
        )
    return _check_rates(np.array(s[:T], dtype=np.float64), None, where)


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
        At least two. The product of their largest values (``bounds[1]``) must not
        exceed the float64 maximum (about 1.8e308): checked when the schedules are
        given, and at evaluation for plain callables, whose bounds are unknown; a
        product beyond it raises ``ValueError`` naming ``schedules``.
    """

    _params = ("schedules",)

    def __init__(self, *schedules: Any) -> None:
        if len(schedules) < 2:
            raise ValueError(f"schedules must hold at least 2 schedules; got {len(schedules)}")
        self.schedules = tuple(as_schedule(s, f"schedules[{i}]") for i, s in enumerate(schedules))
        ends = {s.past_end for s in self.schedules}
        self.past_end = ends.pop() if len(ends) == 1 else "unbounded"
        highs = [s.bounds[1] for s in self.schedules]
        if all(math.isfinite(h) for h in highs) and not math.isfinite(_prod_no_overflow(highs)):
            raise ValueError(
                "schedules: the product of the schedules' largest values "
                f"{' * '.join(f'{h:g}' for h in highs)} exceeds the float64 maximum "
                f"{_FLOAT_MAX:g}; each factor's peak must keep the product below it"
            )

    def _eval(self, t: np.ndarray) -> np.ndarray:
        out = np.ones(t.shape, dtype=np.float64)
        with np.errstate(over="ignore", under="ignore"):
            for sched in self.schedules:
                out = out * sched._eval(t)
        if not np.isfinite(out).all():  # only reachable with FromCallable factors
            k = int(np.flatnonzero(~np.isfinite(out))[0])
            raise ValueError(
                f"schedules: the product of the schedules overflows float64 at step "
                f"t={int(t[k])}; the factors must keep it below {_FLOAT_MAX:g}"
            )
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

    def _eval(self, t: np.ndarray) -> np.ndarray:
        return evaluate_lr(self.fn, np.asarray(t).astype(np.int64), self.name)

    @property
    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)
