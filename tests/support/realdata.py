"""The third-party test material kept in tests/data (tests/data/SOURCES.md says whence).

Every test reads it through these helpers, so a missing file fails with its name and a
folder that holds fewer cases than expected fails instead of collecting nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REALDATA = Path(__file__).resolve().parents[1] / "data"


class MissingTestData(AssertionError):
    """A file or folder of tests/data is gone."""


def data_path(relative: str) -> Path:
    """tests/data/``relative``, which must exist."""
    path = REALDATA / relative
    if not path.exists():
        raise MissingTestData(
            f"test data missing: tests/data/{relative} (tests/data/SOURCES.md says where it"
            " comes from; restore it with git checkout)"
        )
    return path


def load_json(relative: str) -> Any:
    """A JSON file of tests/data: ``load_json("jira-responses/jira-cli-testdata/create.json")``."""
    return json.loads(data_path(relative).read_text(encoding="utf-8"))


def data_files(folder: str, pattern: str, *, at_least: int, recursive: bool = False) -> list[Path]:
    """The files of tests/data/``folder`` matching ``pattern`` (sorted); fails below ``at_least``.

    Used to parametrize tests over a folder, which would otherwise quietly collect zero
    cases when the folder is missing or emptied.
    """
    root = data_path(folder)
    found = sorted(root.rglob(pattern) if recursive else root.glob(pattern))
    found = [path for path in found if path.name != "SOURCES.md"]
    if len(found) < at_least:
        raise MissingTestData(
            f"tests/data/{folder} holds {len(found)} files matching {pattern!r}, expected at"
            f" least {at_least}; restore the folder with git checkout"
        )
    return found


def real_postmortems() -> list[Path]:
    """The 53 public post-mortems (DFDS, PostHog, Learning Equality) in tests/data/postmortems."""
    return data_files("postmortems", "*.md", at_least=53, recursive=True)
