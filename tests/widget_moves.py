"""Checks shared by the tests of the fixed-rate, scikit-learn and 2-D quadratic explorers:
a slider move redraws the frame without a logged error, every text is readable (>= 9 pt),
and values outside a control's range are clipped by the slider or refused by name."""

from __future__ import annotations

import io
import logging

import numpy as np
from matplotlib.text import Text
from PIL import Image

from lrsched import widgets as wd

from .widget_cases import fresh

CALLBACK_ERROR = "Exception in interact callback"
MIN_FONT = 9.0


def pixels(r: wd.ExplorerResult) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(r.png())).convert("RGB")).astype(int)


def assert_move_redraws(w, caplog, capsys, **values) -> wd.ExplorerResult:
    """Move controls as a learner would (the explorer shown, as in a kernel): the pixels,
    the printed text and the numbers change, nothing is logged as an error."""
    with caplog.at_level(logging.WARNING):
        before = fresh(w)
        png_before, text_before = pixels(before), before.text
        numbers_before = dict(before.numbers)
        r = wd.set_controls(w, **values)
    errors = [m.getMessage() for m in caplog.records if m.levelno >= logging.WARNING]
    assert errors == [], errors
    assert r is fresh(w)
    after = pixels(r)
    assert after.shape == png_before.shape
    changed = (np.abs(after - png_before).max(axis=2) > 0).mean()
    assert changed > 0.005, f"only {changed:.2%} of the pixels changed"
    assert r.text != text_before and r.numbers != numbers_before
    out = capsys.readouterr().out
    assert r.text in out and "Traceback" not in out
    return r


def assert_readable(r: wd.ExplorerResult) -> None:
    """Every visible text of the frame, tick labels included, is at least 9 pt."""
    fig = r.figure
    r.png()  # a draw creates the tick labels
    small = [
        (t.get_text(), t.get_fontsize())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text() and t.get_fontsize() < MIN_FONT
    ]
    assert small == [], small
