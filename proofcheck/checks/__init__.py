"""Check kinds: verification strategies that lemma modules instantiate (docs/design.md, 'Check kinds')."""
from .base import Check, covering, reproducer, supporting
from .bound import Bound, Space, relative_excess
from .probability import Probability
from .symbolic import Identity, Step, Symbolic, equal, fact
from .threshold import Classification, Threshold, boundary_plot
from .scaling import Crossover, Measurement, Plot, Ratio, Scaling, Slope
from .existence import Existence
from .worstcase import WorstCase
from .symbolic import reaches

__all__ = ["Check", "covering", "reproducer", "supporting", "Bound", "Space", "relative_excess", "Probability", "Identity", "Symbolic", "Step",
           "equal", "fact", "Threshold", "Classification", "boundary_plot",
           "Scaling", "Slope", "Ratio", "Crossover", "Plot", "Measurement", "Existence", "WorstCase", "reaches"]
