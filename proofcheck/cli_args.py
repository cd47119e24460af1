"""The command line's arguments: the parser of every command, its help texts, and the checks of each value
(seed, jobs, budget, formats, --instance, --timeout). A bad value is a UsageError naming it (exit 2, one line).
The commands themselves are in :mod:`proofcheck.cli` (run, selftest) and :mod:`proofcheck.cli_info` (list, show,
explain, report).
"""
from __future__ import annotations

import argparse
import json
import math
import re

from .context import BUDGETS
from .errors import UsageError
from .report import available_formats

DEFAULT_SEED = 0


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (one line, exit 2) instead of printing usage and exiting."""

    def error(self, message: str):  # noqa: D401
        # "argument --seed: --seed must be ..." says the flag twice: keep the value's own message, which names it.
        flag, sep, rest = message.partition(": ")
        if sep and flag.startswith("argument ") and any(rest.startswith(name + " ")
                                                       for name in flag[len("argument "):].split("/")):
            message = rest
        raise UsageError(message)


# What a number on the command line may look like: ASCII digits (Python's int() and float() also take "1_0", which
# would run seed 10, and other scripts' digits), and for seconds a decimal point and an exponent.
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _nonneg_int(name: str):
    def parse(text: str) -> int:
        if not _DIGITS.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(f"{name} must be a non-negative integer, got {text!r}")
        value = int(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"{name} must be a non-negative integer, got {text!r}")
        return value
    return parse


def _positive_int(name: str):
    def parse(text: str) -> int:
        value = _nonneg_int(name)(text)
        if value < 1:
            raise argparse.ArgumentTypeError(f"{name} must be a positive integer, got {text!r}")
        return value
    return parse


def _formats(text: str) -> list[str]:
    valid = available_formats()
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    bad = [f for f in chosen if f not in valid]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {','.join(bad) or repr(text)}; valid formats: {', '.join(valid)}")
    return chosen


def _budget(text: str) -> str:
    if text not in BUDGETS:
        raise argparse.ArgumentTypeError(f"unknown budget {text!r}; valid budgets: {', '.join(BUDGETS)}")
    return text


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise argparse.ArgumentTypeError(f"--instance gives the key {repeated[0]!r} twice")
    return dict(pairs)


def _check_instance_value(value, where: str) -> None:
    """Numbers (finite, within float range, not booleans), rectangular lists of them, or objects of them; an
    object's value may also be a label (a string) or a flag (a boolean, e.g. T6's ``"diagonal": true``), which the
    claim's own checks validate."""
    if isinstance(value, bool) or value is None:
        raise argparse.ArgumentTypeError(f"--instance value {where} is {json.dumps(value)}, not a number")
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            raise argparse.ArgumentTypeError(f"--instance value {where} is an integer too large for a float "
                                             f"({len(str(abs(value)))} digits)") from None
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"--instance holds a non-finite number {value!r} at {where}")
        return
    if isinstance(value, str):
        return  # a label (e.g. a spectrum name): the claim's own checks validate it
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, bool):
                _check_instance_value(item, f"{where}.{key}" if where else key)
        return
    if isinstance(value, list):
        kinds = {"row" if isinstance(x, list) else "label" if isinstance(x, str) else "number" for x in value}
        lengths = {len(x) for x in value if isinstance(x, list)}
        if len(kinds) > 1 or len(lengths) > 1:
            raise argparse.ArgumentTypeError(f"--instance value {where} is a ragged array (rows of different "
                                             "lengths, or numbers mixed with rows or text)")
        for i, item in enumerate(value):
            if isinstance(item, dict):
                raise argparse.ArgumentTypeError(f"--instance value {where}[{i}] is an object, not a number or a row")
            _check_instance_value(item, f"{where}[{i}]")
        return
    raise argparse.ArgumentTypeError(f"--instance value {where} has an unsupported type")


def _instance(text: str) -> dict:
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"--instance is not valid JSON ({exc.msg} at char {exc.pos})") from None
    except RecursionError:
        raise argparse.ArgumentTypeError("--instance is nested too deeply") from None
    except ValueError as exc:  # an integer literal beyond Python's digit limit
        raise argparse.ArgumentTypeError(f"--instance is not usable JSON ({exc})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("--instance must be a JSON object")
    try:
        _check_instance_value(value, "")
    except RecursionError:
        raise argparse.ArgumentTypeError("--instance is nested too deeply") from None
    return value


def _timeout(text: str) -> float:
    value = float(text) if _DECIMAL.fullmatch(text.strip()) else float("nan")
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"--timeout must be a non-negative number of seconds, got {text!r}")
    return value


EXIT_CODES_HELP = """exit codes:
  0    no FAIL and no ERROR (a known-false claim REFUTED as expected counts as success)
  1    at least one FAIL, or a known-false claim (expect="FAIL") not REFUTED: it PASSed or was INCONCLUSIVE
  2    usage or input error (one line naming the bad value and the valid choices; nothing written)
  3    an ERROR in claim code
  130  interrupted (Ctrl-C): what finished is written, and the report says "complete": false
"""
SELECTION_HELP = """selecting claims:
  gd-rate                       a claim id ('proofcheck list' shows them)
  T5                            a catalogue label (case-insensitive)
  classics                      every claim of a catalogue (its registered name or package)
  'adam-*'                      a glob over ids and labels (quote it for the shell)
  -k 'adam and not general'     pytest-style: words (substrings of id or label), and, or, not, ( )
  'adam-diagonal[d=64,kappa=[1e3,1e4]]'   narrow a claim's parameter grid ('proofcheck show CLAIM' lists them)
  path/to/my_claims.py          every claim of a file (or a module name); --claims FILE adds them by id
"""
RUN_EPILOG = """
defaults: --budget standard, --seed 0, --format json,md,html, --out reports/, --jobs = all cores, --plots auto;
          checks whose verdict repeats (PASS, and a deterministic INCONCLUSIVE) are cached (.proofcheck-cache/,
          or $PROOFCHECK_CACHE_DIR); the report folder holds one run (files of an earlier run are removed)
""" + EXIT_CODES_HELP
HELP_EPILOG = """examples:
  proofcheck list                               the claims, with labels, provenance and sources
  proofcheck explain T5                         statement, hypotheses, derivation steps, last verdict
  proofcheck all --format json,md,html,junit    every claim at the standard budget
  proofcheck run 'adam-*' --budget quick        a glob of claims
  proofcheck report reports/report.json --format html   re-render a saved report

'proofcheck COMMAND --help' documents each command.

""" + EXIT_CODES_HELP


def _version() -> str:
    from . import __version__

    return __version__


def _add_info_commands(sub) -> None:
    """The read-only commands: list, show, explain, report (proofcheck.cli_info)."""
    raw = argparse.RawDescriptionHelpFormatter
    listing = sub.add_parser("list", help="list the claims (label, id, provenance, checks, source, title)",
                             epilog=SELECTION_HELP + "\nexit codes: 0 listed; 2 usage error", formatter_class=raw)
    listing.add_argument("names", nargs="*", metavar="CLAIM", help="only these claims (ids, labels or globs)")
    listing.add_argument("-k", dest="keyword", default=None, metavar="EXPR", help="only claims matching EXPR")
    listing.add_argument("--claims", action="append", default=[], metavar="FILE_OR_MODULE",
                         help="also list user claims from a .py file or module (as run --claims)")
    listing.add_argument("--json", action="store_true", help="one JSON document, for scripts")
    for name, helptext in (("show", "a claim's statement, hypotheses, provenance, checks, parameters and mutants"),
                           ("explain", "show --derivation: also every derivation step as written, and the last verdict")):
        cmd = sub.add_parser(name, help=helptext, formatter_class=raw,
                             epilog="CLAIM is an id or a catalogue label (F1, T5).\nexit codes: 0 shown; 2 unknown claim")
        cmd.add_argument("claim", metavar="CLAIM")
        cmd.add_argument("--claims", action="append", default=[], metavar="FILE_OR_MODULE",
                         help="also load user claims from a .py file or module")
        cmd.add_argument("--report", default=None, metavar="FILE",
                         help="the saved report to read the last verdict from (default: the newest of reports/report.json, "
                              "reports/report.partial.json and reference/report.json that contains the claim)")
        if name == "show":
            cmd.add_argument("--derivation", action="store_true",
                             help="print every derivation step as written and the last verdict (runs sympy only)")
        else:
            cmd.set_defaults(derivation=True)
    rerender = sub.add_parser("report", help="re-render a saved report.json in other formats, running nothing",
                              formatter_class=raw,
                              epilog="example: proofcheck report reports/report.json --format html,md,junit\n"
                                     "exit codes: 0 written; 2 unreadable report or bad format")
    rerender.add_argument("file", metavar="REPORT_JSON")
    rerender.add_argument("--format", type=_formats, default=None,
                          help="comma-separated: md,html,junit (default md,html)")
    rerender.add_argument("--out", default=None, help="output directory (default: the report's directory)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="proofcheck", description="Verify the claims of a paper, with evidence.",
                     epilog=HELP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"proofcheck {_version()}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    run_opts = _Parser(add_help=False)
    run_opts.add_argument("--budget", type=_budget, default="standard", help="quick | standard | deep (default standard)")
    run_opts.add_argument("--seed", type=_nonneg_int("--seed"), default=DEFAULT_SEED, help="run seed (default 0)")
    run_opts.add_argument("--out", default="reports", help="report directory (default reports/)")
    run_opts.add_argument("--format", type=_formats, default=None,
                          help="comma-separated report formats: json,md,html,junit (default json,md,html)")
    run_opts.add_argument("--plots", choices=("auto", "always", "never"), default="auto",
                          help="render figures: auto = when a report format shows them (html, md); always; never")
    run_opts.add_argument("--jobs", type=_positive_int("--jobs"), default=None, help="worker processes (default: all cores)")
    run_opts.add_argument("--scheduler", default=None, help="Dask scheduler address for distributed runs")
    run_opts.add_argument("--timeout", "--time-limit", dest="timeout", type=_timeout, default=None, metavar="SECONDS",
                          help="time limit of each check (default: per budget, or the check's own; 0: none)")
    run_opts.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    run_opts.add_argument("--rerun", action="store_true", help="ignore cached results, but refresh the cache")
    run_opts.add_argument("--refresh-certificates", action="store_true",
                          help="worstcase checks: solve again with PEPit and store their exact certificates (needs the "
                               "pep extra; implies --rerun)")
    run_opts.add_argument("--claims", action="append", default=[], metavar="FILE_OR_MODULE",
                          help="also load user claims from a .py file or module")
    run_opts.add_argument("--annotations", action="store_true",
                          help="print a GitHub Actions ::error line per FAIL (automatic when GITHUB_ACTIONS=true)")
    run_opts.add_argument("--tally", choices=("claims", "checks"), default="claims",
                          help="what the live tally on a terminal counts: claims (default) or checks")
    noise = run_opts.add_mutually_exclusive_group()
    noise.add_argument("--quiet", "-q", action="store_true", help="print only FAIL and ERROR verdict lines")
    noise.add_argument("--verbose", "-v", action="store_true", help="print every check's evidence line")

    _add_info_commands(sub)
    sub.add_parser("all", parents=[run_opts], help="run every claim", epilog=RUN_EPILOG,
                   formatter_class=argparse.RawDescriptionHelpFormatter
                   ).set_defaults(check=None, instance=None, mutant=None, keyword=None)
    run = sub.add_parser("run", parents=[run_opts], help="run the named claims (ids, labels, globs, files or modules)",
                         epilog=SELECTION_HELP + RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("targets", nargs="*", metavar="CLAIM",
                     help="claim id, catalogue label (T5), glob ('adam-*'), CLAIM[key=value,...], or a claim file/module")
    run.add_argument("-k", dest="keyword", default=None, metavar="EXPR",
                     help="also run the claims matching a pytest-style expression ('adam and not general')")
    run.add_argument("--instance", type=_instance, default=None, help="replay one instance (JSON) instead of searching")
    run.add_argument("--check", default=None, help="run only this check (with --instance: the check to replay)")
    run.add_argument("--mutant", default=None, help="run this false variant of the claim instead (see selftest)")
    selftest = sub.add_parser("selftest", help="run every claim's mutants (false variants): all must FAIL",
                              epilog="exit codes: 0 every mutant detected; 1 some mutant not detected; 2 usage error",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    selftest.add_argument("targets", nargs="*", metavar="CLAIM",
                          help="only these claims' mutants: ids, labels (C15), globs or a catalogue (classics)")
    selftest.add_argument("--budget", type=_budget, default="quick", help="quick | standard | deep (default quick)")
    selftest.add_argument("--seed", type=_nonneg_int("--seed"), default=DEFAULT_SEED, help="run seed (default 0)")
    selftest.add_argument("--claims", action="append", default=[], metavar="FILE_OR_MODULE",
                          help="also load user claims (and their MUTANTS) from a .py file or module")
    selftest.add_argument("--jobs", type=_positive_int("--jobs"), default=None, help="worker processes (default: all cores)")
    selftest.add_argument("--timeout", "--time-limit", dest="timeout", type=_timeout, default=None, metavar="SECONDS",
                          help="time limit of each check (default: per budget, or the check's own; 0: none)")
    selftest.add_argument("--quiet", "-q", action="store_true", help="print only the detected share")
    return parser
