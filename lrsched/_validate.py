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
    "MAX_STEP",
    "MAX_VALUES",
    "check_real",
    "check_int",
    "check_count",
    "check_choice",
    "check_callable",
    "check_int_sequence",
    "as_steps",
    "as_array",
    "check_eigenvalues",
    "check_e0",
]

#: Largest step index (and largest integer parameter: horizons, cycle lengths,
#: milestones) that lrsched accepts: the ``int64`` maximum, :math:`2^{63} - 1`.
#: Steps are evaluated as ``int64``, so every accepted step is represented exactly.
MAX_STEP = 2**63 - 1

#: Largest number of values one call may return (``Schedule.values(n)``,
#: ``lr_values(schedule, T)``, the ``T + 1`` rows of the expected-loss recursion):
#: :math:`2^{28}` = 268,435,456 values, 2 GiB of ``float64``. The rule is a fixed
#: constant, not the free memory of the machine, so a call succeeds or fails the
#: same way everywhere. Evaluation runs in chunks of :data:`lrsched.base.CHUNK`
#: steps, so it peaks at about the output's size plus a few MiB; a request at the
#: cap needs about 2 GiB, about the most a hosted notebook can spare, and far
#: beyond any horizon the course uses. Larger requests are refused with a
#: ``ValueError`` that names the size; an allocation that fails below the cap is
#: reported the same way.
MAX_VALUES = 2**28


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(" if (low is None or low_open) else "["
    right = ")" if (high is None or high_open) else "]"
    lo = "-inf" if low is None else (str(low) if isinstance(low, int) else f"{low:g}")
    hi = "inf" if high is None else (str(high) if isinstance(high, int) else f"{high:g}")
    return f"{left}{lo}, {hi}{right}"


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


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
    try:
        x = float(value)
    except (OverflowError, ValueError, TypeError) as exc:  # e.g. an int beyond 1.8e308
        raise ValueError(
            f"{name} must be a finite real number in {accepted}; got {value!r} ({exc})"
        ) from None
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
    a float is usually a sign of a unit mix-up. Without an explicit ``high`` the
    upper limit is :data:`MAX_STEP` (every integer parameter of lrsched is a count
    or an index that must fit ``int64``).
    """
    if high is None:
        high = MAX_STEP
    accepted = _interval(low, high, False, False)
    if not _is_int(value):
        raise TypeError(
            f"{name} must be an integer in {accepted}; got {type(value).__name__} {value!r}"
        )
    n = int(value)
    if (low is not None and n < low) or (high is not None and n > high):
        raise ValueError(f"{name} must be an integer in {accepted}; got {n}")
    return n


def check_count(name: str, value: Any, *, low: int = 0) -> int:
    """Return ``value`` as the length of an output, in ``[low, MAX_VALUES]``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If it is below ``low`` or above :data:`MAX_VALUES` (the message gives the
        memory the output would need).
    """
    if not _is_int(value):
        raise TypeError(
            f"{name} must be an integer in [{low}, {MAX_VALUES}]; "
            f"got {type(value).__name__} {value!r}"
        )
    n = int(value)
    if n < low:
        raise ValueError(f"{name} must be an integer in [{low}, {MAX_VALUES}]; got {n}")
    if n > MAX_VALUES:
        raise ValueError(
            f"{name} must be an integer in [{low}, {MAX_VALUES}] (the cap MAX_VALUES): "
            f"{name}={n if n < 10**30 else f'~2**{n.bit_length() - 1}'} values would need "
            f"{gib_text(8 * n)} of float64; evaluate fewer steps, or pieces of them with "
            "s(np.arange(a, b))"
        )
    return n


def gib_text(nbytes: int) -> str:
    """``nbytes`` in GiB, as text, for any size (no float overflow for huge ints)."""
    if nbytes < 2**80:
        return f"{nbytes / 2**30:.3g} GiB"
    return f"about 2**{nbytes.bit_length() - 31} GiB"


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


def _steps_message(name: str) -> str:
    return f"{name} must be a non-negative integer step (0-based) in [0, {MAX_STEP}]"


def as_steps(t: Any, name: str = "t") -> tuple[np.ndarray, bool]:
    """Convert a step index or an array of them to an ``int64`` array.

    Returns the array and whether the input was a scalar. Steps are 0-based
    update indices in ``[0, MAX_STEP]``. Every integer type is accepted (Python
    ``int``, NumPy integer scalars, 0-d and n-d arrays of any integer dtype,
    sequences of ints) and checked against that range *before* any conversion,
    so an ``uint64`` or a Python ``int`` beyond :math:`2^{63} - 1` is refused rather
    than wrapped. Booleans, floats, complex numbers, strings and other objects
    raise ``TypeError``; out-of-range integers raise ``ValueError``; both messages
    name ``name`` and the range.
    """
    what = _steps_message(name)
    if isinstance(t, (bool, np.bool_)):
        raise TypeError(f"{what}; got bool {t!r}")
    if isinstance(t, numbers.Integral):
        n = int(t)
        if not 0 <= n <= MAX_STEP:
            raise ValueError(f"{what}; got {n}")
        return np.asarray(n, dtype=np.int64), True
    if isinstance(t, (str, bytes)) or not isinstance(t, (np.ndarray, list, tuple, range)):
        raise TypeError(f"{what}, or an integer array of them; got {type(t).__name__} {t!r:.80}")
    try:
        arr = np.asarray(t)
    except (ValueError, TypeError) as exc:  # ragged nesting
        raise TypeError(f"{what}, or an integer array of them; got {exc}") from None
    if arr.dtype == object:  # Python ints too large for int64 / uint64, or mixed objects
        items = arr.ravel().tolist()
        if not all(_is_int(v) for v in items):
            bad = next(v for v in items if not _is_int(v))
            raise TypeError(
                f"{what}, or an integer array of them; got an element "
                f"{type(bad).__name__} {bad!r:.80}"
            )
        out_of_range = [int(v) for v in items if not 0 <= int(v) <= MAX_STEP]
        if out_of_range:
            raise ValueError(f"{what}; got {out_of_range[0]}")
        return np.array(items, dtype=np.int64).reshape(arr.shape), arr.ndim == 0
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{what}, or an integer array of them; got dtype {arr.dtype}")
    if arr.size:  # exact Python ints, before any cast; only the scans the dtype needs
        info = np.iinfo(arr.dtype)
        if info.min < 0 and (lo := int(arr.min())) < 0:
            raise ValueError(f"{what}; got minimum {lo}")
        if info.max > MAX_STEP and (hi := int(arr.max())) > MAX_STEP:
            raise ValueError(f"{what}; got maximum {hi}")
    return arr.astype(np.int64, copy=False), arr.ndim == 0


def as_array(name: str, value: Any, what: str) -> np.ndarray:
    """``np.asarray(value)``, with ragged nesting reported as a TypeError naming ``name``."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} must be {what}; got {type(value).__name__} ({exc})") from None


def check_eigenvalues(eigenvalues: Any, name: str = "eigenvalues") -> np.ndarray:
    if isinstance(eigenvalues, (str, bytes)):
        raise TypeError(f"{name} must be a 1-D array of positive reals; got str")
    lam = as_array(name, eigenvalues, "a 1-D array of positive reals")
    if lam.dtype == bool or lam.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a 1-D array of positive reals; got dtype {lam.dtype}")
    lam = np.atleast_1d(lam.astype(np.float64))
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {lam.shape}")
    if not np.all(np.isfinite(lam)) or np.any(lam <= 0):
        raise ValueError(f"{name} must all be finite and in (0, inf); got {lam.tolist()}")
    return lam


def check_e0(e0: Any, d: int) -> np.ndarray:
    if isinstance(e0, (str, bytes)):
        raise TypeError("e0 must be a real or a 1-D array of reals; got str")
    arr = as_array("e0", e0, "a real or a 1-D array of reals")
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"e0 must be a real or a 1-D array of reals; got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim == 0:
        arr = np.full(d, float(arr))
    if arr.shape != (d,):
        raise ValueError(
            f"e0 must be a scalar or have one entry per entry of eigenvalues, shape ({d},); "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"e0 must be finite; got {arr.tolist()}")
    return arr
