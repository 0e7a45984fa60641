"""Generate pinned PyTorch references for the network simulator (``lrsched.network``).

Output: ``tests/fixtures/torch_network.json`` (relative to the repository root).

How the fixtures are made
-------------------------
* PyTorch 2.13.0, CPU build (``torch==2.13.0``), as installed in the development
  virtualenv (``.venv``, with the frameworks extra) or a throw-away one; torch is *not*
  a dependency of lrsched, and the tests read only the JSON, never import torch.
* Everything is ``float64`` (``torch.float64`` tensors). Inputs and weights are drawn
  with NumPy (``np.random.default_rng(20260)``) and stored in the JSON, so the tests use
  the very same numbers; values are written with ``json.dump``'s float repr, which
  round-trips exactly.
* Parameters are stored flat, in lrsched's layout: for each layer the weight matrix
  ``W`` of shape ``(d_in, d_out)`` row by row, then the bias ``b``. A
  ``torch.nn.Linear`` holds ``W.T`` as its ``weight``.
* Networks: ``torch.nn.Sequential`` of ``Linear`` layers with ``ReLU`` or ``Tanh``
  between them; loss ``torch.nn.functional.cross_entropy`` (mean over the batch).
  Stored per network: the logits, the loss and the gradient after ``loss.backward()``.
* Optimizers: ``torch.optim.SGD`` (``dampening=0``, ``nesterov=False``), ``Adam`` and
  ``AdamW`` (``amsgrad=False``), all on the single-tensor path (``foreach=False``, the CPU
  default), with
  the learning rate of update ``k`` set in ``param_groups[0]["lr"]`` before
  ``opt.step()``. Each update recomputes the loss and gradient on the same batch at
  the current weights. The parameters after update 1 and after the last update are
  stored.

Regenerate (from the repository root), with ``.venv/bin/python`` or::

    python3 -m venv /tmp/torchref
    /tmp/torchref/bin/pip install torch==2.13.0 numpy
    /tmp/torchref/bin/python tools/make_torch_network_fixtures.py
"""

import json
import platform
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "torch_network.json"
GENERATOR = "tools/make_torch_network_fixtures.py"

# (id, sizes, activation, batch rows)
NETS = [
    ("relu_2hidden", [5, 4, 3, 3], "relu", 7),
    ("tanh_1hidden", [5, 6, 4], "tanh", 6),
    ("relu_softmax_regression", [4, 3], "relu", 5),
]

LRS = [0.1, 0.05, 0.2]
# (id, torch class, kwargs, learning rate of each update)
OPTIMIZERS = [
    ("sgd", "SGD", {"momentum": 0.0, "weight_decay": 0.0}, LRS),
    ("sgd_wd", "SGD", {"momentum": 0.0, "weight_decay": 0.01}, LRS),
    ("momentum", "SGD", {"momentum": 0.9, "weight_decay": 0.0}, LRS),
    ("momentum_wd", "SGD", {"momentum": 0.5, "weight_decay": 0.001}, LRS),
    ("adam", "Adam", {"betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0}, LRS),
    ("adam_l2", "Adam", {"betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.05}, LRS),
    ("adamw", "AdamW", {"betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1}, LRS),
    ("adamw_small_beta", "AdamW", {"betas": [0.5, 0.9], "eps": 1e-3, "weight_decay": 0.01}, LRS),
]


def flat_layout(sizes, rng):
    """Random weights (He-scaled normal) and biases, flat in lrsched's layout."""
    parts = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:], strict=True):
        parts.append((rng.standard_normal((d_in, d_out)) * np.sqrt(2.0 / d_in)).ravel())
        parts.append(0.1 * rng.standard_normal(d_out))
    return np.concatenate(parts)


def build(sizes, activation, theta):
    layers, off = [], 0
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        lin = torch.nn.Linear(d_in, d_out, dtype=torch.float64)
        W = theta[off : off + d_in * d_out].reshape(d_in, d_out)
        off += d_in * d_out
        b = theta[off : off + d_out]
        off += d_out
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W.T))
            lin.bias.copy_(torch.tensor(b))
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def flat(net, attr):
    parts = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            w, b = (m.weight, m.bias) if attr == "data" else (m.weight.grad, m.bias.grad)
            parts.append(w.detach().numpy().T.ravel())
            parts.append(b.detach().numpy().ravel())
    return np.concatenate(parts)


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(20260)
    out = {
        "generator": GENERATOR,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "dtype": "float64",
        "nets": [],
    }
    for net_id, sizes, act, rows in NETS:
        theta = flat_layout(sizes, rng)
        X = rng.standard_normal((rows, sizes[0]))
        y = rng.integers(0, sizes[-1], size=rows)
        net = build(sizes, act, theta)
        Xt, yt = torch.tensor(X), torch.tensor(y)
        logits = net(Xt)
        loss = torch.nn.functional.cross_entropy(logits, yt)
        loss.backward()
        case = {
            "id": net_id, "sizes": sizes, "activation": act,
            "theta": theta.tolist(), "X": X.tolist(), "y": y.tolist(),
            "logits": logits.detach().numpy().tolist(), "loss": float(loss.detach()),
            "grad": flat(net, "grad").tolist(), "optimizers": [],
        }
        assert np.array_equal(flat(net, "data"), theta)
        for opt_id, cls, kwargs, lrs in OPTIMIZERS:
            net = build(sizes, act, theta)
            kw = dict(kwargs)
            if "betas" in kw:
                kw["betas"] = tuple(kw["betas"])
            kw["foreach"] = False
            opt = getattr(torch.optim, cls)(net.parameters(), lr=lrs[0], **kw)
            after = []
            for lr in lrs:
                opt.param_groups[0]["lr"] = lr
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(Xt), yt).backward()
                opt.step()
                after.append(flat(net, "data").tolist())
            case["optimizers"].append({
                "id": opt_id, "class": cls, "kwargs": kwargs, "lrs": lrs,
                "theta_after_1": after[0], "theta_after_last": after[-1],
            })
        out["nets"].append(case)
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(NETS)} nets x {len(OPTIMIZERS)} optimizers")


if __name__ == "__main__":
    main()
