"""Command line: ``python -m proofcheck all | list | run CLAIM... | show CLAIM | explain CLAIM | report FILE``.

Exit codes (docs/design.md): 0 no FAIL and no ERROR; 1 at least one FAIL (even beside ERRORs); 2 usage or
input error (one line naming the bad value and the valid choices, never a traceback); 3 an ERROR in
claim code (raised, exited, timed out, killed its worker) and no FAIL; 130 interrupted by Ctrl-C (143
by SIGTERM): what finished is written as a partial report and the report is marked incomplete.

The parser and the checks of each argument are in :mod:`proofcheck.cli_args`; the read-only commands (list, show,
explain, report) in :mod:`proofcheck.cli_info`; here the commands that run checks (all, run, selftest).
"""
from __future__ import annotations

import io
import os
import sys
import time

from . import interrupts
from . import report as reporting
from .cli_args import build_parser
from .context import Budget
from .errors import InvalidInstance, UsageError
from .model import Verdict
from .registry import Registry
from .report import available_formats
from .runner import merge, tasks_for

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C: the conventional 128 + SIGINT
DEFAULT_FORMATS = ("json", "md", "html")  # html is the best view (math, plots), so a newcomer gets it unasked


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
    from . import naming, selftest

    from .execution import run_tasks

    reg = _registry(args.claims)
    execute = lambda tasks, on_done=None: run_tasks(tasks, jobs=args.jobs, on_done=on_done,  # no cache: FAILs never are
                                                    timeout=args.timeout)
    # targets select as for list: ids, labels (C15), globs and whole catalogues (classics); unknown: exit 2
    claim_ids = naming.select_ids(reg, args.targets) if args.targets else None
    outcomes = selftest.run_selftest(reg, seed=args.seed, budget=args.budget, claim_ids=claim_ids,
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
