"""The layout of the explorers that draw a loss over a learning rate (noisy SGD, cycles).

The loss sits in a log-scale panel on top; the rate :math:`\alpha_t` has a short panel of
its own below, on the same update axis and a linear scale from 0, so no rate is ever
drawn on a loss axis. Each panel's legend sits to its right, where it covers no data.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib import ticker

from ._drawing import Figure, _finite, _style

#: The highest top of a loss axis. matplotlib's log locator places a tick up to a quarter
#: of the decades shown beyond each end; with the bottom at 1e-300 or above, a top at or
#: below 1e180 keeps that tick a finite float64. Only an exact expectation that diverges
#: for a rate well past the sliders' range runs above it (off the top of the panel).
_LOSS_TOP = 1e180
_LOSS_BOTTOM = 1e-300


def _loss_limits(*arrays: Any, zeros_below: float = 1e6) -> tuple[float, float]:
    """Log-axis limits of a loss panel, taken in decades so that they stay finite.

    The finite positive values span ``[lo, hi]``; values that reach 0 (an exact optimum)
    also show ``zeros_below`` times below ``hi``, where they fall off; the margin is 5 %
    of the decades shown on each side (a factor 1.5 when all values coincide). The
    limits are then kept inside ``[1e-300, 1e180]`` (:data:`_LOSS_TOP`), at least a
    decade apart: a run that diverges and then falls to 1e-300 spans more than the
    float64 range, so a ratio of the ends would overflow.
    """
    finite = _finite(*arrays)
    v = finite[finite > 0]
    if v.size == 0:
        return (1e-3, 1.0)
    lo, hi = math.log10(float(v.min())), math.log10(float(v.max()))
    if v.size < finite.size:
        lo = min(lo, hi - math.log10(zeros_below))
    floor, ceiling = math.log10(_LOSS_BOTTOM), math.log10(_LOSS_TOP)
    lo, hi = max(lo, floor), min(hi, ceiling)
    if hi - lo <= math.log10(1.05):
        lo, hi = lo - math.log10(1.5), hi + math.log10(1.5)
    pad = 0.05 * (hi - lo)
    top = min(hi + pad, ceiling)
    bottom = min(max(lo - pad, floor), top - 1.0)
    return (10.0**bottom, 10.0**top)


#: Panel layout shared by the explorers that draw a loss over a rate (noisy SGD, cycles):
#: the loss on top, α_t in a short panel below on the same update axis, the legends to
#: the right of the panels (fractions of the figure).
_PANELS = {"left": 0.1, "right": 0.82, "bottom": 0.12, "top": 0.875, "hspace": 0.12}
_PANEL_HEIGHTS = (3.0, 1.0)


class _InsideTicks(ticker.Locator):
    """The ticks of ``base`` that lie inside the axis' view.

    A locator may return a tick beyond each end; matplotlib keeps a label for it that it
    never draws, and with panels stacked that label would sit over the next panel.
    """

    def __init__(self, base: ticker.Locator) -> None:
        self.base = base

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.base.set_axis(axis)

    def __call__(self) -> Any:
        lo, hi = sorted(self.axis.get_view_interval())
        ticks = np.asarray(self.base(), dtype=float)
        return ticks[(ticks >= lo) & (ticks <= hi)]


def _loss_and_rate_axes(fig: Figure, loss_label: str) -> tuple[Any, Any]:
    """A loss panel (log scale) over a rate panel sharing its update axis."""
    ax, ax_lr = fig.subplots(2, 1, sharex=True, height_ratios=_PANEL_HEIGHTS)
    fig.subplots_adjust(**_PANELS)
    _style(ax, "", loss_label, log_y=True)
    _style(ax_lr, "update t", "rate α_t")
    ax.tick_params(labelbottom=False)
    ax_lr.yaxis.get_major_locator().set_params(nbins=3)
    for axis in (ax.yaxis, ax_lr.xaxis, ax_lr.yaxis):  # the update axis is shared
        axis.set_major_locator(_InsideTicks(axis.get_major_locator()))
    ax.set_title("", y=1.0, fontsize=10)
    return ax, ax_lr
