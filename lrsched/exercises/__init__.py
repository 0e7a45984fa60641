r"""Checkers for the course's exercises, and the self-study "show the solution" button.

Every ``check_*`` function takes what the learner wrote (a function or a result),
never raises because of it, and returns a :class:`Feedback` whose text says what is
right or wrong: where (which ``t``, which seed, which :math:`\alpha`), expected against
got, and a hint tied to the formula. In JupyterLab the feedback is simply shown, so
"Run All" carries on past an unfinished exercise. Under nbgrader (which sets
``NBGRADER_EXECUTION`` while validating or autograding), or with ``strict=True``, a
failed check raises ``AssertionError`` with the same text, so the same call works as a
test cell. Graded marks do not rest on this switch: they come from the hidden tests that
``tools/build_grading.py`` writes into the reference edition, with pinned values.

**Learner code cannot break a check.** Whatever it raises -- any ``BaseException``,
including ``SystemExit`` from ``sys.exit``, ``KeyboardInterrupt`` and ``GeneratorExit``
-- becomes feedback. A returned value is read as one plain float without running its
class's methods (a ``float`` subclass is read as the number it stores). A time limit
stops code that runs too long, even if the code switches off the alarm timer or
replaces its signal handler (a watchdog thread does not depend on either); changing
the time limit is itself reported and the answer is not accepted. ``os._exit`` ends
the process before any Python code can run, so no in-process check can report it:
graded runs are protected from it by nbgrader's kernel time limits and the
instructor's integrity report. The details are in ``lrsched/exercises/_core.py``.

**What feedback may say.** A message gives the expected value at *one* probe point at
most, and only where the answer is a function (the SGDR schedule, the SGD run, the
range-test loss): knowing one value of a function does not give the function, and
the learner still has to write it. A message never states an answer that is a single
number (the guided-practice question) and never lists the restarts of the checked
SGDR parameters.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ._core import (
    DEFAULT_TIME_LIMIT,
    Feedback,
    TimeLimitExceeded,
    _call,
    _LearnerError,
    _protected,
    _real,
    _type_name,
)
from ._network import (
    EX4_PEAKS,
    EX4_TARGET,
    EX4_WARMUPS,
    check_warmup_choice,
    check_warmup_cosine,
    warmup_trial,
)
from ._range import check_range_test
from ._run_sgd import Z_MEAN, Z_VAR, check_run_sgd
from ._schedules import MIN_PEAK, _pairs, check_schedules
from ._sgdr import check_cosine_midpoint, check_sgdr

__all__ = [
    "Feedback",
    "TimeLimitExceeded",
    "check_sgdr",
    "check_run_sgd",
    "check_schedules",
    "check_range_test",
    "check_cosine_midpoint",
    "check_warmup_cosine",
    "check_warmup_choice",
    "warmup_trial",
    "EX4_PEAKS",
    "EX4_WARMUPS",
    "EX4_TARGET",
    "attempt",
    "learner_values",
    "compare_over_seeds",
    "reveal_button",
    "reveal_text",
    "find_reference",
    "reference_cells",
    "DEFAULT_TIME_LIMIT",
    "MIN_PEAK",
    "Z_MEAN",
    "Z_VAR",
]


def _label(fn: Any) -> str:
    """A plain function's name; any other object is "your function" (no attribute
    lookup on learner objects, which could run their code)."""
    if type(fn) is types.FunctionType and type(fn.__name__) is str:
        return fn.__name__
    return "your function"


def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the learner's ``fn(*args, **kwargs)``; on failure print one line and return None.

    For cells that use a learner's function to draw or print something: an unfinished
    or failing function (whatever it raises, or if it runs past
    :data:`DEFAULT_TIME_LIMIT` seconds) gives one line of feedback instead of a
    traceback, and the notebook runs on.
    """
    label = _label(fn)
    out, message = _protected(
        DEFAULT_TIME_LIMIT, lambda: _call(fn, label, "when called", *args, **kwargs)
    )
    if message is not None:
        print(f"Nothing to show yet: {message}")
        return None
    return out


def learner_values(fn: Callable[..., Any], ts: Any, what: str | None = None, **kwargs: Any):
    """Evaluate the learner's ``fn(t, **kwargs)`` for every ``t`` in ``ts``, for a plot.

    Returns a ``float64`` array, or ``None`` after printing one line of feedback when the
    function is unfinished, fails, returns something that is not one finite real
    number, or runs past :data:`DEFAULT_TIME_LIMIT` seconds, so the cell that plots it
    still runs.
    """
    label = what if isinstance(what, str) else _label(fn)

    def values() -> np.ndarray:
        return np.array(
            [_real(_call(fn, label, f"at t={t}", t, **kwargs), label, f"at t={t}") for t in ts]
        )

    out, message = _protected(DEFAULT_TIME_LIMIT, values)
    if message is not None:
        print(f"Nothing to plot yet: {message}")
        return None
    return out


def compare_over_seeds(
    run_sgd: Callable[..., Any], schedules: Any, *, n_seeds: int = 10, T: int = 150
) -> dict[str, np.ndarray] | None:
    """Final loss of ``run_sgd(schedule, seed, T=T)`` for seeds ``0..n_seeds-1``, per schedule.

    ``schedules`` is a dict name -> function or a function returning one. Returns
    ``{name: array of n_seeds final losses}``, or ``None`` after printing one line of
    feedback when the learner's code is unfinished, fails or runs past 60 s.
    """

    def finals() -> dict[str, np.ndarray]:
        given = schedules
        if callable(given) and not isinstance(given, Mapping):
            given = _call(given, _label(given), "when called")
        if not isinstance(given, Mapping):
            raise _LearnerError("wrong", "schedules must be a dict name -> function")
        out = {}
        for key, s in _pairs(given):
            label = str.__str__(key) if issubclass(type(key), str) else repr(_type_name(key))
            out[label] = np.array(
                [
                    _real(
                        _call(run_sgd, "run_sgd", f"for {label!r}, seed={k}", s, k, T=T),
                        "run_sgd",
                        f"for {label!r}, seed={k}",
                    )
                    for k in range(n_seeds)
                ]
            )
        return out

    out, message = _protected(60.0, finals)
    if message is not None:
        print(f"Nothing to compare yet: {message}")
        return None
    return out


# ----------------------------------------------------------------------------- the reveal


def find_reference(chapter: str) -> Path | None:
    """Locate the reference edition ``solutions/<chapter>.ipynb``, or None if absent.

    Looks in ``$LRSCHED_SOLUTIONS``, then ``../solutions`` and ``./solutions`` relative
    to the working directory (a notebook runs in its own folder).
    """
    if not isinstance(chapter, str) or not chapter:
        raise TypeError(f"chapter must be a notebook name such as '06_sgdr'; got {chapter!r}")
    stem = chapter.removesuffix(".ipynb")
    places = [
        os.environ.get("LRSCHED_SOLUTIONS"),
        Path.cwd().parent / "solutions",
        Path.cwd() / "solutions",
    ]
    for place in places:
        if place:
            path = Path(place) / f"{stem}.ipynb"
            if path.is_file():
                return path
    return None


def reference_cells(chapter: str, exercise: str) -> list[tuple[str, str]] | None:
    """``(cell_type, source)`` of the reference solution cells of ``exercise``, or None.

    A cell belongs to the exercise when its nbgrader ``grade_id`` starts with
    ``exercise`` and it is a solution cell.
    """
    path = find_reference(chapter)
    if path is None:
        return None
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and str(meta.get("grade_id", "")).startswith(exercise):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cells.append((cell["cell_type"], src))
    return cells


def reveal_text(chapter: str, exercise: str) -> str:
    """The Markdown shown by :func:`reveal_button`: the reference solution, or why there is none."""
    cells = reference_cells(chapter, exercise)
    if cells is None:
        return (
            "**No reference solutions in this copy of the course.** This is a classroom "
            "release: your instructor has the reference edition."
        )
    if not cells:
        return f"The reference edition of {chapter} has no solution for `{exercise}`."
    parts = [f"**Reference solution — {exercise}** (from `solutions/{chapter}.ipynb`)"]
    for kind, src in cells:
        lines = [
            ln for ln in src.splitlines() if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln
        ]
        body = "\n".join(lines).strip("\n")
        parts.append(f"```python\n{body}\n```" if kind == "code" else body)
    return "\n\n".join(parts)


def reveal_button(chapter: str, exercise: str, *, label: str = "Show the reference solution"):
    """A button that shows the reference solution of ``exercise`` when clicked, and nothing before.

    The solution is read from the reference edition (``solutions/<chapter>.ipynb``), so
    there is one copy of it. In a classroom release, which has no reference edition,
    the button says so.
    """
    from .._extras import require

    widgets = require("ipywidgets", feature="lrsched.exercises.reveal_button")
    Markdown = require("IPython.display", feature="lrsched.exercises.reveal_button").Markdown

    if not isinstance(exercise, str) or not exercise:
        raise TypeError(f"exercise must be a grade_id prefix such as 'ex1'; got {exercise!r}")
    button = widgets.Button(description=label, icon="eye", layout=widgets.Layout(width="auto"))
    out = widgets.Output()

    def show(_: Any) -> None:
        out.outputs = ()
        out.append_display_data(Markdown(reveal_text(chapter, exercise)))

    button.on_click(show)
    return widgets.VBox([button, out])
