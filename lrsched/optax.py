"""An lrsched schedule as an optax schedule, safe inside ``jax.jit``::

    import optax, lrsched
    from lrsched.optax import schedule
    lr = schedule(lrsched.warmup_cosine(0.1, T=1000, t_warm=100))
    opt = optax.inject_hyperparams(optax.sgd)(learning_rate=lr)

The schedule's values are computed once by NumPy and read from a table inside the
compiled step (see :mod:`lrsched.lookup` for how steps past the table are found).
Importing this module imports JAX; ``import lrsched`` does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._frameworks import require
from .compose import as_schedule
from .lookup import MAX_TABLE, LookupTable, lookup_table

jax = require("jax", "optax")
jnp = jax.numpy

__all__ = ["schedule", "JaxSchedule", "host_values"]


def host_values(table: LookupTable, count: Any, dtype: Any) -> Any:
    """Evaluate ``table.schedule`` at a traced integer ``count`` through a host callback."""

    def evaluate(c: np.ndarray) -> np.ndarray:
        steps = np.maximum(np.asarray(c, dtype=np.int64), 0)
        return np.asarray(table.schedule(steps), dtype=dtype)

    shape = jax.ShapeDtypeStruct(jnp.shape(count), dtype)
    return jax.pure_callback(evaluate, shape, count, vmap_method="sequential")


class JaxSchedule:
    r"""A callable ``count -> learning rate`` for optax, equal to an lrsched schedule.

    :math:`\alpha(\mathrm{count}) = s(\mathrm{count})` for integer counts :math:`\ge 0`
    (negative counts give :math:`s(0)`), inside and outside ``jax.jit``, in JAX's
    default float dtype (``float64`` with ``jax_enable_x64``, else ``float32``, as
    rounded from the ``float64`` value).

    Parameters
    ----------
    schedule : Schedule or callable
    horizon : int, optional
        For schedules without a finite description (inverse time, inverse square root,
        shrinking cycles, ...): the number of steps kept in the table, e.g. the training
        length. Later steps are computed by NumPy through ``jax.pure_callback``.
    max_size : int
        Largest table.

    Notes
    -----
    Clamped schedules read ``table[min(count, n - 1)]``, periodic ones ``table[count % n]``
    and step or exponential decay ``table[count % n] * r ** (count // n)``, so their values
    past the horizon are exact with no callback.
    """

    def __init__(self, schedule: Any, horizon: int | None = None, max_size: int = MAX_TABLE):
        self.table = lookup_table(as_schedule(schedule), horizon, max_size)
        self.schedule = self.table.schedule
        self.dtype = jnp.asarray(0.0).dtype
        self._values = jnp.asarray(self.table.values, dtype=self.dtype)

    def __call__(self, count: Any) -> Any:
        if not isinstance(count, jax.core.Tracer):  # outside jit: read or evaluate directly
            steps = np.maximum(np.asarray(count, dtype=np.int64), 0)
            return jnp.asarray(self._numpy(steps), dtype=self.dtype)
        count = jnp.maximum(count, 0)
        n = self.table.size
        kind = self.table.kind
        if kind == "periodic":
            return self._values[jnp.mod(count, n)]
        if kind == "geometric":
            scale = jnp.asarray(self.table.ratio, self.dtype) ** (count // n).astype(self.dtype)
            return self._values[jnp.mod(count, n)] * scale
        inside = self._values[jnp.minimum(count, n - 1)]
        if kind == "clamp":
            return inside
        if jnp.ndim(count) == 0:
            return jax.lax.cond(count < n, self._read, self._host, count)
        return jnp.where(count < n, inside, self._host(count))

    def _read(self, count: Any) -> Any:
        return self._values[jnp.minimum(count, self.table.size - 1)]

    def _host(self, count: Any) -> Any:
        return host_values(self.table, count, self.dtype)

    def _numpy(self, steps: np.ndarray) -> np.ndarray:
        return self.table.read(steps)

    def __repr__(self) -> str:
        return f"lrsched.optax.schedule({self.schedule!r})"


def schedule(schedule: Any, horizon: int | None = None, max_size: int = MAX_TABLE) -> JaxSchedule:
    """Return the optax schedule (``count -> learning rate``) of an lrsched schedule.

    See :class:`JaxSchedule` for the arguments and the guarantees.
    """
    return JaxSchedule(schedule, horizon, max_size)
