"""The translation table: each lrsched schedule beside its PyTorch, optax, Keras and
Hugging Face counterparts, what it does past its horizon, and the adapter that builds it.

This is the one copy of the table. Chapter 12 of the course displays
:func:`translation_table`, and the README holds the same Markdown (a test compares them).
The translations themselves live in code in :mod:`lrsched.translate`
(``from_torch``, ``from_optax``, ``from_keras``).
"""

from __future__ import annotations

__all__ = ["TRANSLATION_COLUMNS", "TRANSLATION_ROWS", "translation_table"]

#: The column headings, in order.
TRANSLATION_COLUMNS: tuple[str, ...] = (
    "lrsched",
    "PyTorch `torch.optim.lr_scheduler`",
    "optax",
    "Keras `keras.optimizers.schedules`",
    "HF `get_scheduler`",
    "past the end",
    "adapters: `from_torch` / `from_optax` / `from_keras`",
)

#: One tuple of cells per lrsched schedule, in the order of :data:`TRANSLATION_COLUMNS`.
#: ``b`` is the optimizer's base rate; ``✓`` marks a translation the tests check against
#: values produced by that library.
TRANSLATION_ROWS: tuple[tuple[str, ...], ...] = (
    (
        "`Constant(b)`",
        "none (plain `lr=b`)",
        "`constant_schedule(b)`",
        "a float",
        '`"constant"`',
        "unbounded",
        '`from_optax("constant_schedule", value=b)` ✓',
    ),
    (
        "`Sequence([Constant(f*b), Constant(b)], [n])`",
        "`ConstantLR(factor=f, total_iters=n)` ✓",
        "`piecewise_constant_schedule`",
        "—",
        "—",
        "unbounded",
        '`from_torch("ConstantLR", b, factor=f, total_iters=n)` ✓',
    ),
    (
        "`StepDecay(b, s, g)`",
        "`StepLR(step_size=s, gamma=g)` ✓",
        "`exponential_decay(b, s, g, staircase=True)`",
        "`ExponentialDecay(b, s, g, staircase=True)`",
        "—",
        "unbounded",
        '`from_torch("StepLR", b, step_size=s, gamma=g)` ✓; `from_optax("exponential_decay", '
        '..., staircase=True)` ✓; `from_keras("ExponentialDecay", ..., staircase=True)` ✓',
    ),
    (
        "`MultiStep(b, ms, g)`",
        "`MultiStepLR(milestones=ms, gamma=g)` ✓",
        "`piecewise_constant_schedule(b, {m: g, ...})`",
        "`PiecewiseConstantDecay` (drops one step later)",
        "—",
        "unbounded",
        '`from_torch("MultiStepLR", b, milestones=ms, gamma=g)` ✓; '
        '`from_optax("piecewise_constant_schedule", ...)` ✓ and '
        '`from_keras("PiecewiseConstantDecay", ...)` ✓ give the equivalent `Sequence` of '
        "constants (Keras's one step later)",
    ),
    (
        "`Exponential(b, gamma=g)` or `Exponential(b, lam=λ)`",
        "`ExponentialLR(gamma=g)` ✓ (`g = exp(-λ)`)",
        "`exponential_decay(b, 1, g)`",
        "`ExponentialDecay(b, 1, g)`",
        "—",
        "unbounded",
        '`from_torch("ExponentialLR", b, gamma=g)` ✓; `from_optax("exponential_decay", '
        "init_value=b, transition_steps=k, decay_rate=r)` ✓ and "
        '`from_keras("ExponentialDecay", ...)` ✓ give `lam = -ln(r)/k`',
    ),
    (
        "`InverseTime(b, k)`",
        "`LambdaLR(lambda t: 1 / (1 + k * t))`",
        "—",
        "`InverseTimeDecay(b, 1, k)` ✓",
        "—",
        "unbounded",
        '`from_keras("InverseTimeDecay", initial_learning_rate=b, decay_steps=n, '
        "decay_rate=r)` ✓ (`k = r/n`)",
    ),
    (
        "`Polynomial(b, T, p, e)`",
        "`PolynomialLR(total_iters=T, power=p)` ✓ (`e = 0` only)",
        "`polynomial_schedule(b, e, p, T)` ✓",
        "`PolynomialDecay(b, T, e, p)` ✓",
        '`"polynomial"` (after a warm-up)',
        "clamp",
        '`from_torch("PolynomialLR", b, total_iters=T, power=p)` ✓; '
        '`from_optax("polynomial_schedule", ...)` ✓; `from_keras("PolynomialDecay", ...)` ✓',
    ),
    (
        "`Polynomial(b*s, T, 1, b*e)`",
        "`LinearLR(start_factor=s, end_factor=e, total_iters=T)` ✓",
        "`linear_schedule(b*s, b*e, T)`",
        "`PolynomialDecay(b*s, T, b*e, 1)`",
        '`"linear"` (after a warm-up)',
        "clamp",
        '`from_torch("LinearLR", b, start_factor=s, end_factor=e, total_iters=T)` ✓; '
        '`from_optax("linear_schedule", ...)` ✓',
    ),
    (
        "`Cosine(b, T, lr_min)`",
        '`CosineAnnealingLR(T_max=T, eta_min=lr_min)` ✓ for `t <= T`; `after="mirror"` '
        "reproduces its rise after `T`",
        "`cosine_decay_schedule(b, T, alpha=lr_min/b)`",
        "`CosineDecay(b, T, alpha=lr_min/b)`",
        '`"cosine"` (after a warm-up; rises after `T`)',
        "clamp",
        '`from_torch("CosineAnnealingLR", b, T_max=T, eta_min=lr_min)` ✓ (gives '
        '`after="mirror"`); `from_optax("cosine_decay_schedule", ...)` ✓; '
        '`from_keras("CosineDecay", ...)` ✓',
    ),
    (
        "`warmup_cosine(b, T, tw, lr_min)`",
        "`SequentialLR([LinearLR(...), CosineAnnealingLR(T - tw)], [tw])` (`LinearLR` cannot "
        "start at 0)",
        "`warmup_cosine_decay_schedule(0, b, tw, T, lr_min)` ✓",
        "`CosineDecay(0, T - tw, lr_min/b, warmup_target=b, warmup_steps=tw)`",
        '`"cosine"`, `"cosine_with_min_lr"`',
        "clamp",
        '`from_optax("warmup_cosine_decay_schedule", ...)` ✓; `from_keras("CosineDecay", '
        "..., warmup_target=b, warmup_steps=tw)` ✓",
    ),
    (
        "`Warmup(s, tw)`",
        "`SequentialLR([LinearLR(...), ...], [tw])`",
        "`join_schedules([linear_schedule(0, peak, tw), s], [tw])`",
        "—",
        "`num_warmup_steps=tw`",
        "as `s`",
        "—",
    ),
    (
        "`SGDR(b, T0, Tm, lr_min, decay)`",
        "`CosineAnnealingWarmRestarts(T_0=T0, T_mult=Tm, eta_min=lr_min)` ✓ (integer `Tm`, no "
        "`decay`)",
        "`sgdr_schedule` (lists the cycles)",
        "`CosineDecayRestarts(b, T0, t_mul=Tm, m_mul=decay, alpha=lr_min/b)` ✓",
        '`"cosine_with_restarts"` (equal cycles)',
        "periodic",
        '`from_torch("CosineAnnealingWarmRestarts", b, T_0=T0, T_mult=Tm, eta_min=lr_min)` ✓; '
        '`from_keras("CosineDecayRestarts", ...)` ✓',
    ),
    (
        "`Cyclic(lo, hi, up, down, mode, gamma)`",
        "`CyclicLR(base_lr=lo, max_lr=hi, step_size_up=up, step_size_down=down, mode=mode, "
        "gamma=gamma)` ✓ (LR only, no momentum cycling)",
        "—",
        "—",
        "—",
        "periodic",
        '`from_torch("CyclicLR", base_lr=lo, max_lr=hi, ...)` ✓ (momentum cycling not modelled)',
    ),
    (
        "`OneCycle(hi, T, pct, anneal, div, fdiv, three_phase)`",
        "`OneCycleLR(max_lr=hi, total_steps=T, pct_start=pct, anneal_strategy=anneal, "
        "div_factor=div, final_div_factor=fdiv, three_phase=three_phase)` ✓ (raises after `T` "
        "steps)",
        "`cosine_onecycle_schedule(T, hi)`, `linear_onecycle_schedule` (one update later: "
        "`OneCycle(hi, T + 1, pct_start=(pct*T + 1)/(T + 1))`)",
        "—",
        "—",
        "clamp",
        '`from_torch("OneCycleLR", max_lr=hi, total_steps=T, ...)` ✓; its `cycle_momentum` '
        "(SGD `momentum`, Adam `betas[0]`) is `OneCycleMomentum(T, pct, anneal, base_momentum, "
        "max_momentum, three_phase)` ✓, driven by `ScheduleLR(..., momentum=...)`",
    ),
    (
        "`InverseSqrt(peak, tw)`, `InverseSqrt.noam(d_model, tw)`",
        "`LambdaLR`",
        "—",
        "—",
        '`"inverse_sqrt"` (warm-up from 0, separate timescale)',
        "unbounded",
        "—",
    ),
    (
        "`WSD(b, T, tw, td, decay, lr_min)`",
        "`SequentialLR` of three",
        "`join_schedules`",
        "—",
        '`"warmup_stable_decay"` ✓',
        "clamp",
        "—",
    ),
    (
        "`Sequence(schedules, boundaries)`",
        "`SequentialLR(schedulers, milestones)` ✓",
        "`join_schedules(schedules, boundaries)`",
        "—",
        "—",
        "the last one's",
        "—",
    ),
    (
        "`Product(s1, s2, ...)`",
        "`ChainedScheduler(schedulers)` ✓",
        "—",
        "—",
        "—",
        "the factors' own if they agree, else unbounded",
        "—",
    ),
    (
        "`FromCallable(fn)`",
        "`LambdaLR(lr_lambda)`",
        "any `count -> value` function",
        "a `LearningRateSchedule` subclass",
        "—",
        "unbounded",
        '`from_torch("LambdaLR", b, lr_lambda=f)` ✓ (gives `t -> b * f(t)`)',
    ),
    (
        "`ReduceOnPlateau(b, ...)` (stateful)",
        "`ReduceLROnPlateau(...)` ✓",
        "`optax.contrib.reduce_on_plateau`",
        "`keras.callbacks.ReduceLROnPlateau`",
        '`"reduce_lr_on_plateau"`',
        "—",
        '`from_torch("ReduceLROnPlateau", b, ...)` ✓; drive an optimizer with '
        "`lrsched.torch.PlateauLR(opt, rule)` and `step(metric)` ✓",
    ),
)


def translation_table() -> str:
    r"""The translation table as a Markdown table.

    Returns
    -------
    str
        A header row, a separator row and one row per entry of :data:`TRANSLATION_ROWS`,
        cells joined by ``" | "``; no trailing newline.

    Examples
    --------
    >>> translation_table().splitlines()[0].startswith("| lrsched | PyTorch")
    True
    """

    def row(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cells) + " |"

    lines = [row(TRANSLATION_COLUMNS), row(tuple("---" for _ in TRANSLATION_COLUMNS))]
    lines += [row(cells) for cells in TRANSLATION_ROWS]
    return "\n".join(lines)
