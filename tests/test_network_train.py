"""Batched training: batched == one at a time, pairing, divergence, records, summaries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrsched import Constant, Cosine, lr_values
from lrsched.network import (
    MLP,
    SGD,
    Adam,
    AdamW,
    NetworkData,
    digits_data,
    mean_ci,
    train,
    train_grid,
    win_rate,
)


@pytest.fixture(scope="module")
def blobs():
    """Three Gaussian classes in 6-D: 130 training and 40 held-out points."""
    rng = np.random.default_rng(42)
    centres = rng.standard_normal((3, 6)) * 2
    y = rng.integers(0, 3, size=170)
    X = centres[y] + rng.standard_normal((170, 6))
    return NetworkData(X[:130], y[:130], X[130:], y[130:], n_classes=3)


OPTS = [SGD(), SGD(momentum=0.9, weight_decay=1e-3), Adam(), AdamW(weight_decay=0.05)]
T = 25


def _lrs(R, peak):
    t = np.arange(T)
    return np.array([peak * (0.5 + 0.5 * np.cos(np.pi * t / T)) * (1 + 0.3 * r)
                     for r in range(R)])


@pytest.mark.parametrize("opt", OPTS, ids=lambda o: repr(o))
def test_batched_run_equals_the_same_runs_one_at_a_time(blobs, opt):
    m = MLP((6, 8, 7, 3), "tanh" if isinstance(opt, Adam) else "relu")
    seeds = [5, 9, 5, 9, 1]
    peak = 0.01 if isinstance(opt, Adam) else 0.1
    lrs = _lrs(len(seeds), peak)
    kw = dict(batch_size=16, eval_steps=[0, 3, 8, 25], sharpness_iters=30, sharpness_samples=40)
    rec = train(m, opt, blobs, lrs, seeds, **kw)
    for r, s in enumerate(seeds):
        one = train(m, opt, blobs, lrs[r : r + 1], [s], **kw)
        for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy",
                     "batch_loss", "theta"):
            np.testing.assert_allclose(getattr(rec, name)[r], getattr(one, name)[0],
                                       rtol=1e-12, atol=1e-14, err_msg=name)
        np.testing.assert_allclose(rec.sharpness[r], one.sharpness[0], rtol=1e-12)
    assert not rec.diverged.any() and rec.alive.all()
    assert rec.train_loss[:, -1].max() < rec.train_loss[:, 0].min()  # it learns


def test_records_are_independent_measurements(blobs):
    m = MLP((6, 5, 3))
    rec = train(m, SGD(momentum=0.5), blobs, _lrs(2, 0.2), [3, 4], batch_size=13,
                eval_steps=[0, 10, 25])
    np.testing.assert_array_equal(rec.eval_steps, [0, 10, 25])
    theta0 = m.init_params([3, 4])
    np.testing.assert_allclose(rec.train_loss[:, 0], m.loss(theta0, blobs.X_train,
                                                            blobs.y_train), rtol=1e-12)
    np.testing.assert_allclose(rec.test_accuracy[:, -1],
                               m.accuracy(rec.theta, blobs.X_test, blobs.y_test), rtol=1e-15)
    np.testing.assert_allclose(rec.test_loss[:, -1],
                               m.loss(rec.theta, blobs.X_test, blobs.y_test), rtol=1e-12)


def test_batch_order_is_a_fresh_permutation_per_epoch_from_the_seed(blobs):
    """With rate 0 the weights stay at the start, so the recorded mini-batch losses are the
    losses of the documented batches: permutations from default_rng([seed, 2])."""
    m = MLP((6, 4, 3))
    n, B = blobs.n_train, 40  # 4 batches per epoch, the last one of 10 points
    steps = 9
    rec = train(m, SGD(), blobs, np.zeros((2, steps)), [7, 8], batch_size=B)
    theta0 = m.init_params([7, 8])
    for r, s in enumerate([7, 8]):
        rng = np.random.default_rng([s, 2])
        expected = []
        for _epoch in range(3):
            perm = rng.permutation(n)
            for k in range(4):
                idx = perm[k * B : (k + 1) * B]
                expected.append(m.loss(theta0[r : r + 1], blobs.X_train[idx],
                                       blobs.y_train[idx])[0])
        np.testing.assert_allclose(rec.batch_loss[r], expected[:steps], rtol=1e-13)
    np.testing.assert_array_equal(rec.eval_steps, [0, 4, 8, 9])  # default: 0, epochs, T


def test_same_seed_pairs_init_and_batches_across_schedules(blobs):
    m = MLP((6, 8, 3))
    a = np.full(T, 0.1)
    b = a.copy()
    b[10:] = 0.02  # identical for 10 updates, then different
    rec = train_grid(m, SGD(), blobs, {"const": a, "drop": b}, seeds=[1, 2], T=T,
                     batch_size=16)
    assert rec.grid_shape == (2, 2) and rec.labels == ["const", "drop"]
    bl = rec.grid("batch_loss")
    for i in range(2):
        np.testing.assert_array_equal(bl[i, 0, :11], bl[i, 1, :11])  # same start and data
        assert not np.array_equal(bl[i, 0, 11:], bl[i, 1, 11:])
    assert bl[0, 0, 0] != bl[1, 0, 0]  # another seed, another start
    np.testing.assert_array_equal(rec.grid("seeds"), [[1, 1], [2, 2]])
    np.testing.assert_array_equal(rec.grid("lrs")[1, 1], b)


def test_train_grid_uses_lrsched_schedules(blobs):
    m = MLP((6, 4, 3))
    scheds = [Constant(0.05), Cosine(0.1, T)]
    rec = train_grid(m, Adam(), blobs, scheds, range(3), T)
    np.testing.assert_array_equal(rec.grid("lrs")[2, 1], lr_values(Cosine(0.1, T), T))
    ref = train(m, Adam(), blobs, np.tile([lr_values(s, T) for s in scheds], (3, 1)),
                [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(rec.test_loss, ref.test_loss)


def test_divergence_is_flagged_frozen_and_never_leaks_nan(blobs):
    m = MLP((6, 16, 3))
    lrs = np.vstack([np.full(T, 0.05), np.full(T, 1e6), np.full(T, 0.05), np.full(T, 1e6)])
    seeds = [0, 0, 1, 1]
    rec = train(m, SGD(momentum=0.9), blobs, lrs, seeds, batch_size=16)
    np.testing.assert_array_equal(rec.diverged, [False, True, False, True])
    assert (rec.diverged_at[[1, 3]] >= 1).all() and (rec.diverged_at[[0, 2]] == -1).all()
    for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "batch_loss"):
        assert np.isfinite(getattr(rec, name)).all(), name
    # fills: max_loss = 10 log 3 for losses, chance 1/3 for accuracies, after the flag
    assert rec.max_loss == pytest.approx(10 * math.log(3))
    for r in (1, 3):
        after = rec.eval_steps >= rec.diverged_at[r]
        np.testing.assert_array_equal(rec.alive[r], ~after)
        assert np.all(rec.train_loss[r, after] == rec.max_loss)
        assert np.all(rec.test_accuracy[r, after] == 1 / 3)
        assert np.all(rec.batch_loss[r, rec.diverged_at[r]:] == rec.max_loss)
        assert np.all(rec.batch_loss[r, : rec.diverged_at[r]] <= rec.max_loss)
    mean, lo, hi = mean_ci(rec.test_loss[[1, 3]])
    assert np.isfinite([mean, lo, hi]).all()
    # the healthy runs are unaffected by their diverging neighbours
    alone = train(m, SGD(momentum=0.9), blobs, lrs[[0, 2]], [0, 1], batch_size=16)
    np.testing.assert_allclose(rec.test_loss[[0, 2]], alone.test_loss, rtol=1e-12)
    # frozen: a longer run leaves a diverged run's parameters where they were flagged
    longer = train(m, SGD(momentum=0.9), blobs, np.hstack([lrs, lrs]), seeds, batch_size=16)
    np.testing.assert_array_equal(longer.diverged_at, rec.diverged_at)
    np.testing.assert_array_equal(longer.theta[[1, 3]], rec.theta[[1, 3]])


def test_threshold_below_the_initial_loss_flags_every_run_at_step_zero(blobs):
    m = MLP((6, 4, 3))
    rec = train(m, AdamW(), blobs, np.full((3, 5), 0.01), [0, 1, 2], max_loss=0.05)
    np.testing.assert_array_equal(rec.diverged_at, [0, 0, 0])
    assert not rec.alive.any()
    np.testing.assert_array_equal(rec.theta, m.init_params([0, 1, 2]))  # never updated


def test_sharpness_record_is_the_probe_on_the_first_samples(blobs):
    from lrsched.network import sharpness

    m = MLP((6, 5, 3), "tanh")
    rec = train(m, SGD(), blobs, np.full((2, 6), 0.3), [0, 1], eval_steps=[0, 6],
                sharpness_iters=500, sharpness_samples=50)
    ref = sharpness(m, rec.theta, blobs.X_train[:50], blobs.y_train[:50], iters=2000,
                    tol=1e-12)
    np.testing.assert_allclose(rec.sharpness[:, -1], ref.eigenvalue, rtol=1e-4)
    assert np.all(rec.sharpness > 0)


def test_mean_ci_and_win_rate_against_closed_forms():
    x = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0], [4.0, 10.0], [5.0, 10.0]])
    mean, lo, hi = mean_ci(x)
    # n = 5: t_{4, 0.975} = 2.7764451051977987 (published tables give 2.776); s = sqrt(2.5)
    half = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
    np.testing.assert_allclose(mean, [3.0, 10.0])
    np.testing.assert_allclose(lo, [3.0 - half, 10.0], rtol=1e-12)
    np.testing.assert_allclose(hi, [3.0 + half, 10.0], rtol=1e-12)
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([2.0, 2.0, 1.0, 5.0])
    assert win_rate(a, b) == pytest.approx((2 + 0.5) / 4)  # lower wins
    assert win_rate(a, b, higher_is_better=True) == pytest.approx((1 + 0.5) / 4)
    np.testing.assert_allclose(win_rate(x[:, :1], x[:, 1:], axis=0), [1.0])


def test_digits_data_is_the_standardised_split():
    d = digits_data()
    assert (d.n_train, d.X_test.shape[0], d.n_features, d.n_classes) == (1347, 450, 64, 10)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    sd = d.X_train.std(axis=0)
    assert np.all((np.abs(sd - 1) < 1e-12) | (sd == 0))
    assert not d.X_train.flags.writeable


def test_digits_mlp_learns_in_a_few_epochs():
    d = digits_data()
    m = MLP((64, 32, 10))
    rec = train_grid(m, SGD(momentum=0.9), d, [Cosine(0.05, 126)], seeds=[0, 1], T=126)
    assert rec.test_accuracy[:, -1].min() > 0.9
    assert rec.test_accuracy[:, 0].max() < 0.4


def test_blocks_of_runs_give_the_same_runs(blobs, monkeypatch):
    """Updates go through cache-sized blocks of runs (at least 8 per block); with many
    blocks, and runs diverging inside some of them, every run is still its own."""
    import importlib

    train_module = importlib.import_module("lrsched.network.train")  # the module, not train()
    monkeypatch.setattr(train_module, "_STEP_BLOCK", 1)  # blocks of 8 runs
    m = MLP((6, 8, 3))
    R = 19
    lrs = np.vstack([np.full(T, 0.02 * (1 + r % 4)) for r in range(R)])
    lrs[[2, 9, 17]] = 1e6  # diverge, in the first, second and third block
    seeds = [r % 5 for r in range(R)]
    rec = train(m, SGD(momentum=0.9), blobs, lrs, seeds, batch_size=16)
    np.testing.assert_array_equal(np.flatnonzero(rec.diverged), [2, 9, 17])
    for r in range(R):
        one = train(m, SGD(momentum=0.9), blobs, lrs[r : r + 1], [seeds[r]], batch_size=16)
        np.testing.assert_allclose(rec.batch_loss[r], one.batch_loss[0], rtol=1e-12)
        np.testing.assert_allclose(rec.test_loss[r], one.test_loss[0], rtol=1e-12)
        assert rec.diverged_at[r] == one.diverged_at[0]
