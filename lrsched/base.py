"""The :class:`Schedule` base class: a validated, pure function of the step."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import as_steps, check_int

__all__ = ["Schedule", "split_at"]


class Schedule:
    r"""A learning-rate schedule :math:`\alpha_t`, a pure function of the step ``t``.

    ``t`` is the 0-based index of the parameter update: ``s(0)`` is the learning
    rate of the first update. Call the schedule with a Python ``int`` (returns a
    ``float``) or an integer NumPy array of any shape (returns a ``float64`` array
    of the same shape, computed without a Python loop).

    Subclasses validate their parameters in ``__init__``, store them as
    attributes named in ``_params`` (used by ``repr``), and implement
    :meth:`_eval`, which receives a 1-D array of steps (``int64`` from ``__call__``;
    the formulas also accept real-valued steps, which the tests use to check
    continuity between phases).

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
        out = np.asarray(self._eval(flat), dtype=np.float64)
        if out.shape != flat.shape:
            out = np.array(np.broadcast_to(out, flat.shape))
        if scalar:
            return float(out[0])
        return out.reshape(steps.shape)

    def _eval(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def bounds(self) -> tuple[float, float]:
        """``(lowest, highest)`` value the schedule can take, from its parameters."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides

    def values(self, n: int) -> np.ndarray:
        """Return ``s(0), s(1), ..., s(n-1)`` as a ``float64`` array."""
        n = check_int("n", n, low=0)
        return self(np.arange(n, dtype=np.int64))

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
