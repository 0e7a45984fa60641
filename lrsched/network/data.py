r"""The data a network trains on: a fixed train / held-out split, standardised.

:func:`digits_data` gives the split of :class:`lrsched.DigitsProblem` (scikit-learn's
1,797 8x8 digits, stratified, 25 % held out), whose features are standardised with the
**training** split's statistics, :math:`x \mapsto (x - \mu_{\text{train}}) /
\sigma_{\text{train}}`. Optionally a fixed fraction of the **training** labels is
replaced by wrong labels (label noise, which keeps a constant learning rate on a
gradient-noise floor); the held-out labels are never touched. Any other arrays can be
wrapped in :class:`NetworkData`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import as_array, check_int, check_real

__all__ = ["NetworkData", "digits_data", "noisy_labels"]


def _features(name: str, X: Any) -> np.ndarray:
    X = as_array(name, X, "a 2-D real array (samples, features)")
    if X.dtype == bool or X.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must be a non-empty 2-D array (samples, features); "
                         f"got shape {X.shape}")
    X = np.array(X, dtype=np.float64)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    X.setflags(write=False)
    return X


def _labels(name: str, y: Any, n: int, n_classes: int) -> np.ndarray:
    y = as_array(name, y, "a 1-D integer array of class labels")
    if y.dtype == bool or y.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels; got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per sample; got {y.shape}")
    if int(y.min()) < 0 or int(y.max()) >= n_classes:
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}]; got labels in "
                         f"[{int(y.min())}, {int(y.max())}]")
    y = np.array(y, dtype=np.int64)
    y.setflags(write=False)
    return y


@dataclass(frozen=True, init=False)
class NetworkData:
    """A train / held-out split for :func:`lrsched.network.train`.

    Parameters
    ----------
    X_train, X_test : array of shape (n, d)
        Finite real features (the same ``d`` in both).
    y_train, y_test : array of shape (n,)
        Integer labels in ``[0, n_classes)``.
    n_classes : int
        At least 2 (default: ``max label + 1``).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    def __init__(self, X_train: Any, y_train: Any, X_test: Any, y_test: Any,
                 n_classes: int | None = None) -> None:
        Xtr, Xte = _features("X_train", X_train), _features("X_test", X_test)
        if Xte.shape[1] != Xtr.shape[1]:
            raise ValueError(f"X_test has {Xte.shape[1]} features but X_train has "
                             f"{Xtr.shape[1]}")
        if n_classes is None:
            ys = [as_array(n, v, "an integer array") for n, v in (("y_train", y_train),
                                                                   ("y_test", y_test))]
            big = max(int(v.max()) if v.size and v.dtype.kind in "iu" else 1 for v in ys)
            n_classes = max(big + 1, 2)
        K = check_int("n_classes", n_classes, low=2, high=2**16)
        object.__setattr__(self, "X_train", Xtr)
        object.__setattr__(self, "X_test", Xte)
        object.__setattr__(self, "y_train", _labels("y_train", y_train, Xtr.shape[0], K))
        object.__setattr__(self, "y_test", _labels("y_test", y_test, Xte.shape[0], K))
        object.__setattr__(self, "n_classes", K)

    @property
    def n_features(self) -> int:
        """Number of input features ``d``."""
        return int(self.X_train.shape[1])

    @property
    def n_train(self) -> int:
        """Number of training samples."""
        return int(self.X_train.shape[0])

    def __repr__(self) -> str:
        return (f"NetworkData(n_train={self.n_train}, n_test={self.X_test.shape[0]}, "
                f"n_features={self.n_features}, n_classes={self.n_classes})")


def noisy_labels(y: Any, fraction: float, n_classes: int, seed: int) -> np.ndarray:
    r"""``y`` with exactly :math:`m = \mathrm{round}(f\,n)` labels replaced by wrong ones.

    The :math:`m` positions are a uniform random subset (without replacement) and each
    of them gets a label drawn uniformly from the :math:`K - 1` classes other than its
    own, :math:`y'_i = (y_i + u_i) \bmod K` with :math:`u_i \sim \mathcal U\{1, \dots,
    K-1\}`, so exactly :math:`m` labels differ from ``y``. Both draws come from
    ``np.random.default_rng([seed, 4])``: the same ``seed`` gives the same labels.

    Parameters
    ----------
    y : array of shape (n,)
        Integer labels in ``[0, n_classes)``.
    fraction : float
        :math:`f \in [0, 1]`.
    n_classes : int
        :math:`K \ge 2`.
    seed : int
        In :math:`[0, 2^{32} - 1]`.
    """
    K = check_int("n_classes", n_classes, low=2, high=2**16)
    arr = as_array("y", y, "a 1-D integer array of class labels")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"y must be a non-empty 1-D array of labels; got shape {arr.shape}")
    y = _labels("y", arr, arr.shape[0], K)
    f = check_real("fraction", fraction, low=0.0, high=1.0)
    seed = check_int("seed", seed, low=0, high=2**32 - 1)
    n = y.shape[0]
    m = round(f * n)
    out = y.copy()
    if m:
        rng = np.random.default_rng([seed, 4])
        idx = rng.choice(n, size=m, replace=False)
        out[idx] = (y[idx] + rng.integers(1, K, size=m)) % K
    out.setflags(write=False)
    return out


def digits_data(seed: int = 0, *, test_size: float = 0.25,
                label_noise: float = 0.0) -> NetworkData:
    r"""The standardised digits split of :class:`lrsched.DigitsProblem` (``seed``, ``test_size``).

    ``label_noise`` :math:`f \in [0, 1)`: a fraction of the training labels made wrong by
    :func:`noisy_labels` (with ``seed``); the default 0 leaves them all as they are. The
    held-out labels are always the true ones.

    Needs scikit-learn (the ``course`` extra); without it an ``ImportError`` says so.
    With the defaults: 1,347 training and 450 held-out images, 64 features, 10 classes.
    """
    from ..digits import DigitsProblem

    f = check_real("label_noise", label_noise, low=0.0, high=1.0, high_open=True)
    p = DigitsProblem(seed, test_size=test_size)
    y_train = noisy_labels(p.y_train, f, 10, seed) if f > 0 else p.y_train
    return NetworkData(p.X_train, y_train, p.X_test, p.y_test, n_classes=10)
