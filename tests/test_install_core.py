"""``pip install .`` without the ``course`` extra: the numerical core works with NumPy
alone, and every course-only part says which extra to install.

A throwaway virtualenv (built once per test session under a temporary folder) gets the
project installed from this work tree, non-editable, with no extra: with ``uv`` when it is
found (``make`` bootstraps it into ``.venv-uv``, or ``LRSCHED_UV`` / ``PATH``), else with
pip. The checks then run in that interpreter, in subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tools" / "lock" / "learner.txt"
INSTALL_TIMEOUT = 600  # seconds: building the wheel and fetching NumPy (cache or PyPI)
#: The message every course-only part gives without the extra.
EXTRA_HINT = "lrsched[course]"


def find_uv() -> str | None:
    """The uv executable: ``LRSCHED_UV``, the Makefile's tool venv, or PATH."""
    for candidate in (os.environ.get("LRSCHED_UV"), str(ROOT / ".venv-uv" / "bin" / "uv")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("uv")


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="session")
def core_python(tmp_path_factory) -> str:
    """Python of a fresh virtualenv holding ``pip install .`` (no extra)."""
    venv = tmp_path_factory.mktemp("core-install") / "venv"
    python = str(venv / "bin" / "python")
    uv = find_uv()
    if uv:
        run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
        run([uv, "pip", "install", "--quiet", "--python", python, str(ROOT), "-c", str(LOCK)],
            timeout=INSTALL_TIMEOUT)  # fmt: skip
    else:
        run([sys.executable, "-m", "venv", str(venv)])
        run([python, "-m", "pip", "install", "--quiet", str(ROOT), "-c", str(LOCK)],
            timeout=INSTALL_TIMEOUT)  # fmt: skip
    return python


def in_core(python: str, code: str) -> str:
    """Run ``code`` in the core-only venv, outside the work tree (so the installed
    package, not the sources, is imported); return its stdout."""
    return run([python, "-c", textwrap.dedent(code)], cwd=Path(python).parents[2]).stdout


def test_only_numpy_is_installed(core_python):
    out = in_core(core_python, """
        import json
        from importlib import metadata
        names = sorted({d.metadata["Name"].lower() for d in metadata.distributions()})
        print(json.dumps(names))
    """)  # fmt: skip
    names = set(json.loads(out)) - {"pip", "setuptools", "wheel"}  # the venv's own tools
    assert names == {"lrsched", "numpy"}


def test_the_numerical_core_works(core_python):
    out = in_core(core_python, """
        import json, sys
        import lrsched as ls
        s = ls.Cosine(0.1, 100, lr_min=1e-3)
        sim = ls.simulate_quadratic({"c": ls.Constant(0.1)}, T=50, n_seeds=8, seed=1)
        print(json.dumps({
            "file": ls.__file__,
            "cos": [s(0), s(50), s(100)],
            "floor": ls.noise_floor(0.1, sigma=0.3, curvature=2.0),
            "loss": ls.expected_loss(ls.Constant(0.1), T=400)[-1].item(),
            "sim_finite": bool(__import__("numpy").isfinite(sim.loss_mean).all()),
            "loaded": sorted(m for m in ("matplotlib", "ipywidgets", "sklearn", "IPython")
                             if m in sys.modules),
        }))
    """)  # fmt: skip
    got = json.loads(out)
    assert "site-packages" in got["file"], got["file"]  # the installed copy, not the tree
    # cosine annealing: lr_min + (lr0 - lr_min) (1 + cos(pi t / T)) / 2
    assert got["cos"] == pytest.approx([0.1, 0.0505, 1e-3], rel=1e-12)
    # stationary loss alpha sigma^2 / (2 (2 - alpha lambda)) = 0.1 * 0.09 / 3.6
    assert got["floor"] == pytest.approx(0.0025, rel=1e-12)
    # after 400 constant steps the expected loss has reached that floor
    # ((1 - 0.2)^800 of the initial gap is below 1e-70)
    assert got["loss"] == pytest.approx(0.0025, rel=1e-12)
    assert got["sim_finite"] is True
    assert got["loaded"] == []


COURSE_PARTS = {
    "plot": "import lrsched.plot",
    "widgets": "import lrsched.widgets",
    "widgets via attribute": "import lrsched as ls; ls.widgets.schedule_explorer",
    "exercises reveal": "import lrsched as ls; ls.exercises.reveal_button('06_sgdr', 'q1')",
    "digits": "import lrsched as ls; ls.DigitsProblem(seed=0)",
    "sklearn demo": "import lrsched as ls; ls.explain_optimal_blowup(n_epochs=2)",
}


@pytest.mark.parametrize("code", COURSE_PARTS.values(), ids=COURSE_PARTS.keys())
def test_course_parts_name_the_extra(core_python, code):
    out = in_core(core_python, f"""
        try:
            {code}
        except ImportError as exc:
            print(type(exc).__name__, exc)
        else:
            print("no error")
    """)  # fmt: skip
    assert out.startswith("ImportError "), out
    assert EXTRA_HINT in out, out
