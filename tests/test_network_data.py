"""Label noise on the digits training split: exact count, seeded, held-out set untouched."""

from __future__ import annotations

import numpy as np
import pytest

from lrsched.network import digits_data
from lrsched.network.data import noisy_labels

NAN = float("nan")


@pytest.fixture(scope="module")
def clean():
    return digits_data(0)


@pytest.mark.parametrize("f", [0.05, 0.1, 0.2, 0.5])
def test_exactly_round_f_n_training_labels_change(clean, f):
    noisy = digits_data(0, label_noise=f)
    changed = noisy.y_train != clean.y_train
    # every replaced label is drawn from the other K - 1 classes, so the count of labels
    # that differ is exactly the count replaced: round(f * n)
    assert int(changed.sum()) == round(f * clean.n_train)
    assert noisy.y_train.min() >= 0 and noisy.y_train.max() <= 9
    assert noisy.y_train.dtype == np.int64 and not noisy.y_train.flags.writeable
    # the held-out split and every feature are the clean ones
    np.testing.assert_array_equal(noisy.y_test, clean.y_test)
    np.testing.assert_array_equal(noisy.X_test, clean.X_test)
    np.testing.assert_array_equal(noisy.X_train, clean.X_train)


def test_label_noise_zero_is_the_clean_split(clean):
    d = digits_data(0, label_noise=0.0)
    np.testing.assert_array_equal(d.y_train, clean.y_train)
    np.testing.assert_array_equal(d.y_test, clean.y_test)


def test_label_noise_is_seeded_and_deterministic(clean):
    a = digits_data(0, label_noise=0.2)
    b = digits_data(0, label_noise=0.2)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    # the same seed gives the same labels as the documented generator, recomputed here
    y = clean.y_train
    rng = np.random.default_rng([0, 4])
    m = round(0.2 * y.size)
    idx = rng.choice(y.size, size=m, replace=False)
    expect = y.copy()
    expect[idx] = (y[idx] + rng.integers(1, 10, size=m)) % 10
    np.testing.assert_array_equal(a.y_train, expect)
    # another seed flips another subset
    other = noisy_labels(y, 0.2, 10, 1)
    assert not np.array_equal(other != y, a.y_train != y)
    assert int((other != y).sum()) == m


def test_noise_rounds_half_counts_and_covers_the_ends():
    y = np.arange(10) % 3
    assert int((noisy_labels(y, 0.25, 3, 0) != y).sum()) == 2  # round(2.5) = 2 (to even)
    assert int((noisy_labels(y, 0.35, 3, 0) != y).sum()) == 4  # round(3.5) = 4
    np.testing.assert_array_equal(noisy_labels(y, 0.0, 3, 0), y)
    assert np.all(noisy_labels(y, 1.0, 3, 5) != y)
    two = np.array([0, 1, 1, 0])
    np.testing.assert_array_equal(noisy_labels(two, 1.0, 2, 0), 1 - two)  # K = 2: the other


@pytest.mark.parametrize(("args", "exc", "name"), [
    ((np.zeros(3, int), NAN, 10, 0), ValueError, "fraction"),
    ((np.zeros(3, int), 1.5, 10, 0), ValueError, "fraction"),
    ((np.zeros(3, int), "0.1", 10, 0), TypeError, "fraction"),
    ((np.zeros(3, int), 0.1, 1, 0), ValueError, "n_classes"),
    ((np.zeros(3, int), 0.1, 10, -1), ValueError, "seed"),
    ((np.zeros(3, int), 0.1, 10, 2**63), ValueError, "seed"),
    ((np.zeros((2, 2), int), 0.1, 10, 0), ValueError, "y"),
    ((np.zeros(0, int), 0.1, 10, 0), ValueError, "y"),
    ((np.zeros(3), 0.1, 10, 0), TypeError, "y"),
    ((np.array(["a", "b"]), 0.1, 10, 0), TypeError, "y"),
    ((np.array([0, 10]), 0.1, 10, 0), ValueError, "y"),
])
def test_noisy_labels_checks(args, exc, name):
    with pytest.raises(exc, match=name):
        noisy_labels(*args)


@pytest.mark.parametrize(("value", "exc"), [(1.0, ValueError), (-0.1, ValueError),
                                            (NAN, ValueError), (1e308, ValueError),
                                            (True, TypeError), ("0.2", TypeError)])
def test_digits_label_noise_checks(value, exc):
    with pytest.raises(exc, match="label_noise"):
        digits_data(0, label_noise=value)
