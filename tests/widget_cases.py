"""Helpers of the explorer tests (tests/test_widgets_*.py): drive an explorer as a learner
would and check what it drew.

Each explorer is an ``ipywidgets.interactive``: setting a control's ``.value`` runs the
callback synchronously (no kernel, no browser), and ``w.result`` holds what it computed
and drew. The numbers must be exactly what lrsched computes directly, the figure must
show them, and no combination of control values may raise or draw non-finite data.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrsched import widgets as wd  # noqa: E402

FUZZ_N = 1000


def fresh(w: W.interactive) -> wd.ExplorerResult:
    """``w.result``, checked to come from the current control values.

    ``interactive`` logs and swallows a callback's exception, leaving the previous result
    in place; calling the callback again surfaces the error with its traceback.
    """
    r = w.result
    if r is None or any(r.requested.get(k) != v for k, v in w.kwargs.items()):
        w.f(**w.kwargs)  # re-raise what interactive swallowed
        pytest.fail(f"stale result for {w.kwargs}")
    return r


def assert_finite_figure(fig: Figure) -> None:
    for ax in fig.axes:
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            assert np.isfinite(xy).all(), (ax.get_title(), line)
        for coll in ax.collections:
            for path in coll.get_paths():
                assert np.isfinite(path.vertices).all(), (ax.get_title(), coll)
        for patch in ax.patches:
            assert np.isfinite(patch.get_path().vertices).all()
        for lim in (ax.get_xlim(), ax.get_ylim()):
            assert np.isfinite(lim).all() and lim[0] < lim[1]


def assert_finite_numbers(numbers: dict) -> None:
    for key, value in numbers.items():
        if isinstance(value, dict):
            assert_finite_numbers(value)
        elif isinstance(value, (tuple, list)):
            assert all(math.isfinite(v) for v in value), key
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            assert math.isfinite(value), key


def assert_labelled(ax, *, title: bool = True) -> None:
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    if title:
        assert ax.get_title()


def option_values(widget: W.Widget) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in widget.options]


def fuzz(w: W.interactive, seed: int, n: int = FUZZ_N) -> int:
    """Random values for every control, ``n`` times; every update checked."""
    rng = np.random.default_rng(seed)
    notes = 0
    for _ in range(n):
        wd.set_controls(w, **wd.random_settings(w, rng))
        r = fresh(w)
        assert_finite_figure(r.figure)
        assert_finite_numbers(r.numbers)
        assert all(np.isfinite(np.asarray(c, dtype=float)).all() for c in r.curves.values())
        notes += bool(r.notes)
    return notes


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """Autouse in the modules that import it: no explorer leaves a pyplot figure open."""
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "an explorer left a pyplot figure open"
    plt.close("all")
