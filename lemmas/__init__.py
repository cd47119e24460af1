"""The claims of "Towards Quantifying the Preconditioning Effect of Adam" (arXiv 2402.07114).

One module per lemma or theorem; ids and statements follow docs/claims.md.
``CATALOGUE`` fixes the order in which claims are listed and run.
"""
import importlib.util as _util

_ALL = [
    "f1_gd_rate", "f2_jacobi_dd", "f3_init_spread", "f4_pseudo_linear", "f5_congruence_bound", "f6_anti_concentration",
    "t2_adam_diagonal", "t4_adam_diag_dominant", "t5_adam_general", "n1_adam_worse_than_gd",
    "t6_fixed_point", "s5_per_coordinate_pl",
    # the classics (docs/classics.md): tight and loose worst cases, one module per line
    "classics.gd_contraction",
    "classics.gd_convex",
    "classics.gd_all_steps",
    "classics.polyak_steps",
    "classics.exact_line_search",
    "classics.inexact_gd",
    "classics.ogm",
    "classics.ogm_g",
    "classics.heavy_ball_quadratics",
    "classics.fgm_lambda",
    "classics.nesterov_strongly_convex",
    "classics.heavy_ball_ghadimi",
    "classics.fgm_simplified",
]
# The classics' known-false claims (docs/classics.md, "Known-false claims"): expected verdict REFUTED, one per line
_ALL += [
    "classics.false_heavy_ball",
    "classics.false_nesterov_monotone",
    "classics.false_drori_teboulle_long_steps",
    "classics.false_adam_regret",
    "classics.false_nelder_mead",
    "classics.false_pure_newton",
]
# The catalogue's labels (docs/claims.md): ``proofcheck run T5`` and ``proofcheck show F1`` accept them.
LABELS = {
    "F1": "gd-rate", "F2": "jacobi-dd", "F3": "init-spread", "F4": "pseudo-linear", "F5": "congruence-bound",
    "F6": "anti-concentration", "T2": "adam-diagonal", "T4": "adam-diag-dominant", "T5": "adam-general",
    "N1": "adam-worse-than-gd", "T6": "fixed-point", "S5": "per-coordinate-pl",
    # the classics' known-false claims (docs/classics.md, "Known-false claims")
    "C15": "heavy-ball-global", "C16": "nesterov-monotone", "C17": "drori-teboulle-long-steps",
    "C18": "adam-regret", "C19": "nelder-mead-stationary", "C20": "pure-newton-global",
}
# The classics' tight and loose claims (docs/classics.md), one label per line
LABELS.update({
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
})
# The catalogue's shared code (its subpackages): part of every cache key of its claims (proofcheck.registry.shared_code).
SHARED = ["_common", "classics._pep", "classics._witness"]
# Modules still being written are skipped, so the catalogue can grow one claim at a time.
CATALOGUE = [m for m in _ALL if _util.find_spec(f"{__name__}.{m}") is not None]
