"""Schedules as plain data: a JSON-ready description and back.

Framework adapters use this to save a schedule with a model or a checkpoint
(Keras ``get_config``, PyTorch ``state_dict``) without pickling Python objects.
"""

from __future__ import annotations

import numbers
from typing import Any

from .base import Schedule

__all__ = ["schedule_to_config", "schedule_from_config"]


def _classes() -> dict[str, type]:
    import lrsched

    from .momentum import OneCycleMomentum

    found = {
        name: obj
        for name, obj in vars(lrsched).items()
        if isinstance(obj, type) and issubclass(obj, Schedule) and obj is not Schedule
    }
    found["OneCycleMomentum"] = OneCycleMomentum
    return found


def _encode(value: Any, where: str) -> Any:
    if isinstance(value, Schedule):
        return schedule_to_config(value)
    if isinstance(value, (tuple, list)):
        return [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{where} = {value!r} cannot be written as plain data")


def schedule_to_config(schedule: Schedule) -> dict[str, Any]:
    """Describe ``schedule`` as ``{"class": name, "params": {...}}`` (JSON-ready, nested).

    Raises
    ------
    TypeError
        If ``schedule`` is not an lrsched schedule, or is a :class:`~lrsched.FromCallable`
        (a Python function cannot be written as data).
    """
    classes = _classes()
    name = type(schedule).__name__
    if not isinstance(schedule, Schedule) or classes.get(name) is not type(schedule):
        raise TypeError(
            f"schedule must be one of lrsched's schedule classes; got {type(schedule).__name__}"
        )
    if name == "FromCallable":
        raise TypeError(
            "schedule FromCallable wraps a Python function, which cannot be saved as data; "
            "use one of lrsched's schedule classes"
        )
    if name == "Product":
        return {"class": name, "params": {"schedules": _encode(schedule.schedules, name)}}
    params = {p: _encode(getattr(schedule, p), f"{name}.{p}") for p in schedule._params}
    return {"class": name, "params": params}


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"class", "params"}:
        return schedule_from_config(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def schedule_from_config(config: dict[str, Any]) -> Schedule:
    """Rebuild the schedule described by :func:`schedule_to_config`.

    Raises
    ------
    TypeError
        If ``config`` is not such a description.
    ValueError
        If it names an unknown class (the parameters are validated by the class).
    """
    if not isinstance(config, dict) or set(config) != {"class", "params"}:
        raise TypeError(f"config must be a dict with keys 'class' and 'params'; got {config!r}")
    classes = _classes()
    name, params = config["class"], config["params"]
    if name not in classes or name == "FromCallable":
        raise ValueError(f"config names an unknown schedule class {name!r}")
    if not isinstance(params, dict):
        raise TypeError(f"config['params'] must be a dict; got {type(params).__name__}")
    kwargs = {k: _decode(v) for k, v in params.items()}
    if name == "Product":
        return classes[name](*kwargs["schedules"])
    return classes[name](**kwargs)
