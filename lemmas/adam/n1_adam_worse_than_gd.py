"""N1 `adam-worse-than-gd`: a negative result (docs/claims.md N1; abstract).

There exist sufficiently non-diagonal Q with d << kappa^{1/3} on which Algorithm A, even tuned, needs more
iterations than tuned GD.

Encoding (existence kind). A witness is a dense Q (d = 4, kappa = 1e4, so d < kappa^{1/3} ~ 21.5) together
with m random initialisations (drawn from the stored ``init_seed``, x_0 - x* i.i.d. Unif[-2B, 2B]); the
property is that for *every one* of the m initialisations tuned Algorithm A (beta2 = 1, phi = 2 B lambda_min,
delta = 0, alpha tuned per initialisation on the shared grid) needs more iterations than tuned GD (eta tuned
on the same relative grid). The search draws random rotations, then hill-climbs on
min_i log(T_A / T_GD) by small rotations (the spectrum, hence kappa, is kept).

Counting: with beta2 = 1 Algorithm A is the linear iteration y_{k+1} = (I - alpha H_0) y_k in y = P_0^{-1/2} x
with f = y^T H_0 y / 2 (docs/claims.md F4; the symbolic check below), so both counts have the closed form of
lemmas.adam._common.tuning.linear_counts. Certification at high precision: mpmath (eigsy) at 50 and 100 digits,
and in ball arithmetic (python-flint matrix powers, ``ball_certificate``) on the stored witness.
Tuned GD is at most T_GD(eta_best) (computed at high precision), and *every* grid step of Algorithm A is shown
not to converge within that many iterations (a lower bound on f_k from its eigen-expansion), so
T_A(tuned) > T_GD(tuned) holds at both precisions (mpmath throughout: eigendecompositions and closed forms, no
Algorithm A / GD iteration, so the MPFR engine highprec.py does not apply). The chosen runs are also re-run literally
in float64 (the compiled fast.adam_fast / gd_fast, drop-ins for adam_f64 / gd_f64) and the counts compared.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Claim, InvalidInstance, Space, Symbolic, equal, existence_mutant
from proofcheck.checks.existence import Existence

from ._common.fast import adam_fast, gd_fast
from ._common.init import random_init
from ._common.quadratics import conditions, is_spd, mp_matrix, product_as_written, rotated, spectrum
from ._common.tuning import GRID, gd_coefficients, linear_count_mp, tune_adam_linear, tune_gd

B, EPS, DELTA = 1.0, 1e-10, 0.0  # eps << 1/kappa, so that f_0 being carried by the large eigenvalues does not let GD stop early
D, KAPPA = 4, 1e4
CAP = int(20 * KAPPA * math.log(1 / EPS))
LITERAL_MAX = 200_000


def inits(inst: dict) -> np.ndarray:
    return random_init(len(inst["Q"]), B, np.random.default_rng(int(inst["init_seed"])), batch=int(inst["m"]))


def _small_rotation(d: int, rng, scale: float) -> np.ndarray:
    a = rng.standard_normal((d, d)) * scale
    q, r = np.linalg.qr(np.eye(d) + (a - a.T) / 2)
    return q * np.sign(np.diag(r))


class RotatedSpace(Space):
    """Q = U diag(spectrum) U^T with kappa fixed; ``structure='diagonal'`` keeps Q diagonal (the mutant)."""

    def __init__(self, d: int = D, kappa: float = KAPPA, m: int = 4, structure: str = "rotated"):
        self.d, self.kappa, self.m, self.structure = d, kappa, m, structure

    def sample(self, rng):
        lam = spectrum(self.d, self.kappa, str(rng.choice(["logspaced", "two-cluster", "outlier", "uniform"])), rng)
        q = np.diag(rng.permutation(lam)) if self.structure == "diagonal" else rotated(lam, rng)
        return {"Q": q.tolist(), "init_seed": int(rng.integers(2**31)), "m": self.m}

    def perturb(self, inst, rng, scale):
        q = np.array(inst["Q"])
        if self.structure == "diagonal":
            lam = np.diag(q)
            return dict(inst, Q=np.diag(rng.permutation(lam)).tolist())
        u = _small_rotation(self.d, rng, scale)
        q = u @ q @ u.T
        return dict(inst, Q=((q + q.T) / 2).tolist())

    def validate(self, inst):
        if not {"Q", "init_seed", "m"} <= set(inst):
            raise InvalidInstance("instance needs 'Q', 'init_seed' and 'm'")
        ok, why = is_spd(inst["Q"])
        if not ok:
            raise InvalidInstance(why)
        if self.structure == "diagonal":
            q = np.array(inst["Q"])
            if np.any(q != np.diag(np.diag(q))):
                raise InvalidInstance("Q must be diagonal")


def tuned_counts(insts: list) -> tuple[np.ndarray, np.ndarray, object, object]:
    """Float64 screening: (T_A, T_GD) of shape (n, m) plus the Tuned records, via the closed forms."""
    Q = np.concatenate([np.repeat(np.array(i["Q"])[None], int(i["m"]), 0) for i in insts])
    X0 = np.concatenate([inits(i) for i in insts])
    a = tune_adam_linear(Q, X0, phi=2 * B * float(np.linalg.eigvalsh(Q[0])[0]), delta=DELTA, eps=EPS, cap=CAP,
                         diagonal=False)
    eigs, coeffs = gd_coefficients(Q, X0, diagonal=False)
    g = tune_gd(eigs, coeffs, EPS, CAP)
    m = int(insts[0]["m"])
    return a.T.reshape(-1, m), g.T.reshape(-1, m), a, g


def score(insts: list) -> list:
    """min over the m initialisations of log(T_A / T_GD): > 0 when Adam is worse for all of them."""
    out = []
    for inst in insts:  # phi depends on lambda_min of each Q, so instances are screened one Q at a time
        ta, tg, _, _ = tuned_counts([inst])
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(float(np.min(np.log(ta[0] / tg[0]))))
    return out


def _mp_h0(Q, x0, dps):
    """(sigma, c, lambda_min) of H_0 = P^{1/2} Q P^{1/2} and c_i = (w_i . y_0)^2 at ``dps`` digits."""
    with mpmath.workdps(dps):
        q = mp_matrix(Q, dps)
        d = q.rows
        lam = mpmath.eigsy(q, eigvals_only=True)
        lmin = min(lam[i] for i in range(d))
        x = mpmath.matrix([mpmath.mpf(float(v)) for v in x0])
        g = q * x
        phi = 2 * mpmath.mpf(B) * lmin
        p = [1 / ((1 + mpmath.mpf(DELTA)) * max(abs(g[i]), phi)) for i in range(d)]
        s = [mpmath.sqrt(v) for v in p]
        h = mpmath.matrix(d, d)
        for i in range(d):
            for j in range(d):
                h[i, j] = s[i] * q[i, j] * s[j]
        sig, W = mpmath.eigsy(h)
        y = mpmath.matrix([x[i] / s[i] for i in range(d)])
        proj = W.T * y
        return [sig[i] for i in range(d)], [proj[i] ** 2 for i in range(d)]


def _mp_gd(Q, x0, dps):
    with mpmath.workdps(dps):
        lam, U = mpmath.eigsy(mp_matrix(Q, dps))
        proj = U.T * mpmath.matrix([mpmath.mpf(float(v)) for v in x0])
        d = len(x0)
        return [lam[i] for i in range(d)], [proj[i] ** 2 for i in range(d)]


def certify_at(inst: dict, dps: int) -> dict:
    """At ``dps`` digits, for every initialisation: T_GD(eta_best) and 'every Adam grid step needs more'."""
    rows, holds = [], True
    X0 = inits(inst)
    _, _, a, g = tuned_counts([inst])
    mult = GRID.multipliers()
    for i, x0 in enumerate(X0):
        with mpmath.workdps(dps):
            lam, cg = _mp_gd(inst["Q"], x0, dps)
            eta_mult = float(g.step[i]) * float(min(lam) + max(lam)) / 2
            eta = 2 / (min(lam) + max(lam)) * mpmath.mpf(min(mult, key=lambda m_: abs(m_ - eta_mult)))
            gd = linear_count_mp(lam, cg, eta, EPS, CAP, dps)
            if gd["T"] is None:
                holds = None
                rows.append({"init": i, "gd": "capped"})
                continue
            sig, ca = _mp_h0(inst["Q"], x0, dps)
            centre = 2 / (min(sig) + max(sig))
            adam_rows = []
            for m_ in mult:
                r = linear_count_mp(sig, ca, centre * mpmath.mpf(m_), EPS, gd["T"], dps)
                adam_rows.append(r["exceeds_limit"])
            ok = all(adam_rows)
            best_a = linear_count_mp(sig, ca, centre * mpmath.mpf(min(mult, key=lambda m_: abs(
                m_ - float(a.step[i]) * float(min(sig) + max(sig)) / 2))), EPS, CAP, dps)
        holds = holds and ok if holds is not None else None
        rows.append({"init": i, "T_gd_high": gd["T"], "T_gd_f64": int(g.T[i]) if np.isfinite(g.T[i]) else None,
                     "T_adam_best_high": best_a["T"], "T_adam_f64": int(a.T[i]) if np.isfinite(a.T[i]) else None,
                     "every_adam_grid_step_exceeds_T_gd": ok})
    return {"holds": holds, "dps": dps, "rows": rows}


def literal_rerun(inst: dict) -> dict:
    """Re-run the first initialisation's chosen steps literally (float64 iterations on the compiled engine adam_fast /
    gd_fast, drop-ins for adam_f64 / gd_f64) and compare counts with the closed forms."""
    _, _, a, g = tuned_counts([inst])
    x0 = inits(inst)[:1]
    Q = np.array(inst["Q"])[None]
    lmin = float(np.linalg.eigvalsh(Q[0])[0])
    if not (np.isfinite(a.T[0]) and np.isfinite(g.T[0]) and max(a.T[0], g.T[0]) <= LITERAL_MAX):
        return {"skipped": f"a count is capped or above {LITERAL_MAX} iterations", "agree": None}
    ra = adam_fast(Q, x0, a.step[:1], beta2=1.0, phi=2 * B * lmin, delta=DELTA, iters=int(a.T[0]) + 5, eps=EPS,
                   diagonal=False)
    rg = gd_fast(Q, x0, g.step[:1], iters=int(g.T[0]) + 5, eps=EPS, diagonal=False)
    return {"adam_closed_form": int(a.T[0]) if np.isfinite(a.T[0]) else None, "adam_iterated": int(ra.T[0]),
            "gd_closed_form": int(g.T[0]) if np.isfinite(g.T[0]) else None, "gd_iterated": int(rg.T[0]),
            "agree": bool(int(ra.T[0]) == a.T[0] and int(rg.T[0]) == g.T[0]),
            "backend": f"float64 {ra.backend} (adam_fast, gd_fast)",
            "float64_suspect": bool(ra.suspect[0] or rg.suspect[0])}


def ball_certificate(inst: dict) -> dict:
    """Ball arithmetic (python-flint) on the stored witness, for every initialisation: tuned GD's count
    T_GD(eps) exactly, and every Adam grid step (as float64 values, recorded) needing more than T_GD.

    Both methods are linear iterations here (beta2 = 1), so lemmas.adam._common.certified.certify_linear_count
    decides f(x_k) against eps f(x_0) from ball matrix powers (iterating balls step by step is undecided
    on these 10^4-10^5-step dense runs, even at 16384 bits)."""
    from ._common.certified import certify_linear_count
    from ._common.tuning import h0_spectrum

    X0, Q = inits(inst), np.array(inst["Q"])
    phi = 2 * B * float(np.linalg.eigvalsh(Q)[0])
    _, _, a, g = tuned_counts([inst])
    sigma, _, _ = h0_spectrum(np.repeat(Q[None], len(X0), 0), X0, phi, DELTA, False)
    rows, ok, bits = [], True, 0
    for i, x0 in enumerate(X0):
        if not np.isfinite(g.T[i]):
            rows.append({"init": i, "gd": "capped"})
            ok = False
            continue
        t_gd = int(g.T[i])
        gd = certify_linear_count(Q, x0, step=float(g.step[i]), eps=EPS, T=t_gd)
        centre = 2.0 / (sigma[i].min() + sigma[i].max())
        steps = [float(centre * m_) for m_ in GRID.multipliers()]
        adam = [certify_linear_count(Q, x0, step=s_, eps=EPS, T=t_gd, precond="adam", phi=phi, delta=DELTA)
                for s_ in steps]
        row_ok = gd["relation"] == "equals" and all(r["relation"] == "exceeds" for r in adam)
        ok = ok and row_ok
        bits = max([bits, gd["prec_bits"]] + [r["prec_bits"] for r in adam])
        rows.append({"init": i, "eta": float(g.step[i]), "T_gd": gd["statement"], "adam_steps": steps,
                     "adam": [r["statement"] if r["certified"] else r.get("reason", r["relation"]) for r in adam],
                     "certified": row_ok})
    return {"certified": ok, "prec_bits": bits, "rows": rows, "phi": phi,
            "backend": "python-flint arb_mat powers (certify_linear_count)"}


def certify(inst: dict) -> dict:
    lo, hi = certify_at(inst, 50), certify_at(inst, 100)
    holds = lo["holds"] if lo["holds"] == hi["holds"] else None
    ball = ball_certificate(inst)
    return {"holds": holds, "dps": 100,
            "backend": "mpmath eigsy + closed-form counts at 50 and 100 digits; python-flint ball certificate",
            "certified": bool(ball["certified"] and holds), "ball_certificate": ball,
            "at_50": lo, "at_100": hi, "literal_rerun_float64": literal_rerun(inst), "description": describe(inst)}


def describe(inst: dict) -> dict:
    q = np.array(inst["Q"])
    c = conditions(q)
    ta, tg, a, g = tuned_counts([inst])
    fresh = dict(inst, init_seed=int(inst["init_seed"]) + 1, m=64)
    fa, fg, _, _ = tuned_counts([fresh])
    return {"d": len(q), "kappa": c["kappa"], "kappa_bar": c["kappa_bar"], "kappa_diag": c["kappa_diag"],
            "kappa^(1/3)": c["kappa"] ** (1 / 3), "m_inits": int(inst["m"]),
            "T_adam_tuned": [None if not np.isfinite(t) else int(t) for t in ta[0]],
            "T_gd_tuned": [None if not np.isfinite(t) else int(t) for t in tg[0]],
            "ratio_T_adam_over_T_gd": [float(x) for x in ta[0] / tg[0]],
            "fresh_inits_fraction_adam_worse": float(np.mean(fa[0] > fg[0])), "fresh_inits": 64,
            "eps": EPS, "beta2": 1.0, "phi": "2 B lambda_min", "delta": DELTA, "tuning": GRID.record()}


def derivation(ctx, basis_power=sp.Rational(-1, 2)):
    """The reduction behind the closed-form counts: Algorithm A with beta2 = 1 is a symmetric linear iteration.

    ``basis_power`` is the exponent e in y = P_0^e x (-1/2 is right; the mutant uses +1/2)."""
    p1, p2, a11, a12, a22, al = sp.symbols("p1 p2 q11 q12 q22 alpha", positive=True)
    y1, y2 = sp.symbols("y1 y2", real=True)
    P = sp.diag(p1, p2)
    Ph = sp.diag(p1 ** -basis_power, p2 ** -basis_power)  # x = P^{-e} y
    Q = sp.Matrix([[a11, a12], [a12, a22]])
    half = sp.diag(sp.sqrt(p1), sp.sqrt(p2))
    H = half * Q * half
    y = sp.Matrix([y1, y2])
    x = Ph * y
    step = sp.eye(2) - al * P * Q
    at = {p1: 1, p2: 4}  # a concrete point, where sympy can also decide a non-identity
    return [
        equal("x_{k+1} = (I - alpha P_0 Q) x_k becomes y_{k+1} = (I - alpha H_0) y_k in y = P_0^{-1/2} x",
              product_as_written(Ph.inv(), step, Ph), sp.eye(2) - al * H),
        equal("the same at p = (1, 4)", product_as_written(Ph.inv().subs(at), step.subs(at), Ph.subs(at)),
              (sp.eye(2) - al * H).subs(at)),
        equal("f = x^T Q x / 2 = y^T H_0 y / 2", (x.T * Q * x)[0] / 2, (y.T * H * y)[0] / 2),
        equal("H_0 is symmetric, so f_k = 1/2 sum sigma_i (1 - alpha sigma_i)^{2k} c_i (the closed form)",
              sp.Transpose(product_as_written(half, Q, half)), H),
    ]


def build(structure: str = "rotated", basis_power=sp.Rational(-1, 2)) -> Claim:
    space = RotatedSpace(structure=structure)
    return Claim(
        id="adam-worse-than-gd",
        title="There are non-diagonal Q with d << kappa^{1/3} on which tuned Algorithm A needs more iterations than tuned GD",
        source="arXiv 2402.07114 (abstract); docs/claims.md N1",
        provenance="abstract",
        statement=r"\exists Q \succ 0,\ d \ll \kappa^{1/3}:\ T_A^{\mathrm{tuned}}(\varepsilon) > T_{GD}^{\mathrm{tuned}}(\varepsilon)",
        sympy_statement="Exists(Q, T_A_tuned(Q) > T_GD_tuned(Q))",
        hypotheses=[f"d = {D}, kappa = {KAPPA:g} (kappa^(1/3) = {KAPPA ** (1 / 3):.1f})" +
                    (", Q diagonal (mutant)" if structure == "diagonal" else ", Q = U diag(lambda) U^T"),
                    "Algorithm A with beta2 = 1, phi = 2 B lambda_min, delta = 0, beta1 = 0; alpha tuned on the grid",
                    "GD with eta tuned on the same relative grid", f"eps = {EPS:g}; B = {B}",
                    "Adam worse for every one of the witness's m random initialisations"],
        checks=[Symbolic("linear-reduction", lambda ctx: derivation(ctx, basis_power),
                         "Algorithm A with beta2 = 1 is a symmetric linear iteration"),
                Existence("witness", space, score, certify, "random rotations, hill climbing on min log(T_A/T_GD), "
                          "certification at 50 and 100 digits and in ball arithmetic", describe_witness=describe)],
        parameters={},
    )


CLAIM = build()
# diagonal-only is not PASS (INCONCLUSIVE: an existence claim cannot fail by search); basis-plus-half FAILs.
MUTANTS = {"adam-worse-than-gd": {"diagonal-only": existence_mutant(lambda: build(structure="diagonal")),
                                  "basis-plus-half": lambda: build(basis_power=sp.Rational(1, 2))}}
# No WEAKENINGS: an existence claim with no constant or floor (its witness is certified; a weaker property would be a
# different claim, and no search can FAIL an existence claim anyway).
WEAKENINGS: dict = {}
