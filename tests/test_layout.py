"""The package's shape, read from its source: no import circle, and the environment read in one module."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dapp"
SETTINGS = "dapp.settings"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:` (annotations only, never imported at run time).
    Imports inside functions count: deferring an import hides a circle, it does not remove it."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def import_graph() -> dict[str, set[str]]:
    """Module -> the dapp modules importing it runs. Importing `a.b.c` also runs the packages `a.b` and `a`,
    except those the importer is itself inside (already being imported when it runs)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        edges = set()
        for target in targets:
            if target not in modules:
                continue
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in modules and not (name == prefix or name.startswith(prefix + ".")):
                    edges.add(prefix)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the modules in order with the first repeated at the end, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_circle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_find_cycle_finds_one() -> None:
    """The checker above can fail: a circle two modules deep, and one through a package's __init__."""
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    graph = import_graph()
    assert "dapp.transactions" in graph["dapp.accounts"]  # `from dapp.transactions.x import` runs the package


ENV_NAME = re.compile(r"^DAPP_[A-Z0-9_]+$")


def environment_reads() -> list[str]:
    """Where a module other than dapp.settings touches the environment: `os.environ`, `os.getenv`,
    `environ`, a `DAPP_*` name as a string of its own, or click's `envvar=` (which reads it too)."""
    found = []
    for name, path in _modules().items():
        if name == SETTINGS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv", "unsetenv"):
                found.append(f"{where} os.{node.attr}")
            elif isinstance(node, ast.Name) and node.id in ("environ", "getenv"):
                found.append(f"{where} {node.id}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.match(node.value):
                found.append(f"{where} {node.value!r}")
            elif isinstance(node, ast.keyword) and node.arg in ("envvar", "auto_envvar_prefix"):
                found.append(f"{where} {node.arg}=")
    return found


def test_environment_is_read_in_settings_only() -> None:
    assert environment_reads() == []


def test_settings_name_the_bad_variable() -> None:
    import pytest

    from dapp import settings
    from dapp.exceptions import ConfigError

    loaded = settings.load({"DAPP_CHAIN_ID": "31337", "DAPP_UP_RPC_PORT": "0", "DAPP_RPC_URL": "http://x:1"})
    assert (loaded.chain_id, loaded.up_rpc_port, loaded.network) == (31337, 0, "http://x:1")
    assert settings.load({}) == settings.Settings()
    with pytest.raises(ConfigError, match=r"^DAPP_CHAIN_ID='five' is not a whole number$"):
        settings.load({"DAPP_CHAIN_ID": "five"})
    with pytest.raises(ConfigError, match=r"^DAPP_UP_API_PORT=70000 is out of range \(0\.\.65535\)$"):
        settings.load({"DAPP_UP_API_PORT": "70000"})
