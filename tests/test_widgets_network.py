"""The network explorer: a schedule trains the small MLP on the digits over a few seeds
(lrsched.widgets.network). Every number it prints is checked against an independent call
of lrsched.network.train with the same settings, written out here."""

from __future__ import annotations

import io
import logging
import statistics

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402
from PIL import Image  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched.network import MLP, SGD, Adam, digits_data, train  # noqa: E402
from lrsched.widgets import network as wn  # noqa: E402
from lrsched.widgets import set_controls  # noqa: E402

from .widget_cases import (  # noqa: E402
    assert_finite_figure,
    assert_finite_numbers,
    assert_labelled,
    fresh,
    fuzz,
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
)

# The explorer's fixed setting, written out (not read from the module).
SIZES, T, BATCH, EVAL = (64, 16, 10), 80, 32, list(range(0, 81, 10))
CALLBACK_ERROR = "Exception in interact callback"


def independent(schedule, seeds=(0, 1, 2), optimizer=None):
    """The same runs through lrsched.network.train directly."""
    lrs = np.tile(schedule.values(T), (len(seeds), 1))
    return train(MLP(SIZES, "relu", "he"), optimizer or SGD(momentum=0.9), digits_data(0),
                 lrs, list(seeds), batch_size=BATCH, eval_steps=EVAL,
                 record_batch_loss=False)  # fmt: skip


def check_numbers(r, rec):
    """The printed numbers are the final records of ``rec``, summarised with statistics."""
    acc = [float(a) for a in rec.test_accuracy[:, -1]]
    n = len(acc)
    assert r.numbers["test_accuracy_mean"] == pytest.approx(statistics.fmean(acc), rel=1e-12)
    sd = statistics.stdev(acc) if n > 1 else 0.0
    assert r.numbers["test_accuracy_sd"] == pytest.approx(sd, rel=1e-9, abs=1e-15)
    assert r.numbers["test_accuracy_min"] == min(acc)
    assert r.numbers["test_accuracy_max"] == max(acc)
    assert r.numbers["test_loss_mean"] == pytest.approx(
        statistics.fmean(rec.test_loss[:, -1].tolist()), rel=1e-12)  # fmt: skip
    assert r.numbers["train_loss_mean"] == pytest.approx(
        statistics.fmean(rec.train_loss[:, -1].tolist()), rel=1e-12)  # fmt: skip
    assert r.numbers["diverged"] == int(rec.diverged.sum())
    assert r.numbers["n_seeds"] == n
    np.testing.assert_array_equal(r.raw.test_accuracy, rec.test_accuracy)
    np.testing.assert_array_equal(r.raw.diverged_at, rec.diverged_at)
    # printed: the table under the figure and the title
    rows = dict(r.table)
    assert rows["held-out accuracy, mean"] == r.numbers["test_accuracy_mean"]
    assert rows["diverged runs"] == r.numbers["diverged"]
    mean, sd = r.numbers["test_accuracy_mean"], r.numbers["test_accuracy_sd"]
    assert f"{mean:.6g}" in r.text
    assert f"held-out accuracy {mean:.4f} ± {sd:.4f} over {n} seeds" in r.title
    assert f"{r.numbers['diverged']} diverged" in r.title
    # the alt text states the same numbers
    assert f"final {mean:.4f} ± {sd:.4f}" in r.alt
    assert f"lowest {min(acc):.4f}, highest {max(acc):.4f}" in r.alt
    assert f"training loss {r.numbers['train_loss_mean']:.4g}" in r.alt
    assert f"held-out loss {r.numbers['test_loss_mean']:.4g}" in r.alt
    if r.numbers["diverged"]:
        assert f"{r.numbers['diverged']} of {n} runs diverged" in r.alt
    else:
        assert f"None of the {n} runs diverged" in r.alt


def test_the_fixed_setting_is_the_documented_one():
    assert wn.NETWORK_SIZES == SIZES
    assert wn.NETWORK_T == T and wn.NETWORK_BATCH == BATCH
    assert list(wn.NETWORK_EVAL_STEPS) == EVAL
    assert wn.NETWORK_SEEDS == 3


def test_default_frame_equals_an_independent_training_run():
    w = wn.network_explorer()
    assert isinstance(w, W.interactive) and isinstance(w.children[-1], W.Output)
    assert list(w.kwargs) == ["family", "peak", "warmup_pct"]
    r = fresh(w)
    assert r.kind == "network"
    rec = independent(ls.Cosine(0.1, T))
    check_numbers(r, rec)
    assert r.numbers["diverged"] == 0 and r.numbers["test_accuracy_mean"] > 0.85
    # what is drawn: means over seeds thick, each seed faint, the rates in their own panel
    p = r.figure._lrsched_painter
    k = np.array(EVAL)
    np.testing.assert_array_equal(p.train.get_xdata(), k)
    np.testing.assert_array_equal(p.train.get_ydata(), rec.train_loss.mean(axis=0))
    np.testing.assert_array_equal(p.test.get_ydata(), rec.test_loss.mean(axis=0))
    np.testing.assert_array_equal(p.acc.get_ydata(), rec.test_accuracy.mean(axis=0))
    for i in range(3):
        np.testing.assert_array_equal(p.seed_train[i].get_ydata(), rec.train_loss[i])
        np.testing.assert_array_equal(p.seed_acc[i].get_ydata(), rec.test_accuracy[i])
        assert p.seed_train[i].get_alpha() < 0.5 and p.train.get_alpha() is None  # faint
        assert p.seed_train[i].get_linewidth() < p.train.get_linewidth()
    assert not any(line.get_visible() for line in p.seed_train[3:])
    np.testing.assert_array_equal(p.lr.get_ydata(), ls.Cosine(0.1, T).values(T))
    assert p.diverged.get_xdata().size == 0
    assert r.legend == ("train, mean", "held-out, mean", "single seeds")
    for ax in r.figure.axes:
        assert_labelled(ax, title=False)
    assert r.figure.axes[0].get_yscale() == "log"
    assert_finite_figure(r.figure)


def test_a_slider_move_changes_the_pixels_and_the_printed_numbers(caplog, capsys):
    with caplog.at_level(logging.WARNING):
        w = wn.network_explorer(show=True)  # renders, displays and prints, as in a kernel
        before = fresh(w)
        png_before = np.asarray(Image.open(io.BytesIO(before.png())))
        text_before, numbers_before = before.text, dict(before.numbers)
        r = set_controls(w, peak=0.02, warmup_pct=10)
    errors = [m.getMessage() for m in caplog.records if CALLBACK_ERROR in m.getMessage()]
    assert errors == []
    assert r is fresh(w)
    after = np.asarray(Image.open(io.BytesIO(r.png())))
    assert after.shape == png_before.shape
    changed = (np.abs(after.astype(int) - png_before.astype(int)).max(axis=2) > 0).mean()
    assert changed > 0.005, f"only {changed:.2%} of the pixels changed"
    assert r.numbers["test_accuracy_mean"] != numbers_before["test_accuracy_mean"]
    assert r.text != text_before
    out = capsys.readouterr().out
    assert r.text in out and text_before in out and "Traceback" not in out
    check_numbers(r, independent(ls.warmup_cosine(0.02, T, 8)))


#: Each family with a 15 % warm-up (t_w = 12, H = 68), built here from lrsched.
FAMILIES = {
    "constant": lambda p: ls.Warmup(ls.Constant(p), 12),
    "step": lambda p: ls.Warmup(ls.MultiStep(p, [34, 51], 0.1), 12),
    "cosine": lambda p: ls.warmup_cosine(p, T, 12),
    "linear": lambda p: ls.Warmup(ls.Polynomial(p, 68, 1.0, 0.0), 12),
    "one_cycle": lambda p: ls.OneCycle(p, T, pct_start=12 / T),
    "wsd": lambda p: ls.WSD(p, T, 12, 16, "linear"),
}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_trains_what_lrsched_trains(family):
    assert set(FAMILIES) == set(wn.NETWORK_FAMILIES)
    r = wn.draw_network(family, peak=0.05, warmup_pct=15)
    sched = FAMILIES[family](0.05)
    np.testing.assert_allclose(r.curves["lr"], sched.values(T), rtol=1e-15, atol=0)
    assert r.params["t_warm"] == 12 and r.notes == ()
    check_numbers(r, independent(sched))


def test_adam_and_other_seed_counts_match_too():
    r = wn.draw_network("wsd", peak=0.003, warmup_pct=3, optimizer="adam", n_seeds=5)
    sched = ls.WSD(0.003, T, 2, 16, "linear")  # t_w = round(2.4) = 2, t_d = round(0.2 * 80)
    check_numbers(r, independent(sched, seeds=range(5), optimizer=Adam()))
    one = wn.draw_network("constant", peak=0.05, n_seeds=1)
    check_numbers(one, independent(ls.Constant(0.05), seeds=(0,)))
    assert one.numbers["test_accuracy_sd"] == 0.0


def test_diverged_runs_are_marked_and_counted():
    r = wn.draw_network("constant", peak=1.0)
    rec = independent(ls.Constant(1.0))
    assert rec.diverged.all()  # SGD with momentum 0.9 at rate 1 blows up on this net
    check_numbers(r, rec)
    assert r.numbers["diverged"] == 3
    assert r.numbers["test_accuracy_mean"] == pytest.approx(0.1)  # chance, the fill value
    p = r.figure._lrsched_painter
    np.testing.assert_array_equal(np.sort(p.diverged.get_xdata()), np.sort(rec.diverged_at))
    assert "diverged" in r.legend
    assert any("3 of 3 runs diverged" in n for n in r.notes)
    at = ", ".join(str(s) for s in sorted(rec.diverged_at.tolist()))
    assert f"at update(s) {at}, marked with crosses" in r.alt
    # a seed's faint line stops at its last measured record
    for i in range(3):
        assert p.seed_train[i].get_xdata().size == rec.alive[i].sum()
    assert_finite_figure(r.figure)
    assert_finite_numbers(r.numbers)


def test_one_cycle_without_warmup_rises_for_two_updates():
    r = wn.draw_network("one_cycle", peak=0.1, warmup_pct=0)
    assert r.params["t_warm"] == 2
    assert r.notes and "warm-up 0 → 2" in r.notes[0] and "warm-up 0 → 2" in r.alt
    sched = ls.OneCycle(0.1, T, pct_start=2 / T)
    np.testing.assert_array_equal(r.curves["lr"], sched.values(T))
    check_numbers(r, independent(sched))


def test_the_figure_is_reused_and_settings_are_deterministic():
    r1 = wn.draw_network("step", peak=0.2, warmup_pct=20)
    r2 = wn.draw_network("step", peak=0.2, warmup_pct=20, figure=r1.figure)
    assert r2.figure is r1.figure and r2.numbers == r1.numbers


def test_random_settings_draw_finite_frames():
    w = wn.network_explorer(show=False)
    assert fuzz(w, seed=1, n=12) >= 0


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"family": "cos"}, ValueError, "family"),
        ({"family": 3}, TypeError, "family"),
        ({"peak": 0.0}, ValueError, "peak"),
        ({"peak": -0.1}, ValueError, "peak"),
        ({"peak": float("nan")}, ValueError, "peak"),
        ({"peak": float("inf")}, ValueError, "peak"),
        ({"peak": 1e308}, ValueError, "peak"),
        ({"peak": "0.1"}, TypeError, "peak"),
        ({"peak": True}, TypeError, "peak"),
        ({"warmup_pct": 31}, ValueError, "warmup_pct"),
        ({"warmup_pct": -1}, ValueError, "warmup_pct"),
        ({"warmup_pct": 2**63}, ValueError, "warmup_pct"),
        ({"warmup_pct": 5.0}, TypeError, "warmup_pct"),
        ({"warmup_pct": True}, TypeError, "warmup_pct"),
        ({"optimizer": "sgd"}, ValueError, "optimizer"),
        ({"optimizer": None}, TypeError, "optimizer"),
        ({"n_seeds": 0}, ValueError, "n_seeds"),
        ({"n_seeds": 11}, ValueError, "n_seeds"),
        ({"n_seeds": 2.0}, TypeError, "n_seeds"),
        ({"figure": "fig"}, TypeError, "figure"),
    ],
)
def test_draw_network_rejects_bad_arguments(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wn.draw_network(**kwargs)


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"peak": 2.0}, ValueError, "peak"),  # beyond the slider's [1e-3, 1]
        ({"peak": 5e-4}, ValueError, "peak"),
        ({"warmup_pct": 50}, ValueError, "warmup_pct"),
        ({"family": "sgdr"}, ValueError, "family"),
        ({"optimizer": "adamw"}, ValueError, "optimizer"),
        ({"n_seeds": np.int64(0)}, ValueError, "n_seeds"),
        ({"show": "yes"}, TypeError, "show"),
    ],
)
def test_network_explorer_rejects_bad_arguments(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        wn.network_explorer(**kwargs)


def test_build_network_schedule_rejects_bad_T():
    with pytest.raises(ValueError, match="T"):
        wn.build_network_schedule(T=10)
    with pytest.raises(TypeError, match="T"):
        wn.build_network_schedule(T=96.0)


def test_the_peak_slider_refuses_a_rate_off_its_grid():
    w = wn.network_explorer(show=False)
    with pytest.raises(traitlets.TraitError):
        set_controls(w, peak=0.07)
