r"""A real model for the range test: softmax regression on scikit-learn's digits.

The data are the 1,797 8x8 handwritten digits that ship with scikit-learn
(:func:`sklearn.datasets.load_digits`; nothing is downloaded). The model is
multinomial logistic regression, trained by plain mini-batch SGD written in NumPy,
so every learning rate the course talks about is the one actually applied:

.. math:: p = \mathrm{softmax}(XW + b), \qquad
          L(W, b) = -\frac1m \sum_{i=1}^m \log p_{i, y_i} + \frac{\lambda}{2}\lVert W\rVert_F^2,

.. math:: \nabla_W L = \frac1m X^\top (p - Y) + \lambda W, \qquad
          \nabla_b L = \frac1m \mathbf 1^\top (p - Y),

with :math:`Y` the one-hot labels. With :math:`W \approx 0` every class has
probability 1/10, so the loss at initialisation is :math:`\approx \log 10`.

:class:`DigitsProblem` holds the split and the model; :func:`clr_vs_fixed` runs the
full recipe of Smith (2017): range test, read the band, then compare a triangular
cyclical schedule with a fixed rate over several seeds.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ._extras import require
from ._validate import check_choice, check_int, check_int_sequence, check_real
from .compose import lr_values
from .cyclic import Cyclic
from .range_test import RangeTestResult, range_test

__all__ = ["DigitsProblem", "TrainResult", "ClrVsFixedResult", "clr_vs_fixed"]


@lru_cache(maxsize=1)
def _load_digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    require("sklearn", feature="lrsched.digits (the digits data set)")
    from sklearn.datasets import load_digits  # lazy: keeps ``import lrsched`` fast

    data = load_digits()
    X = np.asarray(data.data, dtype=np.float64)
    y = np.asarray(data.target, dtype=np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _check_seed(name: str, seed: Any) -> int:
    # scikit-learn's random_state (the split) accepts seeds below 2**32 only
    return check_int(name, seed, low=0, high=2**32 - 1)


@dataclass(frozen=True)
class TrainResult:
    """What :meth:`DigitsProblem.train` recorded.

    Attributes
    ----------
    losses : numpy.ndarray
        Mini-batch training loss of every update, measured *before* the update
        (as fastai's recorder does), one per step taken.
    lrs : numpy.ndarray
        Learning rate applied at every step taken.
    epoch_accuracy : numpy.ndarray
        Held-out (test-split) accuracy after each completed epoch.
    final_accuracy : float
        Held-out accuracy of the returned parameters.
    diverged : bool
        ``True`` if training was stopped by the divergence rule.
    diverged_at : int or None
        The step at which it was stopped.
    W, b : numpy.ndarray
        Final parameters (the last finite ones if training diverged).
    """

    losses: np.ndarray
    lrs: np.ndarray
    epoch_accuracy: np.ndarray
    final_accuracy: float
    diverged: bool
    diverged_at: int | None
    W: np.ndarray
    b: np.ndarray


class DigitsProblem:
    r"""Standardised digits split plus softmax regression trained by mini-batch SGD.

    Parameters
    ----------
    seed : int
        Seed of the stratified train/test split, in :math:`[0, 2^{32} - 1]`
        (scikit-learn's range); the split is a deterministic function of it.
    test_size : float
        Fraction of the 1,797 images held out, in :math:`(0, 1)`.
    l2 : float
        Weight-decay coefficient :math:`\lambda \ge 0` on :math:`W` (not on
        :math:`b`).

    Attributes
    ----------
    X_train, y_train, X_test, y_test : numpy.ndarray
        The split. Features are standardised with the mean and standard deviation
        of the **training** split only (pixels constant in the training split are
        only centred), so no test statistics leak into training.
    mean_, scale_ : numpy.ndarray
        The standardisation statistics.
    n_features, n_classes : int
        64 and 10.
    """

    def __init__(self, seed: int = 0, *, test_size: float = 0.25, l2: float = 0.0) -> None:
        require("sklearn", feature="lrsched.digits.DigitsProblem")
        from sklearn.model_selection import train_test_split  # lazy import

        self.seed = _check_seed("seed", seed)
        self.test_size = check_real(
            "test_size", test_size, low=0.0, high=1.0, low_open=True, high_open=True
        )
        self.l2 = check_real("l2", l2, low=0.0)
        X, y = _load_digits_arrays()
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=self.test_size, random_state=self.seed, stratify=y
        )
        self.mean_ = X_tr.mean(axis=0)
        std = X_tr.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.X_train = (X_tr - self.mean_) / self.scale_
        self.X_test = (X_te - self.mean_) / self.scale_
        self.y_train = np.asarray(y_tr, dtype=np.int64)
        self.y_test = np.asarray(y_te, dtype=np.int64)
        self.n_features = int(X.shape[1])
        self.n_classes = 10

    def __repr__(self) -> str:
        return (
            f"DigitsProblem(seed={self.seed!r}, test_size={self.test_size!r}, "
            f"l2={self.l2!r}; n_train={self.X_train.shape[0]}, "
            f"n_test={self.X_test.shape[0]})"
        )

    # ------------------------------------------------------------------ the model

    def steps_per_epoch(self, batch_size: int) -> int:
        r"""Updates per pass in :meth:`train`: :math:`\lceil n_{\text{train}} / B \rceil`."""
        n = self.X_train.shape[0]
        return -(-n // min(check_int("batch_size", batch_size, low=1), n))

    def init_params(self, seed: int = 0, *, scale: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
        r"""Return ``(W, b)``: :math:`W_{jk} \sim \mathcal N(0, \text{scale}^2)`, :math:`b = 0`.

        Small weights make every class nearly equally likely, so the initial loss is
        close to :math:`\log 10 \approx 2.303`.

        Parameters
        ----------
        seed : int
            In :math:`[0, 2^{32} - 1]`.
        scale : float
            Standard deviation, :math:`\ge 0`.
        """
        seed = _check_seed("seed", seed)
        scale = check_real("scale", scale, low=0.0)
        rng = np.random.default_rng([seed, 0])
        with np.errstate(over="ignore"):
            W = scale * rng.standard_normal((self.n_features, self.n_classes))
        if not np.isfinite(W).all():
            raise ValueError(
                f"scale={scale!r} makes some weights overflow float64; scale must be far "
                "below the float64 maximum (a small value such as the default 0.01)"
            )
        return W, np.zeros(self.n_classes)

    def _check_params(self, W: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
        W = np.asarray(W, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if W.shape != (self.n_features, self.n_classes):
            raise ValueError(
                f"W must have shape ({self.n_features}, {self.n_classes}); got {W.shape}"
            )
        if b.shape != (self.n_classes,):
            raise ValueError(f"b must have shape ({self.n_classes},); got {b.shape}")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError("W and b must be finite")
        return W, b

    def _check_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[1] != self.n_features or X.shape[0] < 1:
            raise ValueError(f"X must have shape (m, {self.n_features}) with m >= 1; got {X.shape}")
        if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"y must be an integer array of shape ({X.shape[0]},); got "
                f"shape {y.shape}, dtype {y.dtype}"
            )
        if y.min() < 0 or y.max() >= self.n_classes:
            raise ValueError(f"y must hold class labels in [0, {self.n_classes - 1}]")
        return X, y

    @staticmethod
    def _loss_grad(
        W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray, l2: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        m = X.shape[0]
        z = X @ W + b
        z = z - z.max(axis=1, keepdims=True)  # stable log-sum-exp
        ez = np.exp(z)
        s = ez.sum(axis=1, keepdims=True)
        logp = z - np.log(s)
        rows = np.arange(m)
        loss = -logp[rows, y].mean() + 0.5 * l2 * float(np.sum(W * W))
        d = ez / s
        d[rows, y] -= 1.0
        d /= m
        gW = X.T @ d + l2 * W
        gb = d.sum(axis=0)
        return float(loss), gW, gb

    def loss_and_grad(self, W: Any, b: Any, X: Any, y: Any) -> tuple[float, np.ndarray, np.ndarray]:
        r"""Return the mean cross-entropy (+ L2 term) and its gradient ``(loss, dW, db)``.

        See the module docstring for the formulas. The softmax is computed with the
        max-subtraction trick, so large logits do not overflow.
        """
        W, b = self._check_params(W, b)
        X, y = self._check_data(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._loss_grad(W, b, X, y, self.l2)
        if not (math.isfinite(out[0]) and np.isfinite(out[1]).all() and np.isfinite(out[2]).all()):
            raise ValueError(
                "W and b are too large: the logits X @ W + b, the L2 term or the gradient "
                "exceed the float64 range; use smaller weights"
            )
        return out

    def accuracy(self, W: Any, b: Any, X: Any = None, y: Any = None) -> float:
        """Fraction of correct predictions; on the held-out split by default."""
        W, b = self._check_params(W, b)
        if X is None and y is None:
            X, y = self.X_test, self.y_test
        else:
            X, y = self._check_data(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            pred = np.argmax(X @ W + b, axis=1)
        return float(np.mean(pred == y))

    # ------------------------------------------------------------------ training

    def train(
        self,
        schedule: Callable[[int], float] | float,
        *,
        epochs: int = 10,
        batch_size: int = 32,
        seed: int = 0,
        max_loss: float | None = None,
    ) -> TrainResult:
        r"""Train from :meth:`init_params` ``(seed)`` by mini-batch SGD with a schedule.

        Each epoch visits the training split once in a fresh random order (drawn
        from ``seed``); the last mini-batch of an epoch may be smaller. Update
        :math:`t = 0, 1, \dots` (counted across epochs) uses rate ``schedule(t)``:

        .. math:: (W, b) \leftarrow (W, b) - \eta_t \nabla L_{B_t}(W, b).

        Parameters
        ----------
        schedule : callable or float
            ``schedule(t: int) -> float`` with the 0-based update index (any
            :class:`~lrsched.base.Schedule` works), or a positive number for a
            constant rate. Every rate must be finite and :math:`\ge 0`.
        epochs : int
            :math:`\ge 1`.
        batch_size : int
            :math:`\ge 1` (capped at the training-set size).
        seed : int
            Seeds both the initialisation and the shuffling, In :math:`[0, 2^{32} - 1]`.
        max_loss : float, optional
            Divergence threshold :math:`> 0` for the mini-batch loss; default
            :math:`25 \log K` (about 58 for 10 classes, 25 times the loss of a uniform
            guess). Training stops and is flagged as diverged at the first step whose
            loss is non-finite or above it, or whose update makes a parameter
            non-finite; the last finite parameters are kept.

        Returns
        -------
        TrainResult
        """
        epochs = check_int("epochs", epochs, low=1)
        batch_size = check_int("batch_size", batch_size, low=1)
        seed = _check_seed("seed", seed)
        limit = (
            25.0 * math.log(self.n_classes)
            if max_loss is None
            else check_real("max_loss", max_loss, low=0.0, low_open=True)
        )
        n = self.X_train.shape[0]
        bs = min(batch_size, n)
        per_epoch = -(-n // bs)
        if isinstance(schedule, numbers.Real) and not isinstance(schedule, (bool, np.bool_)):
            schedule = np.full(epochs * per_epoch, schedule)  # a constant rate
        lrs = lr_values(schedule, epochs * per_epoch, "schedule")

        W, b = self.init_params(seed)
        rng = np.random.default_rng([seed, 1])
        losses: list[float] = []
        accs: list[float] = []
        diverged_at: int | None = None
        t = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(epochs):
                order = rng.permutation(n)
                for start in range(0, n, bs):
                    idx = order[start : start + bs]
                    loss, gW, gb = self._loss_grad(
                        W, b, self.X_train[idx], self.y_train[idx], self.l2
                    )
                    if not (math.isfinite(loss) and loss <= limit):
                        diverged_at = t
                        break
                    W_new, b_new = W - lrs[t] * gW, b - lrs[t] * gb
                    if not (np.all(np.isfinite(W_new)) and np.all(np.isfinite(b_new))):
                        diverged_at = t
                        break
                    W, b = W_new, b_new
                    losses.append(loss)
                    t += 1
                if diverged_at is not None:
                    break
                accs.append(self.accuracy(W, b))
        return TrainResult(
            losses=np.asarray(losses),
            lrs=lrs[:t].copy(),
            epoch_accuracy=np.asarray(accs),
            final_accuracy=self.accuracy(W, b),
            diverged=diverged_at is not None,
            diverged_at=diverged_at,
            W=W,
            b=b,
        )

    def range_test_step_fn(self, seed: int = 0, batch_size: int = 32) -> Callable[[float], float]:
        r"""Return ``step_fn(lr) -> loss`` for :func:`~lrsched.range_test.range_test`.

        The closure owns a model started from :meth:`init_params` ``(seed)`` and a
        stream of mini-batches of exactly ``batch_size`` training examples, drawn by
        reshuffling the training split every time it is used up (incomplete tail
        batches are skipped). Each call takes the next mini-batch, computes its loss
        and gradient at the current parameters, applies one SGD step with rate
        ``lr`` and returns that (pre-update) loss. Once a parameter becomes
        non-finite the closure returns ``inf`` for ever.

        Parameters
        ----------
        seed : int
            Seeds the initialisation and the stream, In :math:`[0, 2^{32} - 1]`.
        batch_size : int
            :math:`1 \le B \le n_{\text{train}}`.
        """
        seed = _check_seed("seed", seed)
        n = self.X_train.shape[0]
        bs = check_int("batch_size", batch_size, low=1, high=n)
        W, b = self.init_params(seed)
        rng = np.random.default_rng([seed, 2])
        state = {"W": W, "b": b, "order": rng.permutation(n), "pos": 0, "dead": False}
        X, y, l2 = self.X_train, self.y_train, self.l2

        def step_fn(lr: float) -> float:
            lr = check_real("lr", lr, low=0.0)
            if state["dead"]:
                return math.inf
            if state["pos"] + bs > n:
                state["order"], state["pos"] = rng.permutation(n), 0
            idx = state["order"][state["pos"] : state["pos"] + bs]
            state["pos"] += bs
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss, gW, gb = self._loss_grad(state["W"], state["b"], X[idx], y[idx], l2)
                W_new = state["W"] - lr * gW
                b_new = state["b"] - lr * gb
            if not (np.all(np.isfinite(W_new)) and np.all(np.isfinite(b_new))):
                state["dead"] = True
            state["W"], state["b"] = W_new, b_new
            return loss

        return step_fn


# ---------------------------------------------------------------------- the CLR recipe


@dataclass(frozen=True)
class ClrVsFixedResult:
    """Outcome of :func:`clr_vs_fixed`.

    Attributes
    ----------
    lr_low, lr_high : float
        The band read from the range test (the triangular schedule's bounds).
    fixed_lr : float
        The baseline's constant rate.
    suggestions : dict
        All three suggestions of the range test (see
        :meth:`~lrsched.range_test.RangeTestResult.suggestions`).
    range_result : RangeTestResult
        The range test itself, for plotting.
    seeds : tuple of int
        Training seeds (initialisation and shuffling), shared by both arms.
    n_steps, step_size_up : int
        Updates per run, and the half-cycle of the triangular schedule.
    clr_accuracy, fixed_accuracy : numpy.ndarray
        Final held-out accuracy of each seed.
    clr_diverged, fixed_diverged : numpy.ndarray
        Per-seed divergence flags.
    """

    lr_low: float
    lr_high: float
    fixed_lr: float
    suggestions: dict[str, float]
    range_result: RangeTestResult
    seeds: tuple[int, ...]
    n_steps: int
    step_size_up: int
    clr_accuracy: np.ndarray
    fixed_accuracy: np.ndarray
    clr_diverged: np.ndarray
    fixed_diverged: np.ndarray

    @property
    def clr_mean(self) -> float:
        return float(np.mean(self.clr_accuracy))

    @property
    def clr_std(self) -> float:
        """Sample standard deviation (``ddof=1``) over seeds; 0 for a single seed."""
        return _std(self.clr_accuracy)

    @property
    def fixed_mean(self) -> float:
        return float(np.mean(self.fixed_accuracy))

    @property
    def fixed_std(self) -> float:
        """Sample standard deviation (``ddof=1``) over seeds; 0 for a single seed."""
        return _std(self.fixed_accuracy)

    def summary(self) -> str:
        """One line per arm: the rates and the accuracy mean ± std over seeds."""
        return (
            f"band [{self.lr_low:.4g}, {self.lr_high:.4g}], {self.n_steps} steps, "
            f"{len(self.seeds)} seeds\n"
            f"  triangular CLR : {self.clr_mean:.4f} ± {self.clr_std:.4f}\n"
            f"  fixed lr={self.fixed_lr:.4g}: {self.fixed_mean:.4f} ± {self.fixed_std:.4f}"
        )


def _std(a: np.ndarray) -> float:
    return float(np.std(a, ddof=1)) if a.size > 1 else 0.0


def clr_vs_fixed(
    *,
    seeds: Any = (0, 1, 2, 3, 4),
    epochs: int = 8,
    batch_size: int = 32,
    step_size_epochs: int = 2,
    base_ratio: float = 4.0,
    baseline: str | float = "lr_high",
    split_seed: int = 0,
    l2: float = 0.0,
    range_lr_min: float = 1e-4,
    range_lr_max: float = 10.0,
    range_n: int = 200,
    range_seed: int = 0,
    smooth: float = 0.98,
) -> ClrVsFixedResult:
    r"""Smith's recipe on the digits model: range test, read a band, CLR vs a fixed rate.

    1. **Range test** (:func:`~lrsched.range_test.range_test`, fastai smoothing and
       4x stop) on a fresh model, ``range_n`` mini-batch steps with rates
       geometrically spaced from ``range_lr_min`` to ``range_lr_max``.
    2. **Band.** ``lr_high`` = fastai's ``minimum`` rule, the rate at the lowest
       smoothed loss divided by 10 (:func:`~lrsched.range_test.suggest_min_div10`
       on the fastai-trimmed curve). The loss minimum itself is already the edge
       of instability -- and, smoothed with :math:`\beta = 0.98`, lags the raw
       curve by about 50 steps -- so it is a poor upper bound. A tenth of it lands,
       on this model, where the *raw* loss stops falling (about 0.4-0.8 with the
       defaults), which is Smith's "accuracy slows" point read off a loss curve.
       ``lr_low = lr_high / base_ratio``, Smith's rule "set base_lr to 1/3 or 1/4
       of max_lr" (default 4).
    3. **Training.** Both arms run the same number of updates
       (``epochs`` passes) from the same seeds (same initialisation, same
       mini-batch order):

       * triangular :class:`~lrsched.cyclic.Cyclic` ``(lr_low, lr_high,
         step_size_up)`` with ``step_size_up = step_size_epochs`` epochs of updates
         (Smith: 2-10 epochs). The defaults give exactly 2 cycles, so training ends
         at ``lr_low``, the end of a cycle, as Smith advises;
       * a constant rate chosen by ``baseline``: ``"lr_high"`` (default: the
         largest rate the range test deems usable, the same peak as the cycle),
         ``"mean"`` (the cycle's average rate :math:`(\eta_{lo} + \eta_{hi})/2`,
         the same total step budget), ``"valley"`` (fastai's default suggestion,
         about 10x smaller here, so a weak baseline), or a positive number.

    4. **Score.** Held-out accuracy at the end of each run; mean and sample
       standard deviation over ``seeds``.

    Runs in well under a second with the defaults.

    Parameters
    ----------
    seeds : sequence of int
        Training seeds, each :math:`\ge 0`, at least one.
    epochs, batch_size, step_size_epochs : int
        Each :math:`\ge 1`.
    base_ratio : float
        :math:`\eta_{hi}/\eta_{lo} > 1`.
    baseline : {"lr_high", "mean", "valley"} or float
    split_seed : int
        Seed of the train/test split (fixed across training seeds).
    l2 : float
        Weight decay :math:`\ge 0`.
    range_lr_min, range_lr_max, range_n, range_seed, smooth
        Range-test settings (see :func:`~lrsched.range_test.range_test`).

    Returns
    -------
    ClrVsFixedResult
    """
    seed_list = check_int_sequence("seeds", seeds, low=0, nondecreasing=False, min_len=1)
    epochs = check_int("epochs", epochs, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    step_size_epochs = check_int("step_size_epochs", step_size_epochs, low=1)
    base_ratio = check_real("base_ratio", base_ratio, low=1.0, low_open=True)
    if isinstance(baseline, str):
        baseline = check_choice("baseline", baseline, ("lr_high", "mean", "valley"))
    else:
        baseline = check_real("baseline", baseline, low=0.0, low_open=True)
    range_seed = _check_seed("range_seed", range_seed)

    problem = DigitsProblem(split_seed, l2=l2)
    rt = range_test(
        problem.range_test_step_fn(range_seed, batch_size),
        range_lr_min,
        range_lr_max,
        range_n,
        smooth=smooth,
    )
    sugg = rt.suggestions()
    lr_high = sugg["min_div10"]
    lr_low = lr_high / base_ratio
    if baseline == "lr_high":
        fixed_lr = lr_high
    elif baseline == "mean":
        fixed_lr = 0.5 * (lr_low + lr_high)
    elif baseline == "valley":
        fixed_lr = sugg["valley"]
    else:
        fixed_lr = float(baseline)

    spe = problem.steps_per_epoch(batch_size)
    step_size_up = step_size_epochs * spe
    clr = Cyclic(lr_low, lr_high, step_size_up)
    clr_runs = [problem.train(clr, epochs=epochs, batch_size=batch_size, seed=s) for s in seed_list]
    fixed_runs = [
        problem.train(fixed_lr, epochs=epochs, batch_size=batch_size, seed=s) for s in seed_list
    ]
    return ClrVsFixedResult(
        lr_low=lr_low,
        lr_high=lr_high,
        fixed_lr=fixed_lr,
        suggestions=sugg,
        range_result=rt,
        seeds=seed_list,
        n_steps=epochs * spe,
        step_size_up=step_size_up,
        clr_accuracy=np.array([r.final_accuracy for r in clr_runs]),
        fixed_accuracy=np.array([r.final_accuracy for r in fixed_runs]),
        clr_diverged=np.array([r.diverged for r in clr_runs]),
        fixed_diverged=np.array([r.diverged for r in fixed_runs]),
    )
