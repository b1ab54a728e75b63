"""`pmsync demo`: a post-mortem's whole life, told on a sandbox started in this process.

``story`` runs the chapters (``pmsync.demo.chapters``) in order on a ``World`` (the
sandbox, the people acting on it, and pmsync run through its own commands), and
``transcript`` writes what a person would see as markdown. No network, no tokens.
"""

from __future__ import annotations

from pmsync.errors import PmsyncError


class StoryBroke(PmsyncError):
    """Something in the demo did not go as the story says; the message says what."""
