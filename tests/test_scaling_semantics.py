"""What a scaling verdict means (issue 10): local exponents at the large end, log allowances, no FAIL from a fitted
constant, PASS only where the claim's own false variant would FAIL, Bonferroni over the tests made, narrowing as a
restriction, and FAILs that replay."""
import json
import math
import shlex
import zlib

import numpy as np

from proofcheck import Verdict
from proofcheck.checks.scaling import Crossover, Measurement, Ratio, Scaling, Slope
from proofcheck.context import Budget, Context


def exact(T_of_cell, noise=0.03):
    """A synthetic measurement: T(cell) times a small seed- and cell-dependent log-normal noise (exact arithmetic)."""

    def measure(cell, seeds):
        # a stable key (Python's str hash changes with every process, which made these numbers change between runs)
        key = zlib.crc32(repr(sorted((k, str(v)) for k, v in cell.items())).encode())
        T = [T_of_cell(cell) * math.exp(noise * np.random.default_rng([s % 2**31, key]).standard_normal()) for s in seeds]
        return Measurement(T=T, capped=[False] * len(T), dps=50, backend="exact (synthetic)")

    return measure


def run(check, budget="quick", selection=None, instance=None, seed=0):
    ctx = Context(seed=seed, budget=Budget(budget), claim_id="toy", check_name=check.name, selection=selection or {},
                  instance=instance, options={"plots": False})
    return check.run(ctx)


def scaling(axes, T, **kw):
    return Scaling("sweep", axes=lambda ctx: axes, measure=exact(T), probability=0.5, seeds=(16, 16, 16),
                   bootstrap=(400, 400, 400), **kw)


def test_a_decaying_transient_claimed_linear_is_not_failed():
    """T = 3d(1 - e^(-d/24)) is O(d); its OLS slope over d = 2..64 is 1.5, and local exponents 1.6, 1.34 decay."""
    check = scaling({"d": [2, 4, 8, 16, 32, 64]}, lambda c: 3 * c["d"] * (1 - math.exp(-c["d"] / 24)),
                    slopes=[Slope("d", "d", 1.0, "<=", 0.1)])
    ev = run(check)
    assert ev.verdict is not Verdict.FAIL, ev.reason
    test = ev.details["tests"][0]
    assert test["fitted_slope_over_line"] > 1.4  # the short-line OLS slope that used to FAIL this true claim
    assert "decays" in ev.reason


def test_kappa_log_kappa_claimed_without_log_factors_does_not_pass():
    """T = kappa ln kappa claimed O(kappa) with no log factor: the largest local exponent 1 + 1/ln kappa ~ 1.08 is inside
    the noise tolerance 0.1, but a log-free claim must exclude the x ln x variant, so it cannot PASS."""
    check = scaling({"kappa": [1e2, 1e3, 1e4, 1e5, 1e6]}, lambda c: c["kappa"] * math.log(c["kappa"]),
                    slopes=[Slope("kappa", "kappa", 1.0, "<=", 0.1)],
                    ratio=Ratio(bound=lambda c: c["kappa"], fit=lambda c: c["kappa"] <= 1e4, growth=2.0, label="kappa"))
    ev = run(check)
    assert ev.verdict is not Verdict.PASS, ev.reason
    # allowing one log factor, the same data is consistent with the claim
    allowed = scaling({"kappa": [1e2, 1e3, 1e4, 1e5, 1e6]}, lambda c: c["kappa"] * math.log(c["kappa"]),
                      slopes=[Slope("kappa", "kappa", 1.0, "<=", 0.1, logs=1)])
    assert run(allowed).verdict is Verdict.PASS


def test_bounded_shape_of_the_t4_deep_case_is_not_failed_by_its_fitted_constant():
    """A synthetic reproduction of the shape of `adam-diag-dominant[d=[2,4,8,256,512],kappa=[10,100]]` at the deep
    budget (which FAILed with growth [2.01, 2.75] > 2 over the constant fitted on d <= 8): T = c min(kappa, 2d) x a
    factor that rises from 1.2 to 3 with d and saturates, against the bound min(d sqrt(d kappa), kappa)."""
    T = lambda c: 2.76 * min(c["kappa"], 2 * c["d"]) * (1 + 2 * (1 - math.exp(-c["d"] / 64)))
    bound = lambda c: min(c["d"] * math.sqrt(c["d"] * c["kappa"]), c["kappa"])
    check = scaling({"d": [2, 4, 8, 256, 512], "kappa": [10.0, 100.0]}, T,
                    ratio=Ratio(bound=bound, fit=lambda c: c["d"] <= 8, growth=2.0, label="bound"))
    ev = run(check)
    assert ev.verdict is not Verdict.FAIL, ev.reason
    finding = ev.details["findings"][0]
    assert finding["growth"] > 2 and "not a failure" in finding["sentence"] and "d = 512, kappa = 10" in finding["sentence"]


def test_pass_needs_the_false_variant_to_fail_on_the_same_measurements():
    axes = {"n": [2, 4, 8, 16, 32, 64]}
    visible = scaling(axes, lambda c: 3.0 * c["n"], slopes=[Slope("n", "n", 1.0, "<=", 0.1)],
                      alternatives={"exponent-half": [Slope("n", "n", 0.5, "<=", 0.1)]})
    ev = run(visible)
    assert ev.verdict is Verdict.PASS and "exponent-half FAIL on the same measurements" in ev.reason
    assert ev.details["alternatives"]["exponent-half"]["detected"]
    # a false variant whose exponent is within the tolerance of the truth cannot be seen: no PASS
    hidden = scaling(axes, lambda c: 3.0 * c["n"], slopes=[Slope("n", "n", 1.0, "<=", 0.1)],
                     alternatives={"exponent-0.95": [Slope("n", "n", 0.95, "<=", 0.1)]})
    ev = run(hidden)
    assert ev.verdict is Verdict.INCONCLUSIVE and ev.reason.startswith("insufficient range at this budget")


def test_crossover_tests_are_counted_where_they_are_made():
    """One crossover spec with two lines (two values of 'g') makes two tests: the Bonferroni count must be 2."""
    def T(c):
        return 3.0 * c["n"] if c["method"] == "a" else 50.0 * c["m"]

    check = scaling({"m": [1, 4, 16, 64], "n": [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048], "method": ["a", "b"],
                     "g": [0, 1]}, T,
                    crossovers=[Crossover("a-vs-b", over="m", along="n", series="method", a="a", b="b", claimed=1.0,
                                          relation="==", tolerance=0.15)])
    ev = run(check)
    made = ev.details["crossovers"][0]["tests_made"]
    assert made == 2 and ev.details["bootstrap"]["tests"] == 2
    assert ev.details["bootstrap"]["familywise_confidence_for_fail"] == 1 - 0.05 / 2


def test_narrowing_intersects_the_grid_and_never_moves_a_decision():
    """`adam-general[kappa_diag=1,kappa_bar=100]`-like: the narrowed run decides the kept line as the full run does;
    `adam-diagonal[d=[2,8,32,128,256]]`-like: a selection does not replace another check's grid."""
    T = lambda c: c["kb"] * (c["d"] if c["d"] <= 32 else 32 * (1 + 0.1 * math.log2(c["d"] / 32)))
    axes = {"d": [2, 4, 8, 16, 32, 64, 128, 256, 512], "kb": [2.0, 10.0, 100.0], "kd": [1.0, 100.0]}
    make = lambda: scaling(axes, T, ratio=Ratio(bound=lambda c: c["kb"] * c["kd"], fit=lambda c: c["d"] <= 8,
                                                growth=2.0, label="kb kd", logs=1, along=["d"]))
    full = run(make())
    narrowed = run(make(), selection={"kd": [1.0], "kb": [100.0]})
    assert [c["cell"] for c in narrowed.details["per_cell"]] == [
        {"d": d, "kb": 100.0, "kd": 1.0} for d in axes["d"]]
    line = lambda ev: next(t for t in ev.details["tests"] if t["fixed"] == {"kb": 100.0, "kd": 1.0})
    assert line(full)["status"] == line(narrowed)["status"] and full.verdict is not Verdict.FAIL
    assert narrowed.verdict is not Verdict.FAIL
    # a value outside this check's grid selects nothing here: it is not added to the grid
    ev = run(make(), selection={"d": [3]})
    assert ev.verdict is Verdict.INCONCLUSIVE and ev.instances == 0 and "leaves no cell" in ev.reason
    # thinning d keeps only pairs of neighbours on the check's own grid: no long-range pair out of a gap
    thin = run(make(), selection={"d": [2, 8, 32, 128, 256], "kd": [1.0], "kb": [100.0]})
    assert all(p["x"] in ([128, 256],) for t in thin.details["tests"] for p in t["local_exponents"])


def test_thinning_a_crossover_axis_makes_no_crossover_test():
    from lemmas.adam import t2_adam_diagonal as t2

    cross = next(c for c in t2.CLAIM.checks if c.name == "crossover")
    ctx = Context(seed=0, budget=Budget("standard"), claim_id=t2.CLAIM.id, check_name="crossover",
                  selection={"d": [2, 8, 32, 128, 256]})
    axes, cells = cross.grid(ctx)
    assert axes["d"] == [2, 8, 32, 128, 256] and set(axes["d"]) <= set(t2.CROSS_D)
    check = scaling({"m": [1, 4, 16, 64], "n": [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048], "method": ["a", "b"]},
                    lambda c: 3.0 * c["n"] if c["method"] == "a" else 50.0 * c["m"],
                    crossovers=[Crossover("a-vs-b", over="m", along="n", series="method", a="a", b="b", claimed=2.0,
                                          relation=">=", tolerance=0.15)])
    assert run(check).verdict is Verdict.FAIL  # p-hat = 1 < 2 on the whole n grid
    ev = run(check, selection={"n": [2, 16, 128, 1024]})
    assert ev.verdict is not Verdict.FAIL and "no test" in ev.details["crossovers"][0]["lines"][0]["note"]


def test_a_scaling_fail_replays_exactly_and_fails_again():
    check = scaling({"d": [2, 4, 8, 16, 32, 64], "m": [1, 2]}, lambda c: 3.0 * c["d"] ** 1.5 * c["m"],
                    slopes=[Slope("d", "d", 1.0, "<=", 0.1)])
    ev = run(check, budget="standard", seed=3)
    assert ev.verdict is Verdict.FAIL and ev.reproducer
    argv = shlex.split(ev.reproducer)
    assert argv[argv.index("--budget") + 1] == "standard" and argv[argv.index("--seed") + 1] == "3"
    instance = json.loads(argv[argv.index("--instance") + 1])
    assert "_qseed" not in ev.reason and "{" not in ev.reason  # a sentence, not a dict
    again = run(check, budget="standard", seed=3, instance=instance)
    assert again.verdict is Verdict.FAIL and len(again.details["tests"]) == 1
    assert again.details["tests"][0]["what"] == ev.witness["what"]
    assert again.details["tests"][0]["local_exponents"] == ev.witness["local_exponents"]  # same numbers, same level


def test_a_sampled_recount_that_differs_escalates_the_cell_and_records_its_precision():
    """float64 counts 5% high on the cells n >= 32 (as beta2 < 1 runs on dense Q can be): the sampled high-precision
    re-count differs there, so those cells are re-counted seed by seed and their precision is recorded."""
    truth = lambda c, s: round(3.0 * c["n"] * math.exp(0.03 * np.random.default_rng(s % 2**31).standard_normal()))

    def measure(cell, seeds):
        T = [round(truth(cell, s) * (1.05 if cell["n"] >= 32 else 1.0)) for s in seeds]
        return Measurement(T=T, capped=[False] * len(T), per_seed=[{"T": t} for t in T])

    def confirm(cell, seed, record):
        return {"T_high": truth(cell, seed), "agree": truth(cell, seed) == record["T"], "dps": 30, "backend": "exact"}

    check = Scaling("s", axes=lambda ctx: {"n": [2, 4, 8, 16, 32, 64]}, measure=measure, probability=0.5,
                    seeds=(12, 12, 12), slopes=[Slope("n", "n", 1.0, "<=", 0.1)], confirm=confirm,
                    confirm_cells=(6, 6, 6), bootstrap=(200, 200, 200))
    ev = run(check)
    assert [e["cell"] for e in ev.details["escalated_cells"]] == ["n = 32", "n = 64"]
    assert [c["dps"] for c in ev.details["per_cell"]] == [15, 15, 15, 15, 30, 30]
    assert ev.details["per_cell"][-1]["T"] == [truth({"n": 64}, s) for s in ev.details["seeds"]]
    assert ev.details["tests"][0]["counts_dps"] == {"16": 15, "32": 30, "64": 30}  # the deciding counts' precision
