"""The tests are laid out by the rooms they test (docs/architecture.md), share their helpers
through the ``support`` package, and carry the ``e2e`` mark exactly when they need the
sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
FOLDERS = {"core", "config", "adapters", "orchestration", "entry", "e2e", "sandbox", "project"}


def test_every_test_module_is_in_a_room_folder() -> None:
    misplaced = [
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("test_*.py")
        if path.parent.parent != TESTS or path.parent.name not in FOLDERS
    ]
    assert misplaced == [], "put each test module in the folder of the room it tests"


def test_helpers_live_in_the_support_package() -> None:
    loose = sorted(
        path.name
        for path in TESTS.glob("*.py")
        if path.name != "conftest.py" and not path.name.startswith("test_")
    )
    assert loose == [], "shared test helpers go into tests/support/"
    assert (TESTS / "support" / "__init__.py").is_file()


def test_every_test_that_uses_the_sandbox_is_marked_e2e(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    unmarked = [
        item.nodeid
        for item in items
        if "sandbox_server" in getattr(item, "fixturenames", ())
        and item.get_closest_marker("e2e") is None
    ]
    assert unmarked == []


def test_no_test_module_imports_another() -> None:
    # A test module importing another only works when both folders are collected in one
    # run; what they share belongs in tests/support.
    importing = [
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("test_*.py")
        if any(
            line.startswith(("from test_", "import test_"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert importing == []
