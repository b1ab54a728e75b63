"""Shapes the code keeps so a newcomer can read it: no product module longer than one
sitting (400 lines), and one meaning per public class name across pmsync and its sandbox."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400


def python_files(*packages: str) -> list[Path]:
    return [path for package in packages for path in sorted((ROOT / package).rglob("*.py"))]


def test_no_product_module_is_longer_than_one_sitting() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): count
        for path in python_files("pmsync")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by job (at most {MAX_LINES} lines each)"


def public_classes(paths: list[Path]) -> dict[str, list[str]]:
    """Each public top-level class name and the files that define it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                found[node.name].append(path.name)
    return found


def test_no_two_public_classes_share_a_name() -> None:
    classes = public_classes(python_files("pmsync", "pmsync_sandbox"))
    shared = {name: places for name, places in classes.items() if len(places) > 1}
    assert shared == {}


def test_the_name_check_sees_a_clash(tmp_path: Path) -> None:
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("class Outcome:\n    pass\n", encoding="utf-8")
    second.write_text("class Outcome:\n    pass\nclass _Private:\n    pass\n", encoding="utf-8")
    assert public_classes([first, second]) == {"Outcome": ["a.py", "b.py"]}
