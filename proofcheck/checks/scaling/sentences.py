"""The sweep's sentences: how a line test, a crossover test and the check's verdict are said in one line (numbers,
the limit they were held against, where). Text only: every number comes from the tests (rules.py)."""
from __future__ import annotations

import math

from ...explain import format_cell as fmt_cell  # 'd = 64, kappa_bar = 100': a cell's public keys, as reports write them
from ...explain import format_value as _num  # a number in a sentence: 6 significant digits, 100 rather than 100.0


def _fmt_interval(iv) -> str:
    lo, hi = iv
    show = lambda v: "?" if v is None else ("inf" if math.isinf(v) else f"{v:.3g}")
    return f"[{show(lo)}, {show(hi)}]"


def _exponent(est) -> str:
    return "inf" if est is None or math.isinf(est) else f"{est:.3g}"


def _where(test, pair) -> str:
    return f"between {test.vary} = {_num(pair['x'][0])} and {_num(pair['x'][1])}" + (
        f" at {fmt_cell(test.fixed)}" if fmt_cell(test.fixed) else "")


def _upper_limit(test, pair) -> str:
    return (f"limit {pair['limit']:.3g} = claimed {_num(test.claimed)} + tolerance {_num(test.tolerance)}"
            + (f" + log allowance {pair['log_allowance']:.2g}" if test.logs else ""))


def _lower_limit(test, pair) -> str:
    return (f"limit {test.claimed - test.tolerance - pair['log_allowance']:.3g} = claimed {_num(test.claimed)} - "
            f"tolerance {_num(test.tolerance)}" + (f" - log allowance {pair['log_allowance']:.2g}" if test.logs else ""))


def log_signature(test) -> str:
    """The words for a missing log factor, when a line test shows one (``test.log_signature``), else ''."""
    values = getattr(test, "log_signature", None)
    if not values:
        return ""
    return (f"; the local exponent's excess times ln {test.vary} stays near 1 on every pair "
            f"({', '.join(f'{v:.2f}' for v in values)}): consistent with a missing log factor")


def line_short(test) -> str:
    """Above the limit at the one pair there is: a short line, not a trend."""
    last = test.pairs[-1]
    return (f"{test.quantity} above its limit {_where(test, last)}: local exponent {_exponent(last['exponent'])} "
            f"(family-wise interval {_fmt_interval(last['interval_familywise'])}, {_upper_limit(test, last)}); only "
            f"one pair of cells at the large end, and a trend needs two")


def line_failed(test) -> str:
    """A trend beyond the limit at every pair of the window, decided on the family-wise interval it quotes."""
    last = test.pairs[-1]
    over = ", ".join(f"{p['exponent']:.3g}" if p["exponent"] is not None else "inf" for p in test.pairs)
    faster = (last["interval_familywise"][0] or -math.inf) > last["limit"]
    # a lower bound (>=, or the lower side of ==) failed: the limit is claimed - tolerance
    limit = _upper_limit(test, last) if faster else _lower_limit(test, last)
    return (f"{test.quantity} grows {'faster' if faster else 'slower'} than claimed {_where(test, last)}: local exponent "
            f"{_exponent(last['exponent'])} (family-wise interval {_fmt_interval(last['interval_familywise'])}, "
            f"{limit}); local exponents over the last {len(test.pairs)} pair(s) {over}, none "
            f"{'decaying' if faster else 'rising'}")


def line_passed(test) -> str:
    last = test.pairs[-1]
    return (f"{test.quantity} {_where(test, last)}: local exponent {_exponent(last['exponent'])} (interval "
            f"{_fmt_interval(last['interval'])}, {_upper_limit(test, last)})")


def line_undecided(test, passes: list, decays: bool) -> str:
    """Neither: the intervals the decision used, quoted at the pair that kept it open (a FAIL needs the family-wise
    interval beyond the limit at every pair of the window, a PASS the per-test interval within it at every pair)."""
    last = test.pairs[-1]
    tail = "; it decays across the largest cells (a transient, not a trend)" if decays else ""
    if not tail and test.pass_limit(last) < last["limit"] and test.relation != ">=":
        tail = (f"; a PASS needs at most {test.pass_limit(last):.3g}, halfway to the x ln x variant, which a claim "
                f"without log factors must exclude")
    blocking = next((p for p, ok in zip(test.pairs, passes) if not ok), last)
    decided = (f"local exponent {_exponent(blocking['exponent'])}: family-wise interval "
               f"{_fmt_interval(blocking['interval_familywise'])} (a FAIL needs it beyond the limit at all "
               f"{len(test.pairs)} pair(s)), per-test interval {_fmt_interval(blocking['interval'])} (a PASS needs it "
               f"within the limit at every pair), "
               + (_upper_limit(test, blocking) if test.relation != ">=" else _lower_limit(test, blocking)))
    return f"{test.quantity} undecided {_where(test, blocking)}: {decided}{tail}{log_signature(test)}"


def crossover(test, plo, phi) -> str:
    s = test.spec
    verb = {"fail": "contradicts", "pass": "agrees with", "open": "is undecided against"}[test.status]
    return (f"the crossover exponent p-hat = {test.p_hat:.3g} (interval {_fmt_interval([plo, phi])}) of "
            f"{s.along}* ~ {s.over}^p {verb} the claimed p {s.relation} {_num(s.claimed)} (tolerance "
            f"{_num(s.tolerance)})" + (f" at {fmt_cell(test.fixed)}" if test.fixed else ""))


def backend_summary(measured: set, rerun: set) -> str:
    """The sweep's backend in one line: the distinct arithmetics of its cells (a cell's own notes, after ';', dropped)
    and of its high-precision re-runs (their notes in parentheses dropped); the full descriptions are kept in
    ``details["backends"]``, which the report moves to the side file."""
    bases = sorted({str(b).split(";")[0].strip() for b in measured})
    again = sorted({str(b).split(" (")[0].strip() for b in rerun})
    return " + ".join(bases) + (f"; deciding runs re-run with {', '.join(again)}" if again else "")
