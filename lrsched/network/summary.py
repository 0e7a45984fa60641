r"""Summaries over seeds: mean with a Student-t interval, and paired win rates.

For :math:`n` seeds with values :math:`x_1, \dots, x_n`, the interval is

.. math:: \bar x \pm t_{n-1,\,(1+c)/2}\, \frac{s}{\sqrt n}, \qquad
          s^2 = \frac{1}{n-1}\sum_i (x_i - \bar x)^2,

with :math:`t` the Student-t quantile (:func:`lrsched.compare.student_t_ppf`) and
:math:`c` the level. The paired win rate of A over B is the fraction of seeds on which
A beats B, ties counting one half: :math:`\frac1n\sum_i \bigl([a_i \succ b_i] +
\tfrac12[a_i = b_i]\bigr)`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_array, check_int, check_real
from ..compare import student_t_ppf

__all__ = ["mean_ci", "win_rate"]

_BIG = 1e300  # larger magnitudes could overflow the standard deviation


def _values(name: str, x: Any) -> np.ndarray:
    arr = as_array(name, x, "a real array")
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the seeds); got a scalar")
    if not (np.abs(arr) <= _BIG).all():
        raise ValueError(f"{name} must be finite with |value| <= {_BIG:g} (no NaN or inf)")
    return arr


def mean_ci(values: Any, *, axis: int = 0, level: float = 0.95) -> tuple[np.ndarray, ...]:
    r"""Mean over seeds and its Student-t interval: ``(mean, low, high)``.

    Parameters
    ----------
    values : array
        Finite reals; ``axis`` runs over seeds (at least 2 of them).
    axis : int
        The seed axis.
    level : float
        Confidence level :math:`c \in (0, 1)`.
    """
    x = _values("values", values)
    axis = check_int("axis", axis, low=-x.ndim, high=x.ndim - 1)
    level = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    n = x.shape[axis]
    if n < 2:
        raise ValueError(f"values needs at least 2 seeds along axis {axis}; got {n}")
    big = float(np.abs(x).max())
    scale = big if big > 1e150 else 1.0  # huge values: work on x / scale (finite squares)
    xs = x / scale
    mean = xs.mean(axis=axis)
    half = student_t_ppf(0.5 + 0.5 * level, n - 1) * xs.std(axis=axis, ddof=1) / math.sqrt(n)
    with np.errstate(over="ignore"):
        out = (mean * scale, (mean - half) * scale, (mean + half) * scale)
    if not all(np.isfinite(o).all() for o in out):
        raise ValueError(
            f"the {level:g} interval of these values overflows float64; lower level "
            "or rescale values"
        )
    return out


def win_rate(a: Any, b: Any, *, axis: int = 0, higher_is_better: bool = False) -> np.ndarray:
    r"""Fraction of paired seeds on which ``a`` beats ``b`` (ties count 1/2).

    Parameters
    ----------
    a, b : arrays of the same shape
        Paired values (same seed at the same index along ``axis``).
    axis : int
        The seed axis.
    higher_is_better : bool
        ``False`` for losses (lower wins), ``True`` for accuracies.
    """
    x, y = _values("a", a), _values("b", b)
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape; got {x.shape} and {y.shape}")
    axis = check_int("axis", axis, low=-x.ndim, high=x.ndim - 1)
    if not isinstance(higher_is_better, (bool, np.bool_)):
        raise TypeError(f"higher_is_better must be True or False; got "
                        f"{type(higher_is_better).__name__}")
    better = (x > y) if higher_is_better else (x < y)
    return (better.sum(axis=axis) + 0.5 * (x == y).sum(axis=axis)) / x.shape[axis]
