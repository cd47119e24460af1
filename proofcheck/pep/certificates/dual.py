"""Dual certificates: proposed from a solver's multipliers, verified in exact rationals (docstring of
:mod:`proofcheck.pep.certificates`)."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ...exact import basic_correction, fraction_text, ldl_psd, on_grid, weighted_least_norm_correction, ZERO
from ..problem import ExactProblem

from .format import CertificateFormatError, field_int, field_list, field_fraction


# ---------------------------------------------------------------------------------------------
# dual certificates
# ---------------------------------------------------------------------------------------------
@dataclass
class DualCertificate:
    bound: Fraction
    multipliers: dict  # (i, j) -> Fraction >= 0
    weights: list  # one per measure

    def to_json(self) -> dict:
        return {"bound": fraction_text(self.bound),
                "multipliers": [[i, j, fraction_text(v)] for (i, j), v in sorted(self.multipliers.items()) if v != 0],
                "weights": [fraction_text(w) for w in self.weights]}

    @classmethod
    def from_json(cls, data) -> "DualCertificate":
        if not isinstance(data, dict):
            raise CertificateFormatError("a dual certificate must be an object")
        multipliers = {}
        for entry in field_list(data.get("multipliers"), "multipliers"):
            if not isinstance(entry, list) or len(entry) != 3:
                raise CertificateFormatError("a multiplier is [i, j, 'p/q']")
            key = (field_int(entry[0], "a multiplier's point index"), field_int(entry[1], "a multiplier's point index"))
            if key in multipliers:
                raise CertificateFormatError(f"the multiplier of the pair {key} is given twice")
            multipliers[key] = field_fraction(entry[2], f"the multiplier of the pair {key}")
        weights = [field_fraction(w, "a measure weight") for w in field_list(data.get("weights"), "weights")]
        return cls(field_fraction(data.get("bound"), "the bound"), multipliers, weights)


@dataclass
class DualCheck:
    ok: bool
    reason: str
    rank: int | None = None
    size: int | None = None


def residual_form(exact: ExactProblem, cert: DualCertificate):
    """B * initial - sum_t w_t measure_t - sum_ij lambda_ij C_ij, exactly (a Quad)."""
    total = exact.initial * cert.bound
    for w, m in zip(cert.weights, exact.measures):
        if w != 0:
            total = total - m * w
    for key, lam in cert.multipliers.items():
        if lam != 0:
            total = total - exact.conditions[key] * lam
    return total


def verify_dual(exact: ExactProblem, cert: DualCertificate) -> DualCheck:
    """Whether ``cert`` proves ``min_t measure_t <= cert.bound * initial`` for this cell, decided exactly."""
    unknown = sorted(k for k in cert.multipliers if k not in exact.conditions)
    if unknown:
        return DualCheck(False, f"multipliers for pairs of points the problem does not have: {unknown[:3]}")
    negative = sorted(k for k, v in cert.multipliers.items() if v < 0 and k not in exact.equalities)
    if negative:
        return DualCheck(False, f"negative multiplier on the pair {negative[0]}")
    if len(cert.weights) != len(exact.measures):
        return DualCheck(False, f"{len(cert.weights)} measure weights for {len(exact.measures)} measures")
    if any(w < 0 for w in cert.weights) or sum(cert.weights, ZERO) != 1:
        return DualCheck(False, "the measure weights are not nonnegative with sum 1")
    if cert.bound < 0:
        return DualCheck(False, "negative bound")
    s = residual_form(exact, cert)
    if s.l:
        k, v = next(iter(sorted(s.l.items())))
        return DualCheck(False, f"the function-value part does not vanish (coefficient {float(v):.3e} on value {k})")
    if s.c < 0:
        return DualCheck(False, f"negative constant term {float(s.c):.3e}")
    result = ldl_psd(s.matrix(exact.size))
    if not result.psd:
        return DualCheck(False, f"the residual matrix is not PSD: {result.reason}", result.rank, exact.size)
    return DualCheck(True, f"exact LDL^T: the residual matrix is PSD (rank {result.rank} of {exact.size})",
                     result.rank, exact.size)


def _linear_system(exact: ExactProblem, support: list, bound: Fraction):
    """Rows: one equation per function value (the f-part of the residual vanishes) and sum of weights = 1;
    columns: the multipliers of ``support`` then the measure weights."""
    values = range(exact.values)
    cols = [exact.conditions[k] for k in support] + list(exact.measures)
    a = [[c.l.get(v, ZERO) for c in cols] for v in values]
    b = [bound * exact.initial.l.get(v, ZERO) for v in values]
    a.append([ZERO] * len(support) + [Fraction(1)] * len(exact.measures))
    b.append(Fraction(1))
    return a, b


def propose_dual(exact: ExactProblem, multipliers: dict, weights: list, bounds: list,
                 thresholds=(1e-7, 1e-9, 1e-5, 1e-11, 0.0), digits: int = 12):
    """A verified dual certificate from the solver's multipliers, for the first (smallest) bound that works.

    Bounds are tried smallest first; for each, every cut-off (multipliers below ``threshold`` times the largest are set to 0) the multipliers are rounded
    to rationals on one grid (``digits`` significant digits of the largest: :func:`on_grid`), the function-value
    part of the residual is made to vanish exactly (by a basic correction of the largest multipliers, else by the
    smallest relative correction: an exact weighted least-norm solve), and the residual matrix is tested exactly.
    Returns
    (certificate or None, DualCheck of the last attempt, attempts)."""
    keys = sorted(exact.conditions)
    if sorted(multipliers) != keys:
        return None, DualCheck(False, "PEPit's constraints are not the exact problem's pairs of points"), 0
    if len(weights) != len(exact.measures):
        return None, DualCheck(False, "PEPit's performance metrics are not the exact problem's measures"), 0
    top = max([abs(v) for v in multipliers.values()] + [0.0])
    last, attempts = DualCheck(False, "no attempt"), 0
    supports, seen = [], set()  # one rounded support per distinct cut-off
    for threshold in thresholds:
        support = [k for k in keys if (abs(multipliers[k]) if k in exact.equalities else multipliers[k]) > threshold * top
                   and multipliers[k] != 0]  # an equality's multiplier has either sign
        if tuple(support) not in seen:
            seen.add(tuple(support))
            supports.append((support, on_grid([multipliers[k] for k in support] + [max(w, 0.0) for w in weights],
                                              digits)))
    # bound-major: the smallest bound any cut-off certifies is the one returned (a failed attempt costs ~1 ms)
    for bound in bounds:
        for support, z0 in supports:
            attempts += 1
            a, b = _linear_system(exact, support, bound)
            residual = [bi - sum((aij * zj for aij, zj in zip(row, z0)), ZERO) for row, bi in zip(a, b)]
            # first a basic correction (few multipliers change, short numbers), then the smallest relative one
            for correct in (lambda: basic_correction(a, residual, z0),
                            lambda: weighted_least_norm_correction(a, residual, [z * z for z in z0])):
                delta = correct()
                if delta is None:
                    last = DualCheck(False, "the function-value part cannot be made to vanish on the kept multipliers")
                    continue
                z = [zi + di for zi, di in zip(z0, delta)]
                signed = [k in exact.equalities for k in support] + [False] * len(exact.measures)
                if any(v < 0 and not free for v, free in zip(z, signed)):
                    last = DualCheck(False, "the exact correction of the function-value part makes a multiplier "
                                            "negative")
                    continue
                cert = DualCertificate(bound, dict(zip(support, z[:len(support)])), z[len(support):])
                last = verify_dual(exact, cert)
                if last.ok:
                    return cert, last, attempts
    return None, last, attempts


