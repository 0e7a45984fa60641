"""The two plateau rules at their boundaries: scikit-learn's ``'adaptive'`` rate and
PyTorch-style :class:`~lrsched.ReduceOnPlateau`.

The rules are restated from their sources (scikit-learn ``_plain_sgd``: count an epoch
when ``objective > best - tol``, keep ``best = min``, divide by 5 while ``eta > 1e-6``,
else stop; PyTorch ``ReduceLROnPlateau``: improve when ``a < best * (1 - threshold)``,
reduce only if ``old - new > eps``), with values exact in binary so ties are exact.
"""

from __future__ import annotations

import pytest

import lrsched as ls
from lrsched.sklearn_schedules import SklearnAdaptive


def test_adaptive_stops_instead_of_dividing_once_eta_is_down_to_1e_6():
    a = SklearnAdaptive(1e-6, tol=0.25, n_iter_no_change=1, rule="objective")
    assert a.end_epoch(1.0) is False
    assert a.end_epoch(1.0) is True  # a plateau at eta = 1e-6 exactly: stop, no division
    assert a.eta == 1e-6
    b = SklearnAdaptive(5e-6, tol=0.25, n_iter_no_change=1, rule="objective")
    b.end_epoch(1.0)
    assert b.end_epoch(1.0) is False and b.eta == pytest.approx(1e-6)  # 5e-6 > 1e-6: divide


def test_adaptive_compares_with_the_best_epoch_not_the_last():
    # tol 0.25, best 1.0: the epoch 2.0 is a plateau (count 1); 1.5 > 1.0 - 0.25 is one
    # too (count 2 -> divide), though it improves on the previous epoch by 0.5
    a = SklearnAdaptive(1.0, tol=0.25, n_iter_no_change=2, rule="objective")
    a.end_epoch(1.0)
    a.end_epoch(2.0)
    assert a.no_improvement_count == 1 and a.best == 1.0
    a.end_epoch(1.5)
    assert a.eta == 0.2 and a.best == 1.0


def test_reduce_on_plateau_needs_a_strict_relative_improvement():
    # threshold 0.5: after best 1.0 a metric must be below 0.5; exactly 0.5 is no improvement
    p = ls.ReduceOnPlateau(1.0, factor=0.5, patience=0, threshold=0.5)
    assert p.step(1.0) == 1.0
    assert p.step(0.5) == 0.5  # not an improvement, patience 0: halve
    q = ls.ReduceOnPlateau(1.0, factor=0.5, patience=0, threshold=0.5)
    q.step(1.0)
    assert q.step(0.25) == 1.0  # an improvement: unchanged


def test_reduce_on_plateau_skips_changes_not_larger_than_eps():
    p = ls.ReduceOnPlateau(1e-8, factor=0.5, patience=0)  # change 5e-9 <= eps = 1e-8
    assert [p.step(1.0) for _ in range(3)] == [1e-8] * 3
    q = ls.ReduceOnPlateau(2.0, factor=0.5, patience=0, eps=1.0)  # change exactly eps
    assert [q.step(1.0) for _ in range(2)] == [2.0, 2.0]
    r = ls.ReduceOnPlateau(2.0, factor=0.5, patience=0, eps=0.5)  # change 1.0 > 0.5
    assert [r.step(1.0) for _ in range(2)] == [2.0, 1.0]
