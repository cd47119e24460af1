"""C18 `adam-regret` (known false): Kingma and Ba's regret bound for Adam (Theorem 4.1) fails; Adam's average regret
need not go to 0 (Reddi, Kale, Kumar 2018; docs/classics.md, "Known-false claims").

Statement (false; Kingma and Ba, "Adam: a method for stochastic optimization", ICLR 2015, Theorem 4.1 and
Corollary 4.2). For online convex losses f_t on a domain of diameter D (D_inf in the max-norm) with gradients bounded
by G_inf, Adam with alpha_t = alpha/sqrt(t), beta1^2/sqrt(beta2) < 1 and beta_{1,t} = beta1 lambda^{t-1} has

    R(T) <= D^2/(2 alpha (1 - beta1)) sum_i sqrt(T vhat_{T,i})
            + alpha (1 + beta1) G_inf / ((1 - beta1) sqrt(1 - beta2) (1 - gamma)^2) sum_i ||g_{1:T,i}||_2
            + sum_i D_inf^2 G_inf sqrt(1 - beta2) / (2 alpha (1 - beta1) (1 - lambda)^2),     gamma = beta1^2/sqrt(beta2),

so R(T) = O(sqrt T) and R(T)/T -> 0. With beta1 = 0 (gamma = 0; the algorithm does not depend on lambda, so the bound
holds for every lambda in (0, 1) and hence at its infimum lambda -> 0) and d = 1 the right-hand side is

    B(T) = D^2 sqrt(T vhat_T)/(2 alpha) + alpha G_inf ||g_{1:T}||_2 / sqrt(1 - beta2) + D_inf^2 G_inf sqrt(1 - beta2)/(2 alpha).

Refutation (Reddi, Kale, Kumar, "On the convergence of Adam and beyond", ICLR 2018, arXiv 1904.09237, Theorem 1).
On F = [-1, 1] (D = D_inf = 2) take f_t(x) = C x when t mod 3 = 1 and -x otherwise, C > 2 (G_inf = C), x_1 = 1,
beta1 = 0, beta2 = 1/(1 + C^2) and alpha < sqrt(1 - beta2). The best fixed point is x = -1, but Adam keeps returning
to x = +1 and R_T/T -> (2C - 4)/3 (2/3 at C = 3), while B(T)/T -> 0: at T = 3000, C = 3, alpha = 1/2, R_T/T = 0.6748
against B(T)/T = 0.135. Adam here is Kingma and Ba's Algorithm 1 with beta1 = 0 (m_t = g_t) and their bias
correction vhat_t = v_t/(1 - beta2^t), projected onto F.

The true counterpart is AMSGrad (Reddi et al., Algorithm 2: vhat_t = max(vhat_{t-1}, v_t)), whose average regret on the
same instance goes to 0 (Reddi et al., Theorem 4): the weakening ``amsgrad-average-regret-decreases``.

Checks. ``instance`` (symbolic): the losses are convex with |f_t'| <= C, the best fixed point is -1 with regret
(2C - 4)/3 per step for an iterate at +1, and alpha = 1/2 < sqrt(1 - beta2). ``regret-bound`` (bound): R_T <= B(T) on
the instance for (C, T) in {(3, 3000), (3, 9000), (10, 3000)}, screened in float64, decided in mpmath at 50 and 100
digits, and certified by arb ball arithmetic (python-flint) at 256 and 512 bits: every projection decided exactly
(the unprojected iterate is certainly outside or certainly inside [-1, 1]) and R_T - B(T) a ball above 0 at both.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import sympy as sp

from proofcheck import Claim, Symbolic, equal, fact

from ._witness import q, refutation

SOURCE = ("Reddi, Kale, Kumar 2018 (ICLR; arXiv 1904.09237), Theorem 1: f_t = C x (t mod 3 = 1), -x otherwise, "
          "on [-1, 1], beta1 = 0, beta2 = 1/(1+C^2): R_T/T -> (2C-4)/3")
ARB_PRECISIONS = (256, 512)  # bits of the two certifying arb runs


class Uncertified(ArithmeticError):
    """An arb comparison the balls cannot decide (never happens at these precisions; it would leave the check open)."""


# -- number contexts: the same algorithm in float64 (screening), mpmath (deciding) and arb balls (certifying) ------------
class _Float:
    num = staticmethod(lambda x: float(x))
    sqrt = staticmethod(math.sqrt)
    max = staticmethod(max)

    @staticmethod
    def project(z):
        return min(1.0, max(-1.0, z))


class _Mp:
    num = staticmethod(lambda x: mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mpmath.mpf(x))
    sqrt = staticmethod(mpmath.sqrt)
    max = staticmethod(max)

    @staticmethod
    def project(z):
        return min(mpmath.mpf(1), max(mpmath.mpf(-1), z))


class _Arb:
    """arb balls (python-flint): a projection is taken only when the comparison is certain; a max of overlapping
    balls is their hull."""

    def __init__(self):
        import flint

        self.arb = flint.arb

    def num(self, x):
        x = Fraction(x)
        return self.arb(x.numerator) / x.denominator

    def sqrt(self, x):
        return (x if isinstance(x, self.arb) else self.arb(x)).sqrt()

    def max(self, a, b):
        if a > b:
            return a
        if a < b:
            return b
        # Overlapping balls (AMSGrad's running max meets values of v that agree to the working precision): max(a, b)
        # lies in the hull of the two balls, which is a sound enclosure.
        return a.union(b)

    def project(self, z):
        if z >= 1:
            return self.arb(1)
        if z <= -1:
            return self.arb(-1)
        if z < 1 and z > -1:
            return z
        raise Uncertified("a projection onto [-1, 1] of a ball that straddles an end")


def online_run(inst: dict, n, method: str = "adam"):
    """Adam (Kingma-Ba Algorithm 1, beta1 = 0, bias-corrected v) or AMSGrad (Reddi et al. Algorithm 2, beta1 = 0) on
    Reddi et al.'s instance, in the number context ``n``. Returns (R_T, vhat_T, ||g_{1:T}||_2^2)."""
    C, alpha, T = n.num(q(inst["C"])), n.num(q(inst["alpha"])), int(inst["T"])
    one = n.num(1)
    beta2 = one / (1 + C * C)
    x, v, vhat, loss, coef, gsq = one, 0 * one, 0 * one, 0 * one, 0 * one, 0 * one
    decay = one  # beta2^t
    for t in range(1, T + 1):
        g = C if t % 3 == 1 else -one
        loss += g * x  # f_t(x_t) = g_t x_t
        coef += g
        gsq += g * g
        v = beta2 * v + (1 - beta2) * g * g
        decay = decay * beta2
        vhat = v / (1 - decay) if method == "adam" else n.max(vhat, v)
        x = n.project(x - alpha / n.sqrt(n.num(t)) * g / n.sqrt(vhat))
    return loss + abs(coef), vhat, gsq  # min over [-1, 1] of coef * x is -|coef|


def kingma_ba_bound(inst: dict, n, vhat, gsq):
    """B(T): Theorem 4.1's right-hand side with beta1 = 0, d = 1, D = D_inf = 2, G_inf = C, at lambda -> 0."""
    C, alpha, T = n.num(q(inst["C"])), n.num(q(inst["alpha"])), n.num(int(inst["T"]))
    D = n.num(2)
    root = n.sqrt(1 - n.num(1) / (1 + C * C))  # sqrt(1 - beta2)
    return D * D * n.sqrt(T * vhat) / (2 * alpha) + alpha * C * n.sqrt(gsq) / root + D * D * C * root / (2 * alpha)


def regret_sides(inst, dps):
    """(R_T/T, B(T)/T): float64 when screening, mpmath at ``dps`` digits otherwise."""
    if dps is None:
        n = _Float
    else:
        n = _Mp
    T = int(inst["T"])
    regret, vhat, gsq = online_run(inst, n)
    return regret / T, kingma_ba_bound(inst, n, vhat, gsq) / T


def certify_regret(inst):
    """R_T - B(T) in arb balls at two precisions; certified when both balls lie above 0."""
    import flint

    record = {"backend": "arb ball arithmetic (python-flint %s)" % flint.__version__, "precisions_bits": list(ARB_PRECISIONS)}
    old = flint.ctx.prec
    try:
        balls = []
        for bits in ARB_PRECISIONS:
            flint.ctx.prec = bits
            n = _Arb()
            regret, vhat, gsq = online_run(inst, n)
            excess = regret - kingma_ba_bound(inst, n, vhat, gsq)
            balls.append(excess)
            record[f"R_T - B(T) at {bits} bits"] = excess.str(10, radius=True)
            record[f"R_T/T at {bits} bits"] = (regret / int(inst["T"])).str(10, radius=True)
        record["certified"] = all(b > 0 for b in balls)
    except Uncertified as exc:
        record.update(certified=False, reason=str(exc))
    finally:
        flint.ctx.prec = old
    return record


def derivation(ctx):
    x, C = sp.symbols("x C", positive=True)
    alpha = sp.Rational(1, 2)
    per_cycle = sp.Symbol("r")  # regret of one 3-step cycle with x_t = +1 throughout, against x = -1
    return [
        fact("each f_t is linear, hence convex, with |f_t'| <= C for C > 2 (G_inf = C)",
             sp.Ge(sp.Subs(C - 1, C, 3), 0, evaluate=False)),
        equal("one cycle's losses sum to (C - 2) x, minimised on [-1, 1] at x = -1",
              sp.Subs(sp.Derivative(C * x - x - x, x), C, 3), 1),
        equal("an iterate at +1 through a cycle has regret (C - 2) - (-(C - 2)) = 2C - 4 per 3 steps",
              sp.Subs(per_cycle, per_cycle, (C - 2) * 1 - (C - 2) * (-1)), 2 * C - 4),
        fact("at C = 3 the average regret (2C - 4)/3 = 2/3 is positive: R_T/T does not go to 0",
             sp.Gt(sp.Subs((2 * C - 4) / 3, C, 3), 0, evaluate=False)),
        fact("alpha = 1/2 < sqrt(1 - beta2) = sqrt(1 - 1/(1 + C^2)) at C = 3, as Reddi et al. require",
             sp.Lt(alpha, sp.Subs(sp.sqrt(1 - 1 / (1 + C ** 2)), C, 3), evaluate=False)),
    ]


# Horizons of a few thousand steps: B(T)/T < R_T/T from T of about 500 on (C = 3), and each certified run costs
# about T big-number steps at each of four precisions.
WITNESSES = [{"C": 3, "alpha": "1/2", "T": 3000}, {"C": 3, "alpha": "1/2", "T": 9000},
             {"C": 10, "alpha": "1/2", "T": 3000}]


def build(witnesses=WITNESSES, **overrides):
    fields = dict(
        id="adam-regret", title="Adam's regret bound (Kingma-Ba Thm 4.1): R_T = O(sqrt T), so R_T/T -> 0",
        source="Kingma, Ba 2015 (ICLR), Theorem 4.1 and Corollary 4.2; refuted by Reddi, Kale, Kumar 2018",
        provenance="seed", expect="FAIL", refuted_by=SOURCE,
        statement=r"R(T) \le \frac{D^2}{2\alpha(1-\beta_1)} \sum_i \sqrt{T \hat v_{T,i}} + \frac{\alpha (1+\beta_1) "
                  r"G_\infty}{(1-\beta_1)\sqrt{1-\beta_2}(1-\gamma)^2} \sum_i \|g_{1:T,i}\|_2 + \sum_i \frac{D_\infty^2 "
                  r"G_\infty \sqrt{1-\beta_2}}{2\alpha(1-\beta_1)(1-\lambda)^2},\ \text{hence } R(T)/T \to 0",
        hypotheses=["online convex losses, ||grad f_t||_inf <= G_inf, iterates within D (D_inf) of each other",
                    "alpha_t = alpha/sqrt(t), beta1^2/sqrt(beta2) < 1 (here beta1 = 0, beta2 = 1/(1+C^2))"],
        checks=[Symbolic("instance", derivation, "Reddi et al.'s instance: convex, bounded gradients, regret 2C-4 "
                                                 "per cycle at +1"),
                refutation("regret-bound", witnesses, regret_sides,
                           "R_T <= B(T) (Theorem 4.1 at beta1 = 0) on Reddi et al.'s instance; mpmath 50/100 digits, "
                           "certified by arb at 256/512 bits", certify=certify_regret)],
        notes="Refuted with certified balls: R_T/T = 0.6748 at T = 3000 (C = 3) against B(T)/T = 0.135; (2C-4)/3 in "
              "the limit.")
    fields.update(overrides)
    return Claim(**fields)


CLAIM = build()


# -- the true counterpart: AMSGrad on the same instance --------------------------------------------------------------
def amsgrad_sides(inst, dps):
    """(R_{T2}/T2, R_{T1}/T1) of AMSGrad: the average regret at the longer horizon is the smaller one."""
    n = _Float if dps is None else _Mp
    long, short = (online_run(dict(inst, T=inst[key]), n, "amsgrad")[0] / int(inst[key]) for key in ("T2", "T1"))
    return long, short


def certify_amsgrad(inst):
    import flint

    old, balls, record = flint.ctx.prec, [], {"backend": f"arb ball arithmetic (python-flint {flint.__version__})"}
    try:
        for bits in ARB_PRECISIONS:
            flint.ctx.prec = bits
            n = _Arb()
            long, short = (online_run(dict(inst, T=inst[key]), n, "amsgrad")[0] / int(inst[key]) for key in ("T2", "T1"))
            record[f"R_T2/T2, R_T1/T1 at {bits} bits"] = [long.str(10, radius=True), short.str(10, radius=True)]
            balls.append(long - short)
        record["certified"] = all(b > 0 for b in balls)  # a certified violation of the decrease (the check's FAIL)
        record["decrease_certified"] = all(b < 0 for b in balls)
    except Uncertified as exc:
        record.update(certified=False, reason=str(exc))
    finally:
        flint.ctx.prec = old
    return record


AMSGRAD = [{"C": 3, "alpha": "1/2", "T1": 300, "T2": 3000}, {"C": 3, "alpha": "1/2", "T1": 1000, "T2": 10000}]

# Mutant (the counterexample broken): C = 2, where the instance has no regret to exploit ((2C-4)/3 = 0) and
# Theorem 4.1's bound holds on it; the claim must not be REFUTED.
MUTANTS = {"adam-regret": {"C-equals-2": lambda: build([dict(w, C=2) for w in WITNESSES])}}
WEAKENINGS = {"adam-regret": {"amsgrad-average-regret-decreases": lambda: build(
    expect="PASS", refuted_by="", title="AMSGrad on Reddi et al.'s instance: R_T/T decreases (300 to 3000, 1000 to 10000)",
    checks=[Symbolic("instance", derivation, "Reddi et al.'s instance"),
            refutation("amsgrad-decreases", AMSGRAD, amsgrad_sides, "R_{T2}/T2 <= R_{T1}/T1 for AMSGrad, T2 = 10 T1",
                       certify=certify_amsgrad)])}}
