"""The shrinker every check kind uses: a failing instance becomes the simplest instance that still fails.

The ideas are those of hypothesis's shrinker (MacIver and Donaldson, "Test-Case Reduction via Test-Case
Generation: Insights from the Hypothesis Reducer", ECOOP 2020), not its code:

- **one order.** "Simpler than" is one total order on instances (:func:`simplicity`, the analogue of hypothesis's
  shortlex order on choice sequences): fewer numbers first (a smaller dimension), then fewer significant digits,
  integers before fractions, non-negative before negative, smaller magnitudes (strings are names it does not rank). A
  candidate is accepted only when it is new, no more complex than the current instance, and still fails, so the
  witness is the simplest failing instance the shrinker met (the seen-set ends any cycle among equally simple ones);
- **a seen-set.** No candidate is decided twice: every proposal is recorded by its canonical JSON, and one already
  seen (the current instance itself, a candidate proposed again by a later step) costs nothing;
- **passes propose, the order decides.** Candidates come from the space's own ``shrink`` (domain knowledge: a
  smaller dimension, a rounder matrix) or, for a space without one whose instances are dicts of numbers, from
  :func:`default_candidates` (0, integers, powers of ten, fewer significant digits, the range's endpoints). Each
  round collects the candidates of the current instance, sorts the new, simpler ones simplest first and decides them
  in turn (a space's own shrink: smallest dimension first, then in the order it proposed them); the first that
  still fails becomes the current instance;
- **counts.** The result says how many candidates were proposed (``tried``), how many of them were new
  (``new``: never proposed before), how many were decided (``decided``), and how many steps were accepted.

"Still fails" is the caller's test at confirmed precision (a Bound decides the candidate along its precision
schedule; a Probability judges the case as it judged the cases), and every candidate is validated first.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable

DEFAULT_LIMIT = 200  # candidates decided at most (each costs a high-precision decision)
PER_ROUND = 1000  # proposals read from one round's candidates at most (a shrink may propose forever)


def _key(instance) -> str:
    return json.dumps(instance, sort_keys=True, default=str)


# ---------------------------------------------------------------------------------------------
# "Simpler than": one order.
# ---------------------------------------------------------------------------------------------
def significant_digits(x) -> int:
    """Significant decimal digits of a number as Python prints it shortest (0 has none; 10, 0.001 and 4 have one)."""
    if isinstance(x, bool):
        x = int(x)
    if isinstance(x, int):
        return len(str(abs(x)).rstrip("0")) if x else 0
    x = float(x)
    if not math.isfinite(x):
        return 100
    if x == 0:
        return 0
    mantissa = repr(abs(x)).partition("e")[0]
    return len(mantissa.replace(".", "").strip("0"))


def _leaves(value, out_numbers: list, out_strings: list) -> None:
    if isinstance(value, dict):
        for k in sorted(value, key=str):
            _leaves(value[k], out_numbers, out_strings)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _leaves(v, out_numbers, out_strings)
    elif isinstance(value, (int, float)) or _is_numpy_number(value):
        out_numbers.append(value.item() if hasattr(value, "item") else value)
    elif value is not None:
        out_strings.append(str(value))


def _is_numpy_number(value) -> bool:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, (np.integer, np.floating, np.bool_))


def _number_cost(x) -> tuple:
    x = float(x)
    finite = math.isfinite(x)
    return (significant_digits(x), 0 if finite and x.is_integer() else 1, 1 if x < 0 else 0,
            math.log10(1 + abs(x)) if finite else math.inf)


def simplicity(instance) -> tuple:
    """The sort key of the shared order (smaller is simpler): (how many numbers, their significant digits, how many
    are not integers, how many are negative, their magnitudes), then the numbers' own costs in order. Strings (a
    matrix family, a spectrum's kind) are names the order does not rank: a space's shrink that renames one is trusted
    for it, since a candidate as simple as the current instance is accepted when it is new."""
    numbers, strings = [], []
    _leaves(instance, numbers, strings)
    costs = [_number_cost(x) for x in numbers]
    total = tuple(sum(c[i] for c in costs) for i in range(4)) if costs else (0, 0, 0, 0.0)
    return (len(numbers), *total, tuple(costs))


def simpler(a, b) -> bool:
    """Whether instance ``a`` is strictly simpler than ``b`` in the shared order."""
    return simplicity(a) < simplicity(b)


# ---------------------------------------------------------------------------------------------
# The default shrink of a dict-of-numbers space.
# ---------------------------------------------------------------------------------------------
def _round_sig(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


def simple_values(x, lo=None, hi=None) -> list:
    """Simpler values to try for the number ``x``: 0, +-1, the integers around it and toward 0, the powers of ten
    around it, fewer significant digits, and the endpoints ``lo``, ``hi`` of its range when it has one. Kept to
    ``[lo, hi]`` and to the type of ``x`` (an int stays an int)."""
    is_int = isinstance(x, int) and not isinstance(x, bool)
    xf = float(x)
    if not math.isfinite(xf):
        return []
    sign = -1.0 if xf < 0 else 1.0
    out = [0.0, sign, abs(xf), float(math.trunc(xf)), float(round(xf)), float(math.floor(xf)), float(math.ceil(xf)),
           float(math.trunc(xf / 2)), float(math.trunc(xf) - sign)]
    if xf != 0:
        e = math.log10(abs(xf))
        out += [sign * 10.0 ** math.floor(e), sign * 10.0 ** math.ceil(e)]
        out += [_round_sig(xf, d) for d in range(1, significant_digits(xf))]
    out += [float(v) for v in (lo, hi) if v is not None and math.isfinite(float(v))]
    result, seen = [], set()
    for v in out:
        if not math.isfinite(v) or (lo is not None and v < lo) or (hi is not None and v > hi):
            continue
        if is_int:
            if not v.is_integer():
                continue
            v = int(v)
        if v == x or v in seen:
            continue
        seen.add(v)
        result.append(v)
    return result


def _map_numbers(value, fn):
    if isinstance(value, list):
        return [_map_numbers(v, fn) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fn(value)
    return value


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_numeric_list(v) -> bool:
    return isinstance(v, list) and bool(v) and all(_is_number(x) or _is_numeric_list(x) for x in v)


def default_candidates(instance, ranges: dict | None = None) -> list:
    """Simpler candidates of a dict-of-numbers instance, one key at a time and all keys at once: every number toward
    :func:`simple_values`; lists of numbers (vectors, matrices) rounded to 1, 2 or 3 significant digits. ``ranges``
    ({key: (lo, hi)}) keeps each number inside its range and adds the range's endpoints. Not a dict: no candidates."""
    if not isinstance(instance, dict):
        return []
    ranges = ranges or {}
    out = []
    numeric = [k for k, v in instance.items() if _is_number(v)]
    for k in numeric:
        lo, hi = ranges.get(k, (None, None))
        out += [dict(instance, **{k: v}) for v in simple_values(instance[k], lo, hi)]
    for digits in (1, 2, 3):
        def rounded(x, digits=digits):
            return x if isinstance(x, int) else _round_sig(x, digits)
        together = dict(instance)
        for k, v in instance.items():
            if _is_number(v) or _is_numeric_list(v):
                lo, hi = ranges.get(k, (None, None))
                r = _map_numbers(v, rounded)
                if _is_number(r) and ((lo is not None and r < lo) or (hi is not None and r > hi)):
                    continue
                together[k] = r
                if _is_numeric_list(v) and r != v:
                    out.append(dict(instance, **{k: r}))
        if together != instance:
            out.append(together)
    together = {k: (int(v) if isinstance(v, int) else float(round(v))) if _is_number(v) and math.isfinite(v) else v
                for k, v in instance.items()}
    if together != instance and all(ranges.get(k, (None, None))[0] is None or together[k] >= ranges[k][0] for k in numeric) \
            and all(ranges.get(k, (None, None))[1] is None or together[k] <= ranges[k][1] for k in numeric):
        out.append(together)
    return out


def observed_box(instances: Iterable[dict]) -> dict:
    """{key: (min, max)} of each numeric key over ``instances``: the region a space without a declared domain was
    seen to produce, which the default shrink then stays in."""
    box: dict = {}
    for inst in instances:
        if not isinstance(inst, dict):
            continue
        for k, v in inst.items():
            if _is_number(v) and math.isfinite(v):
                lo, hi = box.get(k, (v, v))
                box[k] = (min(lo, v), max(hi, v))
    return box


def _overrides(space, method: str) -> bool:
    """Whether ``space``'s class defines ``method`` itself rather than inheriting the base ``Space``'s (read from the
    method resolution order, so that this module need not import checks.bound, which imports it)."""
    for cls in type(space).__mro__:
        if method in vars(cls):
            return not (cls.__name__ == "Space" and cls.__module__.endswith("checks.bound"))
    return False


def space_candidates(space, box: dict | None = None) -> tuple[Callable[[dict], Iterable[dict]], str]:
    """The candidates of ``space``: its own ``shrink`` when it has one; otherwise :func:`default_candidates`, inside
    its declared ``ranges`` ({key: (lo, hi)}) or, when it declares no domain at all (neither ``ranges`` nor its own
    ``validate``), inside ``box`` (the values the search saw it produce; see :func:`observed_box`). Returns the
    candidate function and a word for the evidence."""
    if _overrides(space, "shrink"):
        return space.shrink, "the space's shrink"
    ranges = getattr(space, "ranges", None)
    if ranges:
        return (lambda inst: default_candidates(inst, ranges)), "default shrink inside the space's ranges"
    if _overrides(space, "validate"):
        return default_candidates, "default shrink, validated by the space"
    return ((lambda inst: default_candidates(inst, box)),
            "default shrink inside the values the search saw (the space declares no ranges or validate)")


# ---------------------------------------------------------------------------------------------
# The shrinker.
# ---------------------------------------------------------------------------------------------
@dataclass
class ShrinkResult:
    """The simplest failing instance found, and what it took."""

    instance: dict
    start: dict
    steps: int = 0  # accepted moves
    tried: int = 0  # candidates proposed
    new: int = 0  # proposed candidates never seen before
    decided: int = 0  # candidates judged (new, strictly simpler and admissible)
    inadmissible: int = 0
    limit_reached: bool = False
    source: str = ""
    limit: int = DEFAULT_LIMIT
    notes: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        if not self.tried:
            return "not shrunk: no candidates"
        counts = f"{self.tried} candidates tried, {self.new} new, {self.decided} decided"
        limit = f" (stopped at the limit of {self.limit})" if self.limit_reached else ""
        if not self.steps:
            return f"not shrunk: {counts}{limit}"
        return f"shrunk in {self.steps} step(s): {counts}{limit}"

    def json(self) -> dict:
        return {"steps": self.steps, "tried": self.tried, "new": self.new, "decided": self.decided,
                "inadmissible": self.inadmissible, "limit": self.limit, "limit_reached": self.limit_reached,
                "source": self.source, "summary": self.summary}


def shrink(instance, still_fails: Callable[[dict], bool], candidates: Callable[[dict], Iterable[dict]], *,
           admissible: Callable[[dict], bool] | None = None, limit: int = DEFAULT_LIMIT, per_round: int = PER_ROUND,
           source: str = "", proposal_order: bool = False) -> ShrinkResult:
    """Shrink ``instance`` (which fails) to the simplest instance that still fails.

    ``candidates(current)`` proposes simpler instances (any order, repeats allowed: at most ``per_round`` are read
    per round); ``admissible(candidate)`` validates one (a hypothesis of the claim); ``still_fails(candidate)``
    decides it at confirmed precision. At most ``limit`` candidates are decided. ``proposal_order``: decide equally
    large candidates in the order proposed (a space's own shrink) rather than in the shared order; either way only a
    candidate no more complex than the current instance in the shared order is accepted."""
    seen = {_key(instance)}
    result = ShrinkResult(instance=instance, start=instance, limit=limit, source=source)
    current, current_key = instance, simplicity(instance)
    while not result.limit_reached:
        fresh = {}
        for cand in islice(candidates(current), per_round):
            result.tried += 1
            k = _key(cand)
            if k not in seen and k not in fresh:
                fresh[k] = cand
        result.new += len(fresh)
        seen.update(fresh)  # more complex than the current instance: more complex than any later one too
        # Decided in the shared order, simplest first; or, for a space's own shrink (which proposes simplest first by
        # its knowledge of the domain), smallest dimension first and then in the order proposed: which of several
        # equally large candidates is tried first decides which path the greedy descent takes.
        ranked = [(simplicity(c), i, c) for i, c in enumerate(fresh.values())]
        ordered = sorted(ranked, key=(lambda t: (t[0][0], t[1])) if proposal_order else (lambda t: (t[0], t[1])))
        accepted = None
        for key, _, cand in ordered:
            if key > current_key:  # not more complex: new and as simple is progress too (the seen-set ends cycles)
                continue
            if admissible is not None and not admissible(cand):
                result.inadmissible += 1
                continue
            if result.decided >= limit:
                result.limit_reached = True
                break
            result.decided += 1
            if still_fails(cand):
                accepted = (key, cand)
                break
        if accepted is None:
            break
        current_key, current = accepted
        result.steps += 1
    result.instance = current
    return result
