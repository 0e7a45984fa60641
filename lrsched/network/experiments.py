r"""Six schedule experiments on a small network, each over many paired seeds.

Every experiment trains the :class:`~lrsched.network.MLP` on the digits split
(:func:`~lrsched.network.digits_data`) with :func:`~lrsched.network.train` /
:func:`~lrsched.network.train_grid`, so runs that share a seed share their
initialisation and mini-batches: every comparison is paired. Each returns a frozen
result with ``.summary()``; numbers over seeds are :class:`Estimate` objects, the mean
with its Student-t 95 % interval :math:`\bar x \pm t_{n-1,0.975}\,s/\sqrt n`
(:func:`~lrsched.network.mean_ci`), and paired win rates are
:math:`\frac1n\sum_i([a_i \succ b_i] + \frac12[a_i = b_i])`
(:func:`~lrsched.network.win_rate`). Compared schedules always have the same number of
updates and the same peak rate. A diverged run is frozen and scored with the fill
values of :class:`~lrsched.network.TrainRecord` (chance accuracy, loss ``max_loss``).

1. :func:`decay_matters` -- constant vs step vs cosine vs linear-to-zero.
2. :func:`warmup_effect` -- warm-up length for Adam and SGD (optional momentum) at a high peak,
   with the sharpness of the first updates against :math:`2/\alpha_t`.
3. :func:`restarts` -- SGDR vs one cosine: anytime accuracy and a snapshot ensemble.
4. :func:`range_to_training` -- range test, one-cycle on its suggestion vs the best
   constant rate of a grid.
5. :func:`one_cycle_speed` -- one-cycle vs constant-then-cosine, accuracy against steps.
6. :func:`wsd_branches` -- cooldowns branched from one stable run vs cosine of each length.

Defaults put each experiment where the literature expects its effect, chosen before
looking at the comparison it makes. Decay, restarts, WSD: a **noise floor** -- 20 % of
the training labels wrong (:func:`~lrsched.network.data.noisy_labels`), batches of 16,
so a constant rate bounces on a floor set by gradient noise (and the 64-64-10 net cannot
just interpolate the training set); peak 0.05, the larger of 0.1, 0.05 at which the
constant run does not diverge there (each SGDR cycle restarts from it). Warm-up:
**unstable at initialisation, stable after the first updates** -- a 4-layer ReLU net
with initial weights 1.5 times He's (:class:`ScaledMLP`) starts with a sharpness far
above :math:`2/\alpha` that falls within a few percent of training; the peaks (SGD 0.2,
Adam 0.06) are the largest of the factor-2 grids 0.05..0.4 and 0.03..0.12 at which runs
warmed up over 20 % all train. That SGD has no momentum: with heavy-ball 0.9 the
largest such peak sits at the initial limit :math:`(2 + 2\mu)/\lambda_0`, so no rate is
unstable only at the start.
One-cycle: a **short budget** (2 epochs) and peaks up to 0.8 (super-convergence). The
range test runs on the clean split with batches of 32, as a learner would run it.

A run "truncated" at :math:`T_k` has its rates after :math:`T_k` set to 0, which freezes
its weights (SGD with momentum moves by :math:`\alpha_t b_t = 0`): its final weights are
those of the same run after :math:`T_k` updates. Experiments 3 and 6 use this to get the
weights at several points of one run in a single batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .._validate import check_int, check_real
from ..compose import lr_values
from ..cosine import SGDR, Cosine
from ..cyclic import OneCycle
from ..decay import Constant, MultiStep, Polynomial
from ..range_test import lr_sweep, range_test
from ..warmup import WSD, warmup_cosine
from .data import NetworkData, digits_data
from .mlp import MLP
from .optimizers import SGD, Adam, Optimizer
from .scaled import ScaledMLP
from .summary import mean_ci, win_rate
from .train import TrainRecord, train

__all__ = [
    "Estimate",
    "ScaledMLP",
    "DecayResult",
    "WarmupResult",
    "RestartResult",
    "RangeResult",
    "OneCycleResult",
    "WSDResult",
    "estimate",
    "snapshot_ensemble",
    "decay_matters",
    "warmup_effect",
    "restarts",
    "range_to_training",
    "one_cycle_speed",
    "wsd_branches",
]

BATCH = 32


# ----------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Estimate:
    """Mean over seeds with its 95 % Student-t interval ``[low, high]``."""

    mean: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.mean:.4f} [{self.low:.4f}, {self.high:.4f}]"


def estimate(values: Any) -> Estimate:
    """:class:`Estimate` of a 1-D array of per-seed values (at least 2)."""
    x = np.asarray(values, dtype=np.float64)
    m, lo, hi = mean_ci(x)
    return Estimate(float(m), float(lo), float(hi), int(x.shape[0]))


def _win(a: np.ndarray, b: np.ndarray, higher: bool) -> float:
    return float(win_rate(a, b, higher_is_better=higher))


@lru_cache(maxsize=8)
def _data(seed: int, label_noise: float) -> NetworkData:
    return digits_data(seed, label_noise=label_noise)


def _common(n_seeds: Any, epochs: Any, first_seed: Any, data_seed: Any,
            batch_size: Any = BATCH, label_noise: Any = 0.0,
            ) -> tuple[NetworkData, np.ndarray, int, int]:
    """Checked data, seeds, number of updates ``T`` and batch size."""
    n_seeds = check_int("n_seeds", n_seeds, low=2, high=1000)
    epochs = check_int("epochs", epochs, low=1, high=1000)
    first_seed = check_int("first_seed", first_seed, low=0, high=2**32 - 1001)
    noise = check_real("label_noise", label_noise, low=0.0, high=1.0, high_open=True)
    data = _data(check_int("data_seed", data_seed, low=0, high=2**32 - 1), noise)
    batch_size = check_int("batch_size", batch_size, low=1, high=data.n_train)
    steps_per_epoch = -(-data.n_train // batch_size)
    seeds = np.arange(first_seed, first_seed + n_seeds, dtype=np.int64)
    return data, seeds, epochs * steps_per_epoch, batch_size


def _momentum(value: Any) -> float:
    return check_real("momentum", value, low=0.0, high=1.0, high_open=True)


def _peak(name: str, value: Any) -> float:
    return check_real(name, value, low=0.0, high=100.0, low_open=True)


def _fractions(name: str, values: Any, *, low_open: bool, high: float = 1.0) -> tuple[float, ...]:
    if not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"{name} must be a non-empty list or tuple of fractions")
    return tuple(check_real(f"{name}[{i}]", v, low=0.0, high=high, low_open=low_open)
                 for i, v in enumerate(values))


def _table(rows: list[np.ndarray], seeds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rates of every (seed, row) run, run ``i * S + j``, and the matching seeds."""
    table = np.stack(rows)
    return np.tile(table, (seeds.size, 1)), np.repeat(seeds, table.shape[0])


def _truncated(rates: np.ndarray, end: int) -> np.ndarray:
    out = rates.copy()
    out[end:] = 0.0
    return out


def _grid(rec: TrainRecord, n_seeds: int, name: str) -> np.ndarray:
    arr = getattr(rec, name)
    return arr.reshape((n_seeds, -1) + arr.shape[1:])


def _lines(title: str, rows: list[tuple[str, Any]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join([title] + [f"  {k:<{width}}  {v}" for k, v in rows])


def _setting(batch: int, label_noise: Any) -> str:
    """`` (batch B, f % of training labels wrong)`` for a summary's title (checked input)."""
    f = float(label_noise)
    return f" (batch {batch}, {100 * f:g} % of training labels wrong)" if f else \
        f" (batch {batch})"


def _gap_opens(diff: np.ndarray, steps: np.ndarray, sign: float) -> int | None:
    """First step from which ``sign * diff`` has its whole 95 % interval above 0 at every
    later evaluation (``diff`` is ``(n_seeds, E)``); ``None`` if that never happens."""
    m, lo, hi = mean_ci(diff, axis=0)
    good = (lo > 0) if sign > 0 else (hi < 0)
    if not good[-1]:
        return None
    bad = np.flatnonzero(~good)
    return int(steps[0 if bad.size == 0 else bad[-1] + 1])


def snapshot_ensemble(model: MLP, snapshots: Any, X: Any, y: Any) -> np.ndarray:
    r"""Average softmax probabilities of snapshots: ``(n, S, P)`` weights -> ``(n, B, K)``.

    .. math:: \bar p(x) = \frac1S \sum_{s=1}^S \mathrm{softmax}(f(x; \theta_s))

    (Huang et al., 2017, average the snapshots' softmax outputs). ``X``, ``y`` are the
    inputs and labels of the batch (``y`` only fixes the shape of the loss the model's
    softmax returns alongside).
    """
    snaps = np.asarray(snapshots, dtype=np.float64)
    if snaps.ndim != 3 or snaps.shape[2] != model.n_params:
        raise ValueError(f"snapshots must have shape (n, S, {model.n_params}); got {snaps.shape}")
    n, S, P = snaps.shape
    logits = model.forward(snaps.reshape(n * S, P), X)
    _, p = model._softmax_xent(logits, np.asarray(y))
    return p.reshape(n, S, *p.shape[1:]).mean(axis=1)


def _scores(probs: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy and mean negative log-likelihood of ``(n, B, K)`` probabilities."""
    acc = (probs.argmax(axis=-1) == y).mean(axis=-1)
    picked = np.take_along_axis(probs, np.broadcast_to(y, probs.shape[:-1])[..., None], -1)
    nll = -np.log(np.maximum(picked[..., 0], 1e-300)).mean(axis=-1)
    return acc, nll


# ----------------------------------------------------------------------------- 1. decay


@dataclass(frozen=True)
class DecayResult:
    """Result of :func:`decay_matters`; arrays are ``[seed, schedule]`` or
    ``[seed, schedule, eval]``, schedule 0 the constant rate."""

    labels: tuple[str, ...]
    peak: float
    T: int
    eval_steps: np.ndarray
    lrs: np.ndarray
    test_accuracy: np.ndarray
    test_loss: np.ndarray
    final_accuracy: dict[str, Estimate]
    final_loss: dict[str, Estimate]
    win_accuracy: dict[str, float]
    win_loss: dict[str, float]
    gap_loss: dict[str, int | None]
    gap_accuracy: dict[str, int | None]
    diverged: np.ndarray
    final_train_loss: dict[str, Estimate]
    setting: str = ""

    def summary(self) -> str:
        rows = [("schedule", "held-out accuracy | held-out loss | wins vs constant (acc, "
                             "loss) | gap opens (loss, acc) | diverged")]
        for j, k in enumerate(self.labels):
            rows.append((k, f"{self.final_accuracy[k]} | {self.final_loss[k]} | "
                            f"{self.win_accuracy[k]:.2f}, {self.win_loss[k]:.2f} | "
                            f"{self.gap_loss[k]}, {self.gap_accuracy[k]} | "
                            f"{int(self.diverged[:, j].sum())}"))
        rows.append(("train loss", " | ".join(f"{k} {v}" for k, v in
                                              self.final_train_loss.items())))
        n = self.test_accuracy.shape[0]
        return _lines(f"1. Decay matters: peak {self.peak:g}, T={self.T} updates"
                      f"{self.setting}, {n} seeds "
                      "(gap opens = first step from which the paired 95 % interval of the "
                      "difference from constant excludes 0 for the rest of the run)", rows)


def decay_matters(
    *, n_seeds: int = 10, epochs: int = 10, peak: float = 0.05, momentum: float = 0.9,
    sizes: tuple[int, ...] = (64, 64, 10), first_seed: int = 0, data_seed: int = 0,
    n_evals: int = 20, batch_size: int = 16, label_noise: float = 0.2,
) -> DecayResult:
    r"""Constant vs step vs cosine vs linear-to-zero at the same peak and number of updates.

    SGD with heavy-ball momentum, ``T = epochs`` epochs of updates of ``batch_size``
    images of the digits split with a fraction ``label_noise`` of wrong training labels
    (the noise floor of the module docstring; the recorded train loss is on those
    labels, the held-out labels are clean). Schedules:
    :math:`\alpha_0`; :math:`\alpha_0\cdot 0.1^{[t\ge T/2] + [t \ge 3T/4]}`;
    :math:`\frac{\alpha_0}2(1 + \cos\pi t/T)`; :math:`\alpha_0(1 - t/T)`. Held-out
    accuracy and loss are recorded at ``n_evals + 1`` evenly spaced steps.
    """
    data, seeds, T, B = _common(n_seeds, epochs, first_seed, data_seed, batch_size,
                                label_noise)
    peak, mu = _peak("peak", peak), _momentum(momentum)
    n_evals = check_int("n_evals", n_evals, low=1, high=10**4)
    scheds = {"constant": Constant(peak), "step": MultiStep(peak, [T // 2, 3 * T // 4], 0.1),
              "cosine": Cosine(peak, T), "linear": Polynomial(peak, T, 1.0, 0.0)}
    rows = [lr_values(s, T) for s in scheds.values()]
    lrs, run_seeds = _table(rows, seeds)
    steps = np.unique(np.linspace(0, T, n_evals + 1).round().astype(int))
    rec = train(MLP(sizes), SGD(momentum=mu), data, lrs, run_seeds, eval_steps=steps,
                batch_size=B, record_batch_loss=False)
    acc, loss = _grid(rec, seeds.size, "test_accuracy"), _grid(rec, seeds.size, "test_loss")
    trl = _grid(rec, seeds.size, "train_loss")
    labels = tuple(scheds)
    fa = {k: estimate(acc[:, j, -1]) for j, k in enumerate(labels)}
    fl = {k: estimate(loss[:, j, -1]) for j, k in enumerate(labels)}
    wa = {k: _win(acc[:, j, -1], acc[:, 0, -1], True) for j, k in enumerate(labels)}
    wl = {k: _win(loss[:, j, -1], loss[:, 0, -1], False) for j, k in enumerate(labels)}
    gl = {k: _gap_opens(loss[:, j] - loss[:, 0], rec.eval_steps, -1) if j else None
          for j, k in enumerate(labels)}
    ga = {k: _gap_opens(acc[:, j] - acc[:, 0], rec.eval_steps, 1) if j else None
          for j, k in enumerate(labels)}
    return DecayResult(labels, peak, T, rec.eval_steps, np.stack(rows), acc, loss, fa, fl,
                       wa, wl, gl, ga, rec.diverged.reshape(seeds.size, -1),
                       {k: estimate(trl[:, j, -1]) for j, k in enumerate(labels)},
                       _setting(B, label_noise))


# ----------------------------------------------------------------------------- 2. warm-up


@dataclass(frozen=True)
class WarmupResult:
    """Result of :func:`warmup_effect`. Per optimizer name (``"adam"``, ``"sgd"``) and
    warm-up fraction: divergence count, early spike ratio, final accuracy, win rate of
    the final accuracy against no warm-up. ``sharpness`` is ``(seed, fraction, probe)``
    for SGD (heavy-ball ``momentum``) at ``sharpness_steps``, with ``sharpness_lr`` the
    rate there."""

    fractions: tuple[float, ...]
    peaks: dict[str, float]
    momentum: float
    T: int
    sizes: tuple[int, ...]
    n_seeds: int
    lrs: dict[str, np.ndarray]
    diverged: dict[str, np.ndarray]
    spike: dict[str, dict[float, Estimate]]
    rise: dict[str, dict[float, Estimate]]
    final_accuracy: dict[str, dict[float, Estimate]]
    win_accuracy: dict[str, dict[float, float]]
    accuracy: dict[str, np.ndarray]
    sharpness_steps: np.ndarray
    sharpness_lr: np.ndarray
    sharpness: np.ndarray
    init_scale: float = 1.0

    def summary(self) -> str:
        out = [f"2. Warm-up: net {self.sizes} (initial weights x{self.init_scale:g}), "
               f"SGD momentum {self.momentum:g}, T={self.T} updates, {self.n_seeds} seeds, "
               "cosine after a linear warm-up; spike = max batch loss in the first 10 % / "
               "initial training loss; rise = max over the first 10 % of batch loss / lowest "
               "earlier batch loss"]
        for name, peak in self.peaks.items():
            rows = [("warm-up", "diverged | ended below 50 % | spike | rise | final held-out "
                                "accuracy | win vs 0 %")]
            for j, f in enumerate(self.fractions):
                d = int(self.diverged[name][:, j].sum())
                low = int((self.accuracy[name][:, j] < 0.5).sum())
                rows.append((f"{100 * f:g} %", f"{d}/{self.n_seeds} | {low}/{self.n_seeds} | "
                                              f"{self.spike[name][f]} | "
                                              f"{self.rise[name][f]} | "
                                              f"{self.final_accuracy[name][f]} | "
                                              f"{self.win_accuracy[name][f]:.2f}"))
            out.append(_lines(f" {name}, peak {peak:g}:", rows))
        mu = self.momentum
        rows = [("step", "rate | " + " | ".join(f"{100 * f:g} %: sharpness (mean, max)"
                                                for f in self.fractions))]
        for e, t in enumerate(self.sharpness_steps):
            cells = []
            for j in range(len(self.fractions)):
                s = self.sharpness[:, j, e]
                lr = self.sharpness_lr[j, e]
                lim = f"2/a={2 / lr:.1f}, (2+2mu)/a={(2 + 2 * mu) / lr:.1f}" if lr > 0 else "-"
                cells.append(f"{s.mean():.1f}, {s.max():.1f} ({lim})")
            rows.append((str(int(t)), " | ".join(cells)))
        lr = self.sharpness_lr[None, :, 1:]
        s = self.sharpness[:, :, 1:]
        over2 = (s * lr > 2).sum(axis=(0, 2))
        over_hb = (s * lr > 2 + 2 * mu).sum(axis=(0, 2))
        n = s.shape[0] * s.shape[2]
        rows.append(("above", " | ".join(f"2/a: {a}/{n}, (2+2mu)/a: {b}/{n}"
                                         for a, b in zip(over2, over_hb, strict=True))))
        out.append(_lines(f" sgd sharpness (largest Hessian eigenvalue on 256 training "
                          f"images, over {self.sharpness.shape[0]} seeds) vs 2/alpha and the "
                          "heavy-ball limit (2+2mu)/alpha; Adam's preconditioned sharpness "
                          "is not measured", rows))
        return "\n".join(out)


def warmup_effect(
    *, n_seeds: int = 10, epochs: int = 5, fractions: tuple[float, ...] = (0, .01, .05, .1, .2),
    adam_peak: float = 0.06, sgd_peak: float = 0.2, momentum: float = 0.0,
    sizes: tuple[int, ...] = (64, 64, 64, 64, 10), first_seed: int = 0, data_seed: int = 0,
    sharpness_seeds: int = 3, sharpness_probes: int = 5, sharpness_iters: int = 15,
    init_scale: float = 1.5, batch_size: int = BATCH, label_noise: float = 0.0,
) -> WarmupResult:
    r"""Warm-up of 0 / 1 / 5 / 10 / 20 % of training before a cosine, at a high peak.

    Schedules: :func:`lrsched.warmup_cosine` ``(peak, T, round(f T))`` (at least one
    warm-up update when :math:`f > 0`), plain :class:`lrsched.Cosine` for :math:`f = 0`.
    Adam (PyTorch defaults) and SGD (heavy-ball ``momentum``) on a 4-layer ReLU net whose
    initial weights are ``init_scale`` times He's (:class:`ScaledMLP`). The spike of a
    run is :math:`\max_{t < T/10} \mathcal L_{\mathcal B_t} / \mathcal L(\theta_0)`.
    Sharpness (:func:`~lrsched.network.sharpness`, on the first 256 training images) is
    probed at ``sharpness_probes + 1`` steps of the first :math:`T/10` updates of the
    first ``sharpness_seeds`` SGD seeds, to set against :math:`2/\alpha_t` and the
    heavy-ball stability limit :math:`(2 + 2\mu)/\alpha_t`.
    """
    data, seeds, T, B = _common(n_seeds, epochs, first_seed, data_seed, batch_size,
                                label_noise)
    fr = _fractions("fractions", fractions, low_open=False, high=0.9)
    peaks = {"adam": _peak("adam_peak", adam_peak), "sgd": _peak("sgd_peak", sgd_peak)}
    mu = _momentum(momentum)
    n_sh = check_int("sharpness_seeds", sharpness_seeds, low=1, high=seeds.size)
    probes = check_int("sharpness_probes", sharpness_probes, low=1, high=100)
    iters = check_int("sharpness_iters", sharpness_iters, low=1, high=1000)
    model = ScaledMLP(sizes, init_scale)
    early = max(1, T // 10)
    opts: dict[str, Optimizer] = {"adam": Adam(), "sgd": SGD(momentum=mu)}
    res: dict[str, dict[str, Any]] = {k: {} for k in ("lrs", "div", "spike", "rise", "acc",
                                                      "fin", "win")}
    sgd_rows: list[np.ndarray] = []
    for name, opt in opts.items():
        p = peaks[name]
        rows = [lr_values(Cosine(p, T) if f == 0 else warmup_cosine(p, T, max(1, round(f * T))),
                          T) for f in fr]
        if name == "sgd":
            sgd_rows = rows
        lrs, run_seeds = _table(rows, seeds)
        rec = train(model, opt, data, lrs, run_seeds, batch_size=B)
        S = len(fr)
        acc = _grid(rec, seeds.size, "test_accuracy")[:, :, -1]
        bl = rec.batch_loss.reshape(seeds.size, S, T)
        start = _grid(rec, seeds.size, "train_loss")[:, :, 0]
        spike = bl[:, :, :early].max(axis=-1) / start
        low = np.minimum.accumulate(bl[:, :, : early - 1], axis=-1) if early > 1 else bl[..., :1]
        rise = (bl[:, :, 1:early] / low).max(axis=-1) if early > 1 else np.ones(spike.shape)
        res["lrs"][name] = np.stack(rows)
        res["div"][name] = rec.diverged.reshape(seeds.size, S)
        res["acc"][name] = acc
        res["spike"][name] = {f: estimate(spike[:, j]) for j, f in enumerate(fr)}
        res["rise"][name] = {f: estimate(rise[:, j]) for j, f in enumerate(fr)}
        res["fin"][name] = {f: estimate(acc[:, j]) for j, f in enumerate(fr)}
        res["win"][name] = {f: _win(acc[:, j], acc[:, 0], True) for j, f in enumerate(fr)}
    # sharpness over the first updates: the same runs, stopped after `early` updates
    psteps = np.unique(np.linspace(0, early, probes + 1).round().astype(int))
    lrs, run_seeds = _table([r[:early] for r in sgd_rows], seeds[:n_sh])
    rec = train(model, SGD(momentum=mu), data, lrs, run_seeds, eval_steps=psteps,
                batch_size=B, record_batch_loss=False, sharpness_iters=iters, sharpness_samples=256)
    sharp = rec.sharpness.reshape(n_sh, len(fr), psteps.size)
    sh_lr = np.stack([r[np.minimum(psteps, T - 1)] for r in sgd_rows])
    return WarmupResult(fr, peaks, mu, T, tuple(model.sizes), seeds.size, res["lrs"], res["div"],
                        res["spike"], res["rise"], res["fin"], res["win"], res["acc"], psteps,
                        sh_lr, sharp, model.init_scale)


# ----------------------------------------------------------------------------- 3. restarts


@dataclass(frozen=True)
class RestartResult:
    """Result of :func:`restarts`. ``anytime`` is ``(seed, schedule, cycle end)`` held-out
    accuracy (schedule 0 SGDR, 1 cosine); ``snapshots`` is ``(seed, schedule, cycle, P)``."""

    peak: float
    T: int
    cycle_ends: np.ndarray
    lrs: np.ndarray
    anytime: np.ndarray
    anytime_estimates: dict[str, list[Estimate]]
    win_anytime: list[float]
    snapshots: np.ndarray
    ensemble_accuracy: np.ndarray
    ensemble_nll: np.ndarray
    final: dict[str, Estimate]
    final_nll: dict[str, Estimate]
    win_final: dict[str, float]
    diverged: np.ndarray
    setting: str = ""

    def summary(self) -> str:
        rows = [("cycle end", "SGDR | cosine | SGDR wins")]
        for c, t in enumerate(self.cycle_ends):
            rows.append((str(int(t)), f"{self.anytime_estimates['sgdr'][c]} | "
                                      f"{self.anytime_estimates['cosine'][c]} | "
                                      f"{self.win_anytime[c]:.2f}"))
        rows.append(("final models", "accuracy | NLL | accuracy wins vs cosine final"))
        for k in self.final:
            rows.append((k, f"{self.final[k]} | {self.final_nll[k]} | {self.win_final[k]:.2f}"))
        n = self.anytime.shape[0]
        return _lines(f"3. Restarts: SGDR ({self.cycle_ends.size} cycles of "
                      f"{int(self.cycle_ends[0])}) vs cosine over T={self.T}{self.setting}, "
                      "peak "
                      f"{self.peak:g}, {n} seeds; held-out accuracy at each cycle end, and "
                      "snapshot ensembles (mean softmax of the cycle-end weights); diverged "
                      f"runs: SGDR {int(self.diverged[:, 0].sum())}, cosine "
                      f"{int(self.diverged[:, 1].sum())}", rows)


def restarts(
    *, n_seeds: int = 10, epochs: int = 12, cycles: int = 4, peak: float = 0.05,
    momentum: float = 0.9, sizes: tuple[int, ...] = (64, 64, 10), first_seed: int = 0,
    data_seed: int = 0, batch_size: int = 16, label_noise: float = 0.2,
) -> RestartResult:
    r"""SGDR with ``cycles`` equal cycles vs one cosine of the same length.

    :math:`T_0 = \lfloor T_e / c\rfloor` with :math:`T_e` the updates of ``epochs``
    epochs, and both schedules last :math:`T = c\,T_0` updates.

    Defaults: the noise-floor setting of the module docstring (``label_noise`` 0.2,
    ``batch_size`` 16), where each cycle end fits a different part of the noise, the
    diversity a snapshot ensemble needs (Huang et al., 2017).

    The weights at each cycle end come from runs truncated there (module docstring):
    ``2 * cycles`` runs per seed in one batch. The snapshot ensemble averages the
    softmax of the ``cycles`` cycle-end weights (:func:`snapshot_ensemble`); the same
    is done with the cosine run's weights at the same steps, as a control. An ensemble
    with a diverged member, and a diverged final model, get the fill values (chance
    accuracy, NLL ``max_loss``).
    """
    data, seeds, T, B = _common(n_seeds, epochs, first_seed, data_seed, batch_size,
                                label_noise)
    c = check_int("cycles", cycles, low=2, high=64)
    peak, mu = _peak("peak", peak), _momentum(momentum)
    T0 = T // c
    if T0 < 2:
        raise ValueError(f"cycles must leave at least 2 updates per cycle; T={T}, cycles={c}")
    T = T0 * c
    ends = np.arange(1, c + 1) * T0
    full = [lr_values(SGDR(peak, T0), T), lr_values(Cosine(peak, T), T)]
    rows = [_truncated(r, int(e)) for r in full for e in ends]
    lrs, run_seeds = _table(rows, seeds)
    model = MLP(sizes)
    rec = train(model, SGD(momentum=mu), data, lrs, run_seeds, eval_steps=ends,
                batch_size=B, record_batch_loss=False)
    acc = _grid(rec, seeds.size, "test_accuracy").reshape(seeds.size, 2, c, c)
    anytime = acc[:, :, -1, :]  # the untruncated runs at every cycle end
    div = rec.diverged.reshape(seeds.size, 2, c)
    snaps = np.where(div[..., None], 0.0, rec.theta.reshape(seeds.size, 2, c, model.n_params))
    y = data.y_test

    def scored(j: int, members: slice, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # an ensemble with a diverged member gets the fill values (chance, max_loss)
        acc, nll = _scores(snapshot_ensemble(model, snaps[:, j, members], data.X_test, y), y)
        return (np.where(bad, 1.0 / data.n_classes, acc), np.where(bad, rec.max_loss, nll))

    ens = {k: scored(j, slice(None), div[:, j].any(-1)) for j, k in enumerate(("sgdr", "cosine"))}
    last = {k: scored(j, slice(c - 1, c), div[:, j, -1]) for j, k in enumerate(("sgdr", "cosine"))}
    finals = {"cosine final": last["cosine"], "SGDR final": last["sgdr"],
              "SGDR snapshot ensemble": ens["sgdr"], "cosine snapshot ensemble": ens["cosine"]}
    ref = last["cosine"][0]
    est = {k: [estimate(anytime[:, j, e]) for e in range(c)]
           for j, k in enumerate(("sgdr", "cosine"))}
    return RestartResult(
        peak, T, ends, np.stack(full), anytime, est,
        [_win(anytime[:, 0, e], anytime[:, 1, e], True) for e in range(c)], snaps,
        np.stack([ens["sgdr"][0], ens["cosine"][0]], 1),
        np.stack([ens["sgdr"][1], ens["cosine"][1]], 1),
        {k: estimate(v[0]) for k, v in finals.items()},
        {k: estimate(v[1]) for k, v in finals.items()},
        {k: _win(v[0], ref, True) for k, v in finals.items()},
        div[:, :, -1], _setting(B, label_noise),
    )


# ----------------------------------------------------------------------------- 4. range test


@dataclass(frozen=True)
class RangeResult:
    """Result of :func:`range_to_training`. ``range_losses`` is ``(seed, n_range)`` batch
    losses of the sweep ``range_lrs``; ``suggested`` the per-seed valley rates; ``grid``
    the fixed rates, ``grid_accuracy`` ``(seed, rate)``; ``one_cycle_lrs`` ``(seed, T)``."""

    T: int
    range_lrs: np.ndarray
    range_losses: np.ndarray
    suggestions: dict[str, Estimate]
    suggested: np.ndarray
    grid: tuple[float, ...]
    grid_accuracy: np.ndarray
    best_rate: float
    one_cycle_lrs: np.ndarray
    best_lrs: np.ndarray
    accuracy: dict[str, Estimate]
    loss: dict[str, Estimate]
    win_accuracy: float
    win_loss: float
    diverged: dict[str, int]

    def summary(self) -> str:
        rows = [(f"suggestion {k}", str(v)) for k, v in self.suggestions.items()]
        rows += [(f"constant {g:g}", str(estimate(self.grid_accuracy[:, j])))
                 for j, g in enumerate(self.grid)]
        for k in self.accuracy:
            rows.append((k, f"accuracy {self.accuracy[k]} | loss {self.loss[k]}"))
        rows.append(("one-cycle wins", f"accuracy {self.win_accuracy:.2f}, "
                                       f"loss {self.win_loss:.2f}"))
        rows.append(("diverged", ", ".join(f"{k} {v}" for k, v in self.diverged.items())))
        n = self.range_losses.shape[0]
        return _lines(f"4. Range test -> one-cycle: {n} seeds, a range test per seed "
                      f"({self.range_lrs.size} rates {self.range_lrs[0]:g}..."
                      f"{self.range_lrs[-1]:g}), one-cycle to the seed's valley rate vs the "
                      f"best constant of the grid (chosen on the same seeds' held-out "
                      f"accuracy), T={self.T}", rows)


def range_to_training(
    *, n_seeds: int = 10, epochs: int = 5, momentum: float = 0.9, lr_min: float = 1e-4,
    lr_max: float = 10.0, n_range: int = 100,
    grid: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3),
    sizes: tuple[int, ...] = (64, 64, 10), first_seed: int = 0, data_seed: int = 0,
    batch_size: int = BATCH, label_noise: float = 0.0,
) -> RangeResult:
    r"""Range test on the network, then one-cycle on its suggestion vs the best fixed rate.

    The range test of seed :math:`s` trains its network (SGD with momentum) for
    ``n_range`` updates at the geometric rates :func:`lrsched.lr_sweep`; the batch losses
    (each measured before the update at its rate, as fastai records them) are fed in order
    to :func:`lrsched.range_test` (debiased EMA, stop at 4x the best) and its suggestions.
    One-cycle (:class:`lrsched.OneCycle`, fastai's defaults ``pct_start=0.3``,
    ``div_factor=25``) then peaks at that seed's ``valley`` rate, fastai's default
    suggestion. The baseline is the constant rate of ``grid`` with the best mean final
    held-out accuracy, at the same ``T``.
    """
    data, seeds, T, B = _common(n_seeds, epochs, first_seed, data_seed, batch_size,
                                label_noise)
    mu = _momentum(momentum)
    n_range = check_int("n_range", n_range, low=20, high=10**4)
    sweep = lr_sweep(lr_min, lr_max, n_range)
    g = _fractions("grid", grid, low_open=True, high=100.0)
    model, opt = MLP(sizes), SGD(momentum=mu)
    rt = train(model, opt, data, np.tile(sweep, (seeds.size, 1)), seeds, eval_steps=[0],
               batch_size=B)
    sugg = {"valley": [], "steepest": [], "min_div10": []}
    for r in range(seeds.size):
        losses = iter(rt.batch_loss[r].tolist())
        res = range_test(lambda lr, it=losses: next(it), lr_min, lr_max, n_range)
        for k, v in res.suggestions().items():
            sugg[k].append(v)
    valley = np.array(sugg["valley"])
    oc = np.stack([lr_values(OneCycle(v, T), T) for v in valley])
    const = [lr_values(Constant(x), T) for x in g]
    lrs, run_seeds = _table(const, seeds)
    rec = train(model, opt, data, lrs, run_seeds, batch_size=B, record_batch_loss=False)
    gacc = _grid(rec, seeds.size, "test_accuracy")[:, :, -1]
    gloss = _grid(rec, seeds.size, "test_loss")[:, :, -1]
    b = int(np.argmax(gacc.mean(axis=0)))
    rec1 = train(model, opt, data, oc, seeds, batch_size=B, record_batch_loss=False)
    oacc, oloss = rec1.test_accuracy[:, -1], rec1.test_loss[:, -1]
    name_b, name_o = f"best constant {g[b]:g}", "one-cycle"
    return RangeResult(
        T, sweep, rt.batch_loss, {k: estimate(v) for k, v in sugg.items()}, valley, g, gacc,
        g[b], oc, const[b],
        {name_o: estimate(oacc), name_b: estimate(gacc[:, b])},
        {name_o: estimate(oloss), name_b: estimate(gloss[:, b])},
        _win(oacc, gacc[:, b], True), _win(oloss, gloss[:, b], False),
        {name_o: int(rec1.diverged.sum()),
         **{f"constant {x:g}": int(d) for x, d in
            zip(g, rec.diverged.reshape(seeds.size, -1).sum(0), strict=True)}},
    )


# ----------------------------------------------------------------------------- 5. one-cycle


@dataclass(frozen=True)
class OneCycleResult:
    """Result of :func:`one_cycle_speed`. ``accuracy`` is ``(seed, family, eval)`` for the
    tuned peak of each family (0 one-cycle, 1 constant-then-cosine); ``steps_to_target``
    ``(seed, family)`` with ``T + 1`` for a target never reached."""

    peaks: tuple[float, ...]
    best_peak: dict[str, float]
    tuning_accuracy: np.ndarray
    T: int
    target: float
    eval_steps: np.ndarray
    lrs: np.ndarray
    accuracy: np.ndarray
    curve: dict[str, list[Estimate]]
    win_curve: list[float]
    steps_to_target: np.ndarray
    reached: dict[str, int]
    steps_estimate: dict[str, Estimate]
    win_steps: float

    def summary(self) -> str:
        fam = tuple(self.best_peak)
        rows = [("tuning", "; ".join(
            f"{k}: " + ", ".join(f"{p:g}->{self.tuning_accuracy[:, j, i].mean():.4f}"
                                 for i, p in enumerate(self.peaks)) for j, k in enumerate(fam)))]
        rows.append(("step", " | ".join(fam) + " | one-cycle wins"))
        for e, t in enumerate(self.eval_steps):
            rows.append((str(int(t)), f"{self.curve[fam[0]][e]} | {self.curve[fam[1]][e]} | "
                                      f"{self.win_curve[e]:.2f}"))
        for k in fam:
            rows.append((f"steps to {self.target:g}", f"{k}: reached {self.reached[k]}/"
                                                       f"{self.accuracy.shape[0]}, "
                                                       f"{self.steps_estimate[k]}"))
        rows.append(("one-cycle earlier", f"{self.win_steps:.2f}"))
        return _lines(f"5. One-cycle vs constant-then-cosine (each at its best peak of "
                      f"{self.peaks}, chosen on the same seeds), T={self.T}, "
                      f"{self.accuracy.shape[0]} seeds: held-out accuracy against steps "
                      f"(never reached counts as T+1)", rows)


def one_cycle_speed(
    *, n_seeds: int = 10, epochs: int = 2,
    peaks: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8), hold: float = 0.5,
    target: float = 0.9, momentum: float = 0.9,
    sizes: tuple[int, ...] = (64, 64, 10), first_seed: int = 0, data_seed: int = 0,
    n_evals: int = 20, batch_size: int = BATCH, label_noise: float = 0.0,
) -> OneCycleResult:
    r"""One-cycle vs a constant-then-cosine baseline, both tuned over the same peaks.

    One-cycle: :class:`lrsched.OneCycle` ``(peak, T)`` (30 % rise, cosine anneal).
    Baseline: :class:`lrsched.WSD` ``(peak, T, 0, T - round(hold T), "cosine")``, the
    peak held for a fraction ``hold`` of the run, then a cosine to 0. For each family the
    peak with the best mean final held-out accuracy is kept; the two are compared at
    ``n_evals + 1`` evenly spaced steps and by the first evaluated step at which the
    held-out accuracy reaches ``target``. Defaults: a short budget (2 epochs) and peaks
    up to 0.8, the super-convergence setting (Smith & Topin, 2019).
    """
    data, seeds, T, B = _common(n_seeds, epochs, first_seed, data_seed, batch_size,
                                label_noise)
    pk = _fractions("peaks", peaks, low_open=True, high=100.0)
    hold = check_real("hold", hold, low=0.0, high=1.0, high_open=True)
    target = check_real("target", target, low=0.0, high=1.0)
    mu = _momentum(momentum)
    n_evals = check_int("n_evals", n_evals, low=1, high=10**4)
    t_dec = T - round(hold * T)
    if t_dec < 1:
        raise ValueError(f"hold must leave at least one cosine update; got hold={hold!r} "
                         f"with T={T}")
    fam = ("one-cycle", "constant-then-cosine")
    rows = [lr_values(OneCycle(p, T), T) for p in pk] + \
           [lr_values(WSD(p, T, 0, t_dec, "cosine"), T) for p in pk]
    lrs, run_seeds = _table(rows, seeds)
    steps = np.unique(np.linspace(0, T, n_evals + 1).round().astype(int))
    rec = train(MLP(sizes), SGD(momentum=mu), data, lrs, run_seeds, eval_steps=steps,
                batch_size=B, record_batch_loss=False)
    acc = _grid(rec, seeds.size, "test_accuracy").reshape(seeds.size, 2, len(pk), -1)
    best = [int(np.argmax(acc[:, j, :, -1].mean(axis=0))) for j in range(2)]
    chosen = np.stack([acc[:, j, best[j]] for j in range(2)], axis=1)
    hit = chosen >= target
    first = np.where(hit.any(-1), rec.eval_steps[np.argmax(hit, axis=-1)], T + 1)
    E = rec.eval_steps.size
    return OneCycleResult(
        pk, {k: pk[best[j]] for j, k in enumerate(fam)}, acc[:, :, :, -1], T, target,
        rec.eval_steps, np.stack([rows[best[0]], rows[len(pk) + best[1]]]), chosen,
        {k: [estimate(chosen[:, j, e]) for e in range(E)] for j, k in enumerate(fam)},
        [_win(chosen[:, 0, e], chosen[:, 1, e], True) for e in range(E)], first,
        {k: int(hit[:, j].any(-1).sum()) for j, k in enumerate(fam)},
        {k: estimate(first[:, j]) for j, k in enumerate(fam)},
        _win(first[:, 0], first[:, 1], False),
    )


# ----------------------------------------------------------------------------- 6. WSD


@dataclass(frozen=True)
class WSDResult:
    """Result of :func:`wsd_branches`. ``accuracy`` and ``loss`` are ``(seed, kind,
    length)`` with kind 0 WSD (cooldown branched from the stable run), 1 cosine of that
    length, 2 the stable (constant) run itself at that step."""

    peak: float
    lengths: np.ndarray
    cooldown: float
    lrs: np.ndarray
    accuracy: np.ndarray
    loss: np.ndarray
    estimates: dict[str, list[Estimate]]
    loss_estimates: dict[str, list[Estimate]]
    win_accuracy: list[float]
    win_loss: list[float]
    diverged: np.ndarray
    setting: str = ""

    def summary(self) -> str:
        rows = [("length", "WSD | cosine | stable (no cooldown) | WSD wins (acc, loss)")]
        for i, L in enumerate(self.lengths):
            rows.append((str(int(L)), " | ".join(str(self.estimates[k][i]) for k in
                                                 ("wsd", "cosine", "stable"))
                         + f" | {self.win_accuracy[i]:.2f}, {self.win_loss[i]:.2f}"))
        rows.append(("held-out loss", ""))
        for i, L in enumerate(self.lengths):
            rows.append((str(int(L)), " | ".join(str(self.loss_estimates[k][i]) for k in
                                                 ("wsd", "cosine", "stable"))))
        return _lines(f"6. WSD: linear cooldowns of {100 * self.cooldown:g} % branched from one "
                      f"constant run at peak {self.peak:g}{self.setting} vs a cosine of each "
                      "length, "
                      f"{self.accuracy.shape[0]} seeds; held-out accuracy (diverged runs per "
                      f"length, WSD/cosine/stable: "
                      f"{self.diverged.sum(0).T.tolist()})", rows)


def wsd_branches(
    *, n_seeds: int = 10, epochs: int = 12, lengths: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0),
    cooldown: float = 0.2, peak: float = 0.05, momentum: float = 0.9,
    sizes: tuple[int, ...] = (64, 64, 10), first_seed: int = 0, data_seed: int = 0,
    batch_size: int = 16, label_noise: float = 0.2,
) -> WSDResult:
    r"""Cooldowns branched from one stable run vs a cosine run of each length.

    For each length :math:`L_k = \mathrm{round}(f_k T)`: :class:`lrsched.WSD`
    ``(peak, L_k, 0, round(cooldown L_k), "linear")`` -- the constant run up to
    :math:`L_k - t_d`, then a linear cooldown to 0 -- and :class:`lrsched.Cosine`
    ``(peak, L_k)``, both truncated at :math:`L_k`, plus the constant run itself. The
    stable prefix of each branch is recomputed (the same seed gives the same prefix).
    Defaults: the noise-floor setting of the module docstring, where the cooldown of a
    branch has a noise floor to remove.
    """
    data, seeds, T, B = _common(n_seeds, epochs, first_seed, data_seed, batch_size,
                                label_noise)
    fr = _fractions("lengths", lengths, low_open=True)
    cd = check_real("cooldown", cooldown, low=0.0, high=1.0, low_open=True)
    peak, mu = _peak("peak", peak), _momentum(momentum)
    Ls = np.array(sorted({max(2, round(f * T)) for f in fr}))
    rows = []
    for L in Ls.tolist():
        wsd = WSD(peak, L, 0, max(1, round(cd * L)), "linear")
        for s in (wsd, Cosine(peak, L), Constant(peak)):
            rows.append(_truncated(lr_values(s, T), L))
    lrs, run_seeds = _table(rows, seeds)
    rec = train(MLP(sizes), SGD(momentum=mu), data, lrs, run_seeds, eval_steps=Ls,
                batch_size=B, record_batch_loss=False)
    K = Ls.size
    acc = _grid(rec, seeds.size, "test_accuracy").reshape(seeds.size, K, 3, K)
    loss = _grid(rec, seeds.size, "test_loss").reshape(seeds.size, K, 3, K)
    idx = np.arange(K)
    a = acc[:, idx, :, idx].transpose(1, 2, 0)  # run of length L_k read at L_k
    lo = loss[:, idx, :, idx].transpose(1, 2, 0)
    kinds = ("wsd", "cosine", "stable")
    return WSDResult(
        peak, Ls, cd, np.stack(rows).reshape(K, 3, T), a, lo,
        {k: [estimate(a[:, j, i]) for i in range(K)] for j, k in enumerate(kinds)},
        {k: [estimate(lo[:, j, i]) for i in range(K)] for j, k in enumerate(kinds)},
        [_win(a[:, 0, i], a[:, 1, i], True) for i in range(K)],
        [_win(lo[:, 0, i], lo[:, 1, i], False) for i in range(K)],
        rec.diverged.reshape(seeds.size, K, 3), _setting(B, label_noise),
    )
