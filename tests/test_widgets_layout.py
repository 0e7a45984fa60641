"""What the explorers' figures show, read off the Artist tree and the rendered layout.

* No learning rate on a loss axis: no line carrying the explorer's α_t (its exact values)
  lives on an Axes whose y label mentions the loss; the noisy-SGD and cycles explorers
  draw α_t in a panel of its own, below the loss on the same update axis.
* Legends cover no data: every legend's frame, as drawn, lies inside the figure and
  outside every Axes' data area, and holds its labels.
* A diverging setting draws without a RuntimeWarning (matplotlib's log locator used to
  overflow on limits of 1e-300 to 1e300), with loss limits inside the plotted range.
* The schedule explorer draws piecewise-constant schedules as staircases.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.transforms import Affine2D  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import widgets as wd  # noqa: E402
from lrsched.widgets._drawing import _Legend  # noqa: E402

from .widget_cases import fresh, no_pyplot_figures  # noqa: E402, F401

RANDOM_SETTINGS = 12

RATE_AND_LOSS = {
    "noisy_sgd": lambda: wd.noisy_sgd_explorer(show=False),
    "cycle": lambda: wd.cycle_explorer(show=False),
}
WITH_LEGENDS = {
    **RATE_AND_LOSS,
    "warmup": lambda: wd.warmup_explorer(show=False),
}
ALL = {**WITH_LEGENDS, "schedule": lambda: wd.schedule_explorer(show=False)}


def results(name: str, seed: int = 0):
    """The explorer's default frame, then frames at random settings of all controls."""
    w = ALL[name]()
    yield fresh(w)
    rng = np.random.default_rng(seed)
    for _ in range(RANDOM_SETTINGS):
        wd.set_controls(w, **wd.random_settings(w, rng))
        yield fresh(w)


# ----------------------------------------------------------------------------- α_t


def lines_carrying(fig: Figure, lr: np.ndarray) -> list[tuple[object, Line2D]]:
    """(axes, line) for every Line2D of ``fig`` whose y data are the rates ``lr``,
    whatever its transform."""
    found = []
    for ax in fig.axes:
        for line in ax.findobj(Line2D):
            y = np.asarray(line.get_ydata(), dtype=float)
            if y.shape == lr.shape and np.array_equal(y, lr):
                found.append((ax, line))
    return found


def rate_on_a_loss_axis(fig: Figure, lr: np.ndarray) -> list[str]:
    """The y labels of loss axes that carry α_t (empty when there is none)."""
    return [
        ax.get_ylabel() for ax, _ in lines_carrying(fig, lr) if "loss" in ax.get_ylabel().lower()
    ]


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_learning_rate_is_drawn_on_a_loss_axis(name):
    for r in results(name):
        lr = np.asarray(r.curves["lr"], dtype=float)
        carrying = lines_carrying(r.figure, lr)
        assert carrying, (name, r.params)  # α_t is drawn ...
        assert rate_on_a_loss_axis(r.figure, lr) == [], (name, r.params)  # ... not on a loss
        for ax, _ in carrying:
            assert "α" in ax.get_ylabel()


@pytest.mark.parametrize("name", sorted(RATE_AND_LOSS))
def test_the_rate_has_its_own_panel_below_the_loss_on_the_same_update_axis(name):
    r = fresh(RATE_AND_LOSS[name]())
    fig = r.figure
    painter = fig._lrsched_painter
    ax, ax_lr = painter.ax, painter.ax_lr
    assert "loss" in ax.get_ylabel() and "α_t" in ax_lr.get_ylabel()
    assert ax.get_yscale() == "log" and ax_lr.get_yscale() == "linear"
    [(owner, line)] = lines_carrying(fig, np.asarray(r.curves["lr"], dtype=float))
    assert owner is ax_lr and line is painter.lr_line
    assert ax.get_shared_x_axes().joined(ax, ax_lr)
    assert ax_lr.get_xlabel() == "update t"
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    loss_box, rate_box = ax.get_window_extent(renderer), ax_lr.get_window_extent(renderer)
    assert rate_box.y1 < loss_box.y0  # below, apart
    assert (rate_box.x0, rate_box.x1) == pytest.approx((loss_box.x0, loss_box.x1))
    # the rate panel's scale starts at 0 and reaches the largest rate
    lo, hi = ax_lr.get_ylim()
    assert lo <= 0.0 and hi >= r.curves["lr"].max()
    assert f"α_t, max {r.curves['lr'].max():.3g}" in r.legend


def test_the_rate_check_sees_a_rate_drawn_over_a_loss():
    """The old design, α_t in its own vertical scale over the loss axes, is caught."""
    fig = Figure()
    ax = fig.subplots()
    ax.set_ylabel("loss J(θ_t), log scale")
    lr = ls.Cosine(0.3, 100, 1e-4).values(100)
    ax.plot(np.arange(100), lr, transform=Affine2D().scale(1.0, 1.5) + ax.get_xaxis_transform())
    assert rate_on_a_loss_axis(fig, lr) == ["loss J(θ_t), log scale"]


# ----------------------------------------------------------------------------- legends


def legends_of(painter) -> list[_Legend]:
    return [v for v in vars(painter).values() if isinstance(v, _Legend)]


def legend_problems(fig: Figure, legends: list[_Legend]) -> list[str]:
    """Where a drawn legend covers an Axes' data area, leaves the figure, or does not hold
    its labels (empty when there is none)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    problems = []
    for i, legend in enumerate(legends):
        if not legend.frame.get_visible():
            continue
        box = legend.frame.get_window_extent(renderer)
        for j, ax in enumerate(fig.axes):
            if box.overlaps(ax.get_window_extent(renderer)):
                problems.append(f"legend {i} covers axes {j}")
        if box.x0 < page.x0 or box.x1 > page.x1 or box.y0 < page.y0 or box.y1 > page.y1:
            problems.append(f"legend {i} leaves the figure")
        for text in legend.texts:
            if not text.get_visible():
                continue
            tb = text.get_window_extent(renderer)
            if tb.x0 < box.x0 or tb.x1 > box.x1 or tb.y0 < box.y0 or tb.y1 > box.y1:
                problems.append(f"legend {i}: {text.get_text()!r} sticks out of the frame")
    return problems


@pytest.mark.parametrize("name", sorted(WITH_LEGENDS))
def test_legends_sit_outside_the_data_area(name):
    seen = 0
    for r in results(name, seed=1):
        painter = r.figure._lrsched_painter
        legends = legends_of(painter)
        assert legends and all(legend.loc == "outside right" for legend in legends)
        assert legend_problems(r.figure, legends) == [], (name, r.params)
        seen += sum(legend.frame.get_visible() for legend in legends)
    assert seen >= RANDOM_SETTINGS  # the legends were drawn, not skipped


@pytest.mark.parametrize(
    "draw",
    [
        # the longest labels each explorer can write
        lambda: wd.draw_warmup("constant", T=10000, warmup_pct=30, lr0=1.234e-5),
        lambda: wd.draw_noisy_sgd("cosine", lr0=0.33, sigma=1.95, n_seeds=200, T=500),
        lambda: wd.draw_cycle("cyclic", lr_max=0.33, lr_min=0.001, T=500, step_size_up=3),
    ],
)
def test_the_longest_legend_labels_fit_beside_the_axes(draw):
    r = draw()
    assert legend_problems(r.figure, legends_of(r.figure._lrsched_painter)) == []


def test_the_legend_check_sees_a_legend_over_the_data():
    r = wd.draw_warmup()
    ax = r.figure.axes[0]
    inner = _Legend(ax, 2, loc="upper right")
    inner.update([("α_t", "line", {}), ("mean rate 0.000164", "line", {})])
    assert legend_problems(r.figure, [inner]) == ["legend 0 covers axes 0"]


# ----------------------------------------------------------------------------- diverging runs

LOSS_BOTTOM, LOSS_TOP = 1e-300, 1e180

DIVERGING = {
    # slider values: the rate 1.2 blows the runs up to 9e12, then the step decay to 0.6
    # brings the exact expectation down by 0.04 per update, to 3e-276: the ratio of the
    # largest to the smallest loss is beyond the float64 range
    "noisy SGD, step decay from 1.2, σ = 0": lambda: wd.set_controls(
        wd.noisy_sgd_explorer(show=False),
        family="step",
        lr0=1.2,
        sigma=0.0,
        T=500,
        n_seeds=200,
    ),
    "noisy SGD, fixed 1.2": lambda: wd.set_controls(
        wd.noisy_sgd_explorer(show=False), family="fixed", lr0=1.2, T=500, n_seeds=1
    ),
    # past the sliders: the exact expectation reaches 1e307 before it overflows
    "noisy SGD, fixed 3": lambda: wd.draw_noisy_sgd("fixed", lr0=3.0, T=500, n_seeds=2),
    # σ = 0 and a rate of 0.49: the loss falls by 0.0004 per update, through the
    # subnormals to 0
    "cycles, σ = 0": lambda: wd.draw_cycle(lr_max=0.49, lr_min=0.49, sigma=0.0, T=300),
}


@pytest.mark.parametrize("case", sorted(DIVERGING))
def test_a_diverging_setting_draws_without_a_runtime_warning(case, recwarn):
    r = DIVERGING[case]()
    png = r.png()
    assert png.startswith(b"\x89PNG")
    assert [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)] == []
    ax = r.figure._lrsched_painter.ax
    lo, hi = ax.get_ylim()
    assert LOSS_BOTTOM <= lo < hi <= LOSS_TOP
    plotted = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in ax.lines])
    plotted = plotted[np.isfinite(plotted) & (plotted > 0)]
    # the limits follow the plotted values, up to the cap
    assert lo <= max(plotted.min(), LOSS_BOTTOM)
    assert hi >= min(plotted.max(), LOSS_TOP)


def test_the_warning_check_sees_the_old_limits():
    """Limits of 1e-300 to 1e300 on the loss axis made matplotlib's log locator overflow."""
    r = DIVERGING["noisy SGD, step decay from 1.2, σ = 0"]()
    r.figure._lrsched_painter.ax.set_ylim(1e-300, 1e300)
    with pytest.warns(RuntimeWarning, match="overflow"):
        r.png()


@pytest.mark.parametrize("name", sorted(RATE_AND_LOSS))
def test_loss_limits_hold_every_plotted_loss(name):
    for r in results(name, seed=2):
        ax = r.figure._lrsched_painter.ax
        lo, hi = ax.get_ylim()
        y = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in ax.lines])
        y = y[np.isfinite(y) & (y > 0)]
        assert lo <= y.min() and y.max() <= hi, (name, r.params)


# ----------------------------------------------------------------------------- staircases


def test_the_schedule_explorer_draws_a_step_decay_as_a_staircase():
    r = wd.draw_schedule("step", T=12, lr0=0.1, step_size=4, gamma=0.5)
    lr = 0.1 * 0.5 ** (np.arange(12) // 4)  # α_t = α_0 γ^⌊t/s⌋
    # held from each update to the next: (t, α_t) then (t + 1, α_t), ending at (11, α_11)
    corners = [(t + dt, lr[t]) for t in range(11) for dt in (0, 1)] + [(11, lr[11])]
    painter = r.figure._lrsched_painter
    for line in painter.lines:
        assert line.get_drawstyle() == "steps-post"
        np.testing.assert_allclose(line.get_path().vertices, corners, rtol=1e-15)
    assert "staircase" in r.alt


@pytest.mark.parametrize("family", ["cosine", "exponential", "warmup_cosine", "sgdr"])
def test_smooth_schedules_are_drawn_through_their_updates(family):
    r = wd.draw_schedule(family, T=50)
    painter = r.figure._lrsched_painter
    for line in painter.lines:
        assert line.get_drawstyle() == "default"
        np.testing.assert_array_equal(line.get_path().vertices[:, 1], r.curves["lr"])
    assert "staircase" not in r.alt


def test_one_figure_switches_between_staircase_and_curve():
    r = wd.draw_schedule("step", T=40)
    fig = r.figure
    r = wd.draw_schedule("cosine", T=40, figure=fig)
    assert r.figure is fig
    assert all(line.get_drawstyle() == "default" for line in fig._lrsched_painter.lines)


@pytest.mark.parametrize(("family", "stairs"), [("step", True), ("fixed", True), ("cosine", False)])
def test_the_noisy_sgd_rate_panel_draws_held_rates_as_a_staircase(family, stairs):
    r = wd.draw_noisy_sgd(family, T=20, n_seeds=2)
    line = r.figure._lrsched_painter.lr_line
    assert line.get_drawstyle() == ("steps-post" if stairs else "default")
    np.testing.assert_array_equal(line.get_ydata(), r.curves["lr"])
