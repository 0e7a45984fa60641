"""The widget plumbing shared by the explorers.

A control is described by a :class:`_Spec` (kind, range, label); :func:`_explorer` turns
the specs into ipywidgets controls and an :class:`ipywidgets.interactive` whose callback
draws into one figure and, inside a kernel, displays the frame (PNG with its alt text) and
prints the table. :func:`controls`, :func:`set_controls` and :func:`random_settings` drive
an explorer from code, as a test or a benchmark does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._extras import require

require("matplotlib", feature="lrsched.widgets")
W = require("ipywidgets", feature="lrsched.widgets")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .._validate import check_choice, check_int, check_real  # noqa: E402
from ._drawing import ExplorerResult, _check_bool  # noqa: E402

__all__ = ["controls", "set_controls", "random_settings"]


@dataclass(frozen=True)
class _Spec:
    """One control: its widget kind, range and description."""

    kind: str  # "int", "float", "log" (1-2-3-5 values per decade), "choice", "bool"
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    options: tuple[tuple[str, str], ...] = ()
    description: str = ""
    tooltip: str = ""
    fmt: str | None = None

    def check(self, name: str, value: Any) -> Any:
        """Validate a builder's initial value against the control's range."""
        if self.kind == "int":
            return check_int(name, value, low=int(self.low), high=int(self.high))
        if self.kind in ("float", "log"):
            return check_real(name, value, low=self.low, high=self.high)
        if self.kind == "choice":
            return check_choice(name, value, tuple(v for _, v in self.options))
        return _check_bool(name, value)

    def widget(self, name: str, value: Any, continuous: bool) -> W.ValueWidget:
        common = {
            "description": self.description or name,
            "tooltip": self.tooltip,
            "style": {"description_width": "82px"},
            "layout": W.Layout(width="300px"),
        }
        if self.kind == "int":
            return W.IntSlider(
                value=value,
                min=int(self.low),
                max=int(self.high),
                step=int(self.step),
                continuous_update=continuous,
                **common,
            )
        if self.kind == "float":
            return W.FloatSlider(
                value=value,
                min=self.low,
                max=self.high,
                step=self.step,
                readout_format=self.fmt or ".3g",
                continuous_update=continuous,
                **common,
            )
        if self.kind == "log":
            # Rates on a 1-2-3-5 grid: round numbers a learner can quote (and the builder's
            # value exactly; a FloatLogSlider would snap 3e-4 to 10**-3.5 in the browser).
            values = sorted(set(_nice_grid(self.low, self.high)) | {value})
            return W.SelectionSlider(
                options=[(f"{v:g}", v) for v in values],
                value=value,
                continuous_update=continuous,
                **common,
            )
        if self.kind == "choice":
            return W.Dropdown(options=[(lab, v) for lab, v in self.options], value=value, **common)
        return W.Checkbox(value=value, indent=False, **common)


def _nice_grid(low: float, high: float) -> list[float]:
    """1, 2, 3, 5 times the powers of ten, from ``low`` to ``high``."""
    out = []
    for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 3, 5):
            v = float(f"{m}e{e}")
            if low * (1 - 1e-12) <= v <= high * (1 + 1e-12):
                out.append(v)
    return out


def _options(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, key) for key, label in mapping.items())


def _explorer(
    draw: Callable[..., ExplorerResult],
    specs: Mapping[str, _Spec],
    values: Mapping[str, Any],
    *,
    fixed: Mapping[str, Any] | None = None,
    continuous: bool = True,
    show: bool | None = None,
    visible: tuple[str, Mapping[str, tuple[str, ...]], tuple[str, ...]] | None = None,
) -> W.interactive:
    """Build the interactive: validated widgets, a callback drawing into one figure."""
    checked = {name: spec.check(name, values[name]) for name, spec in specs.items()}
    if show is not None:
        show = _check_bool("show", show)
    render = _in_kernel() if show is None else show
    widgets = {name: spec.widget(name, checked[name], continuous) for name, spec in specs.items()}
    state: dict[str, Figure | None] = {"figure": None}
    extra = dict(fixed or {})

    def callback(**kwargs: Any) -> ExplorerResult:
        result = draw(**kwargs, **extra, figure=state["figure"])
        state["figure"] = result.figure
        if render:
            _display(result)
        return result

    # Nothing to clear when nothing is displayed (tests, scripts).
    w = W.interactive(callback, clear_output=render, **widgets)
    w.layout = W.Layout(display="flex", flex_flow="row wrap", align_items="center")
    w.out.layout = W.Layout(width="100%")
    if visible is not None:
        _hide_unused(widgets, *visible)
    return w


def _hide_unused(
    widgets: Mapping[str, W.ValueWidget],
    selector: str,
    uses: Mapping[str, tuple[str, ...]],
    always: tuple[str, ...],
) -> None:
    """Show only the controls the selected family reads."""
    optional = {name for names in uses.values() for name in names}

    def refresh(_change: Any = None) -> None:
        used = set(uses[widgets[selector].value]) | set(always) | {selector}
        for name in optional:
            widgets[name].layout.display = None if name in used else "none"

    widgets[selector].observe(refresh, names="value")
    refresh()


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def _display(result: ExplorerResult) -> None:
    """Show the frame (PNG and alt text, one display_data output) and print the table."""
    from IPython.display import display

    data, metadata = result._repr_mimebundle_()
    display(data, metadata=metadata, raw=True)
    print(result.text)


def controls(w: W.interactive) -> dict[str, W.ValueWidget]:
    """Return the explorer's controls by parameter name (``{"lr0": FloatLogSlider, ...}``).

    Parameters
    ----------
    w : ipywidgets.interactive
        An explorer.
    """
    if not isinstance(w, W.interactive):
        raise TypeError(f"w must be an explorer (ipywidgets.interactive); got {type(w).__name__}")
    return {widget._kwarg: widget for widget in w.kwargs_widgets}


def set_controls(w: W.interactive, **values: Any) -> ExplorerResult:
    """Set several controls of an explorer at once, then run its callback once.

    Setting ``widget.value`` one at a time runs the callback after every change; this sets
    them all first. The values go through the widgets: a numeric slider clips a value
    outside its range (as a learner's slider would); a dropdown or a selection slider
    refuses a value it does not list (:class:`traitlets.TraitError`).

    Parameters
    ----------
    w : ipywidgets.interactive
        An explorer.
    **values
        Control name -> new value (see :func:`controls`).

    Returns
    -------
    ExplorerResult
        ``w.result`` after the update.
    """
    ctl = controls(w)
    unknown = sorted(set(values) - set(ctl))
    if unknown:
        raise ValueError(f"unknown control(s) {unknown}; this explorer has {sorted(ctl)}")
    for widget in ctl.values():
        widget.unobserve(w.update, names="value")
    try:
        for name, value in values.items():
            ctl[name].value = value
    finally:
        for widget in ctl.values():
            widget.observe(w.update, names="value")
    w.update()
    return w.result


def _random_value(widget: W.ValueWidget, rng: np.random.Generator) -> Any:
    if isinstance(widget, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
        values = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        return values[int(rng.integers(len(values)))]
    if isinstance(widget, W.Checkbox):
        return bool(rng.random() < 0.5)
    edge = rng.random()
    if isinstance(widget, W.SelectionSlider):
        values = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        i = 0 if edge < 0.1 else len(values) - 1 if edge < 0.2 else int(rng.integers(len(values)))
        return values[i]
    if isinstance(widget, W.FloatLogSlider):
        lo, hi = widget.min, widget.max
        x = lo if edge < 0.1 else hi if edge < 0.2 else rng.uniform(lo, hi)
        return float(widget.base**x)
    if isinstance(widget, W.IntSlider):
        if edge < 0.2:
            return widget.min if edge < 0.1 else widget.max
        steps = (widget.max - widget.min) // widget.step
        return int(widget.min + widget.step * rng.integers(steps + 1))
    if isinstance(widget, W.FloatSlider):
        lo, hi = widget.min, widget.max
        return lo if edge < 0.1 else hi if edge < 0.2 else float(rng.uniform(lo, hi))
    raise TypeError(f"no random value for a {type(widget).__name__} control")


def random_settings(w: W.interactive, rng: np.random.Generator, **fixed: Any) -> dict[str, Any]:
    """Draw a setting of every control of an explorer, one a learner could reach.

    Sliders are at their minimum with probability 0.1, at their maximum with probability
    0.1 and uniform on their grid otherwise (so the heaviest settings come up often); a
    dropdown's option or a checkbox is uniform. Used to test and time the explorers over
    their whole range: ``set_controls(w, **random_settings(w, rng))``.

    Parameters
    ----------
    w : ipywidgets.interactive
        An explorer.
    rng : numpy.random.Generator
        The source of randomness (``numpy.random.default_rng(seed)``).
    **fixed
        Controls to keep at the given value (``problem="digits"``).

    Returns
    -------
    dict
        Control name -> value, for every control of ``w``.
    """
    ctl = controls(w)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (numpy.random.default_rng(seed)); "
            f"got {type(rng).__name__}"
        )
    unknown = sorted(set(fixed) - set(ctl))
    if unknown:
        raise ValueError(f"unknown control(s) {unknown}; this explorer has {sorted(ctl)}")
    return {
        name: fixed[name] if name in fixed else _random_value(widget, rng)
        for name, widget in ctl.items()
    }
