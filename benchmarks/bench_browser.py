"""Slider-to-figure latency in the browser (a script, not a test; ``make bench``).

JupyterLab runs on 127.0.0.1 (as in the browser tests, ``tests/browser/labdriver.py``)
and Debian's Chromium opens every learner notebook that displays an explorer, runs it
(Run All), and moves one slider of each explorer 20 times, one key press per move
(``ArrowRight``/``ArrowLeft`` on the slider's handle: 10 steps one way, 10 back). A move's
latency is measured in the page, from the ``keydown`` to the moment the explorer's
``<img src>`` changes (a MutationObserver), so it covers the widget message to the
kernel, the callback, the PNG and its display. The table gives the median (goal: <= 300
ms), the 90th percentile and the maximum per explorer.

With ``--site`` it measures the static site instead: the build (``tools/build_html.py``,
stored outputs, nothing executed) in seconds, then each page opened offline from
127.0.0.1: its size, the time to the ``load`` event and the time until MathJax has
typeset every formula (goal: <= 2 s a page).

Needs /usr/bin/chromium (``apt-get install chromium``) and Playwright
(``pip install playwright``); without them it says so and exits 0.

    python benchmarks/bench_browser.py [--moves 20] [--only 07_modern_schedules]
    python benchmarks/bench_browser.py --site
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import labdriver  # noqa: E402

GOAL_MS = 300.0
SITE_GOAL_MS = 2000.0

_ARM_JS = """([index, old]) => {
  const ex = document.querySelectorAll('.widget-interact')[index];
  const probe = {t0: null, t1: null};
  window.__lrsProbe = probe;
  const start = () => { if (probe.t0 === null) probe.t0 = performance.now(); };
  document.addEventListener('keydown', start, {capture: true, once: true});
  const changed = () => {
    const img = ex.querySelector('.widget-output img');
    return img && img.getAttribute('src') !== old;
  };
  const obs = new MutationObserver(() => {
    if (probe.t1 === null && changed()) { probe.t1 = performance.now(); obs.disconnect(); }
  });
  obs.observe(ex, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""

_DONE_JS = "() => window.__lrsProbe && window.__lrsProbe.t1 !== null"
_RESULT_JS = "() => window.__lrsProbe.t1 - window.__lrsProbe.t0"


def _at_end(handle, key: str) -> bool:
    now, lo, hi = (float(handle.get_attribute(f"aria-value{k}")) for k in ("now", "min", "max"))
    return now >= hi if key == "ArrowRight" else now <= lo


def measure(nb: labdriver.Notebook, index: int, label: str, first: int, moves: int) -> list[float]:
    """Latencies (ms) of ``moves`` single key presses on one slider (half one way, then
    back; the direction turns early at the end of the slider)."""
    handle = nb.slider(index, label).locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    key = "ArrowRight" if first > 0 else "ArrowLeft"
    other = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}
    times = []
    for i in range(moves):
        if i == moves // 2 or _at_end(handle, key):
            key = other[key]
        old = nb.explorer_image(index)
        value = nb.readout(index, label)
        nb.page.evaluate(_ARM_JS, [index, old])
        handle.press(key)
        if nb.readout(index, label) == value:
            raise RuntimeError(f"slider {label!r} did not move from {value} ({key})")
        nb.page.wait_for_function(_DONE_JS, timeout=labdriver.T_UPDATE, polling=10)
        times.append(nb.page.evaluate(_RESULT_JS))
        nb.wait_kernel_idle(what="the kernel after a move", stable=0.05)
    return times


_TYPESET_JS = """async () => {
  await MathJax.startup.promise;
  return [performance.now(), document.querySelectorAll('mjx-container').length];
}"""


def bench_site() -> int:
    """Build the site into a temporary folder and time each page offline."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import serve

    build_html = labdriver.load_build_html()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp, sync_playwright() as pw:
        out = Path(tmp) / "site"
        t0 = time.perf_counter()
        build_html.build(out, execute_mode="none", log=lambda *a: None)
        print(f"site build (nothing executed): {time.perf_counter() - t0:.1f} s")
        server = serve(out)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        browser = labdriver.launch_chromium(pw)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route(
                lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:")),
                lambda route: route.abort(),
            )
            page = context.new_page()
            head = ("page", "KiB", "load ms", "typeset ms", "formulas", f"<= {SITE_GOAL_MS:.0f}")
            rows = []
            for path in sorted(out.glob("[0-9][0-9]_*.html")):
                page.goto(base + path.name, wait_until="load")
                loaded = page.evaluate("() => performance.timing.loadEventEnd"
                                       " - performance.timing.navigationStart")  # fmt: skip
                done, formulas = page.evaluate(_TYPESET_JS)
                rows.append((path.stem, f"{path.stat().st_size / 1024:.0f}", f"{loaded:.0f}",
                             f"{done:.0f}", str(formulas),
                             "yes" if done <= SITE_GOAL_MS else "NO"))  # fmt: skip
        finally:
            browser.close()
            server.shutdown()
            server.server_close()
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=20, help="moves per explorer (20)")
    parser.add_argument("--only", action="append", help="notebook stem(s) to measure")
    parser.add_argument("--site", action="store_true", help="time the static site instead")
    args = parser.parse_args(argv)

    reason = labdriver.browser_unavailable()
    if reason:
        print(f"bench_browser: skipped: {reason}")
        return 0
    if args.site:
        return bench_site()
    from playwright.sync_api import sync_playwright

    paths = labdriver.slider_notebooks()
    if args.only:
        paths = [p for p in paths if p.stem in args.only]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp, sync_playwright() as pw:
        server = labdriver.LabServer(labdriver.ROOT, Path(tmp)).start()
        browser = labdriver.launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route(
                lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:")),
                lambda route: route.abort(),
            )
            for path in paths:
                rel = path.relative_to(labdriver.ROOT).as_posix()
                nb = labdriver.Notebook(page, server, rel).open()
                run_s = nb.run_all()
                errors = nb.error_outputs()
                if errors:
                    raise RuntimeError(f"{rel}: errors after Run All:\n" + "\n".join(errors))
                for ex in labdriver.find_explorers(path):
                    move = labdriver.SLIDER_MOVES[ex.function]
                    times = measure(nb, ex.index, move.label, move.presses, args.moves)
                    rows.append((path.stem, ex.cell, ex.function, move.label, times, run_s))
                    print(f"  {path.stem} cell {ex.cell}: median "
                          f"{statistics.median(times):.0f} ms", flush=True)  # fmt: skip
                nb.close()
        finally:
            browser.close()
            server.stop()

    print()
    head = ("notebook", "cell", "explorer", "slider", "moves", "median ms", "p90 ms",
            "max ms", f"<= {GOAL_MS:.0f} ms")  # fmt: skip
    table = []
    for stem, cell, fn, label, times, _ in rows:
        q = sorted(times)
        p90 = q[min(len(q) - 1, int(round(0.9 * (len(q) - 1))))]
        med = statistics.median(times)
        table.append((stem, str(cell), fn, label, str(len(times)), f"{med:.0f}", f"{p90:.0f}",
                      f"{max(times):.0f}", "yes" if med <= GOAL_MS else "NO"))  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h)
              for i, h in enumerate(head)]  # fmt: skip
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return 0


if __name__ == "__main__":
    t0 = time.monotonic()
    code = main()
    print(f"({time.monotonic() - t0:.0f} s)")
    sys.exit(code)
