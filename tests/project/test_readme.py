"""What the README tells a newcomer holds: the tools it asks for run what the scripts
install, and the commands it gives work where it says to run them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LOCK_FILES = sorted(ROOT.glob("tools/*/package-lock.json"))


def satisfies(major: int, requirement: str) -> bool:
    """Whether Node ``major``.0.0 meets an npm ``engines.node`` range (the forms the lock
    files use: ``>=``, ``>``, ``^`` and ``||``)."""
    for alternative in requirement.split("||"):
        found = re.findall(r"(>=|>|\^)\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", alternative)
        assert found, f"a range this test does not read: {requirement!r}"
        wanted = []
        for operator, low, minor, patch in found:
            version = (int(low), int(minor or 0), int(patch or 0))
            if operator == ">=":
                wanted.append((major, 0, 0) >= version)
            elif operator == ">":
                wanted.append((major, 0, 0) > version)
            else:  # ^x.y.z: the same major, not older
                wanted.append(major == version[0] and (major, 0, 0) >= version)
        if all(wanted):
            return True
    return False


def test_the_satisfier_reads_the_ranges() -> None:
    assert satisfies(20, ">=20.0.0") and satisfies(20, ">= 20") and satisfies(22, ">=v12.22.7")
    assert not satisfies(18, ">=20.0.0") and not satisfies(20, ">20")
    assert satisfies(20, "^12.17.0 || ^14.13 || >=16.0.0") and not satisfies(15, "^14.13")


def test_the_node_the_readme_asks_for_runs_every_npm_tool_the_scripts_install() -> None:
    asked = re.search(r"Node\.js (\d+) or later with npm", README)
    assert asked, "the README must say which Node.js (and npm) scripts/test needs"
    assert LOCK_FILES
    major = int(asked.group(1))
    for lock in LOCK_FILES:
        packages = json.loads(lock.read_text(encoding="utf-8"))["packages"]
        for name, package in packages.items():
            requirement = package.get("engines", {}).get("node")
            if requirement:
                assert satisfies(major, requirement), (lock.parent.name, name, requirement)


@pytest.mark.parametrize("target", re.findall(r"pip install (\.\S*?)`", README))
def test_a_local_pip_install_names_a_project(target: str) -> None:
    """The README's commands run from the root of a clone (``Try it``)."""
    assert (ROOT / target / "pyproject.toml").is_file(), target


def test_the_readme_gives_a_local_install() -> None:
    assert re.findall(r"pip install (\.\S*?)`", README)
