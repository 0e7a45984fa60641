"""The fixed-rate explorer (chapter 1): one constant rate on (θ − 3)², its exact expected
loss, noise floor and the updates to get within 10 % of it. The numbers are checked
against exact rational arithmetic and an explicit second-moment recursion written here."""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched import widgets as wd  # noqa: E402

from .widget_cases import (  # noqa: E402
    assert_finite_figure,
    assert_finite_numbers,
    assert_labelled,
    fresh,
    fuzz,
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
)
from .widget_moves import assert_move_redraws, assert_readable  # noqa: E402


def second_moment_loss(alpha: float, sigma: float, T: int) -> list[float]:
    """E[J_t] of (θ − 3)² from θ0 = 0, by the recursion m ← (1 − 2α)² m + α²σ², J = m."""
    m, out = 9.0, [9.0]
    for _ in range(T):
        m = (1 - 2 * alpha) ** 2 * m + alpha**2 * sigma**2
        out.append(m)
    return out


def exact_floor(alpha: float, sigma: float) -> float:
    a, s = F(alpha), F(sigma)
    return float(a * s * s / (4 * (1 - a)))


def first_within(curve, floor, rel=0.1):
    return next(t for t, v in enumerate(curve) if abs(v - floor) <= rel * floor)


def test_default_frame_numbers_are_the_theory():
    r = fresh(wd.fixed_rate_explorer())
    assert r.kind == "fixed_rate"
    assert r.numbers["noise_floor"] == exact_floor(0.3, 0.3) == pytest.approx(0.009642857)
    curve = second_moment_loss(0.3, 0.3, 200)
    assert r.numbers["updates_to_floor"] == first_within(curve, exact_floor(0.3, 0.3)) == 5
    np.testing.assert_allclose(r.curves["exact"], curve[:101], rtol=1e-13)
    assert r.numbers["factor"] == pytest.approx(0.4, abs=1e-16)
    assert r.numbers["stability_limit"] == 1.0 and r.numbers["stable"] is True
    assert r.title == "fixed α = 0.3, σ = 0.3: floor 0.00964, within 10 % after 5 updates"
    # the three faint runs are lrsched's simulator with seed 0
    sim = ls.simulate_quadratic(ls.Constant(0.3), T=100, n_seeds=3, sigma=0.3, seed=0,
                                record="loss")  # fmt: skip
    painter = r.figure._lrsched_painter
    for i in range(3):
        np.testing.assert_array_equal(painter.runs[i].get_ydata(), sim.loss[:, i, 0])
    np.testing.assert_array_equal(painter.floor.get_ydata(), [r.numbers["noise_floor"]] * 2)
    assert painter.reach.get_segments()[0][0][0] == 5
    assert_labelled(painter.ax)
    assert painter.ax.get_yscale() == "log"
    assert "noise floor 0.00964" in r.legend and "within 10 %: t = 5" in r.legend
    assert_readable(r)


@pytest.mark.parametrize("alpha", [0.001, 0.02, 0.2, 0.5, 0.7, 0.95])
@pytest.mark.parametrize("sigma", [0.3, 1.0])
def test_small_rates_are_slow_and_low_large_rates_fast_and_high(alpha, sigma):
    r = wd.draw_fixed_rate(alpha, sigma=sigma, T=100)
    floor = exact_floor(alpha, sigma)
    assert r.numbers["noise_floor"] == pytest.approx(floor, rel=1e-15)
    curve = second_moment_loss(alpha, sigma, 10_000)
    assert r.numbers["updates_to_floor"] == first_within(curve, floor)
    assert r.numbers["final_exact"] == pytest.approx(curve[100], rel=1e-12)


def test_the_knob_trades_speed_for_precision():
    low = wd.draw_fixed_rate(0.01).numbers
    high = wd.draw_fixed_rate(0.5).numbers
    assert low["noise_floor"] < high["noise_floor"] / 40  # low floor ...
    assert low["updates_to_floor"] > 100 * high["updates_to_floor"]  # ... but slow


@pytest.mark.parametrize("alpha", [1.0, 1.05, 1.2, 5.0])
def test_past_the_stability_limit_it_diverges_without_crashing(alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the log ticks either
        r = wd.draw_fixed_rate(alpha, T=1000)
        r.png()
    assert r.numbers["noise_floor"] is None and r.numbers["updates_to_floor"] is None
    assert r.numbers["stable"] is False
    assert r.notes and ("stability limit" in r.notes[0] or "grows" in r.notes[0])
    assert "unstable" in r.title
    assert_finite_figure(r.figure)
    assert_finite_numbers(r.numbers)
    exact = r.curves["exact"]
    if alpha > 1.0:
        assert r.numbers["diverged"] == 3  # every run is flagged, and cut there
        p = r.figure._lrsched_painter
        assert len(p.cut.get_xdata()) == 3
        assert np.all(np.diff(exact) > 0)
    else:  # alpha = 1: |1 - 2α| = 1, the noise adds α²σ² per update
        np.testing.assert_allclose(exact, 9.0 + 0.09 * np.arange(1001), rtol=1e-12)


def test_without_noise_there_is_no_floor_to_reach():
    r = wd.draw_fixed_rate(0.3, sigma=0.0)
    assert r.numbers["noise_floor"] == 0.0 and r.numbers["updates_to_floor"] is None
    assert "no noise" in r.title
    assert not r.figure._lrsched_painter.floor.get_visible()
    assert_finite_figure(r.figure)


def test_a_slider_move_redraws(caplog, capsys):
    w = wd.fixed_rate_explorer(show=True)
    r = assert_move_redraws(w, caplog, capsys, alpha=0.05)
    assert r.title == "fixed α = 0.05, σ = 0.3: floor 0.00118, within 10 % after 54 updates"
    r = assert_move_redraws(w, caplog, capsys, alpha=1.1)
    assert "unstable" in r.title
    r = assert_move_redraws(w, caplog, capsys, sigma=0.0, alpha=0.5, T=40)
    assert r.numbers["final_exact"] == 0.0  # one step of 0.5 lands on θ = 3
    assert_readable(r)


def test_hostile_slider_values_clip_or_are_refused():
    w = wd.fixed_rate_explorer(show=False)
    r = wd.set_controls(w, sigma=7.0, T=10**6)  # numeric sliders clip, as a learner's would
    assert r.params["sigma"] == 1.0 and r.params["T"] == 1000
    with pytest.raises(traitlets.TraitError):
        wd.set_controls(w, alpha=0.123)  # not on the rate grid
    # a float slider takes NaN from code (never from a learner): the callback refuses it
    # by name, and the interactive reports the error instead of drawing
    wd.set_controls(w, sigma=float("nan"))
    with pytest.raises(ValueError, match="sigma"):
        fresh(w)


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"alpha": float("nan")}, ValueError, "alpha"),
        ({"alpha": "0.3"}, TypeError, "alpha"),
        ({"alpha": True}, TypeError, "alpha"),
        ({"sigma": -0.1}, ValueError, "sigma"),
        ({"sigma": float("inf")}, ValueError, "sigma"),
        ({"T": 5}, ValueError, "T"),
        ({"T": 100.0}, TypeError, "T"),
        ({"T": 2**63}, ValueError, "T"),
        ({"n_runs": 4}, ValueError, "n_runs"),
        ({"seed": -1}, ValueError, "seed"),
        ({"figure": "fig"}, TypeError, "figure"),
    ],
)
def test_draw_fixed_rate_refuses_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.draw_fixed_rate(**kwargs)


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [({"alpha": 2.0}, ValueError, "alpha"), ({"sigma": 1.5}, ValueError, "sigma"),
     ({"T": 10}, ValueError, "T"), ({"show": 1}, TypeError, "show")],
)  # fmt: skip
def test_fixed_rate_explorer_refuses_bad_initial_values(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.fixed_rate_explorer(**kwargs)


def test_random_settings_draw_finite_frames():
    fuzz(wd.fixed_rate_explorer(), seed=11, n=120)


def test_an_initial_rate_off_the_grid_joins_the_slider():
    w = wd.fixed_rate_explorer(alpha=0.123)
    slider = wd.controls(w)["alpha"]
    values = [v for _, v in slider.options]
    assert 0.123 in values and set(wd.FIXED_RATE_GRID) <= set(values)
    assert values == sorted(values) and slider.label == "0.123"
    assert fresh(w).numbers["alpha"] == 0.123
