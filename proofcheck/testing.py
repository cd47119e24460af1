"""Helpers for running claims inside tests (ours and users'): one call, one ClaimResult."""
from __future__ import annotations

from .context import Budget
from .model import Claim, decide_claim
from .runner import ClaimResult, combine, run_check


def run_claim(claim: Claim, seed: int = 0, budget: str = "quick", instance: dict | None = None,
              only_check: str | None = None, mutant: str | None = None) -> ClaimResult:
    """Run every check of ``claim`` in this process and combine the verdict."""
    evidence = [run_check(claim, c, seed, Budget(budget), instance, mutant=mutant)
                for c in claim.checks if only_check is None or c.name == only_check]
    decision = decide_claim(claim, evidence)
    return ClaimResult(claim, decision.verdict, decision.reason, evidence, seconds=sum(e.seconds for e in evidence),
                       mutant=mutant, scope=decision.scope)


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
