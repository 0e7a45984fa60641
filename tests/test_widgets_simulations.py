"""The explorers that run lrsched's simulations: noisy SGD, the LR range test, cycles."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import widgets as wd  # noqa: E402

from .widget_cases import (  # noqa: E402
    assert_finite_figure,
    assert_labelled,
    fresh,
    fuzz,
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
)

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
    painter = r.figure._lrsched_painter
    ax, ax_lr = painter.ax, painter.ax_lr
    assert r.figure.axes == [ax, ax_lr]  # the loss panel, then the rate panel below it
    assert_labelled(ax_lr, title=False)
    assert ax.get_title() and "loss" in ax.get_ylabel()
    assert ax.get_yscale() == "log" and ax_lr.get_yscale() == "linear"
    lines = {id(line): line for line in ax.get_lines()}
    np.testing.assert_array_equal(painter.exact.get_ydata(), exact)
    np.testing.assert_array_equal(painter.mean.get_ydata(), sim.loss_mean[:, 0])
    np.testing.assert_array_equal(painter.runs[0].get_ydata(), sim.loss[:, 0, 0])
    np.testing.assert_array_equal(painter.lr_line.get_ydata(), sched.values(100))
    assert painter.lr_line.axes is ax_lr and id(painter.lr_line) not in lines
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
    assert painter.lr_line.axes is painter.ax_lr and painter.mean.axes is painter.ax
    for coll in (painter.marks, painter.lr_marks):  # the restarts, in both panels
        assert [seg[0][0] for seg in coll.get_segments()] == [20.0, 60.0, 140.0]
    assert [row[:2] for row in r.table] == [(1, 20.0), (2, 60.0), (3, 140.0)]
    assert r.table[0][2] == sim.loss_mean[20, 0]
    assert r.figure.axes == [painter.ax, painter.ax_lr]
    assert r.figure.axes[0].get_title() and "loss" in r.figure.axes[0].get_ylabel()
    assert_labelled(painter.ax_lr, title=False)
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
