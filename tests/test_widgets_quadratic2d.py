"""The 2-D quadratic explorer (chapter 8): gradient descent on ½(u₁² + u₂²/κ). Iterates are
checked against the closed form (1 − αλ_i)^t u_i(0), the expected loss against the
per-direction second-moment recursion written here, the counts against an iteration."""

from __future__ import annotations

import math
import warnings

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

U0 = (0.4, 1.0)  # (fast, slow), written out


def expected(rates, lam, sigma):
    """½ Σ λ_i v_i with v ← (1 − α λ_i)² v + α² σ², v(0) = u0², per direction."""
    v = [u * u for u in U0]
    out = [[0.5 * lam[i] * v[i] for i in (0, 1)]]
    for a in rates:
        v = [(1 - a * lam[i]) ** 2 * v[i] + a * a * sigma * sigma for i in (0, 1)]
        out.append([0.5 * lam[i] * v[i] for i in (0, 1)])
    return np.array(out)


def count_to_one_percent(alpha, lam):
    e, n = 1.0, 0
    while abs(e) > 0.01:
        e *= 1 - alpha * lam
        n += 1
    return n


def test_default_frame_is_plain_gradient_descent():
    r = fresh(wd.quadratic2d_explorer())
    assert r.kind == "quadratic2d"
    lam = (1.0, 1 / 20)
    t = np.arange(61)
    np.testing.assert_allclose(r.curves["u"][:, 0], 0.4 * (1 - 1.5) ** t, rtol=1e-12)
    np.testing.assert_allclose(r.curves["u"][:, 1], (1 - 1.5 / 20) ** t, rtol=1e-12)
    parts = expected([1.5] * 60, lam, 0.0)
    np.testing.assert_allclose(r.curves["fast"], parts[:, 0], rtol=1e-12)
    np.testing.assert_allclose(r.curves["slow"], parts[:, 1], rtol=1e-12)
    np.testing.assert_allclose(r.curves["exact"], parts.sum(axis=1), rtol=1e-12)
    nd = ls.expected_loss_nd(ls.Constant(1.5), eigenvalues=lam, e0=U0, T=60, sigma=0.0)
    np.testing.assert_allclose(r.curves["exact"], nd, rtol=1e-13)
    n = r.numbers
    assert n["factor_fast"] == 0.5 and n["factor_slow"] == pytest.approx(0.925, abs=1e-15)
    assert n["stability_limit"] == 2.0 and n["stable"] is True
    assert n["slow_updates"] == count_to_one_percent(1.5, 1 / 20) == 60
    assert n["best_alpha"] == pytest.approx(2 / 1.05, rel=1e-15)
    assert n["best_factor"] == pytest.approx(19 / 21, rel=1e-15)
    assert n["noise_floor"] is None  # no noise
    assert r.title == ("constant α = 1.5, κ = 20, σ = 0: |1 − αλ| = 0.5 (fast), 0.925 (slow); "
                       "slow direction to 1 %: 60 updates")  # fmt: skip
    p = r.figure._lrsched_painter
    np.testing.assert_array_equal(p.path.get_xdata(), r.curves["u"][:, 1])  # slow: horizontal
    np.testing.assert_array_equal(p.slow_dir.get_ydata(), [0.0, 0.0])
    assert "slow direction" in r.legend and "this run's J" not in r.legend
    for ax in (p.ax_path, p.ax_loss):
        assert_labelled(ax, title=False)
    # the contours are the level sets of J: J is constant along each drawn ellipse
    for line in p.contours:
        x, y = line.get_xdata(), line.get_ydata()
        j = 0.5 * (y**2 + x**2 / 20)
        np.testing.assert_allclose(j, j[0], rtol=1e-12)
    assert_readable(r)


@pytest.mark.parametrize("alpha", [0.05, 0.5, 1.0, 1.9])
@pytest.mark.parametrize("kappa", [1.0, 10.0, 1000.0])
def test_numbers_for_other_rates_and_conditions(alpha, kappa):
    r = wd.draw_quadratic2d(alpha, kappa=kappa, T=100)
    lam = (1.0, 1 / kappa)
    assert r.numbers["factor_fast"] == pytest.approx(abs(1 - alpha), abs=1e-15)
    assert r.numbers["factor_slow"] == pytest.approx(abs(1 - alpha / kappa), abs=1e-15)
    slow = r.numbers["slow_updates"]
    if alpha * lam[1] == 1.0:
        assert slow == 1
    else:
        assert slow == count_to_one_percent(alpha, lam[1])
    exact = expected([alpha] * 100, lam, 0.0).sum(axis=1)
    np.testing.assert_allclose(r.curves["exact"], exact, rtol=1e-11, atol=1e-300)


def test_conditioning_slows_the_slow_direction():
    counts = [wd.draw_quadratic2d(1.9, kappa=k).numbers["slow_updates"] for k in (10, 100, 1000)]
    assert counts[0] < counts[1] < counts[2]
    assert counts[2] == pytest.approx(1000 * math.log(100) / 1.9, rel=0.01)


def test_noise_gives_the_simulated_path_and_the_floor():
    r = wd.draw_quadratic2d(0.5, kappa=10.0, sigma=0.1, T=200)
    sim = ls.simulate_quadratic_nd(ls.Constant(0.5), eigenvalues=[1.0, 0.1], T=200, n_seeds=1,
                                   e0=list(U0), sigma=0.1, seed=0, record_u=True)  # fmt: skip
    np.testing.assert_array_equal(r.curves["u"], sim.u[:, 0, 0, :])
    floor = sum(0.5 * 0.01 / (2 * (2 - 0.5 * lam)) for lam in (1.0, 0.1))  # ασ²/(2(2 − αλ))
    assert r.numbers["noise_floor"] == pytest.approx(floor, rel=1e-14)
    exact = expected([0.5] * 200, (1.0, 0.1), 0.1).sum(axis=1)
    np.testing.assert_allclose(r.curves["exact"], exact, rtol=1e-12)
    assert "this run's J" in r.legend


def test_cosine_schedule():
    r = wd.draw_quadratic2d(1.0, kappa=100.0, schedule="cosine", T=80)
    rates = [0.5 * (1 + math.cos(math.pi * t / 80)) for t in range(80)]
    exact = expected(rates, (1.0, 0.01), 0.0).sum(axis=1)
    np.testing.assert_allclose(r.curves["exact"], exact, rtol=1e-11)
    assert r.title.startswith("cosine from α = 1, κ = 100")


@pytest.mark.parametrize("alpha", [2.0, 2.05, 2.2, 50.0])
def test_past_the_limit_it_diverges_without_crashing(alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the log ticks either
        r = wd.draw_quadratic2d(alpha, kappa=20.0, T=400, sigma=0.3)
        r.png()
    assert r.numbers["stable"] is False and r.numbers["noise_floor"] is None
    assert r.notes and "2/λ_max = 2" in r.notes[0]
    assert any("leave the frame" in n for n in r.notes)
    assert_finite_figure(r.figure)
    assert_finite_numbers(r.numbers)
    assert all(np.isfinite(np.asarray(c, dtype=float)).all() for c in r.curves.values())


def test_a_slider_move_redraws(caplog, capsys):
    w = wd.quadratic2d_explorer(show=True)
    r = assert_move_redraws(w, caplog, capsys, alpha=0.5)
    assert r.title.startswith("constant α = 0.5, κ = 20")
    r = assert_move_redraws(w, caplog, capsys, kappa=500.0, sigma=0.05)
    assert r.numbers["slow_updates"] == count_to_one_percent(0.5, 1 / 500)
    r = assert_move_redraws(w, caplog, capsys, alpha=2.2)
    assert_readable(r)


def test_hostile_slider_values_clip_or_are_refused():
    w = wd.quadratic2d_explorer(show=False)
    r = wd.set_controls(w, sigma=4.0, T=-5)
    assert r.params["sigma"] == 0.3 and r.params["T"] == 10
    for name, value in (("alpha", 0.123), ("kappa", 7.0), ("schedule", "step")):
        with pytest.raises(traitlets.TraitError):
            wd.set_controls(w, **{name: value})


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"alpha": math.inf}, ValueError, "alpha"),
        ({"alpha": None}, TypeError, "alpha"),
        ({"kappa": 0.5}, ValueError, "kappa"),
        ({"kappa": math.nan}, ValueError, "kappa"),
        ({"sigma": -1e-300}, ValueError, "sigma"),
        ({"T": 9}, ValueError, "T"),
        ({"T": np.int8(50)}, None, None),  # every integer dtype is a valid count
        ({"T": 10**400}, ValueError, "T"),
        ({"schedule": "step"}, ValueError, "schedule"),
        ({"seed": "0"}, TypeError, "seed"),
    ],
)
def test_draw_quadratic2d_refuses_bad_arguments_by_name(kwargs, exc, name):
    if exc is None:
        assert wd.draw_quadratic2d(**kwargs).params["T"] == 50
        return
    with pytest.raises(exc, match=name):
        wd.draw_quadratic2d(**kwargs)


def test_random_settings_draw_finite_frames():
    fuzz(wd.quadratic2d_explorer(), seed=13, n=120)
