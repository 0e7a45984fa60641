"""The scikit-learn explorer (chapter 10): SGDRegressor's rate times (|x|^2 + 1) against the
bound 2, and the training it gives. Rates are checked against scikit-learn's formulas
written out here, the trained weights against scikit-learn's own SGDRegressor."""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402

from lrsched import widgets as wd  # noqa: E402
from lrsched.sample_stability import sphere_regression  # noqa: E402

from .widget_cases import (  # noqa: E402
    assert_finite_figure,
    assert_finite_numbers,
    assert_labelled,
    fresh,
    fuzz,
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
)
from .widget_moves import assert_move_redraws, assert_readable  # noqa: E402

N_ROWS = 50


def sklearn_rates(option, n, *, eta0=0.1, power_t=0.25, alpha=1e-4):
    """scikit-learn's rate for samples s = 1..n (``_sgd_fast.pyx.tp``), written out."""
    s = np.arange(1, n + 1, dtype=float)
    if option == "constant":
        return np.full(n, eta0)
    if option == "invscaling":
        return eta0 / s**power_t
    t0 = alpha ** (-0.75)  # Bottou's heuristic for the squared loss: eta_1 = alpha^(-1/4)
    return 1.0 / (alpha * (t0 + s - 1))


def sklearn_fit(option, epochs, q, **kw):
    from sklearn.linear_model import SGDRegressor

    data = sphere_regression(N_ROWS, 10, sq_norm=q, noise=0.5, seed=0)
    model = SGDRegressor(learning_rate=option, max_iter=epochs, tol=None, shuffle=False, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data.X, data.y)
    return model


def test_default_frame():
    r = fresh(wd.sklearn_explorer())
    assert r.kind == "sklearn"
    n = 20 * N_ROWS
    np.testing.assert_array_equal(r.curves["eta"], np.full(n, 0.1))
    assert r.numbers["rate_limit"] == 2 / 11
    assert r.numbers["product_first"] == pytest.approx(1.1, rel=1e-15)
    assert r.numbers["factor_first"] == pytest.approx(-0.1, abs=1e-15)
    assert r.numbers["unstable_updates"] == 0 and r.numbers["first_stable"] == 1
    model = sklearn_fit("constant", 20, 10.0, eta0=0.1)
    np.testing.assert_allclose(r.raw.coef_, model.coef_, rtol=1e-9)
    assert r.raw.intercept_ == pytest.approx(model.intercept_[0], rel=1e-9)
    assert r.title.startswith("constant, eta0 = 0.1, |x|² = 10: η₁(|x|² + 1) = 1.1 < 2; 0 of")
    for ax in r.figure.axes[:2]:
        assert_labelled(ax, title=False)
        assert ax.get_yscale() == "log"
    p = r.figure._lrsched_painter
    np.testing.assert_array_equal(p.bound.get_ydata(), [2.0, 2.0])
    assert "bound 2" in r.legend
    assert_readable(r)


@pytest.mark.parametrize(
    "option, kw, q, epochs",
    [
        ("constant", {"eta0": 0.15}, 10.0, 5),
        ("invscaling", {"eta0": 1.0, "power_t": 0.5}, 10.0, 10),
        ("invscaling", {"eta0": 0.05, "power_t": 0.25}, 100.0, 4),
        ("optimal", {"alpha": 0.5}, 3.0, 6),
        ("optimal", {"alpha": 0.1}, 1.0, 10),  # a few unstable updates, then it recovers
    ],
)
def test_rates_and_weights_are_scikit_learns(option, kw, q, epochs):
    r = wd.draw_sklearn(option, sq_norm=q, epochs=epochs, **kw)
    n = epochs * N_ROWS
    eta = sklearn_rates(option, n, **kw)
    np.testing.assert_allclose(r.curves["eta"], eta, rtol=1e-13)
    np.testing.assert_allclose(r.curves["product"], eta * (q + 1), rtol=1e-13)
    assert r.numbers["unstable_updates"] == int(np.count_nonzero(eta * (q + 1) > 2))
    below = np.flatnonzero(eta * (q + 1) < 2)
    assert r.numbers["first_stable"] == (int(below[0]) + 1 if below.size else None)
    model = sklearn_fit(option, epochs, q, **kw)
    scale = max(1.0, float(np.abs(model.coef_).max()))
    np.testing.assert_allclose(r.raw.coef_, model.coef_, rtol=1e-8, atol=1e-8 * scale)


def test_optimal_blows_up_on_standardised_rows_as_the_chapter_says():
    r = wd.draw_sklearn("optimal", sq_norm=10.0, alpha=1e-4)
    assert r.numbers["eta_first"] == pytest.approx(10.0, rel=1e-12)  # alpha^(-1/4)
    assert r.numbers["factor_first"] == pytest.approx(-109.0, rel=1e-12)  # 1 − 10 · 11
    assert r.numbers["unstable_updates"] == r.numbers["n_updates"] == 1000
    assert r.numbers["first_stable"] is None
    assert r.numbers["final_loss"] > 1e20  # residuals at the clipping cap
    assert any("clipped" in n for n in r.notes)
    assert_finite_figure(r.figure)


def test_the_bound_has_the_plus_one_of_the_intercept():
    # eta0 = 0.19: eta |x|^2 = 1.9 < 2 but eta (|x|^2 + 1) = 2.09 > 2, and it blows up
    r = wd.draw_sklearn("constant", eta0=0.2, sq_norm=9.5, epochs=20)
    assert r.numbers["eta_first"] * 9.5 < 2 < r.numbers["product_first"]
    assert r.numbers["unstable_updates"] == 1000
    assert r.curves["epoch_loss"][-1] > 1e3 * r.curves["epoch_loss"][0]
    stable = wd.draw_sklearn("constant", eta0=0.1, sq_norm=9.5, epochs=20)
    assert stable.curves["epoch_loss"][-1] < 0.5


def test_adaptive_divides_the_rate_on_plateaus_until_it_is_stable():
    r = wd.draw_sklearn("adaptive", eta0=0.2, sq_norm=10.0, epochs=40)
    eta = r.curves["eta"]
    levels = sorted(set(eta.tolist()), reverse=True)
    np.testing.assert_allclose(levels[:3], [0.2, 0.04, 0.008], rtol=1e-15)
    assert r.numbers["first_stable"] == int(np.argmax(eta < 2 / 11)) + 1
    assert r.numbers["final_loss"] < 0.2


def test_a_slider_move_redraws(caplog, capsys):
    w = wd.sklearn_explorer(show=True)
    r = assert_move_redraws(w, caplog, capsys, eta0=0.2)
    assert r.title.startswith("constant, eta0 = 0.2, |x|² = 10: η₁(|x|² + 1) = 2.2 > 2")
    r = assert_move_redraws(w, caplog, capsys, learning_rate="optimal")
    assert "optimal, alpha = 0.0001" in r.title
    r = assert_move_redraws(w, caplog, capsys, sq_norm=0.1, alpha=0.1)
    assert_readable(r)


def test_unused_controls_are_hidden():
    w = wd.sklearn_explorer()
    ctl = wd.controls(w)
    shown = {name for name, c in ctl.items() if c.layout.display != "none"}
    assert "power_t" not in shown and "eta0" in shown
    ctl["learning_rate"].value = "optimal"
    assert ctl["eta0"].layout.display == "none"
    ctl["learning_rate"].value = "invscaling"
    assert ctl["power_t"].layout.display != "none"


def test_hostile_slider_values_clip_or_are_refused():
    w = wd.sklearn_explorer(show=False)
    r = wd.set_controls(w, power_t=-3.0, epochs=10**9)
    assert r.params["power_t"] == 0.0 and r.params["epochs"] == 40
    for name, value in (("eta0", 0.123), ("sq_norm", 1e9), ("learning_rate", "sgd")):
        with pytest.raises(traitlets.TraitError):
            wd.set_controls(w, **{name: value})


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"learning_rate": "pa"}, ValueError, "learning_rate"),
        ({"learning_rate": 1}, TypeError, "learning_rate"),
        ({"eta0": 0.0}, ValueError, "eta0"),
        ({"eta0": math.nan}, ValueError, "eta0"),
        ({"eta0": "1"}, TypeError, "eta0"),
        ({"sq_norm": 0.0}, ValueError, "sq_norm"),
        ({"sq_norm": 1e7}, ValueError, "sq_norm"),
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"power_t": 1.5}, ValueError, "power_t"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 2**63}, ValueError, "epochs"),
        ({"epochs": True}, TypeError, "epochs"),
        ({"figure": 3}, TypeError, "figure"),
    ],
)
def test_draw_sklearn_refuses_bad_arguments_by_name(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wd.draw_sklearn(**kwargs)


def test_random_settings_draw_finite_frames():
    fuzz(wd.sklearn_explorer(), seed=12, n=80)


def test_extreme_settings_stay_finite():
    for kw in ({"eta0": 10.0, "sq_norm": 1000.0, "epochs": 40},
               {"learning_rate": "optimal", "alpha": 1e-5, "sq_norm": 1000.0},
               {"learning_rate": "adaptive", "eta0": 10.0, "sq_norm": 1000.0, "epochs": 40},
               {"eta0": 0.001, "sq_norm": 0.1, "epochs": 1}):  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            r = wd.draw_sklearn(**kw)
            r.png()
        assert_finite_figure(r.figure)
        assert_finite_numbers(r.numbers)
        assert all(np.isfinite(np.asarray(c, dtype=float)).all() for c in r.curves.values())
