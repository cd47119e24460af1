"""Check kinds: verification strategies that lemma modules instantiate (docs/design.md, 'Check kinds')."""
from .base import Check, reproducer, supporting
from .bound import Bound, Space, relative_excess
from .probability import Probability
from .symbolic import Identity, Step, Symbolic, equal, fact
from .threshold import Classification, Threshold, boundary_plot
from .scaling import Crossover, Measurement, Plot, Ratio, Scaling, Slope
from .existence import Existence
from .worstcase import WorstCase

__all__ = ["Check", "reproducer", "supporting", "Bound", "Space", "relative_excess", "Probability", "Identity", "Symbolic", "Step",
           "equal", "fact", "Threshold", "Classification", "boundary_plot",
           "Scaling", "Slope", "Ratio", "Crossover", "Plot", "Measurement", "Existence", "WorstCase"]
