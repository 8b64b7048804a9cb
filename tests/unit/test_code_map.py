"""Who may import whom among the tools beside the package (issue 17, the code map).

``bench/`` is a tool: it must not depend on test code, and its modules import each other in one
direction only (``bench.py`` -> ``nightly.py``, ``nights.py``, ``report.py`` ..., never back), so
each can run alone (``python -m bench.nightly``) and none half-initialises another. ``testbed/``
is what the tests and the bench share (processes, servers, the clock launcher): it imports from
neither. Read from the source with ``ast`` (imports inside functions included), nothing imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, absolute, anywhere in the file (``from . import x`` gives both
    ``package`` and ``package.x``: x may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def graph(package: str) -> dict[str, set[str]]:
    """``package``'s modules and the other modules of ``package`` each imports."""
    modules = {f"{package}.{p.stem}": p for p in sorted((ROOT / package).glob("*.py")) if p.stem != "__init__"}
    return {name: {m for m in imports(path, package) if m in modules and m != name}
            for name, path in modules.items()}


def outside(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted({f"{p.relative_to(ROOT)} imports {'.'.join(m.split('.')[:2])}" for p in (ROOT / package).glob("*.py")
                   for m in imports(p, package) if m.split(".")[0] in forbidden})


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``edges`` (a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_bench_imports_no_test_code() -> None:
    assert outside("bench", ("tests",)) == []


def test_the_shared_testbed_imports_neither_the_tests_nor_the_bench() -> None:
    assert outside("testbed", ("tests", "bench")) == []


@pytest.mark.parametrize("package", ["bench", "testbed"])
def test_modules_import_each_other_in_one_direction(package: str) -> None:
    assert cycle(graph(package)) is None


def test_bench_py_is_the_top_nothing_in_bench_imports_it() -> None:
    edges = graph("bench")
    assert "bench.bench" in edges
    assert sorted(m for m, deps in edges.items() if "bench.bench" in deps) == []


def test_the_check_finds_a_cycle_and_relative_imports() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    source = ROOT / "bench" / "report.py"
    assert "bench.nightly" in imports(source, "bench")
