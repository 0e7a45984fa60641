"""Shared test configuration.

Hypothesis explores new random cases on every local run; under CI (``CI`` set in the
environment) it is derandomized, so a CI run is reproducible and cannot flake.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
