"""Instance spaces for ``bound`` checks over symmetric positive definite matrices.

An instance is a JSON-ready dict: ``{"Q": [[...]], "x": [...]}`` (``x`` only when a vector is
part of the statement) plus any scalar parameters (for example ``"nu"``). Shrinking drops the
last coordinate (a principal submatrix of an SPD / nu-DD matrix keeps the property) and rounds
entries to fewer significant digits.
"""
from __future__ import annotations

import numpy as np
from proofcheck import InvalidInstance, Space

from .quadratics import dd_ratio, is_spd, nu_dd, rotated, spectrum


def _round_sig(values, digits: int):
    arr = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(arr == 0, 0, np.floor(np.log10(np.abs(arr))))
    factor = 10.0 ** (digits - 1 - mag)
    return (np.round(arr * factor) / factor).tolist()


class SPDSpace(Space):
    """Symmetric positive definite Q (optionally nu-DD, or diagonal) with an optional vector x.

    ``structure``: "rotated" (random spectrum in [1, kappa], random rotation), "diagonal",
    or "nu-dd" (random nu in [0, nu_max), diagonal spread kappa_diag up to ``kappa_max``).
    """

    def __init__(self, structure: str = "rotated", d_range=(2, 8), kappa_max: float = 1e6,
                 with_vector: bool = False, nu_max: float = 0.99, extra: dict | None = None):
        self.structure, self.d_range, self.kappa_max = structure, d_range, kappa_max
        self.with_vector, self.nu_max = with_vector, nu_max
        self.extra = extra or {}

    def sample(self, rng):
        d = int(rng.integers(self.d_range[0], self.d_range[1] + 1))
        kappa = float(np.exp(rng.uniform(0, np.log(self.kappa_max))))
        inst = {}
        if self.structure == "nu-dd":
            nu = float(rng.uniform(0, self.nu_max))
            diag = spectrum(d, kappa, "uniform", rng)
            rng.shuffle(diag)
            q = nu_dd(diag, nu, rng, fill=float(rng.choice([1.0, rng.uniform(0.2, 1.0)])))
            inst["nu"] = nu
        else:
            lam = spectrum(d, kappa, str(rng.choice(["logspaced", "two-cluster", "outlier", "uniform"])), rng)
            q = np.diag(lam) if self.structure == "diagonal" else rotated(lam, rng)
        inst["Q"] = q.tolist()
        if self.with_vector:
            inst["x"] = rng.standard_normal(d).tolist()
        return inst

    def perturb(self, inst, rng, scale):
        q = np.array(inst["Q"])
        d = len(q)
        out = dict(inst)
        if self.structure == "diagonal":
            q = np.diag(np.diag(q) * np.exp(scale * rng.standard_normal(d)))
        else:
            e = rng.standard_normal((d, d)) * scale * np.sqrt(np.outer(np.abs(np.diag(q)), np.abs(np.diag(q))))
            q = q + (e + e.T) / 2 * (0.5 if self.structure == "nu-dd" else 1.0)
            if self.structure == "nu-dd":
                q = self._project_dd(q, inst["nu"])
        out["Q"] = q.tolist()
        if self.with_vector:
            x = np.array(inst["x"])
            out["x"] = (x + scale * np.linalg.norm(x) * rng.standard_normal(d) / np.sqrt(d)).tolist()
        return out

    @staticmethod
    def _project_dd(q, nu):
        """Scale the off-diagonal part down just enough to restore nu-diagonal dominance."""
        off = q - np.diag(np.diag(q))
        ratio = dd_ratio(q)
        if ratio > nu and ratio > 0:
            off = off * (nu / ratio) * (1 - 1e-12)
        return np.diag(np.abs(np.diag(q))) + off

    def shrink(self, inst):
        q = np.array(inst["Q"])
        d = len(q)
        if d > 2:
            for drop in range(d - 1, -1, -1):
                keep = [i for i in range(d) if i != drop]
                out = dict(inst, Q=q[np.ix_(keep, keep)].tolist())
                if self.with_vector:
                    out["x"] = [inst["x"][i] for i in keep]
                yield out
        for digits in (1, 2, 3, 4, 6, 8):
            out = dict(inst, Q=_round_sig(q, digits))
            out["Q"] = ((np.array(out["Q"]) + np.array(out["Q"]).T) / 2).tolist()
            if self.with_vector:
                out["x"] = _round_sig(inst["x"], digits)
            if "nu" in inst:
                out["nu"] = _round_sig([inst["nu"]], digits)[0]
            if out != inst:
                yield out

    def validate(self, inst):
        if "Q" not in inst:
            raise InvalidInstance("instance has no 'Q'")
        ok, why = is_spd(inst["Q"])
        if not ok:
            raise InvalidInstance(why)
        q = np.array(inst["Q"], dtype=float)
        if self.with_vector and ("x" not in inst or len(inst["x"]) != len(q)):
            raise InvalidInstance("instance needs a vector 'x' of the same dimension as Q")
        if self.structure == "diagonal" and np.any(q != np.diag(np.diag(q))):
            raise InvalidInstance("Q must be diagonal")
        if self.structure == "nu-dd":
            nu = inst.get("nu")
            if nu is None or not (0 <= nu < 1):
                raise InvalidInstance("nu must be in [0, 1)")
            if dd_ratio(q) > nu:
                raise InvalidInstance(f"Q is not nu-diagonally dominant: row ratio {dd_ratio(q):.6g} > nu = {nu}")


def drop_coordinate(inst: dict, drop: int, matrices=("Q",), vectors=()) -> dict:
    """``inst`` with coordinate ``drop`` removed from the named square matrices and vectors.

    A principal submatrix of an SPD (or nu-DD, or diagonal) matrix keeps the property, so this
    is the basic shrinking move of instances that pair matrices with per-coordinate vectors.
    """
    out = dict(inst)
    for key in matrices:
        q = np.asarray(inst[key], dtype=float)
        keep = [i for i in range(len(q)) if i != drop]
        out[key] = q[np.ix_(keep, keep)].tolist()
    for key in vectors:
        out[key] = [v for i, v in enumerate(inst[key]) if i != drop]
    return out


def round_instance(inst: dict, digits: int, matrices=("Q",), vectors=(), scalars=()) -> dict:
    """``inst`` with the named entries rounded to ``digits`` significant digits (matrices kept symmetric)."""
    out = dict(inst)
    for key in matrices:
        q = np.array(_round_sig(inst[key], digits))
        out[key] = ((q + q.T) / 2).tolist()
    for key in vectors:
        out[key] = _round_sig(inst[key], digits)
    for key in scalars:
        out[key] = _round_sig([inst[key]], digits)[0]
    return out
