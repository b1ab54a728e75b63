"""``followup.evidence``: finding the merged pull requests that name an action item's
ticket (issue #20), and which action items need none."""

from __future__ import annotations

from pydantic import Field

from pmsync.config.field_types import GitHubRepository
from pmsync.config.section import ConfigSection
from pmsync.core.domain.model import ActionType


class EvidenceConfig(ConfigSection):
    enabled: bool = Field(
        default=False,
        description="Look for merged pull requests that name a done item's Jira key and show "
        "them in the status comment and the follow-up reviews; a done item without "
        "one is marked 'done in Jira, no change found'. Costs one GitHub search per batch of "
        "keys, only when a ticket is first seen done or at a review.",
    )
    repositories: list[GitHubRepository] = Field(
        default_factory=list,
        description="Repositories whose pull requests count, besides the post-mortem's own. "
        "Empty: those under github.repositories.",
    )
    exempt_types: list[ActionType] = Field(
        default_factory=list,
        description="Action-item types that need no code change, e.g. [Process]: their done "
        "items are neither searched for nor flagged.",
    )
