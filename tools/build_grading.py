"""Write the graded (hidden) tests of the reference edition, with their expected values pinned.

Every auto-graded check cell of ``solutions/*.ipynb`` ends with a block between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``. nbgrader keeps that block out of
the learner edition and puts it back when it autogrades, so it is what decides the points.
This tool writes those blocks; ``--check`` reports blocks that differ from what it would
write (a test runs it).

Why the blocks look the way they do
-----------------------------------
A graded test runs in the same kernel as the student's answer cells, after them, so
anything a test looks up at run time can have been replaced by the answer: environment
variables, ``lrsched``, ``numpy``, even builtins such as ``abs``, ``range`` or ``float``.
The blocks therefore

* fail by themselves: no environment variable or flag decides whether they can fail;
* compare against **pinned values**, computed here when the reference edition is written
  (from :mod:`lrsched`, whose schedules are checked against PyTorch, and from the closed
  form of noisy SGD on the quadratic), never at grading time;
* use only syntax, literals and the student's own functions: the float type is taken from
  a literal (``(0.0).__class__``, which no code can replace), loops are ``while`` loops
  over literal tuples, and arithmetic is on genuine floats, so a returned object with
  rigged comparison operators cannot pass;
* state no expected value in their messages.

What a kernel-level tamper can still do (rewrite later cells with an input transformer,
strip ``assert`` with an AST transformer, read the reference edition from the course
folder, call :mod:`lrsched`'s own implementation) is caught outside the kernel by
``tools/integrity_report.py``, which re-grades every submission in a fresh process with
these same blocks.

Usage (from the repository root, inside the project's environment; ``make course`` runs it)::

    python tools/build_grading.py          # rewrite the hidden-test blocks
    python tools/build_grading.py --check  # exit 1 if a block is stale
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import numpy as np

from lrsched.exercises import MIN_PEAK  # the visible check's rule: one home

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions"
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HEADER = (
    "# Graded test, written by tools/build_grading.py (edit it there): pinned values and\n"
    "# no library calls, so nothing an answer cell changes can make it pass.\n"
    "_float = (0.0).__class__\n"
)


def _wrap(items: list[str]) -> str:
    """A literal tuple of the given item texts, one short line after another."""
    lines, line = [], "   "
    for item in items:
        if len(line) + len(item) + 2 > 92:
            lines.append(line)
            line = "   "
        line += f" {item},"
    lines.append(line)
    return "(\n" + "\n".join(lines) + "\n)"


def _tuple(values) -> str:
    """A literal tuple of floats, written so that it reads back bit for bit."""
    return _wrap([repr(float(v)) for v in values])


def _pairs(pairs) -> str:
    return _wrap([f"({int(t)}, {float(v)!r})" for t, v in pairs])


def _within(got: str, want: str | float, rtol: float, atol: float) -> str:
    """``|got - want| <= rtol * want + atol`` for a ``want >= 0``: a chained comparison of
    genuine floats, False for NaN, with no builtin (no ``abs``)."""
    if isinstance(want, str):
        tol = f"{rtol!r} * {want} + {atol!r}"
        return f"-({tol}) <= {got} - {want} <= {tol}"
    tol = repr(rtol * float(want) + atol)
    return f"-{tol} <= {got} - {float(want)!r} <= {tol}"


# ----------------------------------------------------------------------------- exercise 1


def sgdr_block() -> str:
    """SGDR with a doubling period, graded at other settings than the visible check."""
    from lrsched import SGDR

    T0, alpha0, alpha_min, horizon = 5, 0.3, 0.01, 320
    restarts = [int(r) for r in SGDR(alpha0, T0, 2).restarts(8) if 0 < r < horizon]
    ts = sorted(
        set(range(0, horizon, 7))
        | {r + d for r in restarts for d in (-2, -1, 0, 1, 2) if 0 <= r + d < horizon}
        | {horizon - 1}
    )
    values = SGDR(alpha0, T0, 2, alpha_min).values(horizon)
    pins = _pairs((t, values[t]) for t in ts)
    return (
        f"_pins = {pins}\n"
        "_k = 0\n"
        "while _k < {n}:\n"
        "    _t, _want = _pins[_k]\n"
        f"    _got = _float(sgdr(_t, T0={T0}, alpha0={alpha0!r}, alpha_min={alpha_min!r}))\n"
        f"    assert {_within('_got', '_want', 1e-9, 1e-12)}, (\n"
        f'        f"sgdr(t={{_t}}, T0={T0}, alpha0={alpha0}, alpha_min={alpha_min}) is wrong"\n'
        "    )\n"
        "    _k += 1\n"
    ).replace("{n}", str(len(ts)))


# ----------------------------------------------------------------------------- exercise 3


def range_test_block() -> str:
    """The one-step losses from another start, and the useful range on two problems."""
    grid = np.logspace(-4, np.log10(2.0), 50)
    theta0, c = 1.0, 3.0
    losses = (theta0 - c) ** 2 * (1.0 - 2.0 * grid) ** 2  # J(θ1), θ1 − c = (1 − 2α)(θ0 − c)
    # A ten times steeper bowl, 10(θ − 3)² from θ0 = 0: best rate 1/20, divergence at 1/10.
    steep = 10.0 * 9.0 * (1.0 - 20.0 * grid) ** 2
    return (
        f"_grid = {_tuple(grid)}\n"
        f"_want = {_tuple(losses)}\n"
        "_k = 0\n"
        "while _k < 50:\n"
        f"    _got = _float(one_step_loss(_grid[_k], theta0={theta0!r}))\n"
        f"    assert {_within('_got', '_want[_k]', 1e-9, 1e-12)}, (\n"
        '        f"one_step_loss(alpha={_grid[_k]}, theta0=1.0) is wrong"\n'
        "    )\n"
        "    _k += 1\n"
        f"_steep = {_tuple(steep)}\n"
        "for _losses, _best, _limit in ((_want, 0.5, 1.0), (_steep, 0.05, 0.1)):\n"
        "    _lo, _hi = read_useful_range(np.array(_grid), np.array(_losses))\n"
        "    _lo, _hi = _float(_lo), _float(_hi)\n"
        "    assert 0.0 < _lo < _best < _hi < _limit, (\n"
        '        f"read_useful_range gave ({_lo}, {_hi}) for a sweep whose best rate is "\n'
        '        f"{_best} and where one step stops lowering the loss at {_limit}"\n'
        "    )\n"
    )


# ----------------------------------------------------------------------------- guided practice


def midpoint_block() -> str:
    """Question 4: the cosine schedule's rate halfway through."""
    T, alpha0, t = 100, 0.1, 50
    want = 0.5 * alpha0 * (1.0 + math.cos(math.pi * t / T))
    return (
        "_got = _float(answer_q4())\n"
        f'assert {_within("_got", want, 1e-6, 1e-12)}, "answer_q4 is wrong"\n'
    )


# ----------------------------------------------------------------------------- exercise 2


def sgd_law(alphas, *, theta0: float, sigma: float, c: float = 3.0) -> tuple[float, float]:
    r"""Mean and variance of the final loss of noisy SGD on :math:`(\theta - c)^2`.

    With :math:`e_t = \theta_t - c`, :math:`e_{t+1} = (1 - 2\alpha_t) e_t - \alpha_t\sigma\xi_t`,
    so :math:`e_T` is Gaussian with mean :math:`\mu = e_0 \prod_t (1 - 2\alpha_t)` and variance
    :math:`s^2 = \sigma^2 \sum_t \alpha_t^2 \prod_{u > t} (1 - 2\alpha_u)^2`. The loss
    :math:`e_T^2` has mean :math:`\mu^2 + s^2` and variance :math:`2 s^4 + 4 \mu^2 s^2`.
    """
    mu, s2 = theta0 - c, 0.0
    for a in alphas:
        mu *= 1.0 - 2.0 * a
        s2 = s2 * (1.0 - 2.0 * a) ** 2 + (a * sigma) ** 2
    return mu * mu + s2, 2.0 * s2 * s2 + 4.0 * mu * mu * s2


def run_sgd_block() -> str:
    """run_sgd: exact without noise (a time-varying rate, a non-zero start), reproducible,
    and the right law with noise (mean within 5 standard errors; variance on a probe with a
    large bias, where a fake that scales the expected loss by a χ² draw is far off)."""
    T, sigma, n = 60, 0.3, 300
    ramp = [0.002 + 0.0005 * t for t in range(T)]
    cosine = [1e-4 + 0.5 * (0.3 - 1e-4) * (1.0 + math.cos(math.pi * t / T)) for t in range(T)]
    quiet_ramp, _ = sgd_law(ramp, theta0=0.0, sigma=0.0)
    quiet_start, _ = sgd_law([0.05] * T, theta0=1.5, sigma=0.0)
    probes = [
        ("a fixed rate 0.05", [0.05] * T, False),
        ("a cosine from 0.3", cosine, False),
        ("a fixed rate 0.002", [0.002] * T, True),
    ]
    lines = [
        f"_ramp = {_tuple(ramp)}",
        f"_got = _float(run_sgd(lambda t: _ramp[t], 0, T={T}, sigma=0.0))",
        f"assert {_within('_got', quiet_ramp, 1e-9, 0.0)}, (",
        '    "without noise, run_sgd must follow θ ← θ − α_t·2(θ − 3) exactly, with α_t "',
        '    "used at update t = 0..T−1 (tried with a rate that changes every update)"',
        ")",
        f"_got = _float(run_sgd(lambda t: 0.05, 0, T={T}, sigma=0.0, theta0=1.5))",
        f"assert {_within('_got', quiet_start, 1e-9, 0.0)}, (",
        '    "without noise and from theta0=1.5, run_sgd gives a wrong loss: start from theta0"',
        ")",
        f"_a = _float(run_sgd(lambda t: 0.05, 7, T={T}, sigma={sigma}))",
        f"_b = _float(run_sgd(lambda t: 0.05, 7, T={T}, sigma={sigma}))",
        f"_c = _float(run_sgd(lambda t: 0.05, 8, T={T}, sigma={sigma}))",
        'assert _a == _b, "run_sgd must give the same result for the same seed"',
        'assert _a != _c, "run_sgd must give different results for different seeds"',
    ]
    for label, alphas, check_var in probes:
        mean, var = sgd_law(alphas, theta0=0.0, sigma=sigma)
        se = math.sqrt(var / n)
        lines += [
            f"_alphas = {_tuple(alphas)}",
            "_sum = _sq = 0.0",
            "_seed = 0",
            f"while _seed < {n}:",
            f"    _x = _float(run_sgd(lambda t: _alphas[t], _seed, T={T}, sigma={sigma}))",
            "    _sum, _sq = _sum + _x, _sq + _x * _x",
            "    _seed += 1",
            f"_mean = _sum / {n}",
            f"assert {_within('_mean', mean, 0.0, 5 * se)}, (",
            f'    "with {label}, the mean final loss over {n} seeds is not the law of noisy SGD"',
            ")",
        ]
        if check_var:
            lines += [
                f"_var = (_sq - {n} * _mean * _mean) / {n - 1}",
                f"assert {var / 3!r} <= _var <= {3 * var!r}, (",
                f'    "with {label}, the spread of the final loss over {n} seeds is not the "',
                '    "law of noisy SGD: run the updates with the noise, do not rescale a loss"',
                ")",
            ]
    return "\n".join(lines) + "\n"


def schedules_block() -> str:
    """my_schedules: at least five different named schedules, finite, >= 0, each able to
    train (peak >= MIN_PEAK), at least one changing with t: the rules of the visible check."""
    T = 150
    return (
        "_given = my_schedules()\n"
        "_type = (0).__class__.__class__\n"
        'assert _type(_given) is {}.__class__, "my_schedules must return a dict name -> function"\n'
        "_curves, _changes = [], False\n"
        "for _name in _given:\n"
        '    assert _type(_name) is "".__class__, "the names must be strings"\n'
        "    _s, _rates, _t, _peak = _given[_name], [], 0, 0.0\n"
        f"    while _t < {T}:\n"
        "        _r = _float(_s(_t))\n"
        f'        assert _r == _r and 0.0 <= _r <= 1e300, f"{{_name}}: rate at t={{_t}}"\n'
        "        _changes = _changes or (_t > 0 and _r != _rates[0])\n"
        "        _rates.append(_r)\n"
        "        _peak = _r if _r > _peak else _peak\n"
        "        _t += 1\n"
        f"    assert _peak >= {MIN_PEAK!r}, (\n"
        f'        f"{{_name}}: its largest rate is below {MIN_PEAK}, too small to train"\n'
        "    )\n"
        "    for _other in _curves:\n"
        "        _t, _same = 0, True\n"
        f"        while _same and _t < {T}:\n"
        "            _d = _other[_t] - _rates[_t]\n"
        "            _same = -1e-9 * _rates[_t] <= _d <= 1e-9 * _rates[_t]\n"
        "            _t += 1\n"
        '        assert not _same, f"{_name} repeats another schedule"\n'
        "    _curves.append(_rates)\n"
        "_count = 0\n"
        "for _c in _curves:\n"
        "    _count += 1\n"
        'assert _count >= 5, "define at least five schedules"\n'
        'assert _changes, "at least one schedule must change with t"\n'
    )


# ----------------------------------------------------------------------------- exercise 4


def warmup_schedule_block() -> str:
    """warmup_cosine at two settings other than the visible check's, one without warm-up."""
    from lrsched.exercises._network import reference_warmup_cosine

    lines = []
    for peak, warmup, T in ((0.3, 15, 120), (0.25, 0, 50), (0.6, 7, 31)):
        values = reference_warmup_cosine(peak, warmup, T)
        ts = sorted(set(range(0, T, 3)) | {max(warmup - 1, 0), warmup, warmup + 1, T - 1})
        lines += [
            f"_pins = {_pairs((t, values[t]) for t in ts)}",
            "_k = 0",
            f"while _k < {len(ts)}:",
            "    _t, _want = _pins[_k]",
            f"    _got = _float(warmup_cosine(_t, peak={peak!r}, warmup={warmup}, T={T}))",
            f"    assert {_within('_got', '_want', 1e-9, 1e-12)}, (",
            f'        f"warmup_cosine(t={{_t}}, peak={peak}, warmup={warmup}, T={T}) is wrong"',
            "    )",
            "    _k += 1",
        ]
    return "\n".join(lines) + "\n"


@functools.cache
def warmup_choice_block() -> str:
    """The chosen (peak, warm-up) is one of the menu pairs that train: every pair of the
    menus is trained here once (the network simulator, checked against PyTorch), and the
    pairs that pass are pinned. Computed once per process (about 3 s of training)."""
    from lrsched.exercises._network import EX4_PEAKS, EX4_WARMUPS, warmup_trial

    pairs = [(p, w) for p in EX4_PEAKS for w in EX4_WARMUPS]
    trials = warmup_trial([p for p, _ in pairs], [w for _, w in pairs])
    passing = [(float(t.peak), float(t.warmup)) for t in trials if t.passed]
    if not passing:
        raise SystemExit("exercise 4 (b): no menu choice passes; change the menus or target")
    return (
        f"_passing = {_wrap([f'({p!r}, {w!r})' for p, w in passing])}\n"
        "_peak, _warmup = choose_warmup()\n"
        "_choice = (_float(_peak), _float(_warmup))\n"
        "_k, _ok = 0, False\n"
        f"while _k < {len(passing)}:\n"
        "    _ok = _ok or _choice == _passing[_k]\n"
        "    _k += 1\n"
        'assert _ok, "this peak and warm-up do not train every seed to the target accuracy"\n'
    )


#: grade_id of each auto-graded check cell -> the code of its hidden block.
BLOCKS: dict[str, Callable[[], str]] = {
    "ex2_sgdr_check": sgdr_block,
    "ex3_run_sgd_check": run_sgd_block,
    "ex3_schedules_check": schedules_block,
    "ex1_check": range_test_block,
    "q4_check": midpoint_block,
    "ex4_schedule_check": warmup_schedule_block,
    "ex4_choice_check": warmup_choice_block,
}


def with_block(source: str, block: str) -> str:
    """``source`` with its hidden-test block (appended if absent) replaced by ``block``."""
    lines = source.rstrip("\n").split("\n")
    if BEGIN in lines:
        lines = lines[: lines.index(BEGIN)]
    return "\n".join([*lines, BEGIN, HEADER + block.rstrip("\n"), END])


def hidden_block(source: str) -> str | None:
    """The code between the hidden-test markers of a cell, or None."""
    lines = source.split("\n")
    if BEGIN not in lines or END not in lines:
        return None
    return "\n".join(lines[lines.index(BEGIN) + 1 : lines.index(END)])


def planned() -> dict[Path, nbformat.NotebookNode]:
    """Every reference notebook with its hidden blocks as they should be."""
    out, seen = {}, set()
    for path in sorted(REFERENCE.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in BLOCKS:
                cell.source = with_block(cell.source, BLOCKS[gid]())
                seen.add(gid)
        out[path] = nb
    missing = sorted(set(BLOCKS) - seen)
    if missing:
        raise SystemExit(f"no check cell with grade_id {', '.join(missing)} in {REFERENCE}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale blocks, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path, nb in planned().items():
        current = nbformat.read(path, as_version=4)
        if [c.source for c in current.cells] == [c.source for c in nb.cells]:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            for old, new in zip(current.cells, nb.cells, strict=True):
                if old.source != new.source:
                    old.source = new.source
                    if old.cell_type == "code":  # its stored output no longer applies
                        old.outputs, old.execution_count = [], None
            nbformat.write(current, path)
    if args.check:
        if stale:
            print("stale hidden tests (run tools/build_grading.py):", *stale, sep="\n  ")
            return 1
        print("hidden tests are up to date")
        return 0
    print("\n".join(f"rewrote hidden tests in {p}" for p in stale) or "hidden tests up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
