"""The six network experiments: structure, equal budgets, statistics recomputed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrsched import WSD, Cosine, OneCycle, lr_values
from lrsched.network import MLP, SGD, digits_data, train
from lrsched.network import experiments as ex

# two-sided 95 % Student-t quantiles t_{0.975, df} from the published table
T975 = {1: 12.706204736174707, 2: 4.302652729911275, 3: 3.182446305284263}
SMALL = (64, 8, 10)
NAN = float("nan")


def _by_hand(values) -> tuple[float, float, float]:
    x = [float(v) for v in values]
    n = len(x)
    m = math.fsum(x) / n
    s = math.sqrt(math.fsum((v - m) ** 2 for v in x) / (n - 1))
    h = T975[n - 1] * s / math.sqrt(n)
    return m, m - h, m + h


def _check_estimate(est: ex.Estimate, values) -> None:
    m, lo, hi = _by_hand(values)
    assert est.n == len(values)
    assert est.mean == pytest.approx(m, rel=1e-12, abs=1e-12)
    assert est.low == pytest.approx(lo, rel=1e-9, abs=1e-12)
    assert est.high == pytest.approx(hi, rel=1e-9, abs=1e-12)
    assert est.low <= est.mean <= est.high


def _count_wins(a, b, higher: bool) -> float:
    wins = sum((x > y) if higher else (x < y) for x, y in zip(a, b, strict=True))
    ties = sum(x == y for x, y in zip(a, b, strict=True))
    return (wins + 0.5 * ties) / len(a)


@pytest.fixture(scope="module")
def data():
    return digits_data(0)


@pytest.fixture(scope="module")
def noisy():
    """The split of the noise-floor experiments' defaults: 20 % of training labels wrong."""
    return digits_data(0, label_noise=0.2)


@pytest.fixture(scope="module")
def decay():
    return ex.decay_matters(n_seeds=3, epochs=2, sizes=SMALL, n_evals=4)


def test_estimate_is_the_student_t_interval():
    vals = [0.9, 0.95, 0.97]
    _check_estimate(ex.estimate(vals), vals)
    assert str(ex.estimate(vals)).startswith("0.9400 [")


def test_decay_budgets_are_equal_and_statistics_match_the_records(decay, data):
    T = 2 * math.ceil(data.n_train / 16)  # the default batch of 16
    assert decay.T == T and decay.lrs.shape == (4, T)
    assert np.all(decay.lrs[:, 0] == decay.peak) and np.all(decay.lrs.max(axis=1) == decay.peak)
    np.testing.assert_array_equal(decay.lrs[0], np.full(T, decay.peak))
    t = np.arange(T)
    np.testing.assert_allclose(decay.lrs[2], decay.peak * 0.5 * (1 + np.cos(np.pi * t / T)))
    np.testing.assert_allclose(decay.lrs[3], decay.peak * (1 - t / T))
    drops = (t >= T // 2).astype(int) + (t >= 3 * T // 4).astype(int)
    np.testing.assert_allclose(decay.lrs[1], decay.peak * 0.1**drops)
    assert decay.test_accuracy.shape == (3, 4, decay.eval_steps.size)
    assert decay.eval_steps[0] == 0 and decay.eval_steps[-1] == T
    for j, k in enumerate(decay.labels):
        _check_estimate(decay.final_accuracy[k], decay.test_accuracy[:, j, -1])
        _check_estimate(decay.final_loss[k], decay.test_loss[:, j, -1])
        assert decay.win_accuracy[k] == _count_wins(decay.test_accuracy[:, j, -1],
                                                     decay.test_accuracy[:, 0, -1], True)
        assert decay.win_loss[k] == _count_wins(decay.test_loss[:, j, -1],
                                                 decay.test_loss[:, 0, -1], False)
    assert decay.win_accuracy["constant"] == 0.5
    assert "linear" in decay.summary() and "constant" in decay.summary()
    assert "(batch 16, 20 % of training labels wrong)" in decay.summary()


def test_decay_gap_step_follows_its_definition(decay):
    for j, k in enumerate(decay.labels[1:], start=1):
        d = decay.test_loss[:, j] - decay.test_loss[:, 0]
        below = [_by_hand(d[:, e])[2] < 0 for e in range(d.shape[1])]
        expect = None
        for e in range(len(below)):
            if all(below[e:]):
                expect = int(decay.eval_steps[e])
                break
        assert decay.gap_loss[k] == expect


def test_decay_is_deterministic(decay):
    again = ex.decay_matters(n_seeds=3, epochs=2, sizes=SMALL, n_evals=4)
    np.testing.assert_array_equal(again.test_loss, decay.test_loss)
    other = ex.decay_matters(n_seeds=3, epochs=2, sizes=SMALL, n_evals=4, first_seed=7)
    assert not np.array_equal(other.test_loss, decay.test_loss)


def test_warmup_budgets_spikes_and_sharpness(data):
    fr = (0, 0.1, 0.2)
    r = ex.warmup_effect(n_seeds=2, epochs=1, fractions=fr, sizes=(64, 8, 8, 10),
                         sharpness_seeds=1, sharpness_probes=2, sharpness_iters=5)
    T = r.T
    for name, peak in r.peaks.items():
        lrs = r.lrs[name]
        assert lrs.shape == (3, T) and np.all(lrs.max(axis=1) == pytest.approx(peak))
        for j, f in enumerate(fr):
            tw = round(f * T)
            if tw:
                assert lrs[j, 0] == 0.0 and np.all(lrs[j, :tw] < peak) and lrs[j, tw] == peak
            else:
                assert lrs[j, 0] == peak
        assert r.diverged[name].shape == (2, 3)
        assert r.accuracy[name].shape == (2, 3)
        for j, f in enumerate(fr):
            _check_estimate(r.final_accuracy[name][f], r.accuracy[name][:, j])
            assert r.win_accuracy[name][f] == _count_wins(r.accuracy[name][:, j],
                                                          r.accuracy[name][:, 0], True)
    # the spike of SGD with momentum, recomputed from independent single runs
    early = T // 10
    for j, f in enumerate(fr):
        spikes = []
        for s in (0, 1):
            one = train(ex.ScaledMLP((64, 8, 8, 10), r.init_scale), SGD(momentum=r.momentum),
                        data, r.lrs["sgd"][j : j + 1], [s])
            spikes.append(one.batch_loss[0, :early].max() / one.train_loss[0, 0])
        _check_estimate(r.spike["sgd"][f], spikes)
    assert r.sharpness.shape == (1, 3, r.sharpness_steps.size)
    assert r.sharpness_steps[0] == 0 and r.sharpness_steps[-1] == early
    assert np.all(r.sharpness > 0)
    # at step 0 every run has the same weights, so the same sharpness
    np.testing.assert_allclose(r.sharpness[0, :, 0], r.sharpness[0, 0, 0], rtol=1e-9)
    assert "sharpness" in r.summary()


@pytest.fixture(scope="module")
def restart():
    return ex.restarts(n_seeds=2, epochs=2, cycles=2, sizes=SMALL)


def test_restart_budgets_and_snapshots(restart, noisy):
    r = restart
    T = r.T
    assert r.lrs.shape == (2, T) and r.cycle_ends[-1] == T
    assert r.lrs[0, 0] == r.lrs[1, 0] == r.peak and np.all(r.lrs > 0)
    T0 = int(r.cycle_ends[0])
    assert r.lrs[0, T0] == r.peak  # the restart
    # the snapshot at the first cycle end equals an independent run stopped there
    for j in range(2):
        one = train(MLP(SMALL), SGD(momentum=0.9), noisy, r.lrs[j : j + 1, :T0], [1],
                    batch_size=16, record_batch_loss=False)
        np.testing.assert_allclose(r.snapshots[1, j, 0], one.theta[0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(r.anytime[1, j, 0], one.test_accuracy[0, -1])


def test_snapshot_ensemble_is_the_mean_of_the_softmaxes(restart, data):
    m = MLP(SMALL)
    X, y = data.X_test, data.y_test
    probs = ex.snapshot_ensemble(m, restart.snapshots[:, 0], X, y)
    for i in range(restart.snapshots.shape[0]):
        each = []
        for c in range(restart.snapshots.shape[2]):
            z = m.forward(restart.snapshots[i : i + 1, 0, c], X)[0]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            each.append(e / e.sum(axis=1, keepdims=True))
        mean = np.mean(each, axis=0)
        np.testing.assert_allclose(probs[i], mean, rtol=1e-12, atol=1e-15)
        acc = np.mean(mean.argmax(axis=1) == y)
        nll = -np.mean(np.log(mean[np.arange(y.size), y]))
        assert restart.ensemble_accuracy[i, 0] == pytest.approx(acc, abs=1e-15)
        assert restart.ensemble_nll[i, 0] == pytest.approx(nll, rel=1e-12)
    _check_estimate(restart.final["SGDR snapshot ensemble"], restart.ensemble_accuracy[:, 0])
    _check_estimate(restart.final["cosine snapshot ensemble"], restart.ensemble_accuracy[:, 1])
    _check_estimate(restart.final["SGDR final"], restart.anytime[:, 0, -1])
    assert restart.win_anytime[-1] == _count_wins(restart.anytime[:, 0, -1],
                                                  restart.anytime[:, 1, -1], True)


def test_range_to_training(data):
    r = ex.range_to_training(n_seeds=2, epochs=1, sizes=SMALL, n_range=40,
                             grid=(0.01, 0.1))
    assert r.range_losses.shape == (2, 40) and r.range_lrs.size == 40
    assert r.range_lrs[0] == pytest.approx(1e-4) and r.range_lrs[-1] == pytest.approx(10.0)
    # the range test is one run per seed at the swept rates; its first batch loss is the
    # untrained network's loss on the seed's first mini-batch (documented batch order)
    m = MLP(SMALL)
    for s in (0, 1):
        one = train(m, SGD(momentum=0.9), data, r.range_lrs[None], [s], eval_steps=[0])
        np.testing.assert_allclose(r.range_losses[s], one.batch_loss[0], rtol=1e-12)
        idx = np.random.default_rng([s, 2]).permutation(data.n_train)[:32]
        first = m.loss(m.init_params([s]), data.X_train[idx], data.y_train[idx])[0]
        assert r.range_losses[s, 0] == pytest.approx(first, rel=1e-12)
    b = int(np.argmax(r.grid_accuracy.mean(axis=0)))
    assert r.best_rate == r.grid[b]
    T = r.T
    assert r.one_cycle_lrs.shape == (2, T) and r.best_lrs.shape == (T,)
    for i, v in enumerate(r.suggested):
        np.testing.assert_allclose(r.one_cycle_lrs[i], lr_values(OneCycle(v, T), T))
        # the peak lies between two updates (t = 0.3 T - 1), so the largest rate used is
        # just below it
        assert v * (1 - 1e-3) < r.one_cycle_lrs[i].max() <= v
    np.testing.assert_array_equal(r.best_lrs, np.full(T, r.best_rate))
    _check_estimate(r.accuracy[f"best constant {r.best_rate:g}"], r.grid_accuracy[:, b])
    _check_estimate(r.suggestions["valley"], r.suggested)
    assert "one-cycle" in r.summary()


def test_one_cycle_speed_steps_to_target_and_budgets():
    r = ex.one_cycle_speed(n_seeds=2, epochs=1, peaks=(0.05, 0.1), sizes=SMALL, n_evals=5,
                           target=0.8)
    T = r.T
    for j, k in enumerate(("one-cycle", "constant-then-cosine")):
        b = int(np.argmax(r.tuning_accuracy[:, j].mean(axis=0)))
        assert r.best_peak[k] == r.peaks[b]
        np.testing.assert_array_equal(r.accuracy[:, j, -1], r.tuning_accuracy[:, j, b])
        for i in range(2):
            hit = [int(t) for t, a in zip(r.eval_steps, r.accuracy[i, j], strict=True)
                   if a >= r.target]
            assert r.steps_to_target[i, j] == (hit[0] if hit else T + 1)
    p0, p1 = r.best_peak["one-cycle"], r.best_peak["constant-then-cosine"]
    np.testing.assert_allclose(r.lrs[0], lr_values(OneCycle(p0, T), T))
    np.testing.assert_allclose(r.lrs[1], lr_values(WSD(p1, T, 0, T - round(0.5 * T), "cosine"),
                                                   T))
    assert r.lrs.shape == (2, T)
    assert r.win_steps == _count_wins(r.steps_to_target[:, 0], r.steps_to_target[:, 1], False)
    for e in range(r.eval_steps.size):
        _check_estimate(r.curve["one-cycle"][e], r.accuracy[:, 0, e])
    assert "steps to 0.8" in r.summary()


def test_wsd_branches_share_the_stable_prefix(noisy):
    r = ex.wsd_branches(n_seeds=2, epochs=2, lengths=(0.5, 1.0), sizes=SMALL)
    K = r.lengths.size
    assert r.lrs.shape[:2] == (K, 3)
    for i, L in enumerate(r.lengths.tolist()):
        wsd, cos, stable = r.lrs[i]
        for row in (wsd, cos, stable):  # equal budgets: L updates at rate > 0, peak first
            assert np.count_nonzero(row) == L and np.all(row[L:] == 0) and row[0] == r.peak
        td = max(1, round(r.cooldown * L))
        np.testing.assert_array_equal(wsd[: L - td], stable[: L - td])
        np.testing.assert_allclose(cos[:L], lr_values(Cosine(r.peak, L), L))
        # the branched WSD run equals an independent WSD run of length L
        one = train(MLP(SMALL), SGD(momentum=0.9), noisy,
                    lr_values(WSD(r.peak, L, 0, td, "linear"), L)[None], [0],
                    batch_size=16, record_batch_loss=False)
        assert r.accuracy[0, 0, i] == one.test_accuracy[0, -1]
        assert r.loss[0, 0, i] == pytest.approx(one.test_loss[0, -1], rel=1e-12)
        _check_estimate(r.estimates["wsd"][i], r.accuracy[:, 0, i])
        assert r.win_accuracy[i] == _count_wins(r.accuracy[:, 0, i], r.accuracy[:, 1, i], True)
    assert "WSD" in r.summary()


def test_batch_size_and_label_noise_reach_every_run():
    """An experiment's run equals an independent run on the noisy split with that batch."""
    r = ex.decay_matters(n_seeds=2, epochs=1, sizes=SMALL, n_evals=2, batch_size=64,
                         label_noise=0.3)
    d = digits_data(0, label_noise=0.3)
    assert r.T == math.ceil(d.n_train / 64)
    for j in (0, 2):
        one = train(MLP(SMALL), SGD(momentum=0.9), d, r.lrs[j : j + 1], [1], batch_size=64,
                    eval_steps=r.eval_steps, record_batch_loss=False)
        np.testing.assert_allclose(r.test_loss[1, j], one.test_loss[0], rtol=1e-12)
        np.testing.assert_array_equal(r.test_accuracy[1, j], one.test_accuracy[0])
        assert r.final_train_loss[r.labels[j]].n == 2


def test_scaled_mlp_multiplies_the_initial_weights():
    base, scaled = MLP((64, 16, 16, 10)), ex.ScaledMLP((64, 16, 16, 10), 1.5)
    np.testing.assert_array_equal(scaled.init_params([3, 4]), 1.5 * base.init_params([3, 4]))
    assert scaled.n_params == base.n_params
    # with zero biases and ReLU, the logits of the initial network scale by 1.5^3
    X = digits_data(0).X_test[:5]
    np.testing.assert_allclose(scaled.forward(scaled.init_params([3]), X),
                               1.5**3 * base.forward(base.init_params([3]), X), rtol=1e-12)
    with pytest.raises(ValueError, match="init_scale"):
        ex.ScaledMLP((64, 10), 0.0)
    with pytest.raises(TypeError, match="init_scale"):
        ex.ScaledMLP((64, 10), "2")


def test_diverged_restarts_are_scored_with_the_fill_values():
    r = ex.restarts(n_seeds=2, epochs=1, cycles=2, sizes=SMALL, peak=80.0)
    assert r.diverged.all()
    for k in r.final:
        assert r.final[k].mean == pytest.approx(0.1) and r.final[k].low == r.final[k].high
        assert r.final_nll[k].mean == pytest.approx(10 * math.log(10))
    assert np.all(r.ensemble_accuracy == 0.1) and np.all(np.isfinite(r.snapshots))


@pytest.mark.parametrize(("fn", "kw", "exc", "name"), [
    (ex.decay_matters, {"label_noise": 1.0}, ValueError, "label_noise"),
    (ex.wsd_branches, {"label_noise": NAN}, ValueError, "label_noise"),
    (ex.restarts, {"batch_size": 0}, ValueError, "batch_size"),
    (ex.one_cycle_speed, {"batch_size": 1.5}, TypeError, "batch_size"),
    (ex.warmup_effect, {"init_scale": 0}, ValueError, "init_scale"),
    (ex.warmup_effect, {"init_scale": float("inf")}, ValueError, "init_scale"),
    (ex.decay_matters, {"n_seeds": 1}, ValueError, "n_seeds"),
    (ex.decay_matters, {"n_seeds": True}, TypeError, "n_seeds"),
    (ex.decay_matters, {"peak": float("nan")}, ValueError, "peak"),
    (ex.decay_matters, {"epochs": 2.0}, TypeError, "epochs"),
    (ex.decay_matters, {"momentum": 1.0}, ValueError, "momentum"),
    (ex.warmup_effect, {"fractions": "0.1"}, TypeError, "fractions"),
    (ex.warmup_effect, {"fractions": (0, 0.95)}, ValueError, "fractions[1]"),
    (ex.restarts, {"cycles": 1}, ValueError, "cycles"),
    (ex.range_to_training, {"grid": (0.1, -1.0)}, ValueError, "grid[1]"),
    (ex.one_cycle_speed, {"target": 1e308}, ValueError, "target"),
    (ex.one_cycle_speed, {"hold": 0.9999}, ValueError, "hold"),
    (ex.wsd_branches, {"cooldown": 0}, ValueError, "cooldown"),
    (ex.wsd_branches, {"first_seed": 2**63}, ValueError, "first_seed"),
])
def test_bad_parameters_are_named(fn, kw, exc, name):
    with pytest.raises(exc, match=name.replace("[", r"\[").replace("]", r"\]")):
        fn(**kw)
