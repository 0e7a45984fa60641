"""Benchmark the noisy-SGD simulator against hand-written NumPy and the seed chapter's loop.

Workload: 10,000 seeds x 5 schedules x 1,000 updates of SGD on J = (theta - 3)^2
with gradient noise sigma = 0.3. Reported (best of N wall-clock runs,
``time.perf_counter``):

* ``lrsched.simulate_quadratic(record=False)`` against two hand-vectorised loops
  of the same update, drawing the same shared noise (goal: at most 1.5x the
  faster one);
* the per-trajectory cost against the seed chapter's scalar Python loop (one
  ``np.random.randn()`` per step), timed on 20 trajectories and scaled
  (goal: at least 100x faster).

Run with ``python benchmarks/bench_simulators.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

try:
    from lrsched.noisy_sgd import simulate_quadratic
except ModuleNotFoundError:  # run from a checkout without installing: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from lrsched.noisy_sgd import simulate_quadratic

N_SEEDS, K, T = 10_000, 5, 1_000
C, SIGMA, THETA0 = 3.0, 0.3, 0.0


def schedule_table() -> np.ndarray:
    """The seed chapter's five schedules, stretched to T steps, as a (T, K) array."""
    t = np.arange(T, dtype=np.float64)
    a0, amin = 0.3, 1e-4
    cos = amin + 0.5 * (a0 - amin) * (1 + np.cos(np.pi * t / T))
    warm_a0 = np.where(t <= T // 10, a0 * t / (T // 10), a0)
    warm = amin + 0.5 * (warm_a0 - amin) * (1 + np.cos(np.pi * t / T))
    step = a0 * 0.5 ** (t // (T // 4))
    return np.stack([np.full(T, a0), np.full(T, 0.05), cos, step, warm], axis=1)


def hand_naive(lr: np.ndarray, seed: int = 0) -> np.ndarray:
    """The obvious vectorisation: one expression per step, temporaries allocated."""
    rng = np.random.default_rng(seed)
    theta = np.full((N_SEEDS, K), THETA0)
    for t in range(T):
        xi = rng.standard_normal((N_SEEDS, 1))
        theta -= lr[t] * (2.0 * (theta - C) + SIGMA * xi)
    return (theta - C) ** 2


def hand_inplace(lr: np.ndarray, seed: int = 0) -> np.ndarray:
    """A careful vectorisation: error coordinates, preallocated buffers, noise in blocks."""
    rng = np.random.default_rng(seed)
    e = np.full((N_SEEDS, K), THETA0 - C)
    g = np.empty_like(e)
    block = 100
    for start in range(0, T, block):
        noise = rng.standard_normal((block, N_SEEDS, 1))
        noise *= SIGMA
        for t in range(start, start + block):
            np.multiply(e, 2.0, out=g)
            g += noise[t - start]
            g *= lr[t]
            e -= g
    return e * e


def lrsched_run(lr: np.ndarray, seed: int = 0) -> np.ndarray:
    res = simulate_quadratic(
        [lr[:, k] for k in range(K)], T=T, n_seeds=N_SEEDS, seed=seed, record=False
    )
    return res.final_loss


def seed_loop(n_traj: int) -> list[list[float]]:
    """The seed chapter's cell, as written there (cosine schedule), for ``n_traj`` runs.

    Legacy global RNG, one ``np.random.randn()`` per step, the schedule as a
    Python function of ``t``, and the loss and LR histories appended every step.
    """
    alpha0, alpha_min = 0.3, 1e-4

    def J(theta):
        return (theta - 3.0) ** 2

    def dJ(theta):
        return 2.0 * (theta - 3.0)

    def cosine_anneal(t, a0=alpha0, a_min=alpha_min, T=T):
        return a_min + 0.5 * (a0 - a_min) * (1 + np.cos(np.pi * t / T))

    state = np.random.get_state()  # noqa: NPY002 - restore the global stream afterwards
    np.random.seed(0)  # noqa: NPY002 - the chapter's legacy global RNG
    out = []
    for _ in range(n_traj):
        theta = 0.0
        loss_hist, alpha_hist = [], []
        for t in range(T):
            alpha_t = cosine_anneal(t)
            g = dJ(theta) + np.random.randn() * SIGMA  # noqa: NPY002
            theta -= alpha_t * g
            loss_hist.append(J(theta))
            alpha_hist.append(alpha_t)
        out.append(loss_hist)
    np.random.set_state(state)  # noqa: NPY002
    return out


def lrsched_recorded(lr: np.ndarray, seed: int = 0) -> np.ndarray:
    res = simulate_quadratic(
        [lr[:, k] for k in range(K)], T=T, n_seeds=N_SEEDS, seed=seed, record="loss"
    )
    return res.loss


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of N (default 5)")
    parser.add_argument("--scalar", type=int, default=20, help="scalar trajectories to time")
    args = parser.parse_args()
    lr = schedule_table()

    # same stream, same update: the three vectorised versions agree
    a, b, c = hand_naive(lr), hand_inplace(lr), lrsched_run(lr)
    assert np.allclose(a, b, rtol=1e-9, atol=1e-15) and np.allclose(b, c, rtol=1e-9, atol=1e-15)

    t_naive = best_of(lambda: hand_naive(lr), args.repeat)
    t_inplace = best_of(lambda: hand_inplace(lr), args.repeat)
    t_lrsched = best_of(lambda: lrsched_run(lr), args.repeat)
    t_recorded = best_of(lambda: lrsched_recorded(lr), max(1, args.repeat // 2))
    t_scalar = best_of(lambda: seed_loop(args.scalar), max(1, args.repeat // 2))

    n_traj = N_SEEDS * K
    per_scalar = t_scalar / args.scalar
    per_vector = t_lrsched / n_traj
    baseline = min(t_naive, t_inplace)

    print(f"workload: {N_SEEDS:,} seeds x {K} schedules x {T:,} steps, best of {args.repeat}")
    print(f"{'implementation':<46}{'seconds':>10}{'per trajectory':>18}")
    rows = [
        ("lrsched.simulate_quadratic(record=False)", t_lrsched, per_vector),
        ("hand-vectorised NumPy (naive expression)", t_naive, t_naive / n_traj),
        ("hand-vectorised NumPy (in-place, blocked)", t_inplace, t_inplace / n_traj),
        ('lrsched.simulate_quadratic(record="loss")', t_recorded, t_recorded / n_traj),
        (f"seed chapter scalar loop ({args.scalar} traj.)", t_scalar, per_scalar),
    ]
    for name, secs, per in rows:
        print(f"{name:<46}{secs:>10.3f}{per * 1e6:>15.2f} us")
    ratio = t_lrsched / baseline
    speedup = per_scalar / per_vector
    speedup_rec = per_scalar / (t_recorded / n_traj)
    print()
    print(
        f"lrsched / best hand-vectorised : {ratio:6.2f}x   (goal <= 1.5x)  "
        f"{'OK' if ratio <= 1.5 else 'MISSED'}"
    )
    print(f"lrsched / naive hand-vectorised: {t_lrsched / t_naive:6.2f}x")
    print(
        f"speed-up per trajectory vs seed loop: {speedup:,.0f}x   (goal >= 100x)  "
        f"{'OK' if speedup >= 100 else 'MISSED'}"
    )
    print(f"speed-up per trajectory vs seed loop, with full loss history: {speedup_rec:,.0f}x")


if __name__ == "__main__":
    main()
