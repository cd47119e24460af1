"""Certified enclosures with ball arithmetic (python-flint ``arb``/``acb``), docs/design.md 'Numerical policy'.

Matrix entries are taken exactly from their float64 values, so an enclosure is a proof about the
instance as stored in the report (not about a rounded copy of it).
"""
from __future__ import annotations

from typing import Sequence


def _flint():
    import flint  # python-flint: optional extra "fast"; callers fall back to "not certified"

    return flint


def eigenvalue_balls(Q: Sequence[Sequence[float]], prec_bits: int = 128, max_prec_bits: int = 2048):
    """Rigorous balls for the eigenvalues of a symmetric matrix, ascending by midpoint: the ball context's
    ``eigvalsh`` (:class:`proofcheck.numbers.BallContext`: validated ``acb_mat.eig`` enclosures, retried with
    ``multiple=True`` for clusters), at doubling precision from ``prec_bits`` until they are isolated. Returns
    (balls, prec_bits); balls are real ``arb``. Entries that are arb balls are kept, numbers are taken exactly. An
    enclosure that excludes the real axis raises ArithmeticError at once (no precision cures a non-symmetric input).
    """
    from proofcheck.numbers import BallContext, EigenvaluesNotIsolated

    prec = prec_bits
    while prec <= max_prec_bits:
        n = BallContext(prec)
        with n.working():
            try:
                return n.eigvalsh(Q), prec
            except EigenvaluesNotIsolated:
                prec *= 2
    raise ArithmeticError(f"could not isolate the eigenvalues at {max_prec_bits} bits")


def ball_json(ball) -> dict:
    """A JSON-ready record of an arb ball: midpoint, radius and its interval end points (as strings)."""
    flint = _flint()
    old = flint.ctx.prec
    flint.ctx.prec = max(old, 256)  # print the end points without re-rounding them to double
    try:
        return {"mid": ball.mid().str(30, radius=False), "rad": float(ball.rad()),
                "lower": ball.lower().str(30, radius=False), "upper": ball.upper().str(30, radius=False)}
    finally:
        flint.ctx.prec = old


def certify_le(lhs, rhs) -> bool:
    """True when the ball inequality lhs <= rhs holds for every point of both balls."""
    return bool(lhs.upper() <= rhs.lower())


def certify_gt(lhs, rhs) -> bool:
    """True when lhs > rhs holds for every point of both balls (a certified violation)."""
    return bool(lhs.lower() > rhs.upper())


# ---------------------------------------------------------------------------------------------
# Certified runs: T(eps) of Algorithm A or GD on one instance, with every comparison decided in balls.
# A registered fast path (methods.FAST_PATHS) of methods.AlgorithmA / methods.GD: the same T(eps), with
# the update in a factored form that is equal in exact arithmetic and keeps the balls narrow.
# ---------------------------------------------------------------------------------------------

def _to_arb(p):
    """A number as an arb ball: floats/ints exactly, decimal strings as rigorous enclosures, mpf exactly."""
    flint = _flint()
    if isinstance(p, str):
        return flint.arb(p)
    if hasattr(p, "man_exp") and not callable(p.man_exp):  # mpmath.mpf
        man, exp = p.man_exp
        return flint.arb(flint.fmpz(int(man))) * flint.arb(2) ** int(exp)
    return flint.arb(float(p)) if not isinstance(p, int) else flint.arb(p)


def _ball_max(a, b):
    """max(a, b) of two balls: the larger when they are ordered, else a ball containing both maxima."""
    if a > b:
        return a
    if b >= a:
        return b
    return a.union(b)


class _Undecided(Exception):
    """A comparison straddles its ball: retry at a higher precision."""


def _run_balls(method, Q, x0, diagonal, eps, iters, hyper, delta_schedule, update):
    """One attempt at the current flint.ctx.prec. Returns (T or None, f_T ball, eps*f0 ball, balls of f_k)."""
    flint = _flint()
    arb, one = flint.arb, flint.arb(1)
    d = len(x0)
    x = [_to_arb(v) for v in x0]
    eps_b = _to_arb(eps)
    if diagonal:
        lam = [_to_arb(v) for v in Q]
        grad = lambda x: [l * xi for l, xi in zip(lam, x)]  # noqa: E731
        fval = lambda x, g: sum((l * xi ** 2 for l, xi in zip(lam, x)), arb(0)) / 2  # noqa: E731
    else:
        Qm = flint.arb_mat([[_to_arb(v) for v in row] for row in Q])
        ident = flint.arb_mat(d, d)
        for i in range(d):
            ident[i, i] = one
        grad = lambda x: (Qm * flint.arb_mat(d, 1, x)).entries()  # noqa: E731
        fval = lambda x, g: sum((xi * gi for xi, gi in zip(x, g)), arb(0)) / 2  # noqa: E731
    g = grad(x)
    f0 = fval(x, g)
    target = eps_b * f0

    def decide(f):
        if not f.is_finite():
            raise _Undecided("non-finite ball")
        if f.upper() <= target.lower():
            return True
        if f.lower() > target.upper():
            return False
        raise _Undecided("f(x_k) and eps f(x_0) overlap")

    if method == "gd":
        eta = _to_arb(hyper["eta"])
        if diagonal:
            factor = [one - eta * l for l in lam]
        else:
            M = ident - eta * Qm
    else:
        alpha, beta2, phi, delta = (_to_arb(hyper.get(k, 0 if k != "beta2" else 1)) for k in ("alpha", "beta2", "phi", "delta"))
        c = one - beta2
        r = [abs(gi).max(phi) for gi in g]
        v = [ri * ri for ri in r]
    f = f0
    if decide(f0):  # the specification's stop test comes before each step: T = 0 at such a start
        return 0, f0, target, f0
    for k in range(iters):
        if method == "gd":
            if diagonal:
                x = [xi * fi for xi, fi in zip(x, factor)]
            else:
                x = (M * flint.arb_mat(d, 1, x)).entries()
        else:
            if k >= 1:
                v = [(beta2 * vi + c * gi ** 2).nonnegative_part() for vi, gi in zip(v, g)]
            scale = delta if delta_schedule is None else delta * _to_arb(delta_schedule(k))
            step = [alpha / (vi.sqrt() + scale * ri) for vi, ri in zip(v, r)]  # alpha * P_k
            if diagonal and update == "factored":
                x = [xi * (one - si * l) for xi, si, l in zip(x, step, lam)]
            elif diagonal:  # the literal update x - alpha P g: x appears twice, the balls blow up
                x = [xi - si * gi for xi, si, gi in zip(x, step, g)]
            else:  # x <- (I - alpha P_k Q) x: the diagonal entries are formed as 1 - alpha p_i Q_ii
                S = flint.arb_mat(d, d)
                for i in range(d):
                    S[i, i] = step[i]
                x = ((ident - S * Qm) * flint.arb_mat(d, 1, x)).entries()
        g = grad(x)
        f = fval(x, g)
        if decide(f):
            return k + 1, f, target, f0
    return None, f, target, f0


def certify_run(method: str, Q, x0, *, eps, iters: int, diagonal: bool = True, alpha=None, beta2=1, phi=0, delta=0,
                eta=None, delta_schedule=None, prec_bits: int = 128, max_prec_bits: int = 1 << 14,
                update: str = "factored") -> dict:
    """Certify T(eps) = min{k : f(x_k) <= eps f(x_0)} for Algorithm A (``method="adam"``) or GD (``"gd"``).

    The run is carried out in ball arithmetic (python-flint ``arb``) on the instance exactly as given
    (float entries exactly; decimal strings such as ``"0.1"`` as rigorous enclosures). At every k the
    ball of f(x_k) is compared with the ball of eps f(x_0); a comparison that the balls cannot decide
    restarts the run at twice the precision, up to ``max_prec_bits``. Algorithm A's diagonal update
    is evaluated in the factored form x <- x (1 - alpha lambda / (sqrt(v) + delta_k r)) (the literal
    x - alpha g / (...) uses x twice and its balls blow up within ~100 iterations; ``update="naive"``
    keeps it for comparison); dense instances use x <- (I - alpha P_k Q) x.

    Returns a JSON-ready dict: ``certified`` (every comparison decided), ``T`` (the certified
    T(eps), or None when f(x_k) > eps f(x_0) was certified for every k <= iters), ``statement``,
    ``f_T`` and ``eps_f0`` (ball records), ``width`` (relative width 2 rad/|mid| of the last f ball),
    ``prec_bits`` (the precision that decided), ``attempts`` and ``backend``.
    """
    flint = _flint()
    if method not in ("adam", "gd"):
        raise ValueError(f"method must be 'adam' or 'gd', got {method!r}")
    if method == "adam" and alpha is None or method == "gd" and eta is None:
        raise ValueError("Algorithm A needs alpha; GD needs eta")
    hyper = {"alpha": alpha, "beta2": beta2, "phi": phi, "delta": delta, "eta": eta}
    Q = Q.tolist() if hasattr(Q, "tolist") else Q
    x0 = x0.tolist() if hasattr(x0, "tolist") else list(x0)
    backend = f"python-flint {flint.__version__} arb"
    prec, attempts, reason = prec_bits, 0, ""
    while prec <= max_prec_bits:
        attempts += 1
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            T, f, target, f0 = _run_balls(method, Q, x0, diagonal, eps, iters, hyper, delta_schedule, update)
        except _Undecided as exc:
            reason = str(exc)
            prec *= 2
            continue
        finally:
            flint.ctx.prec = old
        flint.ctx.prec = 64
        try:
            width = float(2 * f.rad() / abs(f.mid())) if not f.mid().is_zero() else float("inf")
        finally:
            flint.ctx.prec = old
        statement = (f"T(eps) = {T}: f(x_k) > eps f(x_0) for k < {T} and f(x_{T}) <= eps f(x_0)" if T is not None
                     else f"T(eps) > {iters}: f(x_k) > eps f(x_0) for every k <= {iters}")
        return {"certified": True, "T": T, "statement": statement, "method": method, "iterations": iters,
                "f_T": ball_json(f), "f0": ball_json(f0), "eps_f0": ball_json(target), "width": width,
                "prec_bits": prec, "attempts": attempts, "backend": backend, "update": update}
    return {"certified": False, "T": None, "reason": f"undecided at {max_prec_bits} bits ({reason})",
            "method": method, "iterations": iters, "prec_bits": max_prec_bits, "attempts": attempts,
            "backend": backend, "update": update}


def certify_linear_count(Q, x0, *, step, eps, T: int, precond: str = "none", phi=0, delta=0,
                         prec_bits: int = 128, max_prec_bits: int = 8192) -> dict:
    """Certify T(eps) of a *linear* iteration x_{k+1} = (I - step P Q) x_k by matrix powers in ball arithmetic.

    ``precond="none"`` is GD (P = I); ``precond="adam"`` is Algorithm A with beta2 = 1, whose
    preconditioner is frozen at P_0 = diag(1 / ((1 + delta) r)), r_j = max(|(Q x_0)_j|, phi)
    (docs/claims.md, Setting; F4). Long dense runs cannot be certified step by step: the balls of the
    iterates grow like |I - step P Q|^k (the wrapping effect), which exceeds 1 even when the
    iteration contracts. Powers by repeated squaring only meet (I - step P Q)^k, whose entries
    shrink, so O(log k) ball products decide f(x_k) = x_0^T (M^k)^T Q M^k x_0 / 2 against eps f(x_0).

    In the basis y = P^{-1/2} x the iteration is y <- (I - step H) y with H = P^{1/2} Q P^{1/2} and
    f = y^T H y / 2 = sum_i sigma_i c_i^2 (1 - step sigma_i)^{2k} / 2, non-increasing in k when
    step * sigma_max(H) <= 2 (certified here from eigenvalue balls). Then
    - f(x_{T-1}) > eps f_0 >= f(x_T) certifies T(eps) = T exactly (``relation = "equals"``);
    - f(x_T) > eps f_0 certifies T(eps) > T (``relation = "exceeds"``).
    Returns a JSON-ready dict with ``certified``, ``relation``, the ratio balls, ``prec_bits``, ``backend``.
    """
    flint = _flint()
    d = len(x0)
    prec, reason = prec_bits, ""
    while prec <= max_prec_bits:
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            q = flint.arb_mat([[_to_arb(v) for v in row] for row in Q])
            x = flint.arb_mat([[_to_arb(v)] for v in x0])
            if precond == "adam":
                g = q * x
                r = [_ball_max(abs(g[j, 0]), _to_arb(phi)) for j in range(d)]
                p = [1 / ((1 + _to_arb(delta)) * rj) for rj in r]
            elif precond == "none":
                p = [flint.arb(1)] * d
            else:
                raise ValueError(f"precond must be 'none' or 'adam', got {precond!r}")
            s = _to_arb(step)
            h = [[p[i].sqrt() * q[i, j] * p[j].sqrt() for j in range(d)] for i in range(d)]
            sig, _ = eigenvalue_balls(h, prec_bits=prec, max_prec_bits=prec)
            monotone = bool(s * sig[-1] <= 2) and bool(sig[0] > 0)
            m = flint.arb_mat([[(1 if i == j else 0) - s * p[i] * q[i, j] for j in range(d)] for i in range(d)])

            def f(v):
                return (v.transpose() * q * v)[0, 0] / 2

            target = _to_arb(eps) * f(x)
            at_t = f((m ** T) * x)
            before = f((m ** (T - 1)) * x) if T >= 1 else None
            if at_t > target:
                relation = "exceeds"
            elif at_t <= target and before is not None and before > target:
                relation = "equals"
            elif at_t <= target and before is not None and before <= target:
                relation = "below"  # T(eps) < T: certified, and not what was asked
            else:
                raise _Undecided("f(x_T) or f(x_{T-1}) overlaps eps f(x_0)")
            if not monotone:
                raise _Undecided("step * sigma_max(H) <= 2 not decided")
            ratio_t = at_t / f(x)
            return {"certified": relation in ("equals", "exceeds"), "relation": relation, "T": T,
                    "statement": {"equals": f"T(eps) = {T}", "exceeds": f"T(eps) > {T}",
                                  "below": f"T(eps) < {T}"}[relation],
                    "f_T_over_f0": ball_json(ratio_t),
                    "f_Tm1_over_f0": None if before is None else ball_json(before / f(x)),
                    "monotone": monotone, "step_sigma_max": ball_json(s * sig[-1]), "prec_bits": prec,
                    "backend": f"python-flint {flint.__version__} arb_mat powers (repeated squaring)"}
        except _Undecided as exc:
            reason = str(exc)
        finally:
            flint.ctx.prec = old
        prec *= 2
    return {"certified": False, "relation": None, "T": T, "reason": f"undecided at {max_prec_bits} bits: {reason}",
            "prec_bits": max_prec_bits, "backend": f"python-flint {flint.__version__} arb_mat powers"}
