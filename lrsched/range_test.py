r"""Smith's learning-rate range test, the LR-finder suggestion rules, and the one-step sweep.

The range test (Smith 2017, §3.3) trains a model for a short while with a learning
rate that grows every update, records the loss at each rate, and reads the useful
band off the curve: the loss barely moves while the rate is too small, falls while
the rate is useful, and blows up once the rate is too large. This module provides

* :func:`lr_sweep` -- the grid of rates (geometric or arithmetic);
* :func:`range_test` -- the sequential test itself, with fastai's debiased EMA
  smoothing and divergence stop, driven by any ``step_fn(lr) -> loss``;
* :func:`divergence_index` -- that stop rule on its own, for a recorded curve;
* :func:`suggest_steepest`, :func:`suggest_min_div10`, :func:`suggest_valley` --
  three published rules for turning the curve into one number;
* :func:`one_step_losses` and :func:`useful_range` -- the course's exercise: the
  loss after *one* gradient step on :math:`J(\theta) = (\theta - c)^2`, in closed form.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ._validate import as_array, check_callable, check_choice, check_count, check_int, check_real

__all__ = [
    "lr_sweep",
    "range_test",
    "divergence_index",
    "RangeTestResult",
    "suggest_steepest",
    "suggest_min_div10",
    "suggest_valley",
    "one_step_losses",
    "useful_range",
    "UsefulRange",
]


# --------------------------------------------------------------------------- helpers


def _as_float_array(name: str, value: Any, *, min_len: int = 1) -> np.ndarray:
    """Return ``value`` as a finite 1-D ``float64`` array, or raise naming ``name``."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a 1-D array of real numbers; got {type(value).__name__}")
    arr = as_array(name, value, "a 1-D array of real numbers")
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a 1-D array of real numbers; got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array; got shape {arr.shape}")
    if arr.size < min_len:
        raise ValueError(f"{name} must hold at least {min_len} values; got {arr.size}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{name} must be finite; {name}[{bad}] = {arr[bad]!r}")
    return arr


def _check_curve(lrs: Any, losses: Any, *, min_len: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Validate a range-test curve: positive, strictly increasing rates; finite losses."""
    lr = _as_float_array("lrs", lrs, min_len=min_len)
    lo = _as_float_array("losses", losses, min_len=min_len)
    if lr.shape != lo.shape:
        raise ValueError(f"lrs and losses must have the same length; got {lr.size} and {lo.size}")
    if np.any(lr <= 0):
        raise ValueError(f"lrs must be positive, in (0, inf); got minimum {lr.min()!r}")
    if np.any(np.diff(lr) <= 0):
        raise ValueError("lrs must be strictly increasing (the order of the sweep)")
    return lr, lo


# --------------------------------------------------------------------------- the grid


def lr_sweep(lr_min: float, lr_max: float, n: int, mode: str = "exp") -> np.ndarray:
    r"""Return the ``n`` learning rates of a range test, from ``lr_min`` to ``lr_max``.

    With :math:`u_i = i/(n-1)`, :math:`i = 0, \dots, n-1`:

    * ``"exp"``: :math:`\eta_i = \eta_{\min} (\eta_{\max}/\eta_{\min})^{u_i}`, equal
      steps in :math:`\log \eta` (the usual LR-finder grid);
    * ``"linear"``: :math:`\eta_i = \eta_{\min} + u_i (\eta_{\max} - \eta_{\min})`,
      Smith's original linear ramp (2017, §3.3).

    Both end points are included, as in torch-lr-finder's ``ExponentialLR`` and
    ``LinearLR``. fastai's ``lr_find`` uses :math:`u_i = i/n` instead, so its last
    rate stops one grid step short of ``end_lr``.

    Parameters
    ----------
    lr_min : float
        First rate, :math:`> 0`.
    lr_max : float
        Last rate, :math:`> \eta_{\min}`.
    n : int
        Number of rates, :math:`\ge 2`.
    mode : {"exp", "linear"}

    Returns
    -------
    numpy.ndarray
        Strictly increasing ``float64`` array of length ``n``; the first and last
        entries are exactly ``lr_min`` and ``lr_max``.

    Raises
    ------
    ValueError
        If a bound is not finite or not positive, ``lr_min >= lr_max``, ``n < 2``
        or ``n > MAX_VALUES``, or the ``n`` rates would not be distinct in float64.
    """
    lr_min = check_real("lr_min", lr_min, low=0.0, low_open=True)
    lr_max = check_real("lr_max", lr_max, low=0.0, low_open=True)
    if lr_min >= lr_max:
        raise ValueError(
            f"lr_min must be smaller than lr_max, in (0, lr_max); got lr_min={lr_min!r}, "
            f"lr_max={lr_max!r}"
        )
    n = check_count("n", n, low=2)
    mode = check_choice("mode", mode, ("exp", "linear"))
    u = np.arange(n, dtype=np.float64) / (n - 1)
    if mode == "exp":
        ratio = lr_max / lr_min
        if math.isfinite(ratio):
            out = lr_min * ratio**u
        else:  # lr_max / lr_min beyond 1.8e308: the same grid through logarithms
            lo = math.log(lr_min)
            out = np.exp(lo + u * (math.log(lr_max) - lo))
    else:
        out = lr_min + u * (lr_max - lr_min)
    out[0], out[-1] = lr_min, lr_max
    if n > 2 and not bool(np.all(out[1:] > out[:-1])):
        raise ValueError(
            f"n={n} rates do not fit between lr_min={lr_min!r} and lr_max={lr_max!r} "
            "in float64 (neighbouring rates coincide); use a smaller n or a wider range"
        )
    return out


# --------------------------------------------------------------------------- suggestions


def suggest_steepest(lrs: Any, losses: Any) -> float:
    r"""Rate at the steepest descent of the loss against :math:`\log_{10}\eta`.

    Computes :math:`g = \mathrm{d}L/\mathrm{d}\log_{10}\eta` with ``np.gradient``
    (second-order central differences inside, one-sided at the two ends) using the
    actual spacing of :math:`\log_{10}\eta`, and returns :math:`\eta_k` with
    :math:`k = \arg\min_i g_i`.

    Source: torch-lr-finder's ``plot(suggest_lr=True)`` (davidtvs/pytorch-lr-finder
    0.2.2) takes ``np.gradient(losses).argmin()``, a derivative *per index*. On a
    geometric grid the index is an affine function of :math:`\log\eta`, so this
    function returns the same point; on a linear grid it differs (torch-lr-finder
    then differentiates per unit of :math:`\eta`). fastai's ``steep`` is similar
    but uses a forward difference and returns the left end of the steepest segment.
    Trimming (torch-lr-finder drops the first 10 and last 5 points) is left to the
    caller; :meth:`RangeTestResult.suggestions` does it.

    Parameters
    ----------
    lrs : array_like
        Strictly increasing positive rates, at least 2.
    losses : array_like
        Finite losses, same length (usually the smoothed curve).

    Returns
    -------
    float
    """
    lr, lo = _check_curve(lrs, losses)
    x = np.log10(lr)
    if np.any(np.diff(x) <= 0):
        raise ValueError(
            "lrs must be strictly increasing also in log10 (neighbouring rates closer "
            "than float64 resolves after the logarithm); got too close a pair"
        )
    scale = float(np.max(np.abs(lo)))
    if scale > 1.0:  # argmin is unchanged by a positive scale; differences cannot overflow
        lo = lo / scale
    g = np.gradient(lo, x)
    return float(lr[int(np.argmin(g))])


def suggest_min_div10(lrs: Any, losses: Any) -> float:
    r"""One tenth of the rate at the lowest loss: :math:`\eta_{\arg\min L} / 10`.

    Source: fastai's ``minimum`` suggestion (``fastai/callback/schedule.py``, 2.8),
    the old default of ``lr_find``: by the time the loss is at its minimum the rate
    is already too large to train with, so fastai backs off by a factor of 10.
    Ties go to the first (smallest) rate, as with ``argmin``.

    Parameters
    ----------
    lrs : array_like
        Strictly increasing positive rates, at least 2.
    losses : array_like
        Finite losses, same length.

    Returns
    -------
    float
    """
    lr, lo = _check_curve(lrs, losses)
    return float(lr[int(np.argmin(lo))] / 10.0)


def suggest_valley(lrs: Any, losses: Any) -> float:
    r"""Rate about halfway along the longest descending stretch ("valley") of the curve.

    Source: fastai's ``valley`` (ESRI's rule; fastai PR #3377, default of
    ``lr_find`` since 2021). The algorithm, reproduced exactly:

    1. :math:`d_i` = length of the longest strictly decreasing subsequence
       (not necessarily contiguous) of the losses that ends at :math:`i`:
       :math:`d_0 = 1`, :math:`d_i = 1 + \max\{d_j : j < i,\ L_j > L_i\}`
       (1 if there is no such :math:`j`);
    2. ``end`` = the first index where :math:`d` reaches its maximum, and
       ``start = end - d[end]`` (both stay 0 if :math:`d` never exceeds 1, i.e. the
       curve never decreases);
    3. with ``s = (end - start) / 3`` the answer is ``lrs[start + int(s) + int(s / 2)]``,
       roughly half way from ``start`` to ``end``.

    Quirk kept from fastai: ``start`` is one *before* the first point of the
    valley, so when the longest valley has only 2 points and begins at index 0
    the index is ``-1`` and -- Python indexing -- the *last* rate is returned.
    A curve that never decreases gives ``lrs[0]``.

    Parameters
    ----------
    lrs : array_like
        Strictly increasing positive rates, at least 2.
    losses : array_like
        Finite losses, same length (fastai passes the smoothed, trimmed curve).

    Returns
    -------
    float
    """
    lr, lo = _check_curve(lrs, losses)
    n = lo.size
    lds = np.ones(n, dtype=np.int64)
    for i in range(1, n):
        higher = lo[:i] > lo[i]
        if np.any(higher):
            lds[i] = int(lds[:i][higher].max()) + 1
    max_end = int(np.argmax(lds))  # first index of the maximum, as in fastai's loop
    # fastai only sets max_start when lds exceeds lds[0] = 1; otherwise it stays 0
    max_start = max_end - int(lds[max_end]) if lds[max_end] > 1 else 0
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return float(lr[idx])


_SUGGESTERS: dict[str, Callable[[Any, Any], float]] = {
    "valley": suggest_valley,
    "steepest": suggest_steepest,
    "min_div10": suggest_min_div10,
}


# --------------------------------------------------------------------------- the stop rule


def divergence_index(losses: Any, stop_factor: float | None = 4.0) -> int | None:
    r"""First index at which a range-test loss curve diverges, or ``None``.

    The curve diverges at the first index :math:`i` whose loss is not finite or exceeds
    ``stop_factor`` times the lowest loss so far:

    .. math:: d = \min\{\, i : \ell_i \notin \mathbb{R}
              \ \text{or}\ \ell_i > f \min_{j \le i} \ell_j \,\}.

    This is the stop rule of :func:`range_test` (fastai's ``stop_div``, :math:`f = 4`;
    torch-lr-finder uses 5), which applies it to the smoothed losses as they are
    recorded. Applied to the raw losses of a smoothed test it gives the rate where the raw
    loss diverged, which the lagging smoothed curve reaches only later. Like the libraries,
    the rule assumes positive losses (a negative loss :math:`\ell_i` exceeds
    :math:`f \ell_i` and counts as a divergence).

    Parameters
    ----------
    losses : array_like
        The recorded losses, a 1-D array of real numbers (NaN and :math:`\pm\infty`
        allowed: the first one is a divergence).
    stop_factor : float or None
        :math:`f > 1`, finite; ``None`` counts only non-finite losses.

    Returns
    -------
    int or None
        :math:`d`, or ``None`` when no loss diverges (also for an empty curve).

    Raises
    ------
    TypeError
        If ``losses`` is not a 1-D array of real numbers (strings, bools, objects), or
        ``stop_factor`` is not a real number.
    ValueError
        If ``losses`` is not 1-D, or ``stop_factor`` is not in :math:`(1, \infty)`.

    Examples
    --------
    >>> divergence_index([3.0, 2.0, 1.0, 3.5]) is None  # 3.5 <= 4 x 1
    True
    >>> divergence_index([3.0, 2.0, 1.0, 4.5])  # 4.5 > 4 x 1
    3
    >>> divergence_index([3.0, float("nan"), 100.0], stop_factor=None)
    1
    """
    if isinstance(losses, (str, bytes)):
        raise TypeError(f"losses must be a 1-D array of real numbers; got {type(losses).__name__}")
    arr = as_array("losses", losses, "a 1-D array of real numbers")
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"losses must be a 1-D array of real numbers; got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"losses must be a 1-D array; got shape {arr.shape}")
    factor = (
        None
        if stop_factor is None
        else check_real("stop_factor", stop_factor, low=1.0, low_open=True)
    )
    # Integers beyond 2**53 round to the nearest float64: the comparison is between reals.
    x = arr.astype(np.float64)
    bad = ~np.isfinite(x)
    if factor is not None:
        # The running minimum of the finite prefix; past the first non-finite loss nothing
        # is read, so it may fill the rest with anything.
        prefix = x[: int(np.argmax(bad))] if bad.any() else x
        if prefix.size:
            best = np.minimum.accumulate(prefix)
            with np.errstate(over="ignore"):  # f * min may pass 1.8e308: then no loss is above
                above = prefix > factor * best
            bad[: prefix.size] |= above
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


# --------------------------------------------------------------------------- the test


@dataclass(frozen=True)
class RangeTestResult:
    """What :func:`range_test` recorded.

    Attributes
    ----------
    lrs : numpy.ndarray
        The rates actually tried, in order (a prefix of the planned grid).
    losses : numpy.ndarray
        Raw loss returned by ``step_fn`` at each rate (may end in a non-finite value
        if that is what stopped the test).
    smoothed : numpy.ndarray
        Debiased exponential moving average of ``losses`` (equal to ``losses`` when
        smoothing is off).
    stopped_at : int or None
        Index of the last rate tried when the test stopped early, ``None`` if it ran
        the whole grid.
    stop_reason : str or None
        Why it stopped early, in words.
    n_planned : int
        Length of the planned grid (fastai trims suggestions by ``n_planned // 10``).
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_at: int | None
    stop_reason: str | None
    n_planned: int

    @property
    def stopped_early(self) -> bool:
        """Whether the divergence rule (or a non-finite loss) ended the test."""
        return self.stopped_at is not None

    def trimmed(
        self, skip_start: int | None = None, skip_end: int = 5, *, curve: str = "smoothed"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(lrs, losses)`` cut the way fastai cuts them before suggesting.

        fastai drops the first ``num_it // 10`` and the last 5 recorded points
        (``lrs[num_it//10:-5]``, with ``num_it`` the *planned* length), then cuts the
        curve at its first non-finite value.

        Parameters
        ----------
        skip_start : int, optional
            Points dropped at the start, :math:`\\ge 0`; default ``n_planned // 10``.
        skip_end : int
            Points dropped at the end, :math:`\\ge 0`.
        curve : {"smoothed", "raw"}
        """
        skip_start = (
            self.n_planned // 10
            if skip_start is None
            else check_int("skip_start", skip_start, low=0)
        )
        skip_end = check_int("skip_end", skip_end, low=0)
        curve = check_choice("curve", curve, ("smoothed", "raw"))
        y = self.smoothed if curve == "smoothed" else self.losses
        stop = len(y) - skip_end
        lrs, ys = self.lrs[skip_start:stop], y[skip_start:stop]
        bad = np.flatnonzero(~np.isfinite(ys))
        if bad.size:
            lrs, ys = lrs[: bad[0]], ys[: bad[0]]
        return lrs.copy(), ys.copy()

    def suggestions(
        self, skip_start: int | None = None, skip_end: int = 5, *, curve: str = "smoothed"
    ) -> dict[str, float]:
        """Return ``{"valley": ..., "steepest": ..., "min_div10": ...}`` on the trimmed curve.

        See :meth:`trimmed` for the trimming and :func:`suggest_valley`,
        :func:`suggest_steepest`, :func:`suggest_min_div10` for the rules.

        Raises
        ------
        ValueError
            If fewer than 3 points remain after trimming.
        """
        lrs, ys = self.trimmed(skip_start, skip_end, curve=curve)
        if lrs.size < 3:
            raise ValueError(
                f"only {lrs.size} point(s) of the {curve} curve remain after dropping the "
                f"first {self.n_planned // 10 if skip_start is None else skip_start} and "
                f"last {skip_end} (of {self.lrs.size} recorded); need at least 3. Run a "
                "longer test, start from a smaller lr_min, or pass smaller skip_start/skip_end."
            )
        return {name: fn(lrs, ys) for name, fn in _SUGGESTERS.items()}


def range_test(
    step_fn: Callable[[float], Any],
    lr_min: float = 1e-7,
    lr_max: float = 10.0,
    n: int = 100,
    *,
    mode: str = "exp",
    smooth: float | None = 0.98,
    stop_factor: float | None = 4.0,
) -> RangeTestResult:
    r"""Run an LR range test: one training step per rate, rates increasing.

    ``step_fn(lr)`` must perform **one** optimisation step at rate ``lr`` on the
    model it owns and return that step's (mini-batch) loss as a real number. The
    test calls it once for each rate of :func:`lr_sweep` ``(lr_min, lr_max, n, mode)``,
    in increasing order, so training continues from one rate to the next, as in
    fastai's ``lr_find`` and torch-lr-finder. (Restoring the model afterwards is the
    caller's job.)

    After step :math:`i` (0-based) with raw loss :math:`\ell_i` the test records

    .. math:: a_i = \beta a_{i-1} + (1 - \beta)\ell_i,\quad a_{-1} = 0, \qquad
              \bar\ell_i = a_i / (1 - \beta^{\,i+1}),

    fastai's ``AvgSmoothLoss`` (zero-initialised EMA with bias correction, so
    :math:`\bar\ell_0 = \ell_0`). It stops after recording step :math:`i` if
    :math:`\bar\ell_i > f \cdot \min_{j \le i}\bar\ell_j` (fastai ``stop_div``,
    :math:`f = 4`; torch-lr-finder uses 5), or as soon as a loss is NaN or infinite:
    the first index of :func:`divergence_index` on the smoothed losses. The rule assumes
    positive losses, like both libraries.

    Parameters
    ----------
    step_fn : callable
        ``step_fn(lr: float) -> float``.
    lr_min, lr_max : float
        Ends of the sweep, :math:`0 < \eta_{\min} < \eta_{\max}`.
    n : int
        Number of steps (rates), :math:`\ge 2`.
    mode : {"exp", "linear"}
        Grid of :func:`lr_sweep`.
    smooth : float or None
        EMA factor :math:`\beta \in [0, 1)`; ``None`` or ``0`` records the raw loss.
    stop_factor : float or None
        Divergence factor :math:`f > 1`; ``None`` runs the whole grid (a non-finite
        loss still stops it).

    Returns
    -------
    RangeTestResult

    Raises
    ------
    ValueError
        If ``step_fn`` raises; the message names the step and the rate, and the
        original exception is chained.
    TypeError
        If ``step_fn`` returns something that is not a real number.

    Notes
    -----
    NumPy overflow/invalid warnings raised inside ``step_fn`` are silenced: a range
    test deliberately drives training into divergence, which is detected from the
    returned loss instead.
    """
    step_fn = check_callable("step_fn", step_fn)
    grid = lr_sweep(lr_min, lr_max, n, mode)
    beta = (
        0.0 if smooth is None else check_real("smooth", smooth, low=0.0, high=1.0, high_open=True)
    )
    factor = (
        None
        if stop_factor is None
        else check_real("stop_factor", stop_factor, low=1.0, low_open=True)
    )

    raw: list[float] = []
    smoothed: list[float] = []
    avg, best = 0.0, math.inf
    stopped_at: int | None = None
    reason: str | None = None
    for i, lr in enumerate(grid):
        lr = float(lr)
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                out = step_fn(lr)
        except Exception as exc:  # a learner's bug: report where, keep the cause chained
            raise ValueError(
                f"step_fn raised {type(exc).__name__} at step {i} (lr={lr:.6g}): {exc}"
            ) from exc
        loss = _as_loss(out, i, lr)
        raw.append(loss)
        if math.isfinite(loss):
            avg = beta * avg + (1.0 - beta) * loss
            sm = avg / (1.0 - beta ** (i + 1))
        else:
            sm = math.nan
        smoothed.append(sm)
        # The stop rule has one home, divergence_index; the lowest smoothed loss before
        # step i and the new one carry all it reads (a step before i did not stop).
        if divergence_index((sm,) if i == 0 else (best, sm), factor) is not None:
            stopped_at = i
            if not math.isfinite(loss):
                reason = f"non-finite loss ({loss!r}) at step {i}, lr={lr:.6g}"
            elif not math.isfinite(sm):  # a raw loss within rounding of the float64 maximum
                reason = f"smoothed loss overflowed ({sm!r}) at step {i}, lr={lr:.6g}"
            else:
                reason = (
                    f"smoothed loss {sm:.6g} > {factor:g} x best {min(best, sm):.6g} at "
                    f"step {i}, lr={lr:.6g}"
                )
            break
        best = min(best, sm)

    k = len(raw)
    return RangeTestResult(
        lrs=grid[:k].copy(),
        losses=np.asarray(raw, dtype=np.float64),
        smoothed=np.asarray(smoothed, dtype=np.float64),
        stopped_at=stopped_at,
        stop_reason=reason,
        n_planned=int(grid.size),
    )


def _as_loss(out: Any, i: int, lr: float) -> float:
    """Convert ``step_fn``'s return value to ``float`` or raise a clear ``TypeError``."""
    if isinstance(out, np.ndarray) and out.size == 1:
        out = out.reshape(()).item()
    if isinstance(out, (bool, np.bool_)) or not isinstance(out, numbers.Real):
        raise TypeError(
            f"step_fn must return the loss as a real number; at step {i} (lr={lr:.6g}) it "
            f"returned {type(out).__name__} {out!r}"
        )
    return float(out)


# --------------------------------------------------------------------------- exercise 1


def one_step_losses(alphas: Any, *, c: float = 3.0, theta0: float = 0.0) -> Any:
    r"""Loss after one gradient step on :math:`J(\theta) = (\theta - c)^2`, for each rate.

    From :math:`\theta_0`, one step with rate :math:`\alpha` gives
    :math:`\theta_1 = \theta_0 - 2\alpha(\theta_0 - c)`, so
    :math:`\theta_1 - c = (1 - 2\alpha)(\theta_0 - c)` and

    .. math:: J(\theta_1) = (\theta_0 - c)^2 (1 - 2\alpha)^2 .

    It is below the starting loss exactly for :math:`0 < \alpha < 1`, zero at the
    optimum :math:`\alpha = 1/2` (the inverse curvature :math:`1/J'' = 1/2`), and back
    at the starting loss at the stability limit :math:`\alpha = 1`. This is the
    seed chapter's exercise 3, with its defaults :math:`c = 3`, :math:`\theta_0 = 0`.

    Parameters
    ----------
    alphas : float or array_like
        Rates :math:`\alpha \ge 0`, finite.
    c : float
        Minimiser of :math:`J`, finite.
    theta0 : float
        Starting point, finite.

    Returns
    -------
    float or numpy.ndarray
        A ``float`` for a scalar ``alphas``, else a ``float64`` array of its shape.
    """
    c = check_real("c", c)
    theta0 = check_real("theta0", theta0)
    scalar = isinstance(alphas, numbers.Real) and not isinstance(alphas, (bool, np.bool_))
    if scalar:
        a = np.asarray(check_real("alphas", alphas, low=0.0), dtype=np.float64)
    else:
        arr = as_array("alphas", alphas, "a real number or an array of them")
        if arr.dtype == bool or not (
            np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        ):
            raise TypeError(
                f"alphas must be a real number or an array of them; got "
                f"{type(alphas).__name__} with dtype {arr.dtype}"
            )
        a = arr.astype(np.float64)
        if not np.all(np.isfinite(a)):
            raise ValueError("alphas must be finite, in [0, inf)")
        if a.size and a.min() < 0:
            raise ValueError(f"alphas must be in [0, inf); got minimum {a.min()!r}")
    e0 = theta0 - c
    if not math.isfinite(e0):
        raise ValueError(f"theta0 - c must be a finite float64; got theta0={theta0!r}, c={c!r}")
    with np.errstate(over="ignore"):
        e1 = e0 * (1.0 - 2.0 * a)  # theta_1 - c
        out = e1 * e1
    if not np.all(np.isfinite(out)):
        worst = float(np.max(a))
        raise ValueError(
            f"the loss after one step exceeds the float64 maximum for alphas up to "
            f"{worst!r} with theta0={theta0!r}, c={c!r}; use smaller alphas or |theta0 - c|"
        )
    return float(out) if scalar else out


class UsefulRange(NamedTuple):
    """Result of :func:`useful_range`: ``low <= best <= high``, all taken from the grid."""

    low: float
    best: float
    high: float


def useful_range(
    alphas: Any, losses: Any, *, start_loss: float | None = None, min_drop: float = 0.1
) -> UsefulRange:
    r"""Read the useful band of rates off a one-step (or range-test) loss curve.

    Let :math:`L_0` be the starting loss, :math:`k = \arg\min_i L_i`, and
    :math:`[i_0, i_1]` the contiguous run of indices around :math:`k` where
    :math:`L_i < L_0` (the loss is below where it started: falling into the
    minimum and rising out of it). Then

    * ``best`` = :math:`\alpha_k`;
    * ``high`` = :math:`\alpha_{i_1}`, the largest rate before the loss is back at
      (or above) :math:`L_0` -- past it, a step does more harm than good;
    * ``low`` = the smallest :math:`\alpha_i`, :math:`i_0 \le i \le k`, with
      :math:`L_i \le (1 - \text{min\_drop})\,L_0`: the loss has visibly started to
      fall (Smith's "when the accuracy starts to increase").

    For :func:`one_step_losses` the exact band is :math:`(0, 1)` with the optimum
    at :math:`1/2`; on a grid, ``low <= 0.5 <= high < 1`` as long as the grid
    straddles those points.

    Parameters
    ----------
    alphas : array_like
        Strictly increasing positive rates, at least 2.
    losses : array_like
        Finite losses at those rates.
    start_loss : float, optional
        :math:`L_0`, the loss before any step; defaults to ``losses[0]`` (a good
        proxy when ``alphas[0]`` is tiny).
    min_drop : float
        Fraction in :math:`[0, 1)` by which the loss must have fallen for ``low``;
        ``0`` gives the left end of the below-start run.

    Returns
    -------
    UsefulRange

    Raises
    ------
    ValueError
        If no loss is below ``start_loss`` (no rate helps).
    """
    a, lo = _check_curve(alphas, losses)
    l0 = float(lo[0]) if start_loss is None else check_real("start_loss", start_loss)
    min_drop = check_real("min_drop", min_drop, low=0.0, high=1.0, high_open=True)
    k = int(np.argmin(lo))
    if not lo[k] < l0:
        raise ValueError(
            f"no loss is below start_loss={l0!r} (minimum {lo[k]!r}); no rate in the grid helps"
        )
    below = lo < l0
    i0 = k
    while i0 > 0 and below[i0 - 1]:
        i0 -= 1
    i1 = k
    while i1 < lo.size - 1 and below[i1 + 1]:
        i1 += 1
    target = (1.0 - min_drop) * l0
    ok = np.flatnonzero(lo[i0 : k + 1] <= target)
    i_low = i0 + int(ok[0]) if ok.size else k
    return UsefulRange(low=float(a[i_low]), best=float(a[k]), high=float(a[i1]))
