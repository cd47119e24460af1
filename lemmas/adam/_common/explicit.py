"""Explicit finite forms of the headline theorems (T2, T4, T5), decided as probability claims.

An O(.) statement cannot be decided by a finite sweep; the explicit statement its derivation gives can
(docs/claims.md, "Finite forms of the headline theorems"; provenance "derived"). Each has the shape of a chain

    event E (probability >= p, F3 or F6)  =>  cond(H_0) <= K(case)  (F3 / F2 + F5)
                                           =>  T(eps) <= C K log(1/eps) + 1     (F1, C = 1/4),

where T(eps) = min{k : f(x_k) <= eps f(x_0)} is Algorithm A's tuned count with beta2 = 1 (then the iteration is
linear in y = P_0^{-1/2} x, F4, and the count is an exact closed form: ``tuning.tune_adam_linear``; the step grid
contains alpha* = 2/(sigma_min + sigma_max) of H_0, so F1 applies to the tuned count). The checked statement is
P(T <= C K(case) log(1/eps) + 1) >= p per case, with Clopper-Pearson intervals over fresh initialisations.

:class:`ExplicitBound` is a :class:`proofcheck.Probability` (cases, count_events, claimed) that also records,
per case, every link of the chain on every sample, so that a FAIL says which link broke and names the worst
initialisation; that sample's count is re-done at 50 digits (mpmath) before the FAIL is reported.

The adaptive regime (beta2 < 1) has no closed form: :class:`AdaptiveBound` decides P(T <= C K log(1/eps) + 1) >= p
for an :class:`AdaptiveChain` by literal runs of Algorithm A (float64 screening on ``fast.adam_fast``; runs that
under- or overflowed recounted exactly by ``fast.adam_unbounded``; counts within a few iterations of the bound
recounted at 30 digits on MPFR), each start with the step its chain prescribes (:func:`alpha_star_diagonal`,
:func:`descent_step`, or, for mutants, :func:`frozen_step`). A run that reaches the iteration cap below the bound is
*unknown*: never counted as meeting the bound (so a PASS rests on verified counts only), never as missing it
unless a high-precision confirmation shows it does (so a FAIL does too): for a FAIL, the missing counts of the
failing case are confirmed at high precision, by the count itself or by a confirmed period-2 orbit (the
classifier of T6, ``_common.orbits.classify``, at two precisions), on which f never reaches eps f_0.

Both kinds state their power (``details["detectable_gap"]``, :func:`detectable_gap`): per number of starts, how far
below a claimed probability an observed frequency must lie for the whole interval to lie below it, i.e. to FAIL.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np

from proofcheck import Probability, Verdict
from proofcheck.numerics import HIGH_DPS, clopper_pearson

from .tuning import h0_spectrum, linear_count_mp, tune_adam_linear



@dataclass
class Chain:
    """One explicit form. ``instance(case) -> (Q, phi, diagonal)``: Q as (d,) diagonal or (d, d);
    ``event(case, Q, X0, g0) -> bool (n,)``: the initialisation event E; ``cond_bound(case)``: K on E;
    ``constant``: C in T <= C K log(1/eps) + 1 (the derived 1/4, or a mutant's); ``probability(case)``: p."""

    event_name: str
    instance: Callable
    event: Callable
    cond_bound: Callable[[dict], float]
    probability: Callable[[dict], float]
    constant: float = 0.25
    eps: float = 1e-12
    B: float = 1.0
    statement: str = "T <= C K log(1/eps) + 1"  # the explicit bound as the claim writes it (for reasons)

    def T_bound(self, case: dict) -> float:
        return self.constant * self.cond_bound(case) * math.log(1 / self.eps) + 1

    def T_bound_of_cell(self, cell: dict) -> float:
        """The bound at a sweep cell (its public keys), e.g. to draw beside the measured quantiles."""
        return self.T_bound({k: v for k, v in cell.items() if not str(k).startswith("_")})


def _key(case: dict) -> str:
    return json.dumps(case, sort_keys=True)


def _show(case: dict) -> str:
    return ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}" for k, v in case.items()
                     if not str(k).startswith("_"))


class ExplicitBound(Probability):
    """P(T <= C K log(1/eps) + 1) >= p per case (see the module docstring), with the chain's links recorded."""

    def __init__(self, name: str, chain: Chain, cases: Callable, *, samples=(24, 64, 256), description: str = "",
                 samples_for: Callable[[dict, int], int] | None = None):
        """``samples_for(case, n)``: the starts of one case given the budget's ``n`` (default: n for every case), so
        that power is spent where the probability is lowest and the counts are cheap."""
        self.chain = chain
        self.samples_for = samples_for
        self._links: dict = {}
        super().__init__(name, cases=cases, count_events=self._count, claimed=chain.probability, direction=">=",
                         samples=samples, description=description)

    def _judge(self, case, ctx, n, confidence):
        return super()._judge(case, ctx, self.samples_for(case, n) if self.samples_for else n, confidence)

    def _draw(self, case: dict, rng: np.random.Generator, n: int):
        Q, phi, diagonal = self.chain.instance(case)
        d = Q.shape[0]
        X0 = rng.uniform(-2.0 * self.chain.B, 2.0 * self.chain.B, size=(n, d))
        Qb = np.tile(Q, (n, 1)) if diagonal else np.repeat(Q[None], n, 0)
        return Q, Qb, X0, phi, diagonal

    def _count(self, case: dict, rng: np.random.Generator, n: int) -> int:
        c = self.chain
        Q, Qb, X0, phi, diagonal = self._draw(case, rng, n)
        K = float(c.cond_bound(case))
        bound = c.constant * K * math.log(1 / c.eps) + 1  # = Chain.T_bound(case), with K computed once
        cap = int(math.ceil(4 * bound)) + 10  # T > cap is recorded as capped: it exceeds the bound either way
        sigma, W, pdiag = h0_spectrum(Qb, X0, phi, 0.0, diagonal)  # once: the counts and cond(H_0) share it
        tuned = tune_adam_linear(Qb, X0, phi=phi, delta=0.0, eps=c.eps, cap=cap, diagonal=diagonal,
                                 spectrum=(sigma, W, pdiag))
        cond = sigma.max(axis=1) / sigma.min(axis=1)
        g0 = Qb * X0 if diagonal else np.einsum("bij,bj->bi", Qb, X0)
        E = np.asarray(c.event(case, Q, X0, g0), bool)
        T = np.where(tuned.capped, np.inf, tuned.T)
        ok = T <= bound
        own = 0.25 * cond * math.log(1 / c.eps) + 1  # F1 with the sample's own cond(H_0) (always the derived 1/4)
        # A capped count (T > cap) breaks F1 only where F1's own bound is below the cap; beyond it nothing is known
        # about F1 (the count was not run that far): those are reported as capped, never as F1 violations.
        f1_checked = ~tuned.capped | (own < cap)
        f1 = ~f1_checked | (T <= own)
        # the sample that decides the diagnosis: the largest T/bound among those where the event held but the bound
        # did not (the chain's own counterexample), else the largest overall
        score = np.where(np.isfinite(T), T, cap + 1) + np.where(E & ~ok, 10.0 * (cap + 1), 0.0)
        worst = int(np.argmax(score))
        self._links[_key(case)] = {
            "bound": bound, "samples": n, "events": int(ok.sum()), "in_event": int(E.sum()),
            "cond_bound": K,
            "event_but_cond_above_bound": int((E & (cond > K * (1 + 1e-9))).sum()),
            "event_but_T_above_bound": int((E & ~ok).sum()), "F1_violations": int((~f1).sum()),
            "capped": int(tuned.capped.sum()), "capped_F1_not_checked": int((~f1_checked).sum()),
            "max_T_over_bound": float(np.max(np.where(np.isfinite(T), T, cap + 1)) / bound),
            "quantile_T_over_bound": float(np.quantile(np.where(np.isfinite(T), T, cap + 1), c.probability(case)) / bound),
            "worst_sample": worst, "worst_T": None if not np.isfinite(T[worst]) else int(T[worst]), "cap": cap,
            "worst_cond": float(cond[worst]), "_x0": X0[worst].tolist(), "_step": float(tuned.step[worst]),
            "counts": "exact closed form (beta2 = 1, F4), float64 with mpmath recounts within 1e-9 of the threshold",
        }
        return int(ok.sum())

    def _recount_high(self, case: dict, link: dict) -> dict:
        """The worst sample's count again at 50 digits: H_0 built and diagonalised in mpmath."""
        Q, phi, diagonal = self.chain.instance(case)
        x0 = link["_x0"]
        with mpmath.workdps(HIGH_DPS):
            d = len(x0)
            x = [mpmath.mpf(v) for v in x0]
            Qm = mpmath.diag([mpmath.mpf(float(v)) for v in Q]) if diagonal else mpmath.matrix(
                [[mpmath.mpf(float(v)) for v in row] for row in Q])
            g = Qm * mpmath.matrix(x)
            p = [1 / max(abs(g[j]), mpmath.mpf(float(phi))) for j in range(d)]
            y = [x[j] / mpmath.sqrt(p[j]) for j in range(d)]
            if diagonal:  # H_0 = diag(p_j Q_jj): its spectrum is exact, no eigensolver
                sig, coef = [p[j] * Qm[j, j] for j in range(d)], [v**2 for v in y]
            else:
                H = mpmath.matrix(d, d)
                for i in range(d):
                    for j in range(d):
                        H[i, j] = mpmath.sqrt(p[i]) * Qm[i, j] * mpmath.sqrt(p[j])
                ev, U = mpmath.eigsy(H)
                proj = U.T * mpmath.matrix(y)
                sig, coef = [ev[i] for i in range(d)], [proj[i] ** 2 for i in range(d)]
            res = linear_count_mp(sig, coef, link["_step"], self.chain.eps, int(link["cap"]), HIGH_DPS)
        return {"T_high": res["T"], "dps": HIGH_DPS, "backend": "mpmath (eigsy of H_0, closed-form count)",
                "agree": res["T"] == link["worst_T"]}

    def evaluate(self, ctx):
        self._links = {}
        empty = no_case_evidence(self, ctx)
        if empty is not None:
            return empty
        ev = super().evaluate(ctx)
        cases = ev.details.get("cases", [])
        for rec in cases:
            link = self._links.get(_key(rec["case"]))
            if link:
                rec["chain"] = {k: v for k, v in link.items() if not k.startswith("_")}
        ratios = [rec["chain"]["quantile_T_over_bound"] for rec in cases if "chain" in rec]
        ev.details["max_quantile_T_over_bound"] = max(ratios) if ratios else None
        for rec in cases:
            rec.setdefault("confidence", ev.details.get("confidence_per_case"))
        ev.details["detectable_gap"] = detectable_gap(cases)
        if self.samples_for is not None:
            ev.details["starts_per_case"] = sorted({rec["trials"] for rec in cases if rec.get("trials")}, reverse=True)
            ev.details["samples_per_case"] = max(ev.details["starts_per_case"], default=ev.details.get("samples_per_case"))
        ev.details["chain"] = (f"{self.chain.event_name} (probability >= p) => cond(H_0) <= K => T <= C K log(1/eps) + 1 "
                               f"with C = {self.chain.constant:g}")
        ev.backend = ("tuned beta2 = 1 counts in closed form (F4: bisection on f_k = 1/2 sum sigma_i (1 - alpha sigma_i)^(2k) "
                      "c_i in float64, recounted in mpmath within 1e-9 of the threshold) + Clopper-Pearson intervals")
        ev.details["counting"] = ev.backend
        failed = [r for r in cases if r.get("status") == "fail"]
        worst = min(cases, key=lambda r: r["margin"]) if cases else None
        if ev.verdict is Verdict.FAIL and failed:
            rec = next((r for r in failed if _key(r["case"]) == _key(ev.witness)), failed[0]) if isinstance(
                ev.witness, dict) else failed[0]
            link = self._links[_key(rec["case"])]
            high = self._recount_high(rec["case"], link)
            rec["chain"]["worst_sample_high_precision"] = high
            lo, hi = rec["interval"]
            if link["event_but_cond_above_bound"]:
                broke = (f"the event held but cond(H_0) exceeded its bound {link['cond_bound']:.4g} in "
                         f"{link['event_but_cond_above_bound']} samples (the cond(H_0) link broke)")
            elif link["event_but_T_above_bound"]:
                broke = (f"the event held in {link['in_event']} of {link['samples']} samples and cond(H_0) stayed below "
                         f"{link['cond_bound']:.4g}, but T exceeded the bound in {link['event_but_T_above_bound']} of them "
                         f"(the link cond(H_0) -> T with constant {self.chain.constant:g} broke)")
            else:
                broke = (f"the event held in only {link['in_event']} of {link['samples']} samples: the claimed "
                         f"probability is above what the event guarantees (the probability link broke)")
            ev.reason = (f"P({self.chain.statement}), i.e. P(T <= {link['bound']:.4g}), has interval [{lo:.3g}, {hi:.3g}] below the claimed "
                         f"{rec['claimed']:.3g} at {_show(rec['case'])}: {broke}; worst initialisation #{link['worst_sample']}"
                         f" needs T = {link['worst_T'] if link['worst_T'] is not None else 'more than ' + str(link['cap'])} "
                         f"(cond(H_0) = {link['worst_cond']:.4g}; "
                         f"{'confirmed' if high['agree'] else 'recounted as ' + str(high['T_high'])} at {HIGH_DPS} digits)")
            ev.dps, ev.backend = HIGH_DPS, ev.backend + f"; worst sample recounted in mpmath (eigsy, {HIGH_DPS} digits)"
            if ev.reproducer and "--budget" not in ev.reproducer:  # the sample count depends on the budget
                ev.reproducer += f" --budget {ctx.budget.name} --seed {ctx.seed}"
        elif worst is not None and "chain" in worst:
            lo, hi = worst.get("interval", [None, None])
            status = {"PASS": "above", "INCONCLUSIVE": "not clearly above"}.get(ev.verdict.value, "against")
            ev.reason = (f"P({self.chain.statement}) is {status} the claimed probability in all {len(cases)} cases; "
                         f"closest at {_show(worst['case'])}: interval [{lo:.3g}, {hi:.3g}] against {worst['claimed']:.3g}, "
                         f"largest p-quantile of T/bound {ev.details['max_quantile_T_over_bound']:.3g}"
                         + gap_phrase(ev.details))
        return ev


def anti_concentration_event(p: float, B: float = 1.0):
    """F6: E_t = {min_j |g_0^(j)| / Q_jj >= t} with t = 2B(1-p)/d, so P(E_t) >= 1 - d t/(2B) = p."""

    def event(case, Q, X0, g0):
        d = Q.shape[0]
        return np.min(np.abs(g0) / np.diag(Q)[None, :], axis=1) >= 2 * B * (1 - p) / d

    return event


def dense_instance(make_q, B: float = 1.0):
    """``Chain.instance`` for dense Q = make_q(case): (Q, phi = 2B lambda_min(Q), dense)."""

    def instance(case):
        q = make_q(case)
        return q, 2 * B * float(np.linalg.eigvalsh(q)[0]), False

    return instance


def no_case_evidence(check: Probability, ctx):
    """INCONCLUSIVE evidence when a ``claim[key=value]`` selection leaves the check no case (else None)."""
    if ctx.instance is not None or list(check.cases(ctx)):
        return None
    return check.evidence(Verdict.INCONCLUSIVE, reason="the selection leaves this check no case: it decides nothing here",
                          details={"cases": [], "selection": dict(ctx.selection or {})})


# -- power ----------------------------------------------------------------------------------------------------------

def detectable_gap(cases: list) -> dict | None:
    """The power of Monte Carlo cases: for each number of starts n, the largest Clopper-Pearson upper bound minus the
    observed frequency k/n over k (at the cases' confidence). An observed frequency more than that below a claimed
    floor puts the whole interval below it: the claim FAILs. {"worst": the largest over n, "by_starts": {n: gap}}."""
    seen = {}
    for rec in cases:
        n, conf = rec.get("trials"), rec.get("confidence")
        if not n or rec.get("events") is None:
            continue
        conf = conf if conf is not None else _confidence_of(rec)
        if n not in seen and conf is not None:
            ks = sorted({int(round(n * x)) for x in (0.3, 0.4, 0.5, 0.6, 0.7)})  # the half-width peaks near n/2
            seen[n] = max(clopper_pearson(k, n, conf)[1] - k / n for k in ks)
    if not seen:
        return None
    return {"worst": max(seen.values()), "by_starts": {str(n): g for n, g in sorted(seen.items())}}


def _confidence_of(rec: dict) -> float | None:
    """The confidence a record's interval was computed at (Probability records it in the check's details; the case
    records of the explicit checks carry it themselves)."""
    return rec.get("confidence")


def gap_phrase(details: dict) -> str:
    gap = details.get("detectable_gap")
    if not gap:
        return ""
    by = {int(n): g for n, g in gap["by_starts"].items()}
    parts = [f"{n} starts: {g:.3g}" for n, g in sorted(by.items(), reverse=True)]
    return ("; power: an observed frequency more than the gap below a claimed probability FAILs ("
            + ", ".join(parts[:3]) + ("" if len(parts) <= 3 else ", ...") + ")")


# -- the adaptive regime (beta2 < 1): literal runs of Algorithm A -----------------------------------------------------

def _h0(Qb, r, delta, diagonal):
    """Eigenvalues of P^{1/2} Q P^{1/2} per start for P = diag(1/((1 + delta) r)) (H_0), ascending."""
    p = 1.0 / ((1.0 + delta) * r)
    if diagonal:
        return np.sort(Qb * p, axis=1)
    s = np.sqrt(p)
    return np.linalg.eigvalsh(Qb * s[:, :, None] * s[:, None, :])


def alpha_star_diagonal(Qb, X0, r, delta, diagonal, eps):
    """Diagonal Q, delta > 0 (docs/claims.md, T2's beta2 < 1 form): with h_j = lambda_j / r_j, every coordinate's
    factor |1 - alpha lambda_j p_k^(j)| stays at most rho = max(1 - alpha h_min/(1+delta), alpha h_max/delta - 1),
    and alpha* = 2/(h_min/(1+delta) + h_max/delta) makes rho = (c'-1)/(c'+1), c' = cond(h) (1+delta)/delta, so
    T <= (c'/4) log(1/eps) + 1 from every start. Returns (alpha*, that per-start bound)."""
    h = Qb / r
    hmin, hmax = h.min(axis=1), h.max(axis=1)
    alpha = 2.0 / (hmin / (1 + delta) + hmax / delta)
    own = (hmax / hmin) * (1 + delta) / delta / 4 * math.log(1 / eps) + 1
    return alpha, own


def descent_step(Qb, X0, r, delta, diagonal, eps):
    """Any SPD Q, delta > 0 (docs/claims.md, T4's beta2 < 1 form): with G_j = sqrt(2 Q_jj f_0), P_hi = diag(1/(delta r))
    and P_lo = diag(1/(max(r_j, G_j) + delta r_j)), the descent lemma gives f_{k+1} <= (1 - mu_lo/L_hi) f_k at
    alpha = 1/L_hi, L_hi = lambda_max(P_hi^{1/2} Q P_hi^{1/2}), mu_lo = lambda_min(P_lo^{1/2} Q P_lo^{1/2}), so
    T <= (L_hi/mu_lo) log(1/eps) + 1 from every start. Returns (1/L_hi, that per-start bound)."""
    if diagonal:
        Qd = np.zeros(Qb.shape + (Qb.shape[1],))
        idx = np.arange(Qb.shape[1])
        Qd[:, idx, idx] = Qb
        Qb = Qd
    diag_q = np.diagonal(Qb, axis1=1, axis2=2)
    f0 = 0.5 * np.einsum("bi,bij,bj->b", X0, Qb, X0)
    G = np.sqrt(diag_q * 2 * f0[:, None])
    p_hi, p_lo = 1.0 / (delta * r), 1.0 / (np.maximum(r, G) + delta * r)

    def congruent(p):
        s = np.sqrt(p)
        return np.linalg.eigvalsh(Qb * s[:, :, None] * s[:, None, :])

    L, mu = congruent(p_hi)[:, -1], congruent(p_lo)[:, 0]
    return 1.0 / L, (L / mu) * math.log(1 / eps) + 1


def frozen_step(Qb, X0, r, delta, diagonal, eps):
    """The beta2 = 1 form's step alpha = 2/(sigma_min + sigma_max) of H_0 (P = diag(1/((1 + delta) r))), with no
    per-start bound: what the mutants that drop the offset condition use (alpha* and 1/L_hi vanish at delta = 0)."""
    sigma = _h0(Qb, r, delta, diagonal)
    return 2.0 / (sigma[:, 0] + sigma[:, -1]), np.full(len(X0), np.inf)


@dataclass
class AdaptiveChain:
    """An explicit form of the adaptive regime: P(T <= C K log(1/eps) + 1) >= p for Algorithm A with ``beta2(case)``,
    offset ``delta`` and the step ``step`` prescribes per start (returning also the per-start bound the derivation
    gives); ``event`` and ``cond_bound`` (K on the event) as in :class:`Chain`. ``iter_cap`` bounds the float64 runs:
    a run still going there, below the bound, is unknown (see the module docstring)."""

    event_name: str
    instance: Callable
    event: Callable
    cond_bound: Callable[[dict], float]
    probability: Callable[[dict], float]
    beta2: Callable[[dict], float]
    delta: float
    step: Callable = alpha_star_diagonal
    constant: float = 0.25
    eps: float = 1e-12
    B: float = 1.0
    statement: str = "T <= C K log(1/eps) + 1"
    iter_cap: int = 20000

    def T_bound(self, case: dict) -> float:
        return self.constant * self.cond_bound(case) * math.log(1 / self.eps) + 1


HP_DPS = 30  # recounts of float64 counts near the bound, and the confirmation of missed ones (with HIGH_DPS)
RECOUNT_WORK = 4e5  # iterations x coordinates (x d for dense Q) affordable for one high-precision recount
CLASSIFY_ITERS = 3200  # the longest run T6's classifier makes to confirm an orbit (it starts at 400 and doubles)


class AdaptiveBound(Probability):
    """P(T <= C K log(1/eps) + 1) >= p per case for an :class:`AdaptiveChain`, counted by literal runs."""

    def __init__(self, name: str, chain: AdaptiveChain, cases: Callable, *, samples=(32, 128, 512),
                 description: str = ""):
        self.chain = chain
        self._links: dict = {}
        self._runs: dict = {}
        self._failed_case = None
        super().__init__(name, cases=cases, count_events=self._count, claimed=chain.probability, direction=">=",
                         samples=samples, description=description)

    # -- counting ------------------------------------------------------------------------------------------------
    def _draw(self, case, rng, n):
        Q, phi, diagonal = self.chain.instance(case)
        d = Q.shape[0]
        X0 = rng.uniform(-2.0 * self.chain.B, 2.0 * self.chain.B, size=(n, d))
        Qb = np.tile(Q, (n, 1)) if diagonal else np.repeat(Q[None], n, 0)
        return Q, Qb, X0, float(phi), diagonal

    def _hp_count(self, Q, x0, alpha, beta2, phi, diagonal, iters):
        from .highprec import adam_hp

        run = adam_hp(np.asarray(Q, float).tolist(), [float(v) for v in x0], repr(float(alpha)),
                      beta2=repr(float(beta2)), phi=repr(float(phi)), delta=repr(float(self.chain.delta)), iters=iters,
                      dps=HP_DPS, eps=repr(float(self.chain.eps)), diagonal=diagonal)
        return run.T

    def _count(self, case: dict, rng: np.random.Generator, n: int) -> int:
        from .fast import BACKEND, HAVE_NUMBA, UNBOUNDED_BACKEND, adam_fast, adam_unbounded

        c = self.chain
        Q, Qb, X0, phi, diagonal = self._draw(case, rng, n)
        d = Q.shape[0]
        g0 = Qb * X0 if diagonal else np.einsum("bij,bj->bi", Qb, X0)
        r = np.maximum(np.abs(g0), phi)
        alpha, own = c.step(Qb, X0, r, c.delta, diagonal, c.eps)
        beta2 = float(c.beta2(case))
        E = np.asarray(c.event(case, Q, X0, g0), bool)
        K = float(c.cond_bound(case))
        bound = c.constant * K * math.log(1 / c.eps) + 1  # = AdaptiveChain.T_bound(case), K computed once
        limit = int(math.floor(bound))  # T <= bound  <=>  T <= limit
        window = 2 + int(1e-3 * limit)  # float64 counts this close to the limit are recounted at high precision
        cap = min(limit + window + 1, c.iter_cap)  # a run capped there is above the window: T > bound for sure
        T = np.full(n, -1, dtype=np.int64)
        suspect = np.zeros(n, bool)
        # Diagonal runs are cheap: one batch (which runs every start to the cap when one is capped). Dense runs go one
        # start at a time: a batch would run every start as long as its slowest one (heavy tails at d^2 per step).
        chunks = [np.arange(n)] if diagonal else [np.array([i]) for i in range(n)]
        for rows in chunks:
            run = adam_fast(Qb[rows], X0[rows], alpha[rows], beta2=beta2, phi=phi, delta=c.delta, iters=cap, eps=c.eps,
                            diagonal=diagonal)
            flagged = np.asarray(run.suspect)
            if diagonal and c.step is alpha_star_diagonal:
                # Diagonal Q at alpha*: each coordinate evolves on its own and never grows (its factor is <= 1, proved
                # in adaptive_diagonal_links), so a coordinate that fell below float64's normal range stays below
                # 1e-290 and changes f by less than 1e-500 f_0: underflow alone cannot change a count here.
                flagged = np.asarray(run.nonfinite) | np.asarray(getattr(run, "overflow", np.zeros(len(rows), bool)))
            T[rows], suspect[rows] = np.asarray(run.T), flagged
        backends = {f"float64 {BACKEND} (adam_fast)"}
        unknown_runs = np.zeros(n, bool)  # a count that could not be trusted nor redone: never counted either way
        # float64 under/overflow can fake a count: a converged run that was flagged is recounted exactly (float64
        # without exponent limits, fast.adam_unbounded) up to a little past its float64 count; a flagged run that did
        # not converge counts as missing the bound only once a FAIL confirms it at high precision (see evaluate).
        rows = np.nonzero(suspect & (T >= 0))[0]
        hp_rows = []
        if len(rows):
            if HAVE_NUMBA:
                horizon = int(min(cap, T[rows].max() + window + 1))
                T_u, bad, _ = adam_unbounded(Qb[rows], X0[rows], alpha[rows], beta2=beta2, phi=phi, delta=c.delta,
                                             iters=horizon, eps=c.eps, diagonal=diagonal)
                backends.add(UNBOUNDED_BACKEND + f" for {len(rows)} flagged run(s)")
                for i, t_u, b in zip(rows, T_u, bad):
                    if b:
                        hp_rows.append(int(i))
                    elif t_u >= 0:
                        T[i] = int(t_u)
                    else:
                        T[i], unknown_runs[i] = -1, horizon < cap
            else:  # pragma: no cover - exercised only where numba is missing
                hp_rows = rows.tolist()
        recounted = []
        near = np.nonzero((T >= 0) & (np.abs(T - limit) <= window))[0]
        for i in sorted(set(near.tolist()) | set(hp_rows)):  # counts the decision rests on, near the bound
            T_hp = self._hp_count(Q, X0[i], alpha[i], beta2, phi, diagonal, cap)
            recounted.append({"sample": int(i), "T_float64": int(T[i]) if T[i] >= 0 else None, "T_high": T_hp})
            T[i] = -1 if T_hp is None else T_hp
            unknown_runs[i] = False
        if recounted:
            backends.add(f"MPFR at {HP_DPS} digits (highprec.adam_hp) for {len(recounted)} count(s) near the bound")
        met = (T >= 0) & (T <= limit)
        above = (((T >= 0) & (T > limit)) | ((T < 0) & (cap > limit))) & ~unknown_runs  # T > bound (confirmed for a FAIL)
        unknown = ~met & ~above  # still running at the iteration cap, below the bound
        finite = T >= 0
        own_checked = finite | (own < cap)  # the per-start bound is checkable only where the run went that far
        worst = int(np.argmax(np.where(finite, T, np.iinfo(np.int64).max)))
        self._runs[_key(case)] = {"Q": Q, "X0": X0, "alpha": alpha, "beta2": beta2, "phi": phi, "diagonal": diagonal,
                                  "T": T, "above": above, "met": met, "limit": limit, "cap": cap}
        q = np.quantile(np.where(finite, T, np.inf), c.probability(case), method="inverted_cdf")
        self._links[_key(case)] = {
            "bound": bound, "samples": n, "events": int(met.sum()), "above_bound": int(above.sum()),
            "unknown_at_cap": int(unknown.sum()), "cap": cap, "beta2": beta2, "delta": c.delta,
            "in_event": int(E.sum()), "cond_bound": K,
            "event_but_own_bound_above_bound": int((E & (own > bound * (1 + 1e-9))).sum()),
            "event_but_T_above_bound": int((E & above).sum()),
            "per_start_bound_violations": int((own_checked & ~(finite & (T <= own)) & np.isfinite(own)).sum()),
            "quantile_T_over_bound": float(q / bound) if np.isfinite(q) else None,
            "max_T_over_bound_among_counted": float(T[finite].max() / bound) if finite.any() else None,
            "worst_sample": worst, "recounted_near_bound": recounted, "backends": sorted(backends),
            "d": int(d),
        }
        return int(met.sum())

    def _judge(self, case, ctx, n, confidence):
        """The base judgment on the verified counts (a run counts as meeting the bound only when its count does).
        A case whose interval lies below the claim FAILs only once enough of its misses are confirmed at high precision
        (``_confirm_missed``; a FAIL needs one such case, so later ones are left open once one is confirmed)."""
        record = super()._judge(case, ctx, n, confidence)
        link = self._links.get(_key(case))
        if not link or record.get("events") is None:
            return record
        record["unknown_at_cap"] = link["unknown_at_cap"]
        record["confidence"] = confidence
        if record["status"] == "fail":
            if self._failed_case is not None:
                record["status"], record["note"] = "open", (f"screened below the claim, not confirmed: a FAIL was already "
                                                            f"confirmed at {_show(self._failed_case)}")
                return record
            check = self._confirm_missed(case, record)
            record["confirmation"] = check
            if check["holds"]:
                self._failed_case = case
            else:
                record["status"] = "open"
                record["note"] = (f"screened below the claim, but only {check['confirmed_missed']} of {check['tried']} "
                                  f"missed or unfinished runs were confirmed at high precision (interval then "
                                  f"[{check['interval_after_confirmation'][0]:.3g}, {check['interval_after_confirmation'][1]:.3g}])"
                                  + (f"; {check['skipped']}" if check.get("skipped") else ""))
        return record

    # -- confirmation of a FAIL --------------------------------------------------------------------------------------
    def _confirm_missed(self, case: dict, rec: dict) -> dict:
        """Confirm at high precision, start by start, that the runs counted as missing the bound do miss it, until the
        case's interval lies below the claim (or every one was tried): by a confirmed period-2 orbit (T6's
        classifier, at HP_DPS and HIGH_DPS digits: f stays far above eps f_0) or by the count itself."""
        from .orbits import classify

        run = self._runs[_key(case)]
        n, claimed, confidence = rec["trials"], rec["claimed"], rec["confidence"]
        Q, X0 = run["Q"], run["X0"]
        d = Q.shape[0]
        work_per_iter = d if run["diagonal"] else d * d
        confirmed, tried, orbit_example, skipped = [], 0, None, ""
        if CLASSIFY_ITERS * work_per_iter > RECOUNT_WORK:
            skipped = f"d = {d} is too large to confirm runs at high precision within this check's budget"
            candidates = []
        else:
            candidates = np.nonzero(~run["met"])[0]
        for i in candidates:
            tried += 1
            inst = {"Q": np.asarray(Q, float).tolist(), "diagonal": run["diagonal"], "x0": X0[i].tolist(),
                    "alpha": float(run["alpha"][i]), "beta2": run["beta2"], "phi": run["phi"]}
            labels = [classify(inst, self.chain.delta, dps, start=400, cap=CLASSIFY_ITERS)[0] for dps in (HP_DPS, HIGH_DPS)]
            f_ratio = [float(lab.info.get("f_ratio", "nan")) for lab in labels]
            if all(lab.label == "orbit" for lab in labels) and min(f_ratio) > 1e3 * self.chain.eps:
                confirmed.append({"sample": int(i), "by": "orbit", "f_over_f0": f_ratio[-1],
                                  "period2_residual": labels[-1].info.get("period2_residual"),
                                  "iterations": labels[-1].info.get("iters"), "dps": [HP_DPS, HIGH_DPS]})
                orbit_example = orbit_example or dict(confirmed[-1], x0=X0[i].tolist(), alpha=float(run["alpha"][i]))
            elif run["above"][i] and run["cap"] * work_per_iter <= RECOUNT_WORK:
                T_hp = self._hp_count(Q, X0[i], run["alpha"][i], run["beta2"], run["phi"], run["diagonal"], run["cap"])
                if T_hp is None or T_hp > run["limit"]:
                    confirmed.append({"sample": int(i), "by": f"count at {HP_DPS} digits", "T_high": T_hp})
            if clopper_pearson(n - len(confirmed), n, confidence)[1] < claimed:
                break
        lo, hi = clopper_pearson(n - len(confirmed), n, confidence)
        return {"confirmed_missed": len(confirmed), "tried": tried, "interval_after_confirmation": [lo, hi],
                "holds": hi < claimed, "examples": confirmed[:3], "orbit_witness": orbit_example, "skipped": skipped}

    def evaluate(self, ctx):
        self._links, self._runs, self._failed_case = {}, {}, None
        empty = no_case_evidence(self, ctx)
        if empty is not None:
            return empty
        ev = super().evaluate(ctx)
        cases = ev.details.get("cases", [])
        for rec in cases:
            link = self._links.get(_key(rec["case"]))
            if link:
                rec["chain"] = link
        c = self.chain
        for rec in cases:
            rec.setdefault("confidence", ev.details.get("confidence_per_case"))
        ev.details["detectable_gap"] = detectable_gap(cases)
        ev.details["chain"] = (f"{c.event_name} (probability >= p) => K_start <= K => T <= C K log(1/eps) + 1 with C = "
                               f"{c.constant:g}; Algorithm A with delta = {c.delta:g}, step {c.step.__name__}")
        backends = sorted({b for rec in cases for b in rec.get("chain", {}).get("backends", [])})
        ev.backend = ("literal runs of Algorithm A: " + "; ".join(backends) + " + Clopper-Pearson intervals "
                      "(a run still going at the iteration cap below the bound is never counted as meeting it)")
        ev.details["counting"] = ev.backend
        failed = [r for r in cases if r.get("status") == "fail"]
        if ev.verdict is Verdict.FAIL and failed:
            rec = failed[0]
            check = rec["confirmation"]
            lo, hi = rec["interval"]
            link = rec["chain"]
            orbit = check["orbit_witness"]
            how = (f"; e.g. start #{orbit['sample']} settles on a period-2 orbit (confirmed at {HP_DPS} and {HIGH_DPS} "
                   f"digits: residual {orbit['period2_residual']} after {orbit['iterations']} iterations, f stays at "
                   f"{orbit['f_over_f0']:.3g} f_0, far above eps f_0: T does not exist)" if orbit else "")
            ev.reason = (f"P({c.statement}), i.e. P(T <= {link['bound']:.4g}), has interval [{lo:.3g}, {hi:.3g}] below the "
                         f"claimed {rec['claimed']:.3g} at {_show(rec['case'])} (beta2 = {link['beta2']:g}, delta = "
                         f"{c.delta:g}): {link['above_bound']} of {link['samples']} starts miss the bound, "
                         f"{check['confirmed_missed']} of them confirmed at high precision{how}")
            ev.witness = dict(rec["case"])
            ev.dps = HIGH_DPS
            if orbit:
                ev.details["orbit_witness"] = orbit
            ev.backend += f"; missed counts confirmed at {HP_DPS} and {HIGH_DPS} digits (T6's orbit classifier, MPFR)"
            if ev.reproducer and "--budget" not in ev.reproducer:  # the sample count depends on the budget
                ev.reproducer += f" --budget {ctx.budget.name} --seed {ctx.seed}"
            return ev
        worst = min(cases, key=lambda r: r["margin"]) if cases else None
        if worst is not None and "chain" in worst:
            lo, hi = worst.get("interval", [None, None])
            status = {"PASS": "above", "INCONCLUSIVE": "not clearly above"}.get(ev.verdict.value, "against")
            check = self._confirm_hardest(worst)
            worst["chain"]["hardest_count_high_precision"] = check
            if check and not check["agree"]:
                ev.verdict = Verdict.INCONCLUSIVE
            ev.reason = (f"P({c.statement}) for Algorithm A (delta = {c.delta:g}, beta2 in "
                         f"{{{', '.join(sorted({format(r['chain']['beta2'], 'g') for r in cases if 'chain' in r}))}}}) is "
                         f"{status} the claimed probability in all {len(cases)} cases; closest at {_show(worst['case'])}: "
                         f"interval [{lo:.3g}, {hi:.3g}] against {worst['claimed']:.3g}"
                         + (f"; its hardest counted start (T = {check['T_float64']}) recounted at {HP_DPS} digits: "
                            f"{'the same' if check['agree'] else check['T_high']}" if check else "")
                         + gap_phrase(ev.details))
        return ev

    def _confirm_hardest(self, rec: dict) -> dict | None:
        """The largest counted T of the closest case, recounted at HP_DPS digits when affordable (a check of the
        float64 screening on the counts that decided)."""
        run = self._runs.get(_key(rec["case"]))
        if run is None:
            return None
        T, limit = run["T"], run["limit"]
        counted = np.nonzero((T >= 0) & (T <= limit))[0]
        if not len(counted):
            return None
        i = int(counted[np.argmax(T[counted])])
        d = run["Q"].shape[0]
        if T[i] * (d if run["diagonal"] else d * d) > RECOUNT_WORK:
            return None
        T_hp = self._hp_count(run["Q"], run["X0"][i], run["alpha"][i], run["beta2"], run["phi"], run["diagonal"],
                              int(T[i]) + 1)
        return {"sample": i, "T_float64": int(T[i]), "T_high": T_hp, "agree": T_hp == int(T[i]), "dps": HP_DPS}


# -- the derivations' shared links, as checked steps (docs/claims.md, "Finite forms of the headline theorems") -------
# Every inequality of a chain is a step sympy signs under the symbols' assumptions; ranges such as beta2 in (0, 1] or
# |x_j| <= 2B are encoded by substitution (beta2 = 1/(1 + w), |x_j| = 2B/(1 + w) with w >= 0), so that a step can
# fail only where the mathematics does.

def f1_links():
    """F1 in the function-value criterion, then log((c+1)/(c-1)) >= 2/c: T <= (c/4) log(1/eps) + 1 for rate
    (c-1)/(c+1) per step in norm (c = cond > 1). Decided once per process (several derivations share it)."""
    return list(_f1_links())


@functools.lru_cache(maxsize=1)
def _f1_links():
    import sympy as sp

    from proofcheck import equal, fact

    c, e, u, k, w, z, L = sp.symbols("c epsilon u k w z L", positive=True)
    cw = 1 + w  # c = 1 + w > 1
    with sp.evaluate(False):
        contraction = sp.log(((cw - 1) / (cw + 1)) ** (2 * k))
        log_gap = sp.log((1 + u) / (1 - u)) - 2 * u
        derivative = 2 * u**2 / (1 - u**2)
        # T_F1 = L/(2 log((c+1)/(c-1))) with L = log(1/eps); log((c+1)/(c-1)) = 2/c + z, z >= 0 (the two steps above)
        linear_gap = c * L / 4 - L / (2 * (2 / c + z))
    return (
        equal("F1 in the function-value criterion: log of f_k/f_0 <= rate^(2k), rate = (c-1)/(c+1), is "
              "-2k log((c+1)/(c-1)); so f_k <= eps f_0 once k >= log(1/eps)/(2 log((c+1)/(c-1)))",
              contraction, -2 * k * sp.log((cw + 1) / (cw - 1))),
        equal("log((1+u)/(1-u)) - 2u has derivative 2u^2/(1-u^2) on (0, 1)", sp.Derivative(log_gap, u), derivative),
        fact("that derivative is >= 0 on (0, 1) (u = 1/(1+w), w > 0)", sp.Ge(derivative.subs(u, 1 / (1 + w)), 0)),
        equal("and log((1+u)/(1-u)) - 2u vanishes at u = 0; so log((c+1)/(c-1)) >= 2/c (u = 1/c)",
              sp.Subs(log_gap, u, 0), 0),
        fact("hence log(1/eps)/(2 log((c+1)/(c-1))) <= (c/4) log(1/eps) (log((c+1)/(c-1)) = 2/c + z, z >= 0): "
             "T <= (c/4) log(1/eps) + 1", sp.Ge(linear_gap, 0)),
    )


def f1_constant():
    """The F1 chain's constant as the derivation gives it, unevaluated: lim_c T_F1 / (c log(1/eps)) = 1/4."""
    import sympy as sp

    c, e = sp.symbols("c epsilon", positive=True)
    return sp.Limit(sp.log(1 / e) / (2 * sp.log((c + 1) / (c - 1))) / (c * sp.log(1 / e)), c, sp.oo)


def adaptive_diagonal_links():
    """Diagonal Q, beta2 in (0, 1], delta > 0, r_j = max(|g_0^(j)|, phi): every coordinate contracts at rate
    (c'-1)/(c'+1), c' = cond(h) (1+delta)/delta, h_j = lambda_j/r_j, at alpha* = 2/(h_min/(1+delta) + h_max/delta)."""
    import sympy as sp

    from proofcheck import equal, fact

    r, a, b, s, t, q, w, dl, lam, e, al = sp.symbols("r a b s t q w delta lambda e alpha", positive=True)
    hmin, u = sp.symbols("h_min u", positive=True)
    beta2 = 1 / (1 + w)  # beta2 in (0, 1]
    hmax = hmin * (1 + u)
    alpha_star = 2 / (hmin / (1 + dl) + hmax / dl)
    with sp.evaluate(False):
        v_gap = r**2 - (beta2 * (r**2 - a) + (1 - beta2) * (r**2 - b))
        p_low_gap = 1 / (t + dl * (s + t)) - 1 / ((1 + dl) * (s + t))  # sqrt(v) = t <= r = s + t
        p_high_gap = 1 / (dl * r) - 1 / (q + dl * r)  # sqrt(v) = q >= 0
        lower_end = 1 - alpha_star * hmin / (1 + dl)
        upper_end = alpha_star * hmax / dl - 1
        cprime = (hmax / dl) / (hmin / (1 + dl))
        room = 2 - alpha_star * hmax / dl
        energy = (lam * e) ** 2 / (2 * lam)
    return [
        fact("induction on k: if |g_i^(j)| <= r_j for i <= k, then v_k <= r_j^2: with v_{k-1} = r^2 - a, g_k^2 = r^2 - b "
             "(a, b >= 0) and beta2 = 1/(1+w) in (0, 1], r^2 - v_k = beta2 a + (1 - beta2) b >= 0", sp.Ge(v_gap, 0)),
        fact("so p_k = 1/(sqrt(v_k) + delta r) >= 1/((1 + delta) r) (sqrt(v_k) = t <= r = s + t)", sp.Ge(p_low_gap, 0)),
        fact("and p_k <= 1/(delta r), as sqrt(v_k) = q >= 0 (v_k >= beta2^k r^2 >= 0)", sp.Ge(p_high_gap, 0)),
        equal("with alpha lambda_j p_k in [alpha h_j/(1+delta), alpha h_j/delta], |1 - alpha lambda_j p_k| <= "
              "max(1 - alpha h_min/(1+delta), alpha h_max/delta - 1); alpha* makes the two ends equal", lower_end,
              upper_end),
        equal("and their common value is (c'-1)/(c'+1) with c' = (h_max/delta)/(h_min/(1+delta)) = cond(h) (1+delta)/delta",
              lower_end, (cprime - 1) / (cprime + 1)),
        fact("alpha* h_max/delta < 2, so |1 - alpha* lambda_j p_k| <= 1 and |g_{k+1}^(j)| <= |g_k^(j)| <= r_j: the "
             "induction closes (this needs delta > 0)", sp.Gt(room, 0)),
        equal("f = sum_j lambda_j x_j^2 / 2 = sum_j (g^(j))^2/(2 lambda_j): f_k <= ((c'-1)/(c'+1))^(2k) f_0", energy,
              lam * e**2 / 2),
    ]


def descent_links():
    """Any SPD Q, beta2 in (0, 1], delta > 0: the descent lemma with P_lo <= P_k <= P_hi (diagonal) gives
    f_{k+1} <= (1 - mu_lo/L_hi) f_k at alpha = 1/L_hi, so T <= (L_hi/mu_lo) log(1/eps) + 1."""
    import sympy as sp

    from proofcheck import equal, fact

    L, mu, al, gp, f, g2, qjj, f0, z, m, y, q, Lg = sp.symbols("L_hi mu_lo alpha gPg f g2 Q_jj f_0 z m y q L",
                                                               positive=True)
    w, a, b = sp.symbols("w a b", positive=True)
    beta2 = 1 / (1 + w)
    with sp.evaluate(False):
        step = f - al * gp + al**2 / 2 * L * gp  # f(x - alpha P g) <= f - alpha g'Pg + (alpha^2/2) L_hi g'Pg
        at_best = f - gp / (2 * L)
        pl_gap = (f - 2 * mu * f / (2 * L)) - (f - (2 * mu * f + z) / (2 * L))  # g'Pg = 2 mu_lo f + z, z >= 0
        cs = qjj * 2 * f0 - (qjj * 2 * f0 - z)  # (e_j' Q x)^2 <= (e_j' Q e_j)(x' Q x): g2 = Q_jj 2 f_0 - z, z >= 0
        v_gap = (m**2) - (beta2 * (m**2 - a) + (1 - beta2) * (m**2 - b))  # m = max(r_j, G_j)
        log_gap = -sp.log(1 - q) - q
        count_gap = Lg / q - Lg / (q + y)  # -log(1 - q) = q + y, y >= 0; L = log(1/eps)
    return [
        equal("descent lemma along x_{k+1} = x_k - alpha P_k g_k: f_{k+1} = f_k - alpha g'P g + (alpha^2/2) g'P Q P g "
              "<= f_k - alpha g'Pg + (alpha^2/2) L_hi g'Pg, as P_k^{1/2} = S P_hi^{1/2} with S <= I diagonal and F5 "
              "gives lambda_max(S A S) <= lambda_max(A); at alpha = 1/L_hi it is f_k - g'Pg/(2 L_hi)",
              sp.Subs(step, al, 1 / L), at_best),
        fact("g'P_k g >= g'P_lo g >= 2 mu_lo f_k (P_k >= P_lo entrywise; x'Q P_lo Q x >= lambda_min(P_lo^{1/2} Q "
             "P_lo^{1/2}) x'Qx): with g'Pg = 2 mu_lo f + z, f_{k+1} <= (1 - mu_lo/L_hi) f_k", sp.Ge(pl_gap, 0)),
        fact("induction: f_i <= f_0 for i <= k gives |g_i^(j)| <= G_j = sqrt(2 Q_jj f_0) (Cauchy-Schwarz in the Q inner "
             "product: (g^(j))^2 = Q_jj 2 f_0 - z, z >= 0)", sp.Ge(cs, 0)),
        fact("so v_k <= max(r_j, G_j)^2 = m^2 (beta2 = 1/(1+w) in (0, 1]) and p_k >= 1/(m + delta r_j) = P_lo; "
             "p_k <= 1/(delta r_j) = P_hi as v_k >= 0 (this needs delta > 0)", sp.Ge(v_gap, 0)),
        equal("-log(1 - q) - q has derivative q/(1 - q) on (0, 1) and vanishes at 0, so -log(1 - q) >= q",
              sp.Derivative(log_gap, q), q / (1 - q)),
        fact("that derivative is >= 0 on (0, 1) (q = 1/(1 + w))", sp.Ge((q / (1 - q)).subs(q, 1 / (1 + w)), 0)),
        fact("hence with q = mu_lo/L_hi, log(1/eps)/(-log(1 - q)) <= log(1/eps)/q (-log(1 - q) = q + y, y >= 0): "
             "T <= (L_hi/mu_lo) log(1/eps) + 1", sp.Ge(count_gap, 0)),
    ]
