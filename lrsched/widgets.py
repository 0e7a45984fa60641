r"""Interactive explorers for the course notebooks (ipywidgets + matplotlib).

Five explorers, each a function that returns an :class:`ipywidgets.interactive`
(controls first, the :class:`~ipywidgets.Output` last)::

    >>> from lrsched import widgets  # doctest: +SKIP
    >>> widgets.schedule_explorer()  # doctest: +SKIP

* :func:`schedule_explorer` -- design your own schedule (ten families, linear and log axes,
  a table of :math:`\alpha_t`);
* :func:`warmup_explorer` -- warm-up length x decay style x warm-up convention;
* :func:`noisy_sgd_explorer` -- noisy SGD on the quadratic, Monte Carlo against the exact
  expected loss;
* :func:`range_test_explorer` -- the LR range test on the quadratic or on the digits model;
* :func:`cycle_explorer` -- SGDR and cyclical rates, and what a restart does to the loss.

Every explorer's callback calls a pure *compute-and-draw* function (:func:`draw_schedule`,
:func:`draw_warmup`, :func:`draw_noisy_sgd`, :func:`draw_range_test`, :func:`draw_cycle`)
and **returns** its :class:`ExplorerResult`: the figure, the numbers shown, the table rows
and the notes about clamped settings. A notebook can call the same function in an ordinary,
output-checked cell; a test can drive the widget (``w.children[i].value = ...``, or
:func:`set_controls`) and read ``w.result``. No formula is typed here: the schedules come
from the lrsched schedule classes, the losses from :func:`lrsched.simulate_quadratic`,
:func:`lrsched.expected_loss` and :func:`lrsched.noise_floor`, the range test from
:mod:`lrsched.range_test`.

Settings that cannot work together (a warm-up as long as the run, a floor above the peak,
...) never raise from a slider: they are clamped, and the figure and the result's
``notes`` say so. Bad arguments given *programmatically* to the builders and draw functions
raise :class:`TypeError` or :class:`ValueError` naming the parameter.

Speed: each explorer draws into one :class:`matplotlib.figure.Figure` (not managed by
pyplot, so nothing leaks) whose artists are updated in place, with a fixed layout, few
plain tick labels, short texts and a light legend; its canvas renders text unhinted and
writes RGB PNGs at zlib level 1. A slider move costs the computation plus one PNG render
(see ``benchmarks/bench_widgets.py``). Inside a Jupyter kernel the callback renders the
figure to PNG, displays it in the output area and prints the numbers; outside a kernel
(tests, scripts) it only updates the figure.

Notebook cells that display an explorer must be tagged ``nbval-ignore-output``: under nbval
the callback's image and printed text arrive as ordinary outputs of the cell. Show the
numbers to check in a separate cell that calls the draw function::

    # cell tagged nbval-ignore-output: the explorer (the call must be the cell's last line)
    from lrsched import widgets
    widgets.schedule_explorer("warmup_cosine", t_warm=10)

    # checked cell: the same numbers, no widget
    print(widgets.draw_schedule("warmup_cosine", t_warm=10).text)
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, ScaledTranslation

from ._validate import check_choice, check_int, check_real
from .base import Schedule
from .cosine import SGDR, Cosine
from .cyclic import Cyclic, OneCycle
from .decay import Constant, Exponential, Polynomial, StepDecay
from .digits import DigitsProblem
from .noisy_sgd import simulate_quadratic, stability_limit
from .plot import COLORS, _fmt_tick, _plain_log_ticks
from .range_test import RangeTestResult, one_step_losses, range_test, useful_range
from .theory import expected_loss, noise_floor, optimal_schedule
from .warmup import RAMPS, WSD, InverseSqrt, Warmup, warmup_cosine

__all__ = [
    "ExplorerResult",
    "BuiltSchedule",
    "SCHEDULE_FAMILIES",
    "SCHEDULE_PARAMS",
    "WARMUP_DECAYS",
    "NOISY_FAMILIES",
    "RANGE_PROBLEMS",
    "CYCLE_FAMILIES",
    "CYCLE_PARAMS",
    "TABLE_STEPS",
    "build_schedule",
    "build_warmup_schedule",
    "build_noisy_schedule",
    "build_cycle_schedule",
    "draw_schedule",
    "draw_warmup",
    "draw_noisy_sgd",
    "draw_range_test",
    "draw_cycle",
    "schedule_explorer",
    "warmup_explorer",
    "noisy_sgd_explorer",
    "range_test_explorer",
    "cycle_explorer",
    "controls",
    "set_controls",
    "random_settings",
]

# ----------------------------------------------------------------------------- constants

#: Families of :func:`schedule_explorer` (dropdown value -> label).
SCHEDULE_FAMILIES: dict[str, str] = {
    "constant": "constant",
    "step": "step decay",
    "exponential": "exponential",
    "cosine": "cosine",
    "warmup_cosine": "warm-up + cosine",
    "cyclic": "cyclic (triangular)",
    "sgdr": "SGDR (warm restarts)",
    "one_cycle": "one-cycle",
    "inverse_sqrt": "inverse sqrt",
    "wsd": "WSD (warm-up, stable, decay)",
}

#: The sliders each family of :func:`schedule_explorer` reads, besides ``T`` (the horizon
#: drawn, and the schedule's own horizon where it has one).
SCHEDULE_PARAMS: dict[str, tuple[str, ...]] = {
    "constant": ("lr0",),
    "step": ("lr0", "step_size", "gamma"),
    "exponential": ("lr0", "lam"),
    "cosine": ("lr0", "lr_min"),
    "warmup_cosine": ("lr0", "lr_min", "t_warm"),
    "cyclic": ("lr0", "lr_min", "half"),
    "sgdr": ("lr0", "lr_min", "T_0", "T_mult"),
    "one_cycle": ("lr0", "t_warm"),
    "inverse_sqrt": ("lr0", "t_warm"),
    "wsd": ("lr0", "lr_min", "t_warm", "t_decay", "cooldown"),
}

#: Decay styles of :func:`warmup_explorer` (dropdown value -> label).
WARMUP_DECAYS: dict[str, str] = {
    "cosine": "cosine",
    "linear": "linear",
    "exponential": "exponential",
    "constant": "constant",
    "wsd": "1-sqrt cooldown (WSD)",
}

#: Schedule families of :func:`noisy_sgd_explorer` (dropdown value -> label).
NOISY_FAMILIES: dict[str, str] = {
    "fixed": "fixed α = lr0",
    "cosine": "cosine (to 1e-4)",
    "step": "step decay (×0.5 every T/4)",
    "warmup_cosine": "warm-up (T/10) + cosine",
    "optimal": "optimal 1/t (ignores lr0)",
}

#: Problems of :func:`range_test_explorer` (dropdown value -> label).
RANGE_PROBLEMS: dict[str, str] = {
    "quadratic": "quadratic, one step",
    "digits": "digits (softmax regression)",
}

#: Families of :func:`cycle_explorer` (dropdown value -> label).
CYCLE_FAMILIES: dict[str, str] = {
    "sgdr": "SGDR (cosine, warm restarts)",
    "cyclic": "cyclic (CLR)",
}

#: The controls each family of :func:`cycle_explorer` reads, besides ``T``.
CYCLE_PARAMS: dict[str, tuple[str, ...]] = {
    "sgdr": ("lr_max", "lr_min", "T_0", "T_mult", "decay"),
    "cyclic": ("lr_max", "lr_min", "step_size_up", "step_size_down", "mode", "gamma"),
}

#: Steps listed in the table of :func:`draw_schedule` (plus ``T - 1``), as in the course's
#: "try it" cell.
TABLE_STEPS: tuple[int, ...] = (0, 10, 25, 50, 75)

_CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
_COOLDOWNS = ("linear", "cosine", "1-sqrt")
_DPI = 80
_FIGSIZE = (9.0, 3.2)
_C, _THETA0, _CURVATURE = 3.0, 0.0, 2.0  # the course's quadratic (θ - 3)², start at 0
_SMOOTH = 0.98  # fastai's EMA factor, used when smoothing is on
_STOP_FACTOR = 4.0  # fastai's divergence rule for the sequential (digits) range test
_TINY, _HUGE = 1e-300, 1e300


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class ExplorerResult:
    """What an explorer's callback (or a ``draw_*`` function) computed and drew.

    Attributes
    ----------
    kind : str
        ``"schedule"``, ``"warmup"``, ``"noisy_sgd"``, ``"range_test"`` or ``"cycle"``.
    figure : matplotlib.figure.Figure
        The figure drawn. An explorer reuses one figure for every update, so this is the
        state of its *latest* update.
    title : str
        One-line description of what is shown.
    requested : dict
        The arguments as given (the widget values, plus the builder's fixed settings).
    params : dict
        The parameters actually used, after clamping impossible combinations.
    numbers : dict
        The numbers reported (``None`` where a number does not exist, e.g. the noise floor
        of an unstable rate).
    columns : tuple of str
        Header of :attr:`table`.
    table : tuple of tuple
        The rows printed below the figure.
    notes : tuple of str
        Why a setting was clamped, or why a number is missing.
    curves : dict of str -> numpy.ndarray
        The plotted data (all finite).
    schedule : Schedule, numpy.ndarray or None
        The learning-rate schedule used (an array for lrsched's optimal 1/t schedule).
    raw : object
        The underlying lrsched result, if any (:class:`~lrsched.SimResult` or
        :class:`~lrsched.RangeTestResult`).
    legend : tuple of str
        The labels of the figure's legend, in order.
    """

    kind: str
    figure: Figure
    title: str
    requested: dict[str, Any]
    params: dict[str, Any]
    numbers: dict[str, Any]
    columns: tuple[str, ...]
    table: tuple[tuple[Any, ...], ...]
    notes: tuple[str, ...] = ()
    curves: dict[str, np.ndarray] = field(default_factory=dict)
    schedule: Any = None
    raw: Any = None
    legend: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The title, the notes and the table, as printed under the figure."""
        lines = [self.title]
        lines += [f"note: {n}" for n in self.notes]
        cells = [tuple(_cell(v) for v in row) for row in self.table]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        if self.columns:
            lines.append("  ".join(c.rjust(w) for c, w in zip(self.columns, widths, strict=True)))
            lines += [
                "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells
            ]
        return "\n".join(lines)

    def png(self, dpi: float | None = None) -> bytes:
        """Render :attr:`figure` to PNG bytes (what the explorer displays)."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi if dpi is not None else self.figure.dpi)
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        return f"<ExplorerResult {self.kind}: {self.title}>"


def _cell(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    return str(v)


# ----------------------------------------------------------------------------- drawing


@contextlib.contextmanager
def _unhinted_text() -> Any:
    """Render text without font hinting: a quarter of the redraw time, the same look at 80 dpi."""
    old = mpl.rcParams["text.hinting"]
    mpl.rcParams["text.hinting"] = "no_hinting"
    try:
        yield
    finally:
        mpl.rcParams["text.hinting"] = old


class _TextCacheRenderer(RendererAgg):
    """RendererAgg that rasterises each plain text string once and reuses the bitmap.

    matplotlib 3.11 draws text glyph by glyph, which makes the explorers' few dozen
    labels the largest part of a redraw; most of them (tick labels, axis labels, legend
    entries) are the same from one update to the next. A string is rasterised as a whole
    with FreeType (the way matplotlib up to 3.10 did it) and its bitmap is cached under
    (string, font, size, angle, hinting, antialiasing); mathtext, rotated text other than
    0/90 degrees and text with font features or a language go to matplotlib's own path.
    """

    _CACHE_SIZE = 512

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._text_cache: dict[tuple[Any, ...], tuple[np.ndarray, float, float, float]] = {}

    def draw_text(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
        ismath: Any = False, mtext: Any = None,
    ) -> None:  # fmt: skip
        if (
            ismath
            or angle not in (0, 90)
            or (mtext is not None and (mtext.get_fontfeatures() or mtext.get_language()))
        ):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        flags = get_hinting_flag()
        antialiased = bool(gc.get_antialiased())
        font_key = (
            tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file(),
        )  # fmt: skip
        key = (s, font_key, self.dpi, angle, flags, antialiased)
        entry = self._text_cache.get(key)
        if entry is None:
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=flags)
            font.draw_glyphs_to_bitmap(antialiased=antialiased)
            xo, yo = font.get_bitmap_offset()
            entry = (np.array(font.get_image()), xo / 64.0, yo / 64.0, font.get_descent() / 64.0)
            if len(self._text_cache) >= self._CACHE_SIZE:
                self._text_cache.clear()
            self._text_cache[key] = entry
        image, xo, yo, descent = entry
        xd = descent * math.sin(math.radians(angle))
        yd = descent * math.cos(math.radians(angle))
        self._renderer.draw_text_image(image, round(x + xo + xd), round(y + yo + yd) + 1, angle, gc)
        return None


class _Canvas(FigureCanvasAgg):
    """The Agg canvas of the explorers' figures, tuned for redraw speed.

    Every route to a PNG (``fig.savefig``, the inline backend's ``print_figure``,
    :meth:`ExplorerResult.png`) goes through :meth:`print_png`. It draws text unhinted and
    writes an RGB PNG (an opaque figure needs no alpha channel) with zlib level 1: about
    half the encoding time of matplotlib's RGBA, level-6 PNG, for a file of the same size.
    The canvas stays attached to the figure, so its renderer, a
    :class:`_TextCacheRenderer` holding the bitmaps of the labels, is reused between
    updates.
    """

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if getattr(self, "_lastKey", None) != key or not isinstance(
            getattr(self, "renderer", None), _TextCacheRenderer
        ):
            self.renderer = _TextCacheRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def draw(self) -> None:
        with _unhinted_text():
            super().draw()

    def print_png(
        self, filename_or_obj: Any, *, metadata: Any = None, pil_kwargs: Any = None, **_: Any
    ) -> None:
        # print_figure passes dpi, facecolor, ... to third-party canvases; it has already
        # applied them to the figure (FigureCanvasAgg.print_png ignores them too).
        from PIL import Image, PngImagePlugin

        self.draw()
        width, height = self.get_width_height(physical=True)
        img = Image.frombuffer("RGBA", (width, height), self.buffer_rgba(), "raw", "RGBA", 0, 1)
        if np.asarray(self.buffer_rgba())[..., 3].min() == 255:
            img = img.convert("RGB")
        info = PngImagePlugin.PngInfo()
        software = f"Matplotlib version{mpl.__version__}, https://matplotlib.org/"
        for key, value in {"Software": software, **(metadata or {})}.items():
            if value is not None:
                info.add_text(key, str(value))
        dpi = round(self.figure.dpi)
        kwargs = {"compress_level": 1, "pnginfo": info, "dpi": (dpi, dpi), **(pil_kwargs or {})}
        img.save(filename_or_obj, format="png", **kwargs)


def _new_figure(figsize: tuple[float, float]) -> Figure:
    fig = Figure(figsize=figsize, dpi=_DPI)
    _Canvas(fig)
    return fig


class _Legend:
    """A light legend with matplotlib's look: frame, handles, labels.

    :class:`matplotlib.legend.Legend` lays out its offset boxes again on every draw,
    which costs more than the rest of a small figure's text; this one places its
    handles and labels once per update, at offsets in points from an axes corner.

    ``update`` takes ``(label, kind, style)`` entries: ``kind`` ``"line"`` (a
    :class:`~matplotlib.lines.Line2D` style: color, ls, lw, marker, alpha) or
    ``"patch"`` (a filled rectangle: color, alpha).
    """

    def __init__(self, ax: Any, n: int, *, loc: str = "upper right", fontsize: float = 7) -> None:
        self.ax, self.loc, self.fontsize = ax, loc, fontsize
        fig = ax.figure
        corner = {
            "upper right": (1.0, 1.0),
            "upper left": (0.0, 1.0),
            "lower left": (0.0, 0.0),
            "lower right": (1.0, 0.0),
        }[loc]
        self.transform = (
            Affine2D().scale(1 / 72)
            + fig.dpi_scale_trans
            + ScaledTranslation(corner[0], corner[1], ax.transAxes)
        )
        common = {"transform": self.transform, "clip_on": False}
        self.frame = Rectangle(
            (0, 0), 0, 0, facecolor="white", edgecolor="0.8", alpha=0.85, lw=0.8,
            zorder=5, **common,
        )  # fmt: skip
        self.lines = [Line2D([], [], zorder=6, **common) for _ in range(n)]
        self.patches = [Rectangle((0, 0), 0, 0, zorder=6, **common) for _ in range(n)]
        self.texts = [
            Text(0, 0, "", fontsize=fontsize, va="center", ha="left", zorder=6, **common)
            for _ in range(n)
        ]
        for artist in [self.frame, *self.lines, *self.patches, *self.texts]:
            ax.add_artist(artist)
        self.labels: tuple[str, ...] = ()

    def update(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
        if len(entries) > len(self.texts):
            raise ValueError(f"at most {len(self.texts)} legend entries")  # pragma: no cover
        # Label widths are estimated (0.6 em per character, a little more than DejaVu
        # Sans' average): measuring them would lay every label out once more.
        widths = [0.6 * self.fontsize * len(label) for label, _, _ in entries]
        pad, handle, gap, step = 5.0, 16.0, 4.0, 1.45 * self.fontsize
        width = handle + gap + (max(widths) if widths else 0.0)
        height = step * len(entries)
        right = self.loc.endswith("right")
        upper = self.loc.startswith("upper")
        x0 = -pad - width if right else pad
        y_top = -pad if upper else pad + height
        for i, (line, patch, text) in enumerate(zip(self.lines, self.patches, self.texts,
                                                    strict=True)):  # fmt: skip
            if i >= len(entries):
                line.set_visible(False)
                patch.set_visible(False)
                text.set_visible(False)
                continue
            label, kind, style = entries[i]
            y = y_top - step * (i + 0.5)
            text.set_text(label)
            text.set_position((x0 + handle + gap, y))
            text.set_visible(True)
            if kind == "patch":
                patch.set_bounds(x0, y - 0.3 * step, handle, 0.6 * step)
                patch.set_facecolor(style.get("color", "C0"))
                patch.set_alpha(style.get("alpha", 1.0))
                patch.set_edgecolor("none")
                patch.set_visible(True)
                line.set_visible(False)
            else:
                marker = style.get("marker", "None")
                ls = style.get("ls", "-")
                if marker not in ("None", None, "") and ls in ("None", "none", ""):
                    line.set_data([x0 + handle / 2], [y])
                else:
                    line.set_data([x0, x0 + handle], [y, y])
                line.set_color(style.get("color", "C0"))
                line.set_linestyle(ls)
                line.set_linewidth(style.get("lw", 1.5))
                line.set_marker(marker)
                line.set_markersize(style.get("ms", 4))
                line.set_alpha(style.get("alpha", 1.0))
                line.set_visible(True)
                patch.set_visible(False)
        self.frame.set_bounds(x0 - 3, y_top - height - 2, width + 6, height + 4)
        self.frame.set_visible(bool(entries))
        self.labels = tuple(label for label, _, _ in entries)


def _line_entry(label: str, artist: Any) -> tuple[str, str, dict[str, Any]]:
    """A legend entry drawn like the given Line2D."""
    return (
        label,
        "line",
        {
            "color": artist.get_color(),
            "ls": artist.get_linestyle(),
            "lw": artist.get_linewidth(),
            "marker": artist.get_marker(),
            "ms": artist.get_markersize(),
            "alpha": artist.get_alpha() if artist.get_alpha() is not None else 1.0,
        },
    )


def _style(ax: Any, xlabel: str, ylabel: str, *, log_y: bool = False, log_x: bool = False) -> None:
    """The course style (plot.py's grid and labels), tuned for fast redraws.

    Few, plain tick labels (no mathtext) and axis labels at fixed offsets from the axes
    (matplotlib would otherwise measure every tick label twice per draw to place them).
    Text is what a redraw mostly costs, so labels are short.
    """
    fig = ax.figure
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=9)
    ax.xaxis.set_label_coords(
        0.5, 0.0, transform=ax.transAxes + ScaledTranslation(0, -20 / 72, fig.dpi_scale_trans)
    )
    ax.yaxis.set_label_coords(
        0.0, 0.5, transform=ax.transAxes + ScaledTranslation(-46 / 72, 0, fig.dpi_scale_trans)
    )
    for axis, log in ((ax.xaxis, log_x), (ax.yaxis, log_y)):
        if log:
            (ax.set_xscale if axis is ax.xaxis else ax.set_yscale)("log")
            _plain_log_ticks(axis)
        else:
            axis.set_major_locator(ticker.MaxNLocator(4))
            axis.set_major_formatter(ticker.FuncFormatter(_fmt_tick))


def _finite(*arrays: Any) -> np.ndarray:
    parts = [np.asarray(a, dtype=float).ravel() for a in arrays if a is not None]
    flat = np.concatenate(parts) if parts else np.zeros(0)
    return flat[np.isfinite(flat)]


def _lin_limits(*arrays: Any, zero: bool = False) -> tuple[float, float]:
    v = _finite(*arrays)
    if v.size == 0:
        return (0.0, 1.0)
    lo, hi = float(v.min()), float(v.max())
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 1e-12 * max(abs(hi), abs(lo), _TINY):
        pad = 0.1 * abs(hi) if hi != 0 else 1.0
        return (lo - pad, hi + pad)
    pad = 0.05 * (hi - lo)
    return (lo - pad, hi + pad)


def _log_limits(*arrays: Any, zeros_below: float | None = None) -> tuple[float, float]:
    """Log-axis limits around the positive values; with ``zeros_below``, data that hits 0
    (an exact optimum) also shows that many decades below the top, where it falls off."""
    finite = _finite(*arrays)
    v = finite[finite > 0]
    if v.size == 0:
        return (1e-3, 1.0)
    lo, hi = max(float(v.min()), _TINY), min(float(v.max()), _HUGE)
    if zeros_below is not None and v.size < finite.size:
        lo = max(min(lo, hi / zeros_below), _TINY)
    if hi <= lo * 1.05:
        lo, hi = lo / 1.5, hi * 1.5
    pad = (hi / lo) ** 0.05
    return (max(lo / pad, _TINY), min(hi * pad, _HUGE))


def _finite_prefix(a: np.ndarray) -> np.ndarray:
    bad = np.flatnonzero(~np.isfinite(a))
    return a if bad.size == 0 else a[: bad[0]]


def _notes_line(notes: list[str] | tuple[str, ...], width: int = 125) -> str:
    """The notes as one line for the top of the figure ('' when there are none)."""
    if not notes:
        return ""
    return textwrap.shorten("⚠ " + "; ".join(notes), width=width, placeholder=" …")


class _Painter:
    """Owns one figure and its artists; ``paint`` updates them in place."""

    figsize = _FIGSIZE

    def __init__(self, figure: Figure | None = None) -> None:
        if figure is None:
            figure = _new_figure(self.figsize)
        else:
            figure.clear()
        self.fig = figure
        figure._lrsched_painter = self  # type: ignore[attr-defined]
        self._build()
        self.notes = figure.text(
            0.5, 0.99, "", ha="center", va="top", fontsize=9, color=COLORS[3], visible=False
        )

    def set_notes(self, notes: list[str] | tuple[str, ...]) -> None:
        """Show why settings were clamped, in one line above the axes (hidden if none)."""
        line = _notes_line(notes)
        self.notes.set_text(line)
        self.notes.set_visible(bool(line))

    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def get(cls, figure: Figure | None) -> _Painter:
        """Reuse the painter attached to ``figure`` (if it is ours), else draw afresh."""
        if figure is None:
            return cls()
        if not isinstance(figure, Figure):
            raise TypeError(
                f"figure must be a matplotlib Figure or None; got {type(figure).__name__}"
            )
        painter = getattr(figure, "_lrsched_painter", None)
        if type(painter) is cls and painter.fig is figure:
            return painter
        return cls(figure)


def _vlines(ax: Any, **kw: Any) -> LineCollection:
    """An (empty) collection of vertical lines spanning the axes height; see _set_xs."""
    coll = LineCollection([], transform=ax.get_xaxis_transform(), **kw)
    ax.add_collection(coll, autolim=False)
    return coll


def _set_xs(coll: LineCollection, xs: Any) -> None:
    coll.set_segments([[(x, 0.0), (x, 1.0)] for x in np.asarray(xs, dtype=float)])


def _scaled_line(ax: Any, **kw: Any) -> tuple[Line2D, Affine2D]:
    """A curve drawn over an axes in its own vertical scale (see :func:`_set_scaled`).

    The explorers draw α_t over the loss this way rather than on a twin axis, which
    would cost as much to redraw as the rest of the figure's text.
    """
    scale = Affine2D()
    (line,) = ax.plot([], [], transform=scale + ax.get_xaxis_transform(), **kw)
    return line, scale


def _set_scaled(line: Line2D, scale: Affine2D, x: Any, y: Any, *, low: float = 0.03,
                height: float = 0.55) -> float:  # fmt: skip
    """Plot ``y`` (unchanged data) so that 0 sits at ``low`` and its maximum at
    ``low + height`` of the axes height; return that maximum."""
    y = np.asarray(y, dtype=float)
    top = float(y.max()) if y.size else 0.0
    scale.clear().scale(1.0, height / top if top > 0 else 0.0).translate(0.0, low)
    line.set_data(x, y)
    return top


def _vspan(ax: Any, **kw: Any) -> Rectangle:
    """A full-height span (x in data coordinates), updated with _set_span."""
    rect = Rectangle((0, 0), 0, 1, transform=ax.get_xaxis_transform(), lw=0, **kw)
    ax.add_artist(rect)
    return rect


def _set_span(rect: Rectangle, lo: float, hi: float) -> None:
    rect.set_x(lo)
    rect.set_width(hi - lo)


# ----------------------------------------------------------------------------- validation


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def _positive(name: str, value: Any) -> float:
    return check_real(name, value, low=0.0, low_open=True)


# ----------------------------------------------------------------------------- 1. schedules


class BuiltSchedule(NamedTuple):
    """A schedule built from explorer settings: the schedule, what was used, and why.

    Attributes
    ----------
    schedule : Schedule or numpy.ndarray
        The lrsched schedule (an array of rates for :func:`lrsched.optimal_schedule`).
    params : dict
        The parameters it was built with, after clamping.
    notes : list of str
        One sentence per clamped setting.
    label : str
        A short name for titles.
    """

    schedule: Any
    params: dict[str, Any]
    notes: list[str]
    label: str


def build_schedule(
    family: str = "cosine",
    *,
    T: int = 100,
    lr0: float = 0.1,
    lr_min: float = 1e-4,
    gamma: float = 0.5,
    step_size: int = 20,
    lam: float = 0.04,
    t_warm: int = 10,
    t_decay: int = 20,
    cooldown: str = "1-sqrt",
    T_0: int = 20,
    T_mult: float = 1.0,
    half: int = 20,
) -> BuiltSchedule:
    r"""Build the lrsched schedule of :func:`schedule_explorer` from its slider values.

    Each family reads only some of the arguments (:data:`SCHEDULE_PARAMS`):

    ========================  ===================================================================
    ``"constant"``            :class:`~lrsched.Constant` ``(lr0)``
    ``"step"``                :class:`~lrsched.StepDecay` ``(lr0, step_size, gamma)``
    ``"exponential"``         :class:`~lrsched.Exponential` ``(lr0, lam=lam)``
    ``"cosine"``              :class:`~lrsched.Cosine` ``(lr0, T, lr_min)``
    ``"warmup_cosine"``       :func:`~lrsched.warmup_cosine` ``(lr0, T, t_warm, lr_min)``
    ``"cyclic"``              :class:`~lrsched.Cyclic` ``(lr_min, lr0, step_size_up=half)``
    ``"sgdr"``                :class:`~lrsched.SGDR` ``(lr0, T_0, T_mult, lr_min)``
    ``"one_cycle"``           :class:`~lrsched.OneCycle` ``(lr0, T, pct_start=t_warm / T)``
    ``"inverse_sqrt"``        :class:`~lrsched.InverseSqrt` ``(lr0, t_warm)``
    ``"wsd"``                 :class:`~lrsched.WSD` ``(lr0, T, t_warm, t_decay, cooldown, lr_min)``
    ========================  ===================================================================

    Combinations the schedule cannot take are clamped, with a note: ``lr_min`` above
    ``lr0`` is lowered to ``lr0`` (cyclic: the bounds are swapped, or the lower one set to
    0 if equal); ``t_warm`` is kept in ``[1, T-1]`` for warm-up + cosine (0 gives a plain
    cosine), in ``[2, T-1]`` for one-cycle (the rise must last more than one update) and
    ``>= 1`` for inverse sqrt; for WSD ``t_decay <= T`` and ``t_warm <= T - t_decay``.

    Parameters
    ----------
    family : str
        A key of :data:`SCHEDULE_FAMILIES`.
    T : int
        Horizon in updates, ``>= 10``.
    lr0 : float
        Initial (or peak, or upper-bound) rate, ``> 0``.
    lr_min : float
        Floor (or lower bound), ``>= 0``.
    gamma : float
        Step-decay factor in ``(0, 1]``.
    step_size : int
        Updates between step-decay drops, ``>= 1``.
    lam : float
        Exponential rate constant, ``>= 0``.
    t_warm : int
        Warm-up length (one-cycle: rise length), ``>= 0``.
    t_decay : int
        WSD cooldown length, ``>= 1``.
    cooldown : {"linear", "cosine", "1-sqrt"}
        WSD cooldown shape.
    T_0 : int
        SGDR first cycle length, ``>= 1``.
    T_mult : float
        SGDR cycle growth factor, in ``[1, 1e6]``.
    half : int
        Cyclic half-cycle (``step_size_up = step_size_down``), ``>= 1``.

    Returns
    -------
    BuiltSchedule
        ``(schedule, params, notes, label)``; ``params`` holds the values used.
    """
    family = check_choice("family", family, tuple(SCHEDULE_FAMILIES))
    T = check_int("T", T, low=10)
    lr0 = _positive("lr0", lr0)
    lr_min = check_real("lr_min", lr_min, low=0.0)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
    step_size = check_int("step_size", step_size, low=1)
    lam = check_real("lam", lam, low=0.0)
    t_warm = check_int("t_warm", t_warm, low=0)
    t_decay = check_int("t_decay", t_decay, low=1)
    cooldown = check_choice("cooldown", cooldown, _COOLDOWNS)
    T_0 = check_int("T_0", T_0, low=1)
    T_mult = check_real("T_mult", T_mult, low=1.0, high=1e6)
    half = check_int("half", half, low=1)

    notes: list[str] = []

    def floor() -> float:
        if lr_min > lr0:
            notes.append(f"lr_min = {lr_min:g} > lr0 = {lr0:g}: using lr_min = lr0")
            return lr0
        return lr_min

    def clamp_warm(low: int, high: int, what: str) -> int:
        if t_warm < low or t_warm > high:
            new = min(max(t_warm, low), high)
            notes.append(f"t_warm = {t_warm} {what}: using {new}")
            return new
        return t_warm

    sched: Any
    params: dict[str, Any]
    if family == "constant":
        sched, params = Constant(lr0), {"lr0": lr0}
    elif family == "step":
        sched = StepDecay(lr0, step_size=step_size, gamma=gamma)
        params = {"lr0": lr0, "step_size": step_size, "gamma": gamma}
    elif family == "exponential":
        sched, params = Exponential(lr0, lam=lam), {"lr0": lr0, "lam": lam}
    elif family == "cosine":
        lo = floor()
        sched, params = Cosine(lr0, T, lo), {"lr0": lr0, "T": T, "lr_min": lo}
    elif family == "warmup_cosine":
        lo = floor()
        if t_warm == 0:
            notes.append("t_warm = 0: no warm-up, plain cosine")
            sched, params = Cosine(lr0, T, lo), {"lr0": lr0, "T": T, "t_warm": 0, "lr_min": lo}
        else:
            tw = clamp_warm(1, T - 1, f"must be below T = {T}")
            sched = warmup_cosine(lr0, T, tw, lo)
            params = {"lr0": lr0, "T": T, "t_warm": tw, "lr_min": lo}
    elif family == "cyclic":
        lo, hi = lr_min, lr0
        if lo > hi:
            notes.append(f"lr_min = {lo:g} > lr0 = {hi:g}: bounds swapped")
            lo, hi = hi, lo
        elif lo == hi:
            notes.append(f"lr_min = lr0 = {hi:g}: lower bound set to 0")
            lo = 0.0
        sched = Cyclic(lo, hi, step_size_up=half)
        params = {"lr_min": lo, "lr_max": hi, "step_size_up": half, "step_size_down": half}
    elif family == "sgdr":
        lo = floor()
        sched = SGDR(lr0, T_0, T_mult, lo)
        params = {"lr0": lr0, "T_0": T_0, "T_mult": T_mult, "lr_min": lo}
    elif family == "one_cycle":
        tw = clamp_warm(2, T - 1, f"(the rise) must be in [2, T-1] = [2, {T - 1}]")
        sched = OneCycle(lr0, T, pct_start=tw / T)
        params = {"lr_max": lr0, "T": T, "pct_start": tw / T}
    elif family == "inverse_sqrt":
        tw = clamp_warm(1, max(t_warm, 1), "must be >= 1")
        sched, params = InverseSqrt(lr0, tw), {"lr0": lr0, "t_warm": tw}
    else:  # wsd
        lo = floor()
        td = t_decay
        if td > T:
            notes.append(f"t_decay = {td} > T = {T}: using {T}")
            td = T
        tw = t_warm
        if tw > T - td:
            notes.append(f"t_warm = {tw} > T - t_decay = {T - td}: using {T - td}")
            tw = T - td
        sched = WSD(lr0, T, tw, td, decay=cooldown, lr_min=lo)
        params = {"lr0": lr0, "T": T, "t_warm": tw, "t_decay": td, "decay": cooldown, "lr_min": lo}
    return BuiltSchedule(sched, params, notes, SCHEDULE_FAMILIES[family])


class _SchedulePainter(_Painter):
    figsize = (9.0, 3.4)

    def _build(self) -> None:
        fig = self.fig
        self.ax_lin, self.ax_log = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.1, right=0.985, bottom=0.15, top=0.84, wspace=0.3)
        _style(self.ax_lin, "update t", "learning rate α_t")
        _style(self.ax_log, "update t", "α_t, log scale", log_y=True)
        self.ax_lin.set_title("", y=1.0, fontsize=10)
        self.ax_log.set_title("log scale", y=1.0, fontsize=10)
        self.lines = []
        self.points = []
        for ax in (self.ax_lin, self.ax_log):
            (line,) = ax.plot([], [], color=COLORS[0], lw=2)
            (pts,) = ax.plot([], [], "o", color=COLORS[3], ms=4)
            self.lines.append(line)
            self.points.append(pts)

    def paint(
        self, t: np.ndarray, lr: np.ndarray, tt: np.ndarray, tv: np.ndarray, label: str
    ) -> None:
        for line, pts in zip(self.lines, self.points, strict=True):
            line.set_data(t, lr)
            pts.set_data(tt, tv)
        xlim = (-0.02 * t[-1], t[-1] * 1.02)
        self.ax_lin.set_xlim(xlim)
        self.ax_log.set_xlim(xlim)
        self.ax_lin.set_ylim(_lin_limits(lr, zero=True))
        self.ax_log.set_ylim(_log_limits(lr))
        self.ax_lin.title.set_text(f"{label}, linear")


def draw_schedule(
    family: str = "cosine",
    *,
    T: int = 100,
    lr0: float = 0.1,
    lr_min: float = 1e-4,
    gamma: float = 0.5,
    step_size: int = 20,
    lam: float = 0.04,
    t_warm: int = 10,
    t_decay: int = 20,
    cooldown: str = "1-sqrt",
    T_0: int = 20,
    T_mult: float = 1.0,
    half: int = 20,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Draw one schedule on linear and log axes, with a table of :math:`\alpha_t`.

    The schedule is :func:`build_schedule` ``(family, ...)``; the curve is its
    :meth:`~lrsched.Schedule.values` ``(T)``, and the table lists
    :math:`\alpha_t` at ``t`` = 0, 10, 25, 50, 75 and ``T - 1`` (those below ``T``),
    marked on the curve.

    Parameters
    ----------
    family, T, lr0, lr_min, gamma, step_size, lam, t_warm, t_decay, cooldown, T_0, T_mult, half
        See :func:`build_schedule`.
    figure : Figure, optional
        A figure returned by an earlier call, to update in place (faster); a new one by
        default.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"table": {t: α_t}, "lr_first", "lr_last", "lr_max", "lr_min",
        "lr_mean"}``; ``curves``: ``{"t", "lr"}``.
    """
    requested = {
        "family": family, "T": T, "lr0": lr0, "lr_min": lr_min, "gamma": gamma,
        "step_size": step_size, "lam": lam, "t_warm": t_warm, "t_decay": t_decay,
        "cooldown": cooldown, "T_0": T_0, "T_mult": T_mult, "half": half,
    }  # fmt: skip
    built = build_schedule(**requested)
    painter = _SchedulePainter.get(figure)
    T = int(requested["T"])
    t = np.arange(T)
    lr = built.schedule.values(T)
    tt = np.array(sorted({s for s in TABLE_STEPS if s < T} | {T - 1}))
    tv = lr[tt]
    title = f"{built.label}: {built.schedule!r}"
    painter.paint(t, lr, tt, tv, built.label)
    painter.set_notes(built.notes)
    return ExplorerResult(
        kind="schedule",
        figure=painter.fig,
        title=title,
        requested=requested,
        params=built.params,
        numbers={
            "table": {int(a): float(b) for a, b in zip(tt, tv, strict=True)},
            "lr_first": float(lr[0]),
            "lr_last": float(lr[-1]),
            "lr_max": float(lr.max()),
            "lr_min": float(lr.min()),
            "lr_mean": float(lr.mean()),
        },
        columns=("t", "α_t"),
        table=tuple((int(a), float(b)) for a, b in zip(tt, tv, strict=True)),
        notes=tuple(built.notes),
        curves={"t": t, "lr": lr},
        schedule=built.schedule,
    )


# ----------------------------------------------------------------------------- 2. warm-up


def build_warmup_schedule(
    decay: str = "cosine",
    *,
    warmup_pct: int = 5,
    ramp: str = "from_zero",
    T: int = 1000,
    lr0: float = 3e-4,
    floor_ratio: float = 0.1,
    cooldown_frac: float = 0.2,
) -> BuiltSchedule:
    r"""Build the schedule of :func:`warmup_explorer`: a linear warm-up, then a decay.

    With :math:`t_w` = ``round(warmup_pct / 100 * T)``, :math:`H = T - t_w` and
    :math:`\alpha_{\min}` = ``floor_ratio * lr0``, the part after the warm-up is

    * ``"cosine"``: :class:`~lrsched.Cosine` ``(lr0, H, lr_min)``;
    * ``"linear"``: :class:`~lrsched.Polynomial` ``(lr0, H, 1, lr_min)``;
    * ``"exponential"``: :class:`~lrsched.Exponential` ``(lr0, gamma=g)`` with ``g`` chosen
      so that the rate reaches ``lr_min`` at ``t = T`` (``lr0 / 1000`` if the floor is 0);
    * ``"constant"``: :class:`~lrsched.Constant` ``(lr0)``;

    wrapped in :class:`~lrsched.Warmup` ``(..., t_w, ramp)`` when :math:`t_w \ge 1`. So, as
    in :func:`~lrsched.warmup_cosine`, ``T`` counts all updates and the floor is reached at
    ``t = T`` (the last update, ``T - 1``, is a little above it). ``"wsd"`` is
    :class:`~lrsched.WSD` ``(lr0, T, t_w, t_decay, "1-sqrt", lr_min, ramp)`` with a cooldown
    of ``t_decay = round(cooldown_frac * T)`` updates.

    The concept page's ``warmup_cosine(T=n, Tw, eta_max, eta_min)`` array reaches the floor
    at its last entry instead; it equals ``lrsched.warmup_cosine(eta_max, n - 1, Tw,
    eta_min, ramp="from_first_step").values(n)``.

    Parameters
    ----------
    decay : str
        A key of :data:`WARMUP_DECAYS`.
    warmup_pct : int
        Warm-up length in percent of ``T``, in ``[0, 30]``.
    ramp : {"from_zero", "from_first_step"}
        The warm-up convention (:data:`lrsched.warmup.RAMPS`).
    T : int
        Total updates, ``>= 20``.
    lr0 : float
        Peak rate, ``> 0``.
    floor_ratio : float
        ``lr_min / lr0``, in ``[0, 1]``.
    cooldown_frac : float
        WSD cooldown as a fraction of ``T``, in ``(0, 0.7]``.

    Returns
    -------
    BuiltSchedule
    """
    decay = check_choice("decay", decay, tuple(WARMUP_DECAYS))
    warmup_pct = check_int("warmup_pct", warmup_pct, low=0, high=30)
    ramp = check_choice("ramp", ramp, RAMPS)
    T = check_int("T", T, low=20)
    lr0 = _positive("lr0", lr0)
    floor_ratio = check_real("floor_ratio", floor_ratio, low=0.0, high=1.0)
    cooldown_frac = check_real("cooldown_frac", cooldown_frac, low=0.0, high=0.7, low_open=True)
    t_warm = int(math.floor(warmup_pct * T / 100 + 0.5))
    lr_min = floor_ratio * lr0
    horizon = T - t_warm
    params: dict[str, Any] = {"T": T, "t_warm": t_warm, "ramp": ramp, "lr0": lr0, "lr_min": lr_min}
    body: Any
    if decay == "wsd":
        t_decay = min(max(1, int(math.floor(cooldown_frac * T + 0.5))), T - t_warm)
        params["t_decay"] = t_decay
        sched = WSD(lr0, T, t_warm, t_decay, decay="1-sqrt", lr_min=lr_min, ramp=ramp)
        return BuiltSchedule(sched, params, [], WARMUP_DECAYS[decay])
    if decay == "cosine":
        body = Cosine(lr0, horizon, lr_min)
    elif decay == "linear":
        body = Polynomial(lr0, horizon, 1.0, lr_min)
    elif decay == "exponential":
        end = lr_min if lr_min > 0 else lr0 / 1000
        g = (end / lr0) ** (1.0 / horizon)
        body = Exponential(lr0, gamma=min(max(g, np.nextafter(0.0, 1.0)), 1.0))
        params["gamma"] = body.gamma
    else:
        body = Constant(lr0)
    sched = body if t_warm == 0 else Warmup(body, t_warm, ramp=ramp)
    return BuiltSchedule(sched, params, [], WARMUP_DECAYS[decay])


class _WarmupPainter(_Painter):
    figsize = (9.0, 3.2)

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.985, bottom=0.15, top=0.88)
        _style(ax, "update t", "learning rate α_t")
        (self.line,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.mean,) = ax.plot([], [], color=COLORS[1], lw=1.5, ls="--")
        (self.points,) = ax.plot([], [], "o", color=COLORS[3], ms=5)
        self.span = _vspan(ax, color=COLORS[2], alpha=0.15)
        self.legend = _Legend(ax, 4, loc="upper right")
        ax.set_title("", y=1.0, fontsize=10)

    def paint(
        self,
        t: np.ndarray,
        lr: np.ndarray,
        t_warm: int,
        pts: np.ndarray,
        title: str,
        labels: tuple[str, str, str, str],
    ) -> None:
        ax = self.ax
        self.line.set_data(t, lr)
        mean = float(lr.mean())
        self.mean.set_data([0, t[-1]], [mean, mean])
        self.points.set_data(pts, lr[pts])
        _set_span(self.span, 0, t_warm)
        ax.set_xlim(-0.02 * t[-1], t[-1] * 1.02)
        ax.set_ylim(_lin_limits(lr, zero=True))
        ax.title.set_text(title)
        self.legend.update(
            [
                _line_entry(labels[0], self.line),
                _line_entry(labels[1], self.mean),
                _line_entry(labels[2], self.points),
                (labels[3], "patch", {"color": COLORS[2], "alpha": 0.15}),
            ]
        )


def draw_warmup(
    decay: str = "cosine",
    *,
    warmup_pct: int = 5,
    ramp: str = "from_zero",
    T: int = 1000,
    lr0: float = 3e-4,
    floor_ratio: float = 0.1,
    cooldown_frac: float = 0.2,
    figure: Figure | None = None,
) -> ExplorerResult:
    """Draw a warm-up + decay schedule and report ``lr[0]``, ``lr[t_warm]``, ``lr[-1]``, the mean.

    ``lr`` is :func:`build_warmup_schedule` ``(...).schedule.values(T)``, the rates of the
    ``T`` updates, as printed by the concept page's demo.

    Parameters
    ----------
    decay, warmup_pct, ramp, T, lr0, floor_ratio, cooldown_frac
        See :func:`build_warmup_schedule`.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"t_warm", "lr_first", "lr_at_warm", "lr_last", "lr_mean", "lr_peak"}``.
    """
    requested = {
        "decay": decay, "warmup_pct": warmup_pct, "ramp": ramp, "T": T, "lr0": lr0,
        "floor_ratio": floor_ratio, "cooldown_frac": cooldown_frac,
    }  # fmt: skip
    built = build_warmup_schedule(**requested)
    painter = _WarmupPainter.get(figure)
    T, tw = built.params["T"], built.params["t_warm"]
    t = np.arange(T)
    lr = built.schedule.values(T)
    numbers = {
        "t_warm": tw,
        "lr_first": float(lr[0]),
        "lr_at_warm": float(lr[tw]),
        "lr_last": float(lr[-1]),
        "lr_mean": float(lr.mean()),
        "lr_peak": float(lr.max()),
    }
    title = f"warm-up {tw} ({built.params['ramp']}) + {built.label}, T = {T}"
    labels = (
        "α_t",
        f"mean {numbers['lr_mean']:.3g}",
        f"lr[0], lr[{tw}], lr[-1]",
        "warm-up",
    )
    painter.paint(t, lr, tw, np.array([0, tw, T - 1]), title, labels)
    return ExplorerResult(
        kind="warmup",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params=built.params,
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("lr[0]", numbers["lr_first"]),
            (f"lr[{tw}] (t_warm)", numbers["lr_at_warm"]),
            ("lr[-1]", numbers["lr_last"]),
            ("mean lr", numbers["lr_mean"]),
            ("peak lr", numbers["lr_peak"]),
        ),
        curves={"t": t, "lr": lr},
        schedule=built.schedule,
    )


# ----------------------------------------------------------------------------- 3. noisy SGD


def build_noisy_schedule(
    family: str = "cosine", *, lr0: float = 0.3, T: int = 100, sigma: float = 0.3
) -> BuiltSchedule:
    """Build the schedule of :func:`noisy_sgd_explorer`.

    ``"fixed"``: :class:`~lrsched.Constant` ``(lr0)``; ``"cosine"``:
    :class:`~lrsched.Cosine` ``(lr0, T, 1e-4)``; ``"step"``: :class:`~lrsched.StepDecay`
    ``(lr0, T // 4, 0.5)``; ``"warmup_cosine"``: :func:`~lrsched.warmup_cosine`
    ``(lr0, T, T // 10, 1e-4)``; ``"optimal"``: :func:`lrsched.optimal_schedule`
    ``(T, sigma=sigma)``, the array of rates that minimises the expected loss (it depends
    on ``sigma`` and the start, not on ``lr0``). Floors are capped at ``lr0``.

    Parameters
    ----------
    family : str
        A key of :data:`NOISY_FAMILIES`.
    lr0 : float
        Starting (peak) rate, ``> 0``.
    T : int
        Updates, ``>= 10``.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.

    Returns
    -------
    BuiltSchedule
    """
    family = check_choice("family", family, tuple(NOISY_FAMILIES))
    lr0 = _positive("lr0", lr0)
    T = check_int("T", T, low=10)
    sigma = check_real("sigma", sigma, low=0.0)
    floor = min(1e-4, lr0)
    sched: Any
    if family == "fixed":
        sched, label = Constant(lr0), f"fixed α = {lr0:g}"
    elif family == "cosine":
        sched, label = Cosine(lr0, T, floor), f"cosine {lr0:g} → {floor:g}"
    elif family == "step":
        sched = StepDecay(lr0, step_size=max(1, T // 4), gamma=0.5)
        label = f"step decay {lr0:g}, ×0.5 every {max(1, T // 4)}"
    elif family == "warmup_cosine":
        tw = max(1, T // 10)
        sched, label = warmup_cosine(lr0, T, tw, floor), f"warm-up {tw} + cosine, peak {lr0:g}"
    else:
        sched = optimal_schedule(T, c=_C, theta0=_THETA0, sigma=sigma, curvature=_CURVATURE)
        label = "optimal 1/t schedule"
    return BuiltSchedule(sched, {"family": family, "lr0": lr0, "T": T}, [], label)


class _NoisyPainter(_Painter):
    figsize = (9.0, 3.3)
    n_show = 3

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.985, bottom=0.15, top=0.88)
        _style(ax, "update t", "loss J(θ_t), log scale", log_y=True)
        ax.set_title("", y=1.0, fontsize=10)
        self.lr_line, self.lr_scale = _scaled_line(ax, color=COLORS[1], lw=1.3, alpha=0.9)
        self.runs = [
            ax.plot([], [], color=COLORS[5], lw=0.7, alpha=0.6)[0] for _ in range(self.n_show)
        ]
        (self.mean,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.exact,) = ax.plot([], [], color="black", lw=1.2, ls="--")
        (self.floor,) = ax.plot([], [], color=COLORS[3], lw=1, ls=":")
        self.band = PolyCollection([], color=COLORS[0], alpha=0.2, lw=0)
        ax.add_collection(self.band, autolim=False)
        self.legend = _Legend(ax, 6, loc="upper right")

    def paint(
        self,
        t: np.ndarray,
        lr: np.ndarray,
        k: np.ndarray,
        loss: np.ndarray,
        mean: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        exact: np.ndarray,
        floor: float | None,
        title: str,
    ) -> None:
        ax = self.ax
        lr_top = _set_scaled(self.lr_line, self.lr_scale, t, lr)
        n = loss.shape[1]
        for i, line in enumerate(self.runs):
            if i < n:
                line.set_data(k, loss[:, i])
            else:
                line.set_data([], [])
            line.set_visible(i < n)
        self.mean.set_data(k, mean)
        self.exact.set_data(np.arange(exact.size), exact)
        self.band.set_verts(
            [np.column_stack([np.concatenate([k, k[::-1]]), np.concatenate([hi, lo[::-1]])])]
        )
        show_floor = floor is not None and floor > 0
        if show_floor:
            self.floor.set_data([0, k[-1]], [floor, floor])
        else:
            self.floor.set_data([], [])
        self.floor.set_visible(show_floor)
        ax.set_xlim(-0.02 * k[-1], k[-1] * 1.02)
        shown = [mean, lo, hi, exact, loss[:, : self.n_show]]
        if show_floor:
            shown.append([floor])
        ax.set_ylim(_log_limits(*shown, zeros_below=1e6))
        ax.title.set_text(title)
        entries = [
            _line_entry("mean", self.mean),
            ("10–90% of runs", "patch", {"color": COLORS[0], "alpha": 0.2}),
            _line_entry(f"{min(n, self.n_show)} run(s)", self.runs[0]),
            _line_entry("exact E[J]", self.exact),
        ]
        if show_floor:
            entries.append(_line_entry(f"floor {floor:.3g}", self.floor))
        entries.append(_line_entry(f"α_t, max {lr_top:.3g}", self.lr_line))
        self.legend.update(entries)


def draw_noisy_sgd(
    family: str = "cosine",
    *,
    lr0: float = 0.3,
    sigma: float = 0.3,
    n_seeds: int = 50,
    T: int = 100,
    seed: int = 0,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Noisy SGD on :math:`(\theta - 3)^2` from :math:`\theta_0 = 0`: simulation vs theory.

    Runs :func:`lrsched.simulate_quadratic` ``(schedule, T=T, n_seeds=n_seeds, sigma=sigma,
    seed=seed, record="loss")`` (``c = 3``, ``theta0 = 0``, ``curvature = 2``) and draws the
    mean loss over the seeds with the band holding the middle 80% of the runs, the first
    three runs, and the exact :math:`\mathbb E J` of :func:`lrsched.expected_loss` (dashed;
    drawn up to where it overflows, for a rate past the stability limit). The noise floor
    :func:`lrsched.noise_floor` of the schedule's largest rate (its starting rate, or the
    peak after a warm-up) is drawn when that rate is below the stability limit
    :func:`lrsched.stability_limit` ``(2) = 1``. The schedule :math:`\alpha_t` is drawn
    over the loss in its own vertical scale (0 at the bottom, its maximum, given in the
    legend, at 58% of the height). Same settings, same numbers: the noise comes from
    ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    family, lr0
        See :func:`build_noisy_schedule`.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    n_seeds : int
        Independent runs, ``>= 1``.
    T : int
        Updates, ``>= 10``.
    seed : int
        Seed of the noise, ``>= 0``.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"final_mean", "final_se", "final_exact", "noise_floor", "alpha_ref",
        "stability_limit", "diverged", "n_seeds", "T"}`` (``final_se`` is None for one
        seed, ``noise_floor`` None when ``alpha_ref`` is not stable); ``curves``: ``{"t",
        "lr", "k", "mean", "low", "high", "exact"}``; ``raw``: the
        :class:`~lrsched.SimResult`.
    """
    requested = {
        "family": family,
        "lr0": lr0,
        "sigma": sigma,
        "n_seeds": n_seeds,
        "T": T,
        "seed": seed,
    }
    built = build_noisy_schedule(family, lr0=lr0, T=T, sigma=sigma)
    sigma = check_real("sigma", sigma, low=0.0)
    n_seeds = check_int("n_seeds", n_seeds, low=1)
    seed = check_int("seed", seed, low=0)
    T = built.params["T"]
    painter = _NoisyPainter.get(figure)
    notes = list(built.notes)
    sched = built.schedule
    res = simulate_quadratic(
        sched,
        T=T,
        n_seeds=n_seeds,
        c=_C,
        theta0=_THETA0,
        sigma=sigma,
        seed=seed,
        curvature=_CURVATURE,
        record="loss",
    )
    exact_full = expected_loss(
        sched, T=T, c=_C, theta0=_THETA0, sigma=sigma, curvature=_CURVATURE, overflow="inf"
    )
    loss = res.loss[:, :, 0]
    lr = res.lr[:, 0]
    mean = res.loss_mean[:, 0]
    lo, hi = np.percentile(loss, [10.0, 90.0], axis=1)
    exact = _finite_prefix(exact_full)
    if exact.size < exact_full.size:
        notes.append(f"the exact expectation overflows after {exact.size - 1} updates")
    final = res.final_loss[:, 0]
    final_mean = float(final.mean())
    final_se = float(final.std(ddof=1) / math.sqrt(n_seeds)) if n_seeds > 1 else None
    limit = stability_limit(_CURVATURE)
    alpha_ref = float(lr.max())
    floor = (
        noise_floor(alpha_ref, sigma=sigma, curvature=_CURVATURE)
        if 0.0 < alpha_ref < limit
        else None
    )
    if floor is None:
        notes.append(f"α = {alpha_ref:.3g} ≥ stability limit {limit:g}: no noise floor")
    n_div = int(res.diverged.sum())
    if n_div:
        notes.append(f"{n_div} of {n_seeds} runs diverged (frozen at the divergence radius)")
    exact_final = float(exact_full[-1])
    numbers = {
        "final_mean": final_mean,
        "final_se": final_se,
        "final_exact": exact_final if math.isfinite(exact_final) else None,
        "noise_floor": floor,
        "alpha_ref": alpha_ref,
        "stability_limit": limit,
        "diverged": n_div,
        "n_seeds": n_seeds,
        "T": T,
    }
    se = "" if final_se is None else f" ± {final_se:.3g}"
    exact_txt = _cell(numbers["final_exact"])
    title = (
        f"{built.label}, σ = {sigma:g}, {n_seeds} seed(s): final loss {final_mean:.3g}{se} "
        f"(exact {exact_txt})"
    )
    t = np.arange(T)
    k = np.arange(T + 1)
    se_short = "" if final_se is None else f" ± {final_se:.2g}"
    exact_short = "n/a" if numbers["final_exact"] is None else f"{numbers['final_exact']:.3g}"
    fig_title = (
        f"σ={sigma:g}, {n_seeds} seeds: final {final_mean:.3g}{se_short}, exact {exact_short}"
    )
    painter.paint(t, lr, k, loss, mean, lo, hi, exact, floor, fig_title)
    painter.set_notes(notes)
    return ExplorerResult(
        kind="noisy_sgd",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params={
            **built.params,
            "sigma": sigma,
            "n_seeds": n_seeds,
            "seed": seed,
            "c": _C,
            "theta0": _THETA0,
            "curvature": _CURVATURE,
        },
        numbers=numbers,
        columns=("quantity", "value"),
        table=(
            ("final loss, mean over seeds", final_mean),
            ("standard error", final_se),
            ("exact expected final loss", numbers["final_exact"]),
            (f"noise floor of α = {alpha_ref:.3g}", floor),
            ("diverged runs", n_div),
        ),
        notes=tuple(notes),
        curves={"t": t, "lr": lr, "k": k, "mean": mean, "low": lo, "high": hi, "exact": exact},
        schedule=sched,
        raw=res,
    )


# ----------------------------------------------------------------------------- 4. range test


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
    figsize = (9.0, 3.2)

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.985, bottom=0.15, top=0.84)
        _style(ax, "learning rate (log scale)", "loss", log_x=True)
        (self.raw,) = ax.plot([], [], color=COLORS[0], lw=1)
        (self.smooth,) = ax.plot([], [], color=COLORS[0], lw=2)
        self.marks = [ax.axvline(1.0, color=COLORS[i + 3], ls="--", lw=1.5) for i in range(3)]
        self.span = _vspan(ax, color=COLORS[2], alpha=0.15)
        self.legend = _Legend(ax, 6, loc="lower left")
        ax.set_title("", y=1.0, fontsize=10)

    def paint(
        self,
        lrs: np.ndarray,
        losses: np.ndarray,
        smoothed: np.ndarray | None,
        suggestions: Mapping[str, float],
        band: tuple[float, float] | None,
        title: str,
        top_hint: float,
        xlim: tuple[float, float],
    ) -> None:
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
        ax.set_xlim(xlim)
        # Show the loss up to twice its start: past that it only blows up.
        vals = _finite(losses, smoothed)
        top = min(float(vals.max()), top_hint) if vals.size else 1.0
        ax.set_ylim(_lin_limits(vals[vals <= top], [top], zero=True))
        ax.title.set_text(title)
        self.legend.update(entries)


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
      start_loss=9)``: exactly :math:`(0, 1)` with the best rate 1/2.
    * ``"digits"``: :func:`lrsched.range_test` ``(step_fn, lr_min, lr_max, n, smooth=0.98
      or None, stop_factor=4)`` with ``step_fn =``
      :meth:`lrsched.DigitsProblem.range_test_step_fn` ``(seed=0, batch_size=32)`` on
      ``DigitsProblem(seed=0)`` (created once; each result is cached by its settings).
      The useful range is :func:`lrsched.useful_range` on the (smoothed) curve.

    The suggestions are :meth:`lrsched.RangeTestResult.suggestions` ``()``. If ``lr_min
    >= lr_max`` the two are swapped (equal: ``lr_max = 10 * lr_min``).

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
        None, "stopped_early", "stop_reason", "n_recorded"}``; ``raw``: the
        :class:`~lrsched.RangeTestResult`.
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
    # The quadratic's raw curve is exact: read its band off it; smooth the noisy digits curve.
    curve = losses if smoothed is None or problem == "quadratic" else smoothed
    band = None
    if curve.size >= 2:
        try:
            band = useful_range(lrs[: curve.size], curve, start_loss=start)
        except ValueError as exc:
            notes.append(f"no useful range: {exc}")
    else:
        notes.append("too few finite losses for a useful range")
    top = 2.0 * (start if start is not None else float(curve[0]) if curve.size else 1.0)
    label = RANGE_PROBLEMS[problem]
    title = f"LR range test, {label}: {rt.lrs.size} of {n} rates, {lr_min:.3g} to {lr_max:.3g}"
    short_title = f"{problem}: {rt.lrs.size}/{n} rates, {lr_min:.2g} to {lr_max:.2g}"
    pad = (lr_max / lr_min) ** 0.03
    painter.paint(
        lrs,
        losses,
        smoothed,
        suggestions,
        None if band is None else (band.low, band.high),
        short_title,
        top,
        (lr_min / pad, lr_max * pad),
    )
    painter.set_notes(notes)
    rows: list[tuple[Any, ...]] = [(name, lr) for name, lr in suggestions.items()]
    if band is not None:
        rows += [
            ("useful range: low", band.low),
            ("useful range: best", band.best),
            ("useful range: high", band.high),
        ]
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
            "stopped_early": rt.stopped_early,
            "stop_reason": rt.stop_reason,
            "n_recorded": int(rt.lrs.size),
        },
        columns=("rule", "learning rate"),
        table=tuple(rows),
        notes=tuple(notes),
        curves=curves,
        raw=rt,
    )


def _finite_prefix_pair(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = _finite_prefix(y)
    return x[: y.size], y


# ----------------------------------------------------------------------------- 5. cycles


def build_cycle_schedule(
    family: str = "sgdr",
    *,
    lr_max: float = 0.5,
    lr_min: float = 1e-3,
    T_0: int = 20,
    T_mult: float = 2.0,
    decay: float = 1.0,
    step_size_up: int = 20,
    step_size_down: int = 20,
    mode: str = "triangular",
    gamma: float = 0.99,
) -> BuiltSchedule:
    """Build the schedule of :func:`cycle_explorer`.

    ``"sgdr"``: :class:`~lrsched.SGDR` ``(lr_max, T_0, T_mult, lr_min, decay)``;
    ``"cyclic"``: :class:`~lrsched.Cyclic` ``(lr_min, lr_max, step_size_up, step_size_down,
    mode, gamma)``. A floor above the peak is lowered to the peak (SGDR), or the bounds
    swapped (cyclic; equal bounds: the lower one set to 0), with a note.

    Parameters
    ----------
    family : {"sgdr", "cyclic"}
    lr_max : float
        SGDR peak / CLR upper bound, ``> 0``.
    lr_min : float
        SGDR floor / CLR lower bound, ``>= 0``.
    T_0 : int
        SGDR first cycle length, ``>= 1``.
    T_mult : float
        SGDR cycle growth factor, in ``[1, 1e6]``.
    decay : float
        SGDR amplitude factor per restart, in ``(0, 1]``.
    step_size_up, step_size_down : int
        CLR half-cycles, ``>= 1``.
    mode : {"triangular", "triangular2", "exp_range"}
    gamma : float
        CLR ``exp_range`` factor per update, in ``(0, 1]``.

    Returns
    -------
    BuiltSchedule
    """
    family = check_choice("family", family, tuple(CYCLE_FAMILIES))
    lr_max = _positive("lr_max", lr_max)
    lr_min = check_real("lr_min", lr_min, low=0.0)
    T_0 = check_int("T_0", T_0, low=1)
    T_mult = check_real("T_mult", T_mult, low=1.0, high=1e6)
    decay = check_real("decay", decay, low=0.0, high=1.0, low_open=True)
    step_size_up = check_int("step_size_up", step_size_up, low=1)
    step_size_down = check_int("step_size_down", step_size_down, low=1)
    mode = check_choice("mode", mode, _CYCLIC_MODES)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
    notes: list[str] = []
    sched: Schedule
    if family == "sgdr":
        lo = lr_min
        if lo > lr_max:
            notes.append(f"lr_min = {lo:g} > lr_max = {lr_max:g}: using lr_min = lr_max")
            lo = lr_max
        sched = SGDR(lr_max, T_0, T_mult, lo, decay)
        params = {"lr0": lr_max, "T_0": T_0, "T_mult": T_mult, "lr_min": lo, "decay": decay}
        label = f"SGDR, T_0 = {T_0}, T_mult = {T_mult:g}"
    else:
        lo, hi = lr_min, lr_max
        if lo > hi:
            notes.append(f"lr_min = {lo:g} > lr_max = {hi:g}: bounds swapped")
            lo, hi = hi, lo
        elif lo == hi:
            notes.append(f"lr_min = lr_max = {hi:g}: lower bound set to 0")
            lo = 0.0
        sched = Cyclic(lo, hi, step_size_up, step_size_down, mode=mode, gamma=gamma)
        params = {
            "lr_min": lo,
            "lr_max": hi,
            "step_size_up": step_size_up,
            "step_size_down": step_size_down,
            "mode": mode,
            "gamma": gamma,
        }
        label = f"cyclic {mode}, {step_size_up} up / {step_size_down} down"
    return BuiltSchedule(sched, params, notes, label)


def _restart_positions(sched: Schedule, T: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Cycle starts after 0 and below T (SGDR: its restarts; CLR: cycle starts), and CLR peaks."""
    if isinstance(sched, SGDR):
        last = int(sched.cycle(np.array([T - 1.0]))[0][0])
        starts = sched.restarts(last + 1)
        return tuple(float(s) for s in starts[1:] if s < T), ()
    assert isinstance(sched, Cyclic)
    period = sched.period
    starts = tuple(float(s) for s in range(period, T, period))
    peaks = tuple(float(s) for s in range(sched.step_size_up, T, period))
    return starts, peaks


class _CyclePainter(_Painter):
    figsize = (9.0, 3.3)

    def _build(self) -> None:
        fig = self.fig
        self.ax = ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.985, bottom=0.15, top=0.88)
        _style(ax, "update t", "mean loss, log scale", log_y=True)
        ax.set_title("", y=1.0, fontsize=10)
        (self.mean,) = ax.plot([], [], color=COLORS[0], lw=2)
        (self.exact,) = ax.plot([], [], color="black", lw=1.0, ls="--")
        self.lr_line, self.lr_scale = _scaled_line(ax, color=COLORS[1], lw=1.3, alpha=0.9)
        self.marks = _vlines(ax, colors=COLORS[3], linestyles=":", linewidths=1)
        self.legend = _Legend(ax, 4, loc="upper right")

    def paint(
        self,
        t: np.ndarray,
        lr: np.ndarray,
        k: np.ndarray,
        mean: np.ndarray,
        exact: np.ndarray,
        starts: tuple[float, ...],
        mark_label: str,
        title: str,
    ) -> None:
        ax = self.ax
        lr_top = _set_scaled(self.lr_line, self.lr_scale, t, lr)
        self.mean.set_data(k, mean)
        self.exact.set_data(np.arange(exact.size), exact)
        _set_xs(self.marks, starts)
        ax.set_xlim(-0.02 * k[-1], k[-1] * 1.02)
        ax.set_ylim(_log_limits(mean, exact, zeros_below=1e6))
        ax.title.set_text(title)
        entries = [
            _line_entry("mean", self.mean),
            _line_entry("exact E[J]", self.exact),
            _line_entry(f"α_t, max {lr_top:.3g}", self.lr_line),
        ]
        if starts:
            entries.append((mark_label, "line", {"color": COLORS[3], "ls": ":", "lw": 1}))
        self.legend.update(entries)


def draw_cycle(
    family: str = "sgdr",
    *,
    lr_max: float = 0.5,
    lr_min: float = 1e-3,
    T_0: int = 20,
    T_mult: float = 2.0,
    decay: float = 1.0,
    step_size_up: int = 20,
    step_size_down: int = 20,
    mode: str = "triangular",
    gamma: float = 0.99,
    T: int = 300,
    sigma: float = 0.3,
    n_seeds: int = 50,
    seed: int = 0,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Draw an SGDR or cyclical schedule and the loss of noisy SGD it drives.

    The schedule is :func:`build_cycle_schedule` ``(family, ...)``. The loss is the mean
    over ``n_seeds`` runs of :func:`lrsched.simulate_quadratic` ``(schedule, T=T,
    n_seeds=n_seeds, sigma=sigma, seed=seed, record="stats")`` on :math:`(\theta - 3)^2`
    from 0, with the exact :func:`lrsched.expected_loss` dashed. Dotted vertical lines mark
    the restarts (SGDR :meth:`~lrsched.SGDR.restarts`, real-valued when ``T_mult`` is not
    an integer) or the starts of the CLR cycles (multiples of
    :attr:`~lrsched.Cyclic.period`): each sends the rate back up, and the loss with it.
    One panel: the loss on a log scale, and :math:`\alpha_t` over it in its own vertical
    scale (0 at the bottom, its maximum, given in the legend, at 58% of the height).

    Parameters
    ----------
    family, lr_max, lr_min, T_0, T_mult, decay, step_size_up, step_size_down, mode, gamma
        See :func:`build_cycle_schedule`.
    T : int
        Updates drawn and simulated, ``>= 10``.
    sigma : float
        Gradient-noise standard deviation, ``>= 0``.
    n_seeds : int
        Runs averaged, ``>= 1``.
    seed : int
        Seed of the noise, ``>= 0``.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"restarts": (t, ...), "peaks": (t, ...), "final_mean",
        "final_exact", "min_mean"}``; ``table``: one row per restart with the mean loss
        just before it.
    """
    requested = {
        "family": family, "lr_max": lr_max, "lr_min": lr_min, "T_0": T_0, "T_mult": T_mult,
        "decay": decay, "step_size_up": step_size_up, "step_size_down": step_size_down,
        "mode": mode, "gamma": gamma, "T": T, "sigma": sigma, "n_seeds": n_seeds, "seed": seed,
    }  # fmt: skip
    built = build_cycle_schedule(
        family, lr_max=lr_max, lr_min=lr_min, T_0=T_0, T_mult=T_mult, decay=decay,
        step_size_up=step_size_up, step_size_down=step_size_down, mode=mode, gamma=gamma,
    )  # fmt: skip
    T = check_int("T", T, low=10)
    sigma = check_real("sigma", sigma, low=0.0)
    n_seeds = check_int("n_seeds", n_seeds, low=1)
    seed = check_int("seed", seed, low=0)
    painter = _CyclePainter.get(figure)
    notes = list(built.notes)
    sched = built.schedule
    res = simulate_quadratic(
        sched,
        T=T,
        n_seeds=n_seeds,
        c=_C,
        theta0=_THETA0,
        sigma=sigma,
        seed=seed,
        curvature=_CURVATURE,
        record="stats",
    )
    exact_full = expected_loss(
        sched, T=T, c=_C, theta0=_THETA0, sigma=sigma, curvature=_CURVATURE, overflow="inf"
    )
    exact = _finite_prefix(exact_full)
    if exact.size < exact_full.size:
        notes.append(f"the exact expectation overflows after {exact.size - 1} updates")
    n_div = int(res.diverged.sum())
    if n_div:
        notes.append(f"{n_div} of {n_seeds} runs diverged")
    lr = res.lr[:, 0]
    mean = res.loss_mean[:, 0]
    starts, peaks = _restart_positions(sched, T)
    what = "restart" if family == "sgdr" else "cycle start"
    rows = tuple((i + 1, s, float(mean[math.ceil(s)])) for i, s in enumerate(starts))
    final_exact = float(exact_full[-1])
    numbers = {
        "restarts": starts,
        "peaks": peaks,
        "final_mean": float(mean[-1]),
        "final_exact": final_exact if math.isfinite(final_exact) else None,
        "min_mean": float(mean.min()),
        "diverged": n_div,
    }
    shown = ", ".join(f"{s:g}" for s in starts[:8]) + (" …" if len(starts) > 8 else "")
    title = f"{len(starts)} {what}(s) at t = {shown}" if starts else f"no {what} before T"
    k = np.arange(T + 1)
    fig_title = (
        f"{built.label}: {len(starts)} {what}s; {n_seeds} seeds, σ={sigma:g}, "
        f"final loss {numbers['final_mean']:.3g}"
    )
    painter.paint(np.arange(T), lr, k, mean, exact, starts, f"{what}s", fig_title)
    painter.set_notes(notes)
    return ExplorerResult(
        kind="cycle",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=f"{built.label}: {title}",
        requested=requested,
        params={**built.params, "T": T, "sigma": sigma, "n_seeds": n_seeds, "seed": seed},
        numbers=numbers,
        columns=(what, "at t", "mean loss there"),
        table=rows,
        notes=tuple(notes),
        curves={"t": np.arange(T), "lr": lr, "k": k, "mean": mean, "exact": exact},
        schedule=sched,
        raw=res,
    )


# ----------------------------------------------------------------------------- widgets


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
    from IPython.display import Image, display

    display(Image(data=result.png(), format="png"))
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


# ----------------------------------------------------------------------------- explorers

_SCHEDULE_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(SCHEDULE_FAMILIES), description="schedule"),
    "T": _Spec("int", 10, 1000, 10, tooltip="horizon: updates drawn (and the schedule's T)"),
    "lr0": _Spec("log", 1e-4, 1.0, tooltip="initial / peak rate (cyclic: upper bound)"),
    "lr_min": _Spec(
        "float",
        0.0,
        0.05,
        1e-4,
        fmt=".4f",
        tooltip="floor (cosine, warm-up + cosine, SGDR, WSD); cyclic: lower bound",
    ),
    "gamma": _Spec("float", 0.05, 1.0, 0.05, fmt=".2f", tooltip="step decay: factor per drop"),
    "step_size": _Spec("int", 1, 200, 1, tooltip="step decay: updates between drops"),
    "lam": _Spec("float", 0.0, 0.2, 0.005, fmt=".3f", tooltip="exponential: rate constant λ"),
    "t_warm": _Spec(
        "int", 0, 200, 1, tooltip="warm-up (warm-up + cosine, inverse sqrt, WSD); one-cycle: rise"
    ),
    "t_decay": _Spec("int", 1, 500, 1, tooltip="WSD: cooldown length"),
    "cooldown": _Spec(
        "choice", options=tuple((c, c) for c in _COOLDOWNS), tooltip="WSD: cooldown shape"
    ),
    "T_0": _Spec("int", 1, 200, 1, tooltip="SGDR: first cycle length"),
    "T_mult": _Spec("float", 1.0, 3.0, 0.25, fmt=".2f", tooltip="SGDR: cycle growth factor"),
    "half": _Spec("int", 1, 200, 1, tooltip="cyclic: half-cycle (updates up = updates down)"),
}


def schedule_explorer(
    family: str = "cosine",
    *,
    T: int = 100,
    lr0: float = 0.1,
    lr_min: float = 1e-4,
    gamma: float = 0.5,
    step_size: int = 20,
    lam: float = 0.04,
    t_warm: int = 10,
    t_decay: int = 20,
    cooldown: str = "1-sqrt",
    T_0: int = 20,
    T_mult: float = 1.0,
    half: int = 20,
    show: bool | None = None,
) -> W.interactive:
    r"""Design your own schedule: a family, its parameters, the curve, a table of :math:`\alpha_t`.

    One dropdown picks the family (:data:`SCHEDULE_FAMILIES`) and one shared set of
    sliders sets the parameters; only the sliders the family reads are shown
    (:data:`SCHEDULE_PARAMS`; ``T``, the horizon drawn, is always there). Each change calls
    :func:`draw_schedule`: the curve on linear and log axes, and the table of
    :math:`\alpha_t` at ``t`` = 0, 10, 25, 50, 75, ``T - 1``. Impossible combinations
    (``t_warm >= T``, ``lr_min > lr0``, ...) are clamped and flagged in the figure.

    Parameters
    ----------
    family, T, lr0, lr_min, gamma, step_size, lam, t_warm, t_decay, cooldown, T_0, T_mult, half
        Initial values of the controls (see :func:`build_schedule`); each must lie in its
        slider's range: ``T`` in [10, 1000], ``lr0`` in [1e-4, 1], ``lr_min`` in [0, 0.05],
        ``gamma`` in [0.05, 1], ``step_size`` in [1, 200], ``lam`` in [0, 0.2], ``t_warm`` in
        [0, 200], ``t_decay`` in [1, 500], ``T_0`` in [1, 200], ``T_mult`` in [1, 3],
        ``half`` in [1, 200].
    show : bool, optional
        Render and display the figure and print the table on every update. Default: only
        inside a Jupyter kernel.

    Returns
    -------
    ipywidgets.interactive
        Controls in the order of the parameters above, then the output; ``.result`` is the
        latest :class:`ExplorerResult`.
    """
    values = {
        "family": family, "T": T, "lr0": lr0, "lr_min": lr_min, "gamma": gamma,
        "step_size": step_size, "lam": lam, "t_warm": t_warm, "t_decay": t_decay,
        "cooldown": cooldown, "T_0": T_0, "T_mult": T_mult, "half": half,
    }  # fmt: skip
    return _explorer(
        draw_schedule,
        _SCHEDULE_SPECS,
        values,
        show=show,
        visible=("family", SCHEDULE_PARAMS, ("T",)),
    )


_WARMUP_SPECS: dict[str, _Spec] = {
    "decay": _Spec("choice", options=_options(WARMUP_DECAYS), description="decay"),
    "warmup_pct": _Spec(
        "int", 0, 30, 1, description="warm-up %", tooltip="warm-up length in percent of T"
    ),
    "ramp": _Spec(
        "choice",
        options=tuple((r, r) for r in RAMPS),
        description="ramp",
        tooltip="from_zero: 0 at t=0, peak at t_warm; from_first_step: (t+1)/t_warm",
    ),
    "T": _Spec("int", 20, 10000, 20, tooltip="total updates"),
    "lr0": _Spec("log", 1e-5, 1.0, description="peak lr0"),
    "floor_ratio": _Spec(
        "float",
        0.0,
        1.0,
        0.01,
        fmt=".2f",
        description="lr_min/lr0",
        tooltip="floor as a fraction of the peak",
    ),
}


def warmup_explorer(
    decay: str = "cosine",
    *,
    warmup_pct: int = 5,
    ramp: str = "from_zero",
    T: int = 1000,
    lr0: float = 3e-4,
    floor_ratio: float = 0.1,
    cooldown_frac: float = 0.2,
    show: bool | None = None,
) -> W.interactive:
    """Warm-up length x decay style x warm-up convention: the curve and its key numbers.

    Each change calls :func:`draw_warmup`, which prints ``lr[0]``, ``lr[t_warm]``,
    ``lr[-1]`` and the mean rate, as the concept page's demo does.

    Parameters
    ----------
    decay, warmup_pct, ramp, T, lr0, floor_ratio
        Initial values of the controls (see :func:`build_warmup_schedule`); ``warmup_pct``
        in [0, 30], ``T`` in [20, 10000], ``lr0`` in [1e-5, 1], ``floor_ratio`` in [0, 1].
    cooldown_frac : float
        Fixed WSD cooldown fraction of ``T`` (not a control), in ``(0, 0.7]``.
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "decay": decay,
        "warmup_pct": warmup_pct,
        "ramp": ramp,
        "T": T,
        "lr0": lr0,
        "floor_ratio": floor_ratio,
    }
    cooldown_frac = check_real("cooldown_frac", cooldown_frac, low=0.0, high=0.7, low_open=True)
    return _explorer(
        draw_warmup, _WARMUP_SPECS, values, fixed={"cooldown_frac": cooldown_frac}, show=show
    )


_NOISY_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(NOISY_FAMILIES), description="schedule"),
    "lr0": _Spec(
        "float", 0.01, 1.2, 0.01, fmt=".2f", tooltip="starting (peak) rate; stability limit 1.0"
    ),
    "sigma": _Spec("float", 0.0, 2.0, 0.05, fmt=".2f", description="noise σ"),
    "n_seeds": _Spec("int", 1, 200, 1, description="seeds"),
    "T": _Spec("int", 10, 500, 10, tooltip="updates"),
    "seed": _Spec("int", 0, 99, 1, tooltip="seed of the noise"),
}


def noisy_sgd_explorer(
    family: str = "cosine",
    *,
    lr0: float = 0.3,
    sigma: float = 0.3,
    n_seeds: int = 50,
    T: int = 100,
    seed: int = 0,
    show: bool | None = None,
) -> W.interactive:
    """Noisy-SGD playground: Monte Carlo loss curves against the exact expected loss.

    Each change calls :func:`draw_noisy_sgd`. The ``lr0`` slider is hidden for the optimal
    1/t schedule, which does not read it.

    Parameters
    ----------
    family, lr0, sigma, n_seeds, T, seed
        Initial values of the controls (see :func:`draw_noisy_sgd`); ``lr0`` in [0.01, 1.2],
        ``sigma`` in [0, 2], ``n_seeds`` in [1, 200], ``T`` in [10, 500], ``seed`` in
        [0, 99].
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "family": family,
        "lr0": lr0,
        "sigma": sigma,
        "n_seeds": n_seeds,
        "T": T,
        "seed": seed,
    }
    uses = {key: ("lr0",) for key in NOISY_FAMILIES if key != "optimal"} | {"optimal": ()}
    return _explorer(
        draw_noisy_sgd,
        _NOISY_SPECS,
        values,
        continuous=False,
        show=show,
        visible=("family", uses, ()),
    )


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


_CYCLE_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(CYCLE_FAMILIES), description="schedule"),
    "lr_max": _Spec(
        "float",
        0.01,
        1.0,
        0.01,
        fmt=".2f",
        tooltip="SGDR: peak lr0; cyclic: upper bound (stability limit 1.0)",
    ),
    "lr_min": _Spec(
        "float", 0.0, 0.5, 0.001, fmt=".3f", tooltip="SGDR: floor; cyclic: lower bound"
    ),
    "T_0": _Spec("int", 1, 200, 1, tooltip="SGDR: first cycle length"),
    "T_mult": _Spec("float", 1.0, 3.0, 0.25, fmt=".2f", tooltip="SGDR: cycle growth factor"),
    "decay": _Spec(
        "float", 0.1, 1.0, 0.05, fmt=".2f", tooltip="SGDR: amplitude factor per restart"
    ),
    "step_size_up": _Spec("int", 1, 200, 1, description="steps up", tooltip="cyclic: rise"),
    "step_size_down": _Spec("int", 1, 200, 1, description="steps down", tooltip="cyclic: fall"),
    "mode": _Spec("choice", options=tuple((m, m) for m in _CYCLIC_MODES), tooltip="cyclic"),
    "gamma": _Spec(
        "float", 0.9, 1.0, 0.001, fmt=".3f", tooltip="cyclic exp_range: amplitude factor per update"
    ),
    "T": _Spec("int", 20, 500, 10, tooltip="updates"),
}


def cycle_explorer(
    family: str = "sgdr",
    *,
    lr_max: float = 0.5,
    lr_min: float = 1e-3,
    T_0: int = 20,
    T_mult: float = 2.0,
    decay: float = 1.0,
    step_size_up: int = 20,
    step_size_down: int = 20,
    mode: str = "triangular",
    gamma: float = 0.99,
    T: int = 300,
    sigma: float = 0.3,
    n_seeds: int = 50,
    seed: int = 0,
    show: bool | None = None,
) -> W.interactive:
    """SGDR / CLR explorer: the schedule, its restarts, and what they do to the loss.

    Each change calls :func:`draw_cycle`; only the controls the family reads are shown
    (:data:`CYCLE_PARAMS`).

    Parameters
    ----------
    family, lr_max, lr_min, T_0, T_mult, decay, step_size_up, step_size_down, mode, gamma, T
        Initial values of the controls (see :func:`draw_cycle`); ``lr_max`` in [0.01, 1],
        ``lr_min`` in [0, 0.5], ``T_0`` in [1, 200], ``T_mult`` in [1, 3], ``decay`` in
        [0.1, 1], the step sizes in [1, 200], ``gamma`` in [0.9, 1], ``T`` in [20, 500].
    sigma, n_seeds, seed
        Fixed settings of the simulation (not controls).
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    values = {
        "family": family, "lr_max": lr_max, "lr_min": lr_min, "T_0": T_0, "T_mult": T_mult,
        "decay": decay, "step_size_up": step_size_up, "step_size_down": step_size_down,
        "mode": mode, "gamma": gamma, "T": T,
    }  # fmt: skip
    fixed = {
        "sigma": check_real("sigma", sigma, low=0.0),
        "n_seeds": check_int("n_seeds", n_seeds, low=1, high=1000),
        "seed": check_int("seed", seed, low=0),
    }
    return _explorer(
        draw_cycle,
        _CYCLE_SPECS,
        values,
        fixed=fixed,
        continuous=False,
        show=show,
        visible=("family", CYCLE_PARAMS, ("T",)),
    )
