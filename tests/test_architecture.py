"""The architecture's rules, checked on the source (issue 12): small functions, no cycles.

Speed comes from the design, not from long functions: no function in ``src/goalcheck`` is
longer than 80 lines (``radon cc -n D`` in CI keeps complexity at 20 or less), and the
modules' top-level imports form no cycle, so each layer can be read and replaced alone.
Imports inside functions are deliberate late bindings (optional extras, cold start) and are
not edges of the graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "goalcheck"
MAX_LINES = 80


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = ast.parse(path.read_text("utf-8"), str(path))
    return modules


MODULES = _modules()


def _top_level_imports(name: str, tree: ast.Module) -> set[str]:
    found: set[str] = set()
    package = name if name in _packages() else name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks are not run
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


def _packages() -> set[str]:
    return {name for name in MODULES if (SRC.parent / name.replace(".", "/")).is_dir()}


def test_no_function_is_longer_than_80_lines() -> None:
    long = [
        f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for name, tree in MODULES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_LINES
    ]
    assert not long, long


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_top_level_imports_form_no_cycle() -> None:
    # a package's __init__ re-exporting its submodules is the public face, not a cycle edge
    graph = {
        name: {m for m in _top_level_imports(name, tree) if not name.startswith(m + ".")}
        for name, tree in MODULES.items()
        if name != "goalcheck"
    }
    graph = {name: {m for m in edges if m != "goalcheck"} for name, edges in graph.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


@pytest.mark.parametrize(
    "graph",
    [{"a": {"b"}, "b": {"c"}, "c": {"a"}}, {"a": {"a2"}, "a2": {"a"}}],
)
def test_the_cycle_finder_finds_a_planted_cycle(graph: dict[str, set[str]]) -> None:
    assert _cycle(graph) is not None
    assert _cycle({"a": {"b"}, "b": set()}) is None
