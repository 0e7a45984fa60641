"""A slider over an explicit list of values (the explorers of chapters 1, 8 and 10).

The ``"log"`` control of :mod:`lrsched.widgets._controls` offers 1-2-3-5 values per
decade; a rate near a stability limit needs finer steps there (0.9, 0.95, 1, 1.05 ...).
:class:`_GridSpec` is the same control on a given grid: a
:class:`~ipywidgets.SelectionSlider` whose readout is each value written with ``:g``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._controls import W, _Spec


@dataclass(frozen=True)
class _GridSpec(_Spec):
    """A selection slider over ``grid`` (sorted, within ``[low, high]``)."""

    grid: tuple[float, ...] = ()

    def widget(self, name: str, value: Any, continuous: bool) -> W.ValueWidget:
        values = sorted(set(self.grid) | {value})
        return W.SelectionSlider(
            options=[(f"{v:g}", v) for v in values],
            value=value,
            continuous_update=continuous,
            description=self.description or name,
            tooltip=self.tooltip,
            style={"description_width": "82px"},
            layout=W.Layout(width="300px"),
        )


def _grid_spec(grid: tuple[float, ...], **kw: Any) -> _GridSpec:
    """A :class:`_GridSpec` whose range is the grid's (initial values are checked in it)."""
    return _GridSpec("log", min(grid), max(grid), grid=tuple(sorted(grid)), **kw)
