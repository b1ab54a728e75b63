"""What the GitHub REST representations share: the JSON type, GitHub's opaque node ids,
the permission table and the reaction summary. The representations themselves, field for
field as api.github.com sends them, are the Renderer's (renderer.py), one module per family:
account_shapes.py, repository_shapes.py, issue_shapes.py (checked against real payloads and
GitHub's OpenAPI description in tests/sandbox/test_sandbox_fidelity_github.py).
"""

from __future__ import annotations

import base64
from typing import Any

JSON = dict[str, Any]

# What each permission (the permission endpoint's name) allows, as GitHub spells it out.
PERMISSIONS = {
    "admin": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
    "write": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
    "read": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
}


def node_id(prefix: str, number: int) -> str:
    """Opaque global ids in GitHub's newer style (``I_kwDO...``)."""
    encoded = base64.urlsafe_b64encode(number.to_bytes(8, "big")).decode().rstrip("=")
    return f"{prefix}_kwDO{encoded}"


REACTION_KINDS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")


def empty_reactions(url: str) -> JSON:
    return reaction_rollup(url, [])


def reaction_rollup(url: str, reactions: list[JSON]) -> JSON:
    """The ``reactions`` summary GitHub embeds in an issue or comment: a count per kind."""
    counts = {kind: sum(1 for r in reactions if r["content"] == kind) for kind in REACTION_KINDS}
    return {"url": url, "total_count": len(reactions), **counts}
