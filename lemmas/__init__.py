"""proofcheck's built-in catalogues, one subpackage per source (each registered in pyproject.toml):

- ``lemmas.adam`` (``adam``): the claims of "Towards Quantifying the Preconditioning Effect of Adam"
  (arXiv 2402.07114), docs/claims.md;
- ``lemmas.classics`` (``classics``): the classics of first-order optimization, docs/classics.md.

Each catalogue holds its claim modules, its shared helpers (its ``SHARED``) and its docs page; no catalogue
imports another's modules. ``lemmas/_template.py`` shows the shape of a claim module (docs/design.md).
"""
