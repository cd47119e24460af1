"""F3 `init-spread`: the constant-probability step behind Theorem 2 (docs/claims.md, provenance: reconstruction).

Q = diag(lambda) symmetric positive definite, phi = 2 B lambda_min, x_0 with i.i.d. Unif[-2B, 2B]
coordinates (x* = 0), g_0 = Q x_0, r_j = max(|g_0^(j)|, phi), P = diag(1/r). Claim: the frozen
preconditioned Hessian H_0 = P^{1/2} Q P^{1/2} satisfies

    P( cond(H_0) <= min(d + 1, kappa) ) >= (1 - 1/(d+1))^d >= 1/e.

The argument (docs/claims.md F3, Symbolic): H_0 = diag(h) with h_j = lambda_j / max(lambda_j |x_j|, phi)
= min(1/|x_j|, lambda_j/phi). Since |x_j| <= 2B and lambda_j >= lambda_min, every h_j >= 1/(2B); and
h_j <= lambda_j/phi <= kappa/(2B), so cond(H_0) <= kappa always. On the event
E' = {min_j |x_j| >= 2B/(d+1)}, h_j <= 1/|x_j| <= (d+1)/(2B), so cond(H_0) <= d + 1. Hence the event
E = {cond(H_0) <= min(d+1, kappa)} contains E', and P(E') = (1 - 1/(d+1))^d, which decreases in d to 1/e.

**Our own exact form (derived here, checked symbolically and against Monte Carlo).** With
u_j = |x_j|/(2B) ~ Unif[0, 1] and kappa_j = lambda_j/lambda_min, 2B h_j = min(1/u_j, kappa_j) >= 1, and the
coordinate of lambda_min has 2B h = 1, so cond(H_0) = max_j min(1/u_j, kappa_j) and, with c = min(d+1, kappa),

    P(E) = (1 - 1/c)^N,   N = #{j : lambda_j > c lambda_min} <= d - 1.

So the claim holds with room: P(E) >= (1 - 1/(d+1))^(d-1), and P(E) = 1 when kappa <= d + 1.

Checks: the symbolic derivation (monotonicity of (1 - 1/(d+1))^d is proved through the auxiliary
function log(1 - t) + t, whose derivative -t/(1-t) sympy signs); Monte Carlo of E over many
(d, kappa, spectrum, B, lambda_min) with exact Clopper-Pearson intervals, computing H_0 literally from
the algorithm's definitions in float64 and deciding the rows that land within 1e-9 of the threshold
(cond(H_0) = kappa has positive probability) in exact rational arithmetic; the exact form against the
claim at mpmath precision over a wider grid (d up to 1024); and agreement of both exact probabilities
(P(E') and the exact form of P(E)) with the Monte Carlo frequencies (two-sided).

Mutant ``probability-1-minus-half-over-d-plus-1``: claims P(E) >= 1 - 1/(2(d+1)). False whenever
kappa > d + 1: a coordinate j with kappa_j > d + 1 alone breaks E when u_j < 1/(d+1), which has
probability 1/(d+1), so P(E) <= 1 - 1/(d+1) < 1 - 1/(2(d+1)).
Mutant ``exact-form-exponent-plus-one``: our exact form with exponent N + 1; the sampler-agreement check
must refute it (it shows that check can fail).
The derivation takes both formulas (the claimed bound and the exact form) as inputs, so each mutant is also
disproved symbolically: the first by the limit 1/e, the monotonicity step and the worst spectrum at d = 2
(P(E) = 2/3 < 5/6); the second by the product of the N per-coordinate probabilities and the case N = 0.
"""
from __future__ import annotations

from fractions import Fraction
from functools import partial

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Check, Claim, InvalidInstance, Probability, Symbolic, Verdict, equal, fact
from proofcheck.checks.base import reproducer
from proofcheck.numerics import HIGH_DPS, clopper_pearson

from ._common.init import random_init
from ._common.quadratics import spectrum

KINDS = ("logspaced", "two-cluster", "outlier", "uniform", "one-low")
TIE_REL = 1e-9  # float64 rows this close (relative) to a threshold are decided in exact arithmetic
CHUNK = 1 << 17  # samples are drawn in chunks of CHUNK // d rows (memory), deterministically


def claimed_bound(d):
    """(1 - 1/(d+1))^d, the claimed lower bound on P(E); ``d`` a sympy symbol or an mpmath number."""
    return (1 - 1 / (d + 1)) ** d


def claimed_probability(case, claimed=claimed_bound):
    """The claimed bound of a case, in mpmath at the working precision."""
    return claimed(mpmath.mpf(int(case["d"])))


def exact_form(c, n):
    """(1 - 1/c)^n: our exact P(E) with c = min(d+1, kappa) and n = N coordinates above c lambda_min (see above)."""
    return (1 - 1 / c) ** n


# ---------------------------------------------------------------------------------------------
# Instances: a case is a JSON-ready dict {d, kappa, spectrum, B, lambda_min, seed}
# ---------------------------------------------------------------------------------------------
def validate_case(case) -> None:
    """Raise InvalidInstance (with the reason) unless ``case`` meets the hypotheses of F3."""
    try:
        d, kappa, B, lmin = int(case["d"]), float(case["kappa"]), float(case["B"]), float(case.get("lambda_min", 1.0))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInstance(f"a case needs d, kappa, spectrum, B (and optionally lambda_min, seed): {exc}") from None
    if case.get("spectrum") not in KINDS:
        raise InvalidInstance(f"spectrum {case.get('spectrum')!r} not in {', '.join(KINDS)}")
    if not (d >= 1 and d == case["d"] and 1 <= kappa < np.inf and 0 < B < np.inf and 0 < lmin < np.inf):
        raise InvalidInstance("need an integer d >= 1, 1 <= kappa < inf, B > 0 and lambda_min > 0")


def case_spectrum(case) -> np.ndarray:
    """The diagonal of Q: a spectrum kind of docs/claims.md (or "one-low": 1, kappa, ..., kappa) times lambda_min."""
    validate_case(case)
    d, kappa, kind = int(case["d"]), float(case["kappa"]), case["spectrum"]
    if kind == "one-low":
        lam = np.full(d, kappa)
        lam[0] = 1.0
    else:
        lam = spectrum(d, kappa, kind, np.random.default_rng(int(case.get("seed", 0))))
    return lam * float(case.get("lambda_min", 1.0))


def threshold(lam: np.ndarray) -> Fraction:
    """c = min(d + 1, kappa), exactly (kappa = lambda_max / lambda_min of the stored floats)."""
    kappa = Fraction(float(lam.max())) / Fraction(float(lam.min()))
    return min(Fraction(len(lam) + 1), kappa)


def h0_float(lam: np.ndarray, x: np.ndarray, B: float) -> np.ndarray:
    """diag(H_0) from the algorithm's definitions: g = Q x, r = max(|g|, phi), H_0 = P^1/2 Q P^1/2 = diag(lam / r)."""
    phi = 2.0 * B * lam.min()
    r = np.maximum(np.abs(lam * x), phi)
    return lam / r


def h0_exact(lam, x_row, B, which) -> dict:
    """Exact (rational) diag(H_0) entries of one sample, for the coordinates in ``which``."""
    phi = 2 * Fraction(B) * Fraction(float(lam.min()))
    out = {}
    for j in which:
        lj = Fraction(float(lam[j]))
        out[j] = lj / max(abs(lj * Fraction(float(x_row[j]))), phi)
    return out


class EventSampler:
    """Monte Carlo counts of the events of F3 (vectorised numpy), with exact arithmetic at near-ties.

    ``event`` is "cond" (E: cond(H_0) <= min(d+1, kappa)) or "min-coordinate" (E': min |x_j| >= 2B/(d+1)).
    ``stats`` counts the samples that were re-decided exactly (reset by the checks that read it).
    """

    def __init__(self, event: str):
        self.event = event
        self.stats = {"samples": 0, "exact_rechecks": 0, "flipped_by_exact": 0}

    def __call__(self, case, rng, n) -> int:
        lam, B, d = case_spectrum(case), float(case["B"]), int(case["d"])
        rows = max(CHUNK // d, 1)
        hits = 0
        for start in range(0, n, rows):
            x = random_init(d, B, rng, batch=min(rows, n - start))
            hits += self._count(lam, x, B)
        self.stats["samples"] += n
        return hits

    def _count(self, lam, x, B) -> int:
        d = lam.size
        with np.errstate(all="ignore"):
            if self.event == "cond":
                c = threshold(lam)
                h = h0_float(lam, x, B)
                rel = (h.max(axis=1) / h.min(axis=1)) / float(c) - 1
            else:
                c = 2 * Fraction(B) / (d + 1)
                rel = np.abs(x).min(axis=1) / float(c) - 1
                rel = -rel  # event is min|x| >= c, i.e. -rel <= 0
        if not np.all(np.isfinite(rel)):  # impossible for valid cases (phi > 0); never count it silently
            raise ArithmeticError(f"non-finite cond(H_0) or |x| in {int(np.sum(~np.isfinite(rel)))} samples")
        ok = rel <= 0
        near = np.flatnonzero(np.abs(rel) <= TIE_REL)
        if near.size:
            exact = (self._exact_cond(lam, x[near], B, h[near], c) if self.event == "cond"
                     else np.array([min(abs(Fraction(float(v))) for v in row) >= c for row in x[near]]))
            self.stats["flipped_by_exact"] += int(np.sum(exact != ok[near]))
            ok[near] = exact
        self.stats["exact_rechecks"] += int(near.size)
        return int(ok.sum())

    @staticmethod
    def _exact_cond(lam, x, B, h, c) -> np.ndarray:
        """Exact decisions of cond(H_0) <= c for the near-tie samples (rows of ``x``).

        The exact max and min of diag(H_0) are among the float64 near-max / near-min entries (float errors
        are ~1e-16, far below 1e-12). Where every such entry is robustly in the branch r_j = phi, the exact
        entries are lambda_j/phi, so cond(H_0) = max lambda_top / min lambda_bottom exactly (max/min of floats
        are exact): one rational comparison per distinct pair. Other samples are evaluated entry by entry.
        """
        phi = 2.0 * B * lam.min()
        top = h >= h.max(axis=1, keepdims=True) * (1 - 1e-12)
        bottom = h <= h.min(axis=1, keepdims=True) * (1 + 1e-12)
        ratio = np.abs(lam * x) / phi
        phi_branch = (ratio < 1 - 1e-12)
        fast = np.all(phi_branch | ~(top | bottom), axis=1)
        l_top = np.where(top, lam, -np.inf).max(axis=1)
        l_bot = np.where(bottom, lam, np.inf).min(axis=1)
        out = np.zeros(len(x), dtype=bool)
        values = np.unique(lam)  # l_top, l_bot are entries of lam: index them, one exact comparison per pair
        keys = np.searchsorted(values, l_top[fast]) * len(values) + np.searchsorted(values, l_bot[fast])
        pairs, inverse = np.unique(keys, return_inverse=True)
        verdicts = np.array([Fraction(float(values[k // len(values)])) <= c * Fraction(float(values[k % len(values)]))
                             for k in pairs], dtype=bool)
        out[fast] = verdicts[inverse.reshape(-1)] if len(pairs) else False
        for i in np.flatnonzero(~fast):
            cand = set(np.flatnonzero(top[i] | bottom[i]).tolist())
            ex = h0_exact(lam, x[i], B, cand)
            out[i] = (max(ex[j] for j in np.flatnonzero(top[i]))
                      <= c * min(ex[k] for k in np.flatnonzero(bottom[i])))
        return out


# ---------------------------------------------------------------------------------------------
# Exact probabilities
# ---------------------------------------------------------------------------------------------
def exact_cond_probability(case, dps=None, form=exact_form):
    """P(E) = (1 - 1/c)^N, c = min(d+1, kappa), N = #{j : lambda_j > c lambda_min} (derived in the module docstring).

    ``form`` is the exact form (replaced only by the false variant that tests the agreement check).
    """
    lam = case_spectrum(case)
    c = threshold(lam)
    lmin = Fraction(float(lam.min()))
    n_big = sum(1 for v in lam if Fraction(float(v)) > c * lmin)
    return form(mpmath.mpf(c.numerator) / c.denominator, n_big)


def exact_min_coordinate_probability(case, dps=None):
    """P(E') = (1 - 1/(d+1))^d: each |x_j| >= 2B/(d+1) with probability 1 - 1/(d+1), independently.

    This is the claimed bound itself (the claim is P(E) >= P(E')), evaluated with the true formula.
    """
    return claimed_probability(case)


# ---------------------------------------------------------------------------------------------
# Symbolic derivation
# ---------------------------------------------------------------------------------------------
lam_s, ax, phi_s, B_s, t_s, s_s = sp.symbols("lambda a phi B t s", positive=True)  # a = |x_j|
lmin_s, d_s, c_s, kappa_s, u_s = sp.symbols("lambda_min d c kappa u", positive=True)
n_s, j_s = sp.symbols("N j", integer=True, nonnegative=True)
xi = sp.Symbol("xi", real=True)


def _log_aux(t):
    """log(1 - t) + t: its sign on (0, 1) gives the monotonicity of (1 - 1/(d+1))^d."""
    return sp.log(1 - t) + t


def derivation(ctx, claimed=claimed_bound, form=exact_form):
    """Steps of docs/claims.md F3 (Symbolic), plus the exact form of P(E).

    ``claimed`` (the bound (1 - 1/(d+1))^d) and ``form`` (the exact form (1 - 1/c)^N) are the claim's own
    formulas: the steps compare them with P(E'), with its limit 1/e, with the exact P(E) of the worst spectrum,
    and with the per-coordinate probabilities, so a changed formula is disproved here.
    """
    L = sp.ImmutableMatrix(sp.diag(*sp.symbols("lambda_1:4", positive=True)))
    R = sp.ImmutableMatrix(sp.diag(*sp.symbols("r_1:4", positive=True)))
    P_half = sp.ImmutableMatrix(sp.diag(*[1 / sp.sqrt(R[i, i]) for i in range(3)]))
    phi_val = 2 * B_s * lmin_s
    one_coordinate = (sp.Integral(1 / (4 * B_s), (xi, -2 * B_s, -2 * B_s / (d_s + 1)))
                      + sp.Integral(1 / (4 * B_s), (xi, 2 * B_s / (d_s + 1), 2 * B_s)))
    above_threshold = sp.Integral(1, (u_s, 1 / c_s, 1))  # P(u_j >= 1/c) for u_j ~ Unif[0, 1]
    return [
        equal("H_0 = P^1/2 Q P^1/2 is diagonal with entries lambda_j / r_j (Q = diag(lambda), P = diag(1/r); d = 3)",
              sp.MatMul(P_half, L, P_half, evaluate=False), sp.diag(*[L[i, i] / R[i, i] for i in range(3)])),
        equal("lambda / max(lambda |x|, phi) = min(1/|x|, lambda/phi)  (Max, Min rewritten with Abs)",
              (lam_s / sp.Max(lam_s * ax, phi_s)).rewrite(sp.Abs), sp.Min(1 / ax, lam_s / phi_s).rewrite(sp.Abs)),
        equal("with phi = 2 B lambda_min the coordinate of lambda_min has lambda_min/phi = 1/(2B)",
              sp.Subs(lam_s / phi_s, (lam_s, phi_s), (lmin_s, phi_val)), 1 / (2 * B_s)),
        fact("lower bound: |x_j| = 2B/(1+t) <= 2B gives 1/|x_j| >= 1/(2B)",
             sp.Ge(sp.Subs(1 / ax, ax, 2 * B_s / (1 + t_s)), 1 / (2 * B_s), evaluate=False)),
        fact("lower bound: lambda_j = lambda_min (1+s) gives lambda_j/phi >= 1/(2B); so min_j h_j = 1/(2B)",
             sp.Ge(sp.Subs(lam_s / phi_s, (lam_s, phi_s), (lmin_s * (1 + s_s), phi_val)), 1 / (2 * B_s),
                   evaluate=False)),
        fact("upper bound: h_j <= lambda_j/phi <= lambda_max/phi, so cond(H_0) <= (lambda_max/phi)/(1/(2B)) = kappa "
             "(lambda_max = kappa lambda_min)",
             sp.Le(sp.Subs((lam_s / phi_s) / (1 / (2 * B_s)), (lam_s, phi_s), (kappa_s * lmin_s, phi_val)), kappa_s,
                   evaluate=False)),
        fact("on E' = {min |x_j| >= 2B/(d+1)}: |x_j| = 2B(1+t)/(d+1) gives h_j <= 1/|x_j| <= (d+1)/(2B), "
             "so cond(H_0) <= d+1", sp.Le(sp.Subs(1 / ax, ax, 2 * B_s * (1 + t_s) / (d_s + 1)), (d_s + 1) / (2 * B_s),
                                          evaluate=False)),
        equal("P(|x_j| >= 2B/(d+1)) for x_j ~ Unif[-2B, 2B] is 1 - 1/(d+1)", one_coordinate, 1 - 1 / (d_s + 1)),
        fact("by independence P(E') = prod_j P(|x_j| >= 2B/(d+1)) = (1 - 1/(d+1))^d; E' is contained in E, and "
             "P(E') is at least the claimed bound",
             sp.Ge(sp.Product(1 - 1 / (d_s + 1), (j_s, 1, d_s)), claimed(d_s), evaluate=False)),
        equal("limit: the claimed bound tends to 1/e", sp.Limit(claimed(d_s), d_s, sp.oo), sp.exp(-1)),
        equal("monotonicity: d/dd log(claimed bound) = log(1 - t) + t at t = 1/(d+1) in (0, 1)",
              sp.Derivative(sp.log(claimed(d_s)), d_s), _log_aux(1 / (d_s + 1))),
        equal("the auxiliary log(1 - t) + t vanishes at t = 0", sp.Subs(_log_aux(t_s), t_s, 0), 0),
        fact("and its derivative -t/(1-t) is negative on (0, 1) (t = s/(1+s), s > 0), so log(1-t)+t < 0 there: "
             "the claimed bound strictly decreases in d, to 1/e, hence is >= 1/e",
             sp.Lt(sp.Subs(sp.Derivative(_log_aux(t_s), t_s), t_s, s_s / (1 + s_s)), 0, evaluate=False)),
        equal("exact form: 2B h_j = min(1/u_j, kappa_j) with u_j = |x_j|/(2B); for lambda_min (kappa_j = 1, u = 1/(1+t)) "
              "it is 1, so cond(H_0) = max_j min(1/u_j, kappa_j)", sp.Min(1 + t_s, 1, evaluate=False), 1),
        equal("exact form: for kappa_j > c, P(min(1/u_j, kappa_j) <= c) = P(u_j >= 1/c) = 1 - 1/c",
              above_threshold, 1 - 1 / c_s),
        equal("exact form: the N coordinates with kappa_j > c are independent, so P(E) = (1 - 1/c)^N",
              sp.Product(above_threshold, (j_s, 1, n_s)), form(c_s, n_s)),
        equal("exact form: if kappa <= d + 1 then c = kappa, no coordinate is above c (N = 0) and E is certain",
              sp.Subs(form(c_s, n_s), n_s, 0), 1),
        fact("the claim follows for every spectrum: N <= d - 1 and c <= d + 1 give P(E) >= (1 - 1/(d+1))^(d-1), "
             "at least the claimed bound",
             sp.Ge(sp.Subs(form(c_s, n_s), (c_s, n_s), (d_s + 1, d_s - 1)), claimed(d_s), evaluate=False)),
        fact("the worst spectrum at d = 2 (one-low: N = 1, c = 3) has P(E) = 2/3 exactly, at least the claimed bound",
             sp.Ge(sp.Subs(form(c_s, n_s), (c_s, n_s), (3, 1)), sp.Subs(claimed(d_s), d_s, 2), evaluate=False)),
    ]


# ---------------------------------------------------------------------------------------------
# Cases and shrinking
# ---------------------------------------------------------------------------------------------
def _grid(ds, kappas, kinds, Bs=(1.0, 0.37, 5.0), lmins=(1.0, 1.0, 0.02)):
    cases, i = [], 0
    for d in ds:
        for kappa in kappas:
            for kind in kinds:
                if d == 1 and (kind != "logspaced" or kappa != kappas[0]):
                    continue  # one coordinate: the spectrum is [lambda_min]; one case suffices
                cases.append({"d": d, "kappa": kappa, "spectrum": kind, "B": Bs[i % len(Bs)],
                              "lambda_min": lmins[i % len(lmins)], "seed": i})
                i += 1
    return cases


def mc_cases(ctx):
    return ctx.pick(
        _grid((1, 2, 3, 5, 8), (4.0, 1e2, 1e6), KINDS),
        _grid((1, 2, 3, 5, 8, 13, 21), (2.0, 30.0, 1e3, 1e6), KINDS),
        _grid((1, 2, 3, 5, 8, 13, 21, 30, 64, 100), (2.0, 4.0, 30.0, 1e3, 1e6, 1e9), KINDS),
    )


def exact_cases(ctx):
    ds = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 32, 64, 128, 256, 1024)
    kappas = (1.5, 2.0, 10.0, 1e2, 1e3, 1e6, 1e12)
    return ctx.pick(_grid(ds[:12], kappas[1:6], KINDS), _grid(ds, kappas, KINDS), _grid(ds, kappas, KINDS))


def agreement_cases(ctx):
    base = ctx.pick(_grid((2, 5), (1e2,), ("logspaced", "one-low")),
                    _grid((1, 2, 5, 13), (4.0, 1e2, 1e6), ("logspaced", "two-cluster", "one-low")))
    return [dict(c, event=e) for c in base for e in ("cond", "min-coordinate")]


def shrink_case(case):
    """Simpler cases, simplest first: d = 2 or one less, the outlier spectrum, a round kappa, B = lambda_min = 1."""
    d = int(case["d"])
    for nd in (2, d - 1):
        if 2 <= nd < d:
            yield dict(case, d=nd)
    if case["spectrum"] != "outlier":
        yield dict(case, spectrum="outlier")
    for kappa in (10.0, 100.0):
        if kappa < case["kappa"]:
            yield dict(case, kappa=kappa)
    for key in ("B", "lambda_min"):
        if case.get(key, 1.0) != 1.0:
            yield dict(case, **{key: 1.0})
    if case.get("seed", 0) != 0:
        yield dict(case, seed=0)


# ---------------------------------------------------------------------------------------------
# Check kinds used here
# ---------------------------------------------------------------------------------------------
class SampledProbability(Probability):
    """Probability whose evidence also records how many samples were re-decided in exact arithmetic."""

    def __init__(self, name, sampler: EventSampler, **kw):
        super().__init__(name, count_events=sampler, **kw)
        self.sampler = sampler

    def evaluate(self, ctx):
        self.sampler.stats = {k: 0 for k in self.sampler.stats}
        evidence = super().evaluate(ctx)
        if self.exact is None:
            evidence.details["exact_rechecks"] = dict(self.sampler.stats)
            evidence.backend = ("numpy float64 sampling; rows within 1e-9 of the threshold decided in exact rational "
                                "arithmetic (fractions) + scipy Clopper-Pearson")
        return evidence


class Agreement(Check):
    """Two-sided: each exact probability lies in the Monte Carlo Clopper-Pearson interval (Bonferroni over cases).

    A FAIL (exact value outside the interval) means the sampler or the exact formula is wrong.
    """

    kind = "probability"
    basis = "numeric"

    def __init__(self, name, cases, samplers, exact, samples=(20000, 200000, 2000000), confidence=0.999, description=""):
        super().__init__(name, description)
        self.cases, self.samplers, self.exact = cases, samplers, exact
        self.samples, self.confidence = samples, confidence

    def evaluate(self, ctx):
        cases = [ctx.instance] if ctx.instance is not None else list(self.cases(ctx))
        n = ctx.pick(*self.samples)
        conf = 1 - (1 - self.confidence) / max(len(cases), 1)
        records = []
        for s in self.samplers.values():
            s.stats = {k: 0 for k in s.stats}
        for case in cases:
            k = self.samplers[case["event"]](case, ctx.rng("mc", repr(sorted(case.items()))), n)
            lo, hi = clopper_pearson(k, n, conf)
            with mpmath.workdps(HIGH_DPS):
                p = self.exact[case["event"]](case, HIGH_DPS)
            # margin: distance of the exact value inside the interval (< 0: outside)
            records.append({"case": case, "exact": float(p), "events": k, "trials": n, "interval": [lo, hi],
                            "frequency": k / n, "margin": min(float(p) - lo, hi - float(p))})
        worst = min(records, key=lambda r: r["margin"])
        common = dict(instances=len(cases) * n, worst_margin=worst["margin"],
                      margin_meaning="min over cases of the distance of the exact probability inside the Monte Carlo "
                                     "Clopper-Pearson interval; < 0 means outside",
                      dps=HIGH_DPS, backend="mpmath exact values vs numpy float64 sampling + scipy Clopper-Pearson",
                      details={"samples_per_case": n, "confidence_per_case": conf, "cases": records,
                               "exact_rechecks": {e: dict(s.stats) for e, s in self.samplers.items()}})
        bad = [r for r in records if r["margin"] < 0]
        if bad:
            return self.evidence(Verdict.FAIL, witness=bad[0]["case"], reproducer=reproducer(ctx, bad[0]["case"]),
                                 reason=f"{len(bad)} case(s) whose exact probability lies outside the sampled interval",
                                 **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(cases)} exact values inside their intervals", **common)


def build(claimed=claimed_bound, form=exact_form) -> Claim:
    """The claim; ``claimed(d)`` is the lower bound on P(E) and ``form(c, N)`` our exact form of P(E), each written
    once (sympy for the derivation, mpmath for the numeric checks)."""
    claimed_in_case = partial(claimed_probability, claimed=claimed)
    exact_cond = partial(exact_cond_probability, form=form)
    return Claim(
        id="init-spread",
        title="With phi = 2B lambda_min, cond(H_0) <= min(d+1, kappa) with probability >= (1 - 1/(d+1))^d >= 1/e",
        source="reconstruction of the constant-probability step behind Theorem 2; docs/claims.md F3",
        provenance="reconstruction",
        statement=r"Q=\mathrm{diag}(\lambda),\ \phi=2B\lambda_{\min},\ x_0\sim\mathrm{Unif}[-2B,2B]^d:\ "
                  r"\Pr\big(\mathrm{cond}(P^{1/2}QP^{1/2})\le\min(d+1,\kappa)\big)\ge(1-\tfrac{1}{d+1})^d\ge 1/e,\ "
                  r"P=\mathrm{diag}(1/\max(|g_0|,\phi))",
        sympy_statement="P(cond(H_0) <= Min(d + 1, kappa)) >= (1 - 1/(d + 1))**d >= exp(-1)",
        hypotheses=["Q diagonal with positive diagonal lambda (any lambda_min, not only 1)", "phi = 2 B lambda_min",
                    "x_0 - x* with i.i.d. Unif[-2B, 2B] coordinates", "r_j = max(|g_0^(j)|, phi), P = diag(1/r) "
                    "(Algorithm A's frozen preconditioner with delta = 0; delta > 0 scales P by 1/(1+delta), "
                    "which leaves cond(H_0) unchanged)"],
        notes="Our exact form P(E) = (1 - 1/c)^N, c = min(d+1, kappa), N = #{j: lambda_j > c lambda_min} <= d-1, "
              "shows the claim has room: P(E) >= (1 - 1/(d+1))^(d-1).",
        parameters={},
        checks=[
            Symbolic("derivation", lambda ctx: derivation(ctx, claimed, form),
                     "H_0 in closed form, cond <= kappa always and <= d+1 on E', P(E') and its limit 1/e, exact P(E)"),
            SampledProbability("cond-event-monte-carlo", EventSampler("cond"), cases=mc_cases, claimed=claimed_in_case,
                               shrink=shrink_case, samples=(20000, 50000, 1000000),
                               description="Monte Carlo of E = {cond(H_0) <= min(d+1, kappa)} over (d, kappa, spectrum, "
                                           "B, lambda_min), Clopper-Pearson vs the claimed bound"),
            SampledProbability("cond-event-exact", EventSampler("cond"), cases=exact_cases, claimed=claimed_in_case,
                               exact=exact_cond, shrink=shrink_case,
                               # each exact case is also simulated (a check of the formula, d up to 1024): few samples
                               # there, since sampler-agreement cross-checks the form with 20000+ samples per case
                               simulation_samples=(200, 500, 5000),
                               description="the exact form (1 - 1/c)^N of P(E) vs the claimed bound, mpmath, d up to 1024"),
            Agreement("sampler-agreement", agreement_cases,
                      {"cond": EventSampler("cond"), "min-coordinate": EventSampler("min-coordinate")},
                      {"cond": exact_cond, "min-coordinate": exact_min_coordinate_probability},
                      description="P(E') = (1 - 1/(d+1))^d and the exact form of P(E) inside the Monte Carlo intervals"),
        ],
    )


CLAIM = build()


MUTANTS = {"init-spread": {
    # 1 - 1/(2(d+1)): false whenever kappa > d+1 (see the module docstring)
    "probability-1-minus-half-over-d-plus-1": lambda: build(claimed=lambda d: 1 - 1 / (2 * (d + 1))),
    # our exact form with exponent N + 1: wrong whenever the event is not certain; the sampler must refute it
    "exact-form-exponent-plus-one": lambda: build(form=lambda c, n: (1 - 1 / c) ** (n + 1)),
}}
# A true variant that must not FAIL (selftest): the floor (1 - 1/(d+1))^d is tied to its limit 1/e in the statement
# ("... >= 1/e"), so a lower floor is not a weakening of it; the same statement for d <= 8 only is.
WEAKENINGS = {"init-spread": {"d-at-most-8": lambda: _small_d()}}


def _small_d():
    from ._common.weakenings import on_fewer_cases

    return on_fewer_cases(build(), lambda case: int(case["d"]) <= 8, "checked for d <= 8 only")
