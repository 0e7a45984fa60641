"""Generate pinned PyTorch reference learning-rate schedules for the lrsched tests.

Output: ``tests/fixtures/torch_schedules.json`` (relative to the repository root).

How the fixtures are made
-------------------------
* PyTorch 2.13.0, CPU build (``torch==2.13.0``), in a throw-away virtualenv kept
  outside the repository; torch is *not* a dependency of lrsched.
* Every learning rate is the plain Python ``float`` (IEEE-754 float64) that
  PyTorch keeps in ``optimizer.param_groups[...]["lr"]``; no tensor arithmetic
  is involved.  Values are written with ``json.dump``'s default float repr, which
  round-trips exactly, so tests may compare with a tight tolerance.
* Each case uses a fresh ``p = torch.nn.Parameter(torch.zeros(1))`` and
  ``opt = torch.optim.SGD([p], lr=base_lr)`` (momentum 0), then builds the
  scheduler from the case's kwargs.  ``SequentialLR`` / ``ChainedScheduler``
  children are built on that same optimizer, as in the PyTorch docs.
* Stepping protocol (the order PyTorch recommends)::

      for k in range(n_steps):
          values.append(sched.get_last_lr()[0])  # LR used by update k
          opt.step()
          sched.step()

  so ``values[k]`` is the learning rate of the k-th (0-based) optimizer update.
* ``ReduceLROnPlateau`` cases store their ``metrics``; for each metric
  ``opt.param_groups[0]["lr"]`` is recorded, then ``opt.step()`` and
  ``sched.step(metric)`` are called, and the LR after the last step is recorded
  too.  Those cases therefore have ``n_steps == len(metrics)`` and
  ``len(values) == n_steps + 1``.
* Every case runs with all warnings turned into errors: no case emits a warning.
* Before writing, a few published anchors are checked (see ``sanity_checks``).

Regenerate (from the repository root)::

    python3 -m venv /tmp/torchref
    /tmp/torchref/bin/pip install torch==2.13.0 numpy
    /tmp/torchref/bin/python tools/make_torch_fixtures.py
"""

import json
import math
import platform
import warnings
from pathlib import Path

import torch
from torch.optim import lr_scheduler

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "torch_schedules.json"
GENERATOR = "tools/make_torch_fixtures.py"
BASE_LR = 0.1

# (id, scheduler, base_lr, kwargs, n_steps)
CASES = [
    ("step_7_half", "StepLR", BASE_LR, {"step_size": 7, "gamma": 0.5}, 50),
    ("step_10_tenth", "StepLR", BASE_LR, {"step_size": 10, "gamma": 0.1}, 45),
    ("multistep", "MultiStepLR", BASE_LR, {"milestones": [10, 25, 40], "gamma": 0.3}, 60),
    ("multistep_dup", "MultiStepLR", BASE_LR, {"milestones": [5, 5, 20], "gamma": 0.5}, 30),
    ("exponential_095", "ExponentialLR", BASE_LR, {"gamma": 0.95}, 100),
    ("exponential_0999", "ExponentialLR", BASE_LR, {"gamma": 0.999}, 300),
    ("cosine_50", "CosineAnnealingLR", BASE_LR, {"T_max": 50, "eta_min": 0.001}, 51),
    ("cosine_37_zero", "CosineAnnealingLR", BASE_LR, {"T_max": 37, "eta_min": 0.0}, 38),
    ("cosine_1000", "CosineAnnealingLR", BASE_LR, {"T_max": 1000, "eta_min": 1e-5}, 1001),
    (
        "sgdr_10_1",
        "CosineAnnealingWarmRestarts",
        BASE_LR,
        {"T_0": 10, "T_mult": 1, "eta_min": 1e-4},
        40,
    ),
    (
        "sgdr_5_2",
        "CosineAnnealingWarmRestarts",
        BASE_LR,
        {"T_0": 5, "T_mult": 2, "eta_min": 0.001},
        80,
    ),
    (
        "sgdr_3_3",
        "CosineAnnealingWarmRestarts",
        BASE_LR,
        {"T_0": 3, "T_mult": 3, "eta_min": 0.0},
        130,
    ),
    (
        "sgdr_10_2_seed",
        "CosineAnnealingWarmRestarts",
        BASE_LR,
        {"T_0": 10, "T_mult": 2, "eta_min": 1e-4},
        150,
    ),
    (
        "cyclic_tri",
        "CyclicLR",
        BASE_LR,
        {
            "base_lr": 0.001,
            "max_lr": 0.1,
            "step_size_up": 5,
            "mode": "triangular",
            "cycle_momentum": False,
        },
        40,
    ),
    (
        "cyclic_tri_asym",
        "CyclicLR",
        BASE_LR,
        {
            "base_lr": 0.001,
            "max_lr": 0.1,
            "step_size_up": 3,
            "step_size_down": 7,
            "cycle_momentum": False,
        },
        40,
    ),
    (
        "cyclic_tri2",
        "CyclicLR",
        BASE_LR,
        {
            "base_lr": 0.001,
            "max_lr": 0.1,
            "step_size_up": 4,
            "mode": "triangular2",
            "cycle_momentum": False,
        },
        48,
    ),
    (
        "cyclic_exp",
        "CyclicLR",
        BASE_LR,
        {
            "base_lr": 0.001,
            "max_lr": 0.1,
            "step_size_up": 5,
            "mode": "exp_range",
            "gamma": 0.97,
            "cycle_momentum": False,
        },
        60,
    ),
    (
        "cyclic_seed",
        "CyclicLR",
        BASE_LR,
        {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 20, "cycle_momentum": False},
        120,
    ),
    (
        "onecycle_cos",
        "OneCycleLR",
        BASE_LR,
        {"max_lr": 0.1, "total_steps": 100, "cycle_momentum": False},
        100,
    ),
    (
        "onecycle_lin",
        "OneCycleLR",
        BASE_LR,
        {
            "max_lr": 0.1,
            "total_steps": 100,
            "anneal_strategy": "linear",
            "cycle_momentum": False,
        },
        100,
    ),
    (
        "onecycle_3p_cos",
        "OneCycleLR",
        BASE_LR,
        {"max_lr": 0.1, "total_steps": 100, "three_phase": True, "cycle_momentum": False},
        100,
    ),
    (
        "onecycle_3p_lin",
        "OneCycleLR",
        BASE_LR,
        {
            "max_lr": 0.1,
            "total_steps": 100,
            "three_phase": True,
            "anneal_strategy": "linear",
            "cycle_momentum": False,
        },
        100,
    ),
    (
        "onecycle_odd",
        "OneCycleLR",
        BASE_LR,
        {
            "max_lr": 0.5,
            "total_steps": 37,
            "pct_start": 0.25,
            "div_factor": 10.0,
            "final_div_factor": 100.0,
            "cycle_momentum": False,
        },
        37,
    ),
    (
        "linear_up",
        "LinearLR",
        BASE_LR,
        {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 8},
        20,
    ),
    (
        "linear_down",
        "LinearLR",
        BASE_LR,
        {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10},
        20,
    ),
    ("poly_2", "PolynomialLR", BASE_LR, {"total_iters": 20, "power": 2.0}, 30),
    ("poly_half", "PolynomialLR", BASE_LR, {"total_iters": 15, "power": 0.5}, 25),
    ("constant_half", "ConstantLR", BASE_LR, {"factor": 0.5, "total_iters": 6}, 15),
    (
        "sequential_warmup_cosine",
        "SequentialLR",
        BASE_LR,
        {
            "schedulers": [
                {
                    "scheduler": "LinearLR",
                    "kwargs": {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 5},
                },
                {"scheduler": "CosineAnnealingLR", "kwargs": {"T_max": 20, "eta_min": 0.0}},
            ],
            "milestones": [5],
        },
        26,
    ),
    (
        "chained_const_exp",
        "ChainedScheduler",
        BASE_LR,
        {
            "schedulers": [
                {"scheduler": "ConstantLR", "kwargs": {"factor": 0.1, "total_iters": 2}},
                {"scheduler": "ExponentialLR", "kwargs": {"gamma": 0.9}},
            ],
        },
        20,
    ),
]

PLATEAU_METRICS_BASIC = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5]

# (id, base_lr, kwargs, metrics)
PLATEAU_CASES = [
    (
        "plateau_basic",
        1.0,
        {"mode": "min", "factor": 0.5, "patience": 2},
        PLATEAU_METRICS_BASIC,
    ),
    (
        "plateau_cooldown",
        1.0,
        {"mode": "min", "factor": 0.5, "patience": 2, "cooldown": 1},
        PLATEAU_METRICS_BASIC,
    ),
    (
        "plateau_minlr",
        1.0,
        {"factor": 0.5, "patience": 0, "min_lr": 0.3},
        [1.0, 1.0, 1.0, 1.0],
    ),
    (
        "plateau_abs_max",
        1.0,
        {
            "mode": "max",
            "factor": 0.2,
            "patience": 1,
            "threshold": 0.05,
            "threshold_mode": "abs",
        },
        [0.1, 0.2, 0.22, 0.24, 0.5, 0.52, 0.53, 0.54, 0.55],
    ),
    (
        "plateau_rel_threshold",
        0.1,
        {
            "mode": "min",
            "factor": 0.1,
            "patience": 1,
            "threshold": 0.1,
            "threshold_mode": "rel",
            "min_lr": 1e-4,
        },
        [1.0, 0.95, 0.85, 0.80, 0.79, 0.70, 0.69, 0.68, 0.67, 0.66],
    ),
]


def make_optimizer(base_lr):
    p = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.SGD([p], lr=base_lr)


def build_scheduler(opt, name, kwargs):
    cls = getattr(lr_scheduler, name)
    if name == "SequentialLR":
        children = [build_scheduler(opt, c["scheduler"], c["kwargs"]) for c in kwargs["schedulers"]]
        return cls(opt, schedulers=children, milestones=kwargs["milestones"])
    if name == "ChainedScheduler":
        children = [build_scheduler(opt, c["scheduler"], c["kwargs"]) for c in kwargs["schedulers"]]
        return cls(children, optimizer=opt)
    return cls(opt, **kwargs)


def as_float(x):
    if type(x) is not float:
        raise TypeError(f"expected a Python float learning rate, got {type(x).__name__}: {x!r}")
    return x


def run_schedule(name, base_lr, kwargs, n_steps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = make_optimizer(base_lr)
        sched = build_scheduler(opt, name, kwargs)
        values = []
        for _ in range(n_steps):
            values.append(as_float(sched.get_last_lr()[0]))
            opt.step()
            sched.step()
    return values


def run_plateau(base_lr, kwargs, metrics):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = make_optimizer(base_lr)
        sched = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        values = []
        for metric in metrics:
            values.append(as_float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step(metric)
        values.append(as_float(opt.param_groups[0]["lr"]))
    return values


def check_close(label, got, expected, rel):
    if len(got) < len(expected):
        raise AssertionError(f"{label}: got {len(got)} values, expected {len(expected)}")
    for k, (g, e) in enumerate(zip(got, expected, strict=False)):
        if not math.isclose(g, e, rel_tol=rel, abs_tol=1e-12):
            raise AssertionError(f"{label}[{k}]: torch gives {g!r}, anchor is {e!r}")


def sanity_checks():
    check_close(
        "StepLR(3, 0.1)",
        run_schedule("StepLR", 1.0, {"step_size": 3, "gamma": 0.1}, 9),
        [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01],
        1e-12,
    )
    check_close(
        "OneCycleLR(max_lr=1, total_steps=10)",
        run_schedule(
            "OneCycleLR", 1.0, {"max_lr": 1.0, "total_steps": 10, "cycle_momentum": False}, 10
        ),
        [0.04, 0.52, 1, 0.950485, 0.811746, 0.611262, 0.388742, 0.188258, 0.0495194, 4e-06],
        1e-5,
    )
    check_close(
        "CyclicLR(0.1, 1, up=4)",
        run_schedule(
            "CyclicLR",
            1.0,
            {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 4, "cycle_momentum": False},
            10,
        ),
        [0.1, 0.325, 0.55, 0.775, 1.0, 0.775, 0.55, 0.325, 0.1, 0.325],
        1e-12,
    )
    _, base_lr, kwargs, metrics = PLATEAU_CASES[0]
    check_close(
        "ReduceLROnPlateau plateau_basic",
        run_plateau(base_lr, kwargs, metrics),
        [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25],
        1e-12,
    )


def main():
    sanity_checks()
    cases = []
    for case_id, name, base_lr, kwargs, n_steps in CASES:
        values = run_schedule(name, base_lr, kwargs, n_steps)
        cases.append(
            {
                "id": case_id,
                "scheduler": name,
                "base_lr": base_lr,
                "kwargs": kwargs,
                "n_steps": n_steps,
                "values": values,
            }
        )
    for case_id, base_lr, kwargs, metrics in PLATEAU_CASES:
        values = run_plateau(base_lr, kwargs, metrics)
        cases.append(
            {
                "id": case_id,
                "scheduler": "ReduceLROnPlateau",
                "base_lr": base_lr,
                "kwargs": kwargs,
                "n_steps": len(metrics),
                "metrics": metrics,
                "values": values,
            }
        )
    data = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
