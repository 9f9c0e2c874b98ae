"""No import loops anywhere in ``gmm_math``: the module import graph, read from the source, has no cycle.

Every import counts, wherever it is written (module top, inside a function, under ``TYPE_CHECKING``) and
however (``import a.b``, ``from a import b``, relative ``from .b import c``): a loop dodged by a
function-local import is still a loop. ``from package import name`` points at the submodule when ``name``
is one, else at the package.
"""

from __future__ import annotations

import ast
import importlib
import pathlib

LAYERS = ("gmm_math", "gmm_math.derivations", "gmm_math.numerics", "gmm_math.cli")

def _modules() -> dict[str, pathlib.Path]:
    """Every module of the package: dotted name -> source file (the layers are separate folders)."""
    found = {}
    for layer in LAYERS:
        root = pathlib.Path(importlib.import_module(layer).__file__).parent
        for path in root.rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([layer, *parts])] = path
    return found


def _owner(name: str, modules: dict[str, pathlib.Path]) -> str | None:
    """The module ``name`` lives in: itself, or its nearest enclosing package or module that is ours."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, path: pathlib.Path, modules: dict[str, pathlib.Path]) -> set[str]:
    """The modules of the package that ``module`` imports, anywhere in its source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out |= {_owner(alias.name, modules) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{source}" if source else base
            for alias in node.names:
                full = f"{source}.{alias.name}"
                out.add(full if full in modules else _owner(source, modules))
    return out - {None, module}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = _modules()
    return {name: _targets(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def cycle_in(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One loop through the component's first module, as a path ``a -> b -> ... -> a`` (breadth first)."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError(f"{component} is not strongly connected")


def test_the_package_has_no_import_cycles():
    graph = import_graph()
    cycles = [" -> ".join(cycle_in(c, graph)) for c in strongly_connected(graph)]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}, "f": {"g"}, "g": {"f"}}
    assert strongly_connected(graph) == [["a", "b", "c"], ["f", "g"]]
    assert cycle_in(["a", "b", "c"], graph) == ["a", "b", "c", "a"]


def test_the_graph_sees_local_and_relative_imports(tmp_path):
    modules = {"p": tmp_path / "__init__.py", "p.a": tmp_path / "a.py", "p.b": tmp_path / "b.py",
               "p.c": tmp_path / "c.py"}
    modules["p.a"].write_text("def f():\n    from p.b import g\n    from . import c\n")
    assert _targets("p.a", modules["p.a"], modules) == {"p.b", "p.c"}
    modules["p.b"].write_text("from .c import name\nimport p.a\nfrom p import missing\n")
    assert _targets("p.b", modules["p.b"], modules) == {"p.c", "p.a", "p"}
