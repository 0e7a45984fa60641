"""Hostile input to the network simulator: a ValueError/TypeError naming the parameter,
or a correct finite result; never NaN, inf, an empty array or another exception type."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrsched.network import (
    MLP,
    SGD,
    Adam,
    AdamW,
    NetworkData,
    digits_data,
    make_optimizer,
    mean_ci,
    sharpness,
    train,
    train_grid,
    win_rate,
)

NAN, INF = float("nan"), float("inf")
INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = rng.integers(0, 3, size=60)
    return NetworkData(X[:40], y[:40], X[40:], y[40:], n_classes=3)


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"sizes": (4, 0, 3)}, ValueError, "sizes"),
        ({"sizes": (4, -5, 3)}, ValueError, "sizes"),
        ({"sizes": (4, 5, 1)}, ValueError, "sizes"),
        ({"sizes": (4,)}, ValueError, "sizes"),
        ({"sizes": (4, 2**63, 3)}, ValueError, "sizes"),
        ({"sizes": (4, 2**16 + 1, 3)}, ValueError, "sizes"),
        ({"sizes": (4, 5.0, 3)}, TypeError, "sizes"),
        ({"sizes": (4, True, 3)}, TypeError, "sizes"),
        ({"sizes": (4, NAN, 3)}, TypeError, "sizes"),
        ({"sizes": "64,10"}, TypeError, "sizes"),
        ({"sizes": 64}, TypeError, "sizes"),
        ({"sizes": (2,) * 70}, ValueError, "sizes"),
        ({"sizes": (2**16, 2**16, 2**16)}, ValueError, "sizes"),
        ({"activation": "sigmoid"}, ValueError, "activation"),
        ({"activation": None}, TypeError, "activation"),
        ({"init": "lecun"}, ValueError, "init"),
        ({"init": 1}, TypeError, "init"),
    ],
)
def test_mlp_constructor_rejects(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        MLP(**kwargs)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_every_integer_dtype_is_accepted_for_sizes_seeds_and_labels(dtype, data):
    m = MLP(np.array([4, 5, 3], dtype=dtype))
    assert m.sizes == (4, 5, 3) and all(type(d) is int for d in m.sizes)
    theta = m.init_params(np.array([1, 2], dtype=dtype))
    np.testing.assert_array_equal(theta, m.init_params([1, 2]))
    y = data.y_test.astype(dtype)
    np.testing.assert_array_equal(m.loss(theta, data.X_test, y),
                                  m.loss(theta, data.X_test, data.y_test))
    rec = train(m, SGD(), data, np.full((1, 3), 0.1), np.array([7], dtype=dtype),
                batch_size=dtype(8), eval_steps=np.array([0, 3], dtype=dtype))
    assert np.isfinite(rec.test_loss).all()


@pytest.mark.parametrize(
    ("seeds", "exc"),
    [(-1, ValueError), (2**32, ValueError), (2**63, ValueError), (np.uint64(2**64 - 1), ValueError),
     (1.0, TypeError), (True, TypeError), ([1, True], TypeError), ("0", TypeError),
     ([], ValueError), ([[1, 2]], ValueError), ([NAN], TypeError), ([[1], [2, 3]], TypeError)],
)
def test_seeds_are_checked(seeds, exc):
    with pytest.raises(exc, match="seeds"):
        MLP((4, 3)).init_params(seeds)


@pytest.mark.parametrize(
    ("what", "bad", "exc"),
    [
        ("theta", np.full((1, 27), NAN), ValueError),
        ("theta", np.full((1, 27), INF), ValueError),
        ("theta", np.zeros((1, 26)), ValueError),
        ("theta", np.zeros(27), ValueError),
        ("theta", np.zeros((0, 27)), ValueError),
        ("theta", np.zeros((1, 27), bool), TypeError),
        ("theta", "zeros", TypeError),
        ("X", np.full((5, 4), NAN), ValueError),
        ("X", np.full((5, 4), -INF), ValueError),
        ("X", np.zeros((5, 3)), ValueError),
        ("X", np.zeros((0, 4)), ValueError),
        ("X", np.zeros((2, 5, 4)), ValueError),
        ("X", [["a"] * 4] * 5, TypeError),
        ("X", np.zeros((5, 4), bool), TypeError),
        ("y", np.array([0, 1, 2, 3, 0]), ValueError),
        ("y", np.array([0, -1, 2, 1, 0]), ValueError),
        ("y", np.array([0.0, 1, 2, 1, 0]), TypeError),
        ("y", np.array([True, False, True, True, False]), TypeError),
        ("y", np.array([0, 1, 2]), ValueError),
        ("y", "01210", TypeError),
    ],
)
def test_model_passes_check_their_arrays(what, bad, exc):
    m = MLP((4, 3, 3))
    args = {"theta": np.zeros((1, m.n_params)), "X": np.zeros((5, 4)),
            "y": np.array([0, 1, 2, 1, 0])}
    assert m.n_params == 27  # (4 + 1) * 3 + (3 + 1) * 3
    args[what] = bad
    for fn in (m.loss, m.loss_grad, m.accuracy):
        with pytest.raises(exc, match=what):
            fn(args["theta"], args["X"], args["y"])
    with pytest.raises(exc, match=what):
        m.hvp(args["theta"], args["X"], args["y"], np.zeros((1, m.n_params)))


def test_hvp_and_sharpness_check_their_vectors():
    m = MLP((4, 3, 3))
    theta, X, y = np.zeros((1, m.n_params)), np.ones((2, 4)), [0, 1]
    with pytest.raises(ValueError, match="v"):
        m.hvp(theta, X, y, np.full((1, m.n_params), NAN))
    with pytest.raises(ValueError, match="v"):
        m.hvp(theta, X, y, np.zeros((2, m.n_params)))
    with pytest.raises(ValueError, match="v0"):
        sharpness(m, theta, X, y, v0=np.zeros((2, m.n_params)))
    for kw, exc in [({"iters": 0}, ValueError), ({"iters": 1.5}, TypeError),
                    ({"iters": True}, TypeError), ({"tol": NAN}, ValueError),
                    ({"tol": -1e-3}, ValueError), ({"tol": 1.0}, ValueError),
                    ({"tol": "1e-6"}, TypeError), ({"seed": -1}, ValueError)]:
        with pytest.raises(exc, match=next(iter(kw))):
            sharpness(m, theta, X, y, **kw)
    with pytest.raises(TypeError, match="model"):
        sharpness("mlp", theta, X, y)


def test_extreme_but_finite_weights_give_a_finite_value_or_a_value_error():
    m = MLP((4, 3, 3), "tanh")
    X = np.ones((2, 4))
    theta = np.full((1, m.n_params), 1e308)  # logits overflow to inf - inf
    for call in (lambda: m.loss(theta, X, [0, 1]), lambda: m.loss_grad(theta, X, [0, 1]),
                 lambda: m.forward(theta, X), lambda: m.accuracy(theta, X, [0, 1]),
                 lambda: m.hvp(theta, X, [0, 1], theta), lambda: sharpness(m, theta, X, [0, 1])):
        with pytest.raises(ValueError, match="theta"):
            call()
    # subnormal weights: every logit is (almost) 0, so the loss is log 3
    np.testing.assert_allclose(m.loss(np.full((1, m.n_params), 5e-324), X, [0, 1]),
                               [math.log(3)])
    # -1e300 everywhere: tanh saturates at -1 and all three logits are equal (2e300)
    np.testing.assert_allclose(m.loss(np.full((1, m.n_params), -1e300), X, [0, 2]),
                               [math.log(3)])


@pytest.mark.parametrize(
    ("cls", "kwargs", "exc", "name"),
    [
        (SGD, {"momentum": 1.0}, ValueError, "momentum"),
        (SGD, {"momentum": -0.1}, ValueError, "momentum"),
        (SGD, {"momentum": NAN}, ValueError, "momentum"),
        (SGD, {"momentum": True}, TypeError, "momentum"),
        (SGD, {"momentum": "0.9"}, TypeError, "momentum"),
        (SGD, {"momentum": [0.5, NAN]}, ValueError, r"momentum\[1\]"),
        (SGD, {"momentum": [[0.5]]}, ValueError, "momentum"),
        (SGD, {"momentum": []}, ValueError, "momentum"),
        (SGD, {"momentum": np.array([True])}, TypeError, "momentum"),
        (SGD, {"weight_decay": -1.0}, ValueError, "weight_decay"),
        (SGD, {"weight_decay": INF}, ValueError, "weight_decay"),
        (SGD, {"weight_decay": 10**400}, ValueError, "weight_decay"),
        (Adam, {"betas": (0.9, 1.0)}, ValueError, r"betas\[1\]"),
        (Adam, {"betas": (-0.1, 0.9)}, ValueError, r"betas\[0\]"),
        (Adam, {"betas": 0.9}, TypeError, "betas"),
        (Adam, {"betas": "ab"}, TypeError, "betas"),
        (Adam, {"betas": (0.9, 0.99, 0.999)}, ValueError, "betas"),
        (Adam, {"eps": 0.0}, ValueError, "eps"),
        (Adam, {"eps": NAN}, ValueError, "eps"),
        (AdamW, {"weight_decay": -INF}, ValueError, "weight_decay"),
        (AdamW, {"eps": None}, TypeError, "eps"),
    ],
)
def test_optimizer_hyperparameters_are_checked(cls, kwargs, exc, name):
    with pytest.raises(exc, match=name):
        cls(**kwargs)


def test_optimizer_step_checks_its_arguments():
    opt = SGD(momentum=0.9)
    state = opt.init_state(2, 3)
    theta, g = np.zeros((2, 3)), np.ones((2, 3))
    with pytest.raises(ValueError, match="grad"):
        opt.step(theta, np.ones((2, 4)), np.ones(2), state)
    with pytest.raises(TypeError, match="lr"):
        opt.step(theta, g, np.ones(3), state)
    with pytest.raises(TypeError, match="theta"):
        opt.step(theta.tolist(), g, np.ones(2), state)
    with pytest.raises(ValueError, match="state"):
        opt.step(theta, g, np.ones(2), opt.init_state(3, 3))
    for R, P, exc in [(0, 3, ValueError), (2, True, TypeError), (2**20, 2**20, ValueError)]:
        with pytest.raises(exc):
            opt.init_state(R, P)
    with pytest.raises(ValueError, match="optimizer"):
        make_optimizer("rmsprop")
    with pytest.raises(TypeError, match="optimizer"):
        make_optimizer(None)


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"lrs": np.full((2, 3), NAN)}, ValueError, "lrs"),
        ({"lrs": np.full((2, 3), INF)}, ValueError, "lrs"),
        ({"lrs": np.full((2, 3), -0.1)}, ValueError, "lrs"),
        ({"lrs": np.zeros((2, 0))}, ValueError, "lrs"),
        ({"lrs": np.zeros(3)}, ValueError, "lrs"),
        ({"lrs": np.zeros((2, 3), bool)}, TypeError, "lrs"),
        ({"lrs": "0.1"}, TypeError, "lrs"),
        ({"lrs": np.array([[2**70] * 3] * 2, dtype=object)}, TypeError, "lrs"),
        ({"seeds": [0]}, ValueError, "seeds"),
        ({"seeds": [0, 2**40]}, ValueError, "seeds"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 41}, ValueError, "batch_size"),
        ({"batch_size": 8.0}, TypeError, "batch_size"),
        ({"batch_size": True}, TypeError, "batch_size"),
        ({"eval_steps": [0, 4]}, ValueError, r"eval_steps\[1\]"),
        ({"eval_steps": [-1]}, ValueError, "eval_steps"),
        ({"eval_steps": [1.0]}, TypeError, "eval_steps"),
        ({"eval_steps": [[0, 1]]}, ValueError, "eval_steps"),
        ({"eval_steps": "0"}, TypeError, "eval_steps"),
        ({"max_loss": 0.0}, ValueError, "max_loss"),
        ({"max_loss": NAN}, ValueError, "max_loss"),
        ({"max_loss": INF}, ValueError, "max_loss"),
        ({"max_loss": 1e308}, ValueError, "max_loss"),
        ({"record_batch_loss": 1}, TypeError, "record_batch_loss"),
        ({"sharpness_iters": -1}, ValueError, "sharpness_iters"),
        ({"sharpness_iters": 2**63}, ValueError, "sharpness_iters"),
        ({"sharpness_samples": 0}, ValueError, "sharpness_samples"),
        ({"sharpness_samples": 41}, ValueError, "sharpness_samples"),
        ({"optimizer": "sgd"}, TypeError, "optimizer"),
        ({"optimizer": SGD(momentum=[0.1, 0.2, 0.3])}, ValueError, "per-run"),
        ({"model": MLP((5, 3))}, ValueError, "n_features"),
        ({"model": MLP((4, 4))}, ValueError, "n_classes"),
        ({"model": "mlp"}, TypeError, "model"),
        ({"data": (np.zeros((3, 4)), [0, 1, 2])}, TypeError, "data"),
    ],
)
def test_train_rejects(kwargs, exc, name, data):
    args = {"model": MLP((4, 5, 3)), "optimizer": SGD(), "data": data,
            "lrs": np.full((2, 3), 0.1), "seeds": [0, 1]}
    args.update(kwargs)
    with pytest.raises(exc, match=name):
        train(**args)


@pytest.mark.parametrize("lr", [1e308, 1e30, 2.0**63])
def test_huge_rates_diverge_cleanly_and_subnormal_rates_change_nothing(lr, data):
    m = MLP((4, 5, 3))
    for opt in (SGD(momentum=0.9), Adam(), AdamW()):
        rec = train(m, opt, data, np.array([[lr] * 6, [5e-324] * 6]), [3, 3], batch_size=10)
        for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "batch_loss"):
            assert np.isfinite(getattr(rec, name)).all(), name
        if isinstance(opt, SGD):
            assert rec.diverged[0]
        assert not rec.diverged[1]
        np.testing.assert_allclose(rec.train_loss[1], rec.train_loss[1, 0], rtol=1e-15)
        mean, lo, hi = mean_ci(rec.test_loss)
        assert np.isfinite(np.stack([mean, lo, hi])).all()


def test_huge_feature_values_are_flagged_not_propagated():
    X = np.full((8, 2), 1e308)
    d = NetworkData(X, [0, 1] * 4, X[:2], [0, 1])
    rec = train(MLP((2, 3, 2)), SGD(), d, np.full((2, 4), 0.1), [0, 1], batch_size=4)
    assert rec.diverged.all() and (rec.diverged_at == 0).all()
    assert np.isfinite(rec.test_loss).all() and np.isfinite(rec.test_accuracy).all()


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"schedules": []}, ValueError, "schedules"),
        ({"schedules": 0.1}, TypeError, "schedules"),
        ({"schedules": [lambda t: NAN]}, ValueError, "schedules"),
        ({"schedules": [np.ones(2)]}, ValueError, "schedules"),
        ({"seeds": [1, 1]}, ValueError, "seeds"),
        ({"T": 0}, ValueError, "T"),
        ({"T": 2**63}, ValueError, "T"),
        ({"T": 3.0}, TypeError, "T"),
        ({"T": 2**28, "seeds": range(10)}, ValueError, "MAX_VALUES"),
    ],
)
def test_train_grid_rejects(kwargs, exc, name, data):
    args = {"model": MLP((4, 3)), "optimizer": SGD(), "data": data,
            "schedules": [np.full(3, 0.1)], "seeds": [0, 1], "T": 3}
    args.update(kwargs)
    with pytest.raises(exc, match=name):
        train_grid(**args)


def test_record_grid_checks_the_name(data):
    rec = train_grid(MLP((4, 3)), SGD(), data, [np.full(3, 0.1)], [0, 1], 3)
    with pytest.raises(ValueError, match="name"):
        rec.grid("loss")
    with pytest.raises(TypeError, match="name"):
        rec.grid(3)
    with pytest.raises(ValueError, match="sharpness"):
        rec.grid("sharpness")
    assert rec.grid("test_loss").shape == (2, 1, rec.eval_steps.size)


@pytest.mark.parametrize(
    ("args", "exc", "name"),
    [
        ((np.zeros((3, 4)), [0, 1, 2], np.zeros((1, 4)), [0]), None, None),
        ((np.full((3, 4), NAN), [0, 1, 2], np.zeros((1, 4)), [0]), ValueError, "X_train"),
        ((np.zeros((3, 4)), [0, 1, 2], np.zeros((1, 5)), [0]), ValueError, "X_test"),
        ((np.zeros((3, 4)), [0, 1], np.zeros((1, 4)), [0]), ValueError, "y_train"),
        ((np.zeros((3, 4)), [0, 1, -2], np.zeros((1, 4)), [0]), ValueError, "y_train"),
        ((np.zeros((3, 4)), [0.0, 1, 2], np.zeros((1, 4)), [0]), TypeError, "y_train"),
        ((np.zeros((3, 4)), [0, 1, 2], np.zeros((1, 4)), ["0"]), TypeError, "y_test"),
        ((np.zeros(3), [0, 1, 2], np.zeros((1, 4)), [0]), ValueError, "X_train"),
        (("abc", [0, 1, 2], np.zeros((1, 4)), [0]), TypeError, "X_train"),
        ((np.zeros((0, 4)), [], np.zeros((1, 4)), [0]), ValueError, "X_train"),
    ],
)
def test_network_data_checks(args, exc, name):
    if exc is None:
        d = NetworkData(*args)
        assert d.n_classes == 3 and d.n_train == 3
        return
    with pytest.raises(exc, match=name):
        NetworkData(*args)
    with pytest.raises(ValueError, match="n_classes"):
        NetworkData(np.zeros((2, 1)), [0, 1], np.zeros((1, 1)), [0], n_classes=1)


@pytest.mark.parametrize(("kwargs", "exc"), [({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError),
                                             ({"test_size": 1.0}, ValueError),
                                             ({"test_size": NAN}, ValueError)])
def test_digits_data_checks(kwargs, exc):
    with pytest.raises(exc, match=next(iter(kwargs))):
        digits_data(**kwargs)


def test_summaries_check_and_stay_finite():
    with pytest.raises(ValueError, match="values"):
        mean_ci([1.0])
    with pytest.raises(ValueError, match="values"):
        mean_ci([1.0, NAN])
    with pytest.raises(ValueError, match="values"):
        mean_ci([1.0, 1e308])
    with pytest.raises(TypeError, match="values"):
        mean_ci(["a", "b"])
    with pytest.raises(ValueError, match="values"):
        mean_ci(3.0)
    with pytest.raises(ValueError, match="level"):
        mean_ci([1.0, 2.0], level=1.0)
    with pytest.raises(TypeError, match="axis"):
        mean_ci([1.0, 2.0], axis=True)
    with pytest.raises(ValueError, match="axis"):
        mean_ci([1.0, 2.0], axis=1)
    mean, lo, hi = mean_ci([-1e300, 1e300, 0.5e300])
    assert np.isfinite([mean, lo, hi]).all() and lo < mean < hi
    with pytest.raises(ValueError, match="a and b"):
        win_rate([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="b"):
        win_rate([1.0, 2.0], [1.0, INF])
    with pytest.raises(TypeError, match="higher_is_better"):
        win_rate([1.0], [2.0], higher_is_better="yes")
    assert win_rate([5e-324], [0.0]) == 0.0
