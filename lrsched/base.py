"""The :class:`Schedule` base class: a validated, pure function of the step."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import MAX_STEP, as_steps, check_count

__all__ = ["Schedule", "split_at", "scaled_power", "new_output", "CHUNK"]

#: Steps evaluated per chunk. The formulas build a few temporaries the size of
#: their input; evaluating ``CHUNK`` steps at a time bounds those temporaries to a
#: few MiB, so a call peaks at about the size of its output (plus its input).
CHUNK = 1 << 16

_TINY = float(np.finfo(np.float64).tiny)


def new_output(n: int, name: str) -> np.ndarray:
    """``np.empty(n)`` that reports a failed allocation as a ``ValueError`` naming ``name``."""
    try:
        return np.empty(n, dtype=np.float64)
    except MemoryError:
        raise ValueError(
            f"{name}={n}: cannot allocate {8 * n / 2**30:.3g} GiB for the float64 output; "
            "ask for fewer values"
        ) from None


def scaled_power(scale: float, base: float, n: np.ndarray) -> np.ndarray:
    r"""``scale * base**n`` for ``0 < base <= 1`` and ``n >= 0``, without a spurious underflow.

    ``base**n`` alone underflows to 0 (or loses digits as a subnormal) while
    ``scale * base**n`` may still be a normal number when ``scale`` is large
    (``1e308 * 0.5**1100 = 7e-24``); those entries are computed as
    :math:`\exp(\ln s + n \ln b)` instead.
    """
    p = np.power(base, n)
    out = scale * p
    small = p < _TINY
    if base < 1.0 and scale > 0.0 and small.any():
        ns = np.asarray(n, dtype=np.float64)[small] if np.ndim(n) else float(n)
        with np.errstate(under="ignore"):
            out[small] = np.exp(np.log(scale) + ns * np.log(base))
    return out


def int_divmod(t: np.ndarray, period: int) -> tuple[np.ndarray, np.ndarray]:
    """``divmod(t, period)`` for steps ``0 <= t <= MAX_STEP`` and any positive int period.

    Integer steps are reduced exactly (no float rounding even beyond 2**53); a
    period beyond ``MAX_STEP`` (which NumPy cannot hold) leaves every step in
    cycle 0.
    """
    if period > MAX_STEP:
        return np.zeros(t.shape, dtype=t.dtype), t
    return np.divmod(t, period)


class Schedule:
    r"""A learning-rate schedule :math:`\alpha_t`, a pure function of the step ``t``.

    ``t`` is the 0-based index of the parameter update: ``s(0)`` is the learning
    rate of the first update. Call the schedule with a Python ``int`` (returns a
    ``float``) or an integer NumPy array of any shape and any integer dtype
    (returns a ``float64`` array of the same shape, computed without a Python loop).
    Steps must lie in ``[0, MAX_STEP]`` (:math:`2^{63} - 1`); anything else --
    negative or larger integers, floats, booleans, strings, complex numbers --
    raises ``ValueError`` or ``TypeError`` naming ``t`` and that range.

    Subclasses validate their parameters in ``__init__``, store them as
    attributes named in ``_params`` (used by ``repr``), and implement
    :meth:`_eval`, which receives a 1-D array of steps (``int64`` from ``__call__``;
    the formulas also accept real-valued steps, which the tests use to check
    continuity between phases). Every parameter range is chosen so that the value
    at every accepted step is a finite float.

    Attributes
    ----------
    past_end : str
        What happens after the schedule's horizon: ``"clamp"`` (holds its last
        value), ``"periodic"`` (repeats), or ``"unbounded"`` (the formula simply
        continues; there is no horizon).
    """

    _params: tuple[str, ...] = ()
    past_end: str = "unbounded"

    def __call__(self, t: Any) -> Any:
        steps, scalar = as_steps(t)
        # Scalars go through the same array code path as arrays (NumPy's scalar and
        # vector math can differ in the last bit).
        flat = steps.reshape(-1)
        out = new_output(flat.size, "t.size")
        self._fill(out, flat)
        if scalar:
            return float(out[0])
        return out.reshape(steps.shape)

    def _fill(self, out: np.ndarray, flat: np.ndarray | None) -> None:
        """Evaluate chunk by chunk into ``out``: at ``flat``, or at ``0..out.size-1`` if None."""
        size = out.size
        lo, hi = self.bounds
        # Intermediate overflow/underflow is part of the formulas (exp(-inf) = 0 is the
        # right decay to 0); invalid operations (NaN) stay loud. Every value lies in
        # [lo, hi] in exact arithmetic; clipping removes the last-bit excursions of
        # float rounding, which at hi = 1.8e308 would otherwise overflow to inf.
        with np.errstate(over="ignore", under="ignore"):
            for a in range(0, size, CHUNK):
                b = min(size, a + CHUNK)
                t = np.arange(a, b, dtype=np.int64) if flat is None else flat[a:b]
                out[a:b] = self._eval(t)
                np.clip(out[a:b], lo, hi, out=out[a:b])

    def _eval(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def bounds(self) -> tuple[float, float]:
        """``(lowest, highest)`` value the schedule can take, from its parameters."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides

    def values(self, n: int) -> np.ndarray:
        """Return ``s(0), s(1), ..., s(n-1)`` as a ``float64`` array.

        ``n`` must be in ``[0, MAX_VALUES]`` (:data:`lrsched._validate.MAX_VALUES`,
        2**28); the evaluation runs in chunks, so it peaks at about the output's size.
        """
        n = check_count("n", n)
        out = new_output(n, "n")
        self._fill(out, None)
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._params)
        return f"{type(self).__name__}({args})"


def split_at(t: np.ndarray, edges: np.ndarray) -> list[tuple[int, np.ndarray | slice]]:
    """Group 1-D steps ``t`` by the interval ``[edges[k], edges[k+1])`` they fall in.

    Returns ``(k, selector)`` pairs for the non-empty groups. Sorted input (the usual
    ``np.arange``) is split into slices, which avoids boolean-mask copies.
    """
    if t.size < 2 or bool(np.all(t[1:] >= t[:-1])):
        cuts = np.searchsorted(t, edges[1:], side="left")
        lo = np.concatenate([[0], cuts])
        hi = np.concatenate([cuts, [t.size]])
        return [
            (k, slice(int(a), int(b))) for k, (a, b) in enumerate(zip(lo, hi, strict=True)) if b > a
        ]
    which = np.searchsorted(edges, t, side="right") - 1
    return [(k, which == k) for k in range(len(edges)) if np.any(which == k)]
