import os

from hypothesis import HealthCheck, settings

# Hypothesis profiles tied to proofcheck budgets; the test suite uses "quick" unless told otherwise.
settings.register_profile("quick", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("standard", max_examples=200, deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("PROOFCHECK_HYPOTHESIS_PROFILE", "quick"))

# Runs of the CLI inside the tests use a private result cache, never the checkout's .proofcheck-cache/:
# a test must not pass because an earlier run (or an earlier test) left a cached PASS behind.
if "PROOFCHECK_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["PROOFCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="proofcheck-test-cache-")


# Every report.json the test suite writes (through proofcheck.report.write_reports, in this process) is
# validated against the published schema, proofcheck/report.schema.json: a writer that drifts from it fails.
def _validate_written_reports():
    from pathlib import Path

    import proofcheck.report as reporting
    from proofcheck.report_schema import available, validate_file

    write = reporting.write_reports
    if getattr(write, "validates_schema", False) or not available():
        return  # without jsonschema (the dev extra) the schema tests skip, saying so

    def write_and_validate(*args, **kwargs):
        paths = write(*args, **kwargs)
        for path in paths or []:
            if Path(path).name == "report.json":
                validate_file(path)
        return paths

    write_and_validate.validates_schema = True
    reporting.write_reports = write_and_validate


_validate_written_reports()
