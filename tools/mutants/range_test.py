"""Mutants of :mod:`lrsched.range_test`: the grid, the sequential test, the suggestion rules."""

from __future__ import annotations

from .core import _r

RANGE = [
    _r(
        "curve-zero-rate",
        "if np.any(lr <= 0):",
        "if np.any(lr < 0):",
        "a curve may contain the rate 0",
    ),
    _r(
        "curve-equal-rates",
        "if np.any(np.diff(lr) <= 0):",
        "if np.any(np.diff(lr) < 0):",
        "a curve may repeat a rate",
    ),
    _r(
        "curve-nonfinite",
        "if not np.all(np.isfinite(arr)):",
        "if False:",
        "a curve may contain NaN or inf",
    ),
    _r(
        "sweep-fastai-grid",
        "u = np.arange(n, dtype=np.float64) / (n - 1)",
        "u = np.arange(n, dtype=np.float64) / n",
        "lr_sweep's interior follows fastai's i/n grid",
    ),
    _r(
        "sweep-equal-ends",
        "if lr_min >= lr_max:",
        "if lr_min > lr_max:",
        "lr_sweep accepts lr_min == lr_max",
    ),
    _r(
        "sweep-linear-offset",
        "out = lr_min + u * (lr_max - lr_min)",
        "out = u * (lr_max - lr_min)",
        "linear sweep drops the lr_min offset",
    ),
    _r(
        "steepest-per-index",
        "g = np.gradient(lo, x)",
        "g = np.gradient(lo)",
        "suggest_steepest differentiates per index, not per log10(lr)",
    ),
    _r(
        "steepest-natural-log",
        "g = np.gradient(lo, x)",
        "g = np.gradient(lo, lr)",
        "suggest_steepest differentiates per unit of lr",
    ),
    _r(
        "min-div10-constant",
        "return float(lr[int(np.argmin(lo))] / 10.0)",
        "return float(lr[int(np.argmin(lo))] / 1.0)",
        "suggest_min_div10 forgets the /10",
    ),
    _r(
        "valley-nonstrict",
        "higher = lo[:i] > lo[i]",
        "higher = lo[:i] >= lo[i]",
        "valley counts flat stretches as descending",
    ),
    _r(
        "valley-start-quirk",
        "max_start = max_end - int(lds[max_end]) if lds[max_end] > 1 else 0",
        "max_start = max_end - int(lds[max_end]) + 1 if lds[max_end] > 1 else 0",
        "valley starts at the first point of the valley (fastai's quirk dropped)",
    ),
    _r(
        "valley-half-section",
        "idx = max_start + int(sections) + int(sections / 2)",
        "idx = max_start + int(sections)",
        "valley drops the half section",
    ),
    _r(
        "stop-nonstrict",
        "if factor is not None and sm > factor * best:",
        "if factor is not None and sm >= factor * best:",
        "range test stops when the loss equals factor x best (strict > dropped)",
    ),
    _r(
        "stop-raw-best",
        "best = min(best, sm)",
        "best = min(best, loss)",
        "range test compares with the best raw loss instead of the best smoothed one",
    ),
    _r(
        "ema-no-debias",
        "sm = avg / (1.0 - beta ** (i + 1))",
        "sm = avg",
        "range test drops the EMA bias correction",
    ),
    _r(
        "ema-weight",
        "avg = beta * avg + (1.0 - beta) * loss",
        "avg = beta * avg + loss",
        "range test EMA drops the (1 - beta) weight",
    ),
    _r(
        "stop-inf-continues",
        "if not math.isfinite(loss):",
        "if math.isnan(loss):",
        "range test carries on after an infinite loss",
    ),
    _r(
        "stop-factor-one",
        'check_real("stop_factor", stop_factor, low=1.0, low_open=True)',
        'check_real("stop_factor", stop_factor, low=0.0, low_open=True)',
        "range test accepts stop_factor <= 1",
    ),
    _r(
        "smooth-one",
        'check_real("smooth", smooth, low=0.0, high=1.0, high_open=True)',
        'check_real("smooth", smooth, low=0.0, high=1.0)',
        "range test accepts smooth = 1 (the EMA never moves)",
    ),
    _r(
        "trim-keeps-nonfinite",
        "lrs, ys = lrs[: bad[0]], ys[: bad[0]]",
        "lrs, ys = lrs[: bad[0] + 1], ys[: bad[0] + 1]",
        "trimmed keeps the first non-finite point",
    ),
    _r(
        "trim-end-off-by-one",
        "stop = len(y) - skip_end",
        "stop = len(y) - skip_end + 1",
        "trimmed drops one point too few at the end",
    ),
    _r(
        "trim-start-recorded",
        "self.n_planned // 10\n            if skip_start is None",
        "len(self.lrs) // 10\n            if skip_start is None",
        "trimmed skips a tenth of the recorded, not the planned, points",
    ),
    _r(
        "suggestions-two-points",
        "if lrs.size < 3:",
        "if lrs.size < 2:",
        "suggestions accepts a 2-point curve",
    ),
    _r(
        "one-step-curvature",
        "e1 = e0 * (1.0 - 2.0 * a)  # theta_1 - c",
        "e1 = e0 * (1.0 - a)  # theta_1 - c",
        "one_step_losses uses curvature 1 instead of 2",
    ),
    _r(
        "useful-below-nonstrict",
        "below = lo < l0",
        "below = lo <= l0",
        "useful_range's band includes losses equal to the start",
    ),
    _r(
        "useful-helps-nonstrict",
        "if not lo[k] < l0:",
        "if not lo[k] <= l0:",
        "useful_range accepts a curve that never goes below the start",
    ),
    _r(
        "useful-no-drop",
        "target = (1.0 - min_drop) * l0",
        "target = l0",
        "useful_range ignores min_drop",
    ),
    _r(
        "useful-drop-strict",
        "ok = np.flatnonzero(lo[i0 : k + 1] <= target)",
        "ok = np.flatnonzero(lo[i0 : k + 1] < target)",
        "useful_range's low needs a drop strictly beyond min_drop",
    ),
    _r(
        "useful-high-last",
        "while i1 < lo.size - 1 and below[i1 + 1]:",
        "while i1 < lo.size - 2 and below[i1 + 1]:",
        "useful_range's high never reaches the last rate",
    ),
    _r(
        "useful-low-fallback",
        "i_low = i0 + int(ok[0]) if ok.size else k",
        "i_low = i0 + int(ok[0]) if ok.size else i0",
        "useful_range's low falls back to the band's start instead of the best rate",
    ),
    _r(
        "step-fn-bool-loss",
        "if isinstance(out, (bool, np.bool_)) or not isinstance(out, numbers.Real):",
        "if not isinstance(out, numbers.Real):",
        "range test accepts True/False as a loss",
    ),
    _r(
        "sweep-endpoints",
        "out[0], out[-1] = lr_min, lr_max",
        "out[0] = lr_min",
        "lr_sweep's last rate is the rounded formula, not exactly lr_max",
    ),
    _r(
        "valley-last-maximum",
        "max_end = int(np.argmax(lds))",
        "max_end = int(lds.size - 1 - np.argmax(lds[::-1]))",
        "valley takes the last of equally long descents instead of the first (fastai)",
    ),
]
