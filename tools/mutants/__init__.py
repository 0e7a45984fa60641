"""The mutants run by ``tools/mutate.py``: one deliberate bug each, and the tests that must see it.

A mutant is ``(module, find, replace, description, tests)``: ``find`` must occur
exactly once in ``module`` (otherwise the mutant is *stale* and not counted), and
``tests`` are the test files that cover the module. Categories: off-by-ones at
boundaries, dropped terms, loosened validation, widened tolerances, swapped
operators, changed constants.

Left out on purpose, because they cannot change behaviour (equivalent mutants):

* ``Cyclic``: ``up = pos <= step_size_up`` -> ``<``: at ``pos == step_size_up`` both
  branches give 1 (``pos / s_up`` and ``(L - pos) / s_down``).
* ``OneCycle``: ``searchsorted(ends, t, side="left")`` -> ``"right"``: at a phase
  end the phase that ends there gives its end value ``b`` with ``u = 1`` and the next
  phase gives its start value, the same ``b``, with ``u = 0``.
* ``Warmup``: for ``ramp="from_zero"`` the ramp and the wrapped schedule agree at
  ``t = t_warm``, so moving that step between them is only a mutant for
  ``"from_first_step"`` (kept, as ``warmup-edge``).
"""

from __future__ import annotations

from .checkers import CHECKERS
from .core import Mutant
from .plateau import PLATEAU, SKLEARN
from .range_test import RANGE
from .schedules import BOUNDS, COMPOSE, COSINE, CYCLIC, DECAY, NUMERIC, WARMUP
from .theory import THEORY

__all__ = ["Mutant", "MUTANTS"]

MUTANTS: list[Mutant] = (
    COSINE
    + DECAY
    + CYCLIC
    + WARMUP
    + COMPOSE
    + NUMERIC
    + BOUNDS
    + THEORY
    + RANGE
    + CHECKERS
    + SKLEARN
    + PLATEAU
)
