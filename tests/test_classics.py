"""The classics catalogue's worst-case claims (lemmas/classics, docs/classics.md) and the engine features they
brought: method constraints (equalities with free-sign multipliers), free vectors, exact line search, explicit
families as exact counterexamples, the cross-check table.

Every claim is decided here *without PEPit* (it is blocked), from the stored certificates: the claim PASSes, its
mutant FAILs on an exactly verified counterexample, its weakening does not FAIL; the same verdicts as a run with
PEPit (which only produces or refreshes the certificates).
"""
from __future__ import annotations

import importlib
import json
import sys
from fractions import Fraction

import numpy as np
import pytest

from proofcheck import Budget, Claim, Verdict
from proofcheck.pep import SmoothStronglyConvex, distance, function_gap
from proofcheck.pep.certificates import DualCertificate, verify_dual
from proofcheck.pep.families import best_member, hubers, quadratics, quadratics2d
from proofcheck.pep.methods import gradient_exact_line_search
from proofcheck.pep.problem import Problem
from proofcheck.pep.spaces import ConstraintViolated, VectorSpace
from proofcheck.runner import run_check
from proofcheck.tables import worstcase_tables

CLASSICS = ["gd_contraction", "gd_convex", "gd_all_steps", "polyak_steps", "exact_line_search", "inexact_gd",
            "nesterov_strongly_convex", "heavy_ball_ghadimi", "fgm_simplified", "ogm", "ogm_g", "fgm_lambda"]


def run(claim, check=None):
    check = check or claim.checks[0]
    return run_check(claim, check, 0, Budget("quick"))


@pytest.fixture
def no_pepit(monkeypatch):
    monkeypatch.setitem(sys.modules, "PEPit", None)  # `import PEPit` raises: only stored certificates decide


@pytest.mark.parametrize("name", CLASSICS)
def test_each_classic_is_decided_from_its_stored_certificates_without_pepit(name, no_pepit):
    module = importlib.import_module(f"lemmas.classics.{name}")
    ev = run(module.CLAIM)
    assert ev.verdict is Verdict.PASS and ev.certified, ev.reason
    assert all(e["source"] == "stored" for e in ev.details["cells"])
    (claim_id, mutants), = module.MUTANTS.items()
    assert claim_id == module.CLAIM.id
    for factory in mutants.values():
        bad = run(factory())
        assert bad.verdict is Verdict.FAIL and bad.certified, bad.reason  # an exact counterexample
    for factory in module.WEAKENINGS[claim_id].values():
        assert run(factory()).verdict is not Verdict.FAIL
    rows = ev.details["crosscheck"]
    assert len(rows) == len(ev.details["cells"]) and all(r["certified"] for r in rows)
    if ev.details["tight"]:  # the claimed tau, PEPit's value and the exact witness agree
        assert all(r["agree"] for r in rows)
    else:  # a loose claim shows its gap to the certified worst case
        assert all(r["gap"] > 0.01 for r in rows)


def test_the_cross_check_table_has_a_row_per_cell_with_the_three_numbers(no_pepit):
    from lemmas.classics import gd_convex

    ev = run(gd_convex.CLAIM).to_json()
    table, = worstcase_tables(ev)
    assert len(table.rows) == len(ev["details"]["cells"])
    row = next(r for r in table.rows if r[0] == "L = 1, N = 5, h = 1")
    assert row[1] == "0.04545454545" and row[2].startswith("0.0454545") and "Huber" in row[3]
    assert row[5] == "yes" and row[6] == "yes"  # certified, agree to 1e-6


def test_a_corrupted_stored_multiplier_of_an_equality_constraint_is_rejected(no_pepit, tmp_path):
    """Polyak's step rule is an equality: its multiplier may be negative, but changing it breaks the certificate."""
    from lemmas.classics import _pep, polyak_steps

    source = _pep.CERTIFICATES / "polyak-distance.json"
    data = json.loads(source.read_text())
    for record in data["cells"]:
        for m in record["dual"]["multipliers"]:
            if m[0] == -1:
                m[2] = str(-Fraction(m[2]))  # the sign flipped: a different combination
    (tmp_path / "polyak-distance.json").write_text(json.dumps(data))
    claim = polyak_steps.build()
    claim.checks[0].certificates = tmp_path
    ev = run(claim)
    assert ev.verdict is not Verdict.PASS and "rejected" in ev.reason


def test_an_equality_multiplier_may_be_negative_an_inequality_multiplier_may_not():
    from lemmas.classics import polyak_steps

    exact = polyak_steps.CLAIM.checks[0].problem.exact({"L": 1, "mu": "1/10", "gamma": "3/2"})
    assert exact.equalities == {(-1, 0)}
    cert = DualCertificate(Fraction(1), {(-1, 0): Fraction(-1), (0, 1): Fraction(-1)}, [Fraction(1)])
    assert "negative multiplier on the pair (0, 1)" in verify_dual(exact, cert).reason


def test_a_line_search_witness_off_the_search_line_is_not_a_run_of_the_method():
    problem = Problem(SmoothStronglyConvex(mu="1/10", L=1), lambda s, c: gradient_exact_line_search(s, s.start(), 1),
                      function_gap(0), function_gap(-1))
    x0 = [Fraction(10), Fraction(1)]
    q = lambda x: (np.array([x[0] / 10, x[1]], dtype=object), (x[0] * x[0] / 10 + x[1] * x[1]) / 2)  # noqa: E731
    off_line = VectorSpace(q, [x0, [Fraction(1), Fraction(1)]], 2)  # (1, 1) - x0 is not parallel to grad f(x0)
    with pytest.raises(ConstraintViolated):
        problem.method(off_line, {})


def test_the_explicit_families_give_exact_lower_bounds_attaining_the_classical_worst_cases():
    gd = Problem(SmoothStronglyConvex(mu=0, L=1),
                 lambda s, c: __import__("proofcheck.pep", fromlist=["x"]).gradient_descent(s, s.start(), 10, s.number(1)),
                 distance(0), function_gap(-1))
    value, where = best_member(gd, {}, {"mu": Fraction(0), "L": Fraction(1)}, (quadratics(), hubers()))
    assert value == Fraction(1, 42) and "delta = 1/21" in where  # Drori-Teboulle's Huber function, exactly
    els = Problem(SmoothStronglyConvex(mu="1/10", L=1), lambda s, c: gradient_exact_line_search(s, s.start(), 2),
                  function_gap(0), function_gap(-1))
    value, _ = best_member(els, {}, {"mu": Fraction(1, 10), "L": Fraction(1)}, (quadratics2d(),))
    assert value == (Fraction(9, 10) / Fraction(11, 10)) ** 4  # ((L - mu)/(L + mu))^(2n), exactly


def test_an_explicit_function_above_tau_is_a_certified_fail_without_any_stored_witness(no_pepit, tmp_path):
    from lemmas.classics import _pep, exact_line_search

    data = json.loads((_pep.CERTIFICATES / "line-search.json").read_text())
    for record in data["cells"]:
        record["witness"] = None  # only the dual certificates are left
    (tmp_path / "line-search.json").write_text(json.dumps(data))
    mutant = exact_line_search.build(scale=_pep.LOWER)
    mutant.checks[0].certificates = tmp_path
    ev = run(mutant)
    assert ev.verdict is Verdict.FAIL and ev.certified and "explicit function" in ev.reason
    assert "quadratic" in ev.witness["explicit"]


def test_heavy_ball_on_quadratics_its_mutant_fails_both_checks_and_its_weakening_passes():
    from lemmas.classics import heavy_ball_quadratics as m

    mutant = m.MUTANTS["heavy-ball-quadratics"]["rate-lowered-1pct"]()
    bound = next(c for c in mutant.checks if c.name == "spectral-radius")
    assert run(mutant, bound).verdict is Verdict.FAIL
    weak = m.WEAKENINGS["heavy-ball-quadratics"]["rate-raised-1pct"]()
    assert all(run(weak, c).verdict is Verdict.PASS for c in weak.checks)


def test_balls_decide_only_what_they_certify():
    from proofcheck.exact import Ball, Undecided, ldl_psd

    root5 = Ball(Fraction(5)).sqrt()
    assert root5 > Fraction(2236067977, 10**9) and root5 < Fraction(2236067978, 10**9)
    nearly_zero = root5 * root5 - 5  # 0 mathematically, a ball around 0 here: never taken for 0
    assert nearly_zero != 0
    with pytest.raises(Undecided):
        nearly_zero < 0  # noqa: B015 - the comparison itself is the test
    assert not ldl_psd([[nearly_zero, Fraction(0)], [Fraction(0), Fraction(1)]]).psd  # a pivot must be certainly > 0
    assert ldl_psd([[root5, Fraction(1)], [Fraction(1), root5]]).psd


def test_ogm_is_certified_in_balls_and_says_so(no_pepit):
    from lemmas.classics import ogm

    ev = run(ogm.CLAIM)
    assert ev.verdict is Verdict.PASS and "certified (balls)" in ev.reason and "balls" in ev.backend
    assert all(e["arithmetic"] == "balls" for e in ev.details["cells"])


# The claim each module defines, by id (labels C1-C14 in docs/classics.md): a renamed or dropped claim fails here.
CLAIM_IDS = {"gd_contraction": "gd-contraction", "gd_convex": "gd-drori-teboulle", "gd_all_steps": "gd-all-steps",
             "polyak_steps": "polyak-steps", "exact_line_search": "exact-line-search", "inexact_gd": "inexact-gd",
             "nesterov_strongly_convex": "nesterov-strongly-convex", "heavy_ball_ghadimi": "heavy-ball-ghadimi",
             "fgm_simplified": "fgm-simplified", "ogm": "ogm", "ogm_g": "ogm-g", "fgm_lambda": "fgm-lambda",
             "heavy_ball_quadratics": "heavy-ball-quadratics"}


@pytest.mark.parametrize("name", sorted(CLAIM_IDS))
def test_each_classic_module_defines_its_claim_with_a_mutant_and_a_weakening(name):
    module = importlib.import_module(f"lemmas.classics.{name}")
    claim_id = CLAIM_IDS[name]
    assert module.CLAIM.id == claim_id
    assert module.MUTANTS.get(claim_id) and module.WEAKENINGS.get(claim_id), claim_id
