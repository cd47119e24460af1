"""Non-quadratic test functions for S5 (docs/claims.md S5), and Algorithm A for a gradient callback.

Each :class:`Objective` is built from a JSON-ready spec and evaluates f, its gradient, the
per-coordinate smoothness constants L_j and a modified-PL constant mu_L, all in mpmath at the working
precision (``mpmath.workdps``):

- ``logcosh``: f(x) = sum_j c_j log cosh(x_j - m_j) + eps sum_j log cosh((x_j - m_j) - (x_{j+1} - m_{j+1})).
  eps = 0 is separable; eps > 0 couples neighbours weakly. f* = 0 at x* = m.
  L_j = c_j + 2 eps deg_j: the coupling Hessian is <= eps * (path Laplacian) <= 2 eps diag(deg).
  mu_L on the sublevel set {f <= F} (contained in the box |x_j - m_j| <= R_j = acosh(exp(F / c_j))):
  separable, min_j psi(R_j) with psi(t) = tanh(t)^2 / (2 log cosh t) (termwise, psi decreasing);
  coupled, min_j c_j sech(R_j)^2 / L_j (strong convexity in the diag(L) norm on the box).
- ``logistic``: f(w) = (1/n) sum_i log(1 + exp(-y_i a_i'w)) + (mu/2) |w|^2 (a small logistic regression).
  L_j = (1/(4n)) sum_i |a_ij| sum_k |a_ik| + mu (Hessian <= A'A/(4n) + mu I <= diag(row sums) + mu I).
  mu_L on {f <= F} (inside the ball |w| <= W = sqrt(2F/mu)): lambda_min of
  diag(L)^-1/2 (mu I + s A'A/n) diag(L)^-1/2 with s = sigma'(max_i |a_i| W). f* by Newton's method.

The hypotheses are *encoded* here; the S5 claim checks them numerically as ``bound`` checks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np

from proofcheck.numbers import mp
from proofcheck.numerics import HIGH_DPS

from .methods import AlgorithmA, Callback, iterate

FAMILIES = ("logcosh", "logcosh-coupled", "logistic")


def _mp(values):
    return [mpmath.mpf(v) for v in values]


@dataclass
class Objective:
    """f, grad f, L_j, f*, x* and mu_L(F) of one test function, in mpmath at the working precision."""

    family: str
    spec: dict
    _fstar: object = field(default=None, repr=False)
    _xstar: list | None = field(default=None, repr=False)

    # -- the function ------------------------------------------------------------------------
    @property
    def d(self) -> int:
        return len(self.spec["m"]) if self.family != "logistic" else len(self.spec["A"][0])

    def value(self, x):
        if self.family == "logistic":
            A, y, mu = self.spec["A"], self.spec["y"], mpmath.mpf(self.spec["mu"])
            z = [-yi * mpmath.fsum(mpmath.mpf(aij) * xj for aij, xj in zip(ai, x)) for ai, yi in zip(A, y)]
            return mpmath.fsum(mpmath.log1p(mpmath.exp(zi)) for zi in z) / len(A) + mu / 2 * mpmath.fsum(xj**2 for xj in x)
        c, eps = _mp(self.spec["c"]), mpmath.mpf(self.spec.get("eps", 0))
        t = [xj - mpmath.mpf(mj) for xj, mj in zip(x, self.spec["m"])]
        coupling = mpmath.fsum(mpmath.log(mpmath.cosh(t[j] - t[j + 1])) for j in range(len(t) - 1))
        return mpmath.fsum(cj * mpmath.log(mpmath.cosh(tj)) for cj, tj in zip(c, t)) + eps * coupling

    def grad(self, x):
        if self.family == "logistic":
            A, y, mu = self.spec["A"], self.spec["y"], mpmath.mpf(self.spec["mu"])
            g = [mu * xj for xj in x]
            for ai, yi in zip(A, y):
                zi = -yi * mpmath.fsum(mpmath.mpf(aij) * xj for aij, xj in zip(ai, x))
                s = 1 / (1 + mpmath.exp(-zi))  # sigma(z_i)
                for j, aij in enumerate(ai):
                    g[j] -= yi * mpmath.mpf(aij) * s / len(A)
            return g
        c, eps = _mp(self.spec["c"]), mpmath.mpf(self.spec.get("eps", 0))
        t = [xj - mpmath.mpf(mj) for xj, mj in zip(x, self.spec["m"])]
        g = [cj * mpmath.tanh(tj) for cj, tj in zip(c, t)]
        for j in range(len(t) - 1):
            h = eps * mpmath.tanh(t[j] - t[j + 1])
            g[j] += h
            g[j + 1] -= h
        return g

    # -- the hypotheses' constants ----------------------------------------------------------------
    def L(self) -> list:
        """Per-coordinate smoothness constants (S5 hypothesis 1)."""
        if self.family == "logistic":
            A, mu, n = self.spec["A"], mpmath.mpf(self.spec["mu"]), len(self.spec["A"])
            return [mpmath.fsum(abs(mpmath.mpf(ai[j])) * mpmath.fsum(abs(mpmath.mpf(v)) for v in ai) for ai in A) / (4 * n) + mu
                    for j in range(self.d)]
        c, eps = _mp(self.spec["c"]), mpmath.mpf(self.spec.get("eps", 0))
        d = len(c)
        deg = [(1 if j > 0 else 0) + (1 if j < d - 1 else 0) for j in range(d)]
        return [cj + 2 * eps * dj for cj, dj in zip(c, deg)]

    def mu_L(self, F) -> "mpmath.mpf":
        """A modified-PL constant valid on the sublevel set {f <= F} (S5 hypothesis 2)."""
        F = mpmath.mpf(F)
        L = self.L()
        if self.family == "logistic":
            A, mu, n = self.spec["A"], mpmath.mpf(self.spec["mu"]), len(self.spec["A"])
            W = mpmath.sqrt(2 * F / mu)
            Z = max(mpmath.sqrt(mpmath.fsum(mpmath.mpf(v) ** 2 for v in ai)) for ai in A) * W
            s = mpmath.exp(-Z) / (1 + mpmath.exp(-Z)) ** 2  # sigma'(Z), the smallest curvature on the ball
            H = mpmath.matrix(self.d, self.d)
            for i in range(self.d):
                for j in range(self.d):
                    aa = mpmath.fsum(mpmath.mpf(ak[i]) * mpmath.mpf(ak[j]) for ak in A)
                    H[i, j] = (s * aa / n + (mu if i == j else 0)) / mpmath.sqrt(L[i] * L[j])
            ev = mpmath.eigsy(H, eigvals_only=True)
            return min(ev[i] for i in range(self.d))
        c, eps = _mp(self.spec["c"]), mpmath.mpf(self.spec.get("eps", 0))
        R = [mpmath.acosh(mpmath.exp(F / cj)) for cj in c]
        if eps == 0:
            return min(psi(Rj) for Rj in R)
        return min(cj / mpmath.cosh(Rj) ** 2 / Lj for cj, Rj, Lj in zip(c, R, L))

    def minimiser(self):
        """(x*, f*) at the working precision (exact for log-cosh; Newton's method for logistic)."""
        if self.family != "logistic":
            return _mp(self.spec["m"]), mpmath.mpf(0)
        dps = mpmath.mp.dps
        if self._xstar is None or self._fstar is None or getattr(self, "_dps", None) != dps:
            with mpmath.workdps(dps + 10):
                A, y, mu, n = self.spec["A"], self.spec["y"], mpmath.mpf(self.spec["mu"]), len(self.spec["A"])
                w = mpmath.matrix([0] * self.d)
                for _ in range(100):
                    g = mpmath.matrix(self.grad([w[i] for i in range(self.d)]))
                    H = mpmath.eye(self.d) * mu
                    for ai, yi in zip(A, y):
                        z = -yi * mpmath.fsum(mpmath.mpf(aij) * w[j] for j, aij in enumerate(ai))
                        s = mpmath.exp(z) / (1 + mpmath.exp(z)) ** 2
                        for i in range(self.d):
                            for j in range(self.d):
                                H[i, j] += s * mpmath.mpf(ai[i]) * mpmath.mpf(ai[j]) / n
                    step = mpmath.lu_solve(H, g)
                    w = w - step
                    if mpmath.norm(step) < mpmath.mpf(10) ** (-(dps + 5)):
                        break
                xs = [w[i] for i in range(self.d)]
                self._xstar, self._fstar, self._dps = xs, self.value(xs), dps
        return [+v for v in self._xstar], +self._fstar


def psi(t):
    """tanh(t)^2 / (2 log cosh t): the per-coordinate PL ratio of log cosh (-> 1 as t -> 0)."""
    t = abs(mpmath.mpf(t))
    if t == 0:
        return mpmath.mpf(1)
    return mpmath.tanh(t) ** 2 / (2 * mpmath.log(mpmath.cosh(t)))


def make(spec: dict) -> Objective:
    family = spec["family"]
    if family not in FAMILIES:
        raise ValueError(f"unknown test-function family {family!r}; valid: {', '.join(FAMILIES)}")
    return Objective("logcosh" if family.startswith("logcosh") else "logistic", spec)


def random_spec(family: str, d: int, rng: np.random.Generator) -> dict:
    """A random JSON-ready spec: log-cosh scales spread over two decades, or a small logistic regression (n = 8)."""
    if family == "logistic":
        n = 8
        A = rng.standard_normal((n, d)) * np.exp(rng.uniform(-1, 1, d))  # columns on different scales
        y = np.where(rng.random(n) < 0.5, -1, 1)
        return {"family": family, "A": A.round(6).tolist(), "y": y.tolist(), "mu": float(10 ** rng.uniform(-2, -0.5))}
    c = np.exp(rng.uniform(0, np.log(100), d))
    return {"family": family, "c": c.round(6).tolist(), "m": rng.uniform(-1, 1, d).round(6).tolist(),
            "eps": 0.0 if family == "logcosh" else float(rng.uniform(0.01, 0.2) * c.min())}


def adam_general_mp(grad_fn: Callable, x0, alpha, beta2=1, phi=0, delta=0, iters=100, dps: int = HIGH_DPS,
                    value_fn: Callable | None = None):
    """Algorithm A (docs/claims.md; the specification :class:`methods.AlgorithmA`) for a gradient callback
    ``grad_fn(x) -> list``, at ``dps`` digits, for ``iters`` steps (no stop test).

    Returns (xs, fs, ps): the iterates x_0 .. x_iters, f at each (when ``value_fn`` is given) and the diagonal P_k
    used at each step.
    """
    n = mp(dps)
    with n.working():
        method = AlgorithmA(*(n.num(p) for p in (alpha, beta2, phi, delta)))
        out = iterate(method, n, Callback(grad_fn, value_fn), n.vec(x0), iters, record=True,
                      values=value_fn is not None)
        return [list(x) for x in out.xs], list(out.values), [list(p) for _, p in out.extras]
