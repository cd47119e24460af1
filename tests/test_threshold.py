"""The ``threshold`` check kind on toy behaviours whose boundary is known, so it can pass and fail."""
import mpmath
import pytest

from proofcheck import Claim, Classification, Threshold, Verdict
from proofcheck.checks.threshold import boundary_plot
from proofcheck.context import Budget, Context
from proofcheck.plots import svg_artifact
from proofcheck.testing import run_claim


def toy_classifier(boundary, undecided_width=1e-3, precision_sensitive=False):
    """'low' below ``boundary``, 'high' above it, 'undecided' within a relative ``undecided_width``.

    The label is computed in mpmath at the requested precision, as a real classifier would.
    """

    def classify(case, theta, dps):
        with mpmath.workdps(dps):
            b = mpmath.mpf(boundary) * case.get("scale", 1)
            if precision_sensitive and dps > 50:
                b = b * 10  # a classifier whose answer changes with the precision
            rel = (mpmath.mpf(theta) - b) / b
            if abs(rel) < undecided_width:
                return Classification("undecided", dps, {"rel": float(rel)})
            return Classification("high" if rel > 0 else "low", dps, {"rel": float(rel)})

    return classify


def check(formula, classifier, **kw):
    return Threshold("toy-threshold", cases=lambda ctx: [{"scale": 1.0}, {"scale": 3.0}], classify=classifier,
                     formula=formula, below="low", above="high", **kw)


def run(chk, seed=0):
    return chk.run(Context(seed, Budget("quick"), claim_id="toy", check_name=chk.name))


def test_true_formula_passes_and_records_every_precision():
    ev = run(check(lambda c: 2.0 * c["scale"], toy_classifier(2.0)))
    assert ev.verdict is Verdict.PASS, ev.reason
    assert ev.worst_margin <= 0 and ev.dps == 100
    for record in ev.details["cases"]:
        assert record["status"] == "inside"
        assert record["band"][0] <= record["lo"] < record["hi"] <= record["band"][1]
        assert all(e["dps"] in (50, 100) for e in record["evaluations"] + record["confirmations"])
        assert {e["dps"] for e in record["confirmations"]} == {100}


def test_halved_formula_fails_with_reproducer():
    ev = run(check(lambda c: 1.0 * c["scale"], toy_classifier(2.0)))
    assert ev.verdict is Verdict.FAIL
    assert ev.worst_margin > 0 and "--instance" in ev.reproducer
    assert ev.witness["empirical_lo"] > ev.witness["formula"] * 1.05


def test_boundary_outside_the_initial_bracket_fails():
    ev = run(check(lambda c: 0.1 * c["scale"], toy_classifier(2.0)))  # boundary 20x the formula
    assert ev.verdict is Verdict.FAIL
    assert ev.details["cases"][0]["hi"] is None


def test_critical_point_at_the_first_midpoint_does_not_stall():
    # The geometric midpoint of [f/4, 4f] is exactly the formula; the classifier is undecided there.
    ev = run(check(lambda c: 2.0 * c["scale"], toy_classifier(2.0, undecided_width=0.004)))
    assert ev.verdict is Verdict.PASS, ev.reason
    labels = [e["label"] for e in ev.details["cases"][0]["evaluations"]]
    assert "undecided" in labels


def test_too_fine_tolerance_is_inconclusive_not_pass():
    ev = run(check(lambda c: 2.0 * c["scale"], toy_classifier(2.0, undecided_width=0.02), tolerance=0.01))
    assert ev.verdict is Verdict.INCONCLUSIVE


def test_precision_dependent_label_is_inconclusive():
    ev = run(check(lambda c: 2.0 * c["scale"], toy_classifier(2.0, precision_sensitive=True)))
    assert ev.verdict is Verdict.INCONCLUSIVE and "changed" in ev.reason


def test_instance_replays_one_case_and_same_seed_same_evidence():
    chk = check(lambda c: 1.0 * c["scale"], toy_classifier(2.0))
    ctx = Context(0, Budget("quick"), claim_id="toy", check_name=chk.name, instance={"scale": 3.0})
    ev = chk.run(ctx)
    assert ev.verdict is Verdict.FAIL and len(ev.details["cases"]) == 1
    a, b = run(chk, 5).to_json(), run(chk, 5).to_json()
    a.pop("seconds"), b.pop("seconds")
    assert a == b


def test_bracket_must_contain_the_formula():
    with pytest.raises(ValueError):
        check(lambda c: 1.0, toy_classifier(1.0), bracket=(1.5, 4.0))


def test_plot_hook_and_generic_boundary_plot():
    def plot(ctx, records):
        fig, ax = boundary_plot(records, ylabel="scale", yvalues=[r["case"]["scale"] for r in records])
        return [svg_artifact(fig, "boundary")]

    chk = check(lambda c: 2.0 * c["scale"], toy_classifier(2.0), plot=plot)
    claim = Claim(id="toy", title="toy", source="test", provenance="user", statement="", hypotheses=[], checks=[chk])
    result = run_claim(claim)
    art = result.evidence[0].artifacts
    assert art and art[0]["mime"] == "image/svg+xml" and "<svg" in art[0]["data"]
