"""The adapters' import rules: ``import lrsched`` loads no framework, and an adapter whose
framework is missing raises an ImportError that names the ``frameworks`` extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

FRAMEWORKS = ("torch", "jax", "jaxlib", "optax", "keras", "tensorflow")


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_import_lrsched_and_its_framework_free_helpers_load_no_framework():
    code = (
        "import sys, lrsched\n"
        "lrsched.from_torch, lrsched.from_optax, lrsched.from_keras, lrsched.OneCycleMomentum\n"
        "import lrsched.lookup, lrsched.schedule_config, lrsched.translate\n"
        f"print(','.join(m for m in {FRAMEWORKS!r} if m in sys.modules))"
    )
    out = _python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


# A meta-path finder that makes the given top-level modules look uninstalled.
_HIDE = """
import importlib.abc, sys
HIDDEN = {hidden!r}
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Hide())
import lrsched
try:
    {access}
except ImportError as exc:
    print("ImportError:", exc)
else:
    print("imported")
"""


@pytest.mark.parametrize(
    "hidden, access, missing",
    [
        (("torch",), "import lrsched.torch", "torch"),
        (("torch",), "lrsched.torch.ScheduleLR", "torch"),
        (("jax", "jaxlib", "optax"), "from lrsched.optax import schedule", "jax"),
        (("keras",), "import lrsched.keras", "keras"),
    ],
)
def test_adapter_without_its_framework_names_the_extra(hidden, access, missing):
    out = _python(_HIDE.format(hidden=hidden, access=access))
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert line.startswith("ImportError:"), line
    assert f"needs {missing}" in line
    assert 'pip install "lrsched[frameworks]"' in line


def test_keras_adapter_picks_a_non_tensorflow_backend_when_none_is_set(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["KERAS_HOME"] = str(tmp_path)  # no keras.json there
    code = (
        "import os, lrsched.keras, keras; "
        "print(os.environ['KERAS_BACKEND'], keras.backend.backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["jax", "jax"]


def test_the_course_section_without_pytorch_prints_one_install_hint():
    """Chapter 9's training-loop cell, run where PyTorch is not installed: one line, no
    traceback (CI has PyTorch, so nbval checks the cell's full output)."""
    from pathlib import Path

    import nbformat

    nb = nbformat.read(
        Path(__file__).resolve().parent.parent / "notebooks" / "11_practice_and_pitfalls.ipynb",
        as_version=4,
    )
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "ScheduleLR" in c.source]
    run = "exec(compile(SETUP + CELL, 'cell', 'exec'), {})"
    setup = "import numpy as np\nimport lrsched as ls\n"
    code = f"SETUP = {setup!r}\nCELL = {cell.source!r}\n"
    code += _HIDE.format(hidden=("torch",), access=run)
    out = _python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        'This section needs PyTorch: pip install "lrsched[frameworks]", then rerun this cell.',
        "imported",
    ], out.stdout + out.stderr
