"""Optimizers of the network simulator against pinned PyTorch updates
(tests/fixtures/torch_network.json, made by tools/make_torch_network_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lrsched.network import MLP, SGD, Adam, AdamW, make_optimizer

FIXTURES = json.loads(
    (Path(__file__).parent / "fixtures" / "torch_network.json").read_text(encoding="utf-8")
)
CASES = [(net, opt) for net in FIXTURES["nets"] for opt in net["optimizers"]]
CLASSES = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}


def _make(opt_case, per_run=None):
    kw = dict(opt_case["kwargs"])
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    return CLASSES[opt_case["class"]](**kw)


def _run(m, opt, theta, X, y, lrs):
    """Full-batch updates as the fixture generator makes them; parameters after each."""
    theta = theta.copy()
    state = opt.init_state(*theta.shape)
    after = []
    for lr in lrs:
        _, g = m.loss_grad(theta, X, y)
        opt.step(theta, g, np.broadcast_to(np.asarray(lr, float), theta.shape[:1]), state)
        after.append(theta.copy())
    return after


def test_fixtures_come_from_the_pinned_generator():
    assert FIXTURES["generator"] == "tools/make_torch_network_fixtures.py"
    assert FIXTURES["torch"].startswith("2.13.0")
    assert FIXTURES["dtype"] == "float64"
    assert len(CASES) == 24


@pytest.mark.parametrize(("net", "opt_case"), CASES,
                         ids=[f"{n['id']}-{o['id']}" for n, o in CASES])
def test_one_and_three_steps_equal_pytorch(net, opt_case):
    m = MLP(net["sizes"], net["activation"])
    theta = np.array([net["theta"]])
    X, y = np.array(net["X"]), np.array(net["y"])
    after = _run(m, _make(opt_case), theta, X, y, opt_case["lrs"])
    assert len(opt_case["lrs"]) == 3
    np.testing.assert_allclose(after[0][0], opt_case["theta_after_1"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(after[-1][0], opt_case["theta_after_last"], rtol=1e-11,
                               atol=1e-13)


@pytest.mark.parametrize("pair", [("sgd", "momentum_wd"), ("sgd_wd", "momentum"),
                                  ("adam", "adam_l2"), ("adamw", "adamw_small_beta")])
def test_per_run_hyperparameters_equal_pytorch_run_by_run(pair):
    """Two fixture cases in one batch: per-run hyperparameters and per-run rates."""
    net = FIXTURES["nets"][0]
    cases = [next(o for o in net["optimizers"] if o["id"] == k) for k in pair]
    kws = [c["kwargs"] for c in cases]
    cls = CLASSES[cases[0]["class"]]
    if cls is SGD:
        opt = SGD(momentum=[k["momentum"] for k in kws],
                  weight_decay=np.array([k["weight_decay"] for k in kws]))
    else:
        opt = cls(betas=([k["betas"][0] for k in kws], [k["betas"][1] for k in kws]),
                  eps=[k["eps"] for k in kws], weight_decay=[k["weight_decay"] for k in kws])
    assert opt.n_runs() == 2
    m = MLP(net["sizes"], net["activation"])
    theta = np.array([net["theta"], net["theta"]])
    X, y = np.array(net["X"]), np.array(net["y"])
    lrs = np.array([cases[0]["lrs"], cases[1]["lrs"]]).T
    after = _run(m, opt, theta, X, y, lrs)
    for r, c in enumerate(cases):
        np.testing.assert_allclose(after[0][r], c["theta_after_1"], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(after[-1][r], c["theta_after_last"], rtol=1e-11, atol=1e-13)


def test_zero_rate_leaves_parameters_unchanged_for_every_optimizer():
    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal((3, 7))
    for opt in (SGD(), SGD(momentum=0.9, weight_decay=0.1), Adam(weight_decay=0.1), AdamW()):
        theta = theta0.copy()
        state = opt.init_state(3, 7)
        opt.step(theta, rng.standard_normal((3, 7)), np.array([0.0, 0.1, 0.0]), state)
        np.testing.assert_array_equal(theta[[0, 2]], theta0[[0, 2]])
        assert not np.array_equal(theta[1], theta0[1])


def test_first_adam_step_is_the_sign_step():
    """With bias correction, the first Adam update is -lr * g / (|g| + eps') exactly:
    m_1 / (1 - b1) = g, sqrt(v_1 / (1 - b2)) = |g| (a closed form, independent of torch)."""
    g = np.array([[0.5, -2.0, 1e-3, 3.0]])
    theta = np.zeros((1, 4))
    opt = Adam(eps=1e-8)
    opt.step(theta, g.copy(), np.array([0.01]), opt.init_state(1, 4))
    np.testing.assert_allclose(theta, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-14)


def test_make_optimizer_by_name():
    assert isinstance(make_optimizer("sgd"), SGD)
    assert make_optimizer("momentum").momentum == 0.9
    assert make_optimizer("momentum", momentum=0.5).momentum == 0.5
    assert make_optimizer("adam").decoupled is False
    w = make_optimizer("adamw")
    assert w.decoupled is True and w.weight_decay == 0.01
    assert "AdamW(" in repr(w)
