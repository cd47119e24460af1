"""No import cycles (issue 19), in the engine and in the content.

proofcheck/: every module imports on its own, and the graph of its ``import`` statements (static, read with ast;
imports inside functions count) has no cycle. lemmas/ (the built-in catalogues): the same graph has no cycle, no
catalogue imports another catalogue's modules, and no module imports a claim module (a catalogue's shared code
lives in its shared package, never in a claim module)."""
import ast
import importlib
from pathlib import Path

import pytest

import proofcheck
from proofcheck.registry import catalogues

ROOT = Path(proofcheck.__file__).resolve().parent
CONTENT = ROOT.parent / "lemmas"
OPTIONAL = {"proofcheck.__main__"}  # runs the command line when imported


def module_names(root: Path = ROOT) -> dict:
    """{dotted module name: path} of every module of the package at ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name,) + path.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = module_names()
CONTENT_MODULES = module_names(CONTENT)


def imported(name: str, path: Path, modules: dict = MODULES) -> set:
    """The modules of ``modules`` that ``path`` (module ``name``) imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    deps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # 'from pkg import mod' imports the submodule; 'from mod import name' the module
            targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names]
        else:
            continue
        deps |= {t for t in targets if t in modules and t != name}
    return deps


def cycles(graph: dict) -> list:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


@pytest.mark.parametrize("name", sorted(set(MODULES) - OPTIONAL))
def test_every_engine_module_imports(name):
    importlib.import_module(name)


def test_the_engine_import_graph_has_no_cycle():
    graph = {name: imported(name, path) for name, path in MODULES.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# --- lemmas/: the built-in catalogues -----------------------------------------------------------------------------

def content_graph() -> dict:
    return {name: imported(name, path, CONTENT_MODULES) for name, path in CONTENT_MODULES.items()}


def builtin_catalogues() -> dict:
    """{catalogue package: its claim modules} for the registered catalogues that live in lemmas/."""
    out = {}
    for package in catalogues():
        if package.split(".")[0] == CONTENT.name:
            module = importlib.import_module(package)
            out[package] = {f"{package}.{m}" for m in module.CATALOGUE}
    return out


def catalogue_of(module: str, packages) -> str | None:
    return next((p for p in packages if module == p or module.startswith(p + ".")), None)


def test_the_content_import_graph_has_no_cycle():
    assert cycles(content_graph()) == []


def test_every_content_module_belongs_to_one_catalogue():
    """lemmas/ holds its catalogues (one subpackage each), the claim-module template and its own __init__ only."""
    packages = builtin_catalogues()
    assert len(packages) >= 2, packages
    loose = {m for m in CONTENT_MODULES if catalogue_of(m, packages) is None}
    assert loose == {"lemmas", "lemmas._template"}


def test_no_catalogue_imports_another_catalogues_modules():
    packages = builtin_catalogues()
    crossing = [(m, dep) for m, deps in content_graph().items() for dep in deps
                if catalogue_of(dep, packages) != catalogue_of(m, packages)]
    assert crossing == []


def test_no_module_imports_a_claim_module():
    """A claim module is a leaf: neither another claim module nor shared code imports it (T5 once imported its
    measurement code from T4, and the explicit bounds T6's classifier)."""
    claim_modules = set().union(*builtin_catalogues().values())
    assert claim_modules and claim_modules <= set(CONTENT_MODULES)
    importing = [(m, dep) for m, deps in content_graph().items() for dep in deps if dep in claim_modules]
    assert importing == []


def test_the_import_reader_sees_relative_and_lazy_imports_of_the_content():
    """The checks above would pass vacuously if relative imports were missed: T6 imports its classifier (at the top)
    and its weakenings' helper (inside a function) relatively from the shared package."""
    deps = imported("lemmas.adam.t6_fixed_point", CONTENT_MODULES["lemmas.adam.t6_fixed_point"], CONTENT_MODULES)
    assert {"lemmas.adam._common.orbits", "lemmas.adam._common.weakenings"} <= deps
