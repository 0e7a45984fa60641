r"""A multilayer perceptron whose weights carry a leading run axis.

All parameters of one run live in one row of a ``float64`` array ``theta`` of shape
``(R, P)``: run ``r`` is ``theta[r]``, and the layers are views of it. Layer
:math:`\ell = 1, \dots, L` maps :math:`d_{\ell-1}` inputs to :math:`d_\ell` outputs:

.. math:: z_\ell = a_{\ell-1} W_\ell + b_\ell, \qquad a_\ell = \phi(z_\ell)\ (\ell < L),
          \qquad a_0 = X,

with :math:`\phi` ReLU (:math:`\max(z, 0)`) or :math:`\tanh`, and the logits
:math:`z_L`. The loss is the mean softmax cross-entropy over a batch of :math:`B` rows:

.. math:: p = \mathrm{softmax}(z_L), \qquad
          \mathcal L = \frac1B \sum_{i=1}^B \Bigl(\log\sum_k e^{z_{L,ik}} - z_{L, i y_i}\Bigr).

Back-propagation, with :math:`Y` the one-hot labels:

.. math:: \delta_L = \tfrac1B (p - Y), \quad
          \nabla_{W_\ell}\mathcal L = a_{\ell-1}^\top \delta_\ell, \quad
          \nabla_{b_\ell}\mathcal L = \mathbf 1^\top \delta_\ell, \quad
          \delta_{\ell-1} = (\delta_\ell W_\ell^\top) \odot \phi'(z_{\ell-1}).

Hessian-vector products :math:`Hv` are exact (Pearlmutter's :math:`\mathcal R`-operator,
the directional derivative of the gradient along :math:`v`), see :meth:`MLP.hvp`.
Every product is a stacked ``np.matmul`` over the run axis (inputs shared by all runs,
such as a whole data set, go through one large matrix product); there is no loop over runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validate import MAX_VALUES, as_array, check_choice, check_int, check_int_sequence

__all__ = ["MLP", "ACTIVATIONS", "INITS"]

ACTIVATIONS = ("relu", "tanh")
INITS = ("he", "glorot")
MAX_WIDTH = 2**16
MAX_DEPTH = 64


def _shared_left(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A @ B[r]`` for every run ``r`` (``A`` shared, 2-D) as one large matrix product."""
    R, k, n = B.shape
    flat = A @ B.transpose(1, 0, 2).reshape(k, R * n)
    return np.ascontiguousarray(flat.reshape(A.shape[0], R, n).transpose(1, 0, 2))


def _mm(a: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Stacked product ``a @ W`` of every run; a shared 2-D ``a`` uses one large GEMM."""
    return _shared_left(a, W) if a.ndim == 2 else np.matmul(a, W)


def _seed_rng(seed: int, stream: int) -> np.random.Generator:
    """The generator of one stream (1: initialisation, 2: mini-batch order) of ``seed``."""
    return np.random.default_rng([seed, stream])


class MLP:
    r"""A fully connected network ``sizes[0] -> ... -> sizes[-1]`` on a run axis.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths :math:`(d_0, d_1, \dots, d_L)`: inputs, hidden widths, classes.
        At least 2 entries (``(64, 10)`` is softmax regression), at most
        ``MAX_DEPTH + 1``; each width in :math:`[1, 2^{16}]`, the last in
        :math:`[2, 2^{16}]`.
    activation : {"relu", "tanh"}
        Hidden non-linearity :math:`\phi`.
    init : {"he", "glorot"}
        He (Kaiming) normal, :math:`W_{jk} \sim \mathcal N(0, 2/d_{\ell-1})`, or Glorot
        (Xavier) uniform, :math:`W_{jk} \sim \mathcal U(-c, c)`,
        :math:`c = \sqrt{6/(d_{\ell-1} + d_\ell)}`. Biases start at 0.

    Attributes
    ----------
    n_params : int
        :math:`P = \sum_\ell (d_{\ell-1} + 1) d_\ell`.
    """

    def __init__(
        self, sizes: Sequence[int] = (64, 64, 10), activation: str = "relu", init: str = "he"
    ) -> None:
        sizes = check_int_sequence("sizes", sizes, low=1, nondecreasing=False, min_len=2)
        if len(sizes) > MAX_DEPTH + 1:
            raise ValueError(
                f"sizes must hold 2 to {MAX_DEPTH + 1} widths (at most {MAX_DEPTH} layers); "
                f"got {len(sizes)}"
            )
        for i, d in enumerate(sizes):
            check_int(f"sizes[{i}]", d, low=2 if i == len(sizes) - 1 else 1, high=MAX_WIDTH)
        self.sizes: tuple[int, ...] = tuple(sizes)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.init = check_choice("init", init, INITS)
        self._slices: list[tuple[int, int, int, int]] = []  # (W start, b start, d_in, d_out)
        off = 0
        for d_in, d_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            self._slices.append((off, off + d_in * d_out, d_in, d_out))
            off += (d_in + 1) * d_out
        if off > MAX_VALUES:
            raise ValueError(
                f"sizes={list(self.sizes)} give {off} parameters, more than MAX_VALUES="
                f"{MAX_VALUES}; use narrower or fewer layers"
            )
        self.n_params = off

    def __repr__(self) -> str:
        return (
            f"MLP(sizes={self.sizes!r}, activation={self.activation!r}, init={self.init!r}; "
            f"n_params={self.n_params})"
        )

    @property
    def n_layers(self) -> int:
        """Number of weight layers :math:`L`."""
        return len(self._slices)

    @property
    def n_classes(self) -> int:
        """Number of outputs :math:`d_L`."""
        return self.sizes[-1]

    # ------------------------------------------------------------------ parameters

    def layers(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Views ``[(W_1, b_1), ...]`` of ``theta`` (shape ``(R, P)``), shapes
        ``(R, d_in, d_out)`` and ``(R, d_out)``; writing to them writes to ``theta``."""
        R = theta.shape[0]
        return [
            (theta[:, w : w + di * do].reshape(R, di, do), theta[:, b : b + do])
            for w, b, di, do in self._slices
        ]

    def init_params(self, seeds: Any) -> np.ndarray:
        r"""Initial parameters, one row per seed: shape ``(len(seeds), P)``.

        Row ``r`` depends on ``seeds[r]`` only (its own generator,
        ``np.random.default_rng([seed, 1])``), so equal seeds give equal rows whatever
        else is in the batch: runs with the same seed start from the same network.

        Parameters
        ----------
        seeds : int or 1-D sequence of int
            Each in :math:`[0, 2^{32} - 1]`.
        """
        seeds = check_seeds(seeds)
        if seeds.size * self.n_params > MAX_VALUES:
            raise ValueError(
                f"{seeds.size} runs x {self.n_params} parameters exceed MAX_VALUES="
                f"{MAX_VALUES} float64 values; use fewer seeds at once"
            )
        theta = np.zeros((seeds.size, self.n_params))
        cache: dict[int, np.ndarray] = {}
        for r, s in enumerate(seeds.tolist()):
            if s not in cache:
                rng = _seed_rng(s, 1)
                row = np.zeros(self.n_params)
                for w, _b, di, do in self._slices:
                    if self.init == "he":
                        W = rng.standard_normal((di, do)) * math.sqrt(2.0 / di)
                    else:
                        c = math.sqrt(6.0 / (di + do))
                        W = rng.uniform(-c, c, size=(di, do))
                    row[w : w + di * do] = W.ravel()
                cache[s] = row
            theta[r] = cache[s]
        return theta

    # ------------------------------------------------------------------ checks

    def check_theta(self, theta: Any, name: str = "theta") -> np.ndarray:
        """Return ``theta`` as a finite ``(R, P)`` float64 array, or raise naming ``name``."""
        arr = as_array(name, theta, f"a real array of shape (R, {self.n_params})")
        if arr.dtype == bool or arr.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
        if arr.ndim != 2 or arr.shape[1] != self.n_params or arr.shape[0] < 1:
            raise ValueError(
                f"{name} must have shape (R, {self.n_params}) with R >= 1 (one row of "
                f"parameters per run); got shape {arr.shape}"
            )
        arr = arr.astype(np.float64, copy=False)
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite (no NaN or inf)")
        return arr

    def check_batch(self, X: Any, y: Any, R: int) -> tuple[np.ndarray, np.ndarray]:
        """Check inputs ``X`` (``(B, d_0)`` shared, or ``(R, B, d_0)``) and labels ``y``
        (``(B,)`` or ``(R, B)``, integers in ``[0, d_L)``)."""
        d0 = self.sizes[0]
        X = as_array("X", X, f"a real array of shape (B, {d0}) or (R, B, {d0})")
        if X.dtype == bool or X.dtype.kind not in "iuf":
            raise TypeError(f"X must hold real numbers; got dtype {X.dtype}")
        if X.ndim not in (2, 3) or X.shape[-1] != d0 or X.shape[-2] < 1:
            raise ValueError(
                f"X must have shape (B, {d0}) or (R, B, {d0}) with B >= 1; got shape {X.shape}"
            )
        if X.ndim == 3 and X.shape[0] != R:
            raise ValueError(f"X has {X.shape[0]} runs on its first axis but theta has {R}")
        X = X.astype(np.float64, copy=False)
        if not np.isfinite(X).all():
            raise ValueError("X must be finite (no NaN or inf)")
        y = as_array("y", y, "an integer array of class labels")
        if y.dtype == bool or y.dtype.kind not in "iu":
            raise TypeError(f"y must hold integer class labels; got dtype {y.dtype}")
        if y.shape not in (X.shape[-2:-1], (R,) + X.shape[-2:-1]):
            raise ValueError(
                f"y must have shape ({X.shape[-2]},) or ({R}, {X.shape[-2]}), one label per "
                f"row of X; got shape {y.shape}"
            )
        if y.size and (int(y.min()) < 0 or int(y.max()) >= self.n_classes):
            raise ValueError(
                f"y must hold class labels in [0, {self.n_classes - 1}]; got labels in "
                f"[{int(y.min())}, {int(y.max())}]"
            )
        return X, y.astype(np.int64, copy=False)

    # ------------------------------------------------------------------ passes

    def _act_inplace(self, z: np.ndarray) -> np.ndarray:
        r""":math:`\phi(z)`, written over ``z``."""
        if self.activation == "relu":
            return np.maximum(z, 0.0, out=z)
        return np.tanh(z, out=z)

    def _dact(self, a: np.ndarray) -> np.ndarray:
        r""":math:`\phi'(z)` from the activation :math:`a = \phi(z)`: :math:`[a > 0]` for
        ReLU (a boolean mask, which multiplies as 0.0 / 1.0), :math:`1 - a^2` for tanh."""
        if self.activation == "relu":
            return a > 0.0
        return 1.0 - a * a

    def _forward(self, theta: np.ndarray, X: np.ndarray):
        """Activations of every layer (``acts[0] = X``) and the logits."""
        acts = [X]
        layers = self.layers(theta)
        for ell, (W, b) in enumerate(layers):
            z = _mm(acts[-1], W)
            z += b[:, None, :]
            if ell == len(layers) - 1:
                return z, acts, layers
            acts.append(self._act_inplace(z))
        raise AssertionError("unreachable: an MLP has at least one layer")  # pragma: no cover

    @staticmethod
    def _softmax_xent(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-run mean cross-entropy ``(R,)`` and probabilities ``p`` (stable log-sum-exp)."""
        m = logits.max(axis=-1, keepdims=True)
        shifted = logits - m
        e = np.exp(shifted)
        s = e.sum(axis=-1, keepdims=True)
        yy = np.broadcast_to(y, logits.shape[:-1])[..., None]
        picked = np.take_along_axis(shifted, yy, axis=-1)[..., 0]
        loss = (np.log(s[..., 0]) - picked).mean(axis=-1)
        return loss, e / s

    def _loss_grad(self, theta, X, y, grad):
        """Loss ``(R,)``; writes the gradient into ``grad`` (``(R, P)``). No checks."""
        logits, acts, layers = self._forward(theta, X)
        loss, p = self._softmax_xent(logits, y)
        B = p.shape[-2]
        yy = np.broadcast_to(y, p.shape[:-1])[..., None]
        np.put_along_axis(p, yy, np.take_along_axis(p, yy, axis=-1) - 1.0, axis=-1)
        delta = np.divide(p, B, out=p)
        for ell in range(len(layers) - 1, -1, -1):
            w, bo, di, do = self._slices[ell]
            a = acts[ell]
            gW = grad[:, w : w + di * do].reshape(-1, di, do)
            if a.ndim == 2:
                gW[...] = _shared_left(a.T, delta)
            else:
                np.matmul(a.transpose(0, 2, 1), delta, out=gW)
            np.sum(delta, axis=-2, out=grad[:, bo : bo + do])
            if ell:
                delta = np.matmul(delta, layers[ell][0].transpose(0, 2, 1))
                delta *= self._dact(acts[ell])
        return loss

    @staticmethod
    def _finite(*arrays: np.ndarray) -> None:
        """Raise unless every output is finite (huge weights or inputs overflow float64)."""
        if not all(np.isfinite(a).all() for a in arrays):
            raise ValueError(
                "theta and X give non-finite values (float64 overflow): weights or inputs "
                "are too large for this network; rescale theta or X"
            )

    def forward(self, theta: Any, X: Any) -> np.ndarray:
        r"""Logits :math:`z_L`, shape ``(R, B, d_L)``.

        ``X`` is ``(B, d_0)`` (the same inputs for every run) or ``(R, B, d_0)``.
        """
        theta = self.check_theta(theta)
        X, _ = self.check_batch(X, np.zeros(np.shape(X)[-2:-1], np.int64), theta.shape[0])
        with np.errstate(all="ignore"):
            out = self._forward(theta, X)[0]
        self._finite(out)
        return out

    def loss(self, theta: Any, X: Any, y: Any) -> np.ndarray:
        r"""Mean softmax cross-entropy of every run, shape ``(R,)`` (formula in the module)."""
        theta = self.check_theta(theta)
        X, y = self.check_batch(X, y, theta.shape[0])
        with np.errstate(all="ignore"):
            logits = self._forward(theta, X)[0]
            out = self._softmax_xent(logits, y)[0]
        self._finite(logits, out)
        return out

    def loss_grad(self, theta: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        r"""Loss ``(R,)`` and its gradient ``(R, P)`` by back-propagation (module formulas)."""
        theta = self.check_theta(theta)
        X, y = self.check_batch(X, y, theta.shape[0])
        grad = np.empty_like(theta)
        with np.errstate(all="ignore"):
            loss = self._loss_grad(theta, X, y, grad)
        self._finite(loss, grad)
        return loss, grad

    def accuracy(self, theta: Any, X: Any, y: Any) -> np.ndarray:
        r"""Fraction of rows whose largest logit is the label, shape ``(R,)``."""
        theta = self.check_theta(theta)
        X, y = self.check_batch(X, y, theta.shape[0])
        with np.errstate(all="ignore"):
            logits = self._forward(theta, X)[0]
        self._finite(logits)
        return (logits.argmax(axis=-1) == y).mean(axis=-1)

    def _eval(self, theta, X, y):
        """Loss and accuracy from one forward pass (no checks)."""
        logits = self._forward(theta, X)[0]
        loss = self._softmax_xent(logits, y)[0]
        return loss, (logits.argmax(axis=-1) == y).mean(axis=-1)

    def _hvp(self, theta, X, y, v):
        r"""Exact :math:`H v` for every run (no checks); ``v`` has the shape of ``theta``."""
        logits, acts, layers = self._forward(theta, X)
        vl = self.layers(v)
        R = theta.shape[0]
        # forward R-pass: R(z_l) = R(a_{l-1}) W_l + a_{l-1} V_l + v_b
        rzs, racts = [], [None]
        for ell, (W, _b) in enumerate(layers):
            VW, Vb = vl[ell]
            rz = _mm(acts[ell], VW) + Vb[:, None, :]
            if racts[ell] is not None:
                rz += np.matmul(racts[ell], W)
            rzs.append(rz)
            if ell < len(layers) - 1:
                racts.append(self._dact(acts[ell + 1]) * rz)
        _, p = self._softmax_xent(logits, y)
        B = p.shape[-2]
        rp = p * (rzs[-1] - (p * rzs[-1]).sum(axis=-1, keepdims=True))
        yy = np.broadcast_to(y, p.shape[:-1])[..., None]
        np.put_along_axis(p, yy, np.take_along_axis(p, yy, axis=-1) - 1.0, axis=-1)
        delta, rdelta = p / B, rp / B
        out = np.empty((R, self.n_params))
        for ell in range(len(layers) - 1, -1, -1):
            w, bo, di, do = self._slices[ell]
            a = acts[ell]
            if a.ndim == 2:
                hW = _shared_left(a.T, rdelta)
            else:
                hW = np.matmul(a.transpose(0, 2, 1), rdelta)
            if racts[ell] is not None:
                hW += np.matmul(racts[ell].transpose(0, 2, 1), delta)
            out[:, w : w + di * do] = hW.reshape(R, -1)
            out[:, bo : bo + do] = rdelta.sum(axis=-2)
            if ell:
                WT = layers[ell][0].transpose(0, 2, 1)
                g = np.matmul(delta, WT)
                rg = np.matmul(rdelta, WT) + np.matmul(delta, vl[ell][0].transpose(0, 2, 1))
                a_out = acts[ell]
                d1 = self._dact(a_out)
                rdelta = rg * d1
                if self.activation == "tanh":  # phi'' = -2 a (1 - a^2); zero for ReLU
                    rdelta += g * (-2.0 * a_out * d1) * rzs[ell - 1]
                delta = g * d1
        return out

    def hvp(self, theta: Any, X: Any, y: Any, v: Any) -> np.ndarray:
        r"""Hessian-vector product :math:`\nabla^2 \mathcal L(\theta)\, v` of every run.

        Computed exactly by the :math:`\mathcal R`-operator
        :math:`\mathcal R\{f\} = \tfrac{d}{d\epsilon} f(\theta + \epsilon v)|_{\epsilon=0}`
        applied to the forward and backward passes:

        .. math:: \mathcal R\{z_\ell\} = \mathcal R\{a_{\ell-1}\} W_\ell + a_{\ell-1} V_\ell
                  + v_{b_\ell}, \quad \mathcal R\{a_\ell\} = \phi'(z_\ell)\,\mathcal R\{z_\ell\},
                  \quad \mathcal R\{p\} = p \odot (\mathcal R\{z_L\} - \langle p,
                  \mathcal R\{z_L\}\rangle),

        .. math:: \mathcal R\{\nabla_{W_\ell}\} = \mathcal R\{a_{\ell-1}\}^\top\delta_\ell
                  + a_{\ell-1}^\top \mathcal R\{\delta_\ell\}, \quad
                  \mathcal R\{\delta_{\ell-1}\} = (\mathcal R\{\delta_\ell\} W_\ell^\top
                  + \delta_\ell V_\ell^\top) \odot \phi' + (\delta_\ell W_\ell^\top) \odot
                  \phi''(z_{\ell-1}) \odot \mathcal R\{z_{\ell-1}\},

        with :math:`\phi'' = 0` for ReLU (its kink has measure zero) and
        :math:`\phi'' = -2\tanh z\,(1 - \tanh^2 z)` for tanh.

        Parameters
        ----------
        theta, v : array of shape (R, P)
        X, y : the batch, as in :meth:`loss`.
        """
        theta = self.check_theta(theta)
        v = self.check_theta(v, "v")
        if v.shape != theta.shape:
            raise ValueError(f"v must have the shape of theta {theta.shape}; got {v.shape}")
        X, y = self.check_batch(X, y, theta.shape[0])
        with np.errstate(all="ignore"):
            out = self._hvp(theta, X, y, v)
        self._finite(out)
        return out


def int_items(name: str, value: Any, low: int, high: int, what: str) -> list[int]:
    """A 0-d or 1-D integer array-like as a non-empty list of ints in ``[low, high]``.

    Elements of a list or tuple are checked one by one *before* any array conversion, so a
    ``True`` among integers is refused rather than silently turned into 1.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be {what}; got str")
    arr = as_array(name, value, what)
    if arr.ndim == 0:
        arr = arr.reshape(1)
        value = [value]
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be {what} (non-empty, 1-D); got shape {arr.shape}")
    items = value if isinstance(value, (list, tuple)) else arr.tolist()
    return [check_int(f"{name}[{i}]", v, low=low, high=high) for i, v in enumerate(items)]


def check_seeds(seeds: Any, name: str = "seeds") -> np.ndarray:
    """Seeds as a 1-D ``int64`` array, each in :math:`[0, 2^{32} - 1]` (non-empty)."""
    items = int_items(name, seeds, 0, 2**32 - 1, "an integer or a 1-D sequence of integers")
    return np.asarray(items, dtype=np.int64)
