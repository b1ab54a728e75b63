"""`pmsync demo`: a post-mortem's whole life, told on a sandbox started in this process.

``story`` runs the chapters (``pmsync_sandbox.demo.chapters``) in order on a ``World`` (the
sandbox, the people acting on it, and pmsync run through its own commands), and
``transcript`` writes what a person would see as markdown. No network, no tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmsync.core.render import render
from pmsync.errors import PmsyncError


def render_demo(name: str, context: Mapping[str, Any]) -> str:
    """Render one of the demo's templates (pmsync_sandbox/demo/templates), which may use
    pmsync's own macros."""
    return render(name, context, package="pmsync_sandbox.demo")


class StoryBroke(PmsyncError):
    """Something in the demo did not go as the story says; the message says what."""
