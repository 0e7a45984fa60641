"""What every explorer shares: the interactive, one reused figure, the frame shown with its
alt text, set_controls and random_settings (lrsched.widgets._controls, ._drawing)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from lrsched import widgets as wd  # noqa: E402
from lrsched.widgets import _controls, _drawing  # noqa: E402

from .widget_cases import (  # noqa: E402
    fresh,
    no_pyplot_figures,  # noqa: F401 (an autouse fixture)
    option_values,
)

# ----------------------------------------------------------------------------- common


@pytest.mark.parametrize(
    "build, kind",
    [
        (wd.schedule_explorer, "schedule"),
        (wd.warmup_explorer, "warmup"),
        (wd.noisy_sgd_explorer, "noisy_sgd"),
        (wd.range_test_explorer, "range_test"),
        (wd.cycle_explorer, "cycle"),
        (wd.network_explorer, "network"),
    ],
)
def test_explorer_is_an_interactive_with_controls_then_output(build, kind):
    w = build()
    assert isinstance(w, W.interactive)
    assert isinstance(w.children[-1], W.Output)
    ctl = wd.controls(w)
    assert list(ctl) == list(w.kwargs)
    assert list(w.children[:-1]) == list(ctl.values())
    r = fresh(w)
    assert r.kind == kind
    assert isinstance(r.figure, Figure)
    assert r.text.startswith(r.title)
    png = r.png()
    assert png.startswith(b"\x89PNG")
    # The inline backend renders with print_figure(bbox_inches="tight").
    buf = io.BytesIO()
    r.figure.canvas.print_figure(buf, format="png", bbox_inches="tight")
    assert buf.getvalue().startswith(b"\x89PNG")


def test_explorers_reuse_one_figure():
    w = wd.schedule_explorer()
    fig = w.result.figure
    ctl = wd.controls(w)
    ctl["lr0"].value = 0.01
    ctl["family"].value = "step"
    assert w.result.figure is fig
    assert len(fig.axes) == 2


def test_draw_functions_update_a_given_figure_or_adopt_a_foreign_one():
    r1 = wd.draw_schedule("cosine", T=50)
    r2 = wd.draw_schedule("step", T=80, figure=r1.figure)
    assert r2.figure is r1.figure
    np.testing.assert_array_equal(r2.figure.axes[0].lines[0].get_ydata(), r2.curves["lr"])
    foreign = Figure()
    r3 = wd.draw_schedule("constant", figure=foreign)
    assert r3.figure is foreign and len(foreign.axes) == 2
    # A figure drawn by another explorer is cleared and redrawn, not mixed up.
    r4 = wd.draw_warmup(figure=r1.figure)
    assert r4.figure is r1.figure and len(r1.figure.axes) == 1
    with pytest.raises(TypeError, match="figure"):
        wd.draw_schedule("cosine", figure="not a figure")


def test_show_displays_the_png_and_prints_the_table(capsys):
    w = wd.schedule_explorer(show=True)
    out = capsys.readouterr().out
    assert "α_t" in out and "0.05005" in out
    wd.controls(w)["T"].value = 200
    assert "199" in capsys.readouterr().out


def test_controls_and_set_controls_validate():
    w = wd.cycle_explorer()
    with pytest.raises(ValueError, match="unknown control"):
        wd.set_controls(w, T_00=3)
    with pytest.raises(TypeError, match="explorer"):
        wd.controls(W.VBox())
    r = wd.set_controls(w, family="cyclic", step_size_up=7, T=100)
    assert r is w.result and r.params["step_size_up"] == 7


# ----------------------------------------------------------------------------- random settings


def test_random_settings_reach_every_control_and_its_ends():
    w = wd.noisy_sgd_explorer(show=False)
    ctl = wd.controls(w)
    rng = np.random.default_rng(0)
    draws = [wd.random_settings(w, rng) for _ in range(300)]
    assert all(d.keys() == ctl.keys() for d in draws)
    for name, widget in ctl.items():
        seen = [d[name] for d in draws]
        if isinstance(widget, W.Dropdown):
            assert set(seen) == set(option_values(widget))
        elif isinstance(widget, (W.IntSlider, W.FloatSlider)):
            assert all(widget.min <= v <= widget.max for v in seen)
            ends = sum(v in (widget.min, widget.max) for v in seen)
            assert 30 <= ends <= 100, (name, ends)  # 20% expected: 60 of 300
    again = wd.random_settings(w, np.random.default_rng(0))
    assert again == draws[0]  # seeded: the same settings
    fixed = wd.random_settings(w, rng, family="constant")
    assert fixed["family"] == "constant"


def test_random_settings_reject_bad_arguments():
    w = wd.warmup_explorer(show=False)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        wd.random_settings(w, 0)
    with pytest.raises(ValueError, match="unknown control"):
        wd.random_settings(w, np.random.default_rng(0), nope=1)
    with pytest.raises(TypeError, match="w must be an explorer"):
        wd.random_settings("w", np.random.default_rng(0))


# ----------------------------------------------------------------------------- a slider move

#: One move per explorer: (builder, the controls set at once).
MOVES = {
    "schedule": (wd.schedule_explorer, {"family": "sgdr", "T": 300}),
    "warmup": (wd.warmup_explorer, {"warmup_pct": 20, "decay": "linear"}),
    "noisy_sgd": (wd.noisy_sgd_explorer, {"family": "fixed", "lr0": 0.8}),
    "range_test": (wd.range_test_explorer, {"lr_max": 1.0, "smoothing": True}),
    "cycle": (wd.cycle_explorer, {"family": "cyclic"}),
    "network": (wd.network_explorer, {"peak": 0.02, "warmup_pct": 10}),
}
CALLBACK_ERROR = "Exception in interact callback"


def frame(fig: Figure) -> np.ndarray:
    """The RGB pixels of the figure's latest draw."""
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


def callback_errors(caplog) -> list[str]:
    """What ``interactive`` logged for exceptions it caught (outside a kernel it logs them;
    inside one it shows the traceback in the explorer's output)."""
    return [r.getMessage() for r in caplog.records if CALLBACK_ERROR in r.getMessage()]


@pytest.mark.parametrize("kind", list(MOVES))
def test_a_slider_move_draws_a_new_frame_without_error(kind, caplog, capsys):
    build, settings = MOVES[kind]
    with caplog.at_level(logging.WARNING):
        w = build(show=True)  # renders, displays and prints every frame, as in a kernel
        before = frame(w.result.figure)
        r = wd.set_controls(w, **settings)
    assert callback_errors(caplog) == []
    assert r is fresh(w) and r.kind == kind
    after = frame(r.figure)
    changed = (np.abs(after - before).max(axis=2) > 0).mean()
    assert changed > 0.005, f"only {changed:.2%} of the pixels changed"
    # the PNG shown is that frame, pixel for pixel (RGB: the figure is opaque)
    shown = np.asarray(Image.open(io.BytesIO(r.png())))
    assert shown.shape == after.shape
    np.testing.assert_array_equal(shown, after)
    out = capsys.readouterr().out
    assert r.text in out and "Traceback" not in out


def test_the_slider_move_check_sees_a_failing_render(monkeypatch, caplog):
    """The error a broken renderer raises inside the callback (on matplotlib 3.10 it was
    ``'Text' object has no attribute 'get_fontfeatures'``) is what the check above reads."""
    w = wd.schedule_explorer(show=True)

    def broken(self, *args, **kwargs):
        raise AttributeError("'Text' object has no attribute 'get_fontfeatures'")

    monkeypatch.setattr(_drawing._Canvas, "print_png", broken)
    with caplog.at_level(logging.WARNING):
        wd.set_controls(w, T=200)
    assert len(callback_errors(caplog)) == 1
    assert "get_fontfeatures" in caplog.text


# ----------------------------------------------------------------------------- alt text


def test_the_frame_is_a_png_with_its_alt_text():
    from IPython.core.formatters import DisplayFormatter

    r = wd.draw_schedule("warmup_cosine", T=200, t_warm=20)
    data, metadata = r._repr_mimebundle_()
    assert data["image/png"].startswith(b"\x89PNG") and data["image/png"] == r.png()
    assert r._repr_png_() == r.png()
    assert metadata == {"image/png": {"alt": r.alt}}
    # what IPython (JupyterLab, nbconvert) gets for the result
    shown, shown_md = DisplayFormatter().format(r)
    assert shown["image/png"] == r.png() and shown_md["image/png"]["alt"] == r.alt
    assert r.text.startswith(r.title)


def test_the_explorer_displays_the_frame_with_its_alt_text(monkeypatch, capsys):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    r = wd.draw_cycle("cyclic", T=100)
    _controls._display(r)
    ((args, kwargs),) = shown
    assert args == ({"image/png": r.png()},)
    assert kwargs == {"metadata": {"image/png": {"alt": r.alt}}, "raw": True}
    assert capsys.readouterr().out == r.text + "\n"


def test_schedule_alt_text_says_what_the_frame_shows():
    r = wd.draw_schedule("warmup_cosine", T=200, t_warm=20)
    lr = r.curves["lr"]
    assert repr(r.schedule) in r.alt and "warm-up + cosine" in r.alt
    assert "learning rate α_t" in r.alt and "linear scale" in r.alt and "log scale" in r.alt
    assert "update t from 0 to 199" in r.alt
    assert f"starts at {lr[0]:.3g}" in r.alt and f"ends at {lr[-1]:.3g}" in r.alt
    assert f"to {lr.max():.3g}" in r.alt and "t = 0, 10, 25, 50, 75, 199" in r.alt
    other = wd.draw_schedule("step", T=100, step_size=30)
    assert repr(other.schedule) in other.alt and repr(r.schedule) not in other.alt


def test_alt_texts_of_the_other_explorers_name_their_numbers():
    w = wd.draw_warmup(T=400, warmup_pct=10)
    assert w.title in w.alt and "updates 0 to 40" in w.alt
    assert f"lr[40] = {w.numbers['lr_at_warm']:.3g}" in w.alt
    assert f"mean rate, {w.numbers['lr_mean']:.3g}" in w.alt

    n = wd.draw_noisy_sgd("cosine", lr0=0.4, n_seeds=20, T=60)
    assert "20 run(s)" in n.alt and "update t from 0 to 60" in n.alt
    assert f"noise floor {n.numbers['noise_floor']:.3g}" in n.alt
    assert "exact expected loss" in n.alt and "log scale" in n.alt

    q = wd.draw_range_test("quadratic")
    assert "learning rate (horizontal axis, log scale)" in q.alt
    for name, lr in q.numbers["suggestions"].items():
        assert f"{name} rate {lr:.3g}" in q.alt
    low, _, high = q.numbers["useful_range"]
    assert f"useful range {low:.3g} to {high:.3g}" in q.alt

    c = wd.draw_cycle()
    assert "restarts at t = 20, 60, 140" in c.alt and "SGDR" in c.alt


def test_alt_text_carries_the_notes():
    r = wd.draw_schedule("cosine", lr0=0.001, lr_min=0.01)
    assert r.notes and all(f"Note: {note}." in r.alt for note in r.notes)
    assert "Note:" not in wd.draw_schedule("cosine").alt


# ----------------------------------------------------------------------------- the extra


@pytest.mark.parametrize("missing", ["matplotlib", "ipywidgets"])
def test_without_the_course_extra_the_import_error_names_it(missing):
    code = (
        f"import sys; sys.modules[{missing!r}] = None\n"
        "try:\n    import lrsched.widgets\nexcept ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "lrsched.widgets" in out and repr(missing) in out and "lrsched[course]" in out
