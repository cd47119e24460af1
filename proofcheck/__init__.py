"""proofcheck: symbolic-numeric verification of the claims of a paper, with evidence.

The public API that catalogues and user claim files use:

- :class:`Claim`, :class:`Evidence`, :class:`Verdict`
- check kinds: :class:`Identity`, :class:`Symbolic` (with :func:`fact`, :func:`equal`),
  :class:`Bound` (with :class:`Space`), :class:`Probability`, :class:`Scaling` (with
  :class:`Slope`, :class:`Ratio`, :class:`Crossover`, :class:`Measurement`, :class:`Plot`),
  :class:`Threshold` (with :class:`Classification`), :class:`Existence`, :class:`WorstCase` (with
  :mod:`proofcheck.pep`: function classes, methods, measures)
- :class:`Context` (seeded randomness, budgets), :class:`InvalidInstance`
- :func:`covering`: declares the regimes of its claim a check decides (``Claim.regimes``; the scope of a PASS)
- :func:`reaches`: a derivation step proving claimed >= derived (a weaker claim follows; a sharper one is not reached)
- :func:`existence_mutant`: marks a false variant of an existence claim (detected when not PASS)
- :func:`exactly`: declares that a float claimed value means exactly that float (:mod:`proofcheck.claimed`)
"""
from .checks import Bound, Check, Identity, Probability, Space, Step, Symbolic, equal, fact, relative_excess, supporting
from .checks import covering, reaches
from .checks import Classification, Threshold
from .checks import Crossover, Existence, Measurement, Plot, Ratio, Scaling, Slope
from .checks import WorstCase
from .claimed import exactly
from .context import Budget, Context
from .errors import InvalidInstance, UsageError
from .model import Claim, Evidence, Verdict
from .registry import existence_mutant

__version__ = "0.1.0"
__all__ = ["Claim", "Evidence", "Verdict", "Check", "Identity", "Symbolic", "Step", "fact", "equal", "Bound", "Space",
           "relative_excess", "Probability", "Scaling", "Slope", "Ratio", "Crossover", "Plot", "Measurement",
           "Threshold", "Classification", "Existence", "Budget", "Context", "InvalidInstance", "UsageError",
           "existence_mutant", "supporting", "covering", "reaches", "WorstCase", "exactly"]
