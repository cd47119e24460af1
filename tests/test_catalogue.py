"""Every registered claim is well formed: provenance, both evidence bases, and at least one mutant."""
import pytest

from proofcheck.registry import Registry

REGISTRY = Registry.builtin()


@pytest.mark.parametrize("claim_id", REGISTRY.ids())
def test_claim_is_well_formed(claim_id):
    claim = REGISTRY.get(claim_id)
    assert claim.provenance in {"abstract", "seed", "reconstruction"}
    assert claim.statement and claim.source and claim.title
    # a check may carry both bases ("symbolic+numeric": a worstcase check's exact certificate from a numerical solve)
    bases = {b for c in claim.checks for b in c.basis.split("+")}
    assert bases >= {"symbolic", "numeric"}, "PASS needs symbolic and numeric evidence"
    assert REGISTRY.mutants.get(claim_id), f"{claim_id} has no mutant: a check that cannot fail is a defect"
