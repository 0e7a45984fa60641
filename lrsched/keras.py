"""An lrsched schedule as a Keras 3 ``LearningRateSchedule``::

    import keras, lrsched
    from lrsched.keras import KerasSchedule
    lr = KerasSchedule(lrsched.Cosine(0.1, T=1000))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")

The values are computed once by NumPy and read from a table in the compiled train
step (see :mod:`lrsched.lookup`); ``get_config`` describes the schedule as plain data,
so a saved model (``model.save("m.keras")``) loads back with the same schedule.
Tested on the JAX and PyTorch backends. If ``KERAS_BACKEND`` is unset, no Keras
configuration file exists and TensorFlow is not installed, this module picks the
``jax`` backend (else ``torch``) before importing Keras; ``import lrsched`` imports
neither.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from ._frameworks import require
from .compose import as_schedule
from .lookup import MAX_TABLE, lookup_table
from .schedule_config import schedule_from_config, schedule_to_config

__all__ = ["KerasSchedule", "pick_backend"]


def pick_backend() -> str | None:
    """Set ``KERAS_BACKEND`` to an installed non-TensorFlow backend if Keras would fail.

    Only acts before Keras is imported, when ``KERAS_BACKEND`` is unset, there is no
    ``keras.json`` and TensorFlow (Keras's default backend) is not installed. Returns
    the backend chosen, or None.
    """
    if "keras" in sys.modules or "KERAS_BACKEND" in os.environ:
        return None
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    if os.path.exists(os.path.join(home, "keras.json")):
        return None
    if importlib.util.find_spec("tensorflow") is not None:
        return None
    for backend in ("jax", "torch"):
        if importlib.util.find_spec(backend) is not None:
            os.environ["KERAS_BACKEND"] = backend
            return backend
    return None


pick_backend()
keras = require("keras", "keras")


@keras.saving.register_keras_serializable(package="lrsched")
class KerasSchedule(keras.optimizers.schedules.LearningRateSchedule):
    r"""Keras learning-rate schedule equal to an lrsched schedule: ``lr(step) = s(step)``.

    Parameters
    ----------
    schedule : Schedule or dict
        An lrsched schedule (a :class:`~lrsched.FromCallable` trains but cannot be
        saved), or its description from :func:`lrsched.schedule_config.schedule_to_config`.
    horizon : int, optional
        For schedules without a finite description: steps kept in the table (give the
        training length); later steps are computed by NumPy through a host callback
        (JAX backend) or directly (PyTorch backend, eager).
    max_size : int
        Largest table.

    Notes
    -----
    Values are in Keras's float dtype (``keras.config.floatx()``, ``float32`` by
    default), rounded from the ``float64`` schedule.
    """

    def __init__(
        self, schedule: Any, horizon: int | None = None, max_size: int = MAX_TABLE
    ) -> None:
        if isinstance(schedule, dict):
            schedule = schedule_from_config(schedule)
        self.schedule = as_schedule(schedule)
        self.horizon = horizon
        self.max_size = max_size
        self.table = lookup_table(self.schedule, horizon, max_size)
        self._tensor: Any = None

    def _values(self) -> Any:
        if self._tensor is None:
            self._tensor = keras.ops.convert_to_tensor(
                self.table.values, dtype=keras.config.floatx()
            )
        return self._tensor

    def _host(self, step: Any) -> Any:
        if keras.backend.backend() == "jax":
            from .optax import host_values

            return host_values(self.table, step, keras.config.floatx())
        t = int(keras.ops.convert_to_numpy(step))
        return keras.ops.convert_to_tensor(self.schedule(t), dtype=keras.config.floatx())

    def __call__(self, step: Any) -> Any:
        ops = keras.ops
        step = ops.maximum(ops.convert_to_tensor(step), 0)
        n = self.table.size
        values = self._values()
        if self.table.kind == "periodic":
            return ops.take(values, ops.mod(step, n))
        if self.table.kind == "geometric":
            floatx = keras.config.floatx()
            scale = ops.power(
                ops.cast(self.table.ratio, floatx), ops.cast(ops.floor_divide(step, n), floatx)
            )
            return ops.take(values, ops.mod(step, n)) * scale
        if self.table.kind == "clamp":
            return ops.take(values, ops.minimum(step, n - 1))
        return ops.cond(
            step < n,
            lambda: ops.take(values, ops.minimum(step, n - 1)),
            lambda: self._host(step),
        )

    def get_config(self) -> dict[str, Any]:
        """``{"schedule": <plain-data description>, "horizon": ..., "max_size": ...}``.

        Raises
        ------
        TypeError
            For a :class:`~lrsched.FromCallable` schedule (a Python function is not data),
            so a model using one cannot be saved; it can still be trained.
        """
        return {
            "schedule": schedule_to_config(self.schedule),
            "horizon": self.horizon,
            "max_size": self.max_size,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> KerasSchedule:
        """Rebuild the schedule from :meth:`get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"KerasSchedule({self.schedule!r})"
