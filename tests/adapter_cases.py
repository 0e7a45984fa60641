"""Shared by the framework-adapter tests: one schedule of every family, and digits batches.

``T`` updates are run; every horizon below is shorter than ``T``, so each run also
covers the schedule's past-the-end behaviour (clamp, periodic or unbounded).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import lrsched as ls

T = 48
HORIZON = 30


def _halving(t):
    return 0.1 * 0.5 ** (np.asarray(t) // 12)


def families() -> dict[str, ls.Schedule]:
    """One schedule per lrsched family (and the composites), keyed by a test id."""
    return {
        "constant": ls.Constant(0.05),
        "step": ls.StepDecay(0.1, 10, 0.5),
        "multistep": ls.MultiStep(0.1, [5, 12, 20], 0.3),
        "exponential_gamma": ls.Exponential(0.1, gamma=0.95),
        "exponential_lam": ls.Exponential(0.1, lam=0.03),
        "inverse_time": ls.InverseTime(0.1, 0.2),
        "polynomial": ls.Polynomial(0.1, HORIZON, 2.0, 1e-3),
        "linear_up": ls.Polynomial(0.01, HORIZON, 1.0, 0.1),
        "one_minus_sqrt": ls.OneMinusSqrt(0.1, HORIZON, 1e-3),
        "cosine": ls.Cosine(0.1, HORIZON, 1e-3),
        "cosine_mirror": ls.Cosine(0.1, 16, 1e-3, after="mirror"),
        "sgdr": ls.SGDR(0.1, 6, 1, 1e-3),
        "sgdr_mult_decay": ls.SGDR(0.1, 5, 1.5, 1e-3, decay=0.7),
        "cyclic": ls.Cyclic(0.01, 0.1, 5, 3),
        "cyclic_triangular2": ls.Cyclic(0.01, 0.1, 4, mode="triangular2"),
        "cyclic_exp_range": ls.Cyclic(0.01, 0.1, 4, mode="exp_range", gamma=0.97),
        "one_cycle": ls.OneCycle(0.2, HORIZON),
        "one_cycle_3_linear": ls.OneCycle(0.2, HORIZON, 0.25, "linear", three_phase=True),
        "warmup_cosine": ls.warmup_cosine(0.1, HORIZON, 6, 1e-3),
        "warmup_exponential": ls.Warmup(ls.Exponential(0.1, gamma=0.9), 5, start_lr=0.01),
        "inverse_sqrt": ls.InverseSqrt(0.1, 8),
        "wsd": ls.WSD(0.1, HORIZON, 5, 10, "1-sqrt", 1e-3),
        "sequence": ls.Sequence([ls.Constant(0.02), ls.Cosine(0.1, 20)], [6]),
        "product": ls.Product(ls.Exponential(0.1, gamma=0.97), ls.Cyclic(0.5, 1.0, 4)),
        "from_callable": ls.FromCallable(_halving),
    }


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8), y


def digits_batches(n_steps: int, batch: int = 32) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n_steps`` fixed mini-batches of standardised digits (float64), in a fixed order."""
    X, y = _digits()
    order = np.random.default_rng(0).permutation(len(X))
    out = []
    for k in range(n_steps):
        idx = order[(k * batch) % (len(X) - batch) :][:batch]
        out.append((X[idx], y[idx].astype(np.int64)))
    return out


def torch_resume_run(phase: str, path: str, stop: int, total: int) -> dict:
    """AdamW + one-cycle (rate and beta1) on digits; ``phase`` is "whole", "first" or "second".

    "first" runs updates ``[0, stop)`` and saves model, optimizer and scheduler state to
    ``path``; "second" loads them (``weights_only=True``) and runs ``[stop, total)``.
    Returns the rates and beta1 used, and (unless "first") the final weights.
    """
    import torch

    from lrsched.torch import ScheduleLR

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Linear(64, 10).double()
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)
    sched = ScheduleLR(opt, ls.OneCycle(0.05, total), momentum=ls.OneCycleMomentum(total))
    batches = digits_batches(total)
    start, end = 0, (stop if phase == "first" else total)
    if phase == "second":
        ckpt = torch.load(path, weights_only=True)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        start = stop
    lrs, betas = [], []
    for t in range(start, end):
        lrs.append(opt.param_groups[0]["lr"])
        betas.append(opt.param_groups[0]["betas"][0])
        opt.zero_grad()
        X, y = batches[t]
        out = model(torch.from_numpy(X))
        torch.nn.functional.cross_entropy(out, torch.from_numpy(y)).backward()
        opt.step()
        sched.step()
    result: dict = {"lrs": lrs, "betas": betas}
    if phase == "first":
        state = {"model": model.state_dict(), "optimizer": opt.state_dict()}
        torch.save({**state, "scheduler": sched.state_dict()}, path)
    else:
        result["weight"] = model.weight.detach().numpy().tolist()
    return result
