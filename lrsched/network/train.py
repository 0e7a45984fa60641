r"""Batched mini-batch training: many runs, one vectorised update per step.

Run :math:`r` has a seed :math:`s_r` and a row of learning rates
:math:`\alpha_{r,0}, \dots, \alpha_{r,T-1}`. At step :math:`t` every live run takes the
mini-batch :math:`\mathcal B_{r,t}`, computes
:math:`\mathcal L_{\mathcal B_{r,t}}(\theta_{r,t})` and its gradient, and applies the
optimizer with rate :math:`\alpha_{r,t}`; all runs go through the same stacked matrix
products (:class:`~lrsched.network.MLP`), so there is no Python loop over runs (large
models are updated in a few blocks of runs, each at least 8 runs, sized for the cache).

Pairing: the initial weights (:meth:`MLP.init_params`) and the mini-batch order (a
fresh permutation of the training set every epoch, from ``np.random.default_rng([s, 2])``;
the last batch of an epoch may be smaller, as in PyTorch's ``DataLoader``) depend only on
the seed. Runs that share a seed and differ in schedule or hyperparameters therefore see
the same start and the same data in the same order: their differences are paired.

Divergence: run :math:`r` is flagged at the first step whose mini-batch loss, or whose
full training loss at an evaluation step, is not finite or exceeds ``max_loss`` (default
:math:`10 \log K`, ten times the loss of a uniform guess over :math:`K` classes); its
held-out loss must also be finite. From then on it is frozen (no more updates) and every
later record holds a fixed *fill* value instead of a measurement: ``max_loss`` for
losses, the chance level :math:`1/K` for accuracies, 0 for sharpness. ``alive`` says
which records are measurements. No record is ever NaN or infinite, so means over runs
are always finite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validate import (
    MAX_VALUES,
    as_array,
    check_choice,
    check_count,
    check_int,
    check_real,
)
from ..noisy_sgd import _lr_table, _schedule_items
from .data import NetworkData
from .mlp import MLP, _seed_rng, check_seeds, int_items
from .optimizers import Optimizer, partition
from .sharpness import _sharpness, _unit

__all__ = ["TrainRecord", "train", "train_grid"]

_EVAL_BLOCK = 2**21  # float64 values per activation block when evaluating a data set
_STEP_BLOCK = 2**19  # parameters (runs x P) per block of runs in one update (cache-sized)


@dataclass(frozen=True)
class TrainRecord:
    r"""What :func:`train` recorded; arrays are indexed ``[run, eval step]``.

    Attributes
    ----------
    eval_steps : numpy.ndarray
        ``(E,)`` update counts :math:`k` at which the records were taken (after
        :math:`k` updates; 0 is the initialisation).
    train_loss, test_loss, train_accuracy, test_accuracy : numpy.ndarray
        ``(R, E)``: loss and accuracy on the whole training and held-out sets.
    batch_loss : numpy.ndarray or None
        ``(R, T)``: mini-batch loss of every update, measured before it.
    sharpness : numpy.ndarray or None
        ``(R, E)``: largest Hessian eigenvalue of the training loss on the first
        ``sharpness_samples`` training samples (when ``sharpness_iters > 0``).
    alive : numpy.ndarray
        ``(R, E)`` booleans: the record is a measurement (not a fill value).
    diverged : numpy.ndarray
        ``(R,)`` booleans.
    diverged_at : numpy.ndarray
        ``(R,)`` step at which each run was flagged, ``-1`` if never.
    lrs : numpy.ndarray
        ``(R, T)`` learning rates (rate of update ``t`` in column ``t``).
    seeds : numpy.ndarray
        ``(R,)`` seeds.
    theta : numpy.ndarray
        ``(R, P)`` final parameters (a diverged run keeps those it had when flagged,
        which may be non-finite).
    max_loss : float
        The divergence threshold, also the loss fill value.
    grid_shape : tuple of int
        Shape of the run axis before flattening (``(R,)`` for :func:`train`,
        ``(n_seeds, n_schedules)`` for :func:`train_grid`); see :meth:`grid`.
    labels : list of str
        Names of the schedules along the last grid axis (:func:`train_grid`).
    """

    eval_steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    batch_loss: np.ndarray | None
    sharpness: np.ndarray | None
    alive: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    lrs: np.ndarray
    seeds: np.ndarray
    theta: np.ndarray
    max_loss: float
    grid_shape: tuple[int, ...]
    labels: list[str] = field(default_factory=list)

    def grid(self, name: str) -> np.ndarray:
        """The array ``name`` with its run axis unflattened to ``grid_shape``.

        For :func:`train_grid`, ``rec.grid("test_accuracy")[i, j, e]`` is seed ``i``,
        schedule ``j``, evaluation ``e``.
        """
        names = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "batch_loss",
                 "sharpness", "alive", "diverged", "diverged_at", "lrs", "seeds", "theta")
        check_choice("name", name, names)
        arr = getattr(self, name)
        if arr is None:
            raise ValueError(f"{name} was not recorded")
        return arr.reshape(self.grid_shape + arr.shape[1:])


def _check_lrs(lrs: Any) -> np.ndarray:
    arr = as_array("lrs", lrs, "a 2-D real array (runs, steps) of learning rates")
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"lrs must hold real learning rates; got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"lrs must have shape (R, T) with R >= 1 runs and T >= 1 updates "
                         f"(one row of rates per run); got shape {arr.shape}")
    check_count("lrs.size", arr.size)
    arr = np.array(arr, dtype=np.float64)
    bad = ~(np.isfinite(arr) & (arr >= 0))
    if bad.any():
        r, t = (int(i[0]) for i in np.nonzero(bad))
        raise ValueError(f"lrs must be finite and >= 0; got lrs[{r}, {t}] = {arr[r, t]!r}")
    return arr


def _check_eval_steps(eval_steps: Any, T: int, spe: int) -> np.ndarray:
    if eval_steps is None:
        steps = sorted({0, T, *range(spe, T, spe)})
        return np.asarray(steps, dtype=np.int64)
    items = int_items("eval_steps", eval_steps, 0, T, "a 1-D sequence of integer steps")
    return np.asarray(sorted(set(items)), dtype=np.int64)


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


class _Batches:
    """Mini-batch indices of every run: one permutation per seed and epoch."""

    def __init__(self, seeds: np.ndarray, n: int, batch_size: int) -> None:
        uniq, self.inv = np.unique(seeds, return_inverse=True)
        self.rngs = [_seed_rng(int(s), 2) for s in uniq]
        self.n, self.B = n, batch_size
        self.spe = -(-n // batch_size)
        self.epoch, self.perm = -1, np.empty((len(uniq), n), dtype=np.int64)

    def indices(self, t: int) -> np.ndarray:
        e, k = divmod(t, self.spe)
        if e != self.epoch:
            for i, rng in enumerate(self.rngs):
                self.perm[i] = rng.permutation(self.n)
            self.epoch = e
        return self.perm[self.inv, k * self.B : (k + 1) * self.B]


def _evaluate(model: MLP, theta: np.ndarray, X: np.ndarray, y: np.ndarray):
    """Loss and accuracy of every run on a whole data set, in blocks of samples."""
    R, n = theta.shape[0], X.shape[0]
    block = max(1, _EVAL_BLOCK // (R * max(model.sizes)))
    loss, correct = np.zeros(R), np.zeros(R)
    for a in range(0, n, block):
        Xb, yb = X[a : a + block], y[a : a + block]
        lb, ab = model._eval(theta, Xb, yb)
        loss += lb * Xb.shape[0]
        correct += ab * Xb.shape[0]
    return loss / n, correct / n


def train(
    model: MLP,
    optimizer: Optimizer,
    data: NetworkData,
    lrs: Any,
    seeds: Any,
    *,
    batch_size: int = 32,
    eval_steps: Any = None,
    max_loss: float | None = None,
    record_batch_loss: bool = True,
    sharpness_iters: int = 0,
    sharpness_samples: int | None = None,
) -> TrainRecord:
    r"""Train ``R`` runs of ``model`` at once: run ``r`` with ``seeds[r]`` and rates ``lrs[r]``.

    Parameters
    ----------
    model : MLP
        Its input width must equal ``data.n_features`` and its output width
        ``data.n_classes``.
    optimizer : Optimizer
        :class:`SGD`, :class:`Adam` or :class:`AdamW`; per-run hyperparameter arrays
        must have ``R`` entries.
    data : NetworkData
        The split (e.g. :func:`digits_data`).
    lrs : array of shape (R, T)
        Learning rate of every run and update, finite and :math:`\ge 0`
        (:func:`lrsched.lr_values` turns a schedule into a row). ``T`` is the number of
        updates.
    seeds : sequence of R ints
        Each in :math:`[0, 2^{32} - 1]`; equal seeds mean equal initialisation and batches.
    batch_size : int
        :math:`B \in [1, n_{\text{train}}]`.
    eval_steps : sequence of int, optional
        Update counts in :math:`[0, T]` at which to record; default 0, every epoch end, T.
    max_loss : float, optional
        Divergence threshold in :math:`(0, 10^{300}]`; default :math:`10\log K`.
    record_batch_loss : bool
        Keep the ``(R, T)`` mini-batch losses.
    sharpness_iters : int
        If positive, record the sharpness at every evaluation step with at most this many
        power iterations per pass (relative tolerance :math:`10^{-6}`, warm-started from
        the previous evaluation; see :func:`sharpness`), in :math:`[0, 10^4]`. Each
        iteration costs about three gradient evaluations on ``sharpness_samples`` rows.
    sharpness_samples : int, optional
        How many training samples (the first ones) define the loss whose Hessian is
        probed, in :math:`[1, n_{\text{train}}]`; default :math:`\min(256, n_{\text{train}})`.

    Returns
    -------
    TrainRecord
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an lrsched.network.MLP; got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError("optimizer must be an lrsched.network optimizer (SGD, Adam, AdamW); "
                        f"got {type(optimizer).__name__}")
    if not isinstance(data, NetworkData):
        raise TypeError(f"data must be an lrsched.network.NetworkData; got {type(data).__name__}")
    if model.sizes[0] != data.n_features or model.n_classes != data.n_classes:
        raise ValueError(f"model sizes {model.sizes} must start with data.n_features="
                         f"{data.n_features} and end with data.n_classes={data.n_classes}")
    lrs = _check_lrs(lrs)
    R, T = lrs.shape
    seeds = check_seeds(seeds)
    if seeds.size != R:
        raise ValueError(f"seeds must hold one seed per run: lrs has R={R} rows but seeds "
                         f"has {seeds.size} entries")
    n_opt = optimizer.n_runs()
    if n_opt is not None and n_opt != R:
        raise ValueError(f"the optimizer's per-run hyperparameters hold {n_opt} values but "
                         f"there are R={R} runs")
    n = data.n_train
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    K = data.n_classes
    max_loss = (10.0 * math.log(K) if max_loss is None
                else check_real("max_loss", max_loss, low=0.0, high=1e300, low_open=True))
    record_batch_loss = _check_bool("record_batch_loss", record_batch_loss)
    sharpness_iters = check_int("sharpness_iters", sharpness_iters, low=0, high=10**4)
    sharpness_samples = (min(256, n) if sharpness_samples is None
                         else check_int("sharpness_samples", sharpness_samples, low=1, high=n))
    if R * model.n_params > MAX_VALUES:
        raise ValueError(f"R={R} runs x {model.n_params} parameters exceed MAX_VALUES="
                         f"{MAX_VALUES} float64 values; train fewer runs at once")
    batches = _Batches(seeds, n, batch_size)
    steps = _check_eval_steps(eval_steps, T, batches.spe)
    return _train(model, optimizer, data, lrs, seeds, batches, steps, max_loss,
                  record_batch_loss, sharpness_iters, sharpness_samples)


def _train(model, optimizer, data, lrs, seeds, batches, steps, max_loss, record_batch_loss,
           sharpness_iters, sharpness_samples) -> TrainRecord:
    R, T = lrs.shape
    E = steps.size
    theta = model.init_params(seeds)
    state = optimizer.init_state(R, model.n_params)
    grad = np.empty_like(theta)
    live = np.ones(R, dtype=bool)
    diverged_at = np.full(R, -1, dtype=np.int64)
    chance = 1.0 / data.n_classes
    rec = {k: np.empty((R, E)) for k in ("train_loss", "test_loss", "train_acc", "test_acc")}
    alive = np.zeros((R, E), dtype=bool)
    batch_loss = np.empty((R, T)) if record_batch_loss else None
    sharp = np.zeros((R, E)) if sharpness_iters else None
    Xs, ys = data.X_train[:sharpness_samples], data.y_train[:sharpness_samples]
    v = None
    if sharp is not None:  # start vectors, a function of each run's seed (stream 3)
        P = model.n_params
        rows = {s: np.random.default_rng([s, 3]).standard_normal(P) for s in set(seeds.tolist())}
        v = _unit(np.array([rows[s] for s in seeds.tolist()]))
    Xtr, ytr = data.X_train, data.y_train
    blocks = partition(state, max(8, _STEP_BLOCK // model.n_params))
    e = 0

    def flag(bad: np.ndarray, t: int) -> None:
        new = bad & live
        diverged_at[new] = t
        live[new] = False

    with np.errstate(all="ignore"):
        for t in range(T + 1):
            if e < E and steps[e] == t:
                trl, tra = _evaluate(model, theta, Xtr, ytr)
                tel, tea = _evaluate(model, theta, data.X_test, data.y_test)
                flag(~(trl <= max_loss) | ~np.isfinite(tel), t)
                if sharp is not None:
                    res = _sharpness(model, theta, Xs, ys, v, sharpness_iters, 1e-6, live.copy())
                    v = np.where(live[:, None], res.vector, v)
                    flag(~np.isfinite(res.eigenvalue), t)
                    sharp[:, e] = np.where(live, res.eigenvalue, 0.0)
                rec["train_loss"][:, e] = np.where(live, trl, max_loss)
                rec["test_loss"][:, e] = np.where(live, tel, max_loss)
                rec["train_acc"][:, e] = np.where(live, tra, chance)
                rec["test_acc"][:, e] = np.where(live, tea, chance)
                alive[:, e] = live
                e += 1
            if t == T:
                break
            idx = batches.indices(t)
            state["t"] += 1
            for sl, part in blocks:  # blocks of runs that stay in the core's cache
                ii = idx[sl]
                loss = model._loss_grad(theta[sl], Xtr[ii], ytr[ii], grad[sl])
                lv, da = live[sl], diverged_at[sl]  # views
                new = ~(loss <= max_loss) & lv
                da[new] = t
                lv &= ~new
                if batch_loss is not None:
                    batch_loss[sl, t] = np.where(lv, loss, max_loss)
                lr = lrs[sl, t]
                if not lv.all():
                    lr = np.where(lv, lr, 0.0)
                    grad[sl][~lv] = 0.0
                optimizer._step(theta[sl], grad[sl], lr, part, state["t"])
    diverged = diverged_at >= 0
    return TrainRecord(
        eval_steps=steps, train_loss=rec["train_loss"], test_loss=rec["test_loss"],
        train_accuracy=rec["train_acc"], test_accuracy=rec["test_acc"], batch_loss=batch_loss,
        sharpness=sharp, alive=alive, diverged=diverged, diverged_at=diverged_at, lrs=lrs,
        seeds=seeds, theta=theta, max_loss=max_loss, grid_shape=(R,),
    )


def train_grid(
    model: MLP,
    optimizer: Optimizer,
    data: NetworkData,
    schedules: Any,
    seeds: Any,
    T: int,
    **kwargs: Any,
) -> TrainRecord:
    r"""Train every (seed, schedule) pair in one batch; ``R = n_seeds * n_schedules``.

    Run ``r = i * n_schedules + j`` has seed ``seeds[i]`` and the rates
    ``lrsched.lr_values(schedules[j], T)``, so all schedules of one seed are paired
    (same start, same batches). ``rec.grid(name)`` gives ``(n_seeds, n_schedules, ...)``
    arrays; ``rec.labels`` names the schedules.

    Parameters
    ----------
    schedules : schedule, list of schedules, or dict name -> schedule
        Each a :class:`lrsched.Schedule`, a callable ``t -> lr`` or an array of rates.
    seeds : sequence of int
        Distinct seeds, each in :math:`[0, 2^{32} - 1]`.
    T : int
        Number of updates, in :math:`[1, 2^{28}]`.
    **kwargs
        Passed to :func:`train`. A per-run optimizer hyperparameter must have
        ``n_seeds * n_schedules`` entries in the same order.
    """
    T = check_count("T", T, low=1)
    S = len(_schedule_items(schedules))
    seeds = check_seeds(seeds)
    if np.unique(seeds).size != seeds.size:
        raise ValueError(f"seeds must be distinct; got {seeds.tolist()}")
    if seeds.size * S * T > MAX_VALUES:
        raise ValueError(f"{seeds.size} seeds x {S} schedules x T={T} updates need more than "
                         f"MAX_VALUES={MAX_VALUES} learning rates; lower T or train in parts")
    labels, table = _lr_table(schedules, T)
    lrs = np.tile(table.T, (seeds.size, 1))
    rec = train(model, optimizer, data, lrs, np.repeat(seeds, S), **kwargs)
    object.__setattr__(rec, "grid_shape", (seeds.size, S))
    object.__setattr__(rec, "labels", labels)
    return rec
