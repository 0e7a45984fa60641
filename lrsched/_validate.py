"""Parameter validation shared by every public function of :mod:`lrsched`.

Each checker returns the value converted to a plain Python type, or raises
:class:`TypeError` (wrong kind of object) or :class:`ValueError` (right kind,
outside the accepted range). Every message names the parameter and the range
it accepts, so a learner can fix the call without reading the source.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_real",
    "check_int",
    "check_choice",
    "check_callable",
    "check_int_sequence",
]


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(" if (low is None or low_open) else "["
    right = ")" if (high is None or high_open) else "]"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` inside the given interval.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (``bool`` is rejected too).
    ValueError
        If ``value`` is NaN, infinite or outside the interval.
    """
    accepted = _interval(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number in {accepted}; got {type(value).__name__} {value!r}"
        )
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite real number in {accepted}; got {x!r}")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {accepted}; got {x!r}")
    return x


def check_int(
    name: str,
    value: Any,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    """Return ``value`` as a Python ``int`` with ``low <= value <= high``.

    Floats are rejected even when integral (``10.0``): a step count written as
    a float is usually a sign of a unit mix-up.
    """
    accepted = _interval(low, high, False, False)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer in {accepted}; got {type(value).__name__} {value!r}"
        )
    n = int(value)
    if (low is not None and n < low) or (high is not None and n > high):
        raise ValueError(f"{name} must be an integer in {accepted}; got {n}")
    return n


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of the strings in ``choices``."""
    allowed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}; got {type(value).__name__} {value!r}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def check_callable(name: str, value: Any) -> Callable[..., Any]:
    """Return ``value`` if it is callable."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {type(value).__name__} {value!r}")
    return value


def check_int_sequence(
    name: str,
    value: Any,
    *,
    low: int | None = None,
    nondecreasing: bool = True,
    min_len: int = 0,
) -> tuple[int, ...]:
    """Return ``value`` as a tuple of ints, each ``>= low``, optionally sorted."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{name} must be a sequence of integers; got {type(value).__name__} {value!r}"
        )
    items = tuple(check_int(f"{name}[{i}]", v, low=low) for i, v in enumerate(value))
    if len(items) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} integer(s); got {len(items)}")
    if nondecreasing and any(b < a for a, b in zip(items, items[1:], strict=False)):
        raise ValueError(f"{name} must be in non-decreasing order; got {list(items)}")
    return items


def as_steps(t: Any, name: str = "t") -> tuple[np.ndarray, bool]:
    """Convert a step index or an array of them to an ``int64`` array.

    Returns the array and whether the input was a scalar. Steps are 0-based
    update indices: negative values, floats, booleans and non-numeric input
    are refused with a message that names ``name``.
    """
    if isinstance(t, (bool, np.bool_)):
        raise TypeError(f"{name} must be a non-negative integer or an integer array; got bool")
    if isinstance(t, numbers.Integral):
        if t < 0:
            raise ValueError(f"{name} must be a non-negative integer (0-based step); got {t}")
        return np.asarray(int(t), dtype=np.int64), True
    arr = np.asarray(t)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must be a non-negative integer or an integer array; got dtype {arr.dtype}"
            if isinstance(t, np.ndarray)
            else f"{name} must be a non-negative integer or an integer array; "
            f"got {type(t).__name__} {t!r}"
        )
    if arr.size and arr.min() < 0:
        raise ValueError(
            f"{name} must hold non-negative integers (0-based steps); got minimum {arr.min()}"
        )
    return arr.astype(np.int64, copy=False), arr.ndim == 0
