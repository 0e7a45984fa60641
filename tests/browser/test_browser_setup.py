"""Without Chromium or Playwright the browser tests skip, saying how to install them;
with LRSCHED_REQUIRE_BROWSER=1 (CI) they fail instead. No browser is started here."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from . import labdriver
from .conftest import require_browser


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(labdriver, "CHROMIUM", "/nonexistent/chromium")


def test_missing_chromium_skips_with_install_hint(no_chromium, monkeypatch):
    monkeypatch.delenv(labdriver.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception) as info:
        require_browser()
    message = str(info.value)
    assert "no Chromium at /nonexistent/chromium" in message
    assert "apt-get install chromium" in message and "pip install playwright" in message


@pytest.mark.parametrize("value", ["1", "true"])
def test_missing_chromium_fails_when_required(no_chromium, monkeypatch, value):
    monkeypatch.setenv(labdriver.REQUIRE_ENV, value)
    with pytest.raises(pytest.fail.Exception, match="LRSCHED_REQUIRE_BROWSER=1, but no Chromium"):
        require_browser()


def test_missing_playwright_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    reason = labdriver.browser_unavailable()
    assert reason is not None and "playwright is not installed" in reason


@pytest.mark.parametrize(("required", "code"), [("", 0), ("1", 1)])
def test_whole_module_skips_or_fails(required, code, tmp_path):
    """The real thing: pytest on test_lab.py with no Chromium at the configured path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "LRSCHED_"))}
    env["LRSCHED_CHROMIUM"] = str(tmp_path / "no-chromium")
    if required:
        env[labdriver.REQUIRE_ENV] = required
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/browser/test_lab.py", "-q", "-rs",
         "-p", "no:cacheprovider", "-p", "no:xdist", "-k", "not slider_notebooks_found"],
        cwd=labdriver.ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == code, out
    if required:
        assert "LRSCHED_REQUIRE_BROWSER=1, but no Chromium" in out, out
    else:
        assert "skipped" in out and "apt-get install chromium" in out, out
        assert "passed" not in out and "failed" not in out, out


# What JupyterLab 4 renders, as text, in `.jp-OutputArea-output[data-mime-type=
# "application/vnd.jupyter.stderr"]`: errors and warnings share that selector.
WARNING_TEXT = (
    "/tmp/ipykernel_2200/334241408.py:1: UserWarning: careful\n"
    "  import warnings; warnings.warn('careful')\n"
)
STDERR_TEXT = "to stderr\n"
TRACEBACK_TEXT = (
    "---------------------------------------------------------------------------\n"
    "ZeroDivisionError                         Traceback (most recent call last)\n"
    "Cell In[4], line 1\n----> 1 1/0\n\nZeroDivisionError: division by zero"
)
SYNTAX_TEXT = "  Cell In[1], line 1\n    1/\n      ^\nSyntaxError: invalid syntax\n"


@pytest.mark.parametrize(
    ("text", "error"),
    [(WARNING_TEXT, False), (STDERR_TEXT, False), (TRACEBACK_TEXT, True), (SYNTAX_TEXT, True)],
    ids=["warning", "print-to-stderr", "traceback", "syntax-error"],
)
def test_errors_told_from_warnings(text, error):
    assert labdriver.is_error_text(text) is error


def test_make_lab_starts_jupyterlab_as_the_browser_tests_do(tmp_path):
    """`make lab` (dry run: nothing installed or started) uses labdriver.LEARNER_FLAGS and
    copies the two settings files the browser tests copy."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    proc = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", f"VENV={tmp_path / 'venv'}"],
        cwd=labdriver.ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    (launch,) = [ln for ln in lines if "/bin/jupyter lab" in ln]
    for flag in labdriver.LEARNER_FLAGS:
        assert f" {flag} " in f" {launch} ", (flag, launch)
    settings = f"{tmp_path / 'venv'}/share/jupyter/lab/settings"
    assert f"cp tools/{labdriver.OVERRIDES.name} {settings}/overrides.json" in lines
    assert f"cp tools/{labdriver.PAGE_CONFIG.name} {settings}/page_config.json" in lines
    # the learner set, from its lock: no dev tools, no nbgrader
    (install,) = [ln for ln in lines if "/uv pip install " in ln]
    assert '".[course,lab]"' in install and "tools/lock/learner.txt" in install, install
