"""lrsched.keras against the real Keras 3, on the JAX (compiled) and PyTorch backends.

Keras picks its backend at import, so each backend runs ``tests/keras_run.py`` in its own
process (JAX first: it saves a model that the PyTorch process loads). Keras, JAX and
PyTorch are installed by the ``frameworks`` extra (CI installs them); no skips.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrsched as ls

from .adapter_cases import T, families

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = families()


def _run(backend: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tests.keras_run", backend, str(path)],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    path = tmp_path_factory.mktemp("keras") / "model.keras"
    jax_run = _run("jax", path)
    torch_run = _run("torch", path)
    return {"jax": jax_run, "torch": torch_run}


def test_backends_are_jax_float32_and_torch_float64(runs):
    assert (runs["jax"]["backend"], runs["jax"]["floatx"]) == ("jax", "float32")
    assert (runs["torch"]["backend"], runs["torch"]["floatx"]) == ("torch", "float64")
    assert set(runs["torch"]["fit"]) == set(FAMILIES)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_model_fit_uses_the_schedule_at_every_step_float64(runs, name):
    seen = runs["torch"]["fit"][name]
    expected = FAMILIES[name].values(T)
    assert seen["iterations"] == list(range(T))
    np.testing.assert_allclose(seen["lr"], expected, rtol=1e-12, atol=0)
    # The weight change recomputed from an independent float64 gradient agrees too
    # (to the gradient's agreement with Keras's own, ~1e-7).
    np.testing.assert_allclose(seen["lr_from_update"], expected, rtol=1e-5)


@pytest.mark.parametrize("name", ["cosine", "cyclic", "step", "inverse_sqrt"])
def test_compiled_fit_on_jax_uses_the_schedule_at_every_step_float32(runs, name):
    seen = runs["jax"]["fit"][name]
    expected = FAMILIES[name].values(T)
    assert seen["iterations"] == list(range(T))
    # float32: the float64 value rounded (exactly), inside the compiled train step,
    # past the horizon too (one schedule per kind of table read, inverse_sqrt: host
    # callback past the table)
    np.testing.assert_array_equal(np.float32(seen["lr"]), expected.astype(np.float32), err_msg=name)
    big = expected > 1e-3  # where a float32 weight change resolves the rate
    np.testing.assert_allclose(np.array(seen["lr_from_update"])[big], expected[big], rtol=1e-3)


@pytest.mark.parametrize(
    "key",
    [
        "ExponentialDecay",
        "ExponentialDecay_staircase",
        "InverseTimeDecay",
        "PolynomialDecay",
        "CosineDecay",
        "CosineDecay_warmup",
        "CosineDecayRestarts",
        "PiecewiseConstantDecay",
    ],
)
def test_from_keras_gives_keras_own_values(runs, key):
    ref = runs["torch"]["reference"][key]
    np.testing.assert_allclose(ref["lrsched"], ref["keras"], rtol=1e-12, atol=1e-15)


def test_get_config_from_config_round_trip(runs):
    configs = runs["torch"]["config"]
    assert set(configs) == set(FAMILIES) - {"from_callable"}
    for name, got in configs.items():
        s = FAMILIES[name]
        assert got["repr"] == repr(s)
        np.testing.assert_array_equal(got["values"], s(np.array(got["steps"])), err_msg=name)


def test_saved_model_loads_in_a_new_process_with_the_same_schedule(runs):
    loaded = runs["torch"]["load"]
    s = ls.warmup_cosine(0.1, 40, 5, 1e-3)
    assert loaded["class"] == "KerasSchedule"
    assert loaded["repr"] == runs["jax"]["save"]["repr"] == repr(s)
    assert loaded["iterations"] == 3  # the optimizer state came back too
    np.testing.assert_allclose(loaded["values"], s.values(50), rtol=1e-12, atol=0)
    assert loaded["lr_now"] == pytest.approx(s(3), rel=1e-12)
