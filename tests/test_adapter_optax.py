"""lrsched.optax against the real JAX/optax: jit, inject_hyperparams, a digits training loop.

JAX and optax are installed by the ``frameworks`` extra (CI installs them); no skips.
Float64 checks run with ``jax_enable_x64`` switched on for the test only.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import lrsched as ls
from lrsched.optax import JaxSchedule, schedule

from .adapter_cases import HORIZON, T, digits_batches, families

RTOL = 1e-12
FAMILIES = families()


@pytest.fixture
def x64():
    before = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", before)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_same_values_inside_and_outside_jit_and_past_the_end(name, x64):
    s = FAMILIES[name]
    f = schedule(s, horizon=HORIZON)
    steps = np.concatenate([np.arange(3 * T), [10_000, 123_457]])
    expected = s(steps)
    vector = np.asarray(jax.jit(jax.vmap(f))(jnp.asarray(steps)))  # traced, batched
    jitted = jax.jit(f)
    picks = [0, HORIZON - 1, HORIZON, HORIZON + 1, 2 * T, len(steps) - 1]
    scalar = np.array([jitted(jnp.asarray(steps[k], dtype=jnp.int32)) for k in picks])
    outside = np.asarray(f(steps))  # concrete counts: no tracing
    assert vector.dtype == np.float64
    np.testing.assert_allclose(vector, expected, rtol=RTOL, atol=0)
    np.testing.assert_array_equal(scalar, vector[picks])
    np.testing.assert_array_equal(outside, vector)


def test_float32_values_are_the_float64_values_rounded():
    assert not jax.config.jax_enable_x64
    cases = (ls.Cosine(0.1, 50, 1e-4), ls.InverseTime(0.1, 0.3), ls.Cyclic(0.01, 0.1, 7))
    for s in cases:
        f = schedule(s, horizon=20)
        got = np.array([jax.jit(f)(k) for k in range(120)])
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, s.values(120).astype(np.float32))


def test_past_the_end_kinds():
    assert schedule(ls.Cosine(0.1, 10)).table.kind == "clamp"
    assert schedule(ls.Cosine(0.1, 10)).table.size == 11
    assert schedule(ls.Cosine(0.1, 10, after="mirror")).table.kind == "periodic"
    assert schedule(ls.SGDR(0.1, 7)).table.size == 7
    assert schedule(ls.InverseTime(0.1, 0.5), horizon=100).table.size == 100
    assert schedule(ls.InverseTime(0.1, 0.5), horizon=100).table.kind == "open"
    geometric = schedule(ls.StepDecay(0.1, 7, 0.5)).table
    assert geometric.kind == "geometric" and geometric.size % 7 == 0
    assert geometric.ratio == 0.5 ** (geometric.size // 7)
    # a horizon longer than max_size: the callback covers the rest, values stay exact
    long = schedule(ls.Cosine(0.1, 10_000), max_size=64)
    assert long.table.kind == "open" and long.table.size == 64
    np.testing.assert_allclose(
        [jax.jit(long)(k) for k in (0, 63, 64, 5000, 20_000)],
        ls.Cosine(0.1, 10_000)(np.array([0, 63, 64, 5000, 20_000])).astype(np.float32),
    )
    assert float(schedule(ls.Cosine(0.1, 10))(-5)) == pytest.approx(0.1)


def _loss(params, X, y):
    logits = X @ params["w"] + params["b"]
    return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(y.shape[0]), y])


def test_inject_hyperparams_training_loop_uses_every_family(x64):
    """SGD on digits, every family in one compiled scan over the updates."""
    names = sorted(FAMILIES)
    opts = {
        n: optax.inject_hyperparams(optax.sgd)(learning_rate=schedule(FAMILIES[n], HORIZON))
        for n in names
    }
    params0 = {"w": jnp.zeros((64, 10)), "b": jnp.zeros(10)}
    batches = digits_batches(T)
    data = (
        jnp.asarray(np.stack([b[0] for b in batches])),
        jnp.asarray(np.stack([b[1] for b in batches])),
    )

    def update(carry, batch):
        new, rates, grads = {}, {}, {}
        for n in names:
            params, state = carry[n]
            g = jax.grad(_loss)(params, *batch)
            updates, state = opts[n].update(g, state, params)
            new[n] = (optax.apply_updates(params, updates), state)
            rates[n], grads[n] = state.hyperparams["learning_rate"], g["w"]
        return new, (rates, grads)

    init = {n: (params0, opts[n].init(params0)) for n in names}
    final, (rates, grads) = jax.jit(lambda c: jax.lax.scan(update, c, data))(init)
    for n in names:
        s = FAMILIES[n]
        np.testing.assert_allclose(np.asarray(rates[n]), s.values(T), rtol=RTOL, atol=0, err_msg=n)
        # the same updates by hand: w_T = -sum_t s(t) g_t
        w_ref = -np.einsum("t,tij->ij", s.values(T), np.asarray(grads[n]))
        w = np.asarray(final[n][0]["w"])
        np.testing.assert_allclose(w, w_ref, rtol=1e-10, atol=1e-13, err_msg=n)


def test_adam_with_the_schedule_equals_adam_with_optaxs_own():
    # optax computes its own schedule in float32 inside jit: compare at that precision
    ours = optax.adam(schedule(ls.warmup_cosine(0.1, 20, 5)))
    theirs = optax.adam(optax.warmup_cosine_decay_schedule(0.0, 0.1, 5, 20))
    results = []
    for opt in (ours, theirs):

        def run(params, opt=opt):
            state = opt.init(params)
            for _ in range(25):
                updates, state = opt.update(jnp.sin(3 * params), state, params)
                params = optax.apply_updates(params, updates)
            return params

        results.append(np.asarray(jax.jit(run)(jnp.linspace(-1.0, 1.0, 5))))
    assert results[0].dtype == np.float32
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


OPTAX_CASES = [
    ("constant_schedule", {"value": 0.05}),
    ("exponential_decay", {"init_value": 0.1, "transition_steps": 4, "decay_rate": 0.8}),
    (
        "exponential_decay",
        {
            "init_value": 0.1,
            "transition_steps": 5,
            "decay_rate": 0.5,
            "staircase": True,
            "transition_begin": 7,
        },
    ),
    (
        "polynomial_schedule",
        {"init_value": 0.1, "end_value": 0.001, "power": 2.0, "transition_steps": 30},
    ),
    (
        "linear_schedule",
        {"init_value": 0.001, "end_value": 0.1, "transition_steps": 20, "transition_begin": 5},
    ),
    ("cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 30, "alpha": 0.1}),
    (
        "warmup_cosine_decay_schedule",
        {
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 8,
            "decay_steps": 40,
            "end_value": 0.001,
        },
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.1, "boundaries_and_scales": {20: 0.1, 8: 0.5}},
    ),
]


@pytest.mark.parametrize("name, kw", OPTAX_CASES, ids=[c[0] for c in OPTAX_CASES])
def test_from_optax_gives_optaxs_own_values(name, kw, x64):
    steps = np.arange(60)
    theirs = np.array([getattr(optax, name)(**kw)(k) for k in steps])
    ours = ls.from_optax(getattr(optax, name), **kw)
    np.testing.assert_allclose(ours(steps), theirs, rtol=1e-12, atol=1e-15)


def test_from_optax_rejects_what_it_cannot_translate():
    with pytest.raises(ValueError, match="exponent"):
        ls.from_optax("cosine_decay_schedule", init_value=0.1, decay_steps=10, exponent=2.0)
    with pytest.raises(ValueError, match="end_value"):
        ls.from_optax(
            "exponential_decay",
            init_value=0.1,
            transition_steps=1,
            decay_rate=0.5,
            end_value=0.01,
        )
    with pytest.raises(ValueError, match="unknown"):
        ls.from_optax("sgdr_schedule", cosine_kwargs=[])


def test_bad_arguments_name_the_parameter():
    with pytest.raises(TypeError, match="schedule"):
        JaxSchedule("cosine")
    with pytest.raises(ValueError, match="horizon"):
        schedule(ls.Exponential(0.1, gamma=0.9), horizon=0)
    with pytest.raises(TypeError, match="horizon"):
        schedule(ls.Exponential(0.1, gamma=0.9), horizon=10.0)
