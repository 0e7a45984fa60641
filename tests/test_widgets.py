"""The explorers of lrsched.widgets, driven through their widgets as a learner would.

Each explorer is an ``ipywidgets.interactive``: setting a control's ``.value`` runs the
callback synchronously (no kernel, no browser), and ``w.result`` holds what it computed
and drew. The numbers must be exactly what lrsched computes directly, the figure must
show them, and no combination of control values may raise or draw non-finite data.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import widgets as wd  # noqa: E402

TABLE_T = [0, 10, 25, 50, 75]
FUZZ_N = 1000


# ----------------------------------------------------------------------------- helpers


def fresh(w: W.interactive) -> wd.ExplorerResult:
    """``w.result``, checked to come from the current control values.

    ``interactive`` logs and swallows a callback's exception, leaving the previous result
    in place; calling the callback again surfaces the error with its traceback.
    """
    r = w.result
    if r is None or any(r.requested.get(k) != v for k, v in w.kwargs.items()):
        w.f(**w.kwargs)  # re-raise what interactive swallowed
        pytest.fail(f"stale result for {w.kwargs}")
    return r


def assert_finite_figure(fig: Figure) -> None:
    for ax in fig.axes:
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            assert np.isfinite(xy).all(), (ax.get_title(), line)
        for coll in ax.collections:
            for path in coll.get_paths():
                assert np.isfinite(path.vertices).all(), (ax.get_title(), coll)
        for patch in ax.patches:
            assert np.isfinite(patch.get_path().vertices).all()
        for lim in (ax.get_xlim(), ax.get_ylim()):
            assert np.isfinite(lim).all() and lim[0] < lim[1]


def assert_finite_numbers(numbers: dict) -> None:
    for key, value in numbers.items():
        if isinstance(value, dict):
            assert_finite_numbers(value)
        elif isinstance(value, (tuple, list)):
            assert all(math.isfinite(v) for v in value), key
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            assert math.isfinite(value), key


def assert_labelled(ax, *, title: bool = True) -> None:
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    if title:
        assert ax.get_title()


def option_values(widget: W.Widget) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in widget.options]


def fuzz(w: W.interactive, seed: int, n: int = FUZZ_N) -> int:
    """Random values for every control, ``n`` times; every update checked."""
    rng = np.random.default_rng(seed)
    notes = 0
    for _ in range(n):
        wd.set_controls(w, **wd.random_settings(w, rng))
        r = fresh(w)
        assert_finite_figure(r.figure)
        assert_finite_numbers(r.numbers)
        assert all(np.isfinite(np.asarray(c, dtype=float)).all() for c in r.curves.values())
        notes += bool(r.notes)
    return notes


@pytest.fixture(autouse=True)
def _no_pyplot_figures():
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "an explorer left a pyplot figure open"
    plt.close("all")


# ----------------------------------------------------------------------------- common


@pytest.mark.parametrize(
    "build, kind",
    [
        (wd.schedule_explorer, "schedule"),
        (wd.warmup_explorer, "warmup"),
        (wd.noisy_sgd_explorer, "noisy_sgd"),
        (wd.range_test_explorer, "range_test"),
        (wd.cycle_explorer, "cycle"),
    ],
)
def test_explorer_is_an_interactive_with_controls_then_output(build, kind):
    w = build()
    assert isinstance(w, W.interactive)
    assert isinstance(w.children[-1], W.Output)
    ctl = wd.controls(w)
    assert list(ctl) == list(w.kwargs)
    assert list(w.children[:-1]) == list(ctl.values())
    r = fresh(w)
    assert r.kind == kind
    assert isinstance(r.figure, Figure)
    assert r.text.startswith(r.title)
    png = r.png()
    assert png.startswith(b"\x89PNG")
    # The inline backend renders with print_figure(bbox_inches="tight").
    buf = io.BytesIO()
    r.figure.canvas.print_figure(buf, format="png", bbox_inches="tight")
    assert buf.getvalue().startswith(b"\x89PNG")


def test_explorers_reuse_one_figure():
    w = wd.schedule_explorer()
    fig = w.result.figure
    ctl = wd.controls(w)
    ctl["lr0"].value = 0.01
    ctl["family"].value = "step"
    assert w.result.figure is fig
    assert len(fig.axes) == 2


def test_draw_functions_update_a_given_figure_or_adopt_a_foreign_one():
    r1 = wd.draw_schedule("cosine", T=50)
    r2 = wd.draw_schedule("step", T=80, figure=r1.figure)
    assert r2.figure is r1.figure
    np.testing.assert_array_equal(r2.figure.axes[0].lines[0].get_ydata(), r2.curves["lr"])
    foreign = Figure()
    r3 = wd.draw_schedule("constant", figure=foreign)
    assert r3.figure is foreign and len(foreign.axes) == 2
    # A figure drawn by another explorer is cleared and redrawn, not mixed up.
    r4 = wd.draw_warmup(figure=r1.figure)
    assert r4.figure is r1.figure and len(r1.figure.axes) == 1
    with pytest.raises(TypeError, match="figure"):
        wd.draw_schedule("cosine", figure="not a figure")


def test_show_displays_the_png_and_prints_the_table(capsys):
    w = wd.schedule_explorer(show=True)
    out = capsys.readouterr().out
    assert "α_t" in out and "0.05005" in out
    wd.controls(w)["T"].value = 200
    assert "199" in capsys.readouterr().out


def test_controls_and_set_controls_validate():
    w = wd.cycle_explorer()
    with pytest.raises(ValueError, match="unknown control"):
        wd.set_controls(w, T_00=3)
    with pytest.raises(TypeError, match="explorer"):
        wd.controls(W.VBox())
    r = wd.set_controls(w, family="cyclic", step_size_up=7, T=100)
    assert r is w.result and r.params["step_size_up"] == 7


# ----------------------------------------------------------------------------- 1. schedules


def table_ts(T: int) -> list[int]:
    return sorted({t for t in TABLE_T if t < T} | {T - 1})


@pytest.mark.parametrize(
    "family, settings, expected",
    [
        ("constant", {"lr0": 0.01}, lambda: ls.Constant(0.01)),
        ("step", {"step_size": 30, "gamma": 0.5}, lambda: ls.StepDecay(0.1, 30, 0.5)),
        ("exponential", {"lam": 0.05}, lambda: ls.Exponential(0.1, lam=0.05)),
        ("cosine", {"T": 200, "lr_min": 0.001}, lambda: ls.Cosine(0.1, 200, 0.001)),
        ("warmup_cosine", {"t_warm": 20}, lambda: ls.warmup_cosine(0.1, 100, 20, 1e-4)),
        ("cyclic", {"half": 15, "lr_min": 0.002}, lambda: ls.Cyclic(0.002, 0.1, 15)),
        ("sgdr", {"T_0": 10, "T_mult": 2.0}, lambda: ls.SGDR(0.1, 10, 2.0, 1e-4)),
        ("sgdr", {"T_0": 7, "T_mult": 1.75}, lambda: ls.SGDR(0.1, 7, 1.75, 1e-4)),
        ("one_cycle", {"t_warm": 30}, lambda: ls.OneCycle(0.1, 100, pct_start=0.3)),
        ("inverse_sqrt", {"t_warm": 10, "T": 300}, lambda: ls.InverseSqrt(0.1, 10)),
        (
            "wsd",
            {"t_warm": 10, "t_decay": 30, "cooldown": "cosine"},
            lambda: ls.WSD(0.1, 100, 10, 30, "cosine", 1e-4),
        ),
        ("wsd", {"t_warm": 0, "t_decay": 20}, lambda: ls.WSD(0.1, 100, 0, 20, "1-sqrt", 1e-4)),
    ],
)
def test_schedule_explorer_shows_the_lrsched_schedule(family, settings, expected):
    w = wd.schedule_explorer()
    ctl = wd.controls(w)
    ctl["family"].value = family
    for name, value in settings.items():
        ctl[name].value = value
    r = fresh(w)
    T = w.kwargs["T"]
    values = expected().values(T)
    ts = table_ts(T)
    assert [row[0] for row in r.table] == ts
    np.testing.assert_array_equal([row[1] for row in r.table], values[ts])
    assert r.numbers["table"] == {t: float(values[t]) for t in ts}
    assert r.notes == ()
    assert repr(r.schedule) == repr(expected())
    lin, log = r.figure.axes
    assert lin.get_yscale() == "linear" and log.get_yscale() == "log"
    for ax in (lin, log):
        assert_labelled(ax)
        curve, points = ax.get_lines()
        np.testing.assert_array_equal(curve.get_xdata(), np.arange(T))
        np.testing.assert_array_equal(curve.get_ydata(), values)
        np.testing.assert_array_equal(points.get_xdata(), ts)
        np.testing.assert_array_equal(points.get_ydata(), values[ts])
    assert family.split("_")[0].lower() in lin.get_title().lower().replace("-", "_") or (
        wd.SCHEDULE_FAMILIES[family] in lin.get_title()
    )
    header = r.text.splitlines()[1]
    assert "t" in header and "α_t" in header


def test_schedule_explorer_default_is_the_seed_chapter_cosine():
    r = fresh(wd.schedule_explorer())
    assert r.numbers["table"][50] == ls.Cosine(0.1, 100, 1e-4)(50) == pytest.approx(0.05005)
    assert [row[0] for row in r.table] == [0, 10, 25, 50, 75, 99]


@pytest.mark.parametrize(
    "settings, expected, note",
    [
        (
            {"family": "warmup_cosine", "T": 50, "t_warm": 80},
            ls.warmup_cosine(0.1, 50, 49, 1e-4),
            "t_warm",
        ),
        ({"family": "warmup_cosine", "t_warm": 0}, ls.Cosine(0.1, 100, 1e-4), "no warm-up"),
        (
            {"family": "cosine", "lr0": 0.001, "lr_min": 0.01},
            ls.Cosine(0.001, 100, 0.001),
            "lr_min",
        ),
        (
            {"family": "sgdr", "lr0": 0.001, "lr_min": 0.04},
            ls.SGDR(0.001, 20, 1.0, 0.001),
            "lr_min",
        ),
        ({"family": "cyclic", "lr0": 0.001, "lr_min": 0.04}, ls.Cyclic(0.001, 0.04, 20), "swapped"),
        ({"family": "cyclic", "lr0": 0.01, "lr_min": 0.01}, ls.Cyclic(0.0, 0.01, 20), "set to 0"),
        ({"family": "one_cycle", "t_warm": 0}, ls.OneCycle(0.1, 100, pct_start=0.02), "t_warm"),
        (
            {"family": "one_cycle", "T": 20, "t_warm": 150},
            ls.OneCycle(0.1, 20, pct_start=19 / 20),
            "t_warm",
        ),
        ({"family": "inverse_sqrt", "t_warm": 0}, ls.InverseSqrt(0.1, 1), "t_warm"),
        (
            {"family": "wsd", "T": 40, "t_decay": 300, "t_warm": 5},
            ls.WSD(0.1, 40, 0, 40, lr_min=1e-4),
            "t_decay",
        ),
        (
            {"family": "wsd", "T": 40, "t_decay": 30, "t_warm": 20},
            ls.WSD(0.1, 40, 10, 30, lr_min=1e-4),
            "t_warm",
        ),
    ],
)
def test_schedule_explorer_clamps_impossible_settings_and_says_so(settings, expected, note):
    w = wd.schedule_explorer(cooldown="linear")
    r = wd.set_controls(w, **settings)
    fresh(w)
    assert any(note in n for n in r.notes), r.notes
    np.testing.assert_array_equal(r.curves["lr"], expected.values(w.kwargs["T"]))
    painter_notes = [t for t in r.figure.texts if t.get_visible() and t.get_text()]
    assert painter_notes and note in painter_notes[0].get_text()
    assert any(n in r.text for n in r.notes)


def test_schedule_explorer_hides_the_sliders_a_family_does_not_read():
    w = wd.schedule_explorer("step")
    ctl = wd.controls(w)

    def shown():
        return {n for n, c in ctl.items() if c.layout.display != "none"}

    assert shown() == {"family", "T", "lr0", "step_size", "gamma"}
    ctl["family"].value = "wsd"
    assert shown() == {"family", "T", "lr0", "lr_min", "t_warm", "t_decay", "cooldown"}


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"lr0": 5.0}, ValueError, "lr0"),
        ({"lr0": 0}, ValueError, "lr0"),
        ({"family": "bogus"}, ValueError, "family"),
        ({"family": 3}, TypeError, "family"),
        ({"T": 10.5}, TypeError, "T"),
        ({"T": 5}, ValueError, "T"),
        ({"T_mult": 0.5}, ValueError, "T_mult"),
        ({"cooldown": "fast"}, ValueError, "cooldown"),
        ({"show": "yes"}, TypeError, "show"),
    ],
)
def test_schedule_explorer_rejects_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.schedule_explorer(**kwargs)


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"T": 5}, ValueError, "T"),
        ({"gamma": 0.0}, ValueError, "gamma"),
        ({"step_size": 0}, ValueError, "step_size"),
        ({"lam": -1.0}, ValueError, "lam"),
        ({"lr_min": float("nan")}, ValueError, "lr_min"),
        ({"half": 2.5}, TypeError, "half"),
    ],
)
def test_draw_schedule_rejects_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.draw_schedule("cosine", **kwargs)


def test_schedule_explorer_fuzz():
    notes = fuzz(wd.schedule_explorer(), seed=1)
    assert notes > 0  # the fuzz does reach the clamped combinations


# ----------------------------------------------------------------------------- 2. warm-up


def test_warmup_explorer_default_numbers():
    r = fresh(wd.warmup_explorer())
    lr_min = r.params["lr_min"]  # the floor is set as a ratio: 0.1 * 3e-4
    assert lr_min == pytest.approx(3e-5, rel=1e-12)
    sched = ls.Warmup(ls.Cosine(3e-4, 950, lr_min), 50)
    lr = sched.values(1000)
    assert r.numbers == {
        "t_warm": 50,
        "lr_first": 0.0,
        "lr_at_warm": float(lr[50]),
        "lr_last": float(lr[-1]),
        "lr_mean": float(lr.mean()),
        "lr_peak": float(lr.max()),
    }
    assert r.numbers["lr_peak"] == pytest.approx(3e-4, rel=1e-12)
    assert [row[1] for row in r.table[:4]] == [0.0, lr[50], lr[-1], lr.mean()]
    (ax,) = r.figure.axes
    assert_labelled(ax)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), lr)
    assert any("mean" in label for label in r.legend)


@pytest.mark.parametrize("ramp", ["from_zero", "from_first_step"])
@pytest.mark.parametrize("decay", ["cosine", "linear", "exponential", "constant", "wsd"])
def test_warmup_explorer_decay_styles(decay, ramp):
    w = wd.warmup_explorer()
    ctl = wd.controls(w)
    ctl["T"].value = 400
    ctl["warmup_pct"].value = 10
    ctl["decay"].value = decay
    ctl["ramp"].value = ramp
    ctl["floor_ratio"].value = 0.2
    r = fresh(w)
    lr0, lr_min, tw, T = 3e-4, 0.2 * 3e-4, 40, 400
    body = {
        "cosine": lambda: ls.Cosine(lr0, T - tw, lr_min),
        "linear": lambda: ls.Polynomial(lr0, T - tw, 1.0, lr_min),
        "exponential": lambda: ls.Exponential(lr0, gamma=r.params["gamma"]),
        "constant": lambda: ls.Constant(lr0),
    }
    if decay == "wsd":
        expected = ls.WSD(lr0, T, tw, 80, "1-sqrt", lr_min, ramp=ramp)
    else:
        expected = ls.Warmup(body[decay](), tw, ramp=ramp)
    lr = expected.values(T)
    np.testing.assert_array_equal(r.curves["lr"], lr)
    np.testing.assert_array_equal(r.figure.axes[0].get_lines()[0].get_ydata(), lr)
    assert r.numbers["lr_first"] == lr[0] == (0.0 if ramp == "from_zero" else lr0 / tw)
    assert r.numbers["lr_at_warm"] == lr[tw]
    assert r.numbers["lr_last"] == lr[-1]
    assert r.numbers["lr_mean"] == lr.mean()
    if decay == "exponential":  # the rate constant is chosen to reach the floor at t = T
        assert lr0 * r.params["gamma"] ** (T - tw) == pytest.approx(lr_min)
    span = r.figure.axes[0].patches[0]
    assert span.get_x() == 0 and span.get_width() == tw


def test_warmup_explorer_matches_the_concept_page_demo():
    """The concept page: T=10000, Tw=500, η_max=3e-4, η_min=3e-5, (t+1)/Tw ramp."""
    w = wd.warmup_explorer(T=10000, ramp="from_first_step", warmup_pct=5)
    r = fresh(w)
    lr_min = r.params["lr_min"]
    ours = ls.warmup_cosine(3e-4, 10000, 500, lr_min, ramp="from_first_step").values(10000)
    np.testing.assert_array_equal(r.curves["lr"], ours)
    assert r.numbers["lr_first"] == pytest.approx(3e-4 / 500)
    assert r.numbers["lr_at_warm"] == pytest.approx(3e-4)
    # The page's array reaches η_min at its last entry, one update earlier than lrsched.
    page = ls.warmup_cosine(3e-4, 9999, 500, 3e-5, ramp="from_first_step").values(10000)
    assert page[-1] == pytest.approx(3e-5)
    assert r.numbers["lr_last"] == pytest.approx(3e-5, rel=1e-6)
    assert r.numbers["lr_mean"] == pytest.approx(float(page.mean()), rel=1e-4)


def test_warmup_explorer_without_warmup():
    r = wd.set_controls(wd.warmup_explorer(), warmup_pct=0, decay="linear")
    assert r.numbers["t_warm"] == 0
    assert r.schedule.values(1)[0] == r.numbers["lr_first"] == r.numbers["lr_at_warm"]
    assert r.numbers["lr_first"] == pytest.approx(3e-4, rel=1e-12)
    assert isinstance(r.schedule, ls.Polynomial)


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"warmup_pct": 31}, ValueError, "warmup_pct"),
        ({"ramp": "from_one"}, ValueError, "ramp"),
        ({"T": 10}, ValueError, "T"),
        ({"floor_ratio": 1.5}, ValueError, "floor_ratio"),
        ({"cooldown_frac": 0.0}, ValueError, "cooldown_frac"),
        ({"decay": "step"}, ValueError, "decay"),
    ],
)
def test_warmup_explorer_rejects_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.warmup_explorer(**kwargs)


def test_warmup_explorer_fuzz():
    fuzz(wd.warmup_explorer(), seed=2)


# ----------------------------------------------------------------------------- 3. noisy SGD


def sim_and_exact(sched, T, n, sigma, seed):
    sim = ls.simulate_quadratic(sched, T=T, n_seeds=n, sigma=sigma, seed=seed, record="loss")
    return sim, ls.expected_loss(sched, T=T, sigma=sigma)


def test_noisy_sgd_explorer_default_matches_lrsched():
    r = fresh(wd.noisy_sgd_explorer())
    sched = ls.Cosine(0.3, 100, 1e-4)
    sim, exact = sim_and_exact(sched, 100, 50, 0.3, 0)
    final = sim.final_loss[:, 0]
    assert r.numbers["final_mean"] == final.mean()
    assert r.numbers["final_se"] == pytest.approx(final.std(ddof=1) / math.sqrt(50), rel=1e-12)
    assert r.numbers["final_exact"] == exact[-1]
    assert r.numbers["noise_floor"] == ls.noise_floor(0.3, sigma=0.3)
    assert r.numbers["stability_limit"] == ls.stability_limit(2.0) == 1.0
    ax = r.figure.axes[0]
    assert_labelled(ax)
    assert ax.get_yscale() == "log"
    lines = {id(line): line for line in ax.get_lines()}
    painter = r.figure._lrsched_painter
    np.testing.assert_array_equal(painter.exact.get_ydata(), exact)
    np.testing.assert_array_equal(painter.mean.get_ydata(), sim.loss_mean[:, 0])
    np.testing.assert_array_equal(painter.runs[0].get_ydata(), sim.loss[:, 0, 0])
    np.testing.assert_array_equal(painter.lr_line.get_ydata(), sched.values(100))
    assert painter.exact.get_linestyle() == "--"
    assert id(painter.mean) in lines
    assert "exact E[J]" in r.legend and any(label.startswith("floor") for label in r.legend)
    assert "α_t, max 0.3" in r.legend


def test_noisy_sgd_explorer_controls_drive_the_simulation():
    w = wd.noisy_sgd_explorer()
    ctl = wd.controls(w)
    ctl["family"].value = "fixed"
    ctl["lr0"].value = 0.5
    ctl["sigma"].value = 0.5
    ctl["n_seeds"].value = 20
    ctl["T"].value = 60
    ctl["seed"].value = 3
    r = fresh(w)
    sim, exact = sim_and_exact(ls.Constant(0.5), 60, 20, 0.5, 3)
    np.testing.assert_array_equal(r.curves["exact"], exact)
    np.testing.assert_array_equal(r.curves["mean"], sim.loss_mean[:, 0])
    np.testing.assert_array_equal(r.curves["low"], np.percentile(sim.loss[:, :, 0], 10, axis=1))
    assert r.numbers["final_mean"] == sim.final_loss[:, 0].mean()
    assert r.numbers["noise_floor"] == ls.noise_floor(0.5, sigma=0.5)
    # Deterministic: the same settings give the same numbers, another seed other numbers.
    again = wd.draw_noisy_sgd("fixed", lr0=0.5, sigma=0.5, n_seeds=20, T=60, seed=3)
    assert again.numbers == r.numbers
    ctl["seed"].value = 4
    assert fresh(w).numbers["final_mean"] != r.numbers["final_mean"]


@pytest.mark.parametrize(
    "family, expected",
    [
        ("step", lambda lr0, T, s: ls.StepDecay(lr0, T // 4, 0.5)),
        ("warmup_cosine", lambda lr0, T, s: ls.warmup_cosine(lr0, T, T // 10, 1e-4)),
        ("optimal", lambda lr0, T, s: ls.optimal_schedule(T, sigma=s)),
    ],
)
def test_noisy_sgd_explorer_families(family, expected):
    r = wd.set_controls(wd.noisy_sgd_explorer(), family=family, lr0=0.4, T=80, sigma=0.7)
    sched = expected(0.4, 80, 0.7)
    lr = sched if isinstance(sched, np.ndarray) else sched.values(80)
    np.testing.assert_array_equal(r.curves["lr"], lr)
    np.testing.assert_array_equal(r.curves["exact"], ls.expected_loss(sched, T=80, sigma=0.7))
    assert r.numbers["alpha_ref"] == lr.max()


def test_noisy_sgd_explorer_unstable_rate():
    r = wd.set_controls(wd.noisy_sgd_explorer(), family="fixed", lr0=1.2, T=500, n_seeds=1)
    assert r.numbers["noise_floor"] is None
    assert r.numbers["final_se"] is None
    assert r.numbers["diverged"] == 1
    full = ls.expected_loss(ls.Constant(1.2), T=500)
    assert r.numbers["final_exact"] == full[-1] > 1e100
    assert any("stability limit" in n for n in r.notes)
    assert_finite_figure(r.figure)


def test_draw_noisy_sgd_cuts_the_exact_curve_where_it_overflows():
    # Beyond the sliders' range: (1 - 2 * 3)^2 = 25 per update overflows float64.
    r = wd.draw_noisy_sgd("fixed", lr0=3.0, T=500, n_seeds=2)
    full = ls.expected_loss(ls.Constant(3.0), T=500, overflow="inf")
    assert not np.isfinite(full[-1])
    assert r.numbers["final_exact"] is None
    np.testing.assert_array_equal(r.curves["exact"], full[np.isfinite(full)])
    assert any("overflows" in n for n in r.notes)
    assert_finite_figure(r.figure)


def test_noisy_sgd_explorer_hides_lr0_for_the_optimal_schedule():
    w = wd.noisy_sgd_explorer("optimal")
    assert wd.controls(w)["lr0"].layout.display == "none"
    wd.controls(w)["family"].value = "cosine"
    assert wd.controls(w)["lr0"].layout.display != "none"


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"lr0": 2.0}, ValueError, "lr0"),
        ({"n_seeds": 0}, ValueError, "n_seeds"),
        ({"sigma": -0.1}, ValueError, "sigma"),
        ({"seed": 1.0}, TypeError, "seed"),
        ({"family": "adam"}, ValueError, "family"),
    ],
)
def test_noisy_sgd_explorer_rejects_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.noisy_sgd_explorer(**kwargs)


def test_noisy_sgd_explorer_fuzz():
    fuzz(wd.noisy_sgd_explorer(), seed=3)


# ----------------------------------------------------------------------------- 4. range test


def one_step(lr):
    return ls.one_step_losses(lr)


@pytest.mark.parametrize("smoothing", [False, True])
def test_range_test_explorer_quadratic(smoothing):
    w = wd.range_test_explorer()
    wd.controls(w)["smoothing"].value = smoothing
    r = fresh(w)
    direct = ls.range_test(
        one_step, 1e-4, 10.0, 100, smooth=0.98 if smoothing else None, stop_factor=None
    )
    assert r.numbers["suggestions"] == direct.suggestions()
    grid = ls.lr_sweep(1e-4, 10.0, 100)
    np.testing.assert_array_equal(r.curves["lrs"], grid)
    np.testing.assert_allclose(r.curves["losses"], ls.one_step_losses(grid), rtol=0, atol=1e-12)
    band = ls.useful_range(grid, direct.losses, start_loss=9.0)
    assert r.numbers["useful_range"] == tuple(band)
    assert 0 < band.low <= 0.5 <= band.high < 1 and band.best == pytest.approx(0.5, rel=0.1)
    ax = r.figure.axes[0]
    assert_labelled(ax)
    assert ax.get_xscale() == "log"
    painter = r.figure._lrsched_painter
    np.testing.assert_array_equal(painter.raw.get_ydata(), direct.losses)
    for line, lr in zip(painter.marks, direct.suggestions().values(), strict=True):
        assert line.get_visible() and line.get_xdata()[0] == lr
    assert [row[1] for row in r.table[:3]] == list(direct.suggestions().values())


def test_range_test_explorer_digits_matches_lrsched_and_is_cached():
    w = wd.range_test_explorer()
    ctl = wd.controls(w)
    ctl["problem"].value = "digits"
    ctl["n"].value = 60
    ctl["lr_max"].value = 100.0
    r = fresh(w)
    step_fn = ls.DigitsProblem(0).range_test_step_fn(seed=0, batch_size=32)
    direct = ls.range_test(step_fn, 1e-4, 100.0, 60, smooth=None, stop_factor=4.0)
    np.testing.assert_array_equal(r.raw.losses, direct.losses)
    assert r.numbers["suggestions"] == direct.suggestions()
    assert r.numbers["stopped_early"] == direct.stopped_early
    ctl["smoothing"].value = True
    smoothed = fresh(w)
    direct_s = ls.range_test(
        ls.DigitsProblem(0).range_test_step_fn(seed=0, batch_size=32),
        1e-4, 100.0, 60, smooth=0.98, stop_factor=4.0,
    )  # fmt: skip
    assert smoothed.numbers["suggestions"] == direct_s.suggestions()
    ctl["smoothing"].value = False
    assert fresh(w).raw is r.raw  # cached by settings


def test_range_test_explorer_swaps_reversed_bounds():
    r = wd.set_controls(wd.range_test_explorer(), lr_min=0.1, lr_max=0.01)
    assert r.params["lr_min"] == 0.01 and r.params["lr_max"] == 0.1
    assert any("swapped" in n for n in r.notes)
    r = wd.set_controls(wd.range_test_explorer(), lr_min=0.05, lr_max=0.05)
    assert r.params["lr_max"] == pytest.approx(0.5)


def test_range_test_explorer_reports_missing_suggestions():
    # A sweep far past the stability limit: every one-step loss is above the start.
    r = wd.draw_range_test("quadratic", lr_min=2.0, lr_max=50.0, n=10)
    assert r.numbers["useful_range"] is None
    assert any("no useful range" in n for n in r.notes)
    assert_finite_figure(r.figure)


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"lr_min": 1.0}, ValueError, "lr_min"),
        ({"lr_max": 1e3}, ValueError, "lr_max"),
        ({"n": 5}, ValueError, "n"),
        ({"smoothing": 1}, TypeError, "smoothing"),
        ({"problem": "mnist"}, ValueError, "problem"),
        ({"preload": "no"}, TypeError, "preload"),
    ],
)
def test_range_test_explorer_rejects_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.range_test_explorer(**kwargs)


def test_range_test_explorer_fuzz():
    fuzz(wd.range_test_explorer(preload=True), seed=4)


# ----------------------------------------------------------------------------- 5. cycles


def test_cycle_explorer_sgdr_default_matches_lrsched():
    r = fresh(wd.cycle_explorer())
    sched = ls.SGDR(0.5, 20, 2.0, 1e-3)
    assert r.numbers["restarts"] == (20.0, 60.0, 140.0)
    assert r.numbers["restarts"] == tuple(float(s) for s in sched.restarts(4)[1:])
    sim = ls.simulate_quadratic(sched, T=300, n_seeds=50, sigma=0.3, seed=0, record="stats")
    exact = ls.expected_loss(sched, T=300, sigma=0.3)
    np.testing.assert_array_equal(r.curves["mean"], sim.loss_mean[:, 0])
    np.testing.assert_array_equal(r.curves["exact"], exact)
    painter = r.figure._lrsched_painter
    np.testing.assert_array_equal(painter.lr_line.get_ydata(), sched.values(300))
    np.testing.assert_array_equal(painter.mean.get_ydata(), sim.loss_mean[:, 0])
    marks = [seg[0][0] for seg in painter.marks.get_segments()]
    assert marks == [20.0, 60.0, 140.0]
    assert [row[:2] for row in r.table] == [(1, 20.0), (2, 60.0), (3, 140.0)]
    assert r.table[0][2] == sim.loss_mean[20, 0]
    assert_labelled(r.figure.axes[0])
    assert len(r.figure.axes) == 1
    assert "restarts" in r.legend and "α_t, max 0.5" in r.legend


def test_cycle_explorer_fractional_t_mult():
    w = wd.cycle_explorer()
    ctl = wd.controls(w)
    ctl["T_mult"].value = 1.25
    ctl["T_0"].value = 13
    r = fresh(w)
    sched = ls.SGDR(0.5, 13, 1.25, 1e-3)
    starts = sched.restarts(40)
    assert r.numbers["restarts"] == tuple(float(s) for s in starts[(starts > 0) & (starts < 300)])
    np.testing.assert_array_equal(r.curves["lr"], sched.values(300))


def test_cycle_explorer_cyclic():
    w = wd.cycle_explorer()
    r = wd.set_controls(
        w, family="cyclic", step_size_up=10, step_size_down=30, mode="triangular2", T=200
    )
    sched = ls.Cyclic(1e-3, 0.5, 10, 30, mode="triangular2")
    np.testing.assert_array_equal(r.curves["lr"], sched.values(200))
    assert r.numbers["restarts"] == (40.0, 80.0, 120.0, 160.0)
    assert r.numbers["peaks"] == (10.0, 50.0, 90.0, 130.0, 170.0)
    sim = ls.simulate_quadratic(sched, T=200, n_seeds=50, sigma=0.3, seed=0, record="stats")
    np.testing.assert_array_equal(r.curves["mean"], sim.loss_mean[:, 0])
    assert "cycle starts" in r.legend
    ctl = wd.controls(w)
    assert ctl["T_0"].layout.display == "none" and ctl["mode"].layout.display != "none"
    ctl["mode"].value = "exp_range"
    ctl["gamma"].value = 0.98
    exp = ls.Cyclic(1e-3, 0.5, 10, 30, mode="exp_range", gamma=0.98)
    np.testing.assert_array_equal(fresh(w).curves["lr"], exp.values(200))


def test_cycle_explorer_clamps_bounds():
    w = wd.cycle_explorer()
    r = wd.set_controls(w, lr_min=0.3, lr_max=0.1)
    assert r.params["lr_min"] == 0.1 and any("lr_min" in n for n in r.notes)
    r = wd.set_controls(w, family="cyclic")
    assert r.params["lr_min"] == 0.1 and r.params["lr_max"] == 0.3
    r = wd.set_controls(w, lr_min=0.2, lr_max=0.2)
    assert r.params["lr_min"] == 0.0


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"T_mult": 0.5}, ValueError, "T_mult"),
        ({"decay": 0.0}, ValueError, "decay"),
        ({"mode": "sine"}, ValueError, "mode"),
        ({"n_seeds": 0}, ValueError, "n_seeds"),
        ({"T": 20.0}, TypeError, "T"),
        ({"lr_max": 0.0}, ValueError, "lr_max"),
    ],
)
def test_cycle_explorer_rejects_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.cycle_explorer(**kwargs)


def test_cycle_explorer_fuzz():
    fuzz(wd.cycle_explorer(), seed=5)


# ----------------------------------------------------------------------------- text cache


def _pixels(fig: Figure, renderer_cls=None) -> np.ndarray:
    """The figure drawn by its canvas, or by a fresh ``renderer_cls`` (same unhinted text)."""
    if renderer_cls is None:
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    w, h = fig.canvas.get_width_height(physical=True)
    renderer = renderer_cls(w, h, fig.dpi)
    with wd._unhinted_text():
        fig.draw(renderer)
    return np.asarray(renderer.buffer_rgba())[..., :3].astype(int)


@pytest.mark.parametrize(
    "build",
    [
        lambda: wd.noisy_sgd_explorer(n_seeds=20, T=200, show=False),
        lambda: wd.cycle_explorer("cyclic", show=False),
        lambda: wd.schedule_explorer("sgdr", show=False),
    ],
)
def test_text_cache_draws_what_matplotlib_draws(build):
    from matplotlib.backends.backend_agg import RendererAgg

    fig = build().result.figure
    cached = _pixels(fig)
    plain = _pixels(fig, RendererAgg)
    assert cached.shape == plain.shape
    differ = np.abs(cached - plain).max(axis=2) > 0
    # any difference is inside a text's box (glyphs placed as one string, not one by one)
    h = cached.shape[0]
    in_text = np.zeros(differ.shape, dtype=bool)
    renderer = fig.canvas.get_renderer()
    boxes = [
        t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_visible() and t.get_text()
    ]
    for bb in boxes:
        x0, x1 = max(int(bb.x0) - 2, 0), int(math.ceil(bb.x1)) + 2
        y0, y1 = max(h - int(math.ceil(bb.y1)) - 2, 0), h - int(bb.y0) + 2
        in_text[y0:y1, x0:x1] = True
        ink_cached = (255 - cached[y0:y1, x0:x1]).sum()
        ink_plain = (255 - plain[y0:y1, x0:x1]).sum()
        assert abs(ink_cached - ink_plain) <= 0.1 * max(ink_plain, 1)  # the same glyphs
    assert differ.any() <= in_text.any()
    assert not (differ & ~in_text).any()
    # redrawing reuses every cached bitmap
    renderer = fig.canvas.get_renderer()
    assert isinstance(renderer, wd._TextCacheRenderer) and renderer._text_cache
    before = dict(renderer._text_cache)
    fig.canvas.draw()
    assert fig.canvas.get_renderer() is renderer
    assert renderer._text_cache.keys() == before.keys()
    assert all(renderer._text_cache[k] is before[k] for k in before)


def test_text_cache_leaves_mathtext_and_odd_angles_to_matplotlib():
    fig = wd.schedule_explorer(show=False).result.figure
    fig.text(0.1, 0.1, r"$\alpha_t^2$")
    fig.text(0.2, 0.2, "slanted", rotation=30)
    fig.canvas.draw()
    keys = {k[0] for k in fig.canvas.get_renderer()._text_cache}
    assert r"$\alpha_t^2$" not in keys and "slanted" not in keys
    assert keys  # the plain labels are cached


# ----------------------------------------------------------------------------- random settings


def test_random_settings_reach_every_control_and_its_ends():
    w = wd.noisy_sgd_explorer(show=False)
    ctl = wd.controls(w)
    rng = np.random.default_rng(0)
    draws = [wd.random_settings(w, rng) for _ in range(300)]
    assert all(d.keys() == ctl.keys() for d in draws)
    for name, widget in ctl.items():
        seen = [d[name] for d in draws]
        if isinstance(widget, W.Dropdown):
            assert set(seen) == set(option_values(widget))
        elif isinstance(widget, (W.IntSlider, W.FloatSlider)):
            assert all(widget.min <= v <= widget.max for v in seen)
            ends = sum(v in (widget.min, widget.max) for v in seen)
            assert 30 <= ends <= 100, (name, ends)  # 20% expected: 60 of 300
    again = wd.random_settings(w, np.random.default_rng(0))
    assert again == draws[0]  # seeded: the same settings
    fixed = wd.random_settings(w, rng, family="constant")
    assert fixed["family"] == "constant"


def test_random_settings_reject_bad_arguments():
    w = wd.warmup_explorer(show=False)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        wd.random_settings(w, 0)
    with pytest.raises(ValueError, match="unknown control"):
        wd.random_settings(w, np.random.default_rng(0), nope=1)
    with pytest.raises(TypeError, match="w must be an explorer"):
        wd.random_settings("w", np.random.default_rng(0))
