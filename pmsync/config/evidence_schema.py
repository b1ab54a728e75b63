"""``followup.evidence``: finding the merged pull requests, else the default-branch commits,
that name an action item's ticket (issue #20), and which action items need none."""

from __future__ import annotations

from pydantic import Field

from pmsync.config.field_types import GitHubRepository
from pmsync.config.section import ConfigSection
from pmsync.core.domain.model import ActionType


class EvidenceConfig(ConfigSection):
    enabled: bool = Field(
        default=False,
        description="Look for merged pull requests whose title or body names a done item's Jira "
        "key, and for a key none names, commits on the default branch whose message names it "
        "(a pushed commit, or the merge commit of a pull request whose branch name carries "
        "the key); show them in the status comment and the follow-up reviews. A done item "
        "with neither is marked 'done in Jira, no change found'. Costs one GitHub search per "
        "batch of keys, and one commit search per batch of the keys without a pull request, "
        "only when a ticket is first seen done or at a review.",
    )
    repositories: list[GitHubRepository] = Field(
        default_factory=list,
        description="Repositories whose pull requests and commits count, besides the "
        "post-mortem's own. "
        "Empty: those under github.repositories.",
    )
    exempt_types: list[ActionType] = Field(
        default_factory=list,
        description="Action-item types that need no code change, e.g. [Process]: their done "
        "items are neither searched for nor flagged.",
    )
