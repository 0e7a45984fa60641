"""The course in JupyterLab, in a real browser: what a learner sees first, Run All,
sliders, reveal buttons.

JupyterLab starts as ``make lab`` starts it (``labdriver.LEARNER_FLAGS`` and
``tools/jupyterlab_page_config.json``): it opens at the course index, the URL it prints
points there, nbgrader's menus and toolbar are off even where nbgrader is installed, and
no news notification appears.

Every learner notebook that displays an explorer (``ls.widgets.*_explorer()``, found by
reading the notebook's JSON) is opened in JupyterLab and run (Run > Run All Cells); no
error may appear anywhere on the page. Then one slider of every explorer is moved with
the keyboard, and the explorer must draw a new figure and print text that agrees with
the slider's new value. A reveal button (``ls.exercises.reveal_button``) must show the
reference solution only once clicked. JupyterLab never saves: autosave is off
(``tools/jupyterlab_overrides.json``), so the notebooks on disk are left untouched.

All these tests sit in one module so that ``pytest -n 2 --dist loadscope`` runs them on
one worker, with one JupyterLab.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
import urllib.request

import pytest

from . import labdriver
from .conftest import require_browser
from .labdriver import (
    SLIDER_MOVES,
    Notebook,
    find_explorers,
    image_hash,
    reveal_notebooks,
    slider_notebooks,
)

pytestmark = pytest.mark.browser

SLIDER_NOTEBOOKS = slider_notebooks()
REVEAL_NOTEBOOKS = reveal_notebooks()


def _relpath(path) -> str:
    return path.relative_to(labdriver.ROOT).as_posix()


def _wait_text(nb: Notebook, index: int, pattern: re.Pattern, timeout: float) -> str:
    """Wait until explorer ``index`` prints text matching ``pattern``; return the text."""
    deadline = time.monotonic() + timeout / 1000
    text = ""
    while time.monotonic() < deadline:
        text = nb.explorer_text(index)
        if pattern.search(text):
            return text
        nb.page.wait_for_timeout(100)
    raise TimeoutError(
        f"{nb.relpath}: explorer {index} did not print text matching {pattern.pattern!r} "
        f"within {timeout / 1000:.0f} s; it printed:\n{text}"
    )


def _lab_defaults(server, plugin: str) -> dict:
    """The defaults of ``plugin``'s settings, as the server gives them to JupyterLab
    (its schema with tools/jupyterlab_overrides.json applied)."""
    request = urllib.request.Request(
        f"{server.base_url}/lab/api/settings/{plugin}",
        headers={"Authorization": f"token {server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        schema = json.load(resp)["schema"]
    return {key: prop.get("default") for key, prop in schema["properties"].items()}


def test_lab_opens_the_index_as_a_learner_sees_it(lab_server, page, screenshot_dir):
    # the URL JupyterLab prints leads to the index
    log = lab_server.log_path.read_text(errors="replace")
    printed = re.findall(r"http://127\.0\.0\.1:\d+/\S*", log)
    assert printed and all(
        url.split("?")[0].endswith(f"/lab/tree/{labdriver.INDEX}") for url in printed
    ), printed
    # the server's root (what a browser opened on that URL lands on) shows the index
    page.goto(lab_server.url(""), wait_until="domcontentloaded", timeout=labdriver.T_OPEN)
    page.wait_for_function(_INDEX_SHOWN_JS, arg=labdriver.INDEX, timeout=labdriver.T_OPEN)
    assert page.url.split("?")[0].endswith(f"/lab/tree/{labdriver.INDEX}"), page.url
    page.wait_for_timeout(3_000)  # JupyterLab asks about news shortly after it starts
    view = page.evaluate(_LEARNER_VIEW_JS)

    assert "@jupyter/nbgrader" in view["disabled"], view["disabled"]
    # make test's set holds nbgrader, so its extension is installed, and switched off;
    # a learner's set has no nbgrader at all
    installed = importlib.util.find_spec("nbgrader") is not None
    assert ("@jupyter/nbgrader" in view["federated"]) == installed, view["federated"]
    assert view["nbgrader_plugins"] == [], view["nbgrader_plugins"]
    assert view["plugins"] > 50, "window.jupyterapp.listPlugins() listed too few plugins"
    assert not [m for m in view["menus"] if re.search(r"nbgrader|formgrader|assignment", m, re.I)]
    assert "Run" in view["menus"], view["menus"]  # the menu bar was read
    assert view["toolbar"], "the notebook toolbar was not read"
    assert not [t for t in view["toolbar"] if re.search(r"validate|nbgrader", t, re.I)]
    assert view["toasts"] == [], view["toasts"]
    notification = _lab_defaults(lab_server, "@jupyterlab/apputils-extension:notification")
    assert notification["fetchNews"] == "false"
    assert notification["checkForUpdates"] is False
    page.screenshot(path=str(screenshot_dir / "00_index_learner_view.png"))


def test_slider_notebooks_found():
    assert SLIDER_NOTEBOOKS, "no notebook in notebooks/ displays an explorer"
    for path in SLIDER_NOTEBOOKS:
        for ex in find_explorers(path):
            assert ex.function in SLIDER_MOVES, (
                f"{path.name} cell {ex.cell}: {ex.function} has no entry in "
                "tests/browser/labdriver.py SLIDER_MOVES (which slider to move, what it prints)"
            )


@pytest.mark.parametrize("path", SLIDER_NOTEBOOKS, ids=[p.stem for p in SLIDER_NOTEBOOKS])
def test_run_all_then_sliders_redraw(path, open_notebook, screenshot_dir):
    explorers = find_explorers(path)
    nb = open_notebook(_relpath(path))
    nb.run_all()
    errors = nb.error_outputs()
    assert not errors, f"{path.name}: error output after Run All:\n" + "\n---\n".join(errors)
    assert nb.explorer_count() == len(explorers), (
        f"{path.name}: {len(explorers)} explorer cell(s) in the notebook, "
        f"{nb.explorer_count()} explorer(s) on the page"
    )
    for ex in explorers:
        move = SLIDER_MOVES[ex.function]
        i = ex.index
        where = f"{path.name} cell {ex.cell} ({ex.function}), slider {move.label!r}"
        old_src = nb.explorer_image(i)
        assert old_src and old_src.startswith("data:image/png;base64,"), f"{where}: no figure"
        old_value = nb.readout(i, move.label)

        nb.press_slider(i, move.label, move.presses)
        new_value = nb.readout(i, move.label)
        assert new_value != old_value, f"{where}: the readout stayed at {old_value}"
        nb.wait_kernel_idle(what=f"the kernel after moving {where}")
        text = _wait_text(nb, i, move.expected(new_value), labdriver.T_UPDATE)
        new_src = nb.wait_image_change(i, old_src)

        assert image_hash(new_src) != image_hash(old_src), f"{where}: the figure did not change"
        assert nb.readout(i, move.label) == new_value
        assert move.expected(new_value).search(text), text

    errors = nb.error_outputs()
    assert not errors, f"{path.name}: error output after the sliders:\n" + "\n---\n".join(errors)
    nb.explorer(0).scroll_into_view_if_needed()
    nb.page.screenshot(path=str(screenshot_dir / f"{path.stem}.png"))


@pytest.mark.skipif(not REVEAL_NOTEBOOKS, reason="no notebook holds a reveal button")
def test_reveal_button_shows_solution_only_after_click(open_notebook, screenshot_dir):
    preferred = [p for p in REVEAL_NOTEBOOKS if p.stem == "06_sgdr"]
    path = (preferred or REVEAL_NOTEBOOKS)[0]
    nb = open_notebook(_relpath(path))
    page = nb.page
    nb.run_all()
    errors = nb.error_outputs()
    assert not errors, f"{path.name}: error output after Run All:\n" + "\n---\n".join(errors)

    outputs = page.locator(".jp-NotebookPanel .jp-Cell-outputArea")
    before = "\n".join(outputs.all_inner_texts())
    assert "Reference solution" not in before, "the solution shows before any click"

    button = page.locator(".widget-button", has_text="Show the reference solution").first
    button.scroll_into_view_if_needed()
    button.click()
    box = page.locator(".widget-vbox").filter(has=button)
    revealed = box.locator(".widget-output").get_by_text("Reference solution").first
    revealed.wait_for(timeout=labdriver.T_UPDATE)
    text = box.first.inner_text()
    assert f"solutions/{path.name}" in text, text
    assert not nb.error_outputs()
    page.screenshot(path=str(screenshot_dir / f"{path.stem}_revealed.png"))


def test_hung_page_times_out_with_clear_message(lab_server, page):
    """A notebook that never loads fails after its timeout, saying what it waited for."""
    labdriver.load_lab(page, lab_server)
    held = []
    page.route("**/api/contents/notebooks/**", lambda route: held.append(route))  # no answer
    nb = Notebook(page, lab_server, "notebooks/00_index.ipynb")
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=r"00_index\.ipynb: JupyterLab did not show .* 4 s"):
        nb.open(timeout=4_000)
    assert time.monotonic() - start < 30
    for route in held:
        route.abort()


def test_server_teardown_leaves_no_process(tmp_path):
    """Stopping JupyterLab ends the server, its kernels, and closes the port."""
    require_browser()
    server = labdriver.LabServer(labdriver.ROOT, tmp_path).start()
    try:
        assert server.api("status")["started"]
        kernel = server.api("kernels", method="POST", body={"name": "python3"})
        deadline = time.monotonic() + 60
        while len(labdriver.descendants(server.proc.pid)) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        procs = server.processes()
        assert len(procs) >= 2, f"kernel {kernel['id']} never started"
        port = server.port
        assert labdriver.port_open(port)
    finally:
        server.stop()
    assert server.proc is None
    left = [pid for pid, started in procs if labdriver.alive(pid, started)]
    assert not left, f"processes left after stop(): {left}"
    assert not labdriver.port_open(port), f"port {port} still open after stop()"


_LEARNER_VIEW_JS = """() => {
  const app = window.jupyterapp;
  const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const plugins = app.listPlugins();
  const texts = sel => Array.from(document.querySelectorAll(sel))
    .map(e => (e.innerText || e.getAttribute('title') || '').trim()).filter(t => t);
  return {
    disabled: cfg.disabledExtensions || [],
    federated: (cfg.federated_extensions || []).map(e => e.name),
    plugins: plugins.length,
    nbgrader_plugins: plugins.filter(p => p.startsWith('@jupyter/nbgrader')),
    menus: texts('#jp-MainMenu .lm-MenuBar-itemLabel'),
    toolbar: texts('.jp-NotebookPanel-toolbar .jp-ToolbarButtonComponent, '
                   + '.jp-NotebookPanel-toolbar .jp-Toolbar-item [title]'),
    toasts: texts('.Toastify__toast, .jp-toast-message'),
  };
}"""

_INDEX_SHOWN_JS = """path => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  return !!(w && w.context && w.context.path === path
            && w.node.querySelector('.jp-Notebook .jp-Cell'));
}"""
