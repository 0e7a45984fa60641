"""Benchmark the batched network simulator against one-run-at-a-time training.

Workload: a 64-64-10 ReLU MLP on the standardised digits split (1,347 training images),
SGD with heavy-ball momentum 0.9, batch 32, 5 epochs (215 updates), then the loss and
accuracy on the training and held-out sets; 10 seeds x 6 schedules = 60 runs.
Reported (best of N wall-clock runs, ``time.perf_counter``), per run:

* ``lrsched.network.train_grid`` doing all 60 runs in one batch;
* a hand-written single-run NumPy loop of the same model, update and evaluation
  (2-D matrix products, one run after another), timed on a few runs and scaled
  (goal: the batched simulator at least 10x faster per run);
* the arithmetic floor: the matrix products alone at the rate the core reaches on the
  model's largest product, which bounds the speed-up any implementation can reach;
* PyTorch on the CPU (``torch.nn.Sequential`` + ``torch.optim.SGD``, float64, the usual
  one-run training loop), when torch is importable; otherwise the row is skipped with a
  note.

All three start from the same weights and see the same mini-batches, so their final
held-out losses agree; the maximum difference is printed as a cross-check. BLAS and
PyTorch use one thread (``--threads`` to change it), so the numbers are per core.

Run with ``python benchmarks/bench_network.py [--repeat N] [--single K] [--threads N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def _threads_from_argv() -> str:
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads_from_argv()  # before NumPy loads its BLAS

import numpy as np  # noqa: E402

try:
    import lrsched  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without installing: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrsched import Constant, Cosine, MultiStep  # noqa: E402
from lrsched.network import MLP, SGD, digits_data, train_grid  # noqa: E402

N_SEEDS, EPOCHS, BATCH, MOMENTUM = 10, 5, 32, 0.9
WORKLOADS = [(64, 64, 10), (64, 16, 10)]  # the course's model, then a narrow one


def matmul_flops(sizes, T: int, n_eval: int) -> float:
    """Floating-point operations of the matrix products of one run: per update the forward
    pass, the weight gradients and the back-propagated deltas; then one evaluation pass."""
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    per_row = sum(a * b for a, b in pairs)
    back = sum(a * b for a, b in pairs[1:])
    return 2.0 * (T * BATCH * (2 * per_row + back) + n_eval * per_row)


def schedules(T: int) -> list:
    return [Constant(0.05), Constant(0.01), Cosine(0.05, T), Cosine(0.1, T),
            MultiStep(0.05, [T // 2, 3 * T // 4], 0.1), Cosine(0.02, T)]


def batch_order(seed: int, n: int, T: int) -> list[np.ndarray]:
    """The simulator's documented mini-batches: a permutation per epoch from [seed, 2]."""
    rng = np.random.default_rng([seed, 2])
    spe = -(-n // BATCH)
    out: list[np.ndarray] = []
    while len(out) < T:
        perm = rng.permutation(n)
        out.extend(perm[k * BATCH : (k + 1) * BATCH] for k in range(spe))
    return out[:T]


def hand_single(sizes, theta0, lr, batches, d):
    """One run, written the plain way: 2-D arrays, one matrix product per layer."""
    m = MLP(sizes)
    (W1, b1), (W2, b2) = [(W[0].copy(), b[0].copy()) for W, b in m.layers(theta0[None])]
    params = [W1, b1, W2, b2]
    bufs = [np.zeros_like(p) for p in params]
    X, y = d.X_train, d.y_train
    for t, idx in enumerate(batches):
        xb, yb = X[idx], y[idx]
        h = np.maximum(xb @ W1 + b1, 0.0)
        z = h @ W2 + b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(yb)), yb] -= 1.0
        dz = p / len(yb)
        dh = (dz @ W2.T) * (h > 0)
        grads = [xb.T @ dh, dh.sum(0), h.T @ dz, dz.sum(0)]
        for par, buf, g in zip(params, bufs, grads, strict=True):
            buf *= MOMENTUM
            buf += g
            par -= lr[t] * buf
    out = []
    for Xe, ye in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        z = np.maximum(Xe @ W1 + b1, 0.0) @ W2 + b2
        zs = z - z.max(axis=1, keepdims=True)
        loss = np.mean(np.log(np.exp(zs).sum(1)) - zs[np.arange(len(ye)), ye])
        out.append((loss, np.mean(z.argmax(1) == ye)))
    return out[1][0]


def torch_single(torch, sizes, theta0, lr, batches, d):
    """One run in PyTorch (float64, CPU), the usual training loop."""
    m = MLP(sizes)
    (W1, b1), (W2, b2) = [(W[0], b[0]) for W, b in m.layers(theta0[None])]
    net = torch.nn.Sequential(torch.nn.Linear(sizes[0], sizes[1], dtype=torch.float64),
                              torch.nn.ReLU(),
                              torch.nn.Linear(sizes[1], sizes[2], dtype=torch.float64))
    with torch.no_grad():
        for lin, W, b in ((net[0], W1, b1), (net[2], W2, b2)):
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b.copy()))
    opt = torch.optim.SGD(net.parameters(), lr=float(lr[0]), momentum=MOMENTUM)
    X, y = torch.from_numpy(d.X_train.copy()), torch.from_numpy(d.y_train.copy())
    for t, idx in enumerate(batches):
        ti = torch.from_numpy(idx)
        opt.param_groups[0]["lr"] = float(lr[t])
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(X[ti]), y[ti]).backward()
        opt.step()
    with torch.no_grad():
        out = []
        for Xe, ye in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
            z, yt = net(torch.from_numpy(Xe.copy())), torch.from_numpy(ye.copy())
            out.append((float(torch.nn.functional.cross_entropy(z, yt)),
                        float((z.argmax(1) == yt).double().mean())))
    return out[1][0]


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run_workload(sizes, d, args, torch) -> None:
    T = EPOCHS * -(-d.n_train // BATCH)
    scheds = schedules(T)
    model = MLP(sizes)
    R = N_SEEDS * len(scheds)

    def batched():
        return train_grid(model, SGD(momentum=MOMENTUM), d, scheds, range(N_SEEDS), T,
                          batch_size=BATCH, eval_steps=[T], record_batch_loss=False)

    t_batch, rec = best_of(batched, args.repeat)
    lrs, seeds = rec.lrs, rec.seeds
    theta0 = model.init_params(seeds)
    picks = np.linspace(0, R - 1, args.single).round().astype(int)
    order = {int(s): batch_order(int(s), d.n_train, T) for s in seeds[picks]}

    def singles(fn):
        return [fn(sizes, theta0[r], lrs[r], order[int(seeds[r])], d) for r in picks]

    t_hand, hand_losses = best_of(lambda: singles(hand_single), args.repeat)
    rows = [(f"lrsched.network.train_grid ({R} runs in one batch)", t_batch / R),
            ("hand-written single-run NumPy loop", t_hand / len(picks))]
    diffs = [np.max(np.abs(np.array(hand_losses) - rec.test_loss[picks, -1]))]
    if torch is not None:
        t_torch, torch_losses = best_of(
            lambda: singles(lambda *a: torch_single(torch, *a)), args.repeat)
        rows.append((f"PyTorch {torch.__version__} CPU, float64, one run at a time",
                     t_torch / len(picks)))
        diffs.append(np.max(np.abs(np.array(torch_losses) - rec.test_loss[picks, -1])))
    flops = matmul_flops(sizes, T, d.n_train + d.X_test.shape[0])
    # the core's rate on this model's largest product, stacked over the runs as the
    # simulator does it: no implementation of the same arithmetic can beat flops / peak
    rng = np.random.default_rng(0)
    a = rng.standard_normal((R, BATCH, sizes[0]))
    w = rng.standard_normal((R, sizes[0], sizes[1]))
    t_mm, _ = best_of(lambda: [np.matmul(a, w) for _ in range(20)], args.repeat)
    peak = 20 * 2.0 * R * BATCH * sizes[0] * sizes[1] / t_mm

    print(f"workload: MLP {'-'.join(map(str, sizes))} ReLU, SGD momentum {MOMENTUM}, batch "
          f"{BATCH}, {EPOCHS} epochs = {T} updates on {d.n_train} images, then train and "
          f"held-out evaluation; {N_SEEDS} seeds x {len(scheds)} schedules = {R} runs")
    print(f"{'implementation':<62}{'per run':>12}{'GFLOP/s':>10}")
    for name, per in rows:
        print(f"{name:<62}{per * 1e3:>9.2f} ms{flops / per / 1e9:>10.1f}")
    print(f"batched simulator, all {R} runs: {t_batch:.2f} s")
    print(f"arithmetic floor per run (matrix products alone at {peak / 1e9:.1f} GFLOP/s, the "
          f"measured rate of the largest product): {flops / peak * 1e3:.2f} ms, so no "
          f"implementation can be more than {rows[1][1] / (flops / peak):.1f}x faster than "
          "the hand-written loop")
    print(f"speed-up per run vs hand-written NumPy loop: {rows[1][1] / rows[0][1]:6.1f}x"
          "   (goal >= 10x)")
    if torch is not None:
        print(f"speed-up per run vs PyTorch CPU loop        : {rows[2][1] / rows[0][1]:6.1f}x")
    print(f"cross-check, max |final held-out loss difference| vs batched: "
          f"{', '.join(f'{x:.1e}' for x in diffs)}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--single", type=int, default=6,
                        help="runs timed one at a time, then scaled (default 6)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (1)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(args.threads)
    print(f"{args.threads} thread(s), best of {args.repeat}; GFLOP/s counts the matrix "
          "products only (the useful arithmetic), so equal GFLOP/s means equal efficiency")
    if torch is None:
        print("PyTorch rows skipped: torch is not importable in this environment")
    print()
    d = digits_data()
    for sizes in WORKLOADS:
        run_workload(sizes, d, args, torch)


if __name__ == "__main__":
    main()
