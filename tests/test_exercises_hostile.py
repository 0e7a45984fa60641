"""Hostile learner code against the exercise checkers: any BaseException, returned objects
whose conversion raises or lies, and code that switches off the time limit all give
feedback — never a traceback or a hang — and touching the time limit is never accepted."""

from __future__ import annotations

import signal
import threading
import time

import numpy as np
import pytest

from lrsched import exercises as ex
from tests.test_exercises import Q4, five, one_step_ref, read_ref, sgdr_ref

# --- hostile learner code ----------------------------------------------------------------------


class Stop(BaseException):
    """A learner's own BaseException subclass."""


def _raiser(exc):
    def fn(*args, **kwargs):
        raise exc

    return fn


@pytest.mark.parametrize(
    ("exc", "phrase"),
    [
        (SystemExit(0), "sys.exit"),
        (SystemExit("bye"), "sys.exit"),
        (KeyboardInterrupt(), "KeyboardInterrupt"),
        (GeneratorExit(), "GeneratorExit"),
        (Stop("halt"), "Stop"),
        (RecursionError(), "RecursionError"),
        (MemoryError(), "MemoryError"),
    ],
)
def test_any_base_exception_becomes_feedback(exc, phrase, capsys):
    checks = [
        lambda f: ex.check_sgdr(f),
        lambda f: ex.check_run_sgd(f, n_seeds=20),
        lambda f: ex.check_schedules(f),
        lambda f: ex.check_schedules({**five(), "x": f}),
        lambda f: ex.check_range_test(f, read_ref),
        lambda f: ex.check_range_test(one_step_ref, f),
        lambda f: ex.check_cosine_midpoint(f),
    ]
    for check in checks:
        fb = check(_raiser(exc))
        assert isinstance(fb, ex.Feedback) and fb.status == "error", str(fb)
        assert phrase in fb.message, fb.message
    assert ex.attempt(_raiser(exc)) is None
    assert ex.learner_values(_raiser(exc), range(3)) is None
    assert capsys.readouterr().out.count(phrase) >= 2


class LyingFloat(float):
    """Claims to equal everything, and refuses to be converted."""

    def __float__(self):
        raise RuntimeError("no float for you")

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__

    def __lt__(self, other):
        raise RuntimeError("no comparison")

    def __bool__(self):
        raise RuntimeError("no truth")

    def __repr__(self):
        raise RuntimeError("no repr")


class LyingInt(int):
    def __index__(self):
        raise RuntimeError("no index")

    def __int__(self):
        raise RuntimeError("no int")

    def __float__(self):
        raise RuntimeError("no float")


class Opaque:
    def __float__(self):
        raise RuntimeError("no float")

    def __repr__(self):
        raise RuntimeError("no repr")

    def __eq__(self, other):
        raise RuntimeError("no eq")


def test_returned_values_are_read_without_running_their_methods():
    # a float subclass is read as the number it stores: right if that number is right ...
    assert ex.check_cosine_midpoint(LyingFloat(Q4)).passed
    # ... and wrong if not, whatever its __eq__ and __float__ claim
    fb = ex.check_cosine_midpoint(LyingFloat(0.07))
    assert fb.status == "wrong" and "0.07" in fb.message
    assert not ex.check_sgdr(lambda t, **kw: LyingFloat(0.5)).passed
    assert ex.check_sgdr(lambda t, **kw: LyingFloat(sgdr_ref(t, **kw))).passed
    fb = ex.check_cosine_midpoint(LyingInt(0))
    assert fb.status == "wrong" and "t = T = 100" in fb.message
    for value in (
        Opaque(),
        np.array([Opaque()], dtype=object),
        np.array(Q4, dtype=object),
        1 + 0j,
        10**400,
    ):
        fb = ex.check_cosine_midpoint(value)
        assert fb.status == "wrong", str(fb)
    fb = ex.check_cosine_midpoint(Opaque())
    assert "<Opaque object>" in fb.message
    fb = ex.check_range_test(one_step_ref, (LyingFloat(0.03), LyingFloat(0.9)))
    assert fb.passed, str(fb)
    fb = ex.check_range_test(one_step_ref, (Opaque(), Opaque()))
    assert fb.status == "wrong"

    # objects whose iteration or mapping access raises
    class BadMapping(dict):
        def items(self):
            raise SystemExit

    assert ex.check_schedules(BadMapping(five())).passed  # read as the dict it stores

    class BadIter:
        def __iter__(self):
            raise KeyboardInterrupt

    assert ex.check_range_test(one_step_ref, BadIter()).status == "wrong"
    fb = ex.check_range_test(BadIter(), read_ref)
    assert fb.status == "error" and "KeyboardInterrupt" in fb.message


def test_exceptions_whose_text_raises_are_still_reported():
    class Nasty(Exception):
        def __str__(self):
            raise SystemExit("no str")

    fb = ex.check_sgdr(_raiser(Nasty()))
    assert fb.status == "error" and "Nasty" in fb.message


# -- the time limit


@pytest.fixture
def alarm_untouched():
    """The check gives back the SIGALRM handler, timer and mask it found."""
    before = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def _spin(*args, **kwargs):
    while True:
        pass


def _disarm_then(action):
    def fn(*args, **kwargs):
        action()
        while True:
            pass

    return fn


def _sleep_forever(*args, **kwargs):
    time.sleep(1000)


TAMPERING = [
    ("setitimer(0)", lambda: signal.setitimer(signal.ITIMER_REAL, 0), "alarm timer"),
    ("alarm(0)", lambda: signal.alarm(0), "alarm timer"),
    ("new handler", lambda: signal.signal(signal.SIGALRM, lambda *a: None), "SIGALRM handler"),
    ("ignored", lambda: signal.signal(signal.SIGALRM, signal.SIG_IGN), "SIGALRM handler"),
    ("longer timer", lambda: signal.setitimer(signal.ITIMER_REAL, 1000), "alarm timer"),
    ("shorter timer", lambda: signal.setitimer(signal.ITIMER_REAL, 0.01), "alarm timer"),
    (
        "blocked",
        lambda: signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}),
        "SIGALRM",
    ),
]


@pytest.mark.parametrize(("label", "action", "phrase"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_a_disabled_time_limit_still_stops_the_code_and_is_reported(
    label, action, phrase, alarm_untouched
):
    start = time.monotonic()
    fb = ex.check_sgdr(_disarm_then(action), time_limit=0.3)
    elapsed = time.monotonic() - start
    assert fb.status == "error" and phrase in fb.message and "not accepted" in fb.message, str(fb)
    assert elapsed < 5.0, elapsed


@pytest.mark.parametrize(("label", "action", "phrase"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_touching_the_time_limit_fails_even_with_a_right_answer(
    label, action, phrase, alarm_untouched
):
    def sneaky(t, T0=10, alpha0=0.1, alpha_min=1e-4):
        action()
        return sgdr_ref(t, T0, alpha0, alpha_min)

    fb = ex.check_sgdr(sneaky, time_limit=2.0)
    assert fb.status == "error" and phrase in fb.message, str(fb)


def test_hanging_code_is_stopped_in_every_form(alarm_untouched):
    for fn in (_spin, _sleep_forever):
        start = time.monotonic()
        fb = ex.check_sgdr(fn, time_limit=0.3)
        assert fb.status == "error" and "did not finish" in fb.message, str(fb)
        assert time.monotonic() - start < 3.0

    def swallow(*args, **kwargs):  # catches the first interruptions, then gives up
        caught = 0
        while caught < 3:
            try:
                while True:
                    pass
            except BaseException:  # noqa: BLE001 - the attack under test
                caught += 1
        return sgdr_ref(args[0])

    fb = ex.check_sgdr(swallow, time_limit=0.3)
    assert fb.status == "error" and "did not finish" in fb.message, str(fb)

    def ignore_and_sleep(*args, **kwargs):  # blocking call with SIGALRM ignored: SIGINT layer
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        time.sleep(1000)

    start = time.monotonic()
    fb = ex.check_sgdr(ignore_and_sleep, time_limit=0.3)
    assert fb.status == "error" and "SIGALRM handler" in fb.message, str(fb)
    assert time.monotonic() - start < 5.0


def test_no_interruption_escapes_after_a_stopped_check():
    for _ in range(5):
        assert (
            ex.check_sgdr(
                _disarm_then(lambda: signal.setitimer(signal.ITIMER_REAL, 0)), time_limit=0.1
            ).status
            == "error"
        )
        assert ex.check_sgdr(_spin, time_limit=0.1).status == "error"
    deadline = time.monotonic() + 0.5
    n = 0
    while time.monotonic() < deadline:  # a stray TimeLimitExceeded would land here
        n += 1
    assert n > 0 and threading.active_count() < 50


def test_helpers_for_plot_cells_are_time_limited(capsys, monkeypatch):
    monkeypatch.setattr(ex, "DEFAULT_TIME_LIMIT", 0.2)
    start = time.monotonic()
    assert ex.attempt(_disarm_then(lambda: signal.alarm(0))) is None
    assert time.monotonic() - start < 5.0
    assert "not accepted" in capsys.readouterr().out


def test_a_check_outside_the_main_thread_is_still_time_limited():
    # no signals there: the watchdog's asynchronous exception alone stops the loop
    out = {}
    worker = threading.Thread(target=lambda: out.update(fb=ex.check_sgdr(_spin, time_limit=0.3)))
    worker.start()
    worker.join(10.0)
    assert not worker.is_alive()
    assert out["fb"].status == "error" and "did not finish" in out["fb"].message
    assert ex.check_sgdr(sgdr_ref).passed


def test_helpers_never_look_up_attributes_on_learner_objects(capsys):
    class Hostile:
        def __getattr__(self, name):
            raise SystemExit("no attributes")

        def __call__(self, *args, **kwargs):
            raise SystemExit("no calls")

    assert ex.attempt(Hostile()) is None
    assert ex.learner_values(Hostile(), range(3)) is None
    assert ex.compare_over_seeds(Hostile(), five, n_seeds=2) is None
    assert ex.check_sgdr(Hostile()).status == "error"
    out = capsys.readouterr().out
    assert out.count("your function called sys.exit()") == 2 and "run_sgd called sys.exit()" in out
