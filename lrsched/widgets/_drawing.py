"""What every explorer draws with and returns.

The result (:class:`ExplorerResult`, with its PNG and alt text), the figure and its Agg
canvas, the light legend, axis limits and styling, the painters' base class, the
validation helpers and the course's quadratic, shared by the explorer modules.

Canvas. Every explorer redraws one :class:`~matplotlib.figure.Figure` whose artists are
updated in place; its canvas (:class:`_Canvas`, a :class:`FigureCanvasAgg`) draws text
unhinted and writes RGB PNGs at zlib level 1. On matplotlib releases that lay text out
glyph by glyph (3.11 and later, recognised by :meth:`matplotlib.text.Text.get_fontfeatures`)
the canvas renders with :class:`_TextCacheRenderer`, which rasterises each plain label once
and reuses its bitmap; it relies on private pieces of the Agg backend, so it is used only
when :func:`text_cache_supported` finds them and a probe draws the same pixels as
matplotlib's own renderer. Everywhere else the canvas uses the stock
:class:`~matplotlib.backends.backend_agg.RendererAgg`, which on those releases already
rasterises a string in one piece. ``benchmarks/bench_widgets.py`` times both.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import textwrap
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .._extras import require

require("matplotlib", feature="lrsched.widgets")

import matplotlib as mpl  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Affine2D, ScaledTranslation  # noqa: E402

from .._validate import check_real  # noqa: E402
from ..noisy_sgd import simulate_quadratic  # noqa: E402
from ..plot import COLORS, _fmt_tick, _plain_log_ticks  # noqa: E402
from ..theory import expected_loss  # noqa: E402

#: Pixels per inch of the explorers' figures: a browser at 100 % zoom shows 96 CSS pixels
#: per inch and a notebook displays a PNG one image pixel per CSS pixel, so at this dpi a
#: font of ``s`` points is seen at ``s`` points.
_DPI = 96
#: The smallest font of any explorer text (tick labels, legends, notes), in points at
#: :data:`_DPI`: readable at 100 % zoom. :func:`_style`, :class:`_Legend` and
#: :class:`_Painter` raise every text of a figure to at least this size.
_MIN_FONT = 9.0
_LABEL_FONT = 10.0  # axis labels
_FIGSIZE = (9.0, 3.2)
_C, _THETA0, _CURVATURE = 3.0, 0.0, 2.0  # the course's quadratic (θ - 3)², start at 0
_TINY, _HUGE = 1e-300, 1e300


def _quadratic_runs(
    sched: Any, *, T: int, n_seeds: int, sigma: float, seed: int, record: str
) -> tuple[Any, np.ndarray]:
    """Noisy SGD on the course's quadratic: the Monte Carlo runs of
    :func:`lrsched.simulate_quadratic` and the exact :func:`lrsched.expected_loss` of the
    same schedule (``inf`` past an overflow), for the explorers that draw both."""
    res = simulate_quadratic(
        sched, T=T, n_seeds=n_seeds, c=_C, theta0=_THETA0, sigma=sigma, seed=seed,
        curvature=_CURVATURE, record=record,
    )  # fmt: skip
    exact = expected_loss(
        sched, T=T, c=_C, theta0=_THETA0, sigma=sigma, curvature=_CURVATURE, overflow="inf"
    )
    return res, exact


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class ExplorerResult:
    """What an explorer's callback (or a ``draw_*`` function) computed and drew.

    Attributes
    ----------
    kind : str
        ``"schedule"``, ``"warmup"``, ``"noisy_sgd"``, ``"range_test"``, ``"cycle"`` or
        ``"network"``.
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
    alt : str
        What the figure shows, in words (the image's alt text): the chart, its axes, the
        schedule and its parameters, the key numbers and the notes. Written by the
        painter from the same values it draws, once per update.
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
    alt: str = ""

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

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The PNG with its alt text: ``({"image/png": png}, {"image/png": {"alt": alt}})``.

        IPython puts the metadata in the output, where JupyterLab and nbconvert's HTML
        (the course site) read ``alt``.
        """
        return {"image/png": self.png()}, {"image/png": {"alt": self.alt}}

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
    """Render text without font hinting: a quarter of the redraw time, the same look at 96 dpi."""
    old = mpl.rcParams["text.hinting"]
    mpl.rcParams["text.hinting"] = "no_hinting"
    try:
        yield
    finally:
        mpl.rcParams["text.hinting"] = old


#: The FT2Font methods the text cache calls (public in matplotlib.ft2font, but not promised).
_FT2FONT_METHODS = ("set_text", "draw_glyphs_to_bitmap", "get_bitmap_offset", "get_image",
                    "get_descent")  # fmt: skip


def _has_text_cache_api() -> bool:
    """True when this matplotlib lays text out glyph by glyph (3.11+: ``Text`` has font
    features) and has the private Agg pieces :class:`_TextCacheRenderer` calls."""
    from matplotlib import ft2font

    return (
        hasattr(Text, "get_fontfeatures")
        and hasattr(Text, "get_language")
        and callable(getattr(RendererAgg, "_prepare_font", None))
        and all(callable(getattr(ft2font.FT2Font, m, None)) for m in _FT2FONT_METHODS)
    )


def _probe_pixels(renderer_cls: type) -> np.ndarray:
    """A small figure of labels (plain, rotated 90°, descenders, non-ASCII) drawn unhinted."""
    fig = Figure(figsize=(2.5, 1.0), dpi=_DPI)
    fig.text(0.05, 0.55, "lr α_t = 0.05, gy", fontsize=9)
    fig.text(0.05, 0.15, "update t (log)", fontsize=7, color=COLORS[0])
    fig.text(0.9, 0.1, "loss J", fontsize=9, rotation=90)
    w, h = (int(round(v)) for v in fig.bbox.size)
    renderer = renderer_cls(w, h, _DPI)
    with _unhinted_text():
        fig.draw(renderer)
    return 255 - np.asarray(renderer.buffer_rgba())[..., :3].min(axis=2).astype(float)


def _same_ink(a: np.ndarray, b: np.ndarray, *, rel: float = 0.05, px: float = 1.0) -> bool:
    """Two renderings of the same texts agree: total ink within ``rel``, ink centroid and
    ink bounding box within ``px`` (and 1 px more for the box) pixels."""
    sa, sb = a.sum(), b.sum()
    if sa == 0 or sb == 0 or abs(sa - sb) > rel * max(sa, sb):
        return False
    for axis in (0, 1):
        pa, pb = a.sum(axis=1 - axis), b.sum(axis=1 - axis)
        idx = np.arange(pa.size)
        if abs((idx * pa).sum() / sa - (idx * pb).sum() / sb) > px:
            return False
        ia, ib = np.flatnonzero(pa > 0), np.flatnonzero(pb > 0)
        if abs(ia[0] - ib[0]) > px + 1 or abs(ia[-1] - ib[-1]) > px + 1:
            return False
    return True


@functools.lru_cache(maxsize=1)
def text_cache_supported() -> bool:
    """Whether the explorers' canvas uses :class:`_TextCacheRenderer` on this matplotlib.

    True only when the cache's private Agg pieces are there (:func:`_has_text_cache_api`)
    and a probe drawn by the cache has the same ink, in the same place, as matplotlib's
    own :class:`~matplotlib.backends.backend_agg.RendererAgg` (checked once per process).
    Otherwise (matplotlib 3.7 to 3.10, or a release that changed those pieces) the
    explorers draw with the stock renderer.
    """
    if not _has_text_cache_api():
        return False
    try:
        cached = _probe_pixels(_TextCacheRenderer)
    except Exception:  # any change of the private pieces: fall back to the stock renderer
        return False
    return _same_ink(cached, _probe_pixels(RendererAgg))


class _TextCacheRenderer(RendererAgg):
    """RendererAgg that rasterises each plain text string once and reuses the bitmap.

    matplotlib 3.11 draws text glyph by glyph, which makes the explorers' few dozen
    labels the largest part of a redraw; most of them (tick labels, axis labels, legend
    entries) are the same from one update to the next. A string is rasterised as a whole
    with FreeType (the way matplotlib up to 3.10 did it) and its bitmap is cached under
    (string, font, size, angle, hinting, antialiasing); mathtext, rotated text other than
    0/90 degrees and text with font features or a language go to matplotlib's own path.
    Used only where :func:`text_cache_supported`.
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
        from matplotlib.backends.backend_agg import get_hinting_flag

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
    The canvas keeps its renderer between updates: a :class:`_TextCacheRenderer`, holding
    the bitmaps of the labels, where :func:`text_cache_supported`, else the stock
    :class:`~matplotlib.backends.backend_agg.RendererAgg`.

    Attributes
    ----------
    text_cache : bool or None
        Class-wide choice of renderer: ``None`` (default) uses the text cache where it is
        supported, ``False`` always uses the stock renderer (``True`` is the same as
        ``None``: the cache is never forced where the probe failed).
    """

    text_cache: bool | None = None

    def uses_text_cache(self) -> bool:
        """Whether this canvas renders with :class:`_TextCacheRenderer`."""
        return self.text_cache is not False and text_cache_supported()

    def get_renderer(self, *_: Any, **__: Any) -> RendererAgg:
        cls = _TextCacheRenderer if self.uses_text_cache() else RendererAgg
        w, h = self.get_width_height(physical=True)
        key = (cls, w, h, self.figure.dpi)
        if getattr(self, "_lrsched_renderer_key", None) != key:
            self.renderer = cls(w, h, self.figure.dpi)
            self._lrsched_renderer_key = key
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


def _alt(core: str, notes: list[str] | tuple[str, ...] = ()) -> str:
    """The alt text of a frame: what the painter drew, then the notes shown above it."""
    return core + "".join(f" Note: {n}." for n in notes)


class _Legend:
    """A light legend with matplotlib's look: frame, handles, labels.

    :class:`matplotlib.legend.Legend` lays out its offset boxes again on every draw,
    which costs more than the rest of a small figure's text; this one places its
    handles and labels once per update, at offsets in points from an axes corner.

    ``update`` takes ``(label, kind, style)`` entries: ``kind`` ``"line"`` (a
    :class:`~matplotlib.lines.Line2D` style: color, ls, lw, marker, alpha) or
    ``"patch"`` (a filled rectangle: color, alpha).

    ``loc`` is an inner corner of the axes (``"upper right"``, ...) or ``"outside right"``:
    to the right of the axes, top-aligned, where it covers no data (the painter leaves
    room for it). The font is at least :data:`_MIN_FONT` points.
    """

    def __init__(
        self, ax: Any, n: int, *, loc: str = "upper right", fontsize: float = _MIN_FONT
    ) -> None:
        fontsize = max(float(fontsize), _MIN_FONT)
        self.ax, self.loc, self.fontsize = ax, loc, fontsize
        fig = ax.figure
        corner = {
            "upper right": (1.0, 1.0),
            "upper left": (0.0, 1.0),
            "lower left": (0.0, 0.0),
            "lower right": (1.0, 0.0),
            "outside right": (1.0, 1.0),
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
        right = self.loc.endswith("right") and not self.loc.startswith("outside")
        upper = not self.loc.startswith("lower")
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
    ax.set_xlabel(xlabel, fontsize=_LABEL_FONT)
    ax.set_ylabel(ylabel, fontsize=_LABEL_FONT)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=_MIN_FONT)
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
    # the margin in decades: a ratio hi / lo beyond the float64 range would overflow, and
    # matplotlib's log ticks overflow with a top near 1e188, so the top stays <= 1e180
    lo_d, hi_d = math.log10(lo), math.log10(hi)
    pad = 0.05 * (hi_d - lo_d)
    top = min(hi_d + pad, 180.0)
    return (max(10.0 ** min(lo_d - pad, top - 1.0), _TINY), 10.0**top)


def _finite_prefix(a: np.ndarray) -> np.ndarray:
    bad = np.flatnonzero(~np.isfinite(a))
    return a if bad.size == 0 else a[: bad[0]]


def _notes_line(notes: list[str] | tuple[str, ...], width: int = 125) -> str:
    """The notes as one line for the top of the figure ('' when there are none)."""
    if not notes:
        return ""
    return textwrap.shorten("⚠ " + "; ".join(notes), width=width, placeholder=" …")


def _readable(fig: Figure) -> None:
    """Raise every text of ``fig`` below :data:`_MIN_FONT` points to that size, and the tick
    labels to come (matplotlib creates them on a draw, from the axes' tick parameters)."""
    for text in fig.findobj(Text):
        if text.get_fontsize() < _MIN_FONT:
            text.set_fontsize(_MIN_FONT)
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            for which, ticks in (("major", axis.get_major_ticks()),
                                 ("minor", axis.get_minor_ticks())):  # fmt: skip
                if ticks and ticks[0].label1.get_fontsize() < _MIN_FONT:
                    ax.tick_params(axis=name, which=which, labelsize=_MIN_FONT)


class _Painter:
    """Owns one figure and its artists; ``paint`` updates them in place.

    A subclass builds its artists in ``_build``; afterwards every text of the figure is
    raised to at least :data:`_MIN_FONT` points (:func:`_readable`)."""

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
            0.5, 0.99, "", ha="center", va="top", fontsize=_MIN_FONT, color=COLORS[3],
            visible=False,
        )  # fmt: skip
        _readable(figure)

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


# ----------------------------------------------------------------------------- built schedules


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
