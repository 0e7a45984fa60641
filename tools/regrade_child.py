"""Child process of the integrity report: run one submission's answers, record what they return.

Started by ``tools/integrity_report.py`` as ``python -I regrade_child.py`` in an empty
temporary folder, with a JSON request on standard input::

    {"cells": [source, ...],                 # set-up and answer cells, in notebook order
     "graded": {grade_id: {"code": hidden_block, "names": [answer names it calls]}},
     "out": path of the result file}

It runs the cells (IPython magics become no-ops), then runs each hidden block with the
answer names replaced by recorders. A recorder calls the student's object and writes down
the arguments and a plain-data form of the result (numbers as floats, sequences, dicts,
and callables as handles whose later calls are recorded too). The report replays the same
hidden block against these records in its own process, which never runs student code, so
nothing the submission patched in this process can change the verdict: it can only change
the recorded values, and to make those right it must compute the right answers.

While the answers run, an audit hook (which Python code cannot remove) notes files opened
outside Python's own folders and this temporary folder, and a profile hook notes calls into
``lrsched`` made from inside an answer function: the report flags both.
"""

from __future__ import annotations

import json
import math
import os
import sys
import traceback

_REAL_FLOAT = (0.0).__class__
_EVENTS: list[str] = []  # audit findings, in order
_LIB_CALLS: dict[str, set[str]] = {}  # grade_id -> lrsched functions called by answers
_STATE = {"grade_id": None, "depth": 0}


def _allowed_roots() -> list[str]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.getcwd(), "/usr", "/etc", "/dev"}
    roots |= {"/proc", "/sys"}
    roots |= {p for p in sys.path if p and os.path.isdir(p)}
    return sorted(os.path.realpath(r) for r in roots)


def _audit(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        real = os.path.realpath(path)
        if path.endswith(".ipynb") or not any(
            real == r or real.startswith(r.rstrip("/") + "/") for r in _ROOTS
        ):
            _EVENTS.append(f"opened {path}")
    elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.kill"):
        _EVENTS.append(f"{event} {args[:2]!r}"[:300])
    elif event == "socket.connect":
        _EVENTS.append("opened a network connection")


def _profile(frame, event, arg):  # noqa: ARG001 - sys.setprofile signature
    if (
        event == "call"
        and _STATE["depth"]
        and frame.f_code.co_filename.startswith(_LIB_DIR)
        and not (frame.f_back and frame.f_back.f_code.co_filename.startswith(_LIB_DIR))
    ):  # an entry into lrsched from the answers' code
        name = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
        # the module's dotted name from its path under the package (lrsched.widgets.cycle, ...)
        rel = os.path.splitext(frame.f_code.co_filename[len(_LIB_DIR):])[0].split(os.sep)
        module = ".".join(["lrsched", *(p for p in rel if p != "__init__")])
        _LIB_CALLS.setdefault(_STATE["grade_id"], set()).add(f"{module}.{name}")


# ----------------------------------------------------------------------------- encoding


def encode(value, handles: list, depth: int = 0):
    """Plain data for a value crossing from the answers to the report."""
    if depth > 4:
        return {"other": "too deeply nested"}
    if value.__class__ is dict:
        return {"dict": [[str(k), encode(v, handles, depth + 1)] for k, v in list(value.items())]}
    if isinstance(value, (list, tuple)) or (
        hasattr(value, "ndim") and getattr(value, "ndim", 0) >= 1 and hasattr(value, "__len__")
    ):
        items = list(value)
        if len(items) > 10_000:
            return {"other": "a sequence of more than 10,000 items"}
        return {"seq": [encode(v, handles, depth + 1) for v in items]}
    if callable(value) and not hasattr(value, "__float__"):
        handles.append(value)
        return {"fn": len(handles) - 1}
    try:
        x = _REAL_FLOAT(value)
    except BaseException as exc:  # noqa: BLE001 - anything an answer object raises
        return {"bad": f"{type(exc).__name__}: {exc}"[:200]}
    return {"float": x if math.isfinite(x) else repr(x)}


def encode_arg(value):
    """Arguments the hidden block passes (its own literals, arrays and lambdas)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return {"float": value if math.isfinite(value) else repr(value)}
    if hasattr(value, "tolist"):
        return {"array": value.tolist()}
    if isinstance(value, (list, tuple)):
        return {"seq": [encode_arg(v) for v in value]}
    if callable(value):
        return {"fn": "probe"}
    return {"other": type(value).__name__}


class Recorder:
    """Stands for one answer object while a hidden block runs; logs every call."""

    def __init__(self, target, handle, log, handles):
        self._target, self._handle, self._log, self._handles = target, handle, log, handles

    def __call__(self, *args, **kwargs):
        entry = {
            "h": self._handle,
            "args": [encode_arg(a) for a in args],
            "kwargs": {k: encode_arg(v) for k, v in sorted(kwargs.items())},
        }
        self._log.append(entry)
        _STATE["depth"] += 1
        try:
            result = self._target(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - recorded, and the block goes on
            entry["raise"] = f"{type(exc).__name__}: {exc}"[:300]
            raise RuntimeError(entry["raise"]) from None
        finally:
            _STATE["depth"] -= 1
        start = len(self._handles)
        entry["result"] = encode(result, self._handles)
        for k in range(start, len(self._handles)):  # callables it returned: record them too
            self._handles[k] = Recorder(self._handles[k], k, self._log, self._handles)
        return decode(entry["result"], self._handles.__getitem__)


def decode(enc, handle):
    """What a hidden block sees of a recorded result: plain floats, lists and dicts, and
    ``handle(k)`` for the k-th callable (a recorder here, a replayer in the report)."""
    if "fn" in enc:
        return handle(enc["fn"])
    if "dict" in enc:
        return {k: decode(v, handle) for k, v in enc["dict"]}
    if "seq" in enc:
        return [decode(v, handle) for v in enc["seq"]]
    if "float" in enc:
        return float(enc["float"])
    return _Unconvertible(enc.get("bad") or enc.get("other", "?"))


class _Unconvertible:
    def __init__(self, why):
        self.why = why

    def __float__(self):
        raise TypeError(self.why)


# ----------------------------------------------------------------------------- running


class _Shell:
    """``get_ipython()`` for answer cells: magics and shell commands do nothing here."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic

    def __getattr__(self, name):
        raise AttributeError(f"get_ipython().{name} is not available when re-grading")


def _python(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # no IPython: drop magic and shell lines
        return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))
    return TransformerManager().transform_cell(source)


def main() -> None:
    request = json.loads(sys.stdin.read())
    out_path = request["out"]
    import matplotlib.pyplot  # noqa: F401 - loaded before the hooks: its font cache is not
    import numpy as np  #      something the answers did

    global _ROOTS, _LIB_DIR
    try:
        import lrsched

        _LIB_DIR = os.path.dirname(os.path.realpath(lrsched.__file__)) + os.sep
    except ImportError:  # the course package belongs to the grading set-up; report it
        _EVENTS.append("lrsched is not importable in the grading environment")
    _ROOTS = [*_allowed_roots(), _LIB_DIR.rstrip(os.sep)]

    ns: dict = {"__name__": "__main__", "get_ipython": lambda: _Shell()}
    cell_errors = []
    sys.addaudithook(_audit)
    for i, source in enumerate(request["cells"]):
        try:
            exec(compile(_python(source), f"<cell {i}>", "exec"), ns)  # noqa: S102
        except BaseException as exc:  # noqa: BLE001 - a notebook goes on after an error
            cell_errors.append(f"cell {i}: {type(exc).__name__}: {exc}"[:300])
    records = {}
    sys.setprofile(_profile)
    for gid, spec in request["graded"].items():
        _STATE["grade_id"] = gid
        log: list = []
        handles: list = []
        env = {"np": np, "__builtins__": __builtins__}
        for name in spec["names"]:
            if name in ns:
                handles.append(ns[name])
                handles[-1] = Recorder(ns[name], len(handles) - 1, log, handles)
                env[name] = handles[-1]
        try:
            exec(compile(spec["code"], f"<hidden test {gid}>", "exec"), env)  # noqa: S102
            ended = "passed"
        except BaseException as exc:  # noqa: BLE001
            ended = f"{type(exc).__name__}: {exc}"[:300]
        bound = [n for n in spec["names"] if n in ns]
        records[gid] = {"log": log, "names": bound, "ended": ended}
    sys.setprofile(None)
    result = {
        "records": records,
        "cell_errors": cell_errors,
        "events": _EVENTS[:50],
        "library_calls": {k: sorted(v) for k, v in _LIB_CALLS.items()},
    }
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
        fh.flush()
    os._exit(0)  # no atexit handler or thread of the submission runs after the result


_ROOTS: list[str] = []
_LIB_DIR = "\0"  # set in main(): the lrsched package folder

if __name__ == "__main__":
    try:
        main()
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        os._exit(3)
