"""Shapes the code keeps so a newcomer can read it: no module of pmsync or its sandbox
longer than one sitting (400 lines), and one meaning per public class name across both."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400


def python_files(*packages: str) -> list[Path]:
    return [path for package in packages for path in sorted((ROOT / package).rglob("*.py"))]


def long_modules(paths: list[Path], root: Path) -> dict[str, int]:
    """Each file longer than ``MAX_LINES`` (its path from ``root``) and its length."""
    return {
        path.relative_to(root).as_posix(): count
        for path in paths
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }


def test_no_module_is_longer_than_one_sitting() -> None:
    long = long_modules(python_files("pmsync", "pmsync_sandbox"), ROOT)
    assert long == {}, f"split these by job (at most {MAX_LINES} lines each)"


def test_the_length_check_sees_a_long_module(tmp_path: Path) -> None:
    fits, long = tmp_path / "fits.py", tmp_path / "long.py"
    fits.write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    long.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    assert long_modules([fits, long], tmp_path) == {"long.py": MAX_LINES + 1}


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
