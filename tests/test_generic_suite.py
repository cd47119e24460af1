"""The generic catalogue suite run on a user's catalogue: the template claim module (lemmas/_template.py)."""
from pathlib import Path

from proofcheck.testing import catalogue_tests

TEMPLATE = str(Path(__file__).resolve().parent.parent / "lemmas" / "_template.py")
globals().update(catalogue_tests(TEMPLATE))


def test_the_template_defines_bernoulli_with_a_mutant_and_a_weakening():
    from proofcheck.registry import Registry

    reg = Registry()
    reg.add_origin(TEMPLATE)
    assert reg.ids() == ["bernoulli"]
    assert reg.mutants["bernoulli"] and reg.weakenings["bernoulli"]
