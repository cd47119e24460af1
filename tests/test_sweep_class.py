"""The sweep check as a package (issue 19): a claim's sweep subclasses ``Sweep`` (class attributes and methods, no
constructor of callables) and decides exactly as the ``Scaling(...)`` adapter does; a missing log factor is
INCONCLUSIVE and its reason names the log signature (issue 18)."""
import math

from proofcheck import Verdict
from proofcheck.checks.scaling import Ratio, Slope, Sweep

from test_scaling_semantics import exact, run, scaling

KAPPAS = [1e2, 1e3, 1e4, 1e5, 1e6]
KAPPA_LOG_KAPPA = lambda c: c["kappa"] * math.log(c["kappa"])


class PowerSweep(Sweep):
    """T = 3 n^1.5 claimed O(n^1.5): the shape of a user's sweep written as a plugin class."""

    name = "sweep"
    probability = 0.5
    seeds = (16, 16, 16)
    bootstrap = (400, 400, 400)
    slopes = [Slope("n", "n", 1.5, "<=", 0.1)]
    alternatives = {"slope-one": [Slope("n", "n", 1.0, "<=", 0.1)]}

    def axes(self, ctx):
        return {"n": [2, 4, 8, 16, 32, 64, 128]}

    def measure(self, cell, seeds):
        return exact(lambda c: 3.0 * c["n"] ** 1.5)(cell, seeds)


def test_a_sweep_subclass_decides_as_the_keyword_adapter():
    by_class = run(PowerSweep())
    by_keywords = run(scaling({"n": [2, 4, 8, 16, 32, 64, 128]}, lambda c: 3.0 * c["n"] ** 1.5,
                              slopes=[Slope("n", "n", 1.5, "<=", 0.1)],
                              alternatives={"slope-one": [Slope("n", "n", 1.0, "<=", 0.1)]}))
    assert by_class.verdict is Verdict.PASS, by_class.reason
    assert (by_class.verdict, by_class.reason, by_class.worst_margin) == \
        (by_keywords.verdict, by_keywords.reason, by_keywords.worst_margin)
    assert by_class.details["tests"] == by_keywords.details["tests"]
    assert PowerSweep().splits_into_parts  # a subclass that keeps evaluate still measures its cells in parts


def test_a_missing_log_factor_is_inconclusive_and_named():
    """T = kappa ln kappa claimed O(kappa), no log factor allowed. With a tight tolerance (0.02) every pair of the window
    is above its limit and the fade of 1/ln kappa is within the noise: without the log signature this was a FAIL
    candidate. It stays INCONCLUSIVE, and the reason says why."""
    for tolerance in (0.02, 0.1):
        ev = run(scaling({"kappa": KAPPAS}, KAPPA_LOG_KAPPA, slopes=[Slope("kappa", "kappa", 1.0, "<=", tolerance)]))
        assert ev.verdict is Verdict.INCONCLUSIVE, (tolerance, ev.reason)
        assert "excess times ln kappa stays near 1 on every pair" in ev.reason, ev.reason
        assert "consistent with a missing log factor" in ev.reason
        signature = ev.details["tests"][0]["log_signature"]
        assert len(signature) == 2 and all(0.5 <= v <= 1.5 for v in signature)


def test_the_log_signature_counts_beyond_the_allowed_log_factors():
    """kappa (ln kappa)^2 claimed O(kappa log kappa): one factor beyond the allowed one shows the same signature."""
    ev = run(scaling({"kappa": KAPPAS}, lambda c: c["kappa"] * math.log(c["kappa"]) ** 2,
                     slopes=[Slope("kappa", "kappa", 1.0, "<=", 0.02, logs=1)]))
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert "consistent with a missing log factor" in ev.reason


def test_a_power_beyond_the_claim_still_fails_without_a_log_signature():
    """T = n^2 claimed O(n): the excess 1 times ln n is 3.8 and more at the large end, no log factor: a FAIL."""
    ev = run(scaling({"n": [2, 4, 8, 16, 32, 64, 128]}, lambda c: c["n"] ** 2.0, slopes=[Slope("n", "n", 1.0, "<=", 0.1)]))
    assert ev.verdict is Verdict.FAIL, ev.reason
    assert "log factor" not in ev.reason
    # and a ratio test against the log-free bound names the signature too
    ratio = run(scaling({"kappa": KAPPAS}, KAPPA_LOG_KAPPA,
                        ratio=Ratio(bound=lambda c: c["kappa"], fit=lambda c: c["kappa"] <= 1e4, label="kappa",
                                    tolerance=0.02)))
    assert ratio.verdict is Verdict.INCONCLUSIVE, ratio.reason
    assert "consistent with a missing log factor" in ratio.reason


def test_a_sweep_reproducer_comes_from_the_one_builder_and_is_shell_quoted():
    import json
    import shlex

    from proofcheck.checks.scaling import Scaling

    check = Scaling("my sweep's", axes=lambda ctx: {"n": [2, 4, 8, 16, 32, 64, 128]}, measure=exact(lambda c: c["n"] ** 2.0),
                    probability=0.5, seeds=(16, 16, 16), bootstrap=(400, 400, 400), slopes=[Slope("n", "n", 1.0)])
    ev = run(check)
    assert ev.verdict is Verdict.FAIL, ev.reason
    argv = shlex.split(ev.reproducer)
    assert argv[:7] == ["python", "-m", "proofcheck", "run", "toy", "--check", "my sweep's"]
    assert argv[-4:] == ["--budget", "quick", "--seed", "0"]
    instance = json.loads(argv[argv.index("--instance") + 1])
    assert instance["n"] == [16, 32, 64, 128][-len(instance["n"]):] and "_test" in instance
    replay = run(check, instance=instance)
    assert replay.verdict is Verdict.FAIL and replay.worst_margin == ev.worst_margin


def test_every_backend_is_one_line_and_keeps_its_whole_text():
    from proofcheck.checks.base import BACKEND_LINE, Check, backend_line

    parts = "; ".join(f"MPFR at 30 digits (highprec) for {n} count(s) near the bound" for n in range(1, 40))
    line = backend_line(parts)
    assert len(line) <= BACKEND_LINE and "\n" not in line
    assert "MPFR at 30 digits" in line and "1-39 count(s)" in line  # parts that differ only in numbers merge
    ev = Check("c").evidence(Verdict.PASS, backend=parts, details={"x": 1})
    assert ev.backend == line and ev.details["backends"] == [parts] and ev.details["x"] == 1
    assert backend_line("numpy float64") == "numpy float64"


def test_a_backend_set_after_evidence_is_still_one_line():
    """Claim code may set ``evidence.backend`` after ``self.evidence(...)``: the runner keeps it to one line too."""
    from proofcheck import Claim
    from proofcheck.checks.base import BACKEND_LINE, Check
    from proofcheck.context import Budget
    from proofcheck.runner import run_check

    long = "; ".join(f"arithmetic number {n} with notes (and more notes about it)" for n in range(30))

    class Late(Check):
        kind = "toy"

        def evaluate(self, ctx):
            ev = self.evidence(Verdict.PASS, reason="fine")
            ev.backend = long
            return ev

    claim = Claim(id="late", title="t", source="s", statement="", sympy_statement="", provenance="user", hypotheses=[],
                  checks=[Late("late")])
    ev = run_check(claim, claim.checks[0], 0, Budget("quick"))
    assert len(ev.backend) <= BACKEND_LINE and ev.details["backends"] == [long]
