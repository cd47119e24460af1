"""Command line: ``python -m proofcheck all | list | run CLAIM... | show CLAIM | explain CLAIM | report FILE``.

Exit codes (docs/design.md): 0 no FAIL and no ERROR; 1 at least one FAIL (even beside ERRORs); 2 usage or
input error (one line naming the bad value and the valid choices, never a traceback); 3 an ERROR in
claim code (raised, exited, timed out, killed its worker) and no FAIL; 130 interrupted by Ctrl-C (143
by SIGTERM): what finished is written as a partial report and the report is marked incomplete.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import sys
import time

from . import interrupts
from . import report as reporting
from .context import BUDGETS, Budget
from .errors import InvalidInstance, UsageError
from .model import Verdict
from .registry import Registry
from .report import available_formats
from .runner import merge, tasks_for

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C: the conventional 128 + SIGINT
DEFAULT_SEED = 0
DEFAULT_FORMATS = ("json", "md", "html")  # html is the best view (math, plots), so a newcomer gets it unasked


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
    selftest.add_argument("targets", nargs="*", metavar="CLAIM", help="only these claims' mutants")
    selftest.add_argument("--budget", type=_budget, default="quick", help="quick | standard | deep (default quick)")
    selftest.add_argument("--seed", type=_nonneg_int("--seed"), default=DEFAULT_SEED, help="run seed (default 0)")
    selftest.add_argument("--claims", action="append", default=[], metavar="FILE_OR_MODULE",
                          help="also load user claims (and their MUTANTS) from a .py file or module")
    selftest.add_argument("--jobs", type=_positive_int("--jobs"), default=None, help="worker processes (default: all cores)")
    selftest.add_argument("--timeout", "--time-limit", dest="timeout", type=_timeout, default=None, metavar="SECONDS",
                          help="time limit of each check (default: per budget, or the check's own; 0: none)")
    selftest.add_argument("--quiet", "-q", action="store_true", help="print only the detected share")
    return parser


def _registry(extra_origins: list[str]) -> Registry:
    reg = Registry.builtin()
    for origin in extra_origins:
        reg.add_origin(origin)
    return reg


def cmd_list(args, out) -> int:
    from .cli_info import cmd_list as listing

    return listing(_registry(args.claims), args, out)


def cmd_show(args, out) -> int:
    from .cli_info import cmd_show as showing

    return showing(_registry(args.claims), args, out)


def _select(reg: Registry, args) -> list:
    """Claim refs for the command; ``run`` targets may be claim ids or user claim files/modules."""
    if args.command == "all":
        return [reg.ref(cid) for cid in reg.ids()]
    from . import selection as selecting

    from . import naming

    refs = []
    for target in naming.expand_targets(reg, args.targets, getattr(args, "keyword", None)):
        if target.endswith(".py") or "/" in target or (target not in reg.claims and "." in target and "[" not in target):
            refs += [reg.ref(cid) for cid in reg.add_origin(target) if reg.ref(cid) not in refs]
        else:
            cid, body = selecting.split_target(target)  # ``claim[key=value,...]`` narrows the grid
            reg.get(cid)
            if body is not None:
                if cid in args.selections:
                    raise UsageError(f"claim {cid!r} is selected twice; give one CLAIM[key=[v1,v2],...] instead")
                try:
                    args.selections[cid] = selecting.parse(target, reg.claims[cid])
                except (OverflowError, RecursionError, ValueError) as exc:  # e.g. a 400-digit value
                    raise UsageError(f"malformed selection {target[:80]!r}: {type(exc).__name__}: {exc}") from None
            ref = reg.ref(cid, getattr(args, "mutant", None))
            if ref not in refs:
                refs.append(ref)
    return refs


def _claims_for(reg: Registry, refs: list, args) -> dict:
    """The Claim of each ref (mutants built), with ``--check``/``--instance`` validated against it."""
    if args.instance is not None and not args.check:
        raise UsageError("--instance needs --check CHECK: the check whose instance it is")
    claims = {}
    for ref in refs:
        key = ref.id if ref.mutant is None else f"{ref.id}::{ref.mutant}"
        try:
            claims[key] = reg.claims[ref.id] if ref.mutant is None else reg.mutant(ref.id, ref.mutant)
        except UsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - a mutant factory that raises
            raise UsageError(f"mutant {ref.mutant!r} of claim {ref.id!r} could not be built: "
                             f"{type(exc).__name__}: {exc}") from None
        if args.check:
            checks = {c.name: c for c in claims[key].checks}
            if args.check not in checks:
                raise UsageError(f"claim {ref.id!r} has no check {args.check!r} (valid checks: {', '.join(checks)})")
            if args.instance is not None and getattr(checks[args.check], "basis", "numeric") == "symbolic":
                numeric = [name for name, c in checks.items() if getattr(c, "basis", "numeric") != "symbolic"]
                raise UsageError(f"--instance does not apply to the symbolic check {args.check!r} of claim {ref.id!r}"
                                 f" (checks that take an instance: {', '.join(numeric) or 'none'})")
    return claims


class _refreshing_certificates:
    """``--refresh-certificates``: the worstcase checks read PROOFCHECK_REFRESH_CERTIFICATES (local worker processes
    inherit it; a remote Dask worker needs it set in its own environment); restored afterwards."""

    VARIABLE = "PROOFCHECK_REFRESH_CERTIFICATES"

    def __init__(self, on: bool):
        self.on, self.saved = on, None

    def __enter__(self):
        if self.on:
            self.saved = os.environ.get(self.VARIABLE)
            os.environ[self.VARIABLE] = "1"

    def __exit__(self, *exc):
        if self.on:
            if self.saved is None:
                os.environ.pop(self.VARIABLE, None)
            else:
                os.environ[self.VARIABLE] = self.saved


def cmd_run(args, out, err) -> int:
    started = time.perf_counter()
    from .progress import LiveProgress, is_terminal

    formats = args.format or list(DEFAULT_FORMATS)
    available_formats()  # the html and junit writers register themselves on import
    args.selections = {}
    reg = _registry(args.claims)
    refs = _select(reg, args)
    claims = _claims_for(reg, refs, args)
    budget = Budget(args.budget)
    if args.scheduler is not None:
        from .execution import check_scheduler_address

        check_scheduler_address(args.scheduler)
    out_dir = reporting.check_writable(args.out)  # every input is valid: prove the output writable before work
    # Figures cost time (about 10% of a standard run) and only html and md show them (issue 13).
    plots = {"always": True, "never": False}.get(args.plots, bool({"html", "md"} & set(formats)))
    tasks = tasks_for(refs, claims, args.seed, budget, args.instance, args.check, selections=args.selections,
                      plots=plots)
    results, complete, cache, executed = {}, True, None, {}
    known_false = {t.ref: c.refuted_by for t in tasks  # the live tally counts these REFUTED when they are
                   for c in [claims[t.ref.id if t.ref.mutant is None else f"{t.ref.id}::{t.ref.mutant}"]]
                   if c.expect == "FAIL"}
    args.live = LiveProgress(tasks, err, enabled=is_terminal(err) and not args.quiet, unit=args.tally,
                             known_false=known_false)
    args.out_stream = out
    try:
        with args.live:
            from .cache import cache_for
            from .execution import run_tasks

            refresh = getattr(args, "refresh_certificates", False)
            cache = cache_for(args.no_cache, args.rerun or refresh)  # a cached result would refresh nothing
            with _refreshing_certificates(refresh):
                run_tasks(tasks, results, jobs=args.jobs, scheduler=args.scheduler, cache=cache,
                          on_done=lambda t, e: _tick(t, e, args, err), progress_for=args.live.progress_for,
                          timeout=args.timeout, log=lambda line: print(line, file=err, flush=True), info=executed)
    except InvalidInstance as exc:
        raise UsageError(f"instance rejected: {exc}") from None
    except KeyboardInterrupt:
        complete = False
        print("interrupted: writing what finished; the report is marked incomplete", file=err)
    claim_results = merge(refs, claims, results, tasks)
    rep = reporting.build_report(claim_results, seed=args.seed, budget=args.budget, command=["proofcheck", *args.argv],
                                 seconds=time.perf_counter() - started, complete=complete, out_dir=str(out_dir),
                                 extra={"run": {"jobs": executed.get("jobs"), "execution": executed.get("mode"),
                                                "parts": executed.get("parts"),
                                                "scheduler": args.scheduler,
                                                "cache": None if cache is None else {"dir": str(cache.directory),
                                                                                     "hits": cache.hits,
                                                                                     "read": cache.read}}})
    render_failed = False
    try:
        paths = reporting.write_reports(rep, str(out_dir), formats)
    except reporting.RenderError as exc:  # a renderer bug: the record and the other formats are written
        paths = exc.paths
        for failure in exc.failures:
            print(f"proofcheck: error: {failure}", file=err)
        render_failed = True
    except OSError as exc:  # disk full, permissions changed mid-run...: the old reports are left untouched
        raise UsageError(f"cannot write reports to {str(out_dir)!r}: {exc.strerror or exc}") from None
    verdicts = {r.verdict for r in claim_results}
    if not complete:  # what finished is written; the exit status still says the run did not finish
        code = interrupts.exit_code(EXIT_INTERRUPTED)
    else:
        # A FAIL outranks an ERROR: exit 1 whenever a claim is false, whatever else happened.
        code = EXIT_FAIL if Verdict.FAIL in verdicts else EXIT_ERROR if Verdict.ERROR in verdicts else EXIT_OK
        code = _known_false_code(claim_results, code)
        if code == EXIT_OK and render_failed:
            code = EXIT_ERROR
    try:
        from .progress import summary

        if not args.quiet:
            summary(claim_results, out, report=rep)
            print("reports: " + ", ".join(str(p) for p in paths), file=out)
        else:  # --quiet still names every FAIL and ERROR, with its reproducer
            summary(claim_results, out, report=rep, only=("FAIL", "ERROR"))
        from .junit_report import annotations, annotations_wanted

        if annotations_wanted(args.annotations):
            for line in annotations(rep):
                print(line, file=out)
        out.flush()
    except BrokenPipeError:  # ``proofcheck all | head -1``: the reports are written; the exit code stands
        _silence(out)
    return code


def _known_false_code(claim_results, code: int) -> int:
    """``code`` with the known-false claims (model.expect_outcome) counted: REFUTED is success (exit 0); a known-false
    claim that PASSed or was INCONCLUSIVE is red like pytest's xfail(strict=True) and counts as a FAIL (exit 1, which
    outranks an ERROR); its ERROR is exit 3 like any claim's (already in ``code``)."""
    from .model import expect_outcome

    if any(r.verdict in (Verdict.PASS, Verdict.INCONCLUSIVE)
           and expect_outcome({"expect": r.claim.expect, "verdict": r.verdict.value}) == "unexpected"
           for r in claim_results):
        return EXIT_FAIL
    return code


def _tick(task, evidence: dict, args, err) -> None:
    """After each check: move the live progress display (terminal only) and, with --verbose, print a line."""
    live = getattr(args, "live", None)
    if live is not None:
        live.on_done(task, evidence)
    if args.verbose:
        from .explain import clean_text  # no raw dicts on screen

        from .explain import cached_phrase

        when = cached_phrase(evidence) or f"{evidence['seconds']:.2f} s"
        line = f"  {task.ref.id}/{task.check}: {evidence['verdict']} ({when}) {clean_text(evidence['reason'])}"
        if live is not None and live.enabled and live._live is not None:
            live.log(line)  # above the live display, on the terminal it draws on
        else:  # with the output, so that `proofcheck all -v > log` keeps them
            print(line, file=getattr(args, "out_stream", None) or err, flush=True)


def cmd_selftest(args, out, err) -> int:
    """Run every registered mutant; exit 0 only when all of them are detected (FAIL)."""
    from . import selftest

    from .execution import run_tasks

    reg = _registry(args.claims)
    execute = lambda tasks, on_done=None: run_tasks(tasks, jobs=args.jobs, on_done=on_done,  # no cache: FAILs never are
                                                    timeout=args.timeout)
    outcomes = selftest.run_selftest(reg, seed=args.seed, budget=args.budget, claim_ids=args.targets or None,
                                     run_tasks=execute)
    selftest.render(outcomes, out, quiet=args.quiet)
    return EXIT_OK if selftest.detected_share(outcomes) == 1.0 else EXIT_FAIL


def main(argv: list[str] | None = None, out=None, err=None) -> int:
    out = _tolerant(out or sys.stdout)
    err = _tolerant(err or sys.stderr)
    with interrupts.watching():  # the user's Ctrl-C or SIGTERM, told apart from claim code raising KeyboardInterrupt
        try:
            code = _main(argv, out, err)
            out.flush()  # a closed pipe shows here, not as "Exception ignored" at exit
            return code
        except BrokenPipeError:  # ``proofcheck list | head -1``: the reader left; nothing more to say
            _silence(out)
            return EXIT_OK
        except KeyboardInterrupt:  # outside the run loop (which keeps what finished): nothing half-written remains
            print("proofcheck: interrupted", file=err)
            return interrupts.exit_code(EXIT_INTERRUPTED)


def _tolerant(stream):
    """``stream``, made to write any ``str``: what its encoding cannot hold (a lone surrogate, non-ASCII text with
    PYTHONIOENCODING=ascii) is written as a backslash escape instead of raising UnicodeEncodeError (issue 22)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) not in ("backslashreplace", "replace"):
        try:
            reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, io.UnsupportedOperation):  # pragma: no cover - a stream that cannot
            pass
    return stream


def _silence(stream) -> None:
    """After a broken pipe, point the stream's descriptor at /dev/null so that the final flush at exit
    does not print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        pass


def _main(argv, out, err) -> int:
    try:
        args = build_parser().parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in the report as the exact command
        if args.command is None:
            raise UsageError("missing command; valid commands: all, explain, list, report, run, selftest, show")
        if args.command == "list":
            return cmd_list(args, out)
        if args.command == "selftest":
            return cmd_selftest(args, out, err)
        if args.command in ("show", "explain"):
            return cmd_show(args, out)
        if args.command == "report":
            from .cli_info import cmd_report

            return cmd_report(args, out)
        return cmd_run(args, out, err)
    except UsageError as exc:
        message = str(exc).replace("\r", " ").replace("\n", " ")  # always exactly one line
        print(f"proofcheck: error: {message}", file=err)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
