"""T2 `adam-diagonal`: Algorithm A on diagonal quadratics (the paper's Theorem 2; docs/claims.md T2; abstract).

For diagonal Q, with constant probability over the random initialisation, Algorithm A's iteration
complexity is O(min(d, kappa) log(1/eps)) (a third-party restatement: min(d + 1, kappa), up to log factors);
GD's is Theta(kappa log(1/eps)).

Symbolic evidence: the bound algebra. With phi = 2 B lambda_min and beta2 = 1, H_0 = diag(min(1/|x_j|, lambda_j/phi))
(docs/claims.md F3), so cond(H_0) <= kappa always and <= d + 1 on the event min_j |x_j| >= 2B/(d+1) (probability
>= 1/e, F3). The pseudo-linear iteration (F4) with alpha = 2/(sigma_min + sigma_max) contracts f by
((c-1)/(c+1))^2 per step, c = cond(H_0), hence T <= (c/4) log(1/eps) + 1 <= (min(d+1, kappa)/4) log(1/eps) + 1.
The crossover algebra: min(d+1, kappa) <= kappa/C  <=>  d + 1 <= kappa/C, so d* ~ kappa^1.

Decision (explicit finite forms, provenance "derived"), one per regime the claim states (Claim.regimes; a PASS
covers both and says so):

- beta2 = 1 (delta = 0, alpha tuned): ``explicit-derivation`` derives T <= (min(d+1, kappa)/4) log(1/eps) + 1 on the
  F3 event in the function-value criterion the counts use (f(x_k) <= eps f(x_0)), every link a signed inequality, and
  proves the claimed constant at least the derived 1/4; ``explicit-bound`` checks P(T <= that) >= (1 - 1/(d+1))^d on
  every (d, kappa, spectrum) of the claim, with exact closed-form counts and Clopper-Pearson intervals.
- beta2 < 1 (beta2 = 0.9 and 0.99, delta = 1, alpha = alpha* = 2/(h_min/(1+delta) + h_max/delta)):
  ``adaptive-derivation`` derives, for every beta2 in (0, 1] and delta > 0, that each coordinate contracts at rate
  (c'-1)/(c'+1), c' = cond(h)(1+delta)/delta, so T <= ((1+delta)/(4 delta)) min(d+1, kappa) log(1/eps) + 1 on the F3
  event; ``adaptive-bound`` checks P(T <= (min(d+1, kappa)/2) log(1/eps) + 1) >= (1 - 1/(d+1))^d by literal runs.
  Without the offset (delta = 0) Algorithm A settles on T6's period-2 orbit: the mutant ``adaptive-no-offset``.

Evidence of the shape (scaling kind, supporting, log factors allowed as in the restatement): a sweep over d, kappa,
spectra and methods (Algorithm A with beta2 = 1, and with the schedule beta2 < 1 where it is more than 1e-4 below 1,
tuned; GD, tuned), the 1/e seed quantile, local exponents at the
large end with bootstrap intervals (also of T/(min(d+1, kappa) log(1/eps)), whose constant fitted on small cells is
reported as a finding), and a separate crossover sweep for the exponent p of d* ~ kappa^p.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from proofcheck import Claim, Symbolic, covering, equal, fact, reaches, supporting
from proofcheck.checks.scaling import Crossover, Measurement, Plot, Ratio, Slope, Sweep

from ._common.explicit import (AdaptiveBound, AdaptiveChain, Chain, ExplicitBound, adaptive_diagonal_links,
                               alpha_star_diagonal, f1_constant, f1_links, frozen_step)
from ._common.init import random_init
from ._common.quadratics import spectrum
from ._common.tuning import (ADAM, ADAM_B2, GD, GRID, beta2_schedule, confirm_adam_run, confirm_gd_count, measure_batch,
                             schedule_is_beta2_one)

B = 1.0
EPS = 1e-12  # small enough that the slowest direction matters: it carries >~ 1/(d kappa) >= 4e-9 of f_0 on this grid
DELTA = 0.0
PROBABILITY = 1 / math.e  # F3: P(min_j |x_j| >= 2B/(d+1)) = (1 - 1/(d+1))^d >= 1/e
ADAM_CAP = 8.0  # Algorithm A is capped at 8 min(d+1, kappa) log(1/eps) + 50 iterations (32x the predicted 1/4)
GD_CAP = 10.0  # GD (closed form) at 10 kappa log(1/eps)
SETTLE = 0.75  # beta2 < 1 runs stop once 75% of the seeds converged (quantile 1/e and its bootstrap need fewer)

# The regimes the claim states (Claim.regimes): each is decided by its own deciding checks (proofcheck.covering).
BETA2_ONE, BETA2_BELOW_ONE = "beta2 = 1", "beta2 < 1"
REGIMES = {BETA2_ONE: "beta2 = 1, delta = 0, alpha tuned",
           BETA2_BELOW_ONE: "beta2 in {0.9, 0.99}, delta = 1, alpha = alpha*"}

D_VALUES = [2, 4, 8, 16, 32, 64, 128, 256, 512]
KAPPA_VALUES = [10.0, 1e2, 1e3, 1e4, 1e5, 1e6]
SPECTRA = ["logspaced", "two-cluster", "outlier"]
CROSS_D = [2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024]
CROSS_KAPPA = [8.0, 32.0, 128.0]


def claimed_bound(cell: dict) -> float:
    """g = min(d+1, kappa) log(1/eps): Theorem 2 in the third-party form."""
    return min(cell["d"] + 1, cell["kappa"]) * math.log(1 / cell.get("eps", EPS))


def log_d_bound(cell: dict) -> float:
    """The mutant's bound log(d) log(1/eps) (an exponent lowered: min(d, kappa) replaced by log d)."""
    return math.log(cell["d"]) * math.log(1 / cell.get("eps", EPS))


def adam_cap(d: int, kappa: float, eps: float) -> int:
    return int(math.ceil(ADAM_CAP * min(d + 1, kappa) * math.log(1 / eps))) + 50


def measure(cell: dict, seeds: list) -> Measurement:
    """Tuned T(eps) of the cell's method on diag(spectrum), one random initialisation per seed (shared across methods)."""
    d, kappa, eps = int(cell["d"]), float(cell["kappa"]), cell.get("eps", EPS)
    lam = spectrum(d, kappa, cell.get("spectrum", "logspaced"))
    X0 = np.stack([random_init(d, B, np.random.default_rng(s)) for s in seeds])
    Q = np.tile(lam, (len(seeds), 1))
    method = cell["method"]
    cap = int(math.ceil(GD_CAP * kappa * math.log(1 / eps))) if method == GD else adam_cap(d, kappa, eps)
    b2 = beta2_schedule(d, kappa, eps)
    tuned, how = measure_batch(method, Q, X0, eps=eps, phi=2 * B * 1.0, delta=DELTA, cap=cap, diagonal=True, beta2=b2,
                               settle=SETTLE)
    cap = tuned.cap
    per_seed = [{"step": float(s), "T": None if c else int(t)} for s, t, c in zip(tuned.step, tuned.T, tuned.capped)]
    return Measurement(T=[0 if c else t for t, c in zip(tuned.T, tuned.capped)], capped=tuned.capped.tolist(), cap=cap,
                       per_seed=per_seed, info=how, backend=how["backend"])


def confirm(cell: dict, seed: int, record: dict) -> dict:
    """Re-run the quantile seed of a cell at high precision (MPFR via highprec.adam_hp, mpmath's closed form for GD)
    with its tuned step; compare the counts."""
    d, kappa, eps = int(cell["d"]), float(cell["kappa"]), cell.get("eps", EPS)
    lam = spectrum(d, kappa, cell.get("spectrum", "logspaced"))
    x0 = random_init(d, B, np.random.default_rng(seed))
    if cell["method"] == GD:
        return confirm_gd_count(lam, x0, record["step"], eps, record["T"], diagonal=True)
    b2 = 1.0 if cell["method"] == ADAM else beta2_schedule(d, kappa, eps)
    return confirm_adam_run(lam, x0, record["step"], b2, 2 * B, DELTA, eps, record["T"], diagonal=True)


def confirm_cost(cell: dict, T: float) -> float:
    """Rank cells for high-precision re-runs: GD's closed form is cheap at any T, so the largest counts first; Algorithm A
    is re-run literally, so the cells whose work T d is nearest 2e4 (informative but affordable in mpmath) first."""
    if cell["method"] == GD:
        return -math.log(T + 1)
    return abs(math.log((T + 1) * cell["d"] / 2e4))


def _in(values, allowed):
    return [v for v in values if v in allowed]


def axes(ctx) -> dict:
    return {
        "d": ctx.pick([2, 8, 32, 128], [2, 8, 32, 128, 256], [2, 4, 8, 16, 32, 64, 128, 256, 512]),
        "kappa": ctx.pick([10.0, 1e3, 1e5], [10.0, 1e2, 1e4, 1e6], KAPPA_VALUES),
        "spectrum": ctx.pick(["logspaced"], SPECTRA),
        "method": ctx.pick([ADAM, GD], [ADAM, ADAM_B2, GD]),
        "eps": [EPS],
    }


def cross_axes(ctx) -> dict:
    return {
        "kappa": ctx.pick([8.0, 32.0], CROSS_KAPPA, CROSS_KAPPA + [512.0]),
        "d": CROSS_D,
        "spectrum": ctx.pick(["two-cluster"], ["two-cluster", "logspaced"]),
        "method": [ADAM, GD],
        "eps": [EPS],
    }


is_adam = lambda c: c["method"] != GD


def derivation(ctx, gd_exponent=1.0):
    """The structure of H_0 behind cond(H_0) <= min(d+1, kappa), the crossover exponent and GD's slope, written
    unevaluated (sides differ as written). F1's constant 1/4 is derived once, in ``explicit_derivation``."""
    lam, x, lmin, Bs, w = sp.symbols("lambda_j a lambda_min B w", positive=True)
    e, d, kap, C = sp.symbols("epsilon d kappa C", positive=True)
    with sp.evaluate(False):
        entry_big = lam / sp.Max(lam * x, lam * x / (1 + w))  # lambda_j |x_j| >= phi: phi = lambda_j |x_j|/(1 + w)
        entry_small = lam / sp.Max(lam * x, lam * x * (1 + w))  # lambda_j |x_j| < phi
        floor = sp.Min(1 / (2 * Bs), (lmin + lam) / (2 * Bs * lmin))  # |x_j| <= 2B, lambda_j = lambda_min + (>= 0)
        cond_kappa = (kap * lmin / (2 * Bs * lmin)) / (1 / (2 * Bs))
        crossing = sp.Eq(d + 1, kap / C)
        gd = sp.Limit((sp.log(1 / e) / (2 * sp.log((kap + 1) / (kap - 1)))) / kap, kap, sp.oo)
        t_gd = sp.log(1 / e) / (2 * sp.log((kap + 1) / (kap - 1)))
        gd_slope_ = sp.Limit(kap * sp.Derivative(sp.log(t_gd), kap), kap, sp.oo)  # d log T_GD / d log kappa
    return [
        equal("H_0 entry lambda_j / max(lambda_j |x_j|, phi) is 1/|x_j| when lambda_j |x_j| >= phi", entry_big, 1 / x),
        equal("and lambda_j/phi when lambda_j |x_j| < phi", entry_small, 1 / (x * (1 + w))),
        equal("with |x_j| <= 2B and phi = 2B lambda_min every entry is >= 1/(2B): min(1/(2B), lambda_j/(2B lambda_min)) "
              "= 1/(2B) as lambda_j >= lambda_min", floor, 1 / (2 * Bs)),
        equal("so cond(H_0) <= (lambda_max/(2B lambda_min)) / (1/(2B)) = kappa", cond_kappa, kap),
        equal("crossover: min(d+1, kappa) = kappa/C at d + 1 = kappa/C, i.e. d* = kappa/C - 1 ~ kappa^1",
              sp.solve(crossing, d)[0], kap / C - 1),
        equal("GD: T_GD = log(1/eps)/(2 log((kappa+1)/(kappa-1))) ~ (kappa/4) log(1/eps) (F1)", gd, sp.log(1 / e) / 4),
        equal("so GD's slope d log T_GD / d log kappa tends to the claimed exponent", gd_slope_, sp.nsimplify(gd_exponent)),
    ]


# -- the explicit finite form (provenance: derived; docs/claims.md, "Finite forms of the headline theorems") ------------------------

EXPLICIT_CONSTANT = sp.Rational(1, 4)  # T <= (min(d+1, kappa)/4) log(1/eps) + 1 on the F3 event (F1 + F3)
TIGHTENED_DIVISOR = 4  # the mutant: constant 1/16, below the measured largest quantile T/bound (about 0.9 at 1/4)


def f3_event(case, Q, X0, g0):
    """F3: min_j |x_0^(j)| >= 2B/(d+1), probability (1 - 1/(d+1))^d >= 1/e."""
    return np.min(np.abs(X0), axis=1) >= 2 * B / (case["d"] + 1)


def explicit_chain(constant=EXPLICIT_CONSTANT) -> Chain:
    return Chain(event_name="F3: min_j |x_0^(j)| >= 2B/(d+1)",
                 instance=lambda c: (spectrum(int(c["d"]), float(c["kappa"]), c["spectrum"]), 2 * B, True),
                 event=f3_event, cond_bound=lambda c: min(c["d"] + 1, c["kappa"]),
                 probability=lambda c: (1 - 1 / (c["d"] + 1)) ** c["d"], constant=float(constant), eps=EPS, B=B,
                 statement=f"T <= {float(constant):g} min(d+1, kappa) log(1/eps) + 1")


def explicit_cases(ctx) -> list:
    """Every (d, kappa, spectrum) of the claim's parameters (d <= 256 at standard), intersected with the selection."""
    from proofcheck.selection import narrow

    d = ctx.pick([2, 8, 64], D_VALUES[:-1], D_VALUES)  # standard: d <= 256, as the sweep (d = 512 doubles the cost)
    kappa = ctx.pick([10.0, 1e4], KAPPA_VALUES)
    spectra = ctx.pick(["logspaced"], SPECTRA)
    sel = ctx.selection or {}
    return [{"d": a, "kappa": b, "spectrum": c} for a in narrow(d, sel, "d") for b in narrow(kappa, sel, "kappa")
            for c in narrow(spectra, sel, "spectrum")]


def event_links():
    """F3's event => cond(H_0) <= d + 1, as checked inequalities: H_0's entries h_j = min(1/|x_j|, lambda_j/phi)
    (F3) lie in [1/(2B), (d+1)/(2B)] when 2B/(d+1) <= |x_j| <= 2B and phi = 2B lambda_min."""
    Bs, d, s, w, lmin = sp.symbols("B d s w lambda_min", positive=True)
    with sp.evaluate(False):
        upper = (d + 1) / (2 * Bs) - 1 / (2 * Bs / (d + 1) + s)  # |x_j| = 2B/(d+1) + s on the event
        lower_x = 1 / (2 * Bs / (1 + w)) - 1 / (2 * Bs)  # |x_j| = 2B/(1+w) <= 2B
        lower_phi = lmin * (1 + w) / (2 * Bs * lmin) - 1 / (2 * Bs)  # lambda_j = lambda_min (1+w) >= lambda_min
        ratio = ((d + 1) / (2 * Bs)) / (1 / (2 * Bs))
    return [
        fact("F3 event: |x_j| = 2B/(d+1) + s (s >= 0) gives h_j <= 1/|x_j| <= (d+1)/(2B)", sp.Ge(upper, 0)),
        fact("|x_j| = 2B/(1+w) <= 2B gives 1/|x_j| >= 1/(2B)", sp.Ge(lower_x, 0)),
        fact("and lambda_j/phi >= 1/(2B) as lambda_j = lambda_min (1+w) >= lambda_min, phi = 2B lambda_min",
             sp.Ge(lower_phi, 0)),
        equal("so on the F3 event cond(H_0) <= ((d+1)/(2B)) / (1/(2B)) = d + 1 (and always <= kappa: "
              "bound-algebra)", ratio, d + 1),
    ]


def explicit_derivation(constant):
    """F1 + F3 => T <= C min(d+1, kappa) log(1/eps) + 1 with the derived C = 1/4; ``constant`` is the claimed C, and
    the last step proves claimed C >= derived C (a larger claimed constant is a weaker claim, which follows)."""

    def steps(ctx):
        return [*f1_links(), *event_links(),
                reaches("the claimed constant C of T <= C min(d+1, kappa) log(1/eps) + 1 is at least the chain's: "
                        "lim_c T_F1/(c log(1/eps))", sp.nsimplify(constant), f1_constant())]

    return steps


def explicit_checks(constant=EXPLICIT_CONSTANT) -> list:
    chain = explicit_chain(constant)
    return [covering(Symbolic("explicit-derivation", explicit_derivation(constant),
                              f"derived (F1 + F3): T <= (min(d+1, kappa)/4) log(1/eps) + 1 on the F3 event; claimed "
                              f"constant {float(constant):g} >= the derived 1/4"), BETA2_ONE),
            covering(ExplicitBound("explicit-bound", chain, explicit_cases, samples=(256, 384, 1024),
                                   description=f"derived explicit form: P(T <= {float(constant):g} min(d+1, kappa) "
                                               "log(1/eps) + 1) >= (1 - 1/(d+1))^d, tuned beta2 = 1 counts in closed "
                                               "form, Clopper-Pearson"), BETA2_ONE)]


# -- the adaptive regime, beta2 < 1 (provenance: derived; docs/claims.md, "Finite forms of the headline theorems") ------
# Algorithm A with beta2 in (0, 1], an offset delta > 0 (delta_k^(j) = delta r_j) and the step alpha* of
# explicit.alpha_star_diagonal: every coordinate contracts, cond(h) <= min(d+1, kappa) on the F3 event (h = H_0's entries
# at delta = 0), so T <= ((1 + delta)/(4 delta)) min(d+1, kappa) log(1/eps) + 1 there: with delta = 1, the constant 1/2.
# Without the offset (delta = 0) the derivation gives nothing, and Algorithm A with beta2 < 1 settles on T6's period-2
# orbit instead (the mutant "no-offset").

ADAPTIVE_DELTA = 1.0
ADAPTIVE_BETA2 = (0.9, 0.99)  # both below 0.99 + 1e-4: the beta2 < 1 regime (tuning.beta2_regime)
ADAPTIVE_CONSTANT = sp.Rational(1, 2)  # (1 + delta)/(4 delta) at delta = 1


def adaptive_chain(constant=ADAPTIVE_CONSTANT, delta=ADAPTIVE_DELTA, step=alpha_star_diagonal) -> AdaptiveChain:
    return AdaptiveChain(event_name="F3: min_j |x_0^(j)| >= 2B/(d+1)",
                         instance=lambda c: (spectrum(int(c["d"]), float(c["kappa"]), c["spectrum"]), 2 * B, True),
                         event=f3_event, cond_bound=lambda c: min(c["d"] + 1, c["kappa"]),
                         probability=lambda c: (1 - 1 / (c["d"] + 1)) ** c["d"], beta2=lambda c: c["beta2"],
                         delta=float(delta), step=step, constant=float(constant), eps=EPS, B=B,
                         statement=f"T <= {float(constant):g} min(d+1, kappa) log(1/eps) + 1")


def adaptive_cases(beta2s=ADAPTIVE_BETA2):
    """(d, kappa, spectrum, beta2), small d first (a FAIL's witness is then the cheapest one to confirm)."""

    def cases(ctx) -> list:
        from proofcheck.selection import narrow

        sel = ctx.selection or {}
        # without a selection, a grid the budget affords; with one, every selected value of the claim's parameters
        # (so that a narrowed claim is decided where it was asked about)
        d = narrow(D_VALUES, sel, "d") if "d" in sel else ctx.pick([2, 8], [2, 8, 32, 128])
        kappa = narrow(KAPPA_VALUES, sel, "kappa") if "kappa" in sel else ctx.pick([10.0, 1e3], [10.0, 1e3, 1e6])
        spectra = narrow(SPECTRA, sel, "spectrum") if "spectrum" in sel else ctx.pick(["logspaced"], SPECTRA)
        return [{"d": a, "kappa": b, "spectrum": c, "beta2": e} for a in d for b in kappa for c in spectra
                for e in narrow(list(beta2s), sel, "beta2")]

    return cases


def adaptive_derivation(constant, delta):
    """The diagonal adaptive chain (explicit.adaptive_diagonal_links), F1's log step, F3's event, and the claimed
    constant against (1 + delta)/(4 delta) at the claimed delta (at delta = 0 the derivation gives no bound)."""

    def steps(ctx):
        dl, c = sp.symbols("delta c", positive=True)
        with sp.evaluate(False):
            combined = (c * (1 + dl) / dl) / 4
        return [*adaptive_diagonal_links(), *f1_links(), *event_links(),
                equal("with c' = cond(h) (1+delta)/delta and cond(h) <= c: T <= (c'/4) log(1/eps) + 1 <= "
                      "((1+delta)/(4 delta)) c log(1/eps) + 1", combined, (1 + dl) * c / (4 * dl)),
                reaches(f"the claimed constant of T <= C min(d+1, kappa) log(1/eps) + 1 at delta = {float(delta):g} is at "
                        "least the chain's (1+delta)/(4 delta)", sp.nsimplify(constant),
                        sp.Limit((1 + dl) / (4 * dl), dl, sp.nsimplify(delta), "+"))]

    return steps


def adaptive_checks(constant=ADAPTIVE_CONSTANT, delta=ADAPTIVE_DELTA, beta2s=ADAPTIVE_BETA2,
                    step=alpha_star_diagonal) -> list:
    chain = adaptive_chain(constant, delta, step)
    where = f"beta2 in {{{', '.join(f'{b:g}' for b in beta2s)}}}, delta = {float(delta):g}, alpha = {step.__name__}"
    return [covering(Symbolic("adaptive-derivation", adaptive_derivation(constant, delta),
                              f"derived (diagonal Q, delta > 0, any beta2 in (0, 1]): T <= ((1+delta)/(4 delta)) "
                              f"min(d+1, kappa) log(1/eps) + 1 on the F3 event; claimed constant {float(constant):g}"),
                     BETA2_BELOW_ONE),
            covering(AdaptiveBound("adaptive-bound", chain, adaptive_cases(beta2s), samples=(48, 128, 512),
                                   description=f"derived explicit form of the adaptive regime ({where}): "
                                               f"P(T <= {float(constant):g} min(d+1, kappa) log(1/eps) + 1) >= "
                                               "(1 - 1/(d+1))^d, literal runs of Algorithm A, Clopper-Pearson"),
                     BETA2_BELOW_ONE)]


def explicit_reference(cell: dict) -> float:
    """The explicit bound drawn beside Algorithm A's (beta2 = 1) quantiles; nothing for the other methods."""
    return explicit_chain().T_bound_of_cell(cell) if cell["method"] == ADAM else math.nan


def ratio_spec(bound=claimed_bound, label="min(d+1,kappa) log(1/eps)") -> Ratio:
    return Ratio(bound=bound, fit=lambda c: c["d"] <= 32 and c["kappa"] <= 1e4, growth=2.0, where=is_adam,
                 group_by=("method", "spectrum"), label=label, logs=1, tolerance=0.15)


def gd_slope(exponent=1.0) -> Slope:
    return Slope("gd-kappa", "kappa", exponent, "==", 0.1, where=lambda c: c["method"] == GD,
                 description="GD: T = Theta(kappa log 1/eps), slope 1 in kappa")


# The sweep's false variants, built from the same objects as the claim's own tests (so they cannot drift): the
# claim's sweep PASSes only where these FAIL on the same measurements.
SWEEP_MUTANTS = {"bound-log-d": lambda: ratio_spec(log_d_bound, "log(d) log(1/eps)"),
                 "gd-slope-half": lambda: gd_slope(0.5)}


class DiagonalSweep(Sweep):
    """T2's sweeps: tuned counts on diag(spectrum) (``measure``), re-counted at high precision (``confirm``)."""

    probability = PROBABILITY
    confirm_per = "method"

    def measure(self, cell: dict, seeds: list) -> Measurement:
        return measure(cell, seeds)

    def confirm(self, cell: dict, seed: int, record: dict) -> dict:
        return confirm(cell, seed, record)

    def cost(self, cell: dict, T: float) -> float:
        return confirm_cost(cell, T)


class ShapeSweep(DiagonalSweep):
    """Evidence of the shape over d, kappa, spectra and methods: local exponents of T and T/g at the large end.
    ``gd_spec`` is GD's slope (the claim's or its mutant's); ``mutant`` swaps one test for its false variant
    (SWEEP_MUTANTS), else those variants are the sweep's alternatives."""

    name = "scaling-sweep"
    description = "sweep over d, kappa, spectra: local exponents of T and of T/g at the large end (evidence of the shape)"
    seeds = (24, 32, 64)
    confirm_cells = (1, 2, 3)
    plots = [Plot("T-vs-kappa", "kappa", line="d", panel="method", where=lambda c: c["spectrum"] == "logspaced",
                  caption="T quantile against kappa for several d; Algorithm A and GD side by side (log-spaced "
                          "spectrum); dotted: the explicit bound (min(d+1, kappa)/4) log(1/eps) + 1",
                  reference=explicit_reference, reference_label="(min(d+1,kappa)/4) log(1/eps) + 1"),
             Plot("T-vs-d", "d", line="kappa", panel="method", where=lambda c: c["spectrum"] == "logspaced",
                  caption="T quantile against d for several kappa; dotted: the explicit bound",
                  reference=explicit_reference, reference_label="(min(d+1,kappa)/4) log(1/eps) + 1")]

    def __init__(self, gd_spec: Slope, mutant: str | None = None, notes: dict | None = None):
        super().__init__()
        self.slopes = [
            Slope("adam-d-when-kappa>>d", "d", 1.0, "<=", 0.15, where=lambda c: is_adam(c) and c["kappa"] >= 10 * c["d"],
                  logs=1, description="for kappa >> d, T grows at most linearly in d (up to a log factor)"),
            Slope("adam-kappa-when-kappa>>d", "kappa", 0.0, "<=", 0.15,
                  where=lambda c: is_adam(c) and c["kappa"] >= 10 * c["d"], logs=1,
                  description="for kappa >> d, T does not grow with kappa (up to a log factor)"),
            Slope("adam-kappa-when-d>=kappa", "kappa", 1.0, "<=", 0.15, where=lambda c: is_adam(c) and c["d"] >= c["kappa"],
                  logs=1, description="for d >> kappa, T grows at most linearly in kappa (up to a log factor)"),
            gd_spec,
        ]
        self.ratio = SWEEP_MUTANTS["bound-log-d"]() if mutant == "bound-log-d" else ratio_spec()
        self.alternatives = {} if mutant else {name: [make()] for name, make in SWEEP_MUTANTS.items()}
        self.notes = dict(notes or {})

    def axes(self, ctx) -> dict:
        return axes(ctx)

    def admit(self, cell: dict) -> bool:
        # the adam(beta2<1) series only where its schedule is more than 1e-4 below 1: closer, it is the beta2 = 1
        # regime, which the adam(beta2=1) series measures exactly (tuning.schedule_is_beta2_one)
        return cell["method"] != ADAM_B2 or not schedule_is_beta2_one(cell)


class CrossoverSweep(DiagonalSweep):
    """The crossover d*(kappa) of tuned Algorithm A (beta2 = 1) against tuned GD, and its exponent p-hat."""

    name = "crossover"
    description = "crossover d*(kappa) and its exponent p-hat"
    seeds = (8, 16, 32)
    confirm_cells = (1, 1, 2)
    crossovers = [Crossover("adam-vs-gd", over="kappa", along="d", series="method", a=ADAM, b=GD, claimed=1.0,
                            relation=">=", tolerance=0.15, factor=2.0,
                            description="smallest d at which tuned Algorithm A (beta2=1) stops beating tuned GD by a "
                                        "factor 2 (T_A > T_GD/2); Theorem 2 implies d* >= kappa/C, i.e. p >= 1; "
                                        "p-hat well above 1 means the bound is loose there (a finding)")]
    plots = [Plot("crossover-T-vs-d", "d", line="method", panel="kappa",
                  where=lambda c: c["spectrum"] == "two-cluster", caption="tuned T of Algorithm A and GD along d")]
    notes = {"tuning": GRID.record(), "factor": "Adam beats GD when T_A <= T_GD / 2"}

    def axes(self, ctx) -> dict:
        return cross_axes(ctx)

    def admit(self, cell: dict) -> bool:
        return cell["d"] <= 8 * cell["kappa"]


def build(mutant: str | None = None, constant=EXPLICIT_CONSTANT, adaptive: dict | None = None) -> Claim:
    """The claim; ``mutant`` swaps one sweep test for its false variant (SWEEP_MUTANTS); ``constant`` is the claimed
    constant of the beta2 = 1 form, ``adaptive`` the keyword arguments of ``adaptive_checks`` (the beta2 < 1 form)."""
    gd_spec = SWEEP_MUTANTS["gd-slope-half"]() if mutant == "gd-slope-half" else gd_slope(1.0)  # also in the algebra
    notes = {"hyperparameters": {"B": B, "phi": "2 B lambda_min = 2", "delta": DELTA, "eps": EPS,
                                 "beta2": "1 for adam(beta2=1); 1 - 0.1/(min(d+1,kappa) log(1/eps)) for adam(beta2<1)",
                                 "alpha": "tuned per instance on the step grid (see tuning)"},
             "tuning": GRID.record(),
             "caps": {"adam": f"{ADAM_CAP} min(d+1,kappa) log(1/eps) + 50 iterations",
                      "gd": f"{GD_CAP} kappa log(1/eps) (closed form; no iteration)"},
             "predicted_constant_beta2_1": "1/4 (symbolic derivation): T_q <= (min(d+1,kappa)/4) log(1/eps) + 1"}
    scaling = ShapeSweep(gd_spec, mutant, notes)
    crossover = CrossoverSweep()
    return Claim(
        id="adam-diagonal",
        title="Algorithm A on diagonal Q: T = O(min(d, kappa) log(1/eps)) w.p. >= const; GD: Theta(kappa log(1/eps))",
        source="arXiv 2402.07114, Theorem 2 (abstract); docs/claims.md T2",
        provenance="abstract",
        statement=r"P\big(T_A(\varepsilon) \le C \min(d+1,\kappa)\log(1/\varepsilon)\big) \ge 1/e\ \text{for diagonal}\ Q;"
                  r"\ T_{GD}(\varepsilon)=\Theta(\kappa\log(1/\varepsilon))",
        sympy_statement="T_A <= C*Min(d + 1, kappa)*log(1/epsilon) with probability >= exp(-1)",
        hypotheses=["Q diagonal, lambda_min = 1, lambda_max = kappa (spectra: log-spaced, two clusters, one outlier)",
                    "x_0 - x* i.i.d. Unif[-2B, 2B], B = 1", "phi = 2 B lambda_min, beta1 = 0",
                    f"regime {BETA2_ONE!r}: {REGIMES[BETA2_ONE]} (each instance on the same relative geometric grid "
                    "as GD's eta)",
                    f"regime {BETA2_BELOW_ONE!r}: {REGIMES[BETA2_BELOW_ONE]}, alpha* = 2/(h_min/(1+delta) + "
                    "h_max/delta) with h_j = lambda_j/r_j (our reconstruction: an offset above T6's threshold is "
                    "needed; without it Algorithm A settles on T6's period-2 orbit)",
                    f"eps = {EPS}; probability level 1/e (the F3 event)"],
        checks=[covering(Symbolic("bound-algebra", lambda ctx: derivation(ctx, gd_spec.claimed),
                                  "cond(H_0) <= min(d+1, kappa) on the F3 event; contraction => "
                                  "T <= (c/4) log(1/eps) + 1; crossover exponent 1"), BETA2_ONE),
                *explicit_checks(constant), *adaptive_checks(**(adaptive or {})),
                supporting(covering(scaling, BETA2_ONE)), supporting(covering(crossover, BETA2_ONE))],
        regimes=REGIMES,
        parameters={"d": D_VALUES, "kappa": KAPPA_VALUES, "spectrum": SPECTRA, "method": [ADAM, ADAM_B2, GD],
                    "beta2": list(ADAPTIVE_BETA2)},
        notes="The O(.) claim is decided, regime by regime, through explicit finite forms (provenance: derived). "
              "beta2 = 1 (F1 + F3): P(T <= (min(d+1, kappa)/4) log(1/eps) + 1) >= (1 - 1/(d+1))^d, tuned counts in closed "
              "form. beta2 < 1 (delta = 1, alpha = alpha*; the derivation holds for every beta2 in (0, 1] and delta > 0): "
              "P(T <= (min(d+1, kappa)/2) log(1/eps) + 1) >= (1 - 1/(d+1))^d, by literal runs of Algorithm A at beta2 = "
              "0.9 and 0.99. The sweeps' adam(beta2<1) series (1 - 0.1/(min(d+1,kappa) log(1/eps))) stays within 1e-4 of "
              "1 on most cells: there it is the beta2 = 1 regime, and it is run only where it is not; the sweeps (log factors allowed, as in the third-party restatement) are supporting evidence of the shape "
              "(a FAIL there still FAILs the claim; an unsettled sweep is named in the verdict but does not hold back the "
              "PASS that the explicit form earns).",
    )


CLAIM = build()
# bound-log-d stays a gauge of the sweep's resolution (an alternative: the sweep cannot PASS while it is invisible),
# but is not listed as a mutant that must FAIL: at 32 seeds the 1/e quantile's local exponents over the largest d
# (a factor 2 apart) have intervals about +-1 wide, and T/log d at kappa = 1e6 is not decided at the standard budget.
MUTANTS = {"adam-diagonal": {
    "gd-slope-half": lambda: build(mutant="gd-slope-half"),
    "explicit-constant-quarter": lambda: build(constant=EXPLICIT_CONSTANT / TIGHTENED_DIVISOR),
    "explicit-constant-fortieth": lambda: build(constant=EXPLICIT_CONSTANT / 10),  # 1/40: far below the measured 0.93
    # the beta2 < 1 form without its offset condition: delta = 0, beta2 = 0.9, the beta2 = 1 step (alpha* vanishes
    # at delta = 0); Algorithm A then settles on T6's period-2 orbit, the confirmed witness of its FAIL
    "adaptive-no-offset": lambda: build(adaptive={"delta": 0.0, "beta2s": (0.9,), "step": frozen_step}),
}}
# True variants that must not FAIL: a larger constant (either regime), a smaller range (beta2 = 0.99 only).
WEAKENINGS = {"adam-diagonal": {
    "explicit-constant-doubled": lambda: build(constant=2 * EXPLICIT_CONSTANT),
    "adaptive-constant-doubled": lambda: build(adaptive={"constant": 2 * ADAPTIVE_CONSTANT}),
}}
