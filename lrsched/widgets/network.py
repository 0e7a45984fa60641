r"""The network explorer: a schedule trains a small network on the digits, over a few seeds
(:func:`network_explorer`, :func:`draw_network`, :func:`build_network_schedule`).

Every move trains :data:`NETWORK_SEEDS` seeds of the MLP ``(64, 16, 10)`` (ReLU, He
initialisation) with SGD and heavy-ball momentum 0.9 (or Adam), mini-batches of 32, for
:data:`NETWORK_T` updates (about 1.9 epochs of the 1,347 training images), with
:func:`lrsched.network.train`: the runs are one batch of the simulator, not a loop.
Nothing that a control changes is precomputed; only the data split, which no control
changes, is loaded once.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from matplotlib import ticker

from .._validate import check_choice, check_int, check_real
from ..compose import lr_values
from ..cosine import Cosine
from ..cyclic import OneCycle
from ..decay import Constant, MultiStep, Polynomial
from ..network import MLP, SGD, Adam, NetworkData, TrainRecord, digits_data, train
from ..plot import COLORS
from ..warmup import WSD, Warmup, warmup_cosine
from ._controls import W, _explorer, _options, _Spec
from ._drawing import (
    BuiltSchedule,
    ExplorerResult,
    Figure,
    _alt,
    _Legend,
    _lin_limits,
    _line_entry,
    _log_limits,
    _Painter,
    _style,
)

__all__ = [
    "NETWORK_FAMILIES",
    "NETWORK_OPTIMIZERS",
    "NETWORK_SIZES",
    "NETWORK_T",
    "NETWORK_BATCH",
    "NETWORK_EVAL_STEPS",
    "NETWORK_SEEDS",
    "build_network_schedule",
    "draw_network",
    "network_explorer",
]

#: Schedule families of :func:`network_explorer` (dropdown value -> label).
NETWORK_FAMILIES: dict[str, str] = {
    "constant": "constant",
    "step": "step (×0.1 at 1/2 and 3/4)",
    "cosine": "cosine to 0",
    "linear": "linear to 0",
    "one_cycle": "one-cycle",
    "wsd": "WSD (20% linear cooldown)",
}
#: Optimizers of :func:`draw_network` (value -> label).
NETWORK_OPTIMIZERS: dict[str, str] = {
    "sgd_momentum": "SGD, momentum 0.9",
    "adam": "Adam",
}
#: Layer widths of the network: 64 pixels, one hidden layer of 16 ReLU units, 10 classes.
NETWORK_SIZES: tuple[int, ...] = (64, 16, 10)
#: Updates per run (mini-batches of :data:`NETWORK_BATCH`; 43 updates make an epoch).
NETWORK_T = 80
#: Mini-batch size.
NETWORK_BATCH = 32
#: Update counts at which the losses and the accuracy are measured (every 10 updates).
NETWORK_EVAL_STEPS: tuple[int, ...] = tuple(range(0, NETWORK_T + 1, 10))
#: Seeds trained on every move by default (each its own initialisation and batch order).
NETWORK_SEEDS = 3
_MAX_SEEDS = 10
_WSD_COOLDOWN = 0.2


@functools.lru_cache(maxsize=1)
def _data() -> NetworkData:
    """The standardised digits split (seed 0): no control changes it, so it is loaded once."""
    return digits_data(0)


# ----------------------------------------------------------------------------- build


def build_network_schedule(
    family: str = "cosine", *, peak: float = 0.1, warmup_pct: int = 0, T: int = NETWORK_T
) -> BuiltSchedule:
    r"""Build the schedule of :func:`network_explorer`: a family, its peak, a warm-up.

    With :math:`t_w` = ``round(warmup_pct / 100 * T)`` and :math:`H = T - t_w`, the
    rates after the warm-up are (all reach their end at ``t = T``):

    * ``"constant"``: :class:`~lrsched.Constant` ``(peak)``;
    * ``"step"``: :class:`~lrsched.MultiStep` ``(peak, [H // 2, 3H // 4], 0.1)``;
    * ``"cosine"``: :class:`~lrsched.Cosine` ``(peak, H)``, i.e.
      :func:`~lrsched.warmup_cosine` ``(peak, T, t_w)`` with a warm-up;
    * ``"linear"``: :class:`~lrsched.Polynomial` ``(peak, H, 1, 0)``;

    each wrapped in :class:`~lrsched.Warmup` ``(..., t_w)`` (linear from 0) when
    :math:`t_w \ge 1`. ``"wsd"`` is :class:`~lrsched.WSD` ``(peak, T, t_w, t_d,
    "linear")`` with a cooldown of :math:`t_d` = ``round(0.2 T)`` updates. ``"one_cycle"``
    is :class:`~lrsched.OneCycle` ``(peak, T, pct_start=t_w / T)``: its rise from
    ``peak / 25`` *is* its warm-up, so a warm-up shorter than 2 updates is raised to 2
    (a note says so).

    Parameters
    ----------
    family : str
        A key of :data:`NETWORK_FAMILIES`.
    peak : float
        Peak rate, in :math:`(0, 10]`.
    warmup_pct : int
        Warm-up length in percent of ``T``, in ``[0, 30]``.
    T : int
        Updates, in :math:`[20, 10^6]`.

    Returns
    -------
    BuiltSchedule
    """
    family = check_choice("family", family, tuple(NETWORK_FAMILIES))
    peak = check_real("peak", peak, low=0.0, high=10.0, low_open=True)
    warmup_pct = check_int("warmup_pct", warmup_pct, low=0, high=30)
    T = check_int("T", T, low=20, high=10**6)
    t_warm = int(math.floor(warmup_pct * T / 100 + 0.5))
    notes: list[str] = []
    label = NETWORK_FAMILIES[family]
    sched: Any
    if family == "one_cycle":
        if t_warm < 2:
            notes.append(f"one-cycle rises for at least 2 updates: warm-up {t_warm} → 2")
            t_warm = 2
        sched = OneCycle(peak, T, pct_start=t_warm / T)
    elif family == "wsd":
        t_decay = int(math.floor(_WSD_COOLDOWN * T + 0.5))
        sched = WSD(peak, T, t_warm, t_decay, "linear")
    elif family == "cosine" and t_warm:
        sched = warmup_cosine(peak, T, t_warm)
    else:
        H = T - t_warm
        body: Any
        if family == "constant":
            body = Constant(peak)
        elif family == "step":
            body = MultiStep(peak, [H // 2, 3 * H // 4], 0.1)
        elif family == "cosine":
            body = Cosine(peak, H)
        else:
            body = Polynomial(peak, H, 1.0, 0.0)
        sched = body if t_warm == 0 else Warmup(body, t_warm)
    params = {"family": family, "peak": peak, "t_warm": t_warm, "T": T}
    return BuiltSchedule(sched, params, notes, label)


def _optimizer(name: str) -> SGD | Adam:
    return SGD(momentum=0.9) if name == "sgd_momentum" else Adam()


# ----------------------------------------------------------------------------- draw


class _NetworkPainter(_Painter):
    figsize = (9.0, 3.4)

    def _build(self) -> None:
        fig = self.fig
        self.ax, self.ax_acc, self.ax_lr = fig.subplots(
            1, 3, gridspec_kw={"width_ratios": (1.5, 1.1, 0.75)}
        )
        fig.subplots_adjust(left=0.1, right=0.99, bottom=0.15, top=0.86, wspace=0.42)
        _style(self.ax, "update t", "loss (log scale)", log_y=True)
        _style(self.ax_acc, "update t", "held-out accuracy")
        _style(self.ax_lr, "update t", "learning rate α_t")
        for ax in (self.ax_acc, self.ax_lr):
            ax.yaxis.set_label_coords(-0.3, 0.5)
        for ax in (self.ax, self.ax_acc, self.ax_lr):  # three labels: text is what a redraw costs
            ax.xaxis.set_major_locator(ticker.MaxNLocator(3))
        self.ax_lr.yaxis.set_major_locator(ticker.MaxNLocator(3))
        faint = {"lw": 0.8, "alpha": 0.35}
        self.seed_train = [self.ax.plot([], [], color=COLORS[0], **faint)[0]
                           for _ in range(_MAX_SEEDS)]  # fmt: skip
        self.seed_test = [self.ax.plot([], [], color=COLORS[1], ls="--", **faint)[0]
                          for _ in range(_MAX_SEEDS)]  # fmt: skip
        self.seed_acc = [self.ax_acc.plot([], [], color=COLORS[1], **faint)[0]
                         for _ in range(_MAX_SEEDS)]  # fmt: skip
        (self.train,) = self.ax.plot([], [], color=COLORS[0], lw=2)
        (self.test,) = self.ax.plot([], [], color=COLORS[1], lw=2, ls="--")
        (self.acc,) = self.ax_acc.plot([], [], color=COLORS[1], lw=2, marker="o", ms=3)
        (self.diverged,) = self.ax.plot(
            [], [], ls="none", marker="x", ms=8, mew=2, color=COLORS[3],
            transform=self.ax.get_xaxis_transform(), clip_on=False,
        )  # fmt: skip
        (self.lr,) = self.ax_lr.plot([], [], color=COLORS[2], lw=2)
        self.legend = _Legend(self.ax, 5, loc="upper right")
        self.title = fig.text(0.5, 0.935, "", ha="center", va="top", fontsize=10)

    def paint(self, k: np.ndarray, rec: TrainRecord, mean: dict[str, np.ndarray],
              t: np.ndarray, lr: np.ndarray, title: str) -> None:  # fmt: skip
        n = rec.seeds.size
        for i in range(_MAX_SEEDS):
            lines = (self.seed_train[i], self.seed_test[i], self.seed_acc[i])
            arrays = (rec.train_loss, rec.test_loss, rec.test_accuracy)
            for line, arr in zip(lines, arrays, strict=True):
                if i < n:
                    alive = rec.alive[i]
                    line.set_data(k[alive], arr[i, alive])
                else:
                    line.set_data([], [])
                line.set_visible(i < n)
        self.train.set_data(k, mean["train_loss"])
        self.test.set_data(k, mean["test_loss"])
        self.acc.set_data(k, mean["test_accuracy"])
        at = rec.diverged_at[rec.diverged]
        self.diverged.set_data(at, np.full(at.size, 0.06))
        self.lr.set_data(t, lr)
        alive = rec.alive
        for ax in (self.ax, self.ax_acc, self.ax_lr):
            ax.set_xlim(-0.02 * t.size, 1.02 * t.size)
        self.ax.set_ylim(_log_limits(mean["train_loss"], mean["test_loss"],
                                     rec.train_loss[alive], rec.test_loss[alive]))  # fmt: skip
        self.ax_acc.set_ylim(_lin_limits(mean["test_accuracy"], rec.test_accuracy[alive]))
        self.ax_lr.set_ylim(_lin_limits(lr, zero=True))
        self.title.set_text(title)
        entries = [
            _line_entry("train, mean", self.train),
            _line_entry("held-out, mean", self.test),
            _line_entry("single seeds", self.seed_train[0]),
        ]
        if at.size:
            entries.append(_line_entry("diverged", self.diverged))
        self.legend.update(entries)


def _alt_text(label: str, peak: float, t_warm: int, T: int, opt: str,
              numbers: dict[str, Any], lr_max: float, div_at: list[int]) -> str:  # fmt: skip
    n = numbers["n_seeds"]
    div = (f"{numbers['diverged']} of {n} runs diverged, at update(s) "
           f"{', '.join(str(s) for s in div_at)}, marked with crosses on the loss chart"
           if div_at else f"None of the {n} runs diverged")  # fmt: skip
    return (
        f"Three charts against the update t from 0 to {T} (horizontal axes) of a network "
        f"{'-'.join(str(s) for s in NETWORK_SIZES)} trained on the digits with {opt}, "
        f"schedule {label}, peak {peak:g}, warm-up {t_warm} updates, {n} seeds. Left: the "
        f"training loss (solid) and the held-out loss (dashed) on a log scale, the mean "
        f"over seeds thick and each seed faint; final means: training loss "
        f"{numbers['train_loss_mean']:.4g}, held-out loss {numbers['test_loss_mean']:.4g}. "
        f"Middle: the held-out accuracy; final {numbers['test_accuracy_mean']:.4f} "
        f"± {numbers['test_accuracy_sd']:.4f} (mean ± standard deviation over seeds; "
        f"lowest {numbers['test_accuracy_min']:.4f}, highest "
        f"{numbers['test_accuracy_max']:.4f}). Right: the learning rate α_t, at most "
        f"{lr_max:.3g}. {div}."
    )


def draw_network(
    family: str = "cosine",
    *,
    peak: float = 0.1,
    warmup_pct: int = 0,
    optimizer: str = "sgd_momentum",
    n_seeds: int = NETWORK_SEEDS,
    figure: Figure | None = None,
) -> ExplorerResult:
    r"""Train the network under a schedule over a few seeds; draw and report the outcome.

    Runs :func:`lrsched.network.train` ``(MLP(NETWORK_SIZES), opt, digits_data(0), lrs,
    range(n_seeds), batch_size=32, eval_steps=NETWORK_EVAL_STEPS,
    record_batch_loss=False)`` with every row of ``lrs`` equal to
    ``lr_values(build_network_schedule(family, peak=peak, warmup_pct=warmup_pct).schedule,
    NETWORK_T)``, and ``opt`` ``SGD(momentum=0.9)`` or ``Adam()``. Draws the training
    and held-out losses and the held-out accuracy at the evaluation steps, the mean over
    seeds thick and each seed faint (over its measured records only), a cross at the
    update where a run diverged (at the foot of the loss chart), and the rates :math:`\alpha_t`.

    Means and spreads are over all seeds, a diverged run counting with the fill values of
    :class:`~lrsched.network.TrainRecord` (accuracy :math:`1/10`, loss
    :math:`10\log 10`), so they are always finite. The spread is the sample standard
    deviation :math:`s = \sqrt{\sum_i (a_i - \bar a)^2/(n - 1)}` of the seeds' final
    held-out accuracies :math:`a_i` (0 for one seed).

    Parameters
    ----------
    family, peak, warmup_pct
        See :func:`build_network_schedule`.
    optimizer : {"sgd_momentum", "adam"}
        A key of :data:`NETWORK_OPTIMIZERS`.
    n_seeds : int
        Seeds ``0, ..., n_seeds - 1``, in :math:`[1, 10]`.
    figure : Figure, optional
        A figure from an earlier call, updated in place.

    Returns
    -------
    ExplorerResult
        ``numbers``: ``{"test_accuracy_mean", "test_accuracy_sd", "test_accuracy_min",
        "test_accuracy_max", "test_loss_mean", "train_loss_mean", "diverged", "n_seeds",
        "T", "t_warm", "lr_max"}`` (final values); ``curves``: ``{"k", "t", "lr",
        "train_loss", "test_loss", "test_accuracy"}`` (means over seeds); ``raw``: the
        :class:`~lrsched.network.TrainRecord`.
    """
    requested = {"family": family, "peak": peak, "warmup_pct": warmup_pct,
                 "optimizer": optimizer, "n_seeds": n_seeds}  # fmt: skip
    built = build_network_schedule(family, peak=peak, warmup_pct=warmup_pct)
    optimizer = check_choice("optimizer", optimizer, tuple(NETWORK_OPTIMIZERS))
    n_seeds = check_int("n_seeds", n_seeds, low=1, high=_MAX_SEEDS)
    painter = _NetworkPainter.get(figure)
    T, t_warm, peak = built.params["T"], built.params["t_warm"], built.params["peak"]
    lr = lr_values(built.schedule, T)
    rec = train(
        MLP(NETWORK_SIZES), _optimizer(optimizer), _data(), np.tile(lr, (n_seeds, 1)),
        np.arange(n_seeds), batch_size=NETWORK_BATCH, eval_steps=NETWORK_EVAL_STEPS,
        record_batch_loss=False,
    )  # fmt: skip
    mean = {name: getattr(rec, name).mean(axis=0)
            for name in ("train_loss", "test_loss", "test_accuracy")}  # fmt: skip
    acc = rec.test_accuracy[:, -1]
    n_div = int(rec.diverged.sum())
    numbers = {
        "test_accuracy_mean": float(acc.mean()),
        "test_accuracy_sd": float(acc.std(ddof=1)) if n_seeds > 1 else 0.0,
        "test_accuracy_min": float(acc.min()),
        "test_accuracy_max": float(acc.max()),
        "test_loss_mean": float(rec.test_loss[:, -1].mean()),
        "train_loss_mean": float(rec.train_loss[:, -1].mean()),
        "diverged": n_div,
        "n_seeds": n_seeds,
        "T": T,
        "t_warm": t_warm,
        "lr_max": float(lr.max()),
    }
    notes = list(built.notes)
    if n_div:
        notes.append(f"{n_div} of {n_seeds} runs diverged (loss above {rec.max_loss:.3g}); "
                     "they count in the means as chance accuracy and that loss")  # fmt: skip
    opt_label = NETWORK_OPTIMIZERS[optimizer]
    title = (
        f"{built.label}, peak {peak:g}, warm-up {t_warm}/{T}, {opt_label}: held-out accuracy "
        f"{numbers['test_accuracy_mean']:.4f} ± {numbers['test_accuracy_sd']:.4f} "
        f"over {n_seeds} seeds, {n_div} diverged"
    )
    k = np.asarray(rec.eval_steps)
    t = np.arange(T)
    fig_title = (
        f"{built.label}, peak {peak:g}, warm-up {t_warm}/{T}: held-out accuracy "
        f"{numbers['test_accuracy_mean']:.3f} ± {numbers['test_accuracy_sd']:.3f}, "
        f"{n_div}/{n_seeds} diverged"
    )
    painter.paint(k, rec, mean, t, lr, fig_title)
    painter.set_notes(notes)
    div_at = sorted(int(s) for s in rec.diverged_at[rec.diverged])
    alt = _alt(_alt_text(built.label, peak, t_warm, T, opt_label, numbers, numbers["lr_max"],
                         div_at), notes)  # fmt: skip
    return ExplorerResult(
        kind="network",
        figure=painter.fig,
        legend=painter.legend.labels,
        title=title,
        requested=requested,
        params={
            **built.params,
            "optimizer": optimizer,
            "n_seeds": n_seeds,
            "sizes": NETWORK_SIZES,
            "batch_size": NETWORK_BATCH,
            "eval_steps": NETWORK_EVAL_STEPS,
        },  # fmt: skip
        numbers=numbers,
        columns=("final, over seeds", "value"),
        table=(
            ("held-out accuracy, mean", numbers["test_accuracy_mean"]),
            ("held-out accuracy, std", numbers["test_accuracy_sd"]),
            ("held-out accuracy, min", numbers["test_accuracy_min"]),
            ("held-out accuracy, max", numbers["test_accuracy_max"]),
            ("held-out loss, mean", numbers["test_loss_mean"]),
            ("training loss, mean", numbers["train_loss_mean"]),
            ("diverged runs", n_div),
        ),
        notes=tuple(notes),
        curves={"k": k, "t": t, "lr": lr, **mean},
        schedule=built.schedule,
        raw=rec,
        alt=alt,
    )


# ----------------------------------------------------------------------------- the explorer

_NETWORK_SPECS: dict[str, _Spec] = {
    "family": _Spec("choice", options=_options(NETWORK_FAMILIES), description="schedule"),
    "peak": _Spec("log", 1e-3, 1.0, description="peak rate", tooltip="peak learning rate"),
    "warmup_pct": _Spec(
        "int", 0, 30, 1, description="warm-up %", tooltip="warm-up length in percent of T"
    ),
}


def network_explorer(
    family: str = "cosine",
    *,
    peak: float = 0.1,
    warmup_pct: int = 0,
    optimizer: str = "sgd_momentum",
    n_seeds: int = NETWORK_SEEDS,
    show: bool | None = None,
) -> W.interactive:
    """Schedule family x peak rate x warm-up length: a small network trained on every move.

    Each change calls :func:`draw_network`, which trains ``n_seeds`` seeds of the
    network afresh and prints the final held-out accuracy (mean, standard deviation,
    lowest, highest), the final losses and the number of diverged runs.

    Parameters
    ----------
    family, peak, warmup_pct
        Initial values of the controls (see :func:`build_network_schedule`); ``peak`` in
        [1e-3, 1] (a 1-2-3-5 grid), ``warmup_pct`` in [0, 30].
    optimizer : {"sgd_momentum", "adam"}
        Fixed optimizer (not a control).
    n_seeds : int
        Fixed number of seeds (not a control), in [1, 10].
    show : bool, optional
        See :func:`schedule_explorer`.

    Returns
    -------
    ipywidgets.interactive
    """
    optimizer = check_choice("optimizer", optimizer, tuple(NETWORK_OPTIMIZERS))
    n_seeds = check_int("n_seeds", n_seeds, low=1, high=_MAX_SEEDS)
    values = {"family": family, "peak": peak, "warmup_pct": warmup_pct}
    return _explorer(
        draw_network, _NETWORK_SPECS, values, fixed={"optimizer": optimizer, "n_seeds": n_seeds},
        continuous=False, show=show,
    )  # fmt: skip
