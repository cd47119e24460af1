"""The engine's check kinds on toy claims whose truth is known, so each can be seen to pass and to fail."""
import mpmath
import numpy as np
import pytest
import sympy as sp

from proofcheck import Bound, Claim, Evidence, Identity, InvalidInstance, Probability, Space, Symbolic, Verdict, equal, fact
from proofcheck.context import Budget, Context, derive_seed
from proofcheck.errors import UsageError
from proofcheck.model import combine
from proofcheck.testing import run_claim, without_timing

x, y = sp.symbols("x y", positive=True)


class Interval(Space):
    """t in [0, 1]."""

    def sample(self, rng):
        return {"t": float(rng.uniform(0, 1))}

    def perturb(self, inst, rng, scale):
        return {"t": float(np.clip(inst["t"] + scale * rng.standard_normal(), 0, 1))}

    def shrink(self, inst):
        for t in (0.0, 0.5, 1.0, round(inst["t"], 1), round(inst["t"], 2)):
            if t != inst["t"]:
                yield {"t": t}

    def validate(self, inst):
        if not 0 <= inst.get("t", -1) <= 1:
            raise InvalidInstance("t must lie in [0, 1]")


def t_squared_below(c):
    """t^2 <= c t (true for c >= 1 on [0, 1]), i.e. lhs t^2, rhs c t + tiny."""
    return lambda inst, dps: (inst["t"] ** 2 if dps is None else mpmath.mpf(inst["t"]) ** 2,
                              c * inst["t"] + 1e-300 if dps is None else c * mpmath.mpf(inst["t"]) + mpmath.mpf(10) ** -300)


def toy(c, identity_rhs=None):
    return Claim(id="toy", title="toy", source="test", provenance="user", statement="t^2 <= c t", hypotheses=[],
                 checks=[Identity("square", (x + y) ** 2, identity_rhs if identity_rhs is not None else x**2 + 2 * x * y + y**2,
                                  {x: (0.1, 3), y: (0.1, 3)}),
                         Bound("bound", Interval(), t_squared_below(c))])


def test_true_toy_passes_with_both_kinds_of_evidence():
    result = run_claim(toy(1.0))
    assert result.verdict is Verdict.PASS, result.reason
    assert {e.basis for e in result.evidence} == {"symbolic+numeric", "numeric"}  # an identity carries both
    bound = result.evidence[1]
    assert bound.dps >= 50 and bound.worst_margin <= 0 and bound.instances > 100


def test_false_bound_fails_with_shrunk_confirmed_witness():
    result = run_claim(toy(0.5))
    assert result.verdict is Verdict.FAIL
    ev = result.evidence[1]
    assert ev.verdict is Verdict.FAIL and ev.witness == {"t": 1.0}  # shrunk to the simplest violating point
    assert ev.dps == 100 and "--instance" in ev.reproducer and ev.worst_margin > 0


def test_false_identity_fails():
    result = run_claim(toy(1.0, identity_rhs=x**2 + y**2))
    assert result.evidence[0].verdict is Verdict.FAIL
    assert result.verdict is Verdict.FAIL


def test_symbolic_steps_proved_disproved_undecided():
    ok = Symbolic("s", lambda ctx: [equal("e", x * (x + 1), x**2 + x), fact("f", x + 1 > 0)])
    bad = Symbolic("s", lambda ctx: [equal("e", x * (x + 1), x**2)])
    ctx = Context(0, Budget("quick"))
    assert ok.run(ctx).verdict is Verdict.PASS
    assert bad.run(ctx).verdict is Verdict.FAIL


def test_pass_needs_both_symbolic_and_numeric():
    ev = Evidence(check="a", kind="bound", basis="numeric", verdict=Verdict.PASS)
    verdict, reason = combine([ev])
    assert verdict is Verdict.INCONCLUSIVE and "symbolic" in reason
    err = Evidence(check="b", kind="bound", basis="numeric", verdict=Verdict.ERROR)
    assert combine([ev, err])[0] is Verdict.ERROR


def coin(p):
    return lambda case, rng, n: int((rng.random(n) < p).sum())


@pytest.mark.parametrize("true_p, claimed, direction, expected", [
    (0.5, 0.45, ">=", Verdict.PASS),
    (0.5, 0.55, ">=", Verdict.FAIL),
    (0.5, 0.55, "<=", Verdict.PASS),
    (0.5, 0.45, "<=", Verdict.FAIL),
    (0.5, 0.5, ">=", Verdict.INCONCLUSIVE),
])
def test_probability_check(true_p, claimed, direction, expected):
    check = Probability("p", cases=lambda ctx: [{"k": 1}], count_events=coin(true_p), claimed=lambda c: claimed,
                        direction=direction, samples=(20000, 20000))
    assert check.run(Context(1, Budget("quick"))).verdict is expected


def test_probability_exact_value_decides():
    # the simulated coin has the exact value's probability: an exact formula is also checked against simulation
    exact = lambda case, dps: mpmath.mpf(1) / 3
    good = Probability("p", cases=lambda ctx: [{}], count_events=coin(1 / 3), claimed=lambda c: 0.3333, exact=exact)
    bad = Probability("p", cases=lambda ctx: [{}], count_events=coin(1 / 3), claimed=lambda c: 0.3334, exact=exact)
    ctx = Context(1, Budget("quick"))
    assert good.run(ctx).verdict is Verdict.PASS and good.run(ctx).dps >= 50
    assert bad.run(ctx).verdict is Verdict.FAIL


def test_seeds_are_derived_independently_of_order():
    assert derive_seed(0, "a", "b") == derive_seed(0, "a", "b") != derive_seed(1, "a", "b")
    with pytest.raises(UsageError):
        Budget("huge")


def test_same_seed_same_evidence():
    a, b = run_claim(toy(1.0), seed=7), run_claim(toy(1.0), seed=7)
    assert without_timing(a) == without_timing(b)


def test_supporting_checks_fail_a_claim_but_do_not_hold_back_its_pass():
    """A supporting check (a sweep beside an explicit finite form) FAILs its claim like any other; unsettled, it is
    named in the PASS reason instead of turning the claim INCONCLUSIVE."""
    sym = Evidence(check="derivation", kind="symbolic", basis="symbolic", verdict=Verdict.PASS)
    num = Evidence(check="explicit", kind="probability", basis="numeric", verdict=Verdict.PASS)
    sweep = lambda v: Evidence(check="sweep", kind="scaling", basis="numeric", verdict=v, reason="3 tests undecided",
                               role="supports")
    verdict, reason = combine([sym, num, sweep(Verdict.INCONCLUSIVE)])
    assert verdict is Verdict.PASS and "sweep: 3 tests undecided" in reason
    assert combine([sym, num, sweep(Verdict.FAIL)])[0] is Verdict.FAIL
    assert combine([sym, num, sweep(Verdict.ERROR)])[0] is Verdict.ERROR
    assert combine([sym, sweep(Verdict.PASS)])[0] is Verdict.INCONCLUSIVE  # supporting evidence cannot stand in
