"""The claims of "Towards Quantifying the Preconditioning Effect of Adam" (arXiv 2402.07114): docs/claims.md.

A catalogue of proofcheck (registered as ``adam`` in pyproject.toml): one claim module per lemma or theorem, ids and
statements as docs/claims.md writes them. Its shared helpers live in ``_common/`` (quadratic instances,
initialisation, Algorithm A and GD, their fast and certified paths); no claim module imports another.
``CATALOGUE`` fixes the order in which the claims are listed and run.
"""
import importlib.util as _util

_ALL = [
    "f1_gd_rate", "f2_jacobi_dd", "f3_init_spread", "f4_pseudo_linear", "f5_congruence_bound", "f6_anti_concentration",
    "t2_adam_diagonal", "t4_adam_diag_dominant", "t5_adam_general", "n1_adam_worse_than_gd",
    "t6_fixed_point", "s5_per_coordinate_pl",
]
# The catalogue's labels (docs/claims.md): ``proofcheck run T5`` and ``proofcheck show F1`` accept them.
LABELS = {
    "F1": "gd-rate", "F2": "jacobi-dd", "F3": "init-spread", "F4": "pseudo-linear", "F5": "congruence-bound",
    "F6": "anti-concentration", "T2": "adam-diagonal", "T4": "adam-diag-dominant", "T5": "adam-general",
    "N1": "adam-worse-than-gd", "T6": "fixed-point", "S5": "per-coordinate-pl",
}
# The catalogue's shared code: part of every cache key of its claims (proofcheck.registry.shared_code).
SHARED = ["_common"]
# Modules still being written are skipped, so the catalogue can grow one claim at a time.
CATALOGUE = [m for m in _ALL if _util.find_spec(f"{__name__}.{m}") is not None]
