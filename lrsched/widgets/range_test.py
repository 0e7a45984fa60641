"""The LR range test explorer, on the quadratic (one step per rate) or on the digits model
(:func:`range_test_explorer`, :func:`draw_range_test`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validate import check_choice, check_int
from ..digits import DigitsProblem
from ..plot import COLORS
from ..range_test import (
    RangeTestResult,
    divergence_index,
    one_step_losses,
    range_test,
    useful_range,
)
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    _C,
    _THETA0,
    ExplorerResult,
    Figure,
    _alt,
    _check_bool,
    _finite,
    _finite_prefix,
    _Legend,
    _lin_limits,
    _line_entry,
    _Painter,
    _positive,
    _set_span,
    _style,
    _vspan,
)

__all__ = ["RANGE_PROBLEMS", "draw_range_test", "range_test_explorer"]

#: Problems of :func:`range_test_explorer` (dropdown value -> label).
RANGE_PROBLEMS: dict[str, str] = {
    "quadratic": "quadratic, one step",
    "digits": "digits (softmax regression)",
}
_SMOOTH = 0.98  # fastai's EMA factor, used when smoothing is on
_STOP_FACTOR = 4.0  # fastai's divergence rule for the sequential (digits) range test
# ----------------------------------------------------------------------------- run and draw


@functools.lru_cache(maxsize=1)
def _digits_problem() -> DigitsProblem:
    return DigitsProblem(seed=0)


@functools.lru_cache(maxsize=128)
def _digits_range_test(lr_min: float, lr_max: float, n: int, smoothing: bool) -> RangeTestResult:
    step_fn = _digits_problem().range_test_step_fn(seed=0, batch_size=32)
    return range_test(
        step_fn, lr_min, lr_max, n, smooth=_SMOOTH if smoothing else None, stop_factor=_STOP_FACTOR
    )


def _one_step(lr: float) -> float:
    return one_step_losses(lr, c=_C, theta0=_THETA0)


class _RangePainter(_Painter):
    figsize = (9.0, 3.4)

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        # The legend sits right of the axes, where it covers no data.
        fig.subplots_adjust(left=0.1, right=0.75, bottom=0.16, top=0.86)
        _style(ax, "learning rate (log scale)", "loss", log_x=True)
        (self.raw,) = ax.plot([], [], color=COLORS[0], lw=1)
        (self.smooth,) = ax.plot([], [], color=COLORS[0], lw=2)
        styles = ("--", "-.", (0, (5, 1.5, 1, 1.5, 1, 1.5)))
        self.marks = [
            ax.axvline(1.0, color=COLORS[i + 3], ls=styles[i], lw=1.5) for i in range(3)
        ]
        self.diverged = ax.axvline(1.0, color="black", ls=":", lw=1.8)
        self.span = _vspan(ax, color=COLORS[2], alpha=0.15)
        self.legend = _Legend(ax, 7, loc="outside right")
        ax.set_title("", y=1.0, fontsize=10)

    def paint(
        self,
        lrs: np.ndarray,
        losses: np.ndarray,
        smoothed: np.ndarray | None,
        suggestions: Mapping[str, float],
        band: tuple[float, float] | None,
        diverged: float | None,
        title: str,
        top_hint: float,
        xlim: tuple[float, float],
    ) -> str:
        """Draw the test; return the frame's alt text, written from the same values."""
        ax = self.ax
        self.raw.set_data(lrs, losses)
        self.raw.set_alpha(0.5 if smoothed is not None else 1.0)
        entries = [_line_entry("loss" if smoothed is None else "raw", self.raw)]
        if smoothed is not None:
            self.smooth.set_data(lrs[: smoothed.size], smoothed)
            entries.append(_line_entry("smoothed", self.smooth))
        else:
            self.smooth.set_data([], [])
        self.smooth.set_visible(smoothed is not None)
        if band is not None:
            _set_span(self.span, band[0], band[1])
            entries.append(
                (f"useful {band[0]:.2g}–{band[1]:.2g}", "patch",
                 {"color": COLORS[2], "alpha": 0.15})
            )  # fmt: skip
        self.span.set_visible(band is not None)
        items = list(suggestions.items())
        for i, line in enumerate(self.marks):
            if i < len(items):
                name, lr = items[i]
                line.set_xdata([lr, lr])
                entries.append(_line_entry(f"{name} {lr:.3g}", line))
            line.set_visible(i < len(items))
        if diverged is not None:
            self.diverged.set_xdata([diverged, diverged])
            entries.append(_line_entry(f"diverged {diverged:.3g}", self.diverged))
        self.diverged.set_visible(diverged is not None)
        ax.set_xlim(xlim)
        # Show the loss up to twice its start: past that it only blows up.
        vals = _finite(losses, smoothed)
        top = min(float(vals.max()), top_hint) if vals.size else 1.0
        ax.set_ylim(_lin_limits(vals[vals <= top], [top], zero=True))
        ax.title.set_text(title)
        self.legend.update(entries)
        curves = "the raw loss" if smoothed is None else "the raw and the smoothed loss"
        marks = "; ".join(f"a dashed line marks the {name} rate {lr:.3g}" for name, lr in items)
        shade = "" if band is None else f"; a band shades the useful range {band[0]:.3g}"
        shade += "" if band is None else f" to {band[1]:.3g}, read off the raw loss"
        if diverged is not None:
            shade += f"; a dotted line marks where the raw loss diverges, at {diverged:.3g}"
        return (
            f"Line chart of the loss (vertical axis) against the learning rate (horizontal "
            f"axis, log scale) in an LR range test, {title}: {curves}"
            f"{'; ' + marks if marks else ''}{shade}."
        )


def draw_range_test(
    problem: str = "quadratic",
    *,
    lr_min: float = 1e-4,
    lr_max: float = 10.0,
    n: int = 100,
    smoothing: bool = False,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Run an LR range test and draw the loss against the rate, the suggestions marked.

    * ``"quadratic"``: :func:`lrsched.range_test` ``(step_fn, lr_min, lr_max, n,
      smooth=0.98 or None, stop_factor=None)`` with ``step_fn(lr) =``
      :func:`lrsched.one_step_losses` ``(lr)``, the loss of *one* step from
      :math:`\theta_0 = 0` on :math:`(\theta - 3)^2` (every rate starts afresh, so the raw
      curve is exactly ``one_step_losses(lr_sweep(lr_min, lr_max, n))`` and the test runs to
      the end). The useful range is :func:`lrsched.useful_range` ``(lrs, losses,
      start_loss=9)``: exactly :math:`(0, 1)` with the best rate 1/2; it ends before the
      stability limit 1, where one step no longer lowers the loss.
    * ``"digits"``: :func:`lrsched.range_test` ``(step_fn, lr_min, lr_max, n, smooth=0.98
      or None, stop_factor=4)`` with ``step_fn =``
      :meth:`lrsched.DigitsProblem.range_test_step_fn` ``(seed=0, batch_size=32)`` on
      ``DigitsProblem(seed=0)`` (created once; each result is cached by its settings).

    Divergence is the range test's own rule, :func:`lrsched.range_test.divergence_index`
    ``(raw losses, stop_factor=f)``, read on the **raw** losses: the first rate
    :math:`\eta_d` with :math:`\ell_d > f \min_{j \le d} \ell_j` (``f`` = the stop factor
    above) or a non-finite loss. Without smoothing it is where the test stopped; with
    smoothing the test stops later, because the moving average lags the raw loss. The
    useful range is :func:`lrsched.useful_range` on the raw losses *before* :math:`\eta_d`
    (never on the smoothed curve, whose minimum lags past the divergence), so
    ``high < eta_d`` and ``best <= high``.

    The suggestions are :meth:`lrsched.RangeTestResult.suggestions` ``()`` (fastai's rules
    on the smoothed, trimmed curve: they may lie past :math:`\eta_d`, as the chapter
    shows). If ``lr_min >= lr_max`` the two are swapped (equal: ``lr_max = 10 * lr_min``).

    Parameters
    ----------
    problem : str
        A key of :data:`RANGE_PROBLEMS`.
    lr_min, lr_max : float
        Ends of the geometric sweep, ``> 0``.
    n : int
        Number of rates (steps), in ``[10, 1000]``.
    smoothing : bool
        fastai's debiased EMA (:math:`\beta = 0.98`) on or off.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"suggestions": {name: lr}, "useful_range": (low, best, high) or
        None, "divergence": the rate eta_d or None, "stopped_early", "stop_reason",
        "n_recorded"}``; ``raw``: the :class:`~lrsched.RangeTestResult`.
    """
    requested = {
        "problem": problem,
        "lr_min": lr_min,
        "lr_max": lr_max,
        "n": n,
        "smoothing": smoothing,
    }
    problem = check_choice("problem", problem, tuple(RANGE_PROBLEMS))
    lr_min = _positive("lr_min", lr_min)
    lr_max = _positive("lr_max", lr_max)
    n = check_int("n", n, low=10, high=1000)
    smoothing = _check_bool("smoothing", smoothing)
    painter = _RangePainter.get(figure)
    notes: list[str] = []
    if lr_min > lr_max:
        notes.append(f"lr_min = {lr_min:g} > lr_max = {lr_max:g}: swapped")
        lr_min, lr_max = lr_max, lr_min
    elif lr_min == lr_max:
        notes.append(f"lr_min = lr_max = {lr_min:g}: using lr_max = {10 * lr_min:g}")
        lr_max = 10 * lr_min
    if problem == "quadratic":
        rt = range_test(
            _one_step, lr_min, lr_max, n, smooth=_SMOOTH if smoothing else None, stop_factor=None
        )
        start = (_THETA0 - _C) ** 2
    else:
        rt = _digits_range_test(lr_min, lr_max, n, smoothing)
        start = None
    if rt.stopped_early:
        notes.append(f"stopped early: {rt.stop_reason}")
    try:
        suggestions = rt.suggestions()
    except ValueError as exc:
        suggestions = {}
        notes.append(f"no suggestions: {exc}")
    lrs, losses = _finite_prefix_pair(rt.lrs, rt.losses)
    smoothed = _finite_prefix(rt.smoothed[: lrs.size]) if smoothing else None
    factor = None if problem == "quadratic" else _STOP_FACTOR
    # The range test's stop rule read on the raw losses (the smoothed curve lags).
    d = divergence_index(rt.losses, stop_factor=factor)
    diverged = None if d is None else float(rt.lrs[d])
    # The band is read off the raw losses before the divergence: the smoothed curve lags.
    cut = lrs.size if d is None else min(d, lrs.size)
    band = None
    if cut >= 2:
        try:
            band = useful_range(lrs[:cut], losses[:cut], start_loss=start)
        except ValueError as exc:
            notes.append(f"no useful range: {exc}")
    else:
        notes.append("too few losses before the divergence for a useful range")
    top = 2.0 * (start if start is not None else float(losses[0]) if losses.size else 1.0)
    label = RANGE_PROBLEMS[problem]
    title = f"LR range test, {label}: {rt.lrs.size} of {n} rates, {lr_min:.3g} to {lr_max:.3g}"
    short_title = f"{problem}: {rt.lrs.size}/{n} rates, {lr_min:.2g} to {lr_max:.2g}"
    pad = (lr_max / lr_min) ** 0.03
    alt = painter.paint(
        lrs,
        losses,
        smoothed,
        suggestions,
        None if band is None else (band.low, band.high),
        diverged,
        short_title,
        top,
        (lr_min / pad, lr_max * pad),
    )
    alt = _alt(alt, notes)
    painter.set_notes(notes)
    rows: list[tuple[Any, ...]] = [(name, lr) for name, lr in suggestions.items()]
    if band is not None:
        rows += [
            ("useful range: low", band.low),
            ("useful range: best", band.best),
            ("useful range: high", band.high),
        ]
    rows.append(("divergence (raw loss)", diverged))
    curves = {"lrs": lrs, "losses": losses}
    if smoothed is not None:
        curves["smoothed"] = smoothed
    return ExplorerResult(
        kind="range_test",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params={
            "problem": problem,
            "lr_min": lr_min,
            "lr_max": lr_max,
            "n": n,
            "smooth": _SMOOTH if smoothing else None,
            "stop_factor": None if problem == "quadratic" else _STOP_FACTOR,
        },
        numbers={
            "suggestions": dict(suggestions),
            "useful_range": None if band is None else tuple(band),
            "divergence": diverged,
            "stopped_early": rt.stopped_early,
            "stop_reason": rt.stop_reason,
            "n_recorded": int(rt.lrs.size),
        },
        columns=("rule", "learning rate"),
        table=tuple(rows),
        notes=tuple(notes),
        curves=curves,
        raw=rt,
        alt=alt,
    )


def _finite_prefix_pair(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = _finite_prefix(y)
    return x[: y.size], y


# ----------------------------------------------------------------------------- the explorer

_RANGE_SPECS: dict[str, _Spec] = {
    "problem": _Spec("choice", options=_options(RANGE_PROBLEMS), description="problem"),
    "lr_min": _Spec("log", 1e-7, 1e-1, tooltip="first rate of the sweep"),
    "lr_max": _Spec("log", 1e-2, 1e2, tooltip="last rate of the sweep"),
    "n": _Spec("int", 10, 150, 10, description="steps", tooltip="number of rates"),
    "smoothing": _Spec("bool", description="smoothing", tooltip="fastai's EMA, β = 0.98"),
}


def range_test_explorer(
    problem: str = "quadratic",
    *,
    lr_min: float = 1e-4,
    lr_max: float = 10.0,
    n: int = 100,
    smoothing: bool = False,
    preload: bool = False,
    show: bool | None = None,
) -> W.interactive:
    """LR range test on the quadratic (one step per rate) or on the digits model.

    Each change calls :func:`draw_range_test`. The digits data set and model are loaded
    the first time the digits problem is chosen (about a second), and each digits test is
    cached by its settings. Smoothing starts off: the quadratic's one-step losses are exact,
    and an EMA only drags that curve to the right; turn it on for the noisy digits losses.

    Parameters
    ----------
    problem, lr_min, lr_max, n, smoothing
        Initial values of the controls (see :func:`draw_range_test`); ``lr_min`` in
        [1e-7, 0.1], ``lr_max`` in [0.01, 100], ``n`` in [10, 150].
    preload : bool
        Load the digits problem now rather than on first use.
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "problem": problem,
        "lr_min": lr_min,
        "lr_max": lr_max,
        "n": n,
        "smoothing": smoothing,
    }
    if _check_bool("preload", preload):
        _digits_problem()
    return _explorer(draw_range_test, _RANGE_SPECS, values, continuous=False, show=show)
