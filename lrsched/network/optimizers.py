r"""SGD, heavy-ball momentum, Adam and AdamW with PyTorch's update rules, on a run axis.

Parameters ``theta`` and gradients ``g`` have shape ``(R, P)`` (one row per run) and the
learning rate ``lr`` has shape ``(R,)``: every run may follow its own schedule. Each
hyperparameter is a scalar or a 1-D array with one value per run. Updates are in place
and follow ``torch.optim`` (2.x, single-tensor path, ``maximize=False``), step
:math:`t = 1, 2, \dots` with rate :math:`\alpha_t`:

``SGD`` (``dampening=0``, ``nesterov=False``), buffer :math:`b_0 = 0`:

.. math:: g_t \leftarrow g_t + \lambda\theta_{t-1}, \quad b_t = \mu b_{t-1} + g_t,
          \quad \theta_t = \theta_{t-1} - \alpha_t b_t

(:math:`\mu = 0` is plain SGD; PyTorch's first step sets :math:`b_1 = g_1`, the same thing).

``Adam`` (:math:`L_2` penalty folded into the gradient, ``amsgrad=False``):

.. math:: g_t \leftarrow g_t + \lambda\theta_{t-1}, \quad
          m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
          v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,

.. math:: \theta_t = \theta_{t-1} - \frac{\alpha_t}{1-\beta_1^t}\,
          \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}.

``AdamW`` (decoupled weight decay, Loshchilov & Hutter): first
:math:`\theta \leftarrow (1 - \alpha_t\lambda)\,\theta`, then the Adam step without the
penalty in the gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import MAX_VALUES, as_array, check_int, check_real

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "OPTIMIZERS", "make_optimizer"]

_BLOCK = 2**15  # float64 values per state array in one block of runs (256 KiB)


def _hyper(name: str, value: Any, *, low: float, high: float | None, high_open: bool = False,
           low_open: bool = False) -> float | np.ndarray:
    """A scalar hyperparameter, or a 1-D array of them (one per run), checked entrywise."""
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = as_array(name, value, "a real number or a 1-D array of them (one per run)")
        if arr.dtype == bool or arr.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
        if arr.ndim == 0:
            value = arr.item()
        else:
            if arr.ndim != 1 or arr.size == 0:
                raise ValueError(
                    f"{name} must be a real number or a non-empty 1-D array (one per run); "
                    f"got shape {arr.shape}"
                )
            for i, x in enumerate(arr.tolist()):
                check_real(f"{name}[{i}]", x, low=low, high=high,
                           low_open=low_open, high_open=high_open)
            return arr.astype(np.float64)
    return check_real(name, value, low=low, high=high, low_open=low_open, high_open=high_open)


def _per_run(name: str, value: float | np.ndarray, R: int) -> float | np.ndarray:
    """A scalar stays a scalar; an array must have ``R`` entries and becomes ``(R, 1)``."""
    if isinstance(value, np.ndarray):
        if value.shape != (R,):
            raise ValueError(f"{name} holds {value.size} values but there are R={R} runs")
        return value[:, None]
    return value


def partition(state: dict[str, Any], rows: int) -> list[tuple[slice, dict[str, Any]]]:
    """Split an optimizer state into blocks of ``rows`` runs: ``(slice, views)`` pairs."""
    R = state["shape"][0]
    return [
        (sl, {k: (v[sl] if isinstance(v, np.ndarray) else v) for k, v in state.items()})
        for sl in (slice(a, a + rows) for a in range(0, R, rows))
    ]


class Optimizer:
    """Base class: ``init_state(R, P)`` then ``step(theta, grad, lr, state)`` per update."""

    name = "optimizer"
    _hyper_names: tuple[str, ...] = ()

    def __repr__(self) -> str:
        def show(v):
            return v.tolist() if isinstance(v, np.ndarray) else v

        args = ", ".join(f"{k}={show(getattr(self, k))!r}" for k in self._hyper_names)
        return f"{type(self).__name__}({args})"

    def n_runs(self) -> int | None:
        """The number of runs the per-run hyperparameters fix, or ``None`` if all scalar."""
        sizes = {v.size for k in self._hyper_names if isinstance(v := getattr(self, k), np.ndarray)}
        if len(sizes) > 1:
            raise ValueError(f"the per-run hyperparameters of {self!r} differ in length")
        return sizes.pop() if sizes else None

    def init_state(self, R: int, P: int) -> dict[str, Any]:
        """Fresh optimizer state for ``R`` runs of ``P`` parameters (zero buffers)."""
        R = check_int("R", R, low=1)
        P = check_int("P", P, low=1)
        if R * P > MAX_VALUES:
            raise ValueError(f"R={R} runs x P={P} parameters exceed MAX_VALUES={MAX_VALUES}")
        return self._init_state(R, P)

    def step(self, theta: np.ndarray, grad: np.ndarray, lr: np.ndarray,
             state: dict[str, Any]) -> None:
        """One update of every run, in place: ``theta`` (``(R, P)`` float64 array) moves
        along ``grad`` (same shape; overwritten) with rates ``lr`` (``(R,)``)."""
        for name, arr in (("theta", theta), ("grad", grad)):
            if not isinstance(arr, np.ndarray) or arr.dtype != np.float64 or arr.ndim != 2:
                raise TypeError(f"{name} must be a 2-D float64 array (R, P)")
        if grad.shape != theta.shape:
            raise ValueError(f"grad must have the shape of theta {theta.shape}; got {grad.shape}")
        lr = np.asarray(lr)
        if lr.dtype.kind != "f" or lr.shape != theta.shape[:1]:
            raise TypeError(f"lr must be a float array of shape ({theta.shape[0]},), one rate "
                            f"per run; got dtype {lr.dtype}, shape {lr.shape}")
        if not isinstance(state, dict) or state.get("shape") != theta.shape:
            raise ValueError(f"state must come from init_state{theta.shape} of this optimizer")
        state["t"] += 1
        # blocks of runs small enough for the core's cache: each entry is read from memory
        # once per block instead of once per array operation (same arithmetic, same result)
        for sl, part in partition(state, max(1, _BLOCK // theta.shape[1])):
            self._step(theta[sl], grad[sl], lr[sl], part, state["t"])

    def _init_state(self, R: int, P: int) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _step(self, theta, grad, lr, state, t) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    r"""``torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov=False)``.

    Parameters
    ----------
    momentum : float or array
        Heavy-ball coefficient :math:`\mu \in [0, 1)`; 0 is plain SGD.
    weight_decay : float or array
        :math:`L_2` coefficient :math:`\lambda \ge 0`, added to the gradient.
    """

    name = "sgd"
    _hyper_names = ("momentum", "weight_decay")

    def __init__(self, momentum: Any = 0.0, weight_decay: Any = 0.0) -> None:
        self.momentum = _hyper("momentum", momentum, low=0.0, high=1.0, high_open=True)
        self.weight_decay = _hyper("weight_decay", weight_decay, low=0.0, high=None)

    def _init_state(self, R: int, P: int) -> dict[str, Any]:
        """Zero momentum buffer ``b`` and the per-run hyperparameters."""
        mu = _per_run("momentum", self.momentum, R)
        return {
            "shape": (R, P),
            "t": 0,
            "mu": mu,
            "wd": _per_run("weight_decay", self.weight_decay, R),
            "b": np.zeros((R, P)) if np.any(np.asarray(mu) != 0) else None,
        }

    def _step(self, theta, grad, lr, state, t):
        """One update in place (formula in the module docstring); ``grad`` is overwritten."""
        wd = state["wd"]
        if np.any(np.asarray(wd) != 0):
            grad += wd * theta
        if state["b"] is not None:
            b = state["b"]
            b *= state["mu"]
            b += grad
            np.multiply(b, lr[:, None], out=grad)
        else:
            grad *= lr[:, None]
        theta -= grad


class Adam(Optimizer):
    r"""``torch.optim.Adam(lr, betas, eps, weight_decay, amsgrad=False)``.

    Parameters
    ----------
    betas : (float, float)
        :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)` (scalars or per-run arrays).
    eps : float or array
        :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v}`.
    weight_decay : float or array
        :math:`\lambda \ge 0`: an :math:`L_2` term added to the gradient (``Adam``) or a
        decoupled shrink :math:`\theta \leftarrow (1 - \alpha\lambda)\theta` (``AdamW``).
    """

    name = "adam"
    decoupled = False
    _hyper_names = ("beta1", "beta2", "eps", "weight_decay")

    def __init__(self, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0.0):
        if not isinstance(betas, (tuple, list, np.ndarray)) or np.ndim(betas) == 0:
            raise TypeError(f"betas must be a pair (beta1, beta2); got {type(betas).__name__}")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2); got {len(betas)} entries")
        self.beta1 = _hyper("betas[0]", betas[0], low=0.0, high=1.0, high_open=True)
        self.beta2 = _hyper("betas[1]", betas[1], low=0.0, high=1.0, high_open=True)
        self.eps = _hyper("eps", eps, low=0.0, high=None, low_open=True)
        self.weight_decay = _hyper("weight_decay", weight_decay, low=0.0, high=None)

    def _init_state(self, R: int, P: int) -> dict[str, Any]:
        """Zero moments ``m``, ``v`` and the per-run hyperparameters."""
        return {
            "shape": (R, P),
            "t": 0,
            "b1": _per_run("betas[0]", self.beta1, R),
            "b2": _per_run("betas[1]", self.beta2, R),
            "eps": _per_run("eps", self.eps, R),
            "wd": _per_run("weight_decay", self.weight_decay, R),
            "m": np.zeros((R, P)),
            "v": np.zeros((R, P)),
        }

    def _step(self, theta, grad, lr, state, t):
        """One update in place (formula in the module docstring); ``grad`` is overwritten."""
        b1, b2, eps, wd = state["b1"], state["b2"], state["eps"], state["wd"]
        lr = lr[:, None]
        if np.any(np.asarray(wd) != 0):
            if self.decoupled:
                theta *= 1.0 - lr * wd
            else:
                grad += wd * theta
        m, v = state["m"], state["v"]
        m += (grad - m) * (1.0 - b1)  # torch: exp_avg.lerp_(grad, 1 - beta1)
        v *= b2
        v += (1.0 - b2) * grad * grad
        step_size = lr / (1.0 - b1**t)
        denom = np.sqrt(v)
        denom /= np.sqrt(1.0 - b2**t)
        denom += eps
        np.divide(m, denom, out=grad)
        grad *= step_size
        theta -= grad


class AdamW(Adam):
    r"""``torch.optim.AdamW(lr, betas, eps, weight_decay=0.01, amsgrad=False)``.

    Same parameters as :class:`Adam`; ``weight_decay`` (default 0.01, PyTorch's) is
    decoupled: :math:`\theta \leftarrow (1 - \alpha_t\lambda)\theta` before the Adam step.
    """

    name = "adamw"
    decoupled = True

    def __init__(self, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0.01):
        super().__init__(betas=betas, eps=eps, weight_decay=weight_decay)


OPTIMIZERS = {"sgd": SGD, "momentum": SGD, "adam": Adam, "adamw": AdamW}


def make_optimizer(name: str, **kwargs: Any) -> Optimizer:
    """Build an optimizer by name: ``"sgd"``, ``"momentum"`` (SGD with ``momentum=0.9``
    unless given), ``"adam"`` or ``"adamw"``; keyword arguments go to its class."""
    from .._validate import check_choice

    check_choice("optimizer", name, tuple(OPTIMIZERS))
    if name == "momentum":
        kwargs.setdefault("momentum", 0.9)
    return OPTIMIZERS[name](**kwargs)
