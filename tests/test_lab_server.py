"""JupyterLab of this environment, started as ``make lab`` starts it, serves the course
index and prints a URL that leads there. No browser: this runs in the lowest-versions run
too (``make test-lowest``), where it shows that the declared JupyterLab floor accepts the
learner's flags and settings files."""

from __future__ import annotations

import re
import urllib.request

from tests.browser import labdriver


def test_lab_serves_the_index_and_prints_its_url(tmp_path):
    server = labdriver.LabServer(labdriver.ROOT, tmp_path).start()
    try:
        request = urllib.request.Request(
            f"{server.base_url}/lab/tree/{labdriver.INDEX}",
            headers={"Authorization": f"token {server.token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as resp:
            assert resp.status == 200
            page = resp.read().decode()
        model = server.api(f"contents/{labdriver.INDEX}?content=0")
        assert model["type"] == "notebook"
        # the page config JupyterLab hands to the browser switches nbgrader off
        assert re.search(r'"disabledExtensions":\s*\[[^\]]*"@jupyter/nbgrader"', page), page[:500]
    finally:
        server.stop()
    printed = re.findall(r"http://127\.0\.0\.1:\d+/\S*", server.log_tail(200))
    assert printed, server.log_tail()
    assert all(u.split("?")[0].endswith(f"/lab/tree/{labdriver.INDEX}") for u in printed)
    assert "Traceback" not in server.log_tail(200), server.log_tail(200)
