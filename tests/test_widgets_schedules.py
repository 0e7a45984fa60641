"""The schedule and warm-up explorers (lrsched.widgets.schedule, lrsched.widgets.warmup)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import widgets as wd  # noqa: E402

from .widget_cases import (  # noqa: E402
    assert_labelled,
    fresh,
    fuzz,
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
)

TABLE_T = [0, 10, 25, 50, 75]


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
