"""Speed of the lrsched schedules (a script, not a test; run ``make bench``).

For every schedule, the time to evaluate 1,000,000 steps is printed as a ratio to
a hand-written NumPy expression of the same formula, timed in the same process
(goal: <= 1.5x). When PyTorch is installed, the per-step cost of stepping the
matching ``torch.optim.lr_scheduler`` is compared with lrsched's per-step cost
(goal: lrsched >= 1000x faster per step). Last, the import time of ``lrsched`` in
a fresh interpreter (goal: <= 0.15 s) and whether the core pulled in matplotlib or
ipywidgets (it must not).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

import numpy as np

import lrsched as ls

N = 1_000_000
REPEAT = 7


def best_time(fn, repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def hand_sgdr(t, lr0, t0, mult, lo):
    i = np.floor(np.log1p(t * (mult - 1) / t0) / np.log(mult))
    start = t0 * (mult**i - 1) / (mult - 1)
    return lo + (lr0 - lo) * (1 + np.cos(np.pi * (t - start) / (t0 * mult**i))) / 2


def hand_cyclic(t, lo, hi, step):
    cycle = np.floor(1 + t / (2 * step))
    x = np.abs(t / step - 2 * cycle + 1)
    return lo + (hi - lo) * np.maximum(0, 1 - x)


def hand_onecycle(t, hi, T, pct=0.3, div=25.0, fdiv=1e4):
    init, final = hi / div, hi / div / fdiv
    e1, e2 = pct * T - 1, T - 1.0
    t = np.minimum(t, e2)
    up = hi + (init - hi) / 2 * (np.cos(np.pi * t / e1) + 1)
    down = final + (hi - final) / 2 * (np.cos(np.pi * (t - e1) / (e2 - e1)) + 1)
    return np.where(t <= e1, up, down)


def hand_warmup_cosine(t, hi, T, tw, lo):
    ramp = hi * t / tw
    cos = lo + 0.5 * (hi - lo) * (1 + np.cos(np.pi * np.minimum(t - tw, T - tw) / (T - tw)))
    return np.where(t < tw, ramp, cos)


def hand_wsd(t, hi, T, tw, td):
    u = np.clip((t - (T - td)) / td, 0, 1)
    return np.where(t < tw, hi * t / tw, hi * (1 - u))


CASES = [
    ("constant", ls.Constant(0.1), lambda t: np.full(t.shape, 0.1)),
    ("step decay", ls.StepDecay(0.1, 20_000, 0.5), lambda t: 0.1 * 0.5 ** (t // 20_000)),
    (
        "multistep",
        ls.MultiStep(0.1, [300_000, 600_000, 900_000], 0.1),
        lambda t: 0.1 * 0.1 ** np.searchsorted([300_000, 600_000, 900_000], t, side="right"),
    ),
    ("exponential", ls.Exponential(0.1, gamma=0.99999), lambda t: 0.1 * 0.99999**t),
    ("inverse time", ls.InverseTime(0.1, 1e-4), lambda t: 0.1 / (1 + 1e-4 * t)),
    (
        "polynomial",
        ls.Polynomial(0.1, N, 2.0, 1e-4),
        lambda t: (0.1 - 1e-4) * (1 - np.minimum(t, N) / N) ** 2.0 + 1e-4,
    ),
    (
        "cosine",
        ls.Cosine(0.1, N, 1e-4),
        lambda t: 1e-4 + 0.5 * (0.1 - 1e-4) * (1 + np.cos(np.pi * np.minimum(t, N) / N)),
    ),
    (
        "sgdr (T_mult=2)",
        ls.SGDR(0.1, 10_000, 2, 1e-4),
        lambda t: hand_sgdr(t, 0.1, 10_000, 2, 1e-4),
    ),
    ("cyclic", ls.Cyclic(1e-3, 0.1, 20_000), lambda t: hand_cyclic(t, 1e-3, 0.1, 20_000)),
    ("one-cycle", ls.OneCycle(0.1, N), lambda t: hand_onecycle(t, 0.1, N)),
    (
        "inverse sqrt",
        ls.InverseSqrt(0.1, 4000),
        lambda t: 0.1 * np.minimum((t + 1) / 4000, np.sqrt(4000 / (t + 1))),
    ),
    (
        "warm-up + cosine",
        ls.warmup_cosine(0.1, N, 50_000, 1e-4),
        lambda t: hand_warmup_cosine(t, 0.1, N, 50_000, 1e-4),
    ),
    (
        "wsd (linear)",
        ls.WSD(0.1, N, 10_000, 100_000),
        lambda t: hand_wsd(t, 0.1, N, 10_000, 100_000),
    ),
]


def torch_per_step(name: str, steps: int = 20_000) -> float | None:
    """Seconds per ``optimizer.step(); scheduler.step()``-free scheduler step, or None."""
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler
    make = {
        "step decay": lambda: sched.StepLR(opt, 20_000, 0.5),
        "exponential": lambda: sched.ExponentialLR(opt, 0.99999),
        "cosine": lambda: sched.CosineAnnealingLR(opt, N, 1e-4),
        "sgdr (T_mult=2)": lambda: sched.CosineAnnealingWarmRestarts(opt, 10_000, 2, 1e-4),
        "cyclic": lambda: sched.CyclicLR(opt, 1e-3, 0.1, 20_000, cycle_momentum=False),
        "one-cycle": lambda: sched.OneCycleLR(opt, 0.1, total_steps=N, cycle_momentum=False),
        "polynomial": lambda: sched.PolynomialLR(opt, N, 2.0),
    }
    if name not in make:
        return None
    s = make[name]()
    opt.step()  # keep torch from warning about the step order
    start = time.perf_counter()
    for _ in range(steps):
        s.step()
    return (time.perf_counter() - start) / steps


def import_time() -> tuple[float, list[str]]:
    code = (
        "import sys, time; t = time.perf_counter(); import lrsched; "
        "d = time.perf_counter() - t; "
        "print(d); print(','.join(m for m in ('matplotlib', 'ipywidgets', 'sklearn', 'scipy') "
        "if m in sys.modules))"
    )
    runs = []
    heavy: list[str] = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split("\n")
        runs.append(float(out[0]))
        heavy = [m for m in out[1].split(",") if m]
    return min(runs), heavy


def main() -> None:
    t = np.arange(N, dtype=np.int64)
    print(f"lrsched {ls.__version__}, numpy {np.__version__}; {N:,} steps, best of {REPEAT}\n")
    print(
        f"{'schedule':<18} {'lrsched ms':>10} {'numpy ms':>9} {'ratio':>6}  "
        f"{'torch us/step':>13} {'speed-up/step':>13}"
    )
    worst = 0.0
    for name, sched, hand in CASES:
        np.testing.assert_allclose(sched(t), hand(t), rtol=1e-9, atol=1e-15)
        ours = best_time(lambda s=sched: s(t))
        ref = best_time(lambda h=hand: h(t))
        ratio = ours / ref
        worst = max(worst, ratio)
        per_torch = torch_per_step(name)
        torch_cols = (
            f"{per_torch * 1e6:13.2f} {per_torch / (ours / N):12.0f}x"
            if per_torch
            else f"{'-':>13} {'-':>13}"
        )
        print(f"{name:<18} {ours * 1e3:10.2f} {ref * 1e3:9.2f} {ratio:5.2f}x  {torch_cols}")
    print(f"\nworst ratio to hand-written NumPy: {worst:.2f}x (goal <= 1.5x)")
    seconds, heavy = import_time()
    print(
        f"import lrsched: {seconds * 1e3:.0f} ms (goal <= 150 ms); "
        f"heavy modules imported: {', '.join(heavy) or 'none'}"
    )


if __name__ == "__main__":
    main()
