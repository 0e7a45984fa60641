r"""What every exercise checker shares: the feedback, the time limit, and safe calls.

Learner code is never trusted to behave. :func:`_call` runs it and turns *any*
``BaseException`` it raises (``SystemExit`` from ``sys.exit``, ``KeyboardInterrupt``,
``GeneratorExit``, custom subclasses) into a :class:`_LearnerError`, which the checker
turns into :class:`Feedback`. :func:`_real` reads a returned number without running
any method the learner's class may override (see its docstring). :class:`_Guard`
enforces the time limit with three independent layers, so learner code that switches
off one of them is still stopped:

1. an interval timer (``signal.setitimer``) whose ``SIGALRM`` handler raises
   :class:`TimeLimitExceeded` -- this also interrupts blocking system calls;
2. a watchdog thread that, from the deadline on and while learner code runs, raises
   :class:`TimeLimitExceeded` in the checking thread every 0.1 s through
   ``PyThreadState_SetAsyncExc`` (no signal handler involved), and re-sends
   ``SIGALRM`` to that thread while the handler is still ours;
3. if the learner replaced the ``SIGALRM`` handler and is blocked in a system call,
   the watchdog sends ``SIGINT`` (while its handler is Python's default, which raises
   ``KeyboardInterrupt``).

After every call of learner code the guard checks that the handler, the timer and
the signal mask are still its own; if not, the check stops with feedback that says
what was changed, and the answer is not accepted.

What cannot be stopped from inside the process: ``os._exit`` (the process ends at
once, no Python code runs), and code that both ignores ``SIGALRM`` and ``SIGINT`` and
blocks in a system call, or catches ``BaseException`` in a loop forever. A graded
run is protected from those by the kernel's own time limit (nbgrader's
``ExecutePreprocessor.timeout``), not by this module.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULT_TIME_LIMIT = 10.0

try:  # CPython: raise an exception in another thread, whatever its signal handlers
    import ctypes

    _SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc
except (ImportError, AttributeError):  # pragma: no cover - other interpreters
    _SET_ASYNC_EXC = None

# numpy's own real scalar types: their float() is numpy's C code, not the learner's
_NP_REAL_TYPES = frozenset(np.dtype(code).type for code in "efdgbhilqBHILQ")


class TimeLimitExceeded(BaseException):
    """Raised inside learner code when a check's time limit runs out.

    A ``BaseException`` (like ``KeyboardInterrupt``), so a learner's
    ``except Exception`` does not swallow it.
    """


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: ``status`` is ``"passed"``, ``"not implemented"``,
    ``"wrong"`` or ``"error"``; ``message`` is what the learner reads."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when the answer is right."""
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = {"passed": "✔", "not implemented": "…"}.get(self.status, "✘")
        return f"{mark} {self.exercise}: {self.message}"

    def __repr__(self) -> str:
        return str(self)


class _LearnerError(Exception):
    """Learner code failed or gave a wrong answer; ``status`` and ``message`` say how."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _wrong(message: str) -> _LearnerError:
    return _LearnerError("wrong", message)


def _first_difference(label: str, got: Any, want: Any, ok: Any, hint: str) -> _LearnerError:
    """A wrong schedule: where it first differs (``ok`` is False), expected against got."""
    bad = int(np.flatnonzero(~ok)[0])
    return _wrong(
        f"{label}first difference at t={bad}: expected {_fmt(want[bad])}, got "
        f"{_fmt(got[bad])}. Hint: {hint}."
    )


def _not_implemented(what: str) -> _LearnerError:
    return _LearnerError(
        "not implemented",
        f"not implemented yet — {what} still raises NotImplementedError. "
        "Replace the placeholder with your code and run this cell again.",
    )


def _graded() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _finish(fb: Feedback, strict: bool | None) -> Feedback:
    """Return the feedback; raise it as an AssertionError when grading (or ``strict``)."""
    if (_graded() if strict is None else strict) and not fb.passed:
        raise AssertionError(str(fb))
    return fb


def _fmt(x: float) -> str:
    return f"{x:.6g}"


# ----------------------------------------------------------------------------- the time limit

_ACTIVE: list[_Guard] = []


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    if _SET_ASYNC_EXC is not None:
        _SET_ASYNC_EXC(ctypes.c_ulong(thread_id), None if exc is None else ctypes.py_object(exc))


_CALLBACK_FILES = ("_weakrefset.py", "weakref.py")


def _in_callback(frame: Any) -> bool:
    """Whether ``frame`` runs a weak-reference callback, where CPython prints and drops
    any exception raised (so interrupting there would not stop anything)."""
    return frame is not None and frame.f_code.co_filename.endswith(_CALLBACK_FILES)


class _Guard:
    """The time limit of one check (see the module notes): ``with _Guard(seconds): ...``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.fired = False
        self.rang = False  # our SIGALRM handler ran
        self._kicks = 0  # SIGALRMs sent by the watchdog itself
        self._injected = False  # the watchdog has sent an asynchronous exception
        self.tamper: str | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread_id = threading.get_ident()
        self._signals = (
            hasattr(signal, "setitimer")
            and hasattr(signal, "pthread_kill")
            and threading.current_thread() is threading.main_thread()
        )
        self._handler = self._on_alarm
        self._deadline = math.inf
        self._watchdog: threading.Thread | None = None

    # -- set-up and tear-down (main thread) --------------------------------------------------

    def __enter__(self) -> _Guard:
        self._start = time.monotonic()
        self._deadline = self._start + self.seconds
        if self._signals:
            self._old_alarm = signal.getsignal(signal.SIGALRM)
            self._old_int = signal.getsignal(signal.SIGINT)
            self._old_timer = signal.getitimer(signal.ITIMER_REAL)
            self._old_mask = (
                signal.pthread_sigmask(signal.SIG_BLOCK, [])
                if hasattr(signal, "pthread_sigmask")
                else None
            )
            signal.signal(signal.SIGALRM, self._handler)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        if _SET_ASYNC_EXC is not None or self._signals:
            self._watchdog = threading.Thread(target=self._watch, daemon=True, name="lrsched-check")
            self._watchdog.start()
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc_info: Any) -> bool:
        # A TimeLimitExceeded delivered while shutting down is absorbed and retried: once
        # ``_closed`` is set (under the lock the watchdog takes) nothing more is sent, and
        # the last pending asynchronous exception is cleared.
        while True:
            try:
                self._shutdown()
                break
            except TimeLimitExceeded:
                self.fired = True
        return False

    def _shutdown(self) -> None:
        with self._lock:
            if not self._closed and self._signals:
                self._inspect()  # a last look: was the time limit tampered with?
            self._closed = True
        self._stop.set()
        _async_raise(self._thread_id, None)
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if self._signals:
            signal.setitimer(signal.ITIMER_REAL, 0)
            old = self._old_alarm if self._old_alarm is not None else signal.SIG_DFL
            signal.signal(signal.SIGALRM, old)
            if self._old_int is not None and signal.getsignal(signal.SIGINT) is not self._old_int:
                signal.signal(signal.SIGINT, self._old_int)
            if self._old_mask is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, self._old_mask)
            value, interval = self._old_timer
            if value > 0:  # someone else's timer was running: give it back what is left
                left = value - (time.monotonic() - self._start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), interval)
        if self._watchdog is not None:
            self._watchdog.join(1.0)

    # -- the layers -------------------------------------------------------------------------------

    def _on_alarm(self, signum: int, frame: Any) -> None:  # noqa: ARG002 - handler signature
        self.rang = True
        if self._closed:
            return
        if time.monotonic() < self._deadline - 0.05 and self.tamper is None:
            self.tamper = "re-armed the alarm timer (signal.setitimer or signal.alarm)"
        self.fired = True
        if _in_callback(frame):
            return  # raised there it would be "ignored"; the watchdog stops the code instead
        raise TimeLimitExceeded

    def _watch(self) -> None:
        # Until the deadline: look every 0.1 s whether the handler and the timer are still
        # ours (from this thread, so it works while learner code loops or blocks).
        while True:
            left = self._deadline - time.monotonic()
            if left <= 0.0:
                break
            if self._stop.wait(min(0.1, left)):
                return
            with self._lock:
                if self._closed:
                    return
                self._inspect(in_main=False)
        if self._stop.wait(0.05):
            return
        ticks = 0
        while True:
            with self._lock:
                if self._closed:
                    return
                # Past the deadline: interrupt whatever runs (learner code, or the check
                # between two calls of it); _run turns it into "did not finish".
                self.fired = True
                if not _in_callback(sys._current_frames().get(self._thread_id)):
                    self._injected = True
                    _async_raise(self._thread_id, TimeLimitExceeded)
                if self._signals:
                    self._kick(ticks)
            ticks += 1
            if self._stop.wait(0.1):
                return

    def _kick(self, ticks: int) -> None:
        """Wake the checking thread from a blocking system call."""
        try:
            if ticks >= 1 and signal.getsignal(signal.SIGALRM) is self._handler:
                self._kicks += 1
                signal.pthread_kill(self._thread_id, signal.SIGALRM)
            elif ticks >= 5 and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                signal.pthread_kill(self._thread_id, signal.SIGINT)
        except (OSError, ValueError):  # pragma: no cover - the thread is gone
            pass

    # -- around each call of learner code --------------------------------------------------------

    def enter(self) -> None:
        """Refuse to start more learner code once the time is up."""
        if self.fired or time.monotonic() > self._deadline:
            self.fired = True
            raise TimeLimitExceeded

    def _inspect(self, in_main: bool = True) -> None:
        """Record in ``tamper`` whether learner code changed the handler, timer or mask.

        Ours runs down with the clock: until the deadline the timer shows what is left,
        to within scheduling noise. The signal mask is per thread, so it is only read
        from the checking thread.
        """
        if not self._signals or self.tamper is not None:
            return
        if signal.getsignal(signal.SIGALRM) is not self._handler:
            self.tamper = "replaced the SIGALRM handler (signal.signal)"
            return
        if (
            in_main
            and hasattr(signal, "pthread_sigmask")
            and signal.SIGALRM in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        ):
            self.tamper = "blocked SIGALRM (signal.pthread_sigmask)"
            return
        left = self._deadline - time.monotonic()
        value, interval = signal.getitimer(signal.ITIMER_REAL)
        # After the deadline: CPython runs a pending signal handler before it raises an
        # asynchronous exception, so if the watchdog sent one (50 ms after the deadline)
        # before any SIGALRM of its own and our handler never ran, no alarm rang.
        silent = in_main and self._injected and not self.rang and self._kicks == 0

        if interval != 0.0 or (left > 0.05 and abs(value - left) > 0.05) or silent:
            self.tamper = "changed the alarm timer (signal.setitimer or signal.alarm)"

    def check_intact(self) -> None:
        """Stop the check with feedback if learner code tampered with the time limit."""
        self._inspect()
        if self.tamper is not None:
            raise _tamper_error(self.tamper)


def _tamper_error(what: str) -> _LearnerError:
    return _LearnerError(
        "error",
        f"your code {what}, which switches off the check's time limit; the answer is not "
        "accepted. Remove the signal and alarm calls from your code and run the check again.",
    )


def _timeout_feedback(exercise: str, seconds: float, tamper: str | None) -> Feedback:
    if tamper is not None:
        return Feedback(exercise, "error", _tamper_error(tamper).message)
    return Feedback(
        exercise,
        "error",
        f"stopped after {seconds:g} s: your code did not finish. "
        "Look for a loop whose condition never becomes false.",
    )


# ----------------------------------------------------------------------------- learner calls


def _guard() -> _Guard | None:
    return _ACTIVE[-1] if _ACTIVE else None


def _type_name(obj: Any) -> str:
    name = type.__dict__["__name__"].__get__(type(obj))  # not a metaclass's override
    return name if type(name) is str else "object"


def _safe_text(obj: Any, limit: int = 80, *, use_str: bool = False) -> str:
    """``repr`` (or ``str``) of a learner's object, never raising, at most ``limit`` long."""
    guard = _guard()
    if guard is not None:
        guard.enter()
    try:
        text = str(obj) if use_str else repr(obj)
        text = str.__str__(text)
    except TimeLimitExceeded:
        raise
    except BaseException:  # noqa: BLE001 - a learner's __repr__ may raise anything
        text = f"<{_type_name(obj)} object>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_raise(exc: BaseException, what: str, where: str) -> str:
    name = _type_name(exc)
    if isinstance(exc, SystemExit):
        return (
            f"{what} called sys.exit() {where} (SystemExit): a function must return its "
            "result — exiting would stop the notebook"
        )
    if isinstance(exc, KeyboardInterrupt):
        return f"{what} was interrupted {where} (KeyboardInterrupt)"
    text = _safe_text(exc, 160, use_str=True)
    return f"{what} raised {name} {where}: {text}" if text else f"{what} raised {name} {where}"


def _call(fn: Callable[..., Any], what: str, where: str, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` under the active guard; any failure becomes _LearnerError."""
    guard = _guard()
    if guard is not None:
        guard.enter()
    err: _LearnerError | None = None
    try:
        with np.errstate(all="ignore"):
            out = fn(*args, **kwargs)
    except TimeLimitExceeded:
        raise
    except NotImplementedError:
        err = _not_implemented(what)
    except BaseException as exc:  # noqa: BLE001 - any learner failure becomes feedback
        err = _LearnerError("error", _describe_raise(exc, what, where))
    if guard is not None:
        guard.check_intact()
    if err is not None:
        raise err
    return out


def _real(value: Any, what: str, where: str) -> float:
    """The one real number a learner's function returned, as a plain ``float``.

    Accepted: ``float``, ``int`` (not ``bool``), numpy's real scalar types and 0-d real
    arrays. A subclass of ``float`` or ``int`` is read as the number it stores, through
    ``float.__float__`` / ``int.__index__`` of the base type -- C slots that learner code
    cannot override -- so an overridden ``__float__``, ``__eq__``, ``__lt__`` or
    ``__bool__`` has no say in the result, and every comparison after this is made on
    a plain float. Everything else (strings, bools, complex, arrays with more than one
    dimension, object arrays, other objects) is a wrong answer, never an exception.
    """
    t = type(value)
    try:
        if t is float:
            x = value
        elif t is int:
            x = float(value)
        elif t in _NP_REAL_TYPES:
            x = float(np.float64(value))
        elif t is np.ndarray:
            if value.ndim != 0:
                raise _wrong(
                    f"{what} returned an array of shape {value.shape} {where}; it must return "
                    "one number (a scalar, not an array)"
                )
            if value.dtype.kind not in "fiu":
                raise _wrong(
                    f"{what} returned an array of dtype {value.dtype} {where}; it must return "
                    "one real number"
                )
            x = float(value.astype(np.float64))
        elif issubclass(t, (bool, np.bool_)):
            raise _wrong(f"{what} returned a bool {where}; it must return one real number")
        elif issubclass(t, float):
            x = float.__float__(value)
        elif issubclass(t, int):
            x = float(int.__index__(value))
        else:
            raise _wrong(
                f"{what} returned {_type_name(value)} {_safe_text(value)} {where}; "
                "it must return one real number"
            )
    except OverflowError:
        raise _wrong(f"{what} returned an integer too large for a float {where}") from None
    if not math.isfinite(x):
        raise _wrong(f"{what} returned {x!r} {where}; it must be finite")
    return x


def _first_items(value: Any, n: int, what: str) -> list[Any]:
    """At most ``n`` items of a learner's sequence or iterable, read safely."""
    t = type(value)
    if issubclass(t, (list, tuple)):
        base = list if issubclass(t, list) else tuple
        return [base.__getitem__(value, i) for i in range(min(base.__len__(value), n))]
    if t is np.ndarray:
        if value.ndim != 1:
            raise _wrong(f"{what} must be a list or 1-D array; got an array of shape {value.shape}")
        return list(value[:n])
    if isinstance(value, (str, bytes)) or not hasattr(t, "__iter__"):
        raise _wrong(f"{what} must be a list or array of numbers; got {_type_name(value)}")

    def take() -> list[Any]:
        it = iter(value)
        out = []
        for _ in range(n):
            try:
                out.append(next(it))
            except StopIteration:
                break
        return out

    return _call(take, what, "when read")


def _run(
    exercise: str, time_limit: float, strict: bool | None, body: Callable[[], Feedback]
) -> Feedback:
    """Run ``body`` under a time limit; every outcome, learner failure or not, is Feedback."""
    guard = _Guard(time_limit)
    fb: Feedback | None = None
    with np.errstate(all="ignore"):
        try:
            with guard:
                fb = body()
        except _LearnerError as err:
            fb = Feedback(exercise, err.status, err.message)
        except TimeLimitExceeded:
            fb = None
        except BaseException as exc:  # noqa: BLE001 - a learner object misbehaving in our code
            fb = Feedback(
                exercise,
                "error",
                f"the check stopped on {_type_name(exc)} from an object your code returned: "
                f"{_safe_text(exc, 160, use_str=True)}",
            )
    if guard.tamper is not None or fb is None or (guard.fired and fb.passed):
        fb = _timeout_feedback(exercise, time_limit, guard.tamper)
    return _finish(fb, strict)


def _protected(time_limit: float, fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """``(fn(), None)``, or ``(None, message)`` when learner code failed or overran."""
    guard = _Guard(time_limit)
    out, message = None, None
    with np.errstate(all="ignore"):
        try:
            with guard:
                out = fn()
        except _LearnerError as err:
            message = err.message
        except TimeLimitExceeded:
            message = f"it did not finish within {time_limit:g} s"
        except BaseException as exc:  # noqa: BLE001 - a learner object misbehaving
            message = f"{_type_name(exc)}: {_safe_text(exc, 160, use_str=True)}"
    if guard.tamper is not None:
        return None, _tamper_error(guard.tamper).message
    if guard.fired and message is None:
        return None, f"it did not finish within {time_limit:g} s"
    return out, message
