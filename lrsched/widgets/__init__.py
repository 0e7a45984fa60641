r"""Interactive explorers for the course notebooks (ipywidgets + matplotlib).

Nine explorers, each a function that returns an :class:`ipywidgets.interactive`
(controls first, the :class:`~ipywidgets.Output` last)::

    >>> from lrsched import widgets  # doctest: +SKIP
    >>> widgets.schedule_explorer()  # doctest: +SKIP

* :func:`schedule_explorer` -- design your own schedule (ten families, linear and log axes,
  a table of :math:`\alpha_t`);
* :func:`warmup_explorer` -- warm-up length x decay style x warm-up convention;
* :func:`noisy_sgd_explorer` -- noisy SGD on the quadratic, Monte Carlo against the exact
  expected loss;
* :func:`range_test_explorer` -- the LR range test on the quadratic or on the digits model;
* :func:`cycle_explorer` -- SGDR and cyclical rates, and what a restart does to the loss;
* :func:`network_explorer` -- schedule family x peak x warm-up, a small MLP trained on the
  digits over a few seeds (:mod:`lrsched.network`);
* :func:`fixed_rate_explorer` -- one fixed rate on the course's quadratic: the exact expected
  loss, its noise floor and how many updates it takes to get there;
* :func:`quadratic2d_explorer` -- gradient descent on an ill-conditioned 2-D quadratic:
  contours, the iterates, the slow direction, per-direction contraction;
* :func:`sklearn_explorer` -- scikit-learn's ``SGDRegressor`` schedules against the
  per-sample stability bound :math:`\eta_s(\lVert x\rVert^2 + 1) < 2`.

Every explorer's callback calls a pure *compute-and-draw* function (:func:`draw_schedule`,
:func:`draw_warmup`, :func:`draw_noisy_sgd`, :func:`draw_range_test`, :func:`draw_cycle`,
:func:`draw_network`, :func:`draw_fixed_rate`, :func:`draw_quadratic2d`, :func:`draw_sklearn`)
and **returns** its :class:`ExplorerResult`: the figure, the numbers shown, the table rows
and the notes about clamped settings. A notebook can call the same function in an ordinary,
output-checked cell; a test can drive the widget (``w.children[i].value = ...``, or
:func:`set_controls`) and read ``w.result``. No formula is typed here: the schedules come
from the lrsched schedule classes, the losses from :func:`lrsched.simulate_quadratic`,
:func:`lrsched.expected_loss` and :func:`lrsched.noise_floor`, the range test from
:mod:`lrsched.range_test`.

Settings that cannot work together (a warm-up as long as the run, a floor above the peak,
...) never raise from a slider: they are clamped, and the figure and the result's
``notes`` say so. Bad arguments given *programmatically* to the builders and draw functions
raise :class:`TypeError` or :class:`ValueError` naming the parameter.

Speed: each explorer draws into one :class:`matplotlib.figure.Figure` (not managed by
pyplot, so nothing leaks) whose artists are updated in place, with a fixed layout, few
plain tick labels, short texts and a light legend; its canvas renders text unhinted and
writes RGB PNGs at zlib level 1 (:mod:`lrsched.widgets._drawing`). A slider move costs the
computation plus one PNG render (see ``benchmarks/bench_widgets.py``). Inside a Jupyter
kernel the callback renders the figure to PNG, displays it in the output area with its
alt text (:attr:`ExplorerResult.alt`) and prints the numbers; outside a kernel (tests,
scripts) it only updates the figure.

Layout: one module per explorer (:mod:`~lrsched.widgets.schedule`,
:mod:`~lrsched.widgets.warmup`, :mod:`~lrsched.widgets.noisy_sgd`,
:mod:`~lrsched.widgets.range_test`, :mod:`~lrsched.widgets.cycle`,
:mod:`~lrsched.widgets.network`, :mod:`~lrsched.widgets.fixed_rate`,
:mod:`~lrsched.widgets.quadratic2d`, :mod:`~lrsched.widgets.sklearn_sgd`), the shared drawing
pieces (result, canvas, legend, limits, painters' base) in ``_drawing`` and the widget
plumbing (control specs, the interactive, :func:`controls`, :func:`set_controls`,
:func:`random_settings`) in ``_controls``. Every public name is importable from
``lrsched.widgets``. matplotlib and ipywidgets come with the ``course`` extra
(``pip install "lrsched[course]"``); without them, importing this package raises an
ImportError that says so.

Notebook cells that display an explorer must be tagged ``nbval-ignore-output``: under nbval
the callback's image and printed text arrive as ordinary outputs of the cell. Show the
numbers to check in a separate cell that calls the draw function::

    # cell tagged nbval-ignore-output: the explorer (the call must be the cell's last line)
    from lrsched import widgets
    widgets.schedule_explorer("warmup_cosine", t_warm=10)

    # checked cell: the same numbers, no widget
    print(widgets.draw_schedule("warmup_cosine", t_warm=10).text)
"""

from __future__ import annotations

from ._controls import controls, random_settings, set_controls
from ._drawing import BuiltSchedule, ExplorerResult
from .cycle import CYCLE_FAMILIES, CYCLE_PARAMS, build_cycle_schedule, cycle_explorer, draw_cycle
from .fixed_rate import FIXED_RATE_GRID, draw_fixed_rate, fixed_rate_explorer
from .network import (
    NETWORK_FAMILIES,
    NETWORK_OPTIMIZERS,
    build_network_schedule,
    draw_network,
    network_explorer,
)
from .noisy_sgd import NOISY_FAMILIES, build_noisy_schedule, draw_noisy_sgd, noisy_sgd_explorer
from .quadratic2d import (
    QUADRATIC2D_GRID,
    QUADRATIC2D_SCHEDULES,
    draw_quadratic2d,
    quadratic2d_explorer,
)
from .range_test import RANGE_PROBLEMS, draw_range_test, range_test_explorer
from .schedule import (
    SCHEDULE_FAMILIES,
    SCHEDULE_PARAMS,
    TABLE_STEPS,
    build_schedule,
    draw_schedule,
    schedule_explorer,
)
from .sklearn_sgd import SKLEARN_DATA, SKLEARN_OPTIONS, draw_sklearn, sklearn_explorer
from .warmup import WARMUP_DECAYS, build_warmup_schedule, draw_warmup, warmup_explorer

__all__ = [
    "NETWORK_FAMILIES",
    "NETWORK_OPTIMIZERS",
    "build_network_schedule",
    "draw_network",
    "network_explorer",
    "ExplorerResult",
    "BuiltSchedule",
    "SCHEDULE_FAMILIES",
    "SCHEDULE_PARAMS",
    "WARMUP_DECAYS",
    "NOISY_FAMILIES",
    "RANGE_PROBLEMS",
    "CYCLE_FAMILIES",
    "CYCLE_PARAMS",
    "TABLE_STEPS",
    "build_schedule",
    "build_warmup_schedule",
    "build_noisy_schedule",
    "build_cycle_schedule",
    "draw_schedule",
    "draw_warmup",
    "draw_noisy_sgd",
    "draw_range_test",
    "draw_cycle",
    "schedule_explorer",
    "warmup_explorer",
    "noisy_sgd_explorer",
    "range_test_explorer",
    "cycle_explorer",
    "FIXED_RATE_GRID",
    "QUADRATIC2D_GRID",
    "QUADRATIC2D_SCHEDULES",
    "SKLEARN_DATA",
    "SKLEARN_OPTIONS",
    "draw_fixed_rate",
    "draw_quadratic2d",
    "draw_sklearn",
    "fixed_rate_explorer",
    "quadratic2d_explorer",
    "sklearn_explorer",
    "controls",
    "set_controls",
    "random_settings",
]
