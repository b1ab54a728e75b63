"""tests/data is complete and unmodified: every file in MANIFEST.sha256 is there, byte for byte.

A test that reads a missing file already fails with its name (realdata.data_path); this
catches the rest: a file no test opens by name (one case of a folder), an edited copy of
third-party material, or a new file nobody recorded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support.realdata import REALDATA, MissingTestData, data_files, data_path, load_json

MANIFEST = REALDATA / "MANIFEST.sha256"
REFRESH = "tests/data/SOURCES.md says how to refresh MANIFEST.sha256"


def manifest() -> dict[str, str]:
    """Relative path -> SHA-256, as `sha256sum` wrote them."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    return {
        name.removeprefix("./"): digest for digest, name in (line.split("  ", 1) for line in lines)
    }


def test_every_listed_file_is_present_and_unmodified() -> None:
    problems = []
    for name, digest in manifest().items():
        path = REALDATA / name
        if not path.is_file():
            problems.append(f"tests/data/{name} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"tests/data/{name} differs from the copy recorded in the manifest")
    assert problems == [], f"{problems} (restore with git checkout, or {REFRESH})"


def test_every_file_is_listed() -> None:
    present = {
        path.relative_to(REALDATA).as_posix()
        for path in REALDATA.rglob("*")
        if path.is_file() and path != MANIFEST and "__pycache__" not in path.parts
    }
    unlisted = sorted(present - set(manifest()))
    assert unlisted == [], f"not in tests/data/MANIFEST.sha256: {unlisted}; {REFRESH}"


def test_the_manifest_covers_every_folder_the_tests_read() -> None:
    folders = {name.split("/")[0] for name in manifest()}
    assert folders >= {
        "github-webhooks",
        "issue-forms",
        "jira-responses",
        "openapi",
        "postmortems",
        "SOURCES.md",
    }


def test_a_missing_file_is_named() -> None:
    with pytest.raises(MissingTestData, match=r"tests/data/github-webhooks/issues/gone\.json"):
        load_json("github-webhooks/issues/gone.json")


def test_a_folder_with_too_few_cases_fails_instead_of_collecting_nothing() -> None:
    with pytest.raises(MissingTestData, match=r"holds 0 files matching '\*\.nothing'"):
        data_files("postmortems", "*.nothing", at_least=1)
    with pytest.raises(MissingTestData, match="tests/data/no-such-folder"):
        data_files("no-such-folder", "*.md", at_least=1)


def test_the_data_lives_in_the_repository() -> None:
    repository = Path(__file__).resolve().parents[2]
    assert data_path("postmortems").resolve().is_relative_to(repository)
