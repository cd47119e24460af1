"""proofcheck: symbolic-numeric verification of the claims of a paper, with evidence.

The public API that ``lemmas/`` and user claim files use:

- :class:`Claim`, :class:`Evidence`, :class:`Verdict`
- check kinds: :class:`Identity`, :class:`Symbolic` (with :func:`fact`, :func:`equal`),
  :class:`Bound` (with :class:`Space`), :class:`Probability`
- :class:`Context` (seeded randomness, budgets), :class:`InvalidInstance`
"""
from .checks import Bound, Check, Identity, Probability, Space, Step, Symbolic, equal, fact, relative_excess
from .checks import Classification, Threshold
from .checks import Crossover, Existence, Measurement, Plot, Ratio, Scaling, Slope
from .context import Budget, Context
from .errors import InvalidInstance, UsageError
from .model import Claim, Evidence, Verdict

__version__ = "0.1.0"
__all__ = ["Threshold", "Classification", "Scaling", "Slope", "Ratio", "Crossover", "Plot", "Measurement", "Existence", "Claim", "Evidence", "Verdict", "Check", "Identity", "Symbolic", "Step", "fact", "equal", "Bound", "Space",
           "relative_excess", "Probability", "Budget", "Context", "InvalidInstance", "UsageError"]
