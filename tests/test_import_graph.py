"""No import cycles in the engine (issue 19): every module of proofcheck/ imports on its own, and the graph of its
``import`` statements (static, read with ast; imports inside functions count) has no cycle."""
import ast
import importlib
from pathlib import Path

import pytest

import proofcheck

ROOT = Path(proofcheck.__file__).resolve().parent
OPTIONAL = {"proofcheck.__main__"}  # runs the command line when imported


def module_names() -> dict:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = ("proofcheck",) + path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = module_names()


def imported(name: str, path: Path) -> set:
    """The proofcheck modules that ``path`` (module ``name``) imports, anywhere in the file."""
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
            targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]
        else:
            continue
        deps |= {t for t in targets if t in MODULES and t != name}
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
