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
