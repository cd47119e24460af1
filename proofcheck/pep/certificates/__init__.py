"""Exact certificates of a worst case, in both directions, and their storage as data.

For one cell of a :class:`~proofcheck.pep.problem.Problem` (exact data: :class:`ExactProblem`):

- a **dual certificate** proves ``measure <= B * initial`` on every function of the class: rational multipliers
  lambda_ij >= 0 of the interpolation inequalities C_ij >= 0 and weights w_t >= 0 (sum 1) of the measures with

      B * initial - sum_t w_t measure_t - sum_ij lambda_ij C_ij = <S, G> + c,   S PSD, c >= 0, no f-term,

  checked exactly (:func:`verify_dual`: the linear part vanishes, the constant is >= 0, S passes exact LDL^T).
  Since every C_ij >= 0 holds on any run (necessity of the interpolation conditions) and G is a Gram matrix,
  min_t measure_t <= sum_t w_t measure_t <= B * initial.
- a **witness** proves the worst case is at least W: a finite set of points (x_i, g_i, f_i) in Q^r (standard inner
  product) that satisfies the class's interpolation conditions exactly, so extends to a function of the class,
  on which the method, replayed exactly, gives ``min_t measure_t = W * initial`` (:func:`verify_witness`).

Both are *proposed* from PEPit's floating-point solution (:func:`propose_dual`, :func:`propose_witness`) and
*decided* in exact arithmetic; a stored one is decided again each time it is read, never trusted.

Storage (:class:`CertificateStore`): one JSON file per check, beside the claim's catalogue module, with one record
per cell; every number is an exact rational written "p/q". The file is read with ``open`` (so the run records it
as an input of the check: :mod:`proofcheck.inputs`), and written only when certificates are refreshed.
"""
from .format import FORMAT, CertificateFormatError
from .dual import DualCertificate, DualCheck, propose_dual, residual_form, verify_dual
from .witness import Witness, WitnessCheck, propose_witness, verify_witness
from .store import CertificateStore, Verified, cell_key, verify_record
