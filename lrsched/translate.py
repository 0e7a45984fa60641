"""The translation table as code: lrsched schedules from PyTorch, optax and Keras arguments.

``from_torch("StepLR", 0.1, step_size=30)`` returns the lrsched schedule whose values
are the learning rates that ``StepLR(optimizer, step_size=30)`` gives an optimizer with
``lr=0.1`` when stepped once per update. None of these functions imports a framework:
they read arguments only, with each framework's own defaults.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from ._validate import check_real
from .base import Schedule
from .compose import FromCallable, Sequence
from .cosine import SGDR, Cosine
from .cyclic import Cyclic, OneCycle
from .decay import Constant, Exponential, InverseTime, MultiStep, Polynomial, StepDecay
from .plateau import ReduceOnPlateau
from .warmup import Warmup

__all__ = ["from_torch", "from_optax", "from_keras"]


def _need_lr(lr: float | None, name: str) -> float:
    if lr is None:
        raise TypeError(f"from_torch({name!r}) needs lr, the optimizer's learning rate")
    return check_real("lr", lr, low=0.0, low_open=True)


def _unsupported(where: str, what: str) -> ValueError:
    return ValueError(f"{where}: {what} has no lrsched equivalent")


# --- PyTorch: torch.optim.lr_scheduler, stepped once per update ---------------------------


def _t_step(lr, step_size, gamma=0.1):
    return StepDecay(_need_lr(lr, "StepLR"), step_size, gamma)


def _t_multistep(lr, milestones, gamma=0.1):
    return MultiStep(_need_lr(lr, "MultiStepLR"), sorted(milestones), gamma)


def _t_exponential(lr, gamma):
    return Exponential(_need_lr(lr, "ExponentialLR"), gamma=gamma)


def _t_cosine(lr, T_max, eta_min=0.0):
    return Cosine(_need_lr(lr, "CosineAnnealingLR"), T_max, eta_min, after="mirror")


def _t_sgdr(lr, T_0, T_mult=1, eta_min=0.0):
    return SGDR(_need_lr(lr, "CosineAnnealingWarmRestarts"), T_0, T_mult, eta_min)


def _t_cyclic(
    lr,
    base_lr,
    max_lr,
    step_size_up=2000,
    step_size_down=None,
    mode="triangular",
    gamma=1.0,
    scale_fn=None,
    scale_mode="cycle",
    cycle_momentum=True,
    base_momentum=0.8,
    max_momentum=0.9,
):
    if scale_fn is not None:
        raise _unsupported("from_torch('CyclicLR')", "a custom scale_fn")
    return Cyclic(base_lr, max_lr, step_size_up, step_size_down, mode=mode, gamma=gamma)


def _t_onecycle(
    lr,
    max_lr,
    total_steps=None,
    epochs=None,
    steps_per_epoch=None,
    pct_start=0.3,
    anneal_strategy="cos",
    cycle_momentum=True,
    base_momentum=0.85,
    max_momentum=0.95,
    div_factor=25.0,
    final_div_factor=1e4,
    three_phase=False,
):
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise TypeError(
                "from_torch('OneCycleLR') needs total_steps or epochs and steps_per_epoch"
            )
        total_steps = epochs * steps_per_epoch
    return OneCycle(
        max_lr,
        total_steps,
        pct_start=pct_start,
        anneal=anneal_strategy,
        div_factor=div_factor,
        final_div_factor=final_div_factor,
        three_phase=three_phase,
    )


def _t_linear(lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
    b = _need_lr(lr, "LinearLR")
    start_factor = check_real("start_factor", start_factor, low=0.0, high=1.0, low_open=True)
    end_factor = check_real("end_factor", end_factor, low=0.0, high=1.0)
    return Polynomial(b * start_factor, total_iters, 1.0, b * end_factor)


def _t_polynomial(lr, total_iters=5, power=1.0):
    return Polynomial(_need_lr(lr, "PolynomialLR"), total_iters, power)


def _t_constant(lr, factor=1.0 / 3, total_iters=5):
    b = _need_lr(lr, "ConstantLR")
    factor = check_real("factor", factor, low=0.0, high=1.0, low_open=True)
    return Sequence([Constant(b * factor), Constant(b)], [total_iters])


def _t_lambda(lr, lr_lambda):
    b = _need_lr(lr, "LambdaLR")
    if not callable(lr_lambda):
        raise TypeError(f"lr_lambda must be a function of the step; got {lr_lambda!r}")
    return FromCallable(lambda t: b * lr_lambda(t), name="LambdaLR")


def _t_plateau(
    lr,
    mode="min",
    factor=0.1,
    patience=10,
    threshold=1e-4,
    threshold_mode="rel",
    cooldown=0,
    min_lr=0.0,
    eps=1e-8,
):
    b = _need_lr(lr, "ReduceLROnPlateau")
    return ReduceOnPlateau(
        b, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps
    )


_TORCH: dict[str, Callable[..., Any]] = {
    "StepLR": _t_step,
    "MultiStepLR": _t_multistep,
    "ExponentialLR": _t_exponential,
    "CosineAnnealingLR": _t_cosine,
    "CosineAnnealingWarmRestarts": _t_sgdr,
    "CyclicLR": _t_cyclic,
    "OneCycleLR": _t_onecycle,
    "LinearLR": _t_linear,
    "PolynomialLR": _t_polynomial,
    "ConstantLR": _t_constant,
    "LambdaLR": _t_lambda,
    "ReduceLROnPlateau": _t_plateau,
}


def _call(table: dict[str, Callable[..., Any]], name: Any, where: str, *args: Any, **kw: Any):
    key = name if isinstance(name, str) else getattr(name, "__name__", None)
    if key not in table:
        known = ", ".join(sorted(table))
        raise ValueError(f"{where}: unknown scheduler {name!r}; known: {known}")
    try:
        inspect.signature(table[key]).bind(*args, **kw)
    except TypeError as exc:
        raise TypeError(f"{where}({key!r}): {exc}") from None
    return table[key](*args, **kw)


def from_torch(
    scheduler: Any, lr: float | None = None, **kwargs: Any
) -> Schedule | ReduceOnPlateau:
    r"""The lrsched schedule equal to a PyTorch scheduler with these arguments.

    Parameters
    ----------
    scheduler : str or class
        The scheduler's name or class in ``torch.optim.lr_scheduler`` (``"StepLR"``,
        ``"MultiStepLR"``, ``"ExponentialLR"``, ``"CosineAnnealingLR"``,
        ``"CosineAnnealingWarmRestarts"``, ``"CyclicLR"``, ``"OneCycleLR"``, ``"LinearLR"``,
        ``"PolynomialLR"``, ``"ConstantLR"``, ``"LambdaLR"``, ``"ReduceLROnPlateau"``).
    lr : float, optional
        The optimizer's learning rate :math:`b` (the scheduler's base rate). Not needed by
        ``CyclicLR`` and ``OneCycleLR``, which set the rate themselves.
    **kwargs
        The scheduler's arguments without the optimizer, with PyTorch's defaults.

    Returns
    -------
    Schedule or ReduceOnPlateau
        :math:`\alpha_t` equals ``get_last_lr()[0]`` before update ``t`` when PyTorch's
        scheduler is stepped once per update (``optimizer.step(); scheduler.step()``).
        ``CosineAnnealingLR`` maps to ``Cosine(after="mirror")``, its own rise past
        ``T_max``. ``ReduceLROnPlateau`` gives the stateful :class:`~lrsched.ReduceOnPlateau`.

    Examples
    --------
    >>> from_torch("StepLR", 0.1, step_size=30)
    StepDecay(lr0=0.1, step_size=30, gamma=0.1)
    """
    return _call(_TORCH, scheduler, "from_torch", lr, **kwargs)


# --- optax ---------------------------------------------------------------------------------


def _delayed(schedule: Schedule, value0: float, begin: int) -> Schedule:
    if begin == 0:
        return schedule
    return Sequence([Constant(value0), schedule], [begin])


def _check_exponent(exponent: Any, where: str) -> None:
    if check_real("exponent", exponent) != 1.0:
        raise _unsupported(where, "exponent != 1")


def _o_constant(value):
    return Constant(value)


def _o_exponential(
    init_value, transition_steps, decay_rate, transition_begin=0, staircase=False, end_value=None
):
    if end_value is not None:
        raise _unsupported("from_optax('exponential_decay')", "end_value")
    if staircase:
        body: Schedule = StepDecay(init_value, transition_steps, decay_rate)
    else:
        steps = check_real("transition_steps", transition_steps, low=0.0, low_open=True)
        gamma = check_real("decay_rate", decay_rate, low=0.0, high=1.0, low_open=True)
        body = Exponential(init_value, lam=-math.log(gamma) / steps)
    return _delayed(body, init_value, transition_begin)


def _o_polynomial(init_value, end_value, power, transition_steps, transition_begin=0):
    body = Polynomial(init_value, transition_steps, power, end_value)
    return _delayed(body, init_value, transition_begin)


def _o_linear(init_value, end_value, transition_steps, transition_begin=0):
    return _o_polynomial(init_value, end_value, 1.0, transition_steps, transition_begin)


def _o_cosine(init_value, decay_steps, alpha=0.0, exponent=1.0):
    _check_exponent(exponent, "from_optax('cosine_decay_schedule')")
    lr0 = check_real("init_value", init_value, low=0.0, low_open=True)
    return Cosine(lr0, decay_steps, check_real("alpha", alpha, low=0.0, high=1.0) * lr0)


def _o_warmup_cosine(
    init_value, peak_value, warmup_steps, decay_steps, end_value=0.0, exponent=1.0
):
    _check_exponent(exponent, "from_optax('warmup_cosine_decay_schedule')")
    cosine = Cosine(peak_value, decay_steps - warmup_steps, end_value)
    if warmup_steps == 0:
        return cosine
    return Warmup(cosine, warmup_steps, start_lr=init_value)


def _o_piecewise(init_value, boundaries_and_scales=None):
    lr0 = check_real("init_value", init_value, low=0.0, low_open=True)
    if not boundaries_and_scales:
        return Constant(lr0)
    values, bounds = [Constant(lr0)], []
    for b in sorted(boundaries_and_scales):
        lr0 = lr0 * check_real("scale", boundaries_and_scales[b], low=0.0, low_open=True)
        values.append(Constant(lr0))
        bounds.append(b)
    return Sequence(values, bounds)


_OPTAX: dict[str, Callable[..., Any]] = {
    "constant_schedule": _o_constant,
    "exponential_decay": _o_exponential,
    "polynomial_schedule": _o_polynomial,
    "linear_schedule": _o_linear,
    "cosine_decay_schedule": _o_cosine,
    "warmup_cosine_decay_schedule": _o_warmup_cosine,
    "piecewise_constant_schedule": _o_piecewise,
}


def from_optax(schedule: Any, **kwargs: Any) -> Schedule:
    r"""The lrsched schedule equal to an optax schedule with these arguments.

    Parameters
    ----------
    schedule : str or function
        The optax schedule's name or function: ``"constant_schedule"``,
        ``"exponential_decay"`` (without ``end_value``), ``"polynomial_schedule"``,
        ``"linear_schedule"``, ``"cosine_decay_schedule"``,
        ``"warmup_cosine_decay_schedule"`` (``exponent=1``),
        ``"piecewise_constant_schedule"``.
    **kwargs
        Its arguments, with optax's defaults.

    Returns
    -------
    Schedule
        :math:`\alpha_t` equals the optax schedule at ``count = t``. A
        ``transition_begin`` :math:`> 0` becomes a :class:`~lrsched.Sequence` that holds
        the initial value first; the smooth ``exponential_decay`` becomes
        :math:`\alpha_0 e^{-\lambda t}` with :math:`\lambda = -\ln(r)/k`.

    Examples
    --------
    >>> from_optax("cosine_decay_schedule", init_value=0.1, decay_steps=100)
    Cosine(lr0=0.1, T=100, lr_min=0.0, after='clamp')
    """
    return _call(_OPTAX, schedule, "from_optax", **kwargs)


# --- Keras 3: keras.optimizers.schedules ---------------------------------------------------


def _k_exponential(initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
    if staircase:
        return StepDecay(initial_learning_rate, decay_steps, decay_rate)
    steps = check_real("decay_steps", decay_steps, low=0.0, low_open=True)
    rate = check_real("decay_rate", decay_rate, low=0.0, high=1.0, low_open=True)
    return Exponential(initial_learning_rate, lam=-math.log(rate) / steps)


def _k_inverse_time(initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
    if staircase:
        raise _unsupported("from_keras('InverseTimeDecay')", "staircase=True")
    steps = check_real("decay_steps", decay_steps, low=0.0, low_open=True)
    return InverseTime(initial_learning_rate, check_real("decay_rate", decay_rate, low=0.0) / steps)


def _k_polynomial(
    initial_learning_rate, decay_steps, end_learning_rate=1e-4, power=1.0, cycle=False, name=None
):
    if cycle:
        raise _unsupported("from_keras('PolynomialDecay')", "cycle=True")
    return Polynomial(initial_learning_rate, decay_steps, power, end_learning_rate)


def _k_cosine(
    initial_learning_rate, decay_steps, alpha=0.0, name=None, warmup_target=None, warmup_steps=0
):
    alpha = check_real("alpha", alpha, low=0.0, high=1.0)
    if warmup_target is None:
        lr0 = check_real("initial_learning_rate", initial_learning_rate, low=0.0, low_open=True)
        return Cosine(lr0, decay_steps, alpha * lr0)
    peak = check_real("warmup_target", warmup_target, low=0.0, low_open=True)
    cosine = Cosine(peak, decay_steps, alpha * peak)
    if warmup_steps == 0:
        return cosine
    return Warmup(cosine, warmup_steps, start_lr=initial_learning_rate)


def _k_restarts(
    initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
):
    lr0 = check_real("initial_learning_rate", initial_learning_rate, low=0.0, low_open=True)
    floor = check_real("alpha", alpha, low=0.0, high=1.0) * lr0
    return SGDR(lr0, first_decay_steps, t_mul, floor, m_mul)


def _k_piecewise(boundaries, values, name=None):
    if len(values) != len(boundaries) + 1:
        raise ValueError(
            f"values must hold len(boundaries) + 1 = {len(boundaries) + 1} rates; got {len(values)}"
        )
    # Keras switches to values[i + 1] one step after boundaries[i]
    return Sequence([Constant(v) for v in values], [int(b) + 1 for b in boundaries])


_KERAS: dict[str, Callable[..., Any]] = {
    "ExponentialDecay": _k_exponential,
    "InverseTimeDecay": _k_inverse_time,
    "PolynomialDecay": _k_polynomial,
    "CosineDecay": _k_cosine,
    "CosineDecayRestarts": _k_restarts,
    "PiecewiseConstantDecay": _k_piecewise,
}


def from_keras(schedule: Any, **kwargs: Any) -> Schedule:
    r"""The lrsched schedule equal to a Keras 3 ``LearningRateSchedule`` with these arguments.

    Parameters
    ----------
    schedule : str or class
        The name or class in ``keras.optimizers.schedules``: ``"ExponentialDecay"``,
        ``"InverseTimeDecay"`` (not ``staircase``), ``"PolynomialDecay"`` (not
        ``cycle``), ``"CosineDecay"`` (with or without warm-up), ``"CosineDecayRestarts"``,
        ``"PiecewiseConstantDecay"``.
    **kwargs
        Its arguments, with Keras's defaults (``name`` is ignored).

    Returns
    -------
    Schedule
        :math:`\alpha_t` equals the Keras schedule at ``step = t``. Keras
        ``PiecewiseConstantDecay`` switches one step after each boundary ``b``, so the
        result switches at ``b + 1``.

    Examples
    --------
    >>> from_keras("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)
    InverseTime(lr0=0.1, k=0.05)
    """
    return _call(_KERAS, schedule, "from_keras", **kwargs)
