"""The package's layers: the commands (argument handling) sit on top, and nothing below
them depends on them. Only the entry points (the CLI, ``python -m pmsync``) and the demo,
which runs pmsync exactly as a user's shell would, reach the command layer."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pmsync"
COMMAND_LAYER = ("pmsync.cli", "pmsync.commands")
# Paths relative to the package that may import the command layer, and why.
ENTRY_POINTS = {
    "cli.py": "builds the parser from the commands",
    "__main__.py": "python -m pmsync",
    "commands": "the commands themselves",
    "demo": "runs pmsync through the CLI's parser, as a user would",
}


def imported_modules(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def reaches_command_layer(module: str) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in COMMAND_LAYER)


def test_the_scan_sees_every_form_of_import() -> None:
    for source in (
        "import pmsync.commands.report",
        "from pmsync.commands.report import produce",
        "from pmsync.commands import report",
        "from pmsync import cli",
    ):
        assert any(map(reaches_command_layer, imported_modules(source))), source
    assert not any(
        map(reaches_command_layer, imported_modules("from pmsync.report import produce"))
    )


def test_nothing_below_the_commands_imports_them() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m
            for m in imported_modules(path.read_text(encoding="utf-8"))
            if reaches_command_layer(m)
        )
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ENTRY_POINTS
    }
    assert {path: found for path, found in offenders.items() if found} == {}
