"""Per-step cost of the framework adapters (a script, not a test; run ``make bench``).

PyTorch: the time of ``scheduler.step()`` (what a scheduler adds to each optimizer step)
for ``lrsched.torch.ScheduleLR`` against PyTorch's own scheduler of the same shape and
against ``LambdaLR`` with the same formula written as a Python function, printed as
ratios (goal: ``ScheduleLR`` no slower than either, ratio <= 1). A full training step
(forward, backward, ``optimizer.step()``, ``scheduler.step()``) on a small model is timed
too, to show the scheduler's share.

optax: one jitted SGD update on a 64x10 model with ``inject_hyperparams`` and the
lrsched schedule against the same update with optax's own schedule, or the formula in
``jax.numpy`` where optax has none (goal: ratio <= 1.2; a schedule read through a host
callback past its table, such as the inverse square root, pays for the callback).

PyTorch times are CPU times of this process, optax times wall times (best of REPEAT,
candidates interleaved). Each adapter is skipped with a message when its framework is
not installed.
"""

from __future__ import annotations

import importlib.util
import math
import time

import numpy as np

import lrsched as ls

STEPS = 20_000
REPEAT = 7


def best_times(*setups, repeat: int = REPEAT, clock=time.process_time) -> list[float]:
    """Best time of each ``setup()()``, the candidates interleaved in every round.

    ``clock`` is CPU time by default (steadier than wall time on a shared machine, and
    the same thing for single-threaded Python); the optax rows use wall time, since a
    host callback makes the compiled step wait without using CPU.
    """
    best = [float("inf")] * len(setups)
    for _ in range(repeat):
        for i, setup in enumerate(setups):
            run = setup()
            start = clock()
            run()
            best[i] = min(best[i], clock() - start)
    return best


def torch_rows() -> None:
    import torch
    from torch.optim import lr_scheduler as L

    from lrsched.torch import ScheduleLR

    torch.set_num_threads(1)
    T = STEPS
    cases = [
        (
            "StepLR(step_size=100, gamma=0.5)",
            lambda o: L.StepLR(o, 100, 0.5),
            lambda t: 0.5 ** (t // 100),
            ls.StepDecay(0.1, 100, 0.5),
        ),
        (
            "CosineAnnealingLR(T_max=T, eta_min=1e-4)",
            lambda o: L.CosineAnnealingLR(o, T, 1e-4),
            lambda t: (1e-4 + 0.5 * (0.1 - 1e-4) * (1 + math.cos(math.pi * t / T))) / 0.1,
            ls.Cosine(0.1, T, 1e-4, after="mirror"),
        ),
        (
            "OneCycleLR(max_lr=0.1, total_steps=T+1)",
            lambda o: L.OneCycleLR(o, 0.1, total_steps=T + 1),
            None,
            ls.OneCycle(0.1, T + 1),
        ),
        (
            "SGDR: CosineAnnealingWarmRestarts(T_0=500, T_mult=2)",
            lambda o: L.CosineAnnealingWarmRestarts(o, 500, 2),
            None,
            ls.SGDR(0.1, 500, 2),
        ),
    ]

    def stepping(make):
        w = torch.zeros(4, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        sched = make(opt)
        opt.step()

        def run():
            for _ in range(T):
                sched.step()

        return run

    print(f"PyTorch {torch.__version__}: scheduler.step() over {T:,} steps (best of {REPEAT})")
    head = ("shape", "lrsched", "torch", "ratio", "LambdaLR", "ratio")
    print("  {:54s} {:>9s} {:>9s} {:>6s} {:>9s} {:>6s}".format(*head))
    for name, make_torch, factor, schedule in cases:
        setups = [
            lambda s=schedule: stepping(lambda o: ScheduleLR(o, s)),
            lambda m=make_torch: stepping(m),
        ]
        if factor is not None:
            setups.append(lambda f=factor: stepping(lambda o: L.LambdaLR(o, f)))
        ours, theirs, *lam = best_times(*setups)
        line = (
            f"  {name:54s} {ours / T * 1e6:7.2f}us {theirs / T * 1e6:7.2f}us {ours / theirs:6.2f}"
        )
        if lam:
            line += f" {lam[0] / T * 1e6:7.2f}us {ours / lam[0]:6.2f}"
        print(line)
    # LambdaLR driven by the lrsched schedule itself (the hand-written route the adapter
    # replaces): s(t) / base per step
    s = ls.Cosine(0.1, T, 1e-4)
    ours, lam = best_times(
        lambda: stepping(lambda o: ScheduleLR(o, s)),
        lambda: stepping(lambda o: L.LambdaLR(o, lambda t: s(t) / 0.1)),
    )
    print(
        f"  {'Cosine: LambdaLR(lambda t: s(t) / base)':54s} {ours / T * 1e6:7.2f}us "
        f"{lam / T * 1e6:7.2f}us {ours / lam:6.2f}   (ratio: ScheduleLR / that LambdaLR)"
    )

    # a whole training step on digits-sized softmax regression, to put it in proportion
    X = torch.randn(32, 64, dtype=torch.float64)
    y = torch.randint(0, 10, (32,))

    def training(make, n=2000):
        torch.manual_seed(0)
        model = torch.nn.Linear(64, 10).double()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = make(opt)

        def run():
            for _ in range(n):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(X), y).backward()
                opt.step()
                if sched is not None:
                    sched.step()

        return run

    bare, ours, theirs = best_times(
        lambda: training(lambda o: None),
        lambda: training(lambda o: ScheduleLR(o, ls.Cosine(0.1, T))),
        lambda: training(lambda o: L.CosineAnnealingLR(o, T)),
    )
    print(
        "  full training step (64x10 softmax regression, batch 32): "
        f"none {bare / 2000 * 1e6:.1f}us, "
        f"ScheduleLR {ours / 2000 * 1e6:.1f}us, CosineAnnealingLR {theirs / 2000 * 1e6:.1f}us "
        f"(ratio {ours / theirs:.2f})"
    )


def optax_rows() -> None:
    import jax
    import jax.numpy as jnp
    import optax

    from lrsched.optax import schedule

    T = 10_000
    cases = [
        (
            "warmup_cosine (clamp: table read)",
            ls.warmup_cosine(0.1, T, 500),
            optax.warmup_cosine_decay_schedule(0.0, 0.1, 500, T),
        ),
        (
            "exponential (geometric: table * r**k)",
            ls.Exponential(0.1, gamma=0.9995),
            optax.exponential_decay(0.1, 1, 0.9995),
        ),
        (
            "inverse sqrt (open: table + host callback)",
            ls.InverseSqrt(0.1, 500),
            lambda c: 0.1 * jnp.minimum((c + 1.0) / 500, jnp.sqrt(500 / (c + 1.0))),
        ),
    ]
    X = jnp.asarray(np.random.default_rng(0).normal(size=(32, 64)), dtype=jnp.float32)
    y = jnp.asarray(np.random.default_rng(1).integers(0, 10, 32))

    def loss(p):
        logits = X @ p["w"] + p["b"]
        return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(32), y])

    def timing(lr, n=2000):
        opt = optax.inject_hyperparams(optax.sgd)(learning_rate=lr)
        params = {"w": jnp.zeros((64, 10)), "b": jnp.zeros(10)}
        state = opt.init(params)

        @jax.jit
        def update(params, state):
            updates, state = opt.update(jax.grad(loss)(params), state, params)
            return optax.apply_updates(params, updates), state

        params, state = update(params, state)
        jax.block_until_ready(params)

        def run():
            p, s = params, state
            for _ in range(n):
                p, s = update(p, s)
            jax.block_until_ready(p)

        return run

    print(
        f"optax {optax.__version__} / jax {jax.__version__}: "
        f"one jitted SGD update (best of {REPEAT})"
    )
    for name, ours_s, theirs_s in cases:
        ours, theirs = best_times(
            lambda s=ours_s: timing(schedule(s, horizon=T)),
            lambda s=theirs_s: timing(s),
            clock=time.perf_counter,
        )
        print(
            f"  {name:46s} lrsched {ours / 2000 * 1e6:7.1f}us  optax {theirs / 2000 * 1e6:7.1f}us  "
            f"ratio {ours / theirs:5.2f}"
        )


def main() -> None:
    for module, rows in (("torch", torch_rows), ("optax", optax_rows)):
        if importlib.util.find_spec(module) is None:
            print(f"{module} is not installed: skipped (pip install 'lrsched[frameworks]')")
            continue
        rows()


if __name__ == "__main__":
    main()
