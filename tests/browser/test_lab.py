"""The course in JupyterLab, in a real browser: Run All, sliders, reveal buttons.

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

import re
import time

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
    preferred = [p for p in REVEAL_NOTEBOOKS if p.stem == "05_sgdr"]
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
