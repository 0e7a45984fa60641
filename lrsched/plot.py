"""Figures for the course, in one consistent style.

Every function returns the :class:`matplotlib.figure.Figure` it drew (titles, axis
labels and legends included), so a test can inspect it and a notebook cell can show it
with :func:`show`, which attaches the figure's alt text (what the figure shows, written
beside the code that draws it) to the image output. This module and :mod:`lrsched.widgets`
are the only ones that import matplotlib; it needs the ``course`` extra.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ._extras import require

require("matplotlib", feature="lrsched.plot")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ._validate import check_choice, check_int  # noqa: E402
from .base import Schedule  # noqa: E402
from .compose import FromCallable, as_schedule  # noqa: E402

__all__ = [
    "COLORS",
    "style_axes",
    "plot_schedules",
    "plot_bands",
    "plot_range_test",
    "plot_comparison",
    "plot_trajectories",
    "plot_comparison_result",
    "plot_range_test_result",
    "figure_output",
    "show",
]

#: The course palette (colour-blind safe, Okabe–Ito), used in this order.
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_N_MARKS = 8  # markers along each curve


def _color(i: int) -> str:
    return COLORS[i % len(COLORS)]


def _style(i: int) -> str:
    return _STYLES[i % len(_STYLES)]


def _curve_style(i: int, n_curves: int, n_points: int) -> dict[str, Any]:
    """Colour, line style and marker of curve ``i`` of ``n_curves``: each cycles on its own
    (8 colours, 4 dash patterns, 7 markers), so curves that overlap stay distinguishable
    in grey scale too. The ``_N_MARKS`` markers of each curve are shifted by ``i`` so the
    markers of coinciding curves do not hide each other."""
    every = max(1, n_points // _N_MARKS)
    offset = round(i * every / min(max(n_curves, 1), every)) % every
    return {
        "color": _color(i),
        "linestyle": _style(i),
        "marker": _MARKERS[i % len(_MARKERS)],
        "markevery": (offset, every),
        "markersize": 5,
    }


def _named(items: Mapping[str, Any] | Sequence[Any], what: str) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        pairs = list(items.items())
    elif isinstance(items, Sequence) and not isinstance(items, (str, bytes)):
        pairs = [(repr(x), x) for x in items]
    else:
        raise TypeError(
            f"{what} must be a dict name -> value or a list; got {type(items).__name__}"
        )
    if not pairs:
        raise ValueError(f"{what} must not be empty")
    return pairs


_TINY = 1e-300


class _LogTicks(ticker.Locator):
    """Few, plain log ticks: decades, or 1-2-5, or linear ticks inside a small range."""

    def __call__(self) -> Any:
        lo, hi = self.axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin: float, vmax: float) -> Any:
        lo, hi = sorted((max(float(vmin), _TINY), max(float(vmax), _TINY)))
        decades = math.log10(hi / lo) if hi > lo else 0.0
        if decades >= 2.0:
            loc: ticker.Locator = ticker.LogLocator(subs=(1.0,), numticks=5)
        elif decades >= 0.6:
            loc = ticker.LogLocator(subs=(1.0, 2.0, 5.0), numticks=6)
        else:
            loc = ticker.MaxNLocator(4)
        ticks = np.asarray(loc.tick_values(lo, hi), dtype=float)
        return ticks[ticks > 0]


def _fmt_tick(v: float, _pos: Any = None) -> str:
    return f"{v:g}"


def _plain_log_ticks(axis: Any) -> None:
    axis.set_major_locator(_LogTicks())
    axis.set_minor_locator(ticker.NullLocator())
    axis.set_major_formatter(ticker.FuncFormatter(_fmt_tick))


def _positive(values: Any) -> np.ndarray:
    """``values`` as floats with every non-positive or non-finite entry masked (NaN): what a
    log axis can show. A line drawn through NaN breaks there instead of diving to 0."""
    v = np.array(values, dtype=float)
    v[~(np.isfinite(v) & (v > 0))] = np.nan
    return v


def _log_span(*arrays: Any) -> tuple[float, float] | None:
    """Limits of a log axis around the positive, finite values of ``arrays`` (a 4 % margin
    in log space each side, a factor 1.5 when all values coincide), or ``None`` if none."""
    parts = [np.asarray(a, dtype=float).ravel() for a in arrays if a is not None]
    v = np.concatenate(parts) if parts else np.zeros(0)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return None
    lo, hi = max(float(v.min()), _TINY), float(v.max())
    if hi <= lo * 1.05:
        return (lo / 1.5, hi * 1.5)
    pad = (hi / lo) ** 0.04
    return (lo / pad, hi * pad)


def _set_log_limits(ax: Any, which: str, *arrays: Any) -> None:
    """Make ``which`` ("x" or "y") of ``ax`` logarithmic, starting where the values are
    positive (limits from the positive values only; matplotlib's own autoscale would
    include the clipped ends of bands and whiskers)."""
    span = _log_span(*arrays)
    axis = ax.xaxis if which == "x" else ax.yaxis
    if axis.get_scale() != "log":
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
        _plain_log_ticks(axis)
    if span is not None:
        (ax.set_xlim if which == "x" else ax.set_ylim)(span)


def style_axes(
    ax: Any,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    log_x: bool | None = None,
    log_y: bool | None = None,
    legend: bool | None = None,
) -> None:
    """Give one matplotlib Axes the course style: labels, light grid, plain log ticks.

    A logarithmic axis gets a few major ticks labelled in plain numbers (``0.001``,
    ``1e-05``: decades, or 1-2-5 steps inside two decades) and no minor ticks, in place
    of matplotlib's :math:`10^{k}` labels: typeset labels and minor ticks are most of
    what drawing a log-scale figure costs. Call it *after* changing a scale
    (``set_yscale`` resets the ticks).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    title, xlabel, ylabel : str, optional
        Set when given.
    log_x, log_y : bool, optional
        ``True`` makes the axis logarithmic, ``False`` linear; ``None`` keeps its scale.
    legend : bool, optional
        Draw a legend (font size 8); ``None`` draws one when some artist has a label. It
        sits outside the axes, to the right of their upper corner, so it never covers the
        data (call ``fig.tight_layout()`` afterwards to make room for it).
    """
    if not hasattr(ax, "get_xaxis") or not hasattr(ax, "set_yscale"):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
    for name, text in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if text is not None and not isinstance(text, str):
            raise TypeError(f"{name} must be a str or None; got {type(text).__name__}")
    for name, flag in (("log_x", log_x), ("log_y", log_y), ("legend", legend)):
        if flag is not None and not isinstance(flag, bool):
            raise TypeError(f"{name} must be True, False or None; got {flag!r}")
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if log_x is not None:
        ax.set_xscale("log" if log_x else "linear")
    if log_y is not None:
        ax.set_yscale("log" if log_y else "linear")
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            _plain_log_ticks(axis)
    ax.grid(alpha=0.3)
    if legend or (legend is None and ax.get_legend_handles_labels()[0]):
        _outside_legend(ax)


def _outside_legend(ax: Any) -> Any:
    """The legend of ``ax``, outside the axes to the right of their upper corner."""
    return ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


def _is_staircase(schedule: Schedule, values: np.ndarray) -> bool:
    r"""Whether a schedule is piecewise constant, to be drawn as a staircase.

    True when the drawn values are flat for at least half of the updates, change at least
    once, and the schedule's formula holds its value between updates:
    :math:`\alpha(t + \tfrac12) = \alpha(t)` at every drawn ``t`` (lrsched's formulas
    accept real-valued steps; a step decay passes, a cosine or an exponential does not,
    even where it is clamped flat past its horizon). A wrapped Python function is judged
    on its values alone.
    """
    if values.size < 3:
        return False
    jumps = np.count_nonzero(np.diff(values))
    if jumps == 0 or jumps > (values.size - 1) / 2:
        return False
    if isinstance(schedule, FromCallable):
        return True
    t = np.arange(values.size, dtype=np.float64)
    try:
        with np.errstate(all="ignore"):
            at = np.asarray(schedule._eval(t), dtype=float)
            mid = np.asarray(schedule._eval(t + 0.5), dtype=float)
    except Exception:  # a formula that takes integer steps only: judge by the values
        return True
    return at.shape == mid.shape and bool(np.array_equal(at, mid))


def plot_schedules(
    schedules: Mapping[str, Any] | Sequence[Any],
    T: int,
    *,
    scale: str = "both",
    title: str = "Learning-rate schedules",
    xlabel: str = "update t",
) -> Figure:
    r"""Draw :math:`\alpha_t` for ``t = 0 .. T-1`` for each schedule.

    A piecewise-constant schedule (step decay, multi-step: flat between its drops, also
    at half steps) is drawn as a staircase (``drawstyle="steps-post"``: :math:`\alpha_t`
    holds for the whole of update ``t``), every other one as a line. Each curve has its
    own colour, dash pattern and marker, so curves that coincide stay distinguishable. The log panel
    leaves out rates that are not positive (a warm-up starting at 0) and its limits come
    from the positive rates. One legend, outside the last panel.

    Parameters
    ----------
    schedules : dict name -> schedule, or list of schedules
        Any :class:`~lrsched.Schedule` or callable ``t -> lr``.
    T : int
        Number of updates to draw, ``>= 1``.
    scale : {"both", "linear", "log"}
        ``"both"`` draws a linear and a logarithmic panel side by side (the log
        axis shows what happens to small rates: a floor, an exponential tail).
    """
    pairs = [(name, as_schedule(s, name)) for name, s in _named(schedules, "schedules")]
    T = check_int("T", T, low=1)
    scale = check_choice("scale", scale, ("both", "linear", "log"))
    scales = ["linear", "log"] if scale == "both" else [scale]
    width = 5.4 * len(scales) + 2.0  # room for the legend on the right
    fig, axes = plt.subplots(1, len(scales), figsize=(width, 3.8), squeeze=False)
    t = np.arange(T)
    curves = [(name, s, s(t)) for name, s in pairs]
    steps = [_is_staircase(s, v) for _, s, v in curves]
    for j, (ax, sc) in enumerate(zip(axes[0], scales, strict=True)):
        for i, ((name, _, v), stair) in enumerate(zip(curves, steps, strict=True)):
            y = _positive(v) if sc == "log" else v
            ax.plot(
                t, y, lw=2, label=name, drawstyle="steps-post" if stair else "default",
                **_curve_style(i, len(curves), T),
            )  # fmt: skip
        style_axes(
            ax,
            title=f"{title} ({sc} scale)" if len(scales) > 1 else title,
            xlabel=xlabel,
            ylabel="learning rate α_t" + (" (log scale)" if sc == "log" else ""),
            log_y=sc == "log",
            legend=j == len(scales) - 1,
        )
        if sc == "log":
            _set_log_limits(ax, "y", *(v for _, _, v in curves))
    fig.tight_layout()
    return fig


def plot_bands(
    x: np.ndarray,
    bands: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    *,
    exact: Mapping[str, np.ndarray] | None = None,
    title: str = "Mean over seeds with 95% band",
    xlabel: str = "update t",
    ylabel: str = "loss",
    log: bool = True,
) -> Figure:
    """Draw a mean curve with a shaded band per entry, optionally the exact curve too.

    On a log axis the limits come from the positive values; a band whose lower end is not
    positive (a wide interval around a small mean) runs to the bottom of the axes.

    Parameters
    ----------
    x : array
        The common x values.
    bands : dict name -> (mean, low, high)
        Arrays of the same length as ``x``.
    exact : dict name -> array, optional
        Exact expected values to overlay as thin black dashed lines (same names).
    log : bool
        Logarithmic y axis (losses span orders of magnitude).
    """
    x = np.asarray(x)
    pairs = _named(bands, "bands")
    checked = []
    for name, band in pairs:
        if not isinstance(band, (tuple, list)) or len(band) != 3:
            raise TypeError(f"bands[{name!r}] must be a (mean, low, high) tuple")
        mean, lo, hi = (np.asarray(b, dtype=float) for b in band)
        if not (mean.shape == lo.shape == hi.shape == x.shape):
            raise ValueError(f"bands[{name!r}] arrays must all have the shape of x, {x.shape}")
        checked.append((name, mean, lo, hi))
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    span = _log_span(*(a for _, m, lo, hi in checked for a in (m, lo, hi))) if log else None
    for i, (name, mean, lo, hi) in enumerate(checked):
        if span is not None:
            mean, lo, hi = _positive(mean), np.maximum(lo, span[0]), _positive(hi)
        ax.plot(x, mean, lw=2, label=name, **_curve_style(i, len(checked), x.size))
        ax.fill_between(x, lo, hi, color=_color(i), alpha=0.2, lw=0)
        if exact is not None and name in exact:
            ex = np.asarray(exact[name], dtype=float)
            ax.plot(x, _positive(ex) if log else ex, color="black", lw=1, ls="--")
    if exact:
        ax.plot([], [], color="black", lw=1, ls="--", label="exact expectation")
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel, log_y=bool(log), legend=True)
    if log:
        _set_log_limits(ax, "y", *(a for _, m, lo, hi in checked for a in (m, lo, hi)))
    fig.tight_layout()
    return fig


def plot_range_test(
    lrs: np.ndarray,
    losses: np.ndarray,
    *,
    smoothed: np.ndarray | None = None,
    suggestions: Mapping[str, float] | None = None,
    band: tuple[float, float] | None = None,
    title: str = "LR range test",
    ylabel: str = "loss",
    log_x: bool = True,
) -> Figure:
    """Draw loss against learning rate, with the suggested rates marked.

    Parameters
    ----------
    lrs, losses : arrays of the same length
    smoothed : array, optional
        The smoothed loss, drawn on top of the raw one.
    suggestions : dict name -> lr, optional
        Vertical lines at each suggested learning rate, labelled with its value.
    band : (low, high), optional
        A shaded usable range.
    """
    lrs = np.asarray(lrs, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if lrs.shape != losses.shape or lrs.ndim != 1:
        raise ValueError("lrs and losses must be 1-D arrays of the same length")
    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    ax.plot(
        lrs, losses, color=_color(0), lw=1, alpha=0.5 if smoothed is not None else 1, label="loss"
    )
    if smoothed is not None:
        ax.plot(lrs, np.asarray(smoothed, dtype=float), color=_color(0), lw=2, label="smoothed")
    if band is not None:
        ax.axvspan(
            band[0],
            band[1],
            color=_color(2),
            alpha=0.15,
            label=f"usable range {band[0]:.3g} – {band[1]:.3g}",
        )
    for i, (name, lr) in enumerate((suggestions or {}).items()):
        ax.axvline(lr, color=_color(i + 3), ls=_style(i + 1), lw=1.5, label=f"{name}: {lr:.3g}")
    xlabel = "learning rate" + (" (log scale)" if log_x else "")
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel, log_x=bool(log_x), legend=True)
    fig.tight_layout()
    return fig


def _dots_with_intervals(
    ax: Any,
    names: Sequence[str],
    means: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    exact: np.ndarray | None,
    seeds: np.ndarray | None,
    interval_label: str,
    log: bool,
) -> None:
    """One row per name: a dot at the mean with whiskers from ``low`` to ``high`` (its
    colour, capped), the exact value as a black diamond, the seeds as faint small dots.

    On a log axis the limits come from the positive values; a whisker whose lower end is
    not positive is drawn to the left edge of the axes and ends in an arrowhead (``<``)
    there, and a seed at or below 0 is left out.
    """
    k = len(names)
    y = np.arange(k, dtype=float)
    parts = [means, low, high] + ([exact] if exact is not None else [])
    parts += [seeds] if seeds is not None else []
    span = _log_span(*parts) if log else None
    # One legend entry for all rows, in a neutral grey: the rows are named on the axis.
    ax.plot([], [], marker="o", color="0.35", lw=1.6, label=f"mean and {interval_label}")
    if seeds is not None:
        n = seeds.shape[0]
        jitter = np.linspace(-0.22, 0.22, n) if n > 1 else np.zeros(1)
        for j in range(k):
            xs = _positive(seeds[:, j]) if log else seeds[:, j]
            ax.scatter(
                xs, y[j] + jitter, s=9, color=_color(j), alpha=0.25, lw=0, zorder=1,
                label="one seed" if j == 0 else None,
            )  # fmt: skip
    for j in range(k):
        lo = float(low[j])
        clipped = span is not None and not lo > span[0]
        left = span[0] if clipped else lo
        ax.errorbar(
            [means[j]], [y[j]], xerr=[[means[j] - left], [high[j] - means[j]]],
            fmt=_MARKERS[j % len(_MARKERS)], color=_color(j), ms=7, capsize=4, lw=1.6,
            zorder=3,
        )  # fmt: skip
        if clipped:
            ax.plot([left], [y[j]], marker="<", color=_color(j), ms=7, ls="none", zorder=3)
    if exact is not None:
        ax.scatter(exact, y, marker="D", s=30, facecolor="none", edgecolor="black",
                   zorder=4, label="exact expectation")  # fmt: skip
    ax.set_yticks(y, list(names))
    ax.set_ylim(k - 0.5, -0.5)  # first name at the top
    if span is not None:
        _set_log_limits(ax, "x", *parts)


def plot_comparison(
    names: Sequence[str],
    means: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    exact: np.ndarray | None = None,
    title: str = "Final loss: mean and 95% interval over seeds",
    ylabel: str = "final loss",
    log: bool = True,
    interval_label: str = "95% interval",
    seeds: np.ndarray | None = None,
) -> Figure:
    """One row per schedule: the mean as a dot, its interval as whiskers.

    ``low`` and ``high`` are the whisker ends (a confidence interval, or mean ± std:
    say which with ``interval_label``). No bars: a bar's length on a log axis depends on
    where the axis happens to start, so it misstates ratios; a dot's position does not.
    On a log axis the limits come from the positive values (a lower whisker end at or
    below 0 is drawn to the edge and marked ``<``; with no positive value at all the axis
    stays linear).

    Parameters
    ----------
    names : sequence of str
    means, low, high : arrays, one value per name
    exact : array, optional
        Exact expected values, drawn as diamonds.
    ylabel : str
        The label of the value axis (horizontal).
    log : bool
        Logarithmic value axis (final losses often span decades).
    interval_label : str
        What the whiskers are, for the legend.
    seeds : array of shape (n_seeds, len(names)), optional
        The individual values, drawn as faint small dots around each row.
    """
    means, low, high = (np.asarray(a, dtype=float) for a in (means, low, high))
    if not (len(names) == means.size == low.size == high.size):
        raise ValueError("names, means, low and high must have the same length")
    if seeds is not None:
        seeds = np.asarray(seeds, dtype=float)
        if seeds.ndim != 2 or seeds.shape[1] != means.size:
            raise ValueError(f"seeds must have shape (n_seeds, {means.size}); got {seeds.shape}")
    fig, ax = plt.subplots(figsize=(9.0, 0.5 * len(names) + 1.6))
    _dots_with_intervals(
        ax, list(names), means, low, high,
        exact=None if exact is None else np.asarray(exact, dtype=float), seeds=seeds,
        interval_label=interval_label, log=bool(log),
    )  # fmt: skip
    style_axes(ax, title=title, xlabel=ylabel, ylabel="", legend=True)
    fig.tight_layout()
    return fig


def plot_trajectories(
    result: Any,
    *,
    n_show: int = 10,
    title: str = "Loss of individual runs and their mean",
    log: bool = True,
) -> Figure:
    """Draw ``n_show`` individual loss trajectories per schedule (thin) and the mean (bold).

    Parameters
    ----------
    result : SimResult or SimResultND
        From :func:`lrsched.simulate_quadratic` (or the N-D version) with the loss
        recorded (``record=True`` or ``"loss"``).
    n_show : int
        How many seeds to draw per schedule, ``>= 0``.
    """
    loss = getattr(result, "loss", None)
    if loss is None:
        raise ValueError("result must hold the loss of every run: simulate with record=True")
    n_show = check_int("n_show", n_show, low=0)
    steps = np.arange(loss.shape[0])
    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    n_names = len(result.names)
    shown = loss[:, : min(n_show, loss.shape[1]), :]
    means = loss.mean(axis=1)
    for k, name in enumerate(result.names):
        for i in range(shown.shape[1]):
            y = _positive(shown[:, i, k]) if log else shown[:, i, k]
            ax.plot(steps, y, color=_color(k), lw=0.6, alpha=0.35)
        y = _positive(means[:, k]) if log else means[:, k]
        ax.plot(steps, y, lw=2.2, label=f"{name} (mean)", **_curve_style(k, n_names, steps.size))
    style_axes(
        ax, title=title, xlabel="update t", ylabel="loss J(θ_t)", log_y=bool(log), legend=True
    )
    if log:
        _set_log_limits(ax, "y", shown, means)
    fig.tight_layout()
    return fig


def plot_comparison_result(cmp: Any, *, log: bool = True, seeds: bool = False) -> Figure:
    """Two panels for a :class:`lrsched.Comparison`: loss over updates, final loss.

    Left: the mean loss over seeds after every update with its confidence band, and
    the exact expected loss (dashed) when the comparison has it. Right: the mean
    final loss per schedule as a dot with its Student-t confidence interval
    (``cmp.ci_low``, ``cmp.ci_high``) as whiskers, the exact value as a diamond and, with
    ``seeds=True``, every seed's final loss as a faint dot. Log axes start where the
    values are positive.
    """
    for attr in ("names", "step_mean", "step_low", "step_high", "mean", "ci_low", "ci_high"):
        if not hasattr(cmp, attr):
            raise TypeError(f"cmp must be a Comparison from lrsched.compare_schedules; no {attr}")
    names = list(cmp.names)
    steps = np.arange(cmp.step_mean.shape[0])
    level = f"{round(100 * getattr(cmp, 'level', 0.95))}%"
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(14, 4.2), gridspec_kw={"width_ratios": [1.4, 1]}
    )
    curves = [cmp.step_mean, cmp.step_low, cmp.step_high]
    span = _log_span(*curves) if log else None
    for k, name in enumerate(names):
        mean, lo, hi = cmp.step_mean[:, k], cmp.step_low[:, k], cmp.step_high[:, k]
        if span is not None:
            mean, lo, hi = _positive(mean), np.maximum(lo, span[0]), _positive(hi)
        left.plot(steps, mean, lw=2, label=name, **_curve_style(k, len(names), steps.size))
        left.fill_between(steps, lo, hi, color=_color(k), alpha=0.2, lw=0)
        if cmp.exact_curve is not None:
            ex = cmp.exact_curve[:, k]
            left.plot(steps, _positive(ex) if log else ex, color="black", lw=0.8, ls="--")
    if cmp.exact_curve is not None:
        left.plot([], [], color="black", lw=0.8, ls="--", label="exact expectation")
    style_axes(
        left,
        title=f"Mean loss over {cmp.n_seeds} seeds, {level} band",
        xlabel="update t",
        ylabel="loss",
        log_y=bool(log),
        legend=True,
    )
    if log:
        _set_log_limits(left, "y", *curves)
    _dots_with_intervals(
        right, names, np.asarray(cmp.mean, dtype=float), np.asarray(cmp.ci_low, dtype=float),
        np.asarray(cmp.ci_high, dtype=float),
        exact=None if cmp.exact is None else np.asarray(cmp.exact, dtype=float),
        seeds=np.asarray(cmp.final_loss, dtype=float) if seeds else None,
        interval_label=f"{level} interval", log=bool(log),
    )  # fmt: skip
    style_axes(right, title="Final loss", xlabel="final loss", ylabel="", legend=True)
    fig.tight_layout()
    return fig


def plot_range_test_result(result: Any, *, title: str = "LR range test") -> Figure:
    """:func:`plot_range_test` for a :class:`lrsched.RangeTestResult`, suggestions marked."""
    for attr in ("lrs", "losses", "smoothed", "suggestions"):
        if not hasattr(result, attr):
            raise TypeError(f"result must be a RangeTestResult from lrsched.range_test; no {attr}")
    return plot_range_test(
        result.lrs,
        result.losses,
        smoothed=result.smoothed,
        suggestions=result.suggestions(),
        title=title,
    )


# ----------------------------------------------------------------------------- showing


def _check_fig(fig: Any) -> Figure:
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    return fig


def _check_alt(alt: Any) -> str:
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a str saying what the figure shows; got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError(f"alt must be a non-empty str saying what the figure shows; got {alt!r}")
    return alt


def _shell() -> Any:
    """The running IPython shell, or ``None`` outside IPython (or without it installed)."""
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:
        return None
    return InteractiveShell.instance() if InteractiveShell.initialized() else None


def figure_output(fig: Figure, *, alt: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The display data and metadata of a figure shown with alt text.

    The PNG is the one the notebook's inline backend would display for ``fig`` (the
    running shell's own formatter; outside IPython, matplotlib's PNG at the figure's dpi
    with ``bbox_inches="tight"``, the inline backend's default), so adding alt text
    changes no pixel. The metadata ``{"image/png": {"alt": alt}}`` is what Jupyter and
    nbconvert's HTML templates put in ``<img alt="...">``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the figure shows: its curves, its axes and the point the reader should see.
        Non-empty.

    Returns
    -------
    data : dict
        ``"image/png"`` (base64 text) and ``"text/plain"`` (``repr(fig)``).
    metadata : dict
        ``{"image/png": {"alt": alt, ...}}``, plus whatever the shell's formatter adds.

    Raises
    ------
    TypeError
        If ``fig`` is not a Figure or ``alt`` not a str.
    ValueError
        If ``alt`` is empty or only white space.
    """
    fig = _check_fig(fig)
    alt = _check_alt(alt)
    data: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    shell = _shell()
    if shell is not None:
        data, metadata = shell.display_formatter.format(fig, include=("image/png", "text/plain"))
        data, metadata = dict(data), dict(metadata or {})
    if "image/png" not in data:
        pylabtools = require("IPython.core.pylabtools", feature="lrsched.plot.figure_output")
        png = pylabtools.print_figure(fig, "png", bbox_inches="tight")
        data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": repr(fig)}
    png_meta = metadata.get("image/png")
    metadata["image/png"] = {**(png_meta if isinstance(png_meta, dict) else {}), "alt": alt}
    return data, metadata


def show(fig: Figure, *, alt: str) -> None:
    """Display ``fig`` in the notebook with its alt text, then close it.

    Use it in place of ``plt.show()``: the image output carries
    ``{"image/png": {"alt": alt}}`` (see :func:`figure_output`), so the notebook, the
    static site and a screen reader describe the figure in the words written beside
    its code. The figure is closed afterwards, so the inline backend does not display it
    a second time (without alt text) at the end of the cell. Outside IPython, where there
    is no page to show an image on, the alt text is printed instead.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the figure shows. Non-empty.

    Raises
    ------
    TypeError
        If ``fig`` is not a Figure or ``alt`` not a str.
    ValueError
        If ``alt`` is empty or only white space.
    """
    fig = _check_fig(fig)
    alt = _check_alt(alt)
    try:
        if _shell() is None:
            print(f"[figure: {alt}]")
            return
        data, metadata = figure_output(fig, alt=alt)
        ipy_display = require("IPython.display", feature="lrsched.plot.show")
        ipy_display.display(data, raw=True, metadata=metadata)
    finally:
        plt.close(fig)
