"""Schedules as plain data (used by the Keras and PyTorch adapters) and as lookup tables."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lrsched as ls
from lrsched.lookup import extent, lookup_table
from lrsched.schedule_config import schedule_from_config, schedule_to_config

from .adapter_cases import families

FAMILIES = families()
DATA = {k: v for k, v in FAMILIES.items() if k != "from_callable"}


@pytest.mark.parametrize("name", sorted(DATA))
def test_round_trip_through_json_gives_the_same_schedule(name):
    s = DATA[name]
    back = schedule_from_config(json.loads(json.dumps(schedule_to_config(s))))
    assert type(back) is type(s) and repr(back) == repr(s)
    t = np.arange(200)
    np.testing.assert_array_equal(back(t), s(t))


def test_round_trip_of_one_cycle_momentum():
    m = ls.OneCycleMomentum(50, 0.25, "linear", 0.8, 0.9, three_phase=True)
    back = schedule_from_config(schedule_to_config(m))
    assert repr(back) == repr(m)
    np.testing.assert_array_equal(back.values(60), m.values(60))


def test_what_cannot_be_data_is_refused():
    with pytest.raises(TypeError, match="FromCallable"):
        schedule_to_config(ls.FromCallable(lambda t: 0.1))
    with pytest.raises(TypeError, match="FromCallable"):
        schedule_to_config(ls.Warmup(lambda t: 0.1 + 0 * t, 3))
    with pytest.raises(TypeError, match="schedule"):
        schedule_to_config("Cosine")
    with pytest.raises(ValueError, match="unknown"):
        schedule_from_config({"class": "os.system", "params": {}})
    with pytest.raises(TypeError, match="config"):
        schedule_from_config({"class": "Cosine"})
    with pytest.raises(ValueError, match="T"):
        schedule_from_config({"class": "Cosine", "params": {"lr0": 0.1, "T": -1}})


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_lookup_table_reads_equal_the_schedule_far_past_its_end(name):
    s = FAMILIES[name]
    table = lookup_table(s, horizon=30)
    n = table.size
    t = np.concatenate([np.arange(min(6 * n + 50, 3 * 2**14)), [10**6, 2**40 + 3]])
    np.testing.assert_allclose(table.read(t), s(t), rtol=1e-12, atol=1e-15)
    assert table.read(np.array([-5]))[0] == s(0)


def test_extent_of_each_kind():
    assert extent(ls.Cosine(0.1, 10)) == ("clamp", 11)
    assert extent(ls.Cosine(0.1, 10, after="mirror")) == ("periodic", 20)
    assert extent(ls.OneCycle(0.1, 10)) == ("clamp", 10)
    assert extent(ls.MultiStep(0.1, [3, 7])) == ("clamp", 8)
    assert extent(ls.Cyclic(0.01, 0.1, 3, 5)) == ("periodic", 8)
    assert extent(ls.warmup_cosine(0.1, 20, 5)) == ("clamp", 21)
    assert extent(ls.Sequence([ls.Constant(0.1), ls.Polynomial(0.1, 4)], [3])) == ("clamp", 8)
    assert extent(ls.Exponential(0.1, gamma=0.9)) == ("geometric", 2**14)
    assert extent(ls.StepDecay(0.1, 7)) == ("geometric", 7 * (2**14 // 7))
    for s in (ls.InverseTime(0.1, 0.5), ls.SGDR(0.1, 4, 2), ls.InverseSqrt(0.1, 5)):
        assert extent(s) is None
    assert lookup_table(ls.InverseTime(0.1, 0.5)).kind == "open"
    assert lookup_table(ls.StepDecay(0.1, 10**7)).kind == "open"  # longer than MAX_TABLE
    with pytest.raises(ValueError, match="horizon"):
        lookup_table(ls.InverseTime(0.1, 0.5), horizon=0)
    with pytest.raises(ValueError, match="max_size"):
        lookup_table(ls.Cosine(0.1, 10), max_size=0)
