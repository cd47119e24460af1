"""The generic catalogue suite run on a user's catalogue: the template claim module (lemmas/_template.py)."""
from pathlib import Path

from proofcheck.testing import catalogue_tests

TEMPLATE = str(Path(__file__).resolve().parent.parent / "lemmas" / "_template.py")
globals().update(catalogue_tests(TEMPLATE))
