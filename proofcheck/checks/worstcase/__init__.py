"""The ``worstcase`` check kind: a performance-estimation claim ``measure <= tau * initial``, decided per cell with
exact certificates (docs/design.md, 'Worst cases').

A claim declares a method (written once: :mod:`proofcheck.pep.spaces`), a function class given by interpolation
conditions (:mod:`proofcheck.pep.classes`), an initial condition and a performance measure, a grid of cells (the
number of steps and the parameters), the claimed tau(cell) *exactly* and a relative tolerance eta. For each cell:

- **PASS** only on a dual certificate verified in exact rationals: tau(1 + eta) * initial - measure is a
  nonnegative combination of the interpolation inequalities plus a PSD matrix, with no function-value term
  (:func:`proofcheck.pep.certificates.verify_dual`; the certificate proves a bound B, and B <= tau(1 + eta)
  exactly);
- **FAIL** only on a counterexample verified exactly: a finite set of points in Q^r that satisfies the class's
  interpolation conditions (so extends to a function of the class, by the interpolation theorem), on which the
  method, replayed exactly, gives measure = W * initial with W > tau(1 + eta);
- **INCONCLUSIVE** otherwise, with the reason: the solver was inaccurate (its multipliers give no exact
  certificate), the rationalization of its worst case failed, the pep extra is not installed and no certificate
  is stored, or a stored certificate is rejected.

The check is FAIL if any cell FAILs, PASS if every cell PASSes, else INCONCLUSIVE.

Certificates are data: with ``certificates=`` (a directory beside the catalogue module) each cell's verified dual
certificate and witness are stored in ``<directory>/<check name>.json`` (rationals as "p/q") when certificates
are refreshed (``ctx.options["refresh_certificates"]`` or the environment variable
``PROOFCHECK_REFRESH_CERTIFICATES=1``), and later runs decide from them without PEPit, verifying them exactly
each time: a stored certificate is never trusted. The file is an input of the check (:mod:`proofcheck.inputs`):
a cached result is not served once it changed.
"""
from .check import WorstCase
from .values import REFRESH_VARIABLE, compare_exact, crosscheck_row, exact_target, rational_at_most, refresh_requested
