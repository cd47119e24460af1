"""The classics of first-order optimization (docs/classics.md): tight and loose worst cases, rates in N, known-false claims.

The second catalogue of proofcheck, beside the paper's claims in ``lemmas/``, on the same public API. Its shared helpers:

- ``lemmas/classics/_pep.py``: the WorstCase claims (exact dual certificates and primal witnesses, stored certificates);
- ``lemmas/classics/_witness.py``: the known-false claims (C15-C20, ``Claim(expect="FAIL", refuted_by=...)``), each
  refuted by an exact (rational, or Q(sqrt 33)) or certified (arb balls at two precisions) counterexample.
"""
