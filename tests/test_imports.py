"""The core stays light: importing lrsched pulls in neither matplotlib nor ipywidgets."""

from __future__ import annotations

import subprocess
import sys


def test_core_import_does_not_load_drawing_or_heavy_modules():
    code = (
        "import sys, lrsched; "
        "print(','.join(m for m in ('matplotlib', 'ipywidgets', 'sklearn', 'scipy', 'torch') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_are_documented():
    import lrsched

    for name in lrsched.__all__:
        obj = getattr(lrsched, name)
        assert obj.__doc__ and len(obj.__doc__.strip()) > 40, name
