"""The third-party test material beside the repository (../shared/realdata)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def load_json(relative: str) -> Any:
    """A realdata JSON file, e.g. ``load_json("jira-responses/jira-cli-testdata/search.json")``."""
    return json.loads((REALDATA / relative).read_text(encoding="utf-8"))
