"""The Colab guard of every chapter's set-up cell, run without a kernel.

Colab starts without the course package, so each set-up cell begins with a guard that,
on Colab only, installs the package from the pip spec in ``LRSCHED_PIP_SPEC`` (the
course's repository, set once with ``%env``), and otherwise says how to set it. (The
name ``lrsched`` on PyPI belongs to another project, so the guard never installs it.)

This test turns the cell into plain Python with IPython's own input transformer (as a
kernel does), runs the guard part (up to the first blank line after the guard) with a
fake ``get_ipython()`` that records magics, with a fake ``google.colab`` module loaded or
not and the variable set or not, and checks that only Colab with the variable set asks
for the install, of that spec, before the cell imports lrsched.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
    (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")
)
CHAPTERS = [p for p in CHAPTERS if p.name != "00_index.ipynb"]
GUARD = 'if "google.colab" in sys.modules:  # Colab starts without the course package'
INSTALL = "%pip install --quiet $LRSCHED_PIP_SPEC"


def _ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def setup_source(path: Path) -> str:
    """The source of the chapter's set-up cell (tag ``setup``)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "setup" in cell.metadata.get("tags", []):
            return cell.source
    pytest.fail(f"{path.name}: no code cell tagged 'setup'")


def guard_part(source: str) -> str:
    """The set-up cell up to the first blank line after the guard."""
    lines = source.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.rstrip() == GUARD), None)
    assert start is not None, f"no Colab guard in the set-up cell:\n{source}"
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return "\n".join(lines[:end]) + "\n"


class FakeShell:
    """Stands in for get_ipython(): records the magics asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> None:
        self.calls.append((name, line))

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:  # pragma: no cover
        self.calls.append((name, line))


def run_guard(
    source: str, *, colab: bool, monkeypatch, spec: str | None = None, capsys=None
) -> tuple[list[tuple[str, str]], dict]:
    code = TransformerManager().transform_cell(guard_part(source))
    if colab:
        google = types.ModuleType("google")
        google.colab = types.ModuleType("google.colab")
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setitem(sys.modules, "google.colab", google.colab)
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if spec is None:
        monkeypatch.delenv("LRSCHED_PIP_SPEC", raising=False)
    else:
        monkeypatch.setenv("LRSCHED_PIP_SPEC", spec)
    shell = FakeShell()
    namespace = {"get_ipython": lambda: shell}
    exec(compile(code, "<setup cell>", "exec"), namespace)
    return shell.calls, namespace


def test_chapters_found():
    assert CHAPTERS


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_setup_cell_has_the_colab_guard(path):
    lines = [ln.rstrip() for ln in setup_source(path).splitlines()]
    assert GUARD in lines, f"{path.name}: the set-up cell lacks the line {GUARD!r}"
    i = lines.index(GUARD)
    pip = next(j for j, ln in enumerate(lines) if ln.strip() == INSTALL)
    imports = [j for j, ln in enumerate(lines) if ln.startswith(("import lrsched", "from lrsched"))]
    assert imports, f"{path.name}: the set-up cell does not import lrsched"
    assert i < pip < min(imports), f"{path.name}: the install must come before import lrsched"
    assert "%pip" not in TransformerManager().transform_cell(guard_part(setup_source(path)))


SPEC = "git+https://example.org/course.git"  # any pip spec; the test never installs it


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_colab_installs_the_configured_package(path, monkeypatch):
    calls, ns = run_guard(setup_source(path), colab=True, spec=SPEC, monkeypatch=monkeypatch)
    # IPython expands $LRSCHED_PIP_SPEC from the cell's namespace when it runs the magic
    assert calls == [("pip", "install --quiet $LRSCHED_PIP_SPEC")]
    assert ns["LRSCHED_PIP_SPEC"] == SPEC


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_colab_without_a_spec_says_what_to_do(path, monkeypatch, capsys):
    calls, _ = run_guard(setup_source(path), colab=True, monkeypatch=monkeypatch)
    assert calls == []
    assert "%env LRSCHED_PIP_SPEC=" in capsys.readouterr().out


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_elsewhere_nothing_is_installed(path, monkeypatch):
    for spec in (None, SPEC):
        calls, _ = run_guard(setup_source(path), colab=False, spec=spec, monkeypatch=monkeypatch)
        assert calls == []


def test_guard_part_stops_at_the_blank_line():
    src = "import sys\n\n" + GUARD + "\n    " + INSTALL + "\n\n%matplotlib inline\nimport lrsched\n"
    part = guard_part(src)
    assert part.endswith(INSTALL + "\n") and "matplotlib" not in part
