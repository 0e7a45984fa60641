"""lrsched: learning-rate schedules, noisy-SGD simulators and diagnostics for the course.

Every schedule is a pure function of the 0-based update index ``t``::

    >>> import lrsched
    >>> s = lrsched.Cosine(lr0=0.1, T=100, lr_min=1e-4)
    >>> round(s(50), 6)
    0.05005

The core (this module and the schedule modules) needs only NumPy; plotting and
widgets live in their own modules and are imported only when used.
"""

from .base import Schedule
from .catalog import seed_chapter_schedules
from .compose import FromCallable, Product, Sequence, as_schedule
from .cosine import SGDR, Cosine
from .cyclic import Cyclic, OneCycle
from .decay import (
    Constant,
    Exponential,
    InverseTime,
    MultiStep,
    OneMinusSqrt,
    Polynomial,
    StepDecay,
)
from .plateau import ReduceOnPlateau
from .warmup import WSD, InverseSqrt, Warmup, warmup_cosine

__version__ = "0.1.0"

__all__ = [
    "Schedule",
    "Constant",
    "StepDecay",
    "MultiStep",
    "Exponential",
    "InverseTime",
    "Polynomial",
    "OneMinusSqrt",
    "Cosine",
    "SGDR",
    "Cyclic",
    "OneCycle",
    "Warmup",
    "warmup_cosine",
    "InverseSqrt",
    "WSD",
    "Sequence",
    "Product",
    "FromCallable",
    "as_schedule",
    "ReduceOnPlateau",
    "seed_chapter_schedules",
]
