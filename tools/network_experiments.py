"""Run the six network schedule experiments and print every number.

Each experiment of :mod:`lrsched.network.experiments` runs at its default size (10
seeds, a few epochs of the digits MLP) in the regime its module docstring gives (a
noise floor from label noise and small batches for decay, restarts and WSD; a sharp
initialisation for warm-up; a short budget for one-cycle) and prints its ``summary()``
and its wall-clock time. BLAS uses one thread unless ``--threads`` says otherwise.

Run with ``python tools/network_experiments.py [--only NAME ...] [--seeds N] [--threads N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

NAMES = ("decay_matters", "warmup_effect", "restarts", "range_to_training",
         "one_cycle_speed", "wsd_branches")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=NAMES, default=list(NAMES))
    ap.add_argument("--seeds", type=int, default=10, help="seeds per comparison (>= 2)")
    ap.add_argument("--threads", default="1", help="BLAS threads")
    args = ap.parse_args(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = args.threads  # before NumPy loads its BLAS
    try:
        import lrsched  # noqa: F401
    except ModuleNotFoundError:  # a checkout without installing: use the source tree
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from lrsched.network import experiments

    total = 0.0
    for name in args.only:
        t0 = time.perf_counter()
        result = getattr(experiments, name)(n_seeds=args.seeds)
        dt = time.perf_counter() - t0
        total += dt
        print(result.summary())
        print(f"[{name}: {dt:.2f} s]\n", flush=True)
    print(f"[total: {total:.2f} s]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
