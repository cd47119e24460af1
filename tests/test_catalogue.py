"""Every registered claim is well formed, and the generic catalogue suite (proofcheck.testing.catalogue_tests) holds
for the built-in catalogues: mutants detected, weakenings held, every PASS on both kinds of evidence, and every
mutant's FAIL replayed from its reproducer. The mutant runs are shared with tests/test_selftest.py (one run each)."""
import pytest

from proofcheck.registry import Registry
from proofcheck.testing import catalogue_tests

REGISTRY = Registry.builtin()
globals().update(catalogue_tests())


@pytest.mark.parametrize("claim_id", REGISTRY.ids())
def test_claim_provenance_is_one_of_the_catalogue_s(claim_id):
    assert REGISTRY.get(claim_id).provenance in {"abstract", "seed", "reconstruction"}
