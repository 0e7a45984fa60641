"""Named, ready-made schedules used across the course chapters."""

from __future__ import annotations

from ._validate import check_int, check_real
from .base import Schedule
from .cosine import Cosine
from .cyclic import Cyclic
from .decay import Exponential, StepDecay
from .warmup import warmup_cosine

__all__ = ["seed_chapter_schedules"]


def seed_chapter_schedules(
    lr0: float = 0.1, T: int = 100, lr_min: float = 1e-4
) -> dict[str, Schedule]:
    r"""The five schedules the course opens with, with their classic parameters.

    Step decay (:math:`\gamma = 0.5` every 20 updates), exponential decay
    (:math:`\lambda = 0.04`), cosine annealing to ``lr_min`` over ``T``, a 10-update
    warm-up then cosine, and a triangular cycle between ``1e-3`` and ``lr0`` with a
    20-update half period.
    """
    lr0 = check_real("lr0", lr0, low=1e-3, low_open=True)
    T = check_int("T", T, low=11)
    return {
        "Step decay (γ=0.5, every 20)": StepDecay(lr0, step_size=20, gamma=0.5),
        "Exponential (λ=0.04)": Exponential(lr0, lam=0.04),
        "Cosine annealing": Cosine(lr0, T, lr_min),
        "Warm-up 10 + cosine": warmup_cosine(lr0, T, 10, lr_min),
        "Triangular cycle (20 up, 20 down)": Cyclic(1e-3, lr0, step_size_up=20),
    }
