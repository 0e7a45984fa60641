"""Peak memory of evaluating a schedule, as a ratio to the size of its output.

For every schedule family, ``s.values(N)`` and ``lr_values(s, N)`` are run under
``tracemalloc`` with ``N = 10**7`` (an 80 MB ``float64`` output) and the peak of
the memory they allocate is printed divided by the output's size (goal: <= 2.0;
evaluation runs in chunks of ``lrsched.base.CHUNK`` steps, so the expected ratio
is about 1.0 plus a few MiB of temporaries). ``s(t)`` on a given step array is
measured too: there the input already exists, so only the output is new.
A script, not a test: run ``python benchmarks/bench_memory.py [N]``.
"""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np

import lrsched as ls
from lrsched.base import CHUNK

GOAL = 2.0


def schedules() -> dict[str, ls.Schedule]:
    cos = ls.Cosine(0.1, 1000, 1e-4)
    return {
        "Constant": ls.Constant(0.1),
        "StepDecay": ls.StepDecay(0.1, 30, 0.5),
        "MultiStep": ls.MultiStep(0.1, [100, 1000, 10_000], 0.1),
        "Exponential(gamma)": ls.Exponential(0.1, gamma=0.999),
        "Exponential(lam)": ls.Exponential(0.1, lam=1e-3),
        "InverseTime": ls.InverseTime(0.1, 1e-3),
        "Polynomial": ls.Polynomial(0.1, 10**6, 2.0, 1e-4),
        "OneMinusSqrt": ls.OneMinusSqrt(0.1, 10**6, 1e-4),
        "Cosine": ls.Cosine(0.1, 10**6, 1e-4),
        "SGDR(T_mult=1)": ls.SGDR(0.1, 1000),
        "SGDR(T_mult=2, decay)": ls.SGDR(0.1, 1000, 2.0, 1e-4, 0.9),
        "Cyclic(triangular)": ls.Cyclic(1e-3, 0.1, 500),
        "Cyclic(exp_range)": ls.Cyclic(1e-3, 0.1, 500, mode="exp_range", gamma=0.9999),
        "OneCycle": ls.OneCycle(0.1, 10**6),
        "OneCycle(three_phase)": ls.OneCycle(0.1, 10**6, three_phase=True),
        "InverseSqrt": ls.InverseSqrt(0.1, 4000),
        "WSD": ls.WSD(0.1, 10**6, 1000, 10**5, "1-sqrt"),
        "warmup_cosine": ls.warmup_cosine(0.1, 10**6, 1000, 1e-4),
        "Warmup(StepDecay)": ls.Warmup(ls.StepDecay(0.1, 30, 0.5), 100),
        "Sequence": ls.Sequence([ls.Constant(0.1), cos, ls.InverseSqrt(0.1, 10)], [100, 1100]),
        "Product": ls.Product(ls.Exponential(1.0, gamma=0.9999), ls.Cyclic(0.01, 0.1, 50)),
        "SklearnOptimal": ls.SklearnOptimal(1e-4),
    }


def peak_ratio(fn, out_bytes: int) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.nbytes == out_bytes
    del result
    return peak / out_bytes


def main(n: int) -> int:
    out_bytes = 8 * n
    steps = np.arange(n, dtype=np.int64)
    print(f"peak allocated memory / output size, N = {n:,} ({out_bytes / 2**20:.0f} MiB output)")
    print(f"evaluation chunk: {CHUNK:,} steps; goal: <= {GOAL:.1f}x")
    head = f"{'schedule':<24} {'values(N)':>10} {'lr_values':>10} {'s(steps)':>10}"
    print(head)
    print("-" * len(head))
    worst = 0.0
    for name, s in schedules().items():
        r1 = peak_ratio(lambda s=s: s.values(n), out_bytes)
        r2 = peak_ratio(lambda s=s: ls.lr_values(s, n), out_bytes)
        r3 = peak_ratio(lambda s=s: s(steps), out_bytes)
        worst = max(worst, r1, r2, r3)
        print(f"{name:<24} {r1:>9.3f}x {r2:>9.3f}x {r3:>9.3f}x")
    print(f"worst ratio: {worst:.3f}x ({'meets' if worst <= GOAL else 'MISSES'} the goal)")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10**7))
