"""lrsched.torch against the real PyTorch: training loops, resume, momentum, plateau, warnings.

PyTorch is installed by the ``frameworks`` extra (CI installs it); these tests do not skip.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import lrsched as ls
from lrsched.torch import PlateauLR, ScheduleLR

from .adapter_cases import T, digits_batches, families, torch_resume_run

RTOL = 1e-12
ROOT = Path(__file__).resolve().parents[1]
FAMILIES = families()


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one thread avoids OpenMP spin-waiting on a shared 2-core machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _model(seed: int = 0) -> torch.nn.Linear:
    torch.manual_seed(seed)
    return torch.nn.Linear(64, 10).double()


def _train(schedule, n_steps=T, opt_cls=torch.optim.SGD, **opt_kw):
    """Train softmax regression on digits; return the rate each optimizer.step() used."""
    model = _model()
    opt = opt_cls(model.parameters(), lr=0.5, **opt_kw)
    sched = ScheduleLR(opt, schedule)
    used: list[float] = []
    opt.register_step_pre_hook(lambda o, args, kw: used.append(o.param_groups[0]["lr"]))
    for X, y in digits_batches(n_steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y))
        loss.backward()
        opt.step()
        sched.step()
    return np.array(used), model


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_training_loop_uses_the_schedule_at_every_step(name):
    s = FAMILIES[name]
    used, model = _train(s)
    np.testing.assert_allclose(used, s.values(T), rtol=RTOL, atol=0)
    # The same run by hand (w -= s(t) * grad) ends at the same weights: the optimizer
    # really applied these rates.
    ref = _model()
    for t, (X, y) in enumerate(digits_batches(T)):
        ref.zero_grad()
        torch.nn.functional.cross_entropy(ref(torch.from_numpy(X)), torch.from_numpy(y)).backward()
        with torch.no_grad():
            for p in ref.parameters():
                p -= s(t) * p.grad
    for p, q in zip(model.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-12, atol=1e-15)


def test_factor_mode_scales_each_parameter_groups_rate():
    model = _model()
    opt = torch.optim.SGD(
        [{"params": [model.weight], "lr": 0.2}, {"params": [model.bias], "lr": 0.01}]
    )
    factor = ls.Cosine(1.0, 20, 0.01)
    sched = ScheduleLR(opt, factor, mode="factor")
    got = []
    for _ in range(30):
        got.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    np.testing.assert_allclose(np.array(got), np.outer(factor.values(30), [0.2, 0.01]), rtol=RTOL)
    assert sched.base_lrs == [0.2, 0.01]


def test_one_schedule_per_group_in_absolute_mode():
    model = _model()
    opt = torch.optim.SGD(
        [{"params": [model.weight], "lr": 0.2}, {"params": [model.bias], "lr": 0.01}]
    )
    a, b = ls.StepDecay(0.3, 4), ls.Cyclic(0.001, 0.01, 3)
    sched = ScheduleLR(opt, [a, b])
    got = []
    for _ in range(25):
        got.append(sched.get_last_lr())
        opt.step()
        sched.step()
    np.testing.assert_allclose(np.array(got), np.stack([a.values(25), b.values(25)], 1), rtol=RTOL)


def test_past_a_chunk_boundary_and_at_huge_steps():
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    s = ls.Exponential(0.1, lam=1e-4)
    sched = ScheduleLR(opt, s)
    for _ in range(2500):  # crosses two chunks of cached values
        opt.step()
        sched.step()
    assert sched.get_last_lr() == [s(2500)]
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(2**62)  # PyTorch's deprecated step(epoch) uses the closed form
    assert sched.get_last_lr() == [s(2**62)]


def test_scheduler_before_optimizer_gives_pytorchs_warning():
    def misuse(make):
        w = torch.zeros(2, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.1)
        sched = make(opt)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            sched.step()
            opt.step()
        return [str(r.message) for r in rec]

    ours = misuse(lambda o: ScheduleLR(o, ls.StepDecay(0.1, 2)))
    theirs = misuse(lambda o: torch.optim.lr_scheduler.StepLR(o, 2))
    assert ours == theirs
    assert any("before `optimizer.step()`" in m for m in ours)

    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    sched = ScheduleLR(opt, ls.StepDecay(0.1, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()  # the right order: no warning
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"anneal_strategy": "linear", "three_phase": True, "pct_start": 0.25},
        {"base_momentum": 0.8, "max_momentum": 0.97, "pct_start": 0.4},
    ],
)
def test_one_cycle_momentum_equals_pytorch_cycle_momentum(opt_name, kw):
    total = 37
    opt_kw = {"momentum": 0.9} if opt_name == "SGD" else {}
    key = "momentum" if opt_name == "SGD" else "betas"

    def run(make):
        torch.manual_seed(0)
        w = torch.randn(4, requires_grad=True)
        opt = getattr(torch.optim, opt_name)([w], lr=0.1, **opt_kw)
        sched = make(opt)
        lrs, moms = [], []
        for t in range(total):
            m = opt.param_groups[0][key]
            moms.append(m[0] if key == "betas" else m)
            lrs.append(opt.param_groups[0]["lr"])
            (w**2).sum().backward()
            opt.step()
            if t < total - 1:  # PyTorch's OneCycleLR raises past total_steps
                sched.step()
        return np.array(lrs), np.array(moms), w.detach().numpy()

    theirs = run(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, 0.5, total, **kw))
    lr_schedule = ls.from_torch("OneCycleLR", max_lr=0.5, total_steps=total, **kw)
    momentum = ls.OneCycleMomentum(
        total,
        kw.get("pct_start", 0.3),
        kw.get("anneal_strategy", "cos"),
        kw.get("base_momentum", 0.85),
        kw.get("max_momentum", 0.95),
        kw.get("three_phase", False),
    )
    ours = run(lambda o: ScheduleLR(o, lr_schedule, momentum=momentum))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=RTOL)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=RTOL)
    np.testing.assert_allclose(ours[1], momentum.values(total), rtol=RTOL)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


def test_one_cycle_momentum_validates_its_parameters():
    with pytest.raises(ValueError, match="base_momentum"):
        ls.OneCycleMomentum(10, base_momentum=float("nan"))
    with pytest.raises(ValueError, match="max_momentum"):
        ls.OneCycleMomentum(10, max_momentum=1.5)
    with pytest.raises(TypeError, match="T"):
        ls.OneCycleMomentum("10")
    assert ls.OneCycleMomentum(10, base_momentum=0.8, max_momentum=0.9).bounds == (0.8, 0.9)


def test_momentum_needs_an_optimizer_with_momentum():
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="momentum"):
        ScheduleLR(torch.optim.Adagrad([w], lr=0.1), ls.Constant(0.1), momentum=ls.Constant(0.9))


def test_bad_arguments_name_the_parameter():
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="mode"):
        ScheduleLR(opt, ls.Constant(0.1), mode="relative")
    with pytest.raises(TypeError, match="schedule"):
        ScheduleLR(opt, 0.1)
    with pytest.raises(ValueError, match="schedule"):
        ScheduleLR(opt, [ls.Constant(0.1), ls.Constant(0.2)])
    with pytest.raises(TypeError, match="plateau"):
        PlateauLR(opt, ls.Constant(0.1))


@pytest.mark.parametrize(
    "kw",
    [
        {"patience": 2},
        {"mode": "max", "factor": 0.5, "patience": 1, "threshold_mode": "abs", "cooldown": 2},
        {"patience": 0, "min_lr": 0.02, "threshold": 0.05},
    ],
)
def test_plateau_fed_by_a_metric_equals_reduce_lr_on_plateau(kw):
    metrics = np.random.default_rng(1).uniform(0.5, 1.0, 40).tolist()

    def run(make):
        w = torch.zeros(2, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.3)
        sched = make(opt)
        out = []
        for m in metrics:
            opt.step()
            sched.step(m)
            out.append(opt.param_groups[0]["lr"])
        return out

    theirs = run(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, **kw))
    ours = run(lambda o: PlateauLR(o, ls.from_torch("ReduceLROnPlateau", 0.3, **kw)))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert len(set(theirs)) > 1  # the metric did cut the rate


def test_plateau_factor_mode_and_resume():
    model = _model()
    opt = torch.optim.SGD(
        [{"params": [model.weight], "lr": 0.2}, {"params": [model.bias], "lr": 0.02}]
    )
    sched = PlateauLR(opt, ls.ReduceOnPlateau(1.0, factor=0.5, patience=1), mode="factor")
    for m in [1.0, 1.0, 1.0, 0.5]:
        opt.step()
        sched.step(m)
    assert sched.get_last_lr() == pytest.approx([0.1, 0.01], rel=1e-15)
    state = sched.state_dict()
    fresh = PlateauLR(opt, ls.ReduceOnPlateau(1.0, factor=0.5, patience=1), mode="factor")
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.02]  # creation wrote b_g * 1.0
    fresh.load_state_dict(state)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.1, 0.01], rel=1e-15)
    for s in (sched, fresh):
        for m in [0.5, 0.5]:
            s.step(m)
    assert fresh.get_last_lr() == sched.get_last_lr() == pytest.approx([0.05, 0.005], rel=1e-15)
    with pytest.raises(TypeError, match="metric"):
        sched.step()


def test_state_dict_is_plain_data_and_checked_on_load(tmp_path):
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    sched = ScheduleLR(opt, ls.Cosine(0.1, 10), momentum=None)
    for _ in range(3):
        opt.step()
        sched.step()
    torch.save(sched.state_dict(), tmp_path / "s.pt")
    state = torch.load(tmp_path / "s.pt", weights_only=True)
    json.dumps(state)
    other = ScheduleLR(opt, ls.Cosine(0.1, 11))
    with pytest.raises(ValueError, match="schedules"):
        other.load_state_dict(state)


def test_load_state_dict_sets_the_optimizers_rate_whatever_the_order():
    # PyTorch's own schedulers overwrite a loaded rate when created after
    # optimizer.load_state_dict; ScheduleLR.load_state_dict puts the right one back.
    s, m = ls.OneCycle(0.3, 20), ls.OneCycleMomentum(20)
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    sched = ScheduleLR(opt, s, momentum=m)
    for _ in range(7):
        opt.step()
        sched.step()
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    w2 = torch.zeros(2, requires_grad=True)
    opt2 = torch.optim.SGD([w2], lr=0.1, momentum=0.9)
    opt2.load_state_dict(opt_state)  # optimizer first ...
    sched2 = ScheduleLR(opt2, s, momentum=m)  # ... this writes s(0) into it ...
    assert opt2.param_groups[0]["lr"] == s(0)
    sched2.load_state_dict(sched_state)  # ... and this restores step 7
    assert opt2.param_groups[0]["lr"] == s(7) == sched2.get_last_lr()[0]
    assert opt2.param_groups[0]["momentum"] == m(7)


def test_resume_in_a_new_process_equals_an_uninterrupted_run(tmp_path):
    total, stop = 40, 17
    ckpt = str(tmp_path / "ckpt.pt")
    whole = torch_resume_run("whole", ckpt, stop, total)
    first = torch_resume_run("first", ckpt, stop, total)
    code = (
        "import json, sys; from tests.adapter_cases import torch_resume_run; "
        "print(json.dumps(torch_resume_run('second', sys.argv[1], int(sys.argv[2]), "
        "int(sys.argv[3]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, ckpt, str(stop), str(total)],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(ROOT),
    )
    second = json.loads(out.stdout)
    assert first["lrs"] + second["lrs"] == whole["lrs"]
    assert first["betas"] + second["betas"] == whole["betas"]
    assert second["weight"] == whole["weight"]  # bit for bit
    np.testing.assert_allclose(whole["lrs"], ls.OneCycle(0.05, total).values(total), rtol=RTOL)
    np.testing.assert_allclose(whole["betas"], ls.OneCycleMomentum(total).values(total), rtol=RTOL)


TORCH_CASES = [
    ("StepLR", 0.1, {"step_size": 7, "gamma": 0.5}),
    ("StepLR", 0.1, {"step_size": 3}),
    ("MultiStepLR", 0.1, {"milestones": [12, 4, 4], "gamma": 0.3}),
    ("ExponentialLR", 0.2, {"gamma": 0.93}),
    ("CosineAnnealingLR", 0.1, {"T_max": 15, "eta_min": 0.001}),
    ("CosineAnnealingWarmRestarts", 0.1, {"T_0": 5, "T_mult": 2, "eta_min": 0.01}),
    ("CyclicLR", 0.1, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "step_size_down": 6}),
    ("CyclicLR", 0.1, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "mode": "triangular2"}),
    (
        "CyclicLR",
        0.1,
        {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "mode": "exp_range", "gamma": 0.9},
    ),
    ("OneCycleLR", 0.1, {"max_lr": 0.3, "total_steps": 41}),
    ("OneCycleLR", 0.1, {"max_lr": 0.3, "epochs": 4, "steps_per_epoch": 11, "three_phase": True}),
    ("LinearLR", 0.1, {"start_factor": 0.25, "end_factor": 0.75, "total_iters": 9}),
    ("LinearLR", 0.1, {}),
    ("PolynomialLR", 0.1, {"total_iters": 12, "power": 2.0}),
    ("ConstantLR", 0.1, {"factor": 0.5, "total_iters": 6}),
    ("LambdaLR", 0.1, {"lr_lambda": lambda t: 1.0 / (1.0 + 0.1 * t)}),
]


@pytest.mark.parametrize("name, lr, kw", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_from_torch_gives_the_schedulers_own_rates(name, lr, kw):
    n = 40
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr, momentum=0.9)
    sched = getattr(torch.optim.lr_scheduler, name)(opt, **kw)
    got = []
    for _ in range(n):
        got.append(sched.get_last_lr()[0])
        opt.step()
        if len(got) < n:
            sched.step()
    ours = ls.from_torch(getattr(torch.optim.lr_scheduler, name), lr, **kw)
    np.testing.assert_allclose(ours.values(n), got, rtol=RTOL, atol=1e-15)


def test_from_torch_rejects_what_it_cannot_translate():
    with pytest.raises(ValueError, match="MultiplicativeLR"):
        ls.from_torch("MultiplicativeLR", 0.1, lr_lambda=lambda t: 0.9)
    with pytest.raises(TypeError, match="needs lr"):
        ls.from_torch("StepLR", step_size=3)
    with pytest.raises(TypeError, match="StepLR"):
        ls.from_torch("StepLR", 0.1, step_size=3, gama=0.5)
    with pytest.raises(ValueError, match="scale_fn"):
        ls.from_torch("CyclicLR", base_lr=0.1, max_lr=1.0, scale_fn=lambda x: 1.0)
    with pytest.raises(ValueError, match="step_size"):
        ls.from_torch("StepLR", 0.1, step_size=0)


def test_a_function_defined_only_up_to_the_end_of_training_still_works():
    rates = [0.1, 0.05, 0.02]  # indexing past the list raises: only steps 0..2 exist
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    sched = ScheduleLR(opt, ls.FromCallable(lambda t: rates[t]))
    got = []
    for _ in range(3):
        got.append(sched.get_last_lr()[0])
        opt.step()
        if len(got) < 3:
            sched.step()
    assert got == rates
    with pytest.raises(ValueError, match="IndexError at step t=3"):
        sched.step()  # step 3 does not exist: the function's own error, with the step
