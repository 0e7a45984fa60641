"""Hostile submissions, graded by real ``nbgrader autograde``, then by the integrity report.

Every attack below is a submission whose answers are wrong (mostly the stubs left in)
plus something that tries to get points anyway. Each must end with zero points from
nbgrader, or, where no defence inside the grading kernel is possible (the answer rewrites
the cells that follow it, reads the reference edition from the course folder, or calls
lrsched's own implementation), be flagged by ``tools/integrity_report.py`` with the points
it got shown as not confirmed by the clean re-grade. The whole batch must finish.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import integrity_report  # noqa: E402
import nbgrader_course as course  # noqa: E402

SGDR_HEAD = "T0 = 10\nalpha0 = 0.1\nalpha_min = 1e-4\n\n\n"
WRONG_SGDR = (
    SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n    return 0.05\n"
)
STUB_SGDR = (
    SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
    "    raise NotImplementedError()\n"
)
READ_REFERENCE = """import glob, json, os
for _path in glob.glob("../../../**/*.ipynb", recursive=True):
    for _cell in json.load(open(_path))["cells"]:
        _src = "".join(_cell["source"])
        if "def sgdr" in _src and "BEGIN SOLUTION" in _src:
            exec(_src)
"""

#: name -> (answers by grade_id, what must happen: "zero" points, and/or "flagged"; "right
#: values" where the answer returns the right numbers by a forbidden route, so the clean
#: re-grade passes it and only the report's findings stop it)
ATTACKS: dict[str, tuple[dict[str, str], set[str]]] = {
    # --- the environment switch ---------------------------------------------------------
    "env var popped in the cell": (
        {"ex2_sgdr": 'import os\nos.environ.pop("NBGRADER_EXECUTION", None)\n' + STUB_SGDR},
        {"zero", "flagged"},
    ),
    "env var popped inside the answer": (
        {
            "ex2_sgdr": SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            '    import os\n    os.environ.pop("NBGRADER_EXECUTION", None)\n'
            "    raise NotImplementedError()\n"
        },
        {"zero", "flagged"},
    ),
    "env var popped, every exercise": (
        {
            gid: 'import os\nos.environ.pop("NBGRADER_EXECUTION", None)\n'
            for gid in ("ex1_one_step", "ex3_run_sgd", "q4_answer")
        },
        {"zero", "flagged"},
    ),
    # --- patching the checkers, numpy, builtins ---------------------------------------------
    "checker replaced": (
        {"ex2_sgdr": 'ls.exercises.check_sgdr = lambda *a, **k: "passed"\n' + WRONG_SGDR},
        {"zero", "flagged"},
    ),
    "Feedback.passed forced": (
        {
            "ex2_sgdr": "ls.exercises.Feedback.passed = property(lambda self: True)\n"
            "ls.exercises.Feedback.__bool__ = lambda self: True\n" + WRONG_SGDR
        },
        {"zero", "flagged"},
    ),
    "numpy comparisons forced": (
        {
            "ex2_sgdr": "np.allclose = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
            "np.array_equal = lambda *a, **k: True\n" + WRONG_SGDR
        },
        {"zero", "flagged"},
    ),
    "builtins replaced": (
        {
            "ex2_sgdr": "import builtins, math\nbuiltins.abs = lambda x: 0.0\n"
            "builtins.float = lambda x=0: 0.1\nbuiltins.all = lambda x: True\n"
            "math.isclose = lambda *a, **k: True\n" + WRONG_SGDR
        },
        {"zero", "flagged"},
    ),
    "result with rigged comparisons": (
        {
            "ex2_sgdr": "class Fake(float):\n"
            "    def _true(self, other):\n        return True\n"
            "    __eq__ = __le__ = __ge__ = __lt__ = __gt__ = _true\n"
            "    __sub__ = __rsub__ = lambda self, other: Fake(0.0)\n"
            "    __abs__ = lambda self: Fake(0.0)\n"
            "    __hash__ = float.__hash__\n\n\n"
            + SGDR_HEAD
            + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n    return Fake(0.0)\n"
        },
        {"zero"},
    ),
    "result whose conversion raises": (
        {
            "ex2_sgdr": "class Bad(float):\n    def __float__(self):\n"
            "        raise SystemExit('no')\n\n\n"
            + SGDR_HEAD
            + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n    return Bad(0.1)\n"
        },
        {"zero"},
    ),
    # --- the kernel itself ------------------------------------------------------------------
    "exception handler swallows errors": (
        {
            "ex2_sgdr": "get_ipython().set_custom_exc((BaseException,), "
            "lambda self, etype, value, tb, tb_offset=None: None)\n" + STUB_SGDR
        },
        {"zero", "flagged"},
    ),
    "later cells rewritten by an input transformer": (
        {
            "ex1_one_step": "get_ipython().input_transformers_cleanup.append("
            "lambda lines: ['pass\\n'])\n"
        },
        {"flagged"},
    ),
    "asserts stripped by an AST transformer": (
        {
            "ex1_one_step": "import ast\n\nclass NoAssert(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n        return ast.Pass()\n\n"
            "get_ipython().ast_transformers.append(NoAssert())\n"
        },
        {"flagged"},
    ),
    "sys.exit in the cell": ({"ex2_sgdr": "import sys\nsys.exit(0)\n"}, {"zero", "flagged"}),
    "SystemExit from the answer": (
        {
            "ex2_sgdr": SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    raise SystemExit(0)\n"
        },
        {"zero", "flagged"},
    ),
    "KeyboardInterrupt from the answer": (
        {
            "ex2_sgdr": SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    raise KeyboardInterrupt\n"
        },
        {"zero", "flagged"},
    ),
    "os._exit kills the kernel": ({"ex2_sgdr": "import os\nos._exit(0)\n"}, {"zero", "flagged"}),
    "endless loop that ignores interrupts": (
        {
            "ex2_sgdr": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            + SGDR_HEAD
            + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    while True:\n        pass\n"
        },
        {"zero", "flagged"},
    ),
    "time limit switched off, then an endless loop": (
        {
            "ex2_sgdr": SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    import signal\n    signal.setitimer(signal.ITIMER_REAL, 0)\n"
            "    while True:\n        pass\n"
        },
        {"zero", "flagged"},
    ),
    "huge print": (
        {"ex2_sgdr": "for _i in range(300_000):\n    print('x' * 60, _i)\n" + STUB_SGDR},
        {"zero"},
    ),
    # --- the answer key and the library -----------------------------------------------------
    "reference edition read from the course folder": (
        {"ex2_sgdr": READ_REFERENCE},
        {"flagged"},
    ),
    "reference read through the reveal": (
        {
            "ex2_sgdr": 'import os\nos.environ["LRSCHED_SOLUTIONS"] = "../../../source/ps"\n'
            'for _kind, _src in ls.exercises.reference_cells("sheet", "ex1") or []:\n'
            "    exec(_src)\n"
        },
        {"flagged"},
    ),
    "lrsched.SGDR used": (
        {
            "ex2_sgdr": SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    return ls.SGDR(alpha0, T0, 2, alpha_min)(t)\n"
        },
        {"flagged", "right values"},
    ),
    "lrsched.SGDR used under another name": (
        {
            "ex2_sgdr": "_impl = getattr(ls, 'SG' + 'DR')\n\n"
            + SGDR_HEAD
            + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    return _impl(alpha0, T0, 2, alpha_min)(t)\n"
        },
        {"flagged", "right values"},
    ),
    # --- wrong code ---------------------------------------------------------------------------
    "sgdr restarts one update late": (
        {
            "ex2_sgdr": SGDR_HEAD + "def sgdr(t, T0=T0, alpha0=alpha0, alpha_min=alpha_min):\n"
            "    start, length = 0, T0\n    while t > start + length:\n"
            "        start += length\n        length *= 2\n"
            "    return alpha_min + 0.5 * (alpha0 - alpha_min) * "
            "(1 + np.cos(np.pi * (t - start) / length))\n"
        },
        {"zero"},
    ),
    "run_sgd uses the next update's rate": (
        {
            "ex3_run_sgd": "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0):\n"
            "    rng = np.random.default_rng(seed)\n    theta = theta0\n"
            "    for t in range(T):\n"
            "        g = 2 * (theta - 3) + sigma * rng.standard_normal()\n"
            "        theta -= schedule(t + 1) * g\n"
            "    return (theta - 3) ** 2\n"
        },
        {"zero"},
    ),
    "run_sgd ignores theta0": (
        {
            "ex3_run_sgd": "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0):\n"
            "    rng = np.random.default_rng(seed)\n    theta = 0.0\n"
            "    for t in range(T):\n"
            "        g = 2 * (theta - 3) + sigma * rng.standard_normal()\n"
            "        theta -= schedule(t) * g\n"
            "    return (theta - 3) ** 2\n"
        },
        {"zero"},
    ),
    "run_sgd fakes the loss from the theory": (
        {
            "ex3_run_sgd": "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0):\n"
            "    rng = np.random.default_rng(seed)\n"
            "    alphas = np.array([schedule(t) for t in range(T)])\n"
            "    m = ls.expected_loss(alphas, T=T, sigma=sigma, theta0=theta0)[-1]\n"
            "    return m if sigma == 0 else m * rng.chisquare(1)\n"
        },
        {"zero", "flagged"},
    ),
    "schedules too small to train": (
        {
            "ex3_schedules": "def my_schedules(T=150):\n"
            "    return {f's{k}': (lambda t, k=k: k * 1e-9) for k in range(5)}\n"
        },
        {"zero"},
    ),
    "useful range that ignores its inputs": (
        {
            "ex1_one_step": "alphas = np.logspace(-4, np.log10(2.0), 50)\n\n\n"
            "def one_step_loss(alpha, theta0=0.0):\n"
            "    return ((theta0 - alpha * 2 * (theta0 - 3)) - 3) ** 2\n",
            "ex1_useful": "def read_useful_range(alphas, losses):\n    return 0.1, 0.9\n",
        },
        {"zero"},
    ),
    "ex4: the checker patched, a choice that does not train": (
        {
            "ex4_choice": "ls.exercises.check_warmup_choice = lambda *a, **k: 'passed'\n"
            "def choose_warmup():\n    return 0.2, 10\n",
        },
        {"zero", "flagged"},
    ),
    "ex4: a pair of floats that compare equal to anything": (
        {
            "ex4_choice": "class F(float):\n    __eq__ = lambda self, other: True\n"
            "    __hash__ = float.__hash__\n"
            "def choose_warmup():\n    return F(0.8), F(0.0)\n",
        },
        {"zero"},
    ),
    "q4 answered with the rate at t = 0": (
        {"q4_answer": "def answer_q4():\n    return 0.1\n"},
        {"zero"},
    ),
}
ALL_AUTO = {
    "ex1_check",
    "ex2_sgdr_check",
    "ex3_run_sgd_check",
    "ex3_schedules_check",
    "ex4_schedule_check",
    "ex4_choice_check",
    "q4_check",
}
HONEST = {"correct": None, "stubs": {}}
#: The attacks split into two batches (two courses, graded in parallel by pytest-xdist).
NAMES = list(ATTACKS)
BATCHES = {"kernel": NAMES[: len(NAMES) // 2], "answers": NAMES[len(NAMES) // 2 :]}


def grade_batch(root: Path, names: list[str], *, honest: bool):
    """Autograde one submission per attack (and the honest ones) in one nbgrader batch,
    then run the integrity report; return the course, its verdicts and the batch time."""
    students = {f"s{k:02d}": name for k, name in enumerate(names)}
    course.make_course(root, [*students, *(HONEST if honest else {})])
    for student, name in students.items():
        course.submit(root, student, ATTACKS[name][0])
    if honest:
        course.submit(root, "correct", course.reference_answers())
        course.submit(root, "stubs", {})
    start = time.monotonic()
    course.nbgrader("autograde", "ps", cwd=root, check=False)
    batch = time.monotonic() - start
    verdicts = {v.student: v for v in integrity_report.report(root, "ps", timeout=20)}
    return students, verdicts, batch


def auto_scores(root: Path, student: str) -> dict[str, float]:
    return {g: v for g, v in course.scores(root, student).items() if g in ALL_AUTO}


def check_attack(root: Path, verdict, name: str) -> None:
    """The attack got no points, or is flagged with its points shown as unconfirmed."""
    _, expect = ATTACKS[name]
    got = auto_scores(root, verdict.student)
    shown = f"{name}: {got}\n{integrity_report.format_report([verdict])}"
    # the clean re-grade never passes a wrong answer, whatever happened in the kernel
    if "right values" not in expect:
        assert "passed" not in set(verdict.regrade.values()), shown
    else:
        assert any(kind == "lrsched's implementation" for _, kind, _ in verdict.findings), shown
    if "zero" in expect:
        assert sum(v or 0.0 for v in got.values()) == 0.0, shown
    if "flagged" in expect:
        assert verdict.flagged, shown
    # points nbgrader gave that the clean re-grade does not confirm are always flagged
    for gid, points in got.items():
        if points and verdict.regrade.get(gid) != "passed":
            assert any(d.startswith(gid) for d in verdict.disagreements), shown


class TestKernelAttacks:
    """The first half of the attacks, and the honest submissions."""

    @pytest.fixture(scope="class")
    @classmethod
    def graded(cls, tmp_path_factory):
        root = tmp_path_factory.mktemp("nbg") / "course"
        return (root, *grade_batch(root, BATCHES["kernel"], honest=True))

    def test_the_batch_finishes(self, graded):
        root, students, verdicts, batch = graded
        assert set(verdicts) == {*students, *HONEST}
        assert batch < 600, batch  # the stalls cost at most their time limits

    def test_the_reference_answers_get_full_marks_and_no_flag(self, graded):
        root, _, verdicts, _ = graded
        assert auto_scores(root, "correct") == {
            "ex1_check": 2.0,
            "ex2_sgdr_check": 2.0,
            "ex3_run_sgd_check": 2.0,
            "ex3_schedules_check": 1.0,
            "ex4_schedule_check": 2.0,
            "ex4_choice_check": 1.0,
            "q4_check": 1.0,
        }
        v = verdicts["correct"]
        assert set(v.regrade) == ALL_AUTO and set(v.regrade.values()) == {"passed"}
        assert not v.flagged, integrity_report.format_report([v])

    def test_stubs_get_nothing_and_no_flag(self, graded):
        root, _, verdicts, _ = graded
        assert set(auto_scores(root, "stubs").values()) == {0.0}
        assert not verdicts["stubs"].flagged, integrity_report.format_report([verdicts["stubs"]])
        assert all(r.startswith("fails") for r in verdicts["stubs"].regrade.values())

    @pytest.mark.parametrize("name", BATCHES["kernel"])
    def test_an_attack_gets_no_points_or_is_flagged(self, graded, name):
        root, students, verdicts, _ = graded
        student = next(s for s, n in students.items() if n == name)
        check_attack(root, verdicts[student], name)


class TestAnswerAttacks:
    """The second half of the attacks."""

    @pytest.fixture(scope="class")
    @classmethod
    def graded(cls, tmp_path_factory):
        root = tmp_path_factory.mktemp("nbg") / "course"
        return (root, *grade_batch(root, BATCHES["answers"], honest=False))

    def test_the_batch_finishes(self, graded):
        root, students, verdicts, batch = graded
        assert set(verdicts) == set(students)
        assert batch < 600, batch

    @pytest.mark.parametrize("name", BATCHES["answers"])
    def test_an_attack_gets_no_points_or_is_flagged(self, graded, name):
        root, students, verdicts, _ = graded
        student = next(s for s, n in students.items() if n == name)
        check_attack(root, verdicts[student], name)
