r"""Head-to-head comparison of schedules on the noisy quadratic, with honest error bars.

:func:`compare_schedules` runs :func:`lrsched.noisy_sgd.simulate_quadratic` once
(all schedules see the same noise, seed by seed) and summarises the final loss of
each schedule: mean, standard deviation, standard error, a Student-t confidence
interval for the mean, the matrix of pairwise win rates and, for plain SGD, the
exact expected loss from :mod:`lrsched.theory` to check the Monte Carlo against.

The Student-t quantile is computed here without SciPy: :func:`student_t_cdf`
evaluates the distribution function through the regularised incomplete beta
function (a continued fraction), and :func:`student_t_ppf` inverts it by bisection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import check_count, check_int, check_real
from .noisy_sgd import SimResult, simulate_quadratic
from .theory import expected_loss

__all__ = ["Comparison", "compare_schedules", "student_t_cdf", "student_t_ppf"]


# ---------------------------------------------------------------------------
# Student-t distribution
# ---------------------------------------------------------------------------


_DF_MIN = 1e-300  # smallest degrees of freedom: nu/2 and lgamma(nu/2) stay exact enough


def _beta_cf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz method)."""
    tiny = 1e-300
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            step = c * d
            h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return h


def _beta_inc(a: float, b: float, x: float, y: float) -> float:
    """Regularised incomplete beta :math:`I_x(a, b)`, with ``y = 1 - x`` given exactly."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_cf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_cf(b, a, y) / b


def _t_upper_tail(t: float, df: float) -> float:
    """:math:`P(T > t)` for ``t >= 0``."""
    t2 = t * t
    return 0.5 * _beta_inc(0.5 * df, 0.5, df / (df + t2), t2 / (df + t2))


def student_t_cdf(x: float, df: float) -> float:
    r"""Distribution function of Student's t with ``df`` degrees of freedom.

    .. math:: F(x) = 1 - \tfrac12 I_{\nu/(\nu + x^2)}\!\left(\tfrac{\nu}{2}, \tfrac12\right)
              \quad (x \ge 0), \qquad F(-x) = 1 - F(x),

    with :math:`I` the regularised incomplete beta function.

    Parameters
    ----------
    x : float
        Finite real.
    df : float
        Degrees of freedom :math:`\nu \ge 10^{-300}` (need not be an integer; below
        that, :math:`\nu/2` loses its digits in float64).

    Returns
    -------
    float
    """
    x = check_real("x", x)
    df = check_real("df", df, low=_DF_MIN)
    tail = _t_upper_tail(abs(x), df)
    return 1.0 - tail if x >= 0 else tail


def student_t_ppf(p: float, df: float) -> float:
    r"""Quantile function of Student's t: the :math:`t` with :math:`F(t) = p`.

    Found by bracketing and bisection on :func:`student_t_cdf` to full double
    precision. For example ``student_t_ppf(0.975, 9)`` is 2.2622 and the 95%
    two-sided interval for a mean of ``n`` values is
    :math:`\bar x \pm t_{0.975,\,n-1}\, s/\sqrt n`.

    Parameters
    ----------
    p : float
        Probability in the open interval ``(0, 1)``.
    df : float
        Degrees of freedom :math:`\nu \ge 10^{-300}`.

    Returns
    -------
    float
    """
    p = check_real("p", p, low=0.0, high=1.0, low_open=True, high_open=True)
    df = check_real("df", df, low=_DF_MIN)
    if p == 0.5:
        return 0.0
    q = 1.0 - p if p > 0.5 else p  # upper-tail probability of |t|
    lo, hi = 0.0, 1.0
    while _t_upper_tail(hi, df) > q:
        lo, hi = hi, 2.0 * hi
        if hi > 1e300:  # pragma: no cover - only for absurdly small p and df
            break
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _t_upper_tail(mid, df) > q:
            lo = mid
        else:
            hi = mid
    t = 0.5 * (lo + hi)
    return t if p > 0.5 else -t


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


def _fmt(x: float | None, width: int = 11) -> str:
    return f"{'n/a':>{width}}" if x is None else f"{x:>{width}.4e}"


@dataclass(frozen=True, repr=False)
class Comparison:
    r"""Summary of :func:`compare_schedules` (shapes: ``K`` schedules, ``n`` seeds).

    Attributes
    ----------
    names : list of str
        Schedule names, in order.
    final_loss : ndarray, shape (n, K)
        Final loss of every run (paired by seed across schedules).
    mean, std, se : ndarray, shape (K,)
        Mean over seeds, sample standard deviation (``ddof=1``) and standard
        error ``std / sqrt(n)``.
    ci_low, ci_high : ndarray, shape (K,)
        ``mean -/+ t_quantile * se``.
    level : float
        Confidence level of the intervals (0.95 by default).
    t_quantile : float
        :math:`t_{(1+\text{level})/2,\ n-1}`.
    win_rate : ndarray, shape (K, K)
        ``win_rate[i, j]``: fraction of seeds where schedule ``i`` ends with a
        strictly lower loss than ``j``, ties counting one half (so
        ``W + W.T == 1`` and the diagonal is 0.5).
    exact : ndarray, shape (K,), or None
        Exact expected final loss (:func:`lrsched.theory.expected_loss`), for
        ``optimizer="sgd"``; None otherwise.
    exact_curve : ndarray, shape (T+1, K), or None
        The exact expected loss after every update.
    step_mean, step_low, step_high : ndarray, shape (T+1, K)
        Mean loss over seeds after every update and its confidence band
        (``mean -/+ t_quantile * std / sqrt(n)`` at every step), for plotting.
    diverged : ndarray of int, shape (K,)
        Number of diverged runs per schedule.
    lr : ndarray, shape (T, K)
        The learning rates used.
    result : SimResult
        The underlying simulation (recorded with ``record="stats"``).
    """

    names: list[str]
    final_loss: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float
    t_quantile: float
    win_rate: np.ndarray
    exact: np.ndarray | None
    exact_curve: np.ndarray | None
    step_mean: np.ndarray
    step_low: np.ndarray
    step_high: np.ndarray
    diverged: np.ndarray
    lr: np.ndarray
    result: SimResult

    @property
    def n_seeds(self) -> int:
        """Number of runs per schedule."""
        return int(self.final_loss.shape[0])

    @property
    def T(self) -> int:
        """Number of updates."""
        return int(self.lr.shape[0])

    def _index(self, key: Any, name: str) -> int:
        if isinstance(key, str):
            if key not in self.names:
                raise ValueError(
                    f"{name} must be one of the schedule names {self.names}; got {key!r}"
                )
            return self.names.index(key)
        return check_int(name, key, low=0, high=len(self.names) - 1)

    def table(self) -> list[dict[str, Any]]:
        """One row per schedule, as a list of dicts of plain Python values.

        Keys: ``schedule``, ``mean``, ``std``, ``se``, ``ci_low``, ``ci_high``,
        ``exact`` (None unless SGD), ``z`` (``(mean - exact) / se``; None without
        ``exact`` or when ``se == 0``), ``win_rate`` (average of the row's win
        rates against the other schedules; None for a single schedule) and
        ``diverged`` (count).
        """
        K = len(self.names)
        rows = []
        for k, name in enumerate(self.names):
            exact = None if self.exact is None else float(self.exact[k])
            se = float(self.se[k])
            z = None if (exact is None or se == 0.0) else (float(self.mean[k]) - exact) / se
            others = [float(self.win_rate[k, j]) for j in range(K) if j != k]
            rows.append(
                {
                    "schedule": name,
                    "mean": float(self.mean[k]),
                    "std": float(self.std[k]),
                    "se": se,
                    "ci_low": float(self.ci_low[k]),
                    "ci_high": float(self.ci_high[k]),
                    "exact": exact,
                    "z": z,
                    "win_rate": sum(others) / len(others) if others else None,
                    "diverged": int(self.diverged[k]),
                }
            )
        return rows

    def format(self, *, wins: bool = True) -> str:
        """Fixed-width text table (4 significant digits), plus the win-rate matrix.

        The output depends only on the numbers, so it is stable across runs with
        the same seed (suitable for notebooks checked by nbval).
        """
        wins = bool(wins)
        rows = self.table()
        width = min(36, max(8, *(len(r["schedule"]) for r in rows)))
        pct = f"{100 * self.level:g}% CI"
        head = (
            f"{'schedule':<{width}}  {'mean':>11} {'std':>11} {pct:>25}"
            f" {'exact':>11} {'z':>6} {'wins':>5} {'div':>5}"
        )
        lines = [
            f"final loss after T={self.T} updates, {self.n_seeds} seeds per schedule",
            head,
            "-" * len(head),
        ]
        for r in rows:
            name = r["schedule"]
            if len(name) > width:
                name = name[: width - 3] + "..."
            ci = f"[{r['ci_low']:.4e}, {r['ci_high']:.4e}]"
            z = f"{'n/a':>6}" if r["z"] is None else f"{r['z']:>+6.2f}"
            w = f"{'n/a':>5}" if r["win_rate"] is None else f"{r['win_rate']:>5.2f}"
            lines.append(
                f"{name:<{width}}  {_fmt(r['mean'])} {_fmt(r['std'])} {ci:>25}"
                f" {_fmt(r['exact'])} {z} {w} {r['diverged']:>5d}"
            )
        if wins and len(rows) > 1:
            K = len(rows)
            lines.append("")
            lines.append("win rate W[i, j]: share of seeds where i ends below j (ties 1/2)")
            lines.append(" " * 6 + "".join(f"{j:>7d}" for j in range(K)))
            for i in range(K):
                cells = "".join(f"{self.win_rate[i, j]:>7.3f}" for j in range(K))
                lines.append(f"{i:>4d}  {cells}   {rows[i]['schedule']}")
        return "\n".join(lines)

    def difference(self, i: int | str, j: int | str) -> dict[str, float]:
        r"""Paired comparison of two schedules: the final loss of ``i`` minus ``j``.

        Because both schedules saw the same noise, the per-seed differences
        :math:`D = L_i - L_j` are analysed directly: their mean, standard error
        :math:`s_D/\sqrt n` and ``level`` confidence interval. Usually much
        tighter than comparing the two separate intervals.

        Returns
        -------
        dict
            ``mean``, ``se``, ``ci_low``, ``ci_high``, ``win_rate`` (``W[i, j]``).
        """
        a = self._index(i, "i")
        b = self._index(j, "j")
        diff = self.final_loss[:, a] - self.final_loss[:, b]
        mean = float(diff.mean())
        se = float(diff.std(ddof=1)) / math.sqrt(self.n_seeds)
        half = self.t_quantile * se
        return {
            "mean": mean,
            "se": se,
            "ci_low": mean - half,
            "ci_high": mean + half,
            "win_rate": float(self.win_rate[a, b]),
        }

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return (
            f"Comparison({len(self.names)} schedules, T={self.T}, n_seeds={self.n_seeds}, "
            f"level={self.level:g})"
        )


def _win_rate(L: np.ndarray) -> np.ndarray:
    n, K = L.shape
    W = np.empty((K, K))
    for i in range(K):
        col = L[:, i : i + 1]
        W[i] = (np.count_nonzero(col < L, axis=0) + 0.5 * np.count_nonzero(col == L, axis=0)) / n
    return W


def compare_schedules(
    schedules: Any,
    *,
    T: int,
    n_seeds: int,
    seed: int = 0,
    level: float = 0.95,
    **sim_kwargs: Any,
) -> Comparison:
    r"""Simulate several schedules on the noisy 1-D quadratic and compare their final loss.

    For schedule :math:`k` with final losses :math:`L_{1k}, \dots, L_{nk}`:

    .. math:: \bar L_k = \frac1n\sum_s L_{sk}, \quad
              s_k^2 = \frac{1}{n-1}\sum_s (L_{sk} - \bar L_k)^2, \quad
              \mathrm{SE}_k = \frac{s_k}{\sqrt n}, \quad
              \bar L_k \pm t_{(1+\text{level})/2,\,n-1}\,\mathrm{SE}_k ,

    and the win rate
    :math:`W_{ij} = \frac1n\sum_s \bigl([L_{si} < L_{sj}] + \tfrac12[L_{si} = L_{sj}]\bigr)`.
    The seeds share their noise across schedules (common random numbers), so
    :math:`W` and :meth:`Comparison.difference` are paired comparisons. The final
    loss is right-skewed (a scaled :math:`\chi^2_1` once the bias is gone), so
    with few seeds the t interval covers the true mean somewhat less often than
    ``level``; use a few dozen seeds or more.

    Parameters
    ----------
    schedules : schedule, list or dict
        As in :func:`lrsched.noisy_sgd.simulate_quadratic`.
    T : int
        Number of updates, ``>= 1``.
    n_seeds : int
        Runs per schedule, ``>= 2`` (a standard deviation needs two).
    seed : int
        Seed of the simulation.
    level : float
        Confidence level in ``(0, 1)``.
    **sim_kwargs
        Passed on to :func:`~lrsched.noisy_sgd.simulate_quadratic` (``c``,
        ``theta0``, ``sigma``, ``curvature``, ``optimizer``, ``momentum``,
        ``betas``, ``eps``); ``record`` is set here.

    Returns
    -------
    Comparison
    """
    T = check_count("T", T, low=1)
    n_seeds = check_count("n_seeds", n_seeds, low=2)
    seed = check_int("seed", seed, low=0)
    level = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    if "record" in sim_kwargs:
        raise TypeError("compare_schedules sets record itself; do not pass record")
    res = simulate_quadratic(
        schedules, T=T, n_seeds=n_seeds, seed=seed, record="stats", **sim_kwargs
    )
    L = res.final_loss
    mean = L.mean(axis=0)
    std = L.std(axis=0, ddof=1)
    se = std / math.sqrt(n_seeds)
    tq = student_t_ppf(0.5 + 0.5 * level, n_seeds - 1)
    step_half = tq * res.loss_std / math.sqrt(n_seeds)
    exact_curve = None
    if res.optimizer == "sgd":
        exact_curve = np.stack(
            [
                expected_loss(
                    res.lr[:, k],
                    T=T,
                    c=res.c,
                    theta0=res.theta0,
                    sigma=res.sigma,
                    curvature=res.curvature,
                )
                for k in range(res.lr.shape[1])
            ],
            axis=1,
        )
    return Comparison(
        names=list(res.names),
        final_loss=L,
        mean=mean,
        std=std,
        se=se,
        ci_low=mean - tq * se,
        ci_high=mean + tq * se,
        level=level,
        t_quantile=tq,
        win_rate=_win_rate(L),
        exact=None if exact_curve is None else exact_curve[-1].copy(),
        exact_curve=exact_curve,
        step_mean=res.loss_mean,
        step_low=res.loss_mean - step_half,
        step_high=res.loss_mean + step_half,
        diverged=res.diverged.sum(axis=0),
        lr=res.lr,
        result=res,
    )
