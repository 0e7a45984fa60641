"""Mutants of the two plateau rules: scikit-learn's 'adaptive' rate and ReduceOnPlateau."""

from __future__ import annotations

from .core import PLATEAU_TESTS, SKLEARN_TESTS, _m

SKLEARN = [
    _m(
        "sk-plateau-nonstrict",
        "sklearn_schedules.py",
        "if threshold is not None and value > threshold:",
        "if threshold is not None and value >= threshold:",
        "adaptive: an epoch exactly at best - tol counts as no improvement",
        SKLEARN_TESTS,
    ),
    _m(
        "sk-plateau-legacy-unscaled",
        "sklearn_schedules.py",
        'best - (tol * n_samples if rule == "loss" else tol)',
        "best - tol",
        "adaptive, legacy rule: tol not scaled by the number of samples",
        SKLEARN_TESTS,
    ),
    _m(
        "sk-plateau-patience",
        "sklearn_schedules.py",
        "if count >= n_iter_no_change:",
        "if count > n_iter_no_change:",
        "adaptive: waits one epoch too many before dividing",
        SKLEARN_TESTS,
    ),
    _m(
        "sk-plateau-divisor",
        "sklearn_schedules.py",
        "eta, count = eta / 5.0, 0",
        "eta, count = eta / 10.0, 0",
        "adaptive divides by 10 instead of 5",
        SKLEARN_TESTS,
    ),
    _m(
        "sk-plateau-min-eta",
        "sklearn_schedules.py",
        "if adaptive and eta > ADAPTIVE_MIN_ETA:",
        "if adaptive and eta >= ADAPTIVE_MIN_ETA:",
        "adaptive divides once more at eta = 1e-6 instead of stopping",
        SKLEARN_TESTS,
    ),
    _m(
        "sk-plateau-best-last",
        "sklearn_schedules.py",
        "best = min(best, value)",
        "best = value",
        "adaptive compares with the last epoch instead of the best",
        SKLEARN_TESTS,
    ),
    _m(
        "sk-optimal-off-by-one",
        "sklearn_schedules.py",
        "return 1.0 / (self.alpha * x)",
        "return 1.0 / (self.alpha * (x + 1.0))",
        "'optimal' schedule one step late",
        SKLEARN_TESTS,
    ),
]

PLATEAU = [
    _m(
        "plateau-rel-nonstrict",
        "plateau.py",
        "return a < self.best * (1.0 - self.threshold)",
        "return a <= self.best * (1.0 - self.threshold)",
        "ReduceOnPlateau: a metric exactly at the threshold counts as an improvement",
        PLATEAU_TESTS,
    ),
    _m(
        "plateau-patience",
        "plateau.py",
        "if self.num_bad > self.patience:",
        "if self.num_bad >= self.patience:",
        "ReduceOnPlateau reduces one evaluation early",
        PLATEAU_TESTS,
    ),
    _m(
        "plateau-eps",
        "plateau.py",
        "if self.lr - new > self.eps:",
        "if self.lr - new > 0.0:",
        "ReduceOnPlateau ignores eps (tiny reductions applied)",
        PLATEAU_TESTS,
    ),
    _m(
        "plateau-no-cooldown",
        "plateau.py",
        "self.cooldown_counter = self.cooldown",
        "self.cooldown_counter = 0",
        "ReduceOnPlateau ignores cooldown",
        PLATEAU_TESTS,
    ),
    _m(
        "plateau-no-floor",
        "plateau.py",
        "new = max(self.lr * self.factor, self.lr_min)",
        "new = self.lr * self.factor",
        "ReduceOnPlateau goes below lr_min",
        PLATEAU_TESTS,
    ),
]
