"""The figures draw exactly the data they are given, with titles, labels and legends."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled(ax, title, xlabel, ylabel):
    """The axes carry exactly the documented title and axis labels, and a legend."""
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (title, xlabel, ylabel)
    assert ax.get_legend() is not None and ax.get_legend().get_texts()


def test_plot_schedules_draws_each_schedule_on_linear_and_log_axes():
    scheds = ls.seed_chapter_schedules()
    fig = plot.plot_schedules(scheds, 100)
    lin, log = fig.axes
    assert lin.get_yscale() == "linear" and log.get_yscale() == "log"
    for ax, sc in ((lin, "linear"), (log, "log")):
        ylabel = "learning rate α_t" + (" (log scale)" if sc == "log" else "")
        assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
            f"Learning-rate schedules ({sc} scale)", "update t", ylabel,
        )  # fmt: skip
        for line, s in zip(ax.get_lines(), scheds.values(), strict=True):
            np.testing.assert_array_equal(line.get_xdata(), np.arange(100))
            values = s.values(100)
            shown = values if sc == "linear" else np.where(values > 0, values, np.nan)
            np.testing.assert_array_equal(line.get_ydata(), shown)
    # one legend, on the last panel, naming every schedule
    assert lin.get_legend() is None
    assert [t.get_text() for t in log.get_legend().get_texts()] == list(scheds)


def test_plot_schedules_single_scale_and_callables():
    fig = plot.plot_schedules({"half": lambda t: 0.5 + 0 * t}, 5, scale="linear")
    (ax,) = fig.axes
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [0.5] * 5)
    with pytest.raises(ValueError, match="scale"):
        plot.plot_schedules({"a": ls.Constant(1.0)}, 5, scale="semilog")
    with pytest.raises(ValueError, match="T"):
        plot.plot_schedules({"a": ls.Constant(1.0)}, 0)
    with pytest.raises(ValueError, match="schedules"):
        plot.plot_schedules({}, 5)


def test_plot_bands_draws_mean_band_and_exact():
    x = np.arange(10)
    mean = np.linspace(1, 0.1, 10)
    fig = plot.plot_bands(x, {"cos": (mean, mean * 0.9, mean * 1.1)}, exact={"cos": mean * 1.01})
    (ax,) = fig.axes
    _labelled(ax, "Mean over seeds with 95% band", "update t", "loss")
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), mean)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), mean * 1.01)
    assert len(ax.collections) == 1 and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="shape"):
        plot.plot_bands(x, {"a": (mean[:3], mean[:3], mean[:3])})


def test_plot_range_test_marks_the_suggestions():
    lrs = np.logspace(-4, 0, 20)
    losses = (lrs - 0.1) ** 2
    fig = plot.plot_range_test(lrs, losses, suggestions={"valley": 0.05}, band=(0.01, 0.1))
    (ax,) = fig.axes
    _labelled(ax, "LR range test", "learning rate (log scale)", "loss")
    assert ax.get_xscale() == "log"
    vlines = [ln for ln in ax.get_lines() if np.all(np.asarray(ln.get_xdata()) == 0.05)]
    assert len(vlines) == 1
    assert any("valley: 0.05" in t.get_text() for t in ax.get_legend().get_texts())
    with pytest.raises(ValueError, match="same length"):
        plot.plot_range_test(lrs, losses[:-1])


def _errorbars(ax):
    """(mean, y, low, high) of every errorbar on ``ax``, from the drawn artists."""
    out = []
    for c in ax.containers:
        if isinstance(c, ErrorbarContainer):
            line, _caps, (bars,) = c.lines
            ((x0, y0), (x1, y1)) = bars.get_segments()[0]
            assert y0 == y1
            out.append((float(line.get_xdata()[0]), float(line.get_ydata()[0]), x0, x1))
    return out


def test_plot_comparison_draws_dots_with_their_intervals_not_bars():
    fig = plot.plot_comparison(["a", "b"], [1.0, 2.0], [0.5, 1.5], [1.5, 2.5], exact=[1.1, 1.9])
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    assert not any(isinstance(c, BarContainer) for c in ax.containers) and not ax.patches
    assert _errorbars(ax) == [(1.0, 0.0, 0.5, 1.5), (2.0, 1.0, 1.5, 2.5)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    np.testing.assert_array_equal(ax.collections[-1].get_offsets(), [[1.1, 0.0], [1.9, 1.0]])
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the first name on top
    with pytest.raises(ValueError, match="same length"):
        plot.plot_comparison(["a"], [1.0, 2.0], [0.5], [1.5])
    with pytest.raises(ValueError, match="seeds must have shape"):
        plot.plot_comparison(["a"], [1.0], [0.5], [1.5], seeds=np.ones((3, 2)))


def test_plot_comparison_on_a_log_axis_starts_where_the_values_are_positive():
    # A wide interval around a small mean reaches below 0: the axis still starts at a
    # positive value, the whisker runs to its edge and is marked there with "<".
    fig = plot.plot_comparison(["a", "b"], [1.0, 0.02], [-0.2, 0.01], [2.2, 0.03])
    (ax,) = fig.axes
    lo, hi = ax.get_xlim()
    assert 0 < lo < 0.01 and hi > 2.2
    (a, b) = _errorbars(ax)
    assert a[2] == pytest.approx(lo, rel=1e-12)  # clipped at the axis' left edge
    assert a[3] == pytest.approx(2.2)
    assert b == (0.02, 1.0, 0.01, pytest.approx(0.03))
    arrows = [ln for ln in ax.get_lines() if ln.get_marker() == "<"]
    assert len(arrows) == 1 and arrows[0].get_xdata()[0] == lo
    # Linear axis: the interval drawn as given.
    fig = plot.plot_comparison(["a", "b"], [1.0, 0.02], [-0.2, 0.01], [2.2, 0.03], log=False)
    assert _errorbars(fig.axes[0])[0][2] == pytest.approx(-0.2)


def test_plot_comparison_shows_seeds_faintly():
    seeds = np.array([[1.0, 0.1], [2.0, 0.2], [3.0, 0.3]])
    fig = plot.plot_comparison(["a", "b"], [2.0, 0.2], [1.0, 0.1], [3.0, 0.3], seeds=seeds)
    (ax,) = fig.axes
    faint = [c for c in ax.collections if c.get_alpha() is not None and c.get_alpha() < 0.5]
    assert len(faint) == 2
    for j, c in enumerate(faint):
        np.testing.assert_array_equal(c.get_offsets()[:, 0], seeds[:, j])
        assert np.all(np.abs(c.get_offsets()[:, 1] - j) < 0.5)  # around its own row


def test_plot_trajectories_draws_runs_and_their_mean():
    res = ls.simulate_quadratic({"fixed": np.full(20, 0.1)}, T=20, n_seeds=5, seed=1)
    fig = plot.plot_trajectories(res, n_show=3)
    (ax,) = fig.axes
    _labelled(ax, "Loss of individual runs and their mean", "update t", "loss J(θ_t)")
    lines = ax.get_lines()
    assert len(lines) == 4
    np.testing.assert_array_equal(lines[0].get_ydata(), res.loss[:, 0, 0])
    np.testing.assert_allclose(lines[-1].get_ydata(), res.loss[:, :, 0].mean(axis=1))
    with pytest.raises(ValueError, match="record"):
        plot.plot_trajectories(
            ls.simulate_quadratic([np.full(5, 0.1)], T=5, n_seeds=2, record=False)
        )


# Student-t quantile t_{0.975, 19} from published tables (e.g. NIST/SEMATECH e-Handbook,
# table 1.3.6.7.2, df = 19: 2.093), here to the digits scipy.stats.t.ppf(0.975, 19) gives.
T_975_DF19 = 2.093024054408263


def test_plot_comparison_result_shows_bands_dots_and_theory():
    cmp = ls.compare_schedules({"a": np.full(30, 0.1), "b": ls.Cosine(0.3, 30)}, T=30, n_seeds=20)
    fig = plot.plot_comparison_result(cmp)
    left, right = fig.axes
    _labelled(left, "Mean loss over 20 seeds, 95% band", "update t", "loss")
    _labelled(right, "Final loss", "final loss", "")
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(), cmp.step_mean[:, 0])
    np.testing.assert_allclose(left.get_lines()[1].get_ydata(), cmp.exact_curve[:, 0])
    assert right.get_xscale() == "log"
    assert not any(isinstance(c, BarContainer) for c in right.containers) and not right.patches
    # The whiskers are the Student-t 95% interval of the seeds' final losses, computed here
    # from the raw final losses and the tabulated quantile.
    final = cmp.final_loss
    mean = final.mean(axis=0)
    half = T_975_DF19 * final.std(axis=0, ddof=1) / np.sqrt(final.shape[0])
    bars = _errorbars(right)
    assert len(bars) == 2
    for k, (m, y, lo, hi) in enumerate(bars):
        assert y == k
        assert m == pytest.approx(mean[k], rel=1e-12)
        assert lo == pytest.approx(mean[k] - half[k], rel=1e-9)
        assert hi == pytest.approx(mean[k] + half[k], rel=1e-9)
    np.testing.assert_allclose(right.collections[-1].get_offsets()[:, 0], cmp.exact)
    # seeds=True adds every seed's final loss, faintly
    fig = plot.plot_comparison_result(cmp, seeds=True)
    faint = [c for c in fig.axes[1].collections if (c.get_alpha() or 1.0) < 0.5]
    np.testing.assert_array_equal(np.sort(faint[0].get_offsets()[:, 0]), np.sort(final[:, 0]))
    with pytest.raises(TypeError, match="Comparison"):
        plot.plot_comparison_result(object())


# ----------------------------------------------------------------------------- honest figures


def _all_figures():
    """One figure of every plotting function, on data that reaches 0 or below."""
    cmp = ls.compare_schedules({"a": np.full(30, 0.1), "b": ls.Cosine(0.3, 30)}, T=30, n_seeds=5)
    res = ls.simulate_quadratic({"fixed": np.full(20, 0.1)}, T=20, n_seeds=5, seed=1)
    x = np.arange(10)
    mean = np.linspace(1, 0.01, 10)
    lrs = np.logspace(-4, 0, 20)
    return {
        "schedules": plot.plot_schedules(
            {"warm-up from 0": ls.Warmup(ls.Cosine(0.1, 50), 10), "step": ls.StepDecay(0.1, 10)},
            50,
        ),
        "bands": plot.plot_bands(x, {"a": (mean, mean - 0.2, mean + 0.2)}, exact={"a": mean}),
        "comparison": plot.plot_comparison(["a", "b"], [1.0, 0.02], [-0.2, 0.01], [2.2, 0.03]),
        "comparison_result": plot.plot_comparison_result(cmp, seeds=True),
        "trajectories": plot.plot_trajectories(res, n_show=3),
        "range_test": plot.plot_range_test(
            lrs, (lrs - 0.1) ** 2, suggestions={"valley": 0.05}, band=(0.01, 0.1)
        ),
    }


def test_no_bar_chart_on_a_log_axis_anywhere():
    for name, fig in _all_figures().items():
        for ax in fig.axes:
            if "log" in (ax.get_xscale(), ax.get_yscale()):
                assert not any(isinstance(c, BarContainer) for c in ax.containers), name


def test_log_axes_start_where_the_values_are_positive():
    for name, fig in _all_figures().items():
        fig.canvas.draw()
        for ax in fig.axes:
            for which, scale, lim in (("x", ax.get_xscale(), ax.get_xlim()),
                                      ("y", ax.get_yscale(), ax.get_ylim())):  # fmt: skip
                if scale != "log":
                    continue
                lo, hi = sorted(lim)
                assert 0 < lo < hi and np.isfinite(hi), (name, which, lim)
                # every drawn point of a line is positive (non-positive values are masked)
                for line in ax.get_lines():
                    v = np.asarray(line.get_xdata() if which == "x" else line.get_ydata(), float)
                    assert np.all(v[np.isfinite(v)] > 0), (name, line.get_label())
    # the warm-up's α_0 = 0 is left out of the log panel, whose limits come from the
    # positive rates: the smallest and largest, 4 % of the span (in log space) beyond
    log = _all_figures()["schedules"].axes[1]
    warm, step = (ln.get_ydata() for ln in log.get_lines())
    assert np.isnan(warm[0]) and np.all(warm[1:] > 0)
    lo, hi = np.nanmin([warm, step]), np.nanmax([warm, step])
    assert log.get_ylim() == pytest.approx((lo / (hi / lo) ** 0.04, hi * (hi / lo) ** 0.04))


@pytest.mark.parametrize(
    "schedule, steps",
    [
        (ls.StepDecay(0.1, 10, 0.5), True),
        (ls.MultiStep(0.1, [15, 30], 0.1), True),
        (lambda t: 0.1 * 0.5 ** (t // 10), True),  # a staircase as a plain function
        (ls.Cosine(0.1, 50), False),
        (ls.Cosine(0.1, 5), False),  # flat past its horizon, but a cosine before it
        (ls.Exponential(0.1, 0.95), False),
        (ls.Warmup(ls.Cosine(0.1, 50), 10), False),
        (ls.Constant(0.1), False),  # no drop: a plain line
        (lambda t: 0.1 * np.cos(np.pi * t / 100) + 0.1, False),
    ],
)
def test_staircases_are_drawn_as_steps(schedule, steps):
    fig = plot.plot_schedules({"s": schedule}, 50)
    for ax in fig.axes:
        (line,) = ax.get_lines()
        assert line.get_drawstyle() == ("steps-post" if steps else "default")


def test_overlapping_curves_stay_distinguishable():
    same = {f"s{i}": ls.Constant(0.1) for i in range(12)}  # every curve on top of the others
    fig = plot.plot_schedules(same, 40, scale="linear")
    lines = fig.axes[0].get_lines()
    looks = {(ln.get_color(), ln.get_linestyle(), ln.get_marker()) for ln in lines}
    assert len(looks) == 12
    # neighbours differ in dash pattern and marker, not only in colour (grey-scale print)
    for a, b in zip(lines, lines[1:], strict=False):
        assert a.get_linestyle() != b.get_linestyle() and a.get_marker() != b.get_marker()
    # and their markers sit at different updates
    starts = {ln.get_markevery()[0] for ln in lines[:4]}
    assert len(starts) == 4


def _data_points(ax):
    """Display coordinates of every data point drawn inside ``ax``."""
    pts = []
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float)
        pts.append(line.get_transform().transform(xy[np.isfinite(xy).all(axis=1)]))
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if offsets.size:
            pts.append(coll.get_offset_transform().transform(offsets))
        for path in coll.get_paths():
            v = np.asarray(path.vertices, dtype=float)
            pts.append(coll.get_transform().transform(v[np.isfinite(v).all(axis=1)]))
    pts = np.concatenate([p for p in pts if p.size]) if pts else np.zeros((0, 2))
    box = ax.get_window_extent()
    inside = ((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1)
              & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1))  # fmt: skip
    return pts[inside]


def test_legends_cover_no_data():
    for name, fig in _all_figures().items():
        fig.canvas.draw()  # Agg: the real layout
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            box = legend.get_window_extent()
            for other in fig.axes:
                pts = _data_points(other)
                assert pts.size
                hit = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1)
                       & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))  # fmt: skip
                assert not hit.any(), (name, ax.get_title())


def test_plot_range_test_result_marks_its_suggestions():
    res = ls.range_test(
        lambda lr: (lr - 0.3) ** 2 + 1.0, 1e-3, 1.0, 40, smooth=None, stop_factor=None
    )
    fig = plot.plot_range_test_result(res)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    for name, lr in res.suggestions().items():
        assert f"{name}: {lr:.3g}" in legend


def _tick_labels(ax, which):
    """The labels of the major ticks drawn inside the axes' view."""
    ax.figure.canvas.draw()
    axis = ax.xaxis if which == "x" else ax.yaxis
    lo, hi = sorted(axis.get_view_interval())
    fmt = axis.get_major_formatter()
    return [fmt(v) for v in axis.get_majorticklocs() if lo <= v <= hi]


@pytest.mark.parametrize(
    "lo, hi, expected",
    [
        (1e-8, 30.0, None),  # many decades: decade ticks only
        (0.05, 0.5, ["0.05", "0.1", "0.2", "0.5"]),  # one decade: 1-2-5 steps
        (0.3, 0.5, None),  # inside a decade: a few linear ticks
    ],
)
def test_style_axes_labels_log_axes_in_plain_numbers(lo, hi, expected):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [lo, hi], label="a")
    plot.style_axes(ax, title="t", xlabel="x", ylabel="y", log_y=True)
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    labels = _tick_labels(ax, "y")
    assert labels and not any("$" in s for s in labels)  # no typeset 10^k labels
    values = [float(s) for s in labels]
    if expected is not None:
        assert labels == expected
    if hi / lo > 100:  # decades: every tick an integer power of ten
        assert all(np.isclose(np.log10(v), round(np.log10(v))) for v in values)
    assert len(ax.yaxis.get_minorticklocs()) == 0
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    assert ax.get_legend() is not None  # a labelled artist: legend drawn by default


def test_style_axes_keeps_or_switches_scales_and_legend():
    fig, ax = plt.subplots()
    ax.plot([1e-3, 1.0], [1, 2])
    ax.set_xscale("log")
    plot.style_axes(ax)  # keeps the log x axis, restyles its ticks
    assert ax.get_xscale() == "log" and not any("$" in s for s in _tick_labels(ax, "x"))
    assert ax.get_legend() is None  # nothing labelled
    plot.style_axes(ax, log_x=False, legend=False)
    assert ax.get_xscale() == "linear" and ax.get_legend() is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"title": 3}, "title must be a str"),
        ({"ylabel": b"y"}, "ylabel must be a str"),
        ({"log_y": "yes"}, "log_y must be True, False or None"),
        ({"legend": 1}, "legend must be True, False or None"),
    ],
)
def test_style_axes_rejects_bad_arguments(kwargs, match):
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match=match):
        plot.style_axes(ax, **kwargs)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot.style_axes(fig)


# ----------------------------------------------------------------------------- show, alt text

ALT = "Learning rate against update t for two constant schedules"


def _small_figure():
    return plot.plot_schedules({"a": ls.Constant(0.1), "b": ls.Constant(0.2)}, 5, scale="linear")


def test_figure_output_attaches_the_alt_text_to_the_png():
    from IPython.core.pylabtools import print_figure

    fig = _small_figure()
    data, metadata = plot.figure_output(fig, alt=ALT)
    assert metadata["image/png"]["alt"] == ALT
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # outside IPython: the inline backend's default rendering (figure dpi, tight bbox)
    assert png == print_figure(fig, "png", bbox_inches="tight")
    assert data["text/plain"] == repr(fig)
    assert plt.fignum_exists(fig.number)  # figure_output draws, it does not close


@pytest.mark.parametrize(
    "alt, error, match",
    [
        (None, TypeError, "alt must be a str"),
        (3, TypeError, "alt must be a str"),
        (True, TypeError, "alt must be a str"),
        (b"bytes", TypeError, "alt must be a str"),
        (["a"], TypeError, "alt must be a str"),
        ("", ValueError, "alt must be a non-empty str"),
        (" \n\t", ValueError, "alt must be a non-empty str"),
    ],
)
def test_show_and_figure_output_reject_a_missing_or_empty_alt(alt, error, match, capsys):
    fig = _small_figure()
    with pytest.raises(error, match=match):
        plot.figure_output(fig, alt=alt)
    with pytest.raises(error, match=match):
        plot.show(fig, alt=alt)
    with pytest.raises(TypeError, match="required keyword-only argument: 'alt'"):
        plot.show(fig)
    assert capsys.readouterr().out == ""  # nothing shown for a rejected call


@pytest.mark.parametrize("fig", [None, "figure", 1.5, np.zeros((2, 2))])
def test_show_and_figure_output_reject_what_is_not_a_figure(fig):
    for func in (plot.show, plot.figure_output):
        with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
            func(fig, alt=ALT)


def test_show_outside_ipython_prints_the_alt_text_and_closes_the_figure(capsys):
    fig = _small_figure()
    assert plt.fignum_exists(fig.number)
    plot.show(fig, alt=ALT)
    assert capsys.readouterr().out == f"[figure: {ALT}]\n"
    assert not plt.fignum_exists(fig.number)


# Run in a separate interpreter: an IPython shell with the inline backend, as in a notebook
# kernel, would stay installed for the rest of the test session.
_IN_IPYTHON = r"""
import json
import sys

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

class Shell(InteractiveShell):
    def enable_gui(self, gui=None):  # a kernel's inline backend needs no GUI event loop
        pass


shell = Shell.instance()
shell.enable_matplotlib("inline")
shell.user_ns["ALT"] = sys.argv[1]
shell.run_cell("import matplotlib.pyplot as plt\nimport lrsched as ls")
draw = 'fig = ls.plot.plot_schedules({"a": ls.Constant(0.1), "b": ls.Constant(0.2)}, 5)\n'
result = {}
for name, last in (("plt_show", "plt.show()"), ("plot_show", "ls.plot.show(fig, alt=ALT)")):
    with capture_output() as cap:
        shell.run_cell(draw + last, store_history=False).raise_error()
    result[name] = [{"data": o.data, "metadata": o.metadata} for o in cap.outputs]
result["open_after"] = shell.run_cell("plt.get_fignums()", store_history=False).result
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def in_ipython():
    """What an IPython shell with the inline backend displays for three cells."""
    run = subprocess.run(
        [sys.executable, "-c", _IN_IPYTHON, ALT],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_show_in_ipython_displays_one_png_with_the_alt_text(in_ipython):
    (shown,) = in_ipython["plot_show"]  # once: closed, so the inline backend shows it no more
    assert shown["metadata"] == {"image/png": {"alt": ALT}}
    assert set(shown["data"]) == {"image/png", "text/plain"}
    assert base64.b64decode(shown["data"]["image/png"]).startswith(b"\x89PNG")
    assert in_ipython["open_after"] == []  # the figure was closed


def test_show_in_ipython_gives_the_same_png_as_plt_show(in_ipython):
    (before,) = in_ipython["plt_show"]
    (after,) = in_ipython["plot_show"]
    assert before["metadata"] == {}  # plt.show(): no alt text
    assert after["data"] == before["data"]  # same bytes, same text/plain


def test_without_matplotlib_the_import_error_names_the_course_extra():
    """``import lrsched`` needs only NumPy; ``lrsched.plot`` says which extra brings matplotlib."""
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None  # as if it were not installed\n"
        "import lrsched as ls\n"
        "print(ls.Cosine(0.1, 10)(5))\n"
        "try:\n"
        "    import lrsched.plot\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    core, message = run.stdout.strip().splitlines()
    assert float(core) == pytest.approx(0.05)
    assert "lrsched.plot needs 'matplotlib'" in message
    assert 'pip install "lrsched[course]"' in message
