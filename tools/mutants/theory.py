"""Mutants of :mod:`lrsched.theory`: the exact expected-loss recursion, floors and optimum."""

from __future__ import annotations

from .core import _t

THEORY = [
    _t(
        "theory-factor-sign",
        "f = 1.0 - lam1 * a",
        "f = 1.0 + lam1 * a",
        "1-D recursion contracts by 1 + lambda*alpha",
    ),
    _t(
        "theory-noise-unsquared",
        "noise = an * an  # (a sigma)^2",
        "noise = an * sigma  # (a sigma)^2",
        "1-D noise term alpha*sigma^2 instead of alpha^2*sigma^2",
    ),
    _t(
        "theory-noise-dropped",
        "noise = an * an  # (a sigma)^2",
        "noise = 0.0 * an  # (a sigma)^2",
        "1-D recursion drops the noise term",
    ),
    _t(
        "theory-reset-variance",
        "m1, b1, w1 = noise, 0.0, noise",
        "m1, b1, w1 = noise, 0.0, 0.0",
        "a step with alpha = 1/lambda resets the variance part to 0 (loses the noise)",
    ),
    _t(
        "theory-reset-total",
        "m1, b1, w1 = noise, 0.0, noise",
        "m1, b1, w1 = 0.0, 0.0, noise",
        "a step with alpha = 1/lambda resets the total to 0",
    ),
    _t(
        "theory-reset-branch-dropped",
        "if f2 == 0.0:  # the step resets",
        "if False:  # the step resets",
        "1-D: no special case for a reset step after an overflow (0 * inf = NaN)",
    ),
    _t(
        "theory-start-variance",
        "b1, w1 = m1, 0.0",
        "b1, w1 = m1, m1",
        "1-D variance part starts at m0 instead of 0",
    ),
    _t(
        "theory-var-noise",
        "w1 = (f2 * w1 if w1 else 0.0) + noise",
        "w1 = f2 * w1 if w1 else 0.0",
        "1-D variance part drops the noise term",
    ),
    _t(
        "theory-nd-kill-dropped",
        "m = np.where((f2 == 0.0) | (m == 0.0), 0.0, f2 * m) + noise",
        "m = np.where(m == 0.0, 0.0, f2 * m) + noise",
        "n-D recursion: no special case for a reset step (0 * inf = NaN)",
    ),
    _t(
        "theory-nd-var-noise",
        "w = np.where((f2 == 0.0) | (w == 0.0), 0.0, f2 * w) + noise",
        "w = np.where((f2 == 0.0) | (w == 0.0), 0.0, f2 * w)",
        "n-D variance part drops the noise term",
    ),
    _t(
        "theory-nd-bias-noise",
        "b = np.where((f2 == 0.0) | (b == 0.0), 0.0, f2 * b)",
        "b = np.where((f2 == 0.0) | (b == 0.0), 0.0, f2 * b) + noise",
        "n-D bias part gains the noise term",
    ),
    _t(
        "theory-nd-var-start",
        "var[0] = 0.0",
        "var[0] = start",
        "n-D variance part starts at e0^2 instead of 0",
    ),
    _t(
        "theory-half-lambda",
        "out = 0.5 * curvature * total[:, 0]",
        "out = curvature * total[:, 0]",
        "expected_loss drops the 1/2 of lambda/2",
    ),
    _t(
        "theory-start-unsquared",
        'return _exact_float(e * e, "(theta0 - c)**2 from theta0 and c")',
        'return _exact_float(abs(e), "(theta0 - c)**2 from theta0 and c")',
        "the 1-D theory starts from |theta0 - c| instead of its square",
    ),
    _t(
        "theory-curvature-zero",
        'curvature = check_real("curvature", curvature, low=0.0, low_open=True)\n'
        "    return T, c, theta0, sigma, curvature",
        'curvature = check_real("curvature", curvature, low=0.0)\n'
        "    return T, c, theta0, sigma, curvature",
        "1-D theory accepts curvature 0",
    ),
    _t(
        "theory-T-zero",
        'T = check_count("T", T, low=1)\n    c = check_real',
        'T = check_count("T", T, low=0)\n    c = check_real',
        "1-D theory accepts T = 0",
    ),
    _t(
        "theory-overflow-silent",
        'if overflow == "raise" and bad.any():',
        'if overflow == "never" and bad.any():',
        "an overflowing expected loss comes back as inf instead of a ValueError",
    ),
    _t(
        "floor-lambda-2",
        "floor = a * Fraction(sigma) ** 2 / (2 * (2 - a * lam))",
        "floor = a * Fraction(sigma) ** 2 / (4 * (1 - a))",
        "noise_floor hard-codes lambda = 2",
    ),
    _t(
        "floor-alpha-limit",
        "if a * lam >= 2:  # exact",
        "if a * lam > 2:  # exact",
        "noise_floor accepts alpha = 2/lambda (no fixed point)",
    ),
    _t(
        "floor-nd-lambda-min",
        "lam_max = float(lam.max())",
        "lam_max = float(lam.min())",
        "noise_floor_nd's limit uses the smallest eigenvalue",
    ),
    _t(
        "floor-nd-mean",
        "floor = float(math.fsum(per_mode.tolist()))",
        "floor = float(math.fsum(per_mode.tolist())) / per_mode.size",
        "noise_floor_nd averages the modes instead of summing them",
    ),
    _t(
        "optimal-drop-noise",
        "B = Fraction(sigma) ** 2 / (lam * e * e)",
        "B = Fraction(0) * Fraction(sigma) ** 2 / (lam * e * e)",
        "optimal_schedule drops the sigma^2/(lambda m0) term",
    ),
    _t(
        "optimal-off-by-one",
        "t1 = np.arange(1, T + 1, dtype=np.float64)",
        "t1 = np.arange(2, T + 2, dtype=np.float64)",
        "optimal_schedule one step late",
    ),
    _t(
        "optimal-r-lambda",
        "B = Fraction(sigma) ** 2 / (lam * e * e)",
        "B = Fraction(sigma) ** 2 / (lam * lam * e * e)",
        "optimal_schedule's offset uses lambda^2 m0 instead of lambda m0",
    ),
    _t(
        "optimal-loss-sigma-zero",
        "if e == 0 or sigma == 0.0:",
        "if e == 0:",
        "optimal_expected_loss divides by sigma = 0",
    ),
    _t(
        "optimal-loss-lambda-squared",
        "best = lam / 2 / (1 / (e * e) + T * lam * lam / (s * s))",
        "best = lam / 2 / (1 / (e * e) + T * lam / (s * s))",
        "optimal_expected_loss uses T lambda instead of T lambda^2",
    ),
    _t(
        "nd-start-unsquared",
        "start_m = e0 * e0",
        "start_m = np.abs(e0)",
        "n-D theory starts from |e0| instead of e0^2",
    ),
    _t(
        "nd-unweighted",
        "curve = 0.5 * (np.where(total == 0.0, 0.0, total) @ lam)",
        "curve = 0.5 * np.where(total == 0.0, 0.0, total).sum(axis=1)",
        "expected_loss_nd forgets the lambda_i weights",
    ),
    _t(
        "floor-nd-overflow",
        "if not math.isfinite(floor):",
        "if False:",
        "noise_floor_nd returns inf for a floor beyond float64",
    ),
    _t(
        "overflow-names-last-update",
        "k = int(np.flatnonzero(bad)[0])",
        "k = int(np.flatnonzero(bad)[-1])",
        "the overflow error names the last overflowing update, not the first",
    ),
]
