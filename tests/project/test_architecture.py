"""The rooms of the house (docs/architecture.md) and the one contract between them: imports
go down, never up, never sideways between orchestration and adapters, and never round in a
circle. A new upward import or cycle fails here, naming the modules.

    entry            pmsync.entry (CLI, commands, worker, Actions glue), pmsync.__main__
    orchestration    pmsync.orchestration      adapters    pmsync.adapters
    core             pmsync.core (pure: no I/O)
    config           pmsync.config (the configuration model, settings, secrets' masking)
    vocabulary       pmsync.core.domain (the model, state, changes, identities, markers)
    foundation       pmsync.errors, pmsync (the version)

The sandbox and demo (``pmsync_sandbox``) sit beside the product as a client of it: the
product never imports them, except the two commands that run them, and those only inside the
function that runs the command.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pmsync", "pmsync_sandbox")

# Rank of each room: a module may import rooms of a lower rank, and its own room.
RANKS = {
    "sandbox": 6,
    "entry": 5,
    "orchestration": 4,
    "adapters": 4,
    "core": 3,
    "config": 2,
    "vocabulary": 1,
    "foundation": 0,
}
ROOMS = {  # module prefix -> room; the longest prefix wins
    "pmsync_sandbox": "sandbox",
    "pmsync.entry": "entry",
    "pmsync.__main__": "entry",
    "pmsync.orchestration": "orchestration",
    "pmsync.adapters": "adapters",
    "pmsync.core.domain": "vocabulary",
    "pmsync.core": "core",
    "pmsync.config": "config",
    "pmsync.errors": "foundation",
    "pmsync": "foundation",
}
# The only imports of the sandbox from the product, each inside the function that runs it.
LAZY_SANDBOX_LOADS = {"pmsync.entry.commands.demo", "pmsync.entry.commands.sandbox"}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    # At module level, not inside a function. An import under ``if TYPE_CHECKING:`` counts
    # as module level: a cycle that only type checkers follow is still two modules that
    # cannot be understood apart.
    top_level: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(importer: str, source: str, modules: Iterable[str]) -> list[Import]:
    """Every import of one of ``modules`` in ``source`` (``from a import b`` counts as
    ``a.b`` when that is a module, else as ``a``)."""
    known = set(modules)
    tree = ast.parse(source)
    nested = {
        id(node)
        for scope in ast.walk(tree)
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(scope)
    }
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        for name in names:
            if name.split(".")[0] in PACKAGES:
                found.append(Import(importer, name, id(node) not in nested))
    return found


def package_imports(root: Path = ROOT) -> list[Import]:
    paths = [path for package in PACKAGES for path in sorted((root / package).rglob("*.py"))]
    modules = {module_name(path) for path in paths}
    return [
        found
        for path in paths
        for found in imports_in(module_name(path), path.read_text(encoding="utf-8"), modules)
    ]


def room(module: str) -> str:
    prefix = max(
        (p for p in ROOMS if module == p or module.startswith(p + ".")), key=len, default=None
    )
    if prefix is None:
        raise AssertionError(f"{module} is in no room: add its package to ROOMS")
    return ROOMS[prefix]


def violations(imports: Iterable[Import]) -> list[str]:
    """Each import that breaks the contract, in words."""
    found = []
    for edge in imports:
        source, target = room(edge.importer), room(edge.imported)
        if target == "sandbox" and source != "sandbox":
            if edge.importer in LAZY_SANDBOX_LOADS and not edge.top_level:
                continue
            found.append(f"{edge.importer} imports the sandbox ({edge.imported})")
        elif RANKS[target] > RANKS[source]:
            found.append(f"{edge.importer} ({source}) imports up: {edge.imported} ({target})")
        elif RANKS[target] == RANKS[source] and source != target:
            found.append(f"{edge.importer} ({source}) imports sideways: {edge.imported} ({target})")
    return sorted(set(found))


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def subpackage(module: str) -> str:
    """pmsync.core.planning.plan -> pmsync.core.planning; pmsync_sandbox.jira.x -> its package."""
    parts = module.split(".")
    return ".".join(parts[: 3 if parts[0] == "pmsync" else 2])


GROUPINGS = {"modules": lambda module: module, "rooms": room, "sub-packages": subpackage}


def graph(imports: Iterable[Import], grouping: str = "modules") -> dict[str, set[str]]:
    """Module-level imports as a graph of modules, rooms or sub-packages."""
    name = GROUPINGS[grouping]

    edges: dict[str, set[str]] = {}
    for edge in imports:
        if edge.top_level and name(edge.importer) != name(edge.imported):
            edges.setdefault(name(edge.importer), set()).add(name(edge.imported))
    return edges


def test_every_import_goes_down() -> None:
    assert violations(package_imports()) == []


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_no_cycles(grouping: str) -> None:
    assert cycles(graph(package_imports(), grouping)) == []


def test_an_upward_import_fails_the_contract() -> None:
    real = package_imports()
    upward = Import("pmsync.core.planning.plan", "pmsync.orchestration.reconcile", True)
    sideways = Import("pmsync.adapters.jira", "pmsync.orchestration.reconcile", True)
    sandbox = Import("pmsync.entry.commands.sync", "pmsync_sandbox.runner", True)
    floor = Import("pmsync.core.domain.model", "pmsync.core.planning.plan", True)
    assert violations([*real, upward, sideways, sandbox, floor]) == [
        "pmsync.adapters.jira (adapters) imports sideways: pmsync.orchestration.reconcile"
        " (orchestration)",
        "pmsync.core.domain.model (vocabulary) imports up: pmsync.core.planning.plan (core)",
        "pmsync.core.planning.plan (core) imports up: pmsync.orchestration.reconcile"
        " (orchestration)",
        "pmsync.entry.commands.sync imports the sandbox (pmsync_sandbox.runner)",
    ]


def test_a_cycle_fails_the_contract() -> None:
    edges = graph(package_imports())
    back = {**edges, "pmsync.core.domain.model": {"pmsync.core.planning.plan"}}
    assert any("pmsync.core.domain.model" in cycle for cycle in cycles(back))


def test_the_scan_sees_every_form_of_import() -> None:
    modules = {"pmsync.entry.commands.report", "pmsync.entry.cli"}
    for source in (
        "import pmsync.entry.commands.report",
        "from pmsync.entry.commands.report import run",
        "from pmsync.entry.commands import report",
        "from pmsync.entry import cli",
    ):
        (found,) = imports_in("x", source, modules)
        assert found.imported in modules and found.top_level, source
    (lazy,) = imports_in("x", "def f():\n    import pmsync_sandbox.runner\n", modules)
    assert not lazy.top_level
    source = "if TYPE_CHECKING:\n    from pmsync.entry import cli\n"
    (typing_only,) = imports_in("x", source, modules)
    assert typing_only.imported == "pmsync.entry.cli" and typing_only.top_level


def test_every_module_is_in_a_room() -> None:
    for edge in package_imports():
        room(edge.importer)
        room(edge.imported)


@pytest.mark.parametrize("command", ["sync", "handle-event", "report", "validate", "worker"])
def test_other_commands_never_load_the_sandbox(command: str) -> None:
    probe = (
        "import sys\n"
        "from pmsync.entry.cli import main\n"
        "try:\n"
        f"    main([{command!r}, '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pmsync_sandbox'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "[]"
