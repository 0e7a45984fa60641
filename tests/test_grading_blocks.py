"""The graded hidden tests (tools/build_grading.py) and the integrity scan, without nbgrader.

Each hidden block runs here the way nbgrader runs it: after the answer cells, in their
namespace. It must pass the reference answers, fail wrong ones, and keep failing them when
the answer cell has replaced builtins, numpy or the checkers first. Its pinned values are
compared with independent computations: SGDR by walking its cycles in plain floats, the
law of noisy SGD with lrsched's exact recursion.
"""

from __future__ import annotations

import builtins
import math
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import lrsched as ls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_grading  # noqa: E402
import integrity_report  # noqa: E402
import nbgrader_course  # noqa: E402
from integrity_scan import scan_cell  # noqa: E402

SETUP = "import numpy as np\nimport lrsched as ls\n"


def run_block(grade_id: str, answer_cells: list[str], *, attack: str = "") -> None:
    """Run the answers, an optional attack, then the hidden block, in one namespace.

    The namespace has its own copy of the builtins, and numpy, the checkers and the
    environment are restored afterwards, so an attack reaches the block as it would in a
    kernel without breaking this test process.
    """
    import lrsched.exercises as checkers

    saved = [(m, dict(vars(m))) for m in (np, checkers)]
    env = dict(os.environ)
    ns: dict = {"__builtins__": dict(vars(builtins))}
    try:
        exec(SETUP, ns)  # noqa: S102
        for src in answer_cells:
            exec(src, ns)  # noqa: S102
        if attack:
            exec(attack, ns)  # noqa: S102
        exec(build_grading.HEADER + build_grading.BLOCKS[grade_id](), ns)  # noqa: S102
    finally:
        for module, attrs in saved:
            for name, value in attrs.items():
                if vars(module).get(name) is not value:
                    setattr(module, name, value)
        os.environ.clear()
        os.environ.update(env)


REFERENCE = nbgrader_course.reference_answers()
ANSWER_CELLS = {
    "ex2_sgdr_check": ["ex2_sgdr"],
    "ex3_run_sgd_check": ["ex3_run_sgd"],
    "ex3_schedules_check": ["ex3_schedules"],
    "ex1_check": ["ex1_one_step", "ex1_useful"],
    "q4_check": ["q4_answer"],
    "ex4_schedule_check": ["ex4_schedule"],
    "ex4_choice_check": ["ex4_choice"],
}
WRONG = {
    "ex2_sgdr_check": [
        "def sgdr(t, T0=10, alpha0=0.1, alpha_min=1e-4):\n    return 0.05",
        # the cosine between 0 and alpha0: the floor is missing
        "def sgdr(t, T0=10, alpha0=0.1, alpha_min=1e-4):\n    s, n = 0, T0\n"
        "    while t >= s + n:\n        s += n\n        n *= 2\n"
        "    return 0.5 * alpha0 * (1 + math.cos(math.pi * (t - s) / n))",
        # no doubling
        "def sgdr(t, T0=10, alpha0=0.1, alpha_min=1e-4):\n"
        "    return alpha_min + 0.5 * (alpha0 - alpha_min) * "
        "(1 + math.cos(math.pi * (t % T0) / T0))",
    ],
    "ex3_run_sgd_check": [
        # one update late: schedule(t + 1)
        "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0):\n"
        "    rng = np.random.default_rng(seed); th = theta0\n"
        "    for t in range(T):\n"
        "        th -= schedule(t + 1) * (2 * (th - 3) + sigma * rng.standard_normal())\n"
        "    return (th - 3) ** 2",
        # the theory times a chi-square draw: right mean, wrong law
        "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0):\n"
        "    a = np.array([schedule(t) for t in range(T)])\n"
        "    m = ls.expected_loss(a, T=T, sigma=sigma, theta0=theta0)[-1]\n"
        "    return m if sigma == 0 else m * np.random.default_rng(seed).chisquare(1)",
        # noise not scaled by sigma
        "def run_sgd(schedule, seed, T=150, sigma=0.3, theta0=0.0):\n"
        "    rng = np.random.default_rng(seed); th = theta0\n"
        "    for t in range(T):\n"
        "        th -= schedule(t) * (2 * (th - 3) + rng.standard_normal())\n"
        "    return (th - 3) ** 2",
    ],
    "ex3_schedules_check": [
        "def my_schedules(T=150):\n"
        "    return {f's{k}': (lambda t, k=k: k * 1e-9) for k in range(5)}",
        "def my_schedules(T=150):\n    return {f's{k}': (lambda t: 0.1) for k in range(5)}",
        "def my_schedules(T=150):\n"
        "    return {f's{k}': (lambda t, k=k: 0.1 * k) for k in range(1, 5)}",
    ],
    "ex1_check": [
        # the loss before the step
        "def one_step_loss(alpha, theta0=0.0):\n    return (theta0 - 3) ** 2\n"
        "def read_useful_range(alphas, losses):\n    return 0.01, 0.9",
        # right losses, a range that ignores its inputs
        "def one_step_loss(alpha, theta0=0.0):\n"
        "    return ((theta0 - 2 * alpha * (theta0 - 3)) - 3) ** 2\n"
        "def read_useful_range(alphas, losses):\n    return 0.01, 0.9",
    ],
    "q4_check": ["def answer_q4():\n    return 0.1", "def answer_q4():\n    return 0.025"],
    "ex4_schedule_check": [
        # the ramp reaches the peak one update early
        "def warmup_cosine(t, peak, warmup, T):\n"
        "    if t < warmup:\n        return peak * (t + 1) / warmup\n"
        "    return 0.5 * peak * (1 + math.cos(math.pi * (t - warmup) / (T - warmup)))",
        # the cosine keeps the clock of the whole run
        "def warmup_cosine(t, peak, warmup, T):\n"
        "    if t < warmup:\n        return peak * t / warmup\n"
        "    return 0.5 * peak * (1 + math.cos(math.pi * t / T))",
        # the chapter's settings, whatever the arguments
        "def warmup_cosine(t, peak, warmup, T):\n"
        "    if t < 10:\n        return 0.4 * t / 10\n"
        "    return 0.2 * (1 + math.cos(math.pi * (t - 10) / 200))",
    ],
    "ex4_choice_check": [
        "def choose_warmup():\n    return 0.4, 0",  # diverges on most seeds
        "def choose_warmup():\n    return 0.2, 10",  # trains, below the target
        "def choose_warmup():\n    return 0.8, 10",
        "def choose_warmup():\n    return 0.3, 10",  # not on the menu
    ],
}
ATTACKS = {
    # the namespace's builtins, as `import builtins; builtins.abs = ...` changes them in a kernel
    "builtins": "__builtins__.update(abs=lambda x: 0, float=lambda x=0: 0.0, "
    "range=lambda *a: iter(()), len=lambda x: 99, callable=lambda x: True)\n",
    "numpy": "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
    "np.array = lambda x, *a, **k: x\n",
    "checkers": "import lrsched.exercises as _e\n"
    "for _n in dir(_e):\n    if _n.startswith('check_'):\n"
    "        setattr(_e, _n, lambda *a, **k: 'passed')\n",
    "environment": "import os\nos.environ.pop('NBGRADER_EXECUTION', None)\n",
}


def _answers(grade_id: str) -> list[str]:
    return ["import math\n", *(REFERENCE[g] for g in ANSWER_CELLS[grade_id])]


@pytest.mark.parametrize("grade_id", sorted(build_grading.BLOCKS))
def test_the_reference_answers_pass(grade_id):
    run_block(grade_id, _answers(grade_id))


@pytest.mark.parametrize(
    ("grade_id", "wrong"),
    [(g, w) for g in sorted(WRONG) for w in WRONG[g]],
    ids=[f"{g}-{k}" for g in sorted(WRONG) for k in range(len(WRONG[g]))],
)
@pytest.mark.parametrize("attack", ["", *ATTACKS], ids=["plain", *ATTACKS])
def test_wrong_answers_fail_whatever_the_cell_patched(grade_id, wrong, attack):
    with pytest.raises(Exception):  # noqa: B017 - any error output costs the points
        run_block(grade_id, ["import math\n", wrong], attack=ATTACKS.get(attack, ""))


def test_a_result_with_rigged_comparisons_fails():
    fake = (
        "class Fake(float):\n    def _t(self, o):\n        return True\n"
        "    __eq__ = __le__ = __ge__ = __lt__ = __gt__ = __ne__ = _t\n"
        "    __sub__ = __rsub__ = lambda self, o: Fake(0.0)\n"
        "def sgdr(t, T0=10, alpha0=0.1, alpha_min=1e-4):\n    return Fake(0.0)\n"
    )
    with pytest.raises(AssertionError):
        run_block("ex2_sgdr_check", [fake])


def test_blocks_are_up_to_date_in_the_reference_edition():
    assert build_grading.main(["--check"]) == 0
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in build_grading.BLOCKS:
                assert build_grading.hidden_block(cell.source) == (
                    build_grading.HEADER + build_grading.BLOCKS[gid]()
                ).rstrip("\n")


def _sgdr_by_cycles(t: int, T0: int, a0: float, amin: float) -> float:
    start, length = 0, T0
    while t >= start + length:
        start, length = start + length, 2 * length
    return amin + 0.5 * (a0 - amin) * (1.0 + math.cos(math.pi * (t - start) / length))


def test_pinned_sgdr_values_are_the_published_formula():
    ns: dict = {}
    exec(build_grading.sgdr_block().split("_k = 0")[0], ns)  # noqa: S102 - `_pins = ...`
    assert len(ns["_pins"]) >= 60
    for t, want in ns["_pins"]:
        assert want == pytest.approx(_sgdr_by_cycles(t, 5, 0.3, 0.01), rel=1e-13, abs=1e-15)
    restarts = {5, 15, 35, 75, 155, 315}
    assert restarts <= {t for t, _ in ns["_pins"]}


def test_the_law_of_noisy_sgd_matches_the_exact_recursion():
    alphas = [1e-4 + 0.5 * (0.3 - 1e-4) * (1 + math.cos(math.pi * t / 60)) for t in range(60)]
    mean, var = build_grading.sgd_law(alphas, theta0=0.5, sigma=0.3)
    assert mean == pytest.approx(ls.expected_loss(np.array(alphas), T=60, theta0=0.5)[-1])
    # Monte Carlo of the same law: the variance within a few standard errors
    rng = np.random.default_rng(1)
    e = np.full(200_000, 0.5 - 3.0)
    for a in alphas:
        e = (1 - 2 * a) * e - a * 0.3 * rng.standard_normal(e.size)
    assert np.var(e**2) == pytest.approx(var, rel=0.03)


# ----------------------------------------------------------------------------- the scan


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("import os\nos.environ.pop('NBGRADER_EXECUTION')", "environment"),
        ("x = __import__('os').getenv('HOME')", "dynamic code / patching"),
        ("ls.exercises.check_sgdr = print", "grading code"),
        ("from lrsched.exercises import Feedback", "grading code"),
        ("np.allclose = lambda *a: True", "dynamic code / patching"),
        ("import builtins\nbuiltins.abs = abs", "dynamic code / patching"),
        ("setattr(np, 'isclose', None)", "dynamic code / patching"),
        ("get_ipython().set_custom_exc((Exception,), None)", "handlers / shell"),
        ("import signal\nsignal.setitimer(signal.ITIMER_REAL, 0)", "handlers / shell"),
        ("import sys\nsys.settrace(None)", "handlers / shell"),
        ("%load_ext autoreload", "handlers / shell"),
        ("import sys\nsys.exit(0)", "ends the process"),
        ("import os\nos._exit(0)", "ends the process"),
        ("raise SystemExit", "ends the process"),
        ("text = open('../x.ipynb').read()", "files / processes"),
        ("import glob\nglob.glob('*')", "files / processes"),
        ("exec('x = 1')", "dynamic code / patching"),
        ("def sgdr(t):\n    return ls.SGDR(0.1, 10, 2)(t)", "lrsched's implementation"),
        ("from lrsched import SGDR", "lrsched's implementation"),
    ],
)
def test_the_scan_finds(source, kind):
    kinds = {k for k, _ in scan_cell(source, grade_id="ex2_sgdr", library_names={"SGDR"})}
    assert kind in kinds, kinds


def test_the_scan_passes_honest_answers_and_allows_the_library_where_it_is_allowed():
    for gid, src in REFERENCE.items():
        assert scan_cell(src, grade_id=gid, library_names=integrity_report.library_names()) == []
    own = "def my_schedules(T=150):\n    return {'cos': ls.Cosine(0.1, T)}"
    assert scan_cell(own, grade_id="ex3_schedules", library_names={"Cosine"}) == []
    assert scan_cell(own, grade_id="ex2_sgdr", library_names={"Cosine"})


# ----------------------------------------------------------------------------- the answer key


def test_an_installed_package_leads_to_no_reference_edition(tmp_path):
    """Graded the README's way (the package installed, not linked to the repository), a
    student's code finds no reference edition through lrsched, nor any solution line in it."""
    import subprocess
    import zipfile

    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            ROOT,
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("lrsched-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    grading_cwd = tmp_path / "course" / "autograded" / "s01" / "ps"
    grading_cwd.mkdir(parents=True)
    probe = (
        "import pathlib, lrsched as ls\n"
        "root = pathlib.Path(ls.__file__).resolve().parent\n"
        "found = [str(p) for up in (root, *root.parents)"
        " for p in up.glob('solutions/*.ipynb')]\n"
        "print(repr(ls.__file__), found, ls.exercises.find_reference('06_sgdr'))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRSCHED")}
    out = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        capture_output=True,
        text=True,
        cwd=grading_cwd,
        env={**env, "PYTHONPATH": os.pathsep.join([str(site), *_site_packages()])},
        check=True,
    ).stdout
    assert str(site) in out and out.rstrip().endswith("[] None"), out
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
    )
    secrets = [
        ln.strip()
        for src in REFERENCE.values()
        for ln in src.splitlines()
        if len(ln.strip()) > 30 and not ln.strip().startswith(("def ", '"""', "#"))
    ]
    assert len(secrets) >= 5
    assert not [ln for ln in secrets if ln in text]


def _site_packages() -> list[str]:
    """The venv's site-packages without the editable install's link to the repository."""
    import site

    return [p for p in site.getsitepackages() if Path(p).is_dir()]


def _warmup_cosine_by_hand(t: int, peak: float, warmup: int, T: int) -> float:
    """Exercise 4's schedule, written from the formula in plain floats."""
    if t < warmup:
        return peak * t / warmup
    return 0.5 * peak * (1.0 + math.cos(math.pi * (t - warmup) / (T - warmup)))


def test_pinned_warmup_values_are_the_published_formula():
    block = build_grading.warmup_schedule_block()
    settings = [(0.3, 15, 120), (0.25, 0, 50), (0.6, 7, 31)]
    parts = block.split("_pins = ")[1:]
    assert len(parts) == len(settings)
    for part, (peak, warmup, T) in zip(parts, settings, strict=True):
        ns: dict = {}
        exec("_pins = " + part.split("_k = 0")[0], ns)  # noqa: S102
        ts = {t for t, _ in ns["_pins"]}
        assert {0, warmup, T - 1} <= ts and len(ts) >= 10
        for t, want in ns["_pins"]:
            assert want == pytest.approx(_warmup_cosine_by_hand(t, peak, warmup, T),
                                         rel=1e-13, abs=1e-15)


def test_the_pinned_choices_are_the_menu_pairs_that_train():
    from lrsched.exercises import EX4_PEAKS, EX4_TARGET, EX4_WARMUPS, warmup_trial

    ns: dict = {}
    exec(build_grading.warmup_choice_block().split("_peak, _warmup")[0], ns)  # noqa: S102
    pairs = [(p, w) for p in EX4_PEAKS for w in EX4_WARMUPS]
    trials = warmup_trial(*zip(*pairs, strict=True))
    passing = {(t.peak, float(t.warmup)) for t in trials
               if not t.diverged.any() and np.nanmean(t.accuracy) >= EX4_TARGET}
    assert set(ns["_passing"]) == passing
    # the exercise teaches something: every passing choice needs a warm-up, and the same
    # peak without one diverges on some seed
    by_pair = {(t.peak, t.warmup): t for t in trials}
    for peak, warmup in passing:
        assert warmup > 0 and by_pair[(peak, 0)].diverged.any()
