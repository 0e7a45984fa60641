"""The law behind check_run_sgd: deterministic mistakes are caught exactly without
noise, whatever the sample size; the thresholds (5 standard errors on the mean, 7 on
the variance) and the noise-free tolerance are pinned by answers placed just inside and
just outside them; fakes that never run SGD are rejected far from the edge.

The exact law of the final loss (μ + sZ)² is computed here from the written-out
recursions, not with lrsched."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lrsched import exercises as ex
from tests.test_exercises import (
    run_extra_step,
    run_fake_but_exact_without_noise,
    run_fake_chisquare,
    run_first_rate,
    run_half_gradient,
    run_hardcoded_sigma,
    run_ignores_theta0,
    run_loss_before_last,
    run_off_by_one,
    run_ref,
    run_returns_theta,
    run_uphill,
)


def _exact_law(schedule, T, sigma, theta0):
    """Mean, variance and fourth cumulant of (μ + sZ)², by the written-out recursions."""
    mu, w = theta0 - 3.0, 0.0
    for t in range(T):
        a = schedule(t)
        mu *= 1 - 2 * a
        w = (1 - 2 * a) ** 2 * w + a * a * sigma * sigma
    b = mu * mu
    return b + w, 2 * w * w + 4 * b * w, 48 * w**4 + 192 * b * w**3


def _pinned(n, *, z_mean=None, z_var=None, T=150):
    """run_ref, with the noisy runs moved so that the checker's mean (or variance) test
    statistic lands exactly on ``z_mean`` (or ``z_var``)."""
    cache = {}

    def run(schedule, seed, T=T, sigma=0.3, theta0=0.0):
        base = run_ref(schedule, seed, T, sigma, theta0)
        if sigma == 0:
            return base
        key = (tuple(schedule(t) for t in range(T)), sigma, theta0)
        if key not in cache:
            mean, var, k4 = _exact_law(schedule, T, sigma, theta0)
            runs = np.array([run_ref(schedule, k, T, sigma, theta0) for k in range(n)])
            m = float(runs.mean())
            if z_mean is not None:
                cache[key] = (m, 1.0, mean + z_mean * math.sqrt(var / n) - m)
            elif theta0 != 0.0:  # the high-bias probe, the one whose variance is tested
                target = var + z_var * math.sqrt(k4 / n + 2 * var * var / (n - 1))
                cache[key] = (m, math.sqrt(target / float(runs.var(ddof=1))), 0.0)
            else:
                cache[key] = (m, 1.0, 0.0)
        m, scale, shift = cache[key]
        return m + scale * (base - m) + shift

    return run


def test_check_run_sgd_mean_threshold_is_five_standard_errors():
    assert ex.Z_MEAN == 5.0
    assert ex.check_run_sgd(_pinned(300, z_mean=4.99), n_seeds=300).passed
    fb = ex.check_run_sgd(_pinned(300, z_mean=5.01), n_seeds=300)
    assert fb.status == "wrong" and "+5.0 standard errors" in fb.message, str(fb)


def test_check_run_sgd_variance_threshold_is_seven_standard_errors():
    assert ex.Z_VAR == 7.0
    assert ex.check_run_sgd(_pinned(300, z_var=-6.99), n_seeds=300).passed
    fb = ex.check_run_sgd(_pinned(300, z_var=-7.01), n_seeds=300)
    assert fb.status == "wrong" and "-7.0 standard errors" in fb.message and "spread" in fb.message


def test_check_run_sgd_rejects_bad_instructor_parameters():
    for kw in ({"sigma": 0.0}, {"T": 1}, {"n_seeds": 5}, {"sigma": math.nan}):
        with pytest.raises(ValueError, match="sigma > 0"):
            ex.check_run_sgd(run_ref, **kw)


DETERMINISTIC_MISTAKES = [
    run_off_by_one,
    run_first_rate,
    run_ignores_theta0,
    run_extra_step,
    run_loss_before_last,
    run_half_gradient,
    run_uphill,
    run_returns_theta,
    run_hardcoded_sigma,
    run_fake_chisquare,
]


@pytest.mark.parametrize("fn", DETERMINISTIC_MISTAKES)
def test_deterministic_mistakes_are_caught_without_noise_whatever_the_sample_size(fn):
    for T in (150, 60):
        fb = ex.check_run_sgd(fn, T=T, n_seeds=20)
        assert fb.status == "wrong" and "sigma=0" in fb.message, str(fb)


def test_check_run_sgd_noise_free_tolerance_is_relative_1e7():
    def scaled(k):
        def run(schedule, seed, T=150, sigma=0.3, theta0=0.0):
            return run_ref(schedule, seed, T, sigma, theta0) * k

        return run

    assert ex.check_run_sgd(scaled(1 + 1e-8), n_seeds=100).passed
    fb = ex.check_run_sgd(scaled(1 + 1e-6), n_seeds=100)
    assert fb.status == "wrong" and "sigma=0" in fb.message


@pytest.mark.parametrize("kw", [{}, {"T": 60, "n_seeds": 300}])
def test_fakes_that_never_run_sgd_fail_at_the_checked_sizes(kw):
    fb = ex.check_run_sgd(run_fake_but_exact_without_noise, **kw)
    assert fb.status == "wrong" and "spread" in fb.message, str(fb)
    # the fake's variance, 2(μ² + s²)², is far outside the limit, not at its edge
    z = float(re.search(r"\(([+-][0-9.]+) standard errors", fb.message).group(1))
    assert z > 20, fb.message
