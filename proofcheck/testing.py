"""Helpers for running claims inside tests (ours and users'): one call, one ClaimResult."""
from __future__ import annotations

import functools

from .context import Budget
from .model import Claim
from .registry import ClaimRef
from .runner import ClaimResult, combine, merge, tasks_for  # noqa: F401 (combine: as before, for users)


# The origin named by the refs of claims handed to run_claim: such a claim is used as given, never looked up.
HANDED_OVER = "<claim object>"


def run_claim(claim: Claim, seed: int = 0, budget: str = "quick", instance: dict | None = None,
              only_check: str | None = None, mutant: str | None = None) -> ClaimResult:
    """Run every check of ``claim`` (or only ``only_check``) in this process, through the local executor
    (:class:`proofcheck.execution.LocalExecutor`), and combine the verdict. ``mutant`` names the false variant
    ``claim`` is, for its checks' context and the result."""
    from .execution.local import LocalExecutor

    ref = ClaimRef(HANDED_OVER, claim.id, mutant)
    key = claim.id if mutant is None else f"{claim.id}::{mutant}"
    tasks = tasks_for([ref], {key: claim}, seed, Budget(budget), instance, only_check)
    results: dict = {}
    LocalExecutor(claims={ref: claim}).run(tasks, results.__setitem__)
    (result,) = merge([ref], {key: claim}, results, tasks)
    return result


def by_check(result: ClaimResult) -> dict:
    """The evidence of a result, by check name."""
    return {e.check: e for e in result.evidence}


def without_timing(result: ClaimResult) -> list[dict]:
    """The evidence as JSON without its timing: what two runs with the same seed must share exactly."""
    return [{k: v for k, v in e.to_json().items() if k != "seconds"} for e in result.evidence]


def strip_timing(value):
    """Report or evidence JSON without the keys that may differ between equal runs (``report.TIMING_KEYS``: times,
    the run record, cache marks): what two runs with the same seed and budget must share, for any --jobs."""
    from .report import TIMING_KEYS

    if isinstance(value, dict):
        return {k: strip_timing(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [strip_timing(v) for v in value]
    return value


def replay(reproducer: str, out_dir, budget: str = "quick") -> tuple[int, str]:
    """Run a one-line reproducer through the CLI in this process; (exit code, verdict of the replayed check)."""
    import json
    import shlex
    from pathlib import Path

    from .cli import main

    argv = shlex.split(reproducer)
    assert argv[:3] == ["python", "-m", "proofcheck"], f"not a proofcheck reproducer: {reproducer}"
    code = main(argv[3:] + ["--out", str(out_dir), "--budget", budget])
    report = json.loads((Path(out_dir) / "report.json").read_text())
    return code, report["claims"][0]["evidence"][0]["verdict"]


# ---------------------------------------------------------------------------------------------
# One generic suite over a catalogue (ours or a user's): import it into a test module
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _registry(origin: str | None):
    from .registry import Registry

    if origin is None:
        return Registry.builtin()
    reg = Registry()
    reg.add_origin(origin)
    return reg


@functools.lru_cache(maxsize=None)
def _catalogue_outcomes(origin: str | None, budget: str, seed: int) -> dict:
    """{claim id: its mutants' and weakenings' outcomes}, for every claim of the origin in one run on every core
    (worker processes, as ``proofcheck selftest --jobs``): the same numbers as one job, in about half the time on
    two cores."""
    from .execution import run_tasks
    from .selftest import run_selftest

    outcomes: dict = {}
    for outcome in run_selftest(_registry(origin), budget=budget, seed=seed,
                                run_tasks=lambda tasks, on_done=None: run_tasks(tasks, on_done=on_done)):
        outcomes.setdefault(outcome.claim_id, []).append(outcome)
    return {claim_id: tuple(found) for claim_id, found in outcomes.items()}


def selftest_outcomes(origin: str | None, claim_id: str, budget: str, seed: int) -> tuple:
    """Every mutant and weakening of one claim, run once per process: the first call runs those of every claim of
    the origin (:func:`_catalogue_outcomes`), and the generic suite and ``test_selftest`` share these runs."""
    return _catalogue_outcomes(origin, budget, seed).get(claim_id, ())


@functools.lru_cache(maxsize=None)
def catalogue_results(origin: str | None, budget: str, seed: int) -> dict:
    """{claim id: ClaimResult} of every claim of the origin as registered, in one run on every core (the generic
    suite's PASS test, and any test that needs a claim's plain run, share it)."""
    from .execution import run_tasks

    reg = _registry(origin)
    refs = [reg.ref(claim_id) for claim_id in reg.ids()]
    tasks = tasks_for(refs, reg.claims, seed, Budget(budget))
    results = run_tasks(tasks)
    return {r.claim.id: r for r in merge(refs, reg.claims, results, tasks)}


def _outcome_of(origin, claim_id, name, budget, seed):
    (outcome,) = [o for o in selftest_outcomes(origin, claim_id, budget, seed) if o.mutant == name]
    return outcome


def catalogue_tests(origin: str | None = None, *, budget: str = "quick", seed: int = 0) -> dict:
    """The generic test suite of a catalogue, as pytest test functions (benchopt's ``test_benchmarks`` idea).

    ``origin`` is a claim file, an importable module, or None for the built-in catalogues. In a test module::

        from proofcheck.testing import catalogue_tests
        globals().update(catalogue_tests("my_claims.py"))

    The suite asserts, for every claim of the catalogue:

    - it is well formed: a title, a statement, a source, a provenance, at least one symbolic and one numeric
      check, and at least one mutant (a claim whose checks cannot fail is a defect);
    - every mutant (false variant) is detected: FAIL (or not PASS for existence mutants);
    - every weakening (true variant) holds: it does not FAIL (nor ERROR);
    - every PASS rests on both kinds of evidence: a passing symbolic check and a passing numeric one;
    - every FAIL of a mutant replays from its one-line reproducer (a fresh run of that check FAILs again).
    """
    import pytest

    from .model import Verdict
    from .registry import WEAKENING
    from .selftest import mutant_refs, weakening_refs

    reg = _registry(origin)
    claim_ids = reg.ids()
    mutants = [(ref.id, ref.mutant) for ref in mutant_refs(reg)]
    weakenings = [(ref.id, ref.mutant) for ref in weakening_refs(reg)]
    named = lambda pairs: [f"{c}[{m}]" for c, m in pairs]

    @pytest.mark.parametrize("claim_id", claim_ids)
    def test_claim_is_well_formed(claim_id):
        claim = reg.get(claim_id)
        assert claim.title and claim.statement and claim.source and claim.provenance, claim_id
        bases = {c.basis for c in claim.checks}
        assert any("symbolic" in b for b in bases) and any("numeric" in b for b in bases), \
            f"{claim_id}: a PASS needs symbolic and numeric evidence, and its checks are {sorted(bases)}"
        assert reg.mutants.get(claim_id), f"{claim_id} has no mutant: a check that cannot fail is a defect"

    @pytest.mark.parametrize("claim_id, mutant", mutants, ids=named(mutants))
    def test_every_mutant_is_detected(claim_id, mutant):
        outcome = _outcome_of(origin, claim_id, mutant, budget, seed)
        assert outcome.detected, f"{claim_id}[{mutant}] not detected: {outcome.verdict}: {outcome.reason}"

    @pytest.mark.parametrize("claim_id, weakening", weakenings, ids=named(weakenings))
    def test_every_weakening_holds(claim_id, weakening):
        outcome = _outcome_of(origin, claim_id, weakening, budget, seed)
        assert outcome.detected, f"{claim_id}[{weakening}] FAILED, a FAIL of a true variant: {outcome.reason}"

    @pytest.mark.parametrize("claim_id", claim_ids)
    def test_every_pass_rests_on_both_kinds_of_evidence(claim_id):
        result = catalogue_results(origin, budget, seed)[claim_id]
        if result.verdict is not Verdict.PASS:
            pytest.skip(f"{claim_id} is {result.verdict.value} at the {budget} budget: {result.reason}")
        passed = {e.basis for e in result.evidence if e.verdict is Verdict.PASS}
        assert any("symbolic" in b for b in passed) and any("numeric" in b for b in passed), \
            f"{claim_id} PASSed on {sorted(passed)} evidence only"

    @pytest.mark.parametrize("claim_id, mutant", mutants, ids=named(mutants))
    def test_every_fail_replays_from_its_reproducer(claim_id, mutant, tmp_path):
        outcome = _outcome_of(origin, claim_id, mutant, budget, seed)
        if outcome.verdict != Verdict.FAIL.value or not outcome.reproducer:
            pytest.skip(f"{claim_id}[{mutant}] did not FAIL with a reproducer ({outcome.verdict})")
        code, verdict = replay(outcome.reproducer, tmp_path, budget=budget)
        assert verdict == Verdict.FAIL.value and code == 1, f"{outcome.reproducer} gave {verdict} (exit {code})"

    assert not any(m.startswith(WEAKENING) for _, m in mutants)
    return {f.__name__: f for f in (test_claim_is_well_formed, test_every_mutant_is_detected, test_every_weakening_holds,
                                    test_every_pass_rests_on_both_kinds_of_evidence,
                                    test_every_fail_replays_from_its_reproducer)}
