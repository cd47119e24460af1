"""Quadratic instances f(x) = 1/2 x^T Q x (x* = 0), as in docs/claims.md 'Setting and notation'.

Linear algebra at a precision (eigenvalues, norms) is the number context's (``n.eigvalsh``, ``n.norm2``:
proofcheck/numbers.py), not a branch on ``dps`` here.

Normalisation: lambda_min = 1 unless stated otherwise, so lambda_max = kappa.
All generators take a numpy Generator and return float64 arrays.
"""
from __future__ import annotations

import mpmath
import numpy as np

SPECTRA = ("logspaced", "two-cluster", "outlier", "uniform")


def spectrum(d: int, kappa: float, kind: str = "logspaced", rng: np.random.Generator | None = None) -> np.ndarray:
    """d eigenvalues in [1, kappa] with min exactly 1 and max exactly kappa (for d >= 2)."""
    if d < 1 or kappa < 1:
        raise ValueError("need d >= 1 and kappa >= 1")
    if d == 1:
        return np.array([1.0])
    if kind == "logspaced":
        lam = np.logspace(0.0, np.log10(kappa), d)
    elif kind == "two-cluster":
        lam = np.where(np.arange(d) < d // 2, 1.0, float(kappa))
        lam[0], lam[-1] = 1.0, float(kappa)
    elif kind == "outlier":
        lam = np.ones(d)
        lam[-1] = float(kappa)
    elif kind == "uniform":
        rng = rng or np.random.default_rng(0)
        lam = np.exp(rng.uniform(0.0, np.log(kappa), d))
        lam[0], lam[-1] = 1.0, float(kappa)
    else:
        raise ValueError(f"unknown spectrum kind {kind!r}; valid: {', '.join(SPECTRA)}")
    lam[0], lam[-1] = 1.0, float(kappa)
    return lam


def random_rotation(d: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-distributed orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    z = rng.standard_normal((d, d))
    q, r = np.linalg.qr(z)
    return q * np.sign(np.diag(r))


def rotated(eigenvalues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """U diag(eigenvalues) U^T for a random rotation U: a dense Q with the given spectrum."""
    u = random_rotation(len(eigenvalues), rng)
    q = (u * eigenvalues) @ u.T
    return (q + q.T) / 2


def nu_dd(diagonal: np.ndarray, nu: float, rng: np.random.Generator, fill: float = 1.0) -> np.ndarray:
    """A symmetric nu-diagonally-dominant matrix with the given diagonal.

    Off-diagonal entries are random with random signs, scaled so that the tightest row has
    sum_{j != i} |Q_ij| = fill * nu * Q_ii (fill in (0, 1]).
    """
    d = len(diagonal)
    w = rng.standard_normal((d, d)) * np.sqrt(np.outer(diagonal, diagonal))
    w = np.triu(w, 1)
    w = w + w.T
    row = np.abs(w).sum(axis=1)
    with np.errstate(divide="ignore"):
        scale = np.min(np.where(row > 0, nu * diagonal / row, np.inf))
    scale = 0.0 if not np.isfinite(scale) else scale * fill
    return np.diag(diagonal) + scale * w


def dd_ratio(q: np.ndarray) -> float:
    """max_i sum_{j != i} |Q_ij| / Q_ii: the smallest nu for which Q is nu-DD."""
    off = np.abs(q).sum(axis=1) - np.abs(np.diag(q))
    return float(np.max(off / np.diag(q)))


def with_conditions(d: int, kbar: float, kdiag: float, rng: np.random.Generator) -> np.ndarray:
    """A dense SPD Q with cond(D^-1/2 Q D^-1/2) = kbar and max Q_ii / min Q_ii = kdiag exactly.

    M is a random correlation matrix with a log-spaced spectrum of condition kbar
    (scipy's Bendel-Mickey generator), and Q = D^{1/2} M D^{1/2} with a log-spaced diagonal D.
    """
    from scipy.stats import random_correlation

    eig = spectrum(d, kbar, "logspaced")
    eig = eig * d / eig.sum()
    m = random_correlation.rvs(eig, random_state=rng, tol=1e-12)
    m = (m + m.T) / 2
    np.fill_diagonal(m, 1.0)
    s = np.sqrt(spectrum(d, kdiag, "logspaced"))
    rng.shuffle(s)
    return m * np.outer(s, s)


def jacobi(q: np.ndarray) -> np.ndarray:
    """M = D^{-1/2} Q D^{-1/2}, the Jacobi-preconditioned Hessian."""
    s = 1.0 / np.sqrt(np.diag(q))
    return q * np.outer(s, s)


def conditions(q: np.ndarray) -> dict:
    """kappa, kappa_bar = cond(M) and kappa_diag of a symmetric positive definite Q (float64)."""
    lam = np.linalg.eigvalsh(q)
    mu = np.linalg.eigvalsh(jacobi(q))
    dq = np.diag(q)
    return {"kappa": float(lam[-1] / lam[0]), "kappa_bar": float(mu[-1] / mu[0]),
            "kappa_diag": float(dq.max() / dq.min()), "lambda_min": float(lam[0]), "lambda_max": float(lam[-1])}


def is_spd(q: np.ndarray, tol: float = 0.0) -> tuple[bool, str]:
    """(ok, reason): Q symmetric and positive definite (float64 screening; Cholesky)."""
    q = np.asarray(q, dtype=float)
    if q.ndim != 2 or q.shape[0] != q.shape[1]:
        return False, f"Q must be square, got shape {q.shape}"
    if not np.all(np.isfinite(q)):
        return False, "Q has non-finite entries"
    if not np.allclose(q, q.T, rtol=1e-12, atol=1e-300):
        return False, "Q is not symmetric"
    try:
        np.linalg.cholesky(q)
    except np.linalg.LinAlgError:
        return False, "Q is not positive definite"
    return True, ""


def mp_matrix(q, dps: int) -> "mpmath.matrix":
    """Q as an mpmath matrix; entries are taken exactly from their float64 (or string) values."""
    with mpmath.workdps(dps):
        return mpmath.matrix([[mpmath.mpf(x) for x in row] for row in np.asarray(q, dtype=object).tolist()])


def product_as_written(*factors):
    """The matrix product of sympy matrices, unevaluated (``sp.MatMul(..., evaluate=False)``): a derivation step shows
    the factors as written and sympy multiplies them out when it decides the step."""
    import sympy as sp

    return sp.MatMul(*factors, evaluate=False)
