"""Catalogues register through the entry point group ``proofcheck.catalogues`` (issue 19): the built-in one as a
user's package would, and the engine never names its content."""
import importlib.metadata
import sys
import textwrap
from pathlib import Path

import proofcheck
from proofcheck import registry
from proofcheck.registry import CATALOGUE_GROUP, Registry, catalogues, shared_code

ENGINE = Path(proofcheck.__file__).resolve().parent


def test_the_engine_never_names_its_content():
    hits = [f"{p.relative_to(ENGINE)}:{i}" for p in ENGINE.rglob("*") if p.suffix in (".py", ".json")
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "lemmas" in line]
    assert hits == []


def test_the_built_in_catalogue_is_an_entry_point_of_the_project():
    import tomllib

    project = tomllib.loads((ENGINE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = list(project["project"]["entry-points"][CATALOGUE_GROUP].values())
    assert declared and set(declared) <= set(catalogues())
    reg = Registry.builtin()
    assert len(reg.ids()) >= 12
    assert shared_code(declared[0])  # it declares its shared code for the cache keys


def test_a_users_catalogue_registered_by_entry_point_is_run_with_the_others(tmp_path, monkeypatch):
    pkg = tmp_path / "my_catalogue"
    (pkg / "helpers").mkdir(parents=True)
    (pkg / "helpers" / "__init__.py").write_text("K = 2\n")
    (pkg / "__init__.py").write_text('CATALOGUE = ["one"]\nSHARED = ["helpers"]\nLABELS = {"U1": "user-one"}\n')
    (pkg / "one.py").write_text(textwrap.dedent('''
        import sympy as sp
        from proofcheck import Claim, Identity
        x = sp.Symbol("x")
        CLAIM = Claim(id="user-one", title="(x+1)^2 = x^2+2x+1", source="user", statement="", sympy_statement="", provenance="user", hypotheses=[],
                      checks=[Identity("expand", (x + 1) ** 2, x**2 + 2 * x + 1, {x: (-2, 2)})])
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    fake = importlib.metadata.EntryPoint(name="mine", value="my_catalogue", group=CATALOGUE_GROUP)
    real = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda **kw: [fake] if kw.get("group") == CATALOGUE_GROUP else real(**kw))
    registry.registered.cache_clear()
    try:
        assert "my_catalogue" in catalogues()
        reg = Registry.builtin()
        assert "user-one" in reg.ids() and reg.origins["user-one"] == "my_catalogue"
        assert set(shared_code("my_catalogue")) == {"my_catalogue/helpers"}
    finally:
        registry.registered.cache_clear()
        for name in [m for m in sys.modules if m == "my_catalogue" or m.startswith("my_catalogue.")]:
            del sys.modules[name]


def test_every_built_in_catalogue_names_its_docs_page():
    """Each catalogue of the engine's own pyproject.toml is a package whose docstring names its docs page, which
    exists (docs/claims.md for the paper, docs/classics.md for the classics); their run order is by name."""
    import importlib
    import re
    import tomllib

    project = tomllib.loads((ENGINE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"][CATALOGUE_GROUP]
    assert len(declared) >= 2
    for name, package in declared.items():
        pages = re.findall(r"docs/[\w-]+\.md", importlib.import_module(package).__doc__ or "")
        assert pages and all((ENGINE.parent / page).is_file() for page in pages), (name, pages)
    assert [p for p in catalogues() if p in declared.values()] == [declared[n] for n in sorted(declared)]


def test_a_source_tree_speaks_for_the_engines_own_distribution(monkeypatch):
    """An editable install's metadata may predate the source tree's entry points (here: a stale `paper = lemmas`):
    from a source tree, the pyproject.toml's catalogues replace those of the installed engine distribution."""
    stale = importlib.metadata.EntryPoint(name="paper", value="stale_package", group=CATALOGUE_GROUP)
    monkeypatch.setattr(registry, "_distribution_name", lambda ep: "proofcheck" if ep is stale else None)
    real = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda **kw: [stale] if kw.get("group") == CATALOGUE_GROUP else real(**kw))
    registry.registered.cache_clear()
    try:
        assert "stale_package" not in catalogues() and len(catalogues()) >= 2
    finally:
        registry.registered.cache_clear()


def test_selection_by_catalogue_name():
    from proofcheck import naming

    reg = Registry.builtin()
    names = reg.catalogue_names()
    assert names[:2] == ["adam", "classics"]
    classics = reg.catalogue("classics")
    assert classics == reg.catalogue("lemmas.classics") and classics and "gd-rate" not in classics
    assert naming.select_ids(reg, ["classics"]) == classics
    assert naming.expand_targets(reg, ["adam", "C1"]) == reg.catalogue("adam") + ["gd-contraction"]
    assert reg.catalogue("nothing") is None


def test_the_command_line_selects_a_catalogue_and_refuses_an_unknown_name(tmp_path):
    import io
    import json

    from proofcheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    assert main(["list", "classics", "--json"], out, err) == 0
    listed = [row["id"] for row in json.loads(out.getvalue())["claims"]]
    assert listed == Registry.builtin().catalogue("classics")
    for argv in (["list", "clasics"], ["run", "clasics", "--out", str(tmp_path), "--no-cache"]):
        out, err = io.StringIO(), io.StringIO()
        assert main(argv, out, err) == 2, argv
        assert "unknown claim 'clasics'; did you mean classics?" in err.getvalue(), err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert main(["show", "classics"], out, err) == 2  # show wants one claim: it says where the catalogue's are listed
    assert "'classics' is a catalogue: 'proofcheck list classics' shows its claims" in err.getvalue(), err.getvalue()


def test_selftest_selects_as_list_does_labels_globs_and_catalogues():
    """selftest's targets are ids, labels, globs or whole catalogues, as for list (C15 is heavy-ball-global)."""
    import io

    from proofcheck import naming
    from proofcheck.cli import main

    reg = Registry.builtin()
    assert naming.select_ids(reg, ["C15"]) == ["heavy-ball-global"]
    assert set(naming.select_ids(reg, ["classics"])) == {cid for cid in reg.ids() if reg.origins[cid] == "lemmas.classics"}
    out, err = io.StringIO(), io.StringIO()
    assert main(["selftest", "C15", "--budget", "quick"], out, err) == 0, err.getvalue()
    assert "heavy-ball-global" in out.getvalue() and "1/1 mutants detected" in out.getvalue()
