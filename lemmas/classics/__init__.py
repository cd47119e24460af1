"""The classics of first-order optimization (docs/classics.md): tight and loose worst cases, rates in N, known-false claims.

A catalogue of proofcheck (registered as ``classics`` in pyproject.toml), beside the paper's claims in
``lemmas/adam/``, on the same public API. Its shared helpers (no claim module imports another):

- ``_pep.py``: the WorstCase claims (exact dual certificates and primal witnesses, stored certificates in
  ``certificates/``);
- ``_witness.py``: the known-false claims (C15-C20, ``Claim(expect="FAIL", refuted_by=...)``), each
  refuted by an exact (rational, or Q(sqrt 33)) or certified (arb balls at two precisions) counterexample.

``CATALOGUE`` fixes the order in which the claims are listed and run.
"""
import importlib.util as _util

# tight and loose worst cases, one module per line
_ALL = [
    "gd_contraction",
    "gd_convex",
    "gd_all_steps",
    "polyak_steps",
    "exact_line_search",
    "inexact_gd",
    "ogm",
    "ogm_g",
    "heavy_ball_quadratics",
    "fgm_lambda",
    "nesterov_strongly_convex",
    "heavy_ball_ghadimi",
    "fgm_simplified",
]
# The known-false claims (docs/classics.md, "Known-false claims"): expected verdict REFUTED, one per line
_ALL += [
    "false_heavy_ball",
    "false_nesterov_monotone",
    "false_drori_teboulle_long_steps",
    "false_adam_regret",
    "false_nelder_mead",
    "false_pure_newton",
]
# The catalogue's labels (docs/classics.md): ``proofcheck run C8`` and ``proofcheck show C15`` accept them.
LABELS = {
    "C1": "gd-contraction",
    "C2": "gd-drori-teboulle",
    "C3": "gd-all-steps",
    "C5": "polyak-steps",
    "C6": "exact-line-search",
    "C7": "inexact-gd",
    "C8": "ogm",
    "C9": "ogm-g",
    "C10": "heavy-ball-quadratics",
    "C11": "fgm-lambda",
    "C12": "nesterov-strongly-convex",
    "C13": "heavy-ball-ghadimi",
    "C14": "fgm-simplified",
}
# the known-false claims' labels (docs/classics.md, "Known-false claims")
LABELS.update({
    "C15": "heavy-ball-global", "C16": "nesterov-monotone", "C17": "drori-teboulle-long-steps",
    "C18": "adam-regret", "C19": "nelder-mead-stationary", "C20": "pure-newton-global",
})
# The catalogue's shared code: part of every cache key of its claims (proofcheck.registry.shared_code).
SHARED = ["_pep", "_witness"]
# Modules still being written are skipped, so the catalogue can grow one claim at a time.
CATALOGUE = [m for m in _ALL if _util.find_spec(f"{__name__}.{m}") is not None]
