"""T5 `adam-general`: Algorithm A on general quadratics (docs/claims.md T5; third-party restatement, medium confidence).

For general Q: T = O(min(d kappa_bar sqrt(d kappa_bar kappa_diag), kappa_bar kappa_diag)) log(1/eps), with
kappa_bar = cond(D^{-1/2} Q D^{-1/2}) and kappa_diag = max Q_ii / min Q_ii.

Same protocol as T2/T4 (scaling kind), over instances with *controlled* kappa_bar and kappa_diag
(lemmas._common.quadratics.with_conditions: a random correlation matrix M with log-spaced spectrum of
condition kappa_bar, Q = D^{1/2} M D^{1/2} with a log-spaced D of spread kappa_diag); one Q per cell,
seeds vary the initialisation. If the claim FAILs under this reconstruction, that is the result: it is
reported with its evidence, not tuned away.

Symbolic evidence: the exponent algebra of the bound (its slopes in d, kappa_bar and kappa_diag, and where
its two terms cross), and the F5 chain behind the sqrt(d kappa_bar kappa_diag) factor.

Decision (provenance "derived"): what the F5/F6 chain really gives with phi = 2B lambda_min,
cond(H_0) <= kb sqrt(d kb kd) min(kappa, d/(1-p)) with probability >= p, hence
P(T <= (1/4) kb sqrt(d kb kd) min(kappa, 2d) log(1/eps) + 1) >= 1/2 (``explicit-derivation``, ``explicit-bound``).
Its first branch is the restated d kb sqrt(d kb kd) (up to 1/(1-p)); the restated d-free term kb kd does not follow
from this chain (its kappa branch grows like sqrt(d)): its status stays open, and the sweep is evidence of the shape.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from proofcheck import Claim, Symbolic, equal, fact
from proofcheck.checks.scaling import Plot, Ratio, Scaling, Slope

from ._common.explicit import Chain, ExplicitBound, anti_concentration_event, dense_instance
from ._common.quadratics import conditions, with_conditions
from ._common.tuning import ADAM, ADAM_B2, GD, GRID
from .t4_adam_diag_dominant import (B, DELTA, EPS, PROBABILITY, confirm_cost, dense_confirm, dense_measure, is_adam,
                                    with_conditions_fields)

D_VALUES = [2, 4, 8, 16, 32, 64]
KBAR_VALUES = [2.0, 10.0, 100.0]
KDIAG_VALUES = [1.0, 10.0, 1e2, 1e3, 1e4]


def make_q(cell: dict) -> np.ndarray:
    return with_conditions(int(cell["d"]), float(cell["kappa_bar"]), float(cell["kappa_diag"]),
                           np.random.default_rng(cell["_qseed"]))


def terms(cell: dict) -> tuple[float, float]:
    d, kb, kd = cell["d"], cell["_kappa_bar"], cell["_kappa_diag"]
    return d * kb * math.sqrt(d * kb * kd), kb * kd


def claimed_bound(cell: dict) -> float:
    """g = min(d kb sqrt(d kb kd), kb kd) log(1/eps), with the instance's actual kappa_bar and kappa_diag."""
    return min(terms(cell)) * math.log(1 / cell.get("eps", EPS))


def derivation(ctx, kbar_exponent=1.5):
    """The exponents of the restated bound (sp.Derivative of log g in log x, unevaluated), where its terms cross, and
    the F5 factor behind sqrt(d kb kd)."""
    d, kb, kd, s = sp.symbols("d kappa_bar kappa_diag s", positive=True)
    g1 = d * kb * sp.sqrt(d * kb * kd)
    slope = lambda var: sp.Derivative(sp.log(g1.subs(var, sp.exp(s))), s)
    with sp.evaluate(False):
        cross = (d * kb * sp.sqrt(d * kb * kd)) / (kb * kd)
        factor = sp.sqrt(d) * sp.sqrt(kb * kd)
    return [
        equal("slope of the first term in log d: 3/2", slope(d), sp.Rational(3, 2)),
        equal("slope of the first term in log kappa_bar: the claimed exponent (3/2)", slope(kb),
              sp.nsimplify(kbar_exponent)),
        equal("slope of the first term in log kappa_diag: 1/2", slope(kd), sp.Rational(1, 2)),
        equal("the terms cross where d^3 kappa_bar = kappa_diag: d kb sqrt(d kb kd) / (kb kd) = sqrt(d^3 kb / kd)",
              cross, sp.sqrt(d**3 * kb / kd)),
        equal("F5: ||Q e_j|| / Q_jj <= sqrt(kappa_bar kappa_diag), so |g_0^(j)| / Q_jj <= 2B sqrt(d) sqrt(kb kd): the "
              "factor sqrt(d kb kd)", factor, sp.sqrt(d * kb * kd)),
    ]


# -- the explicit finite form along the F5/F6 chain (provenance: derived; docs/claims.md, "Finite forms of the headline theorems") --

P_EXPLICIT = 0.5
EXPLICIT_CONSTANT = sp.Rational(1, 4)  # T <= (1/4) kb sqrt(d kb kd) min(kappa, d/(1-p)) log(1/eps) + 1 w.p. >= p
TIGHTENED_DIVISOR = 16  # the mutant: beyond the measured largest quantile T/bound (0.23 at d = 2, kb = 2, kd = 1)


def explicit_q(case: dict) -> np.ndarray:
    return _explicit_q(tuple(sorted(case.items()))).copy()


@functools.lru_cache(maxsize=256)
def _explicit_q(items: tuple) -> np.ndarray:
    case = dict(items)
    from proofcheck.context import derive_seed

    return make_q(dict(case, _qseed=derive_seed(0, "adam-general/explicit", case["d"], case["kappa_bar"],
                                                case["kappa_diag"])))


def chain_cond_bound(case: dict) -> float:
    """What the F5/F6 chain gives with phi = 2B lambda_min: cond(H_0) <= kb sqrt(d kb kd) min(kappa, d/(1-p))."""
    c = conditions(explicit_q(case))
    d = case["d"]
    return c["kappa_bar"] * math.sqrt(d * c["kappa_bar"] * c["kappa_diag"]) * min(c["kappa"], d / (1 - P_EXPLICIT))


def explicit_chain(constant=EXPLICIT_CONSTANT) -> Chain:
    return Chain(event_name="F6: min_j |g_0^(j)|/Q_jj >= 2B(1-p)/d", instance=dense_instance(explicit_q, B),
                 event=anti_concentration_event(P_EXPLICIT, B), cond_bound=chain_cond_bound,
                 probability=lambda c: P_EXPLICIT, constant=float(constant), eps=EPS, B=B,
                 statement=f"T <= {float(constant):g} kb sqrt(d kb kd) min(kappa, 2d) log(1/eps) + 1")


def explicit_cases(ctx) -> list:
    from proofcheck.selection import narrow

    sel = ctx.selection or {}
    d = narrow(ctx.pick([2, 8], D_VALUES), sel, "d")
    kb = narrow(ctx.pick([2.0, 100.0], KBAR_VALUES), sel, "kappa_bar")
    kd = narrow(ctx.pick([1.0, 1e2], [1.0, 1e2, 1e4]), sel, "kappa_diag")
    return [{"d": a, "kappa_bar": b, "kappa_diag": c} for a in d for b in kb for c in kd]


def explicit_derivation(constant):
    """F5 + F6 + F1 with phi = 2B lambda_min; and what that chain says about the restated d-free term kb kd."""

    def steps(ctx):
        d, kb, kd, Bs, q, p, kap, dmax = sp.symbols("d kappa_bar kappa_diag B Q_jj p kappa D_max", positive=True)
        m = sp.Min(kap, d / (1 - p))
        root = sp.sqrt(d * kb * kd)
        with sp.evaluate(False):
            column = sp.sqrt(kb * dmax * (dmax / kd)) / (dmax / kd)  # at the smallest diagonal, Q_jj = D_max/kd
            lower = 1 / (2 * Bs * sp.sqrt(d) * sp.sqrt(kb * kd))
            spread = (m / (2 * Bs)) / lower
            second = (kb * root * kap) / (kb * kd)
        return [
            equal("F5: ||Q e_j|| <= sqrt(lambda_max Q_jj) <= sqrt(kb D_max Q_jj), so at Q_jj = D_max/kd "
                  "||Q e_j||/Q_jj <= sqrt(kb kd)", column, sp.sqrt(kb * kd)),
            equal("F6: |g_0^(j)| <= 2B sqrt(d) ||Q e_j||, so Q_jj/r_j >= 1/(2B sqrt(d kb kd)) (and Q_jj/phi >= 1/(2B))",
                  lower, 1 / (2 * Bs * root)),
            equal("on the F6 event (probability >= p) Q_jj/r_j <= min(kappa, d/(1-p))/(2B): cond(P_0 D) <= "
                  "sqrt(d kb kd) min(kappa, d/(1-p)); with F5, cond(H_0) <= kb sqrt(d kb kd) min(kappa, d/(1-p))",
                  kb * spread, kb * root * m),
            equal("F1: T <= (cond(H_0)/4) log(1/eps) + 1; the claimed constant is the chain's 1/4",
                  sp.Limit(1 / (2 * sp.Symbol("c") * sp.log((sp.Symbol("c") + 1) / (sp.Symbol("c") - 1))),
                           sp.Symbol("c"), sp.oo), sp.nsimplify(constant)),
            equal("the restated d-free term kb kd is not what this chain gives: its kappa branch over kb kd is "
                  "kb sqrt(d kb kd) kappa/(kb kd) = sqrt(d) kappa sqrt(kb/kd), which grows like sqrt(d)", second,
                  sp.sqrt(d) * kap * sp.sqrt(kb / kd)),
        ]

    return steps


def explicit_reference(cell: dict) -> float:
    """What the chain gives, (1/4) kb sqrt(d kb kd) min(kappa, d/(1-p)) log(1/eps) + 1 at the cell's own kappa_bar,
    kappa_diag and kappa, drawn beside Algorithm A's (beta2 = 1) quantiles; nothing for the other methods."""
    if cell["method"] != ADAM:
        return math.nan
    d, kb, kd = cell["d"], cell["_kappa_bar"], cell["_kappa_diag"]
    cond = kb * math.sqrt(d * kb * kd) * min(cell["_kappa"], d / (1 - P_EXPLICIT))
    return float(EXPLICIT_CONSTANT) * cond * math.log(1 / cell.get("eps", EPS)) + 1


REFERENCE_LABEL = "what the F5/F6 chain gives (explicit form)"


def explicit_checks(constant=EXPLICIT_CONSTANT) -> list:
    return [Symbolic("explicit-derivation", explicit_derivation(constant),
                     "derived (F5 + F6 + F1, phi = 2B lambda_min): T <= (1/4) kb sqrt(d kb kd) min(kappa, 2d) log(1/eps) "
                     "+ 1 w.p. >= 1/2; the restated d-free term kb kd does not follow from this chain"),
            ExplicitBound("explicit-bound", explicit_chain(constant), explicit_cases, samples=(64, 64, 512),
                          description=f"derived explicit form: P(T <= {float(constant):g} kb sqrt(d kb kd) min(kappa, 2d) "
                                      "log(1/eps) + 1) >= 1/2, tuned beta2 = 1 counts in closed form, Clopper-Pearson")]


def axes(ctx) -> dict:
    return {"d": ctx.pick([2, 8, 32], [2, 4, 8, 16, 32, 64]),
            "kappa_bar": ctx.pick([2.0, 10.0, 100.0], KBAR_VALUES),
            "kappa_diag": ctx.pick([1.0, 1e2], [1.0, 1e2, 1e4]),
            "method": ctx.pick([ADAM], [ADAM, ADAM_B2, GD]), "eps": [EPS]}


def kbar_slope(exponent) -> Slope:
    return Slope("adam-kappa-bar", "kappa_bar", exponent, "<=", 0.15, where=is_adam, logs=1,
                 description=f"slope in kappa_bar at most {exponent:g}")


# The sweep's false variant, built from the same object as the claim's test: "T does not grow with kappa_bar"
# (up to a log factor), false on unit-diagonal Q where T ~ kappa.
SWEEP_MUTANTS = {"kbar-exponent-zero": lambda: kbar_slope(0.0)}


def build(mutant: str | None = None, constant=EXPLICIT_CONSTANT) -> Claim:
    """The claim; ``mutant`` swaps the kappa_bar slope for its false variant (SWEEP_MUTANTS)."""
    kbar_spec = SWEEP_MUTANTS[mutant]() if mutant in SWEEP_MUTANTS else kbar_slope(1.5)  # also in the algebra
    bound, bound_label = claimed_bound, "min(d kb sqrt(d kb kd), kb kd) log(1/eps)"
    derive = with_conditions_fields(make_q)
    measure = dense_measure(make_q, lambda c: min(terms(c)))
    confirm = dense_confirm(make_q)
    first = lambda c: terms(c)[0] < terms(c)[1]
    sweep = Scaling(
        "scaling-sweep", axes=axes, measure=measure, derive=derive, probability=PROBABILITY, seeds=(24, 32, 64),
        admit=lambda c: c["method"] != ADAM_B2 or (c["d"] <= 16 and c["kappa_bar"] * c["kappa_diag"] <= 1e3),
        # logs=1: the restatement is the third-party one that states Theorem 2 "ignoring logarithmic factors"
        slopes=[Slope("adam-d-first-term", "d", 1.5, "<=", 0.15, where=lambda c: is_adam(c) and first(c), logs=1,
                      description="where the first term is active: slope <= 3/2 in d"),
                Slope("adam-d", "d", 1.5, "<=", 0.15, where=is_adam, logs=1,
                      description="slope in d at most 3/2 everywhere"),
                kbar_spec,
                Slope("adam-kappa-diag", "kappa_diag", 1.0, "<=", 0.15, where=is_adam, logs=1,
                      description="slope in kappa_diag at most 1 (1/2 on the first term)")],
        ratio=Ratio(bound=bound, fit=lambda c: c["d"] <= 8 and c["kappa_bar"] <= 10 and c["kappa_diag"] <= 1e2,
                    growth=2.0, where=is_adam, group_by=("method",), label=bound_label, logs=1, tolerance=0.15),
        alternatives={} if mutant else {name: [make()] for name, make in SWEEP_MUTANTS.items()},
        plots=[Plot("T-vs-d", "d", line="kappa_bar", panel="kappa_diag", where=lambda c: c["method"] == ADAM,
                    caption="Algorithm A (beta2 = 1): T quantile against d, one panel per kappa_diag",
                    reference=explicit_reference, reference_label=REFERENCE_LABEL),
               Plot("T-vs-kappa-diag", "kappa_diag", line="d", panel="method", where=lambda c: c["kappa_bar"] == 10.0,
                    caption="T quantile against kappa_diag at kappa_bar = 10, Algorithm A and GD",
                    reference=explicit_reference, reference_label=REFERENCE_LABEL)],
        confirm=confirm, cost=confirm_cost, confirm_per="method", confirm_cells=(1, 1, 2),
        notes={"hyperparameters": {"B": B, "phi": "2 B lambda_min(Q)", "delta": DELTA, "eps": EPS,
                                   "beta2": "1, and 1 - 0.1/(min(d+1,kappa) log(1/eps))"},
               "tuning": GRID.record(),
               "beta2<1 cells": "only d <= 16 and kappa_bar kappa_diag <= 1e3: elsewhere Algorithm A needs up to ~4e4 "
                                "iterations on dense Q and the literal float64 runs exceed the standard budget "
                                "(beta2 = 1 is counted exactly in closed form on the whole grid)",
               "instances": "Q = D^1/2 M D^1/2, M a random correlation matrix of condition kappa_bar (log-spaced), D "
                            "log-spaced of spread kappa_diag; actual kappa, kappa_bar, kappa_diag per cell"},
        description="sweep over d, kappa_bar, kappa_diag: local exponents of T and T/g at the large end (log factors "
                    "allowed)")
    return Claim(
        id="adam-general",
        title="Algorithm A on general Q: T = O(min(d kb sqrt(d kb kd), kb kd) log(1/eps))",
        source="arXiv 2402.07114 via a third-party restatement (medium confidence); docs/claims.md T5",
        provenance="reconstruction",
        statement=r"P\big(T_A(\varepsilon) \le C\min(d\bar\kappa\sqrt{d\bar\kappa\kappa_{diag}},\ \bar\kappa\kappa_{diag})"
                  r"\log(1/\varepsilon)\big) \ge p_0",
        sympy_statement="T_A <= C*Min(d*kb*sqrt(d*kb*kd), kb*kd)*log(1/epsilon)",
        hypotheses=["Q symmetric positive definite with controlled kappa_bar and kappa_diag (with_conditions)",
                    "x_0 i.i.d. Unif[-2B, 2B], B = 1", "phi = 2 B lambda_min, delta = 0; beta2 = 1 and beta2 < 1 close to 1",
                    "alpha tuned per instance on the shared grid", f"eps = {EPS}; probability level 1/e (our choice)"],
        checks=[Symbolic("bound-algebra", lambda ctx: derivation(ctx, kbar_spec.claimed),
                         "exponents of the bound, the crossing of its terms, the F5 factor"),
                *explicit_checks(constant), sweep],
        parameters={"d": D_VALUES, "kappa_bar": KBAR_VALUES, "kappa_diag": KDIAG_VALUES, "method": [ADAM, ADAM_B2, GD]},
        notes="Third-party restatement: a FAIL may be our reconstruction's, not the paper's. Decided through what the "
              "F5/F6 chain really gives with phi = 2B lambda_min (provenance: derived): P(T <= (1/4) kb sqrt(d kb kd) "
              "min(kappa, 2d) log(1/eps) + 1) >= 1/2, counted exactly for beta2 = 1. Its first branch matches the "
              "restated d kb sqrt(d kb kd) (up to 1/(1-p)); the restated d-free term kb kd does NOT follow from this "
              "chain (its kappa branch grows like sqrt(d)), so that term's status is open: the sweep's ratio test "
              "against it (log factors allowed) is evidence of the shape only.",
    )


CLAIM = build()
MUTANTS = {"adam-general": {
    **{name: (lambda name=name: build(mutant=name)) for name in SWEEP_MUTANTS},
    "explicit-constant-tightened": lambda: build(constant=EXPLICIT_CONSTANT / TIGHTENED_DIVISOR),
}}
