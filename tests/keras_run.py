"""Run lrsched.keras on one Keras backend and print what was observed, as JSON.

Keras fixes its backend when first imported, so ``tests/test_adapter_keras.py`` runs
this module in a subprocess per backend: ``python -m tests.keras_run jax|torch PATH``
(see :func:`main`). With ``torch`` the float type is ``float64``.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

BACKEND = sys.argv[1]
os.environ["KERAS_BACKEND"] = BACKEND

import keras  # noqa: E402

import lrsched as ls  # noqa: E402
from lrsched.keras import KerasSchedule  # noqa: E402

from .adapter_cases import HORIZON, T, digits_batches, families  # noqa: E402

if BACKEND == "torch":
    import torch

    torch.set_num_threads(1)
    keras.config.set_floatx("float64")
FLOAT = keras.config.floatx()


def fit_family(s: ls.Schedule) -> dict:
    """``model.fit`` on digits for T updates; the rate each update used, two ways."""
    keras.utils.set_random_seed(0)
    batches = digits_batches(T)
    X = np.concatenate([b[0] for b in batches]).astype(FLOAT)
    y = np.concatenate([b[1] for b in batches])
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=KerasSchedule(s, HORIZON)), loss=loss
    )
    seen: dict[str, list] = {"iterations": [], "lr": [], "lr_from_update": []}

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            opt = self.model.optimizer
            seen["iterations"].append(int(keras.ops.convert_to_numpy(opt.iterations)))
            seen["lr"].append(float(keras.ops.convert_to_numpy(opt.learning_rate)))
            self.before = [np.array(w, dtype=np.float64) for w in self.model.get_weights()]

        def on_train_batch_end(self, batch, logs=None):
            # The update w <- w - lr * grad, with the softmax cross-entropy gradient of
            # this batch computed here in float64: lr = -<dw, g> / <g, g>.
            W, b = self.before
            Xb = X[32 * batch : 32 * (batch + 1)].astype(np.float64)
            z = Xb @ W + b
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(32), y[32 * batch : 32 * (batch + 1)]] -= 1.0
            g = Xb.T @ p / 32
            dw = np.array(self.model.get_weights()[0], dtype=np.float64) - W
            seen["lr_from_update"].append(float(-np.sum(dw * g) / np.sum(g * g)))

    model.fit(X, y, batch_size=32, epochs=1, shuffle=False, verbose=0, callbacks=[Record()])
    return seen


def keras_reference_values() -> dict:
    """Keras's own schedules (and lrsched.from_keras of the same arguments) at steps 0..59."""
    S = keras.optimizers.schedules
    cases = {
        "ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.6},
        "ExponentialDecay_staircase": {
            "initial_learning_rate": 0.1,
            "decay_steps": 7,
            "decay_rate": 0.6,
            "staircase": True,
        },
        "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5},
        "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 30, "power": 2.0},
        "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 30, "alpha": 0.05},
        "CosineDecay_warmup": {
            "initial_learning_rate": 0.0,
            "decay_steps": 30,
            "alpha": 0.05,
            "warmup_target": 0.2,
            "warmup_steps": 8,
        },
        "CosineDecayRestarts": {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 6,
            "t_mul": 1.5,
            "m_mul": 0.8,
            "alpha": 0.1,
        },
        "PiecewiseConstantDecay": {"boundaries": [5, 20], "values": [0.1, 0.05, 0.01]},
    }
    out = {}
    for key, kw in cases.items():
        name = key.split("_")[0]
        theirs = getattr(S, name)(**kw)
        values = [float(keras.ops.convert_to_numpy(theirs(k))) for k in range(60)]
        ours = ls.from_keras(getattr(S, name), **kw).values(60).tolist()
        out[key] = {"keras": values, "lrsched": ours}
    return out


#: On JAX the train step is compiled once per model (seconds each), so the JAX run fits one
#: schedule per kind of table read (clamp, periodic, geometric, open past the horizon: host
#: callback); the eager PyTorch run fits every family.
JAX_FAMILIES = ("cosine", "cyclic", "step", "inverse_sqrt")


def save(path: str) -> dict:
    """Train a model with a KerasSchedule for 3 updates and save it to ``path``."""
    s = ls.warmup_cosine(0.1, 40, 5, 1e-3)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=KerasSchedule(s)), loss="mse")
    batches = digits_batches(3)
    X = np.concatenate([b[0] for b in batches]).astype(FLOAT)
    model.fit(X, np.zeros((len(X), 10), FLOAT), batch_size=32, verbose=0)
    model.save(path)
    return {"repr": repr(s)}


def load(path: str) -> dict:
    """Load the model saved by :func:`save` (another process, maybe another backend)."""
    model = keras.saving.load_model(path)
    opt = model.optimizer
    sched = opt._learning_rate
    return {
        "class": type(sched).__name__,
        "repr": repr(sched.schedule),
        "iterations": int(keras.ops.convert_to_numpy(opt.iterations)),
        "values": [float(keras.ops.convert_to_numpy(sched(k))) for k in range(50)],
        "lr_now": float(keras.ops.convert_to_numpy(opt.learning_rate)),
    }


def config_round_trip() -> dict:
    """get_config -> JSON -> from_config for every family that is data (not FromCallable)."""
    out = {}
    steps = list(range(0, 3 * T, 7))
    for name, s in families().items():
        if name == "from_callable":
            continue
        config = json.loads(json.dumps(KerasSchedule(s, HORIZON).get_config()))
        back = KerasSchedule.from_config(config)
        out[name] = {
            "repr": repr(back.schedule),
            "values": [float(keras.ops.convert_to_numpy(back(k))) for k in steps],
            "steps": steps,
        }
    return out


def main() -> None:
    """``jax PATH``: fit JAX_FAMILIES, save a model to PATH. ``torch PATH``: fit every
    family, Keras's reference values, config round trips, load the model at PATH."""
    path = sys.argv[2]
    result: dict = {"backend": keras.backend.backend(), "floatx": FLOAT}
    fams = families()
    if BACKEND == "jax":
        result["fit"] = {name: fit_family(fams[name]) for name in JAX_FAMILIES}
        result["save"] = save(path)
    else:
        result["fit"] = {name: fit_family(s) for name, s in fams.items()}
        result["reference"] = keras_reference_values()
        result["config"] = config_round_trip()
        result["load"] = load(path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
