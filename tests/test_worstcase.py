"""The worstcase check kind (proofcheck.checks.worstcase) and its exact toolkit (proofcheck.exact, proofcheck.pep).

PASS only on an exactly verified dual certificate, FAIL only on an exactly verified witness, INCONCLUSIVE otherwise
(an inaccurate solver, a missing pep extra without stored certificates, a corrupted stored certificate); stored
certificates are inputs of the check (cache), and a run without PEPit decides from them alone.
"""
from __future__ import annotations

import json
import sys
import textwrap
from fractions import Fraction

import numpy as np
import pytest

from proofcheck import Budget, Claim, Verdict, WorstCase
from proofcheck.checks import worstcase as wc
from proofcheck.exact import (NotExact, difference_bounds, gram, ldl_psd, on_grid, parse_fraction, psd_rounding,
                              solve_linear, to_fraction, weighted_least_norm_correction)
from proofcheck.pep import (Quantity, SmoothStronglyConvex, VectorSpace, distance, function_gap, gradient_descent)
from proofcheck.pep.problem import Problem
from proofcheck.pep.spaces import NotTranslationInvariant
from proofcheck.runner import run_check

from proofcheck.pep.pepit_backend import available

# Tests that solve need the pep extra (CI installs it); the toolkit and the missing-extra tests run without it.
needs_pepit = pytest.mark.skipif(not available()[0], reason="the pep extra (PEPit, Clarabel) is not installed")

ETA = Fraction(1, 10**8)
GD_CELLS = {"N": [1, 2], "L": [1], "h": [1]}


def gd(s, c):
    return gradient_descent(s, s.start(), c["N"], c["h"] / c["L"])


def gd_rate(scale=1):
    """Drori-Teboulle (2014), Thm 3.1: f(x_N) - f* <= L R^2 / (4 N h + 2) for h in (0, 1] on convex L-smooth f."""
    return lambda c: scale * c["L"] / (4 * c["N"] * c["h"] + 2)


def gd_check(certificates=None, scale=1, cells=GD_CELLS, eta=ETA):
    return WorstCase("gd-rate", function_class=SmoothStronglyConvex(mu=0, L="L"), method=gd, initial=distance(0),
                     measure=function_gap(-1), tau=gd_rate(scale), cells=cells, eta=eta, certificates=certificates)


def two_runs(s, c):
    return (gradient_descent(s, s.start(), c["n"], c["gamma"]), gradient_descent(s, s.start(), c["n"], c["gamma"]))


def contraction_check(scale=1):
    """GD is a contraction on F_{mu,L}: ||x_n - y_n||^2 <= max{(1 - gamma L)^2, (1 - gamma mu)^2}^n ||x_0 - y_0||^2."""
    return WorstCase("contraction", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=two_runs,
                     initial=Quantity("||x_0 - y_0||^2", lambda s, r: s.sq(r[0][0] - r[1][0])),
                     measure=Quantity("||x_n - y_n||^2", lambda s, r: s.sq(r[0][-1] - r[1][-1])),
                     tau=lambda c: scale * max((1 - c["gamma"] * c["L"]) ** 2, (1 - c["gamma"] * c["mu"]) ** 2) ** c["n"],
                     cells={"n": [1, 2], "L": [1], "mu": ["1/10"], "gamma": [1]}, eta=ETA, optimum=False)


def run(check, **options):
    claim = Claim(id="wc", title="wc", source="tests", provenance="user", statement="x", hypotheses=[], checks=[check])
    return run_check(claim, check, 0, Budget("quick"), options=options)


def cells(evidence):
    return evidence.details["cells"]


# ---------------------------------------------------------------------------------------------
# PASS, FAIL and the cross-checks against PEPit's reference values
# ---------------------------------------------------------------------------------------------
@needs_pepit
def test_gd_on_convex_smooth_functions_passes_on_exact_certificates():
    ev = run(gd_check())
    assert ev.verdict is Verdict.PASS and ev.certified, ev.reason
    assert ev.basis == "symbolic+numeric" and ev.dps is None
    for entry in cells(ev):
        tau = to_fraction(entry["claimed_tau"])
        assert entry["status"] == "PASS" and entry["certified"]
        assert parse_fraction(entry["certified_bound"]) <= tau * (1 + ETA)
        # a tight claim: PEPit's value and proofcheck's exact witness agree with tau to 1e-6
        assert entry["pep_value"] == pytest.approx(float(tau), rel=1e-6)
        assert float(parse_fraction(entry["witness_ratio"])) == pytest.approx(float(tau), rel=1e-6)
        assert set(entry["seconds"]) == {"solve", "rationalize", "verify"}
    assert [e["claimed_tau"] for e in cells(ev)] == ["1/6", "1/10"]


@needs_pepit
def test_gd_contraction_on_strongly_convex_functions_passes_and_matches_pepit():
    ev = run(contraction_check())
    assert ev.verdict is Verdict.PASS, ev.reason
    first = cells(ev)[0]
    assert first["pep_value"] == pytest.approx(0.81, rel=1e-6)  # CLASSICS.md: 0.81 at L = 1, mu = 0.1, n = 1
    assert cells(ev)[1]["pep_value"] == pytest.approx(0.81 ** 2, rel=1e-6)


@needs_pepit
def test_pepit_reference_value_for_gd_at_ten_steps():
    """CLASSICS.md: 1/42 = 0.0238095238 at L = 1, h = 1, N = 10 (Clarabel agrees to ~1e-6 relative)."""
    from proofcheck.pep import pepit_backend

    problem = gd_check().problem
    exact = problem.exact({"N": 10, "L": 1, "h": 1})
    solution = pepit_backend.solve(problem, {"N": 10, "L": 1, "h": 1}, exact.params, len(exact.points))
    assert solution.value == pytest.approx(1 / 42, rel=1e-6)
    assert solution.initial_dual == pytest.approx(solution.value, rel=1e-9)  # the initial condition's dual is tau


def _independent_f0l_check(witness: dict, L: Fraction, N: int, h: Fraction, claimed: Fraction):
    """Recheck a GD witness on F_{0,L} with code written apart from the engine: interpolation conditions
    f_i >= f_j + <g_j, x_i - x_j> + |g_i - g_j|^2 / (2L), then GD replayed on the table."""
    q = parse_fraction
    pts = [([q(v) for v in p["x"]], [q(v) for v in p["g"]], q(p["f"])) for p in witness["points"]]
    dot = lambda a, b: sum((x * y for x, y in zip(a, b)), Fraction(0))  # noqa: E731
    sub = lambda a, b: [x - y for x, y in zip(a, b)]  # noqa: E731
    for i, (xi, gi, fi) in enumerate(pts):
        for j, (xj, gj, fj) in enumerate(pts):
            if i != j:
                assert fi - fj - dot(gj, sub(xi, xj)) - dot(sub(gi, gj), sub(gi, gj)) / (2 * L) >= 0
    table = {tuple(x): (g, f) for x, g, f in pts}
    x = [q(v) for v in witness["starts"][0]]
    for _ in range(N):
        x = sub(x, [h / L * v for v in table[tuple(x)][0]])
    gap, r2 = table[tuple(x)][1], dot(witness_start := [q(v) for v in witness["starts"][0]], witness_start)
    assert gap > claimed * r2  # the measure exceeds the (lowered) claim, exactly


@needs_pepit
def test_tau_lowered_by_one_percent_fails_on_an_exactly_verified_witness():
    ev = run(gd_check(scale=Fraction(99, 100)))
    assert ev.verdict is Verdict.FAIL and ev.certified, ev.reason
    assert all(e["status"] == "FAIL" for e in cells(ev))
    w = ev.witness
    assert w["inner_product"] == "standard" and "Taylor-Hendrickx-Glineur" in w["extension"]
    assert json.loads(ev.reproducer.split("--instance ")[1].strip("'")) == {"L": 1, "N": 1, "h": 1}
    _independent_f0l_check(w, Fraction(1), 1, Fraction(1), parse_fraction(w["claimed_tau"]) * (1 + ETA))
    assert ev.worst_margin == pytest.approx(1 / 0.99 - 1, rel=1e-4)


@needs_pepit
def test_the_contraction_with_tau_lowered_fails_too():
    ev = run(contraction_check(scale=Fraction(99, 100)))
    assert ev.verdict is Verdict.FAIL, ev.reason


@needs_pepit
def test_a_reproducer_cell_decides_only_that_cell():
    claim_check = gd_check(scale=Fraction(99, 100))
    claim = Claim(id="wc", title="wc", source="tests", provenance="user", statement="x", hypotheses=[],
                  checks=[claim_check])
    ev = run_check(claim, claim_check, 0, Budget("quick"), instance={"L": 1, "N": 2, "h": 1})
    assert ev.verdict is Verdict.FAIL and [e["cell"]["N"] for e in cells(ev)] == ["2"]


# ---------------------------------------------------------------------------------------------
# an inaccurate solver, a missing extra, stored and corrupted certificates
# ---------------------------------------------------------------------------------------------
@needs_pepit
def test_an_inaccurate_solve_is_inconclusive_never_pass(monkeypatch):
    from proofcheck.pep import pepit_backend

    real = pepit_backend.solve

    def inaccurate(*args, **kwargs):  # multipliers off by 1e-3 relative: no exact certificate at tau (1 + 1e-8)
        solution = real(*args, **kwargs)
        solution.multipliers = {k: v * (1 + 1e-3 * ((k[0] * 7 + k[1] * 3) % 5 - 2)) for k, v in
                                solution.multipliers.items()}
        return solution

    monkeypatch.setattr(pepit_backend, "solve", inaccurate)
    ev = run(gd_check())
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert all(e["status"] == "INCONCLUSIVE" for e in cells(ev))
    assert "solver inaccurate" in ev.reason and not ev.certified


def block_pepit(monkeypatch):
    monkeypatch.setitem(sys.modules, "PEPit", None)  # `import PEPit` now raises ImportError


def test_without_the_extra_and_without_certificates_the_check_is_inconclusive_naming_it(monkeypatch, tmp_path):
    block_pepit(monkeypatch)
    for certificates in (None, tmp_path / "none-stored"):
        ev = run(gd_check(certificates))
        assert ev.verdict is Verdict.INCONCLUSIVE
        assert "pep extra is not installed" in ev.reason and "PEPit" in ev.reason
        assert "no stored certificate" in ev.reason


@pytest.fixture
def stored(tmp_path):
    """Certificates of the GD claim, produced by a refreshing run, in tmp_path/certs/gd-rate.json."""
    ev = run(gd_check(tmp_path / "certs"), refresh_certificates=True)
    assert ev.verdict is Verdict.PASS and all(e["source"] == "refreshed" for e in cells(ev))
    path = tmp_path / "certs" / "gd-rate.json"
    assert path.is_file()
    return path


@needs_pepit
def test_without_pepit_the_stored_certificates_decide_the_same_verdicts(stored, monkeypatch):
    block_pepit(monkeypatch)
    ev = run(gd_check(stored.parent))
    assert ev.verdict is Verdict.PASS and all(e["source"] == "stored" for e in cells(ev)), ev.reason
    assert "from stored certificates" in ev.backend
    lowered = run(gd_check(stored.parent, scale=Fraction(99, 100)))  # the mutant, decided by the stored witness
    assert lowered.verdict is Verdict.FAIL and lowered.certified
    data = json.loads(stored.read_text())
    assert data["format"] == "proofcheck-worstcase-certificates/1" and len(data["cells"]) == 2
    assert all("/" in m[2] or m[2].lstrip("-").isdigit() for c in data["cells"] for m in c["dual"]["multipliers"])


def _corrupt_bound(record):
    record["dual"]["bound"] = str(parse_fraction(record["dual"]["bound"]) * Fraction(9, 10))


def _corrupt_multiplier(record):
    i, j, v = record["dual"]["multipliers"][0]
    record["dual"]["multipliers"][0] = [i, j, str(parse_fraction(v) * 2)]


def _drop_multiplier(record):
    record["dual"]["multipliers"].pop()


def _float_multiplier(record):
    record["dual"]["multipliers"][0][2] = "0.25"


def _negative_multiplier(record):
    record["dual"]["multipliers"][0][2] = "-" + record["dual"]["multipliers"][0][2]


def _other_problem(record):
    record["problem"] = "0" * 64


def _fake_ratio_and_bad_witness(record):  # a claimed ratio is never read; a witness off the class is rejected
    record["witness"]["ratio"] = "1"
    record["witness"]["points"][1]["g"] = [str(parse_fraction(v) * 3) for v in record["witness"]["points"][1]["g"]]


CORRUPTIONS = [_corrupt_bound, _corrupt_multiplier, _drop_multiplier, _float_multiplier, _negative_multiplier,
               _other_problem, _fake_ratio_and_bad_witness]


@needs_pepit
@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_a_corrupted_stored_certificate_never_passes(stored, monkeypatch, corrupt):
    data = json.loads(stored.read_text())
    for record in data["cells"]:
        corrupt(record)
    stored.write_text(json.dumps(data))
    block_pepit(monkeypatch)
    ev = run(gd_check(stored.parent))
    if corrupt is _fake_ratio_and_bad_witness:  # the dual still proves the claim; the bad witness fails nothing
        assert ev.verdict is Verdict.PASS
        assert all(e["witness_ratio"] is None for e in cells(ev))
        return
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert all(e["status"] == "INCONCLUSIVE" for e in cells(ev))


@needs_pepit
def test_a_corrupted_certificate_is_not_replaced_by_a_fresh_solve_unless_refreshed(stored):
    data = json.loads(stored.read_text())
    for record in data["cells"]:
        _corrupt_bound(record)
    stored.write_text(json.dumps(data))
    ev = run(gd_check(stored.parent))  # PEPit is installed, but the stored record is what this claim's inputs say
    assert ev.verdict is Verdict.INCONCLUSIVE and "refresh" in ev.reason
    assert run(gd_check(stored.parent), refresh_certificates=True).verdict is Verdict.PASS
    assert run(gd_check(stored.parent)).verdict is Verdict.PASS


@needs_pepit
def test_an_unreadable_certificate_file_is_reported(stored, monkeypatch):
    stored.write_text("{ not json")
    block_pepit(monkeypatch)
    ev = run(gd_check(stored.parent))
    assert ev.verdict is Verdict.INCONCLUSIVE and "unreadable" in ev.details["store_error"]


@needs_pepit
def test_the_certificate_file_is_an_input_of_the_check_and_of_its_cached_result(tmp_path, monkeypatch):
    from proofcheck.cache import ResultCache
    from proofcheck.registry import ClaimRef
    from proofcheck.runner import CheckTask, execute_task

    claims = tmp_path / "gd_claims.py"
    claims.write_text(textwrap.dedent('''
        from proofcheck import Claim, WorstCase
        from proofcheck.pep import SmoothStronglyConvex, distance, function_gap, gradient_descent

        CHECK = WorstCase("gd-rate", function_class=SmoothStronglyConvex(mu=0, L="L"),
                          method=lambda s, c: gradient_descent(s, s.start(), c["N"], c["h"] / c["L"]),
                          initial=distance(0), measure=function_gap(-1), tau=lambda c: c["L"] / (4 * c["N"] * c["h"] + 2),
                          cells={"N": [1], "L": [1], "h": [1]}, eta="1/100000000", certificates="certs")
        CLAIMS = [Claim(id="gd", title="gd", source="tests", provenance="user", statement="GD", hypotheses=[],
                        checks=[CHECK])]
    '''))
    task = CheckTask(ClaimRef(str(claims), "gd"), "gd-rate", 0, "quick")
    path = tmp_path / "certs" / "gd-rate.json"  # relative to the claim's module
    monkeypatch.setenv(wc.REFRESH_VARIABLE, "1")
    first = execute_task(task)
    monkeypatch.delenv(wc.REFRESH_VARIABLE)
    assert first["verdict"] == "PASS" and path.is_file()
    assert str(path) in first["inputs"]  # written, read back, recorded
    block_pepit(monkeypatch)
    second = execute_task(task)
    assert second["verdict"] == "PASS" and str(path) in second["inputs"]
    assert second["inputs"] == first["inputs"]
    cache = ResultCache(tmp_path / "cache")
    assert cache.put(task, second) and cache.get(task) is not None
    data = json.loads(path.read_text())
    _corrupt_bound(data["cells"][0])
    path.write_text(json.dumps(data))
    assert cache.get(task) is None  # the certificate changed: the cached PASS is not served
    assert execute_task(task)["verdict"] == "INCONCLUSIVE"


# ---------------------------------------------------------------------------------------------
# problems the engine refuses, and the method written once
# ---------------------------------------------------------------------------------------------
def test_a_measure_that_is_not_translation_invariant_is_refused():
    problem = Problem(SmoothStronglyConvex(mu=0, L=1), lambda s, c: gradient_descent(s, s.start(), 1, s.number(1)),
                      distance(0), Quantity("f(x_N)", lambda s, run: s.value(run[-1])))  # f* forgotten
    with pytest.raises(NotTranslationInvariant):
        problem.exact({})
    doubled = Problem(SmoothStronglyConvex(mu=0, L=1), lambda s, c: [s.start(), None],
                      distance(0), Quantity("f(2 x_0) - f*", lambda s, run: s.value(run[0] * 2) - s.f_star))
    with pytest.raises(NotTranslationInvariant):  # a method that is not translation-equivariant
        doubled.exact({})


def test_floats_are_refused_where_exact_values_are_meant():
    with pytest.raises(NotExact):
        gd_check(cells={"N": [1], "L": [0.5], "h": [1]})
    with pytest.raises(NotExact):
        to_fraction(0.1)
    with pytest.raises(NotExact):
        parse_fraction("1e-3")
    assert to_fraction("3/12") == Fraction(1, 4) and WorstCase is wc.WorstCase


def test_the_same_method_runs_exactly_and_in_float64_on_a_quadratic():
    """gradient_descent on f(x) = L |x|^2 / 2: x_N = (1 - h)^N x_0, exactly and in floats, from the same code."""
    L, h, N = Fraction(3), Fraction(1, 3), 4

    def quadratic(x):
        return L * x, L * sum((v * v for v in x), Fraction(0) if isinstance(x[0], Fraction) else 0.0) / 2

    exact = VectorSpace(quadratic, [[Fraction(1), Fraction(2)]], 2, exact=True)
    xs = gradient_descent(exact, exact.start(), N, h / L)
    assert list(xs[-1]) == [(1 - h) ** N, 2 * (1 - h) ** N]
    floats = VectorSpace(quadratic, [[1.0, 2.0]], 2, exact=False)
    xf = gradient_descent(floats, floats.start(), N, float(h / L))
    assert np.allclose(xf[-1], [float((1 - h) ** N), float(2 * (1 - h) ** N)], rtol=1e-14)


# ---------------------------------------------------------------------------------------------
# the exact toolkit
# ---------------------------------------------------------------------------------------------
F = Fraction


def test_ldl_decides_semidefiniteness_exactly():
    assert ldl_psd([[F(2), F(1)], [F(1), F(2)]]).psd
    singular = ldl_psd([[F(1), F(1)], [F(1), F(1)]])
    assert singular.psd and singular.rank == 1  # a zero pivot with a zero row is allowed
    assert not ldl_psd([[F(1), F(2)], [F(2), F(1)]]).psd  # negative pivot
    zero = ldl_psd([[F(0), F(1)], [F(1), F(5)]])
    assert not zero.psd and "zero pivot" in zero.reason
    assert not ldl_psd([[F(1), F(0)], [F(1, 10**30), F(1)]]).psd  # not symmetric
    tiny = ldl_psd([[F(1), F(1)], [F(1), F(1) - F(1, 10**40)]])
    assert not tiny.psd  # no tolerance: -1e-40 is negative


def test_linear_solves_and_least_norm_corrections_are_exact():
    assert solve_linear([[F(1), F(1)], [F(1), F(-1)]], [F(3), F(1)]) == [2, 1]
    assert solve_linear([[F(1), F(1)], [F(2), F(2)]], [F(1), F(3)]) is None
    a, r = [[F(1), F(1), F(1)]], [F(1, 7)]
    d = weighted_least_norm_correction(a, r, [F(1), F(0), F(1)])
    assert sum(x for x in d) == F(1, 7) and d[1] == 0 and d[0] == d[2]


def test_shortest_paths_give_the_extreme_values_or_a_negative_cycle():
    bounds = difference_bounds(3, [(0, 1, F(2)), (1, 2, F(-1)), (2, 0, F(0))])
    assert bounds.feasible and bounds.upper == [0, 2, 1] and bounds.lower == [0, 1, 0]
    assert not difference_bounds(2, [(0, 1, F(1)), (1, 0, F(-2))]).feasible


def test_psd_rounding_is_psd_by_construction():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((5, 2))
    g = v @ v.T  # rank 2: entry-wise rounding can make it indefinite; the factor cannot
    factor = psd_rounding(g, digits=6)
    assert len(factor[0]) == 2 and ldl_psd(gram(factor)).psd
    assert np.allclose(np.array(gram(factor), dtype=float), g, atol=1e-5)
    grid = on_grid([0.5, 1e-9, -0.25], digits=6)
    assert len({x.denominator for x in grid if x}) <= 2 and all(10**6 % x.denominator == 0 for x in grid)


def test_an_irrational_tau_is_compared_exactly():
    import sympy as sp

    target = wc.exact_target(lambda c: sp.sqrt(2) / c["N"], {"N": 2})
    assert not isinstance(target, Fraction)
    assert wc.compare_exact(Fraction(7071067811865475, 10**16), target) == -1  # just below sqrt(2)/2
    assert wc.compare_exact(Fraction(7071067811865476, 10**16), target) == 1
    assert wc.compare_exact(wc.rational_at_most(target), target) in (-1, 0)
    assert wc.exact_target(sp.Symbol("L") / 4, {"L": 2}) == Fraction(1, 2)


@needs_pepit
def test_the_evidence_matches_the_published_schema_for_the_kind():
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    schema = json.loads(resources.files("proofcheck").joinpath("report.schema.json").read_text())
    for ev in (run(gd_check()), run(gd_check(scale=Fraction(99, 100)))):
        data = json.loads(json.dumps(ev.to_json()))
        # the schema's basis enum gains "symbolic+numeric" in issue 21; the kind's own part is what is tested here
        data["basis"] = "symbolic"
        jsonschema.validate(data, {"$defs": schema["$defs"], "$ref": "#/$defs/evidence"})
    assert "L = 1; N = 1, 2; h = 1" in run(gd_check()).reason  # the scope of the PASS


@needs_pepit
def test_the_refresh_flag_stores_certificates_and_bypasses_the_cache(tmp_path, monkeypatch):
    import io
    import os

    from proofcheck.cli import main

    monkeypatch.setenv("PROOFCHECK_CACHE_DIR", str(tmp_path / "cache"))
    claims = tmp_path / "claims.py"
    claims.write_text(textwrap.dedent('''
        from proofcheck import Claim, WorstCase
        from proofcheck.pep import SmoothStronglyConvex, distance, function_gap, gradient_descent

        CLAIMS = [Claim(id="gd", title="gd", source="tests", provenance="user", statement="GD", hypotheses=[],
                        checks=[WorstCase("gd-rate", function_class=SmoothStronglyConvex(mu=0, L=1),
                                          method=lambda s, c: gradient_descent(s, s.start(), c["N"], s.number(1)),
                                          initial=distance(0), measure=function_gap(-1),
                                          tau=lambda c: 1 / (4 * c["N"] + 2), cells={"N": [1]}, eta="1/100000000",
                                          certificates="certs")])]
    '''))
    path = tmp_path / "certs" / "gd-rate.json"

    def cli(*extra):
        out = io.StringIO()
        code = main(["run", str(claims), "--budget", "quick", "--out", str(tmp_path / "r"), "--format", "md", "--jobs",
                     "1", "--quiet", *extra], out, io.StringIO())
        return code

    assert cli() == 0 and not path.exists()  # decided by a fresh solve, nothing written (and the PASS cached)
    assert cli("--refresh-certificates") == 0 and path.is_file()  # not served from the cache: it refreshed
    assert wc.REFRESH_VARIABLE not in os.environ  # restored after the run
