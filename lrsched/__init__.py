"""lrsched: learning-rate schedules, noisy-SGD simulators and diagnostics for the course.

Every schedule is a pure function of the 0-based update index ``t``::

    >>> import lrsched
    >>> s = lrsched.Cosine(lr0=0.1, T=100, lr_min=1e-4)
    >>> round(s(50), 6)
    0.05005

The core (this module, the schedules, simulators, theory and diagnostics) needs only
NumPy. The course-only parts, ``lrsched.plot``, ``lrsched.widgets`` and
``lrsched.exercises``, are imported on first use and need the ``course`` extra
(``pip install "lrsched[course]"``); without it they raise an ImportError that says so.
"""

from .averaging import AveragedLoss, averaging_weights, expected_loss_averaged
from .base import Schedule
from .catalog import seed_chapter_schedules
from .compare import Comparison, compare_schedules
from .compose import FromCallable, Product, Sequence, as_schedule, evaluate_lr, lr_values
from .contraction import (
    best_constant_rate,
    contraction_factors,
    updates_to_floor,
    updates_to_shrink,
)
from .cosine import SGDR, Cosine
from .coupling import (
    effective_rate,
    minibatch_sigma,
    momentum_expected_loss,
    momentum_noise_floor,
)
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
from .digits import DigitsProblem, clr_vs_fixed
from .noisy_sgd import (
    SimResult,
    SimResultND,
    seed_chapter_run,
    simulate_quadratic,
    simulate_quadratic_nd,
    stability_limit,
)
from .plateau import ReduceOnPlateau
from .range_test import (
    RangeTestResult,
    divergence_index,
    lr_sweep,
    one_step_losses,
    range_test,
    suggest_min_div10,
    suggest_steepest,
    suggest_valley,
    useful_range,
)
from .sample_stability import residual_factor, sample_rate_limit
from .sklearn_schedules import (
    SklearnAdaptive,
    SklearnConstant,
    SklearnInvScaling,
    SklearnOptimal,
    explain_optimal_blowup,
    sgd_regressor_numpy,
    sklearn_schedule,
)
from .theory import (
    expected_loss,
    expected_loss_nd,
    expected_loss_parts,
    noise_floor,
    optimal_expected_loss,
    optimal_schedule,
)
from .translation_table import translation_table
from .warmup import WSD, InverseSqrt, Warmup, warmup_cosine

__version__ = "0.1.0"

#: Submodules loaded on first use (``lrsched.plot`` and ``lrsched.widgets`` import
#: matplotlib / ipywidgets, which the numerical core must not pull in).
_LAZY = ("plot", "widgets", "exercises", "network", "torch", "optax", "keras")
#: Names loaded on first use from the module that holds them (the framework adapters'
#: helpers import no framework; ``lrsched.torch`` etc. import theirs when first used).
_LAZY_NAMES = {
    "from_torch": "translate",
    "from_optax": "translate",
    "from_keras": "translate",
    "OneCycleMomentum": "momentum",
}


def __getattr__(name: str):
    if name in _LAZY or name in _LAZY_NAMES:
        import importlib

        if name in _LAZY:
            return importlib.import_module(f".{name}", __name__)
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'lrsched' has no attribute {name!r}")


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
    "evaluate_lr",
    "lr_values",
    "ReduceOnPlateau",
    "seed_chapter_schedules",
    # noisy SGD and its exact theory
    "simulate_quadratic",
    "simulate_quadratic_nd",
    "seed_chapter_run",
    "stability_limit",
    "SimResult",
    "SimResultND",
    "expected_loss",
    "expected_loss_parts",
    "expected_loss_nd",
    "noise_floor",
    "optimal_schedule",
    "optimal_expected_loss",
    "compare_schedules",
    "Comparison",
    # what else moves with the rate: averaging, momentum, batch size, curvature
    "averaging_weights",
    "expected_loss_averaged",
    "AveragedLoss",
    "effective_rate",
    "minibatch_sigma",
    "momentum_expected_loss",
    "momentum_noise_floor",
    "contraction_factors",
    "updates_to_shrink",
    "updates_to_floor",
    "best_constant_rate",
    # LR range test and the digits model
    "lr_sweep",
    "range_test",
    "divergence_index",
    "RangeTestResult",
    "suggest_steepest",
    "suggest_min_div10",
    "suggest_valley",
    "one_step_losses",
    "useful_range",
    "DigitsProblem",
    "clr_vs_fixed",
    # scikit-learn's SGD schedules
    "SklearnConstant",
    "SklearnInvScaling",
    "SklearnOptimal",
    "SklearnAdaptive",
    "sklearn_schedule",
    "sgd_regressor_numpy",
    "explain_optimal_blowup",
    "sample_rate_limit",
    "residual_factor",
    # library conventions
    "translation_table",
]
