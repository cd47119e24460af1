"""Every report the project ships or writes follows the published schema, proofcheck/report.schema.json.

Two reports are validated: the committed reference run (``reference/report.json``), and a report holding every
check kind the engine defines (each with a PASS and a FAIL, plus an INCONCLUSIVE and an ERROR), built from tiny
claims in this process. A new check kind that is not represented here fails the second test until it is added.
"""
from __future__ import annotations

import json
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

from proofcheck import (Bound, Check, Claim, Classification, Existence, Identity, Probability, Scaling, Slope, Space,
                        Symbolic, Threshold, equal, fact)
from proofcheck import checks as check_kinds
from fractions import Fraction

from proofcheck import report as reporting
from proofcheck.pep.pepit_backend import available
from proofcheck import report_schema
from proofcheck.checks.scaling import Measurement
from proofcheck.sidecar import detach
from proofcheck.testing import run_claim

pytestmark = pytest.mark.skipif(not report_schema.available(), reason=report_schema.MISSING)
REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "report.json"
x, y = sp.symbols("x y", positive=True)


def test_the_committed_reference_report_follows_the_schema():
    report = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert report_schema.errors(report) == []


class Unit(Space):
    """t in [0, 1]."""

    def sample(self, rng):
        return {"t": float(rng.uniform(0, 1))}

    def perturb(self, inst, rng, scale):
        return {"t": float(np.clip(inst["t"] + scale * rng.standard_normal(), 0, 1))}


def _square_below(c):
    """t^2 <= c t on [0, 1] (true for c >= 1)."""
    return lambda inst, dps: ((inst["t"] ** 2, c * inst["t"] + 1e-300) if dps is None else
                              (mpmath.mpf(inst["t"]) ** 2, c * mpmath.mpf(inst["t"]) + mpmath.mpf(10) ** -300))


def _coin(p):
    return lambda case, rng, trials: int((rng.random(trials) < p).sum())


def _power_law(exponent):
    def measure(cell, seeds):
        T = [3.0 * cell["n"] ** exponent * float(np.exp(0.05 * np.random.default_rng(s).standard_normal())) for s in seeds]
        return Measurement(T=T, capped=[False] * len(T), cap=None)
    return measure


def _sweep(exponent):
    return Scaling("sweep", axes=lambda ctx: {"n": [2, 4, 8, 16, 32, 64]}, measure=_power_law(exponent),
                   probability=0.5, seeds=(12, 12, 12), slopes=[Slope("n", "n", 1.0, "<=", 0.1)],
                   bootstrap=(100, 100, 100))


def _classify(boundary):
    def classify(case, theta, dps):
        with mpmath.workdps(dps):
            return Classification("high" if mpmath.mpf(theta) > boundary else "low", dps, {})
    return classify


def _threshold(formula):
    return Threshold("edge", cases=lambda ctx: [{"scale": 1.0}], classify=_classify(2.0), formula=lambda c: formula,
                     below="low", above="high")


def _above(c):
    def certify(inst):
        with mpmath.workdps(50):
            return {"holds": bool(mpmath.mpf(inst["t"]) > c), "dps": 50, "backend": "mpmath"}
    return Existence("exists", Unit(), lambda insts: [i["t"] - c for i in insts], certify)


def _raises(ctx):
    raise ZeroDivisionError("claim code that raises")


def _gd_rate(scale):
    """Drori-Teboulle (2014): f(x_N) - f* <= L R^2 / (4 N h + 2) for gradient descent with h = 1 (false at scale 1/2)."""
    from proofcheck import WorstCase
    from proofcheck.pep import SmoothStronglyConvex, distance, function_gap, gradient_descent
    return WorstCase("gd-rate", function_class=SmoothStronglyConvex(mu=0, L=1),
                     method=lambda s, c: gradient_descent(s, s.start(), c["N"], 1),
                     initial=distance(0), measure=function_gap(-1), tau=lambda c: scale / (4 * c["N"] + 2),
                     cells={"N": [1]}, eta="1/100000000")


def _claim(cid, *checks):
    return Claim(id=cid, title=cid, source="test", provenance="user", statement="t", hypotheses=[], checks=list(checks))


KIND_CLAIMS = [
    _claim("identity-and-symbolic-true",
           Identity("square", (x + y) ** 2, x**2 + 2 * x * y + y**2, {x: (0.1, 3), y: (0.1, 3)}, spot_checks=3),
           Symbolic("steps", lambda ctx: [equal("expand", (x + 1) ** 2, x**2 + 2 * x + 1), fact("positive", x + 1 > 0)])),
    _claim("identity-false", Identity("square", (x + y) ** 2, x**2 + y**2, {x: (0.1, 3), y: (0.1, 3)}, spot_checks=3)),
    _claim("symbolic-false", Symbolic("steps", lambda ctx: [equal("wrong", (x + 1) ** 2, x**2 + 1)])),
    _claim("bound-true", Bound("bound", Unit(), _square_below(1.0))),
    _claim("bound-false", Bound("bound", Unit(), _square_below(0.5))),
    _claim("probability-true", Probability("coin", cases=lambda ctx: [{"p": 0.7}], count_events=_coin(0.7),
                                           claimed=lambda case: 0.5, samples=(2000, 2000, 2000))),
    _claim("probability-false", Probability("coin", cases=lambda ctx: [{"p": 0.3}], count_events=_coin(0.3),
                                            claimed=lambda case: 0.5, samples=(2000, 2000, 2000))),
    _claim("scaling-true", _sweep(1.0)),
    _claim("scaling-false", _sweep(2.0)),
    _claim("threshold-true", _threshold(2.0)),
    _claim("threshold-false", _threshold(1.0)),
    _claim("existence-true", _above(0.9)),
    _claim("existence-none", _above(2.0)),
    _claim("error", Symbolic("raises", _raises)),
]
if available()[0]:  # the worstcase kind solves with PEPit (the pep extra, which CI installs)
    KIND_CLAIMS += [_claim("worstcase-true", _gd_rate(1)), _claim("worstcase-false", _gd_rate(Fraction(1, 2)))]


def _kinds_defined() -> set[str]:
    """Every check kind the engine exports (a class of proofcheck.checks with its own ``kind``)."""
    return {cls.kind for cls in vars(check_kinds).values()
            if isinstance(cls, type) and issubclass(cls, Check) and cls is not Check}


def test_a_report_of_every_check_kind_follows_the_schema(tmp_path):
    results = [run_claim(claim) for claim in KIND_CLAIMS]
    report = reporting.build_report(results, seed=0, budget="quick", command=["proofcheck", "run", "kinds"],
                                    seconds=1.0, complete=True)
    light, _ = detach(json.loads(reporting.to_json_text(reporting.without_data(report))))
    evidence = [e for c in light["claims"] for e in c["evidence"]]
    kinds = {e["kind"] for e in evidence}
    assert _kinds_defined() <= kinds, f"add a claim of each new kind here: {sorted(_kinds_defined() - kinds)}"
    assert {e["basis"] for e in evidence} == set(report_schema.schema()["$defs"]["evidence"]["properties"]["basis"]["enum"])
    for kind in kinds - {"existence"}:  # existence never FAILs without a refutation: PASS or INCONCLUSIVE
        assert {"PASS", "FAIL"} <= {e["verdict"] for e in evidence if e["kind"] == kind}, kind
    assert {"PASS", "FAIL", "INCONCLUSIVE", "ERROR"} <= {e["verdict"] for e in evidence}
    assert report_schema.errors(light) == []
    written = reporting.write_reports(report, str(tmp_path), ["json"])
    assert report_schema.errors(json.loads(written[0].read_text())) == []


def test_the_committed_report_md_keeps_its_cells_short_and_marks_only_deciding_rows():
    """reference/report.md: every claim's "why" cell at most 200 characters, every backend cell at most 120, and a
    ▶ only on rows that decided: every failed row of a FAIL, one row of an INCONCLUSIVE table."""
    import html

    from proofcheck.tables import evidence_tables

    md = (REFERENCE.parent / "report.md").read_text(encoding="utf-8")
    claims_table = md.split("## Claims", 1)[1].split("## Run", 1)[0]
    rows = [line for line in claims_table.splitlines() if line.startswith("| [")]
    assert rows
    for row in rows:
        why = html.unescape(row.split(" | ")[2])
        assert len(why) <= 200, why
    for line in md.splitlines():
        if line.startswith("| ") and line.count(" | ") == 10 and not line.startswith("| check "):
            backend = html.unescape(line.split(" | ")[7])
            assert len(backend) <= 120, backend
    report = json.loads(REFERENCE.read_text(encoding="utf-8"))
    for claim in report["claims"]:
        for e in claim["evidence"]:
            for table in evidence_tables(e):
                if e["verdict"] == "INCONCLUSIVE":
                    assert len(table.deciding) <= 1, (claim["id"], e["check"], table.title)
    assert md.count("▶") <= sum(1 for c in report["claims"] for e in c["evidence"] for t in evidence_tables(e)
                                for _ in t.deciding)
