"""Who may make pmsync create Jira tickets, and whose slash commands it obeys.

What a person may do is asked of GitHub's collaborator-permission endpoint: a post-mortem
author, the person who added the approved label, and a slash command's author are trusted
when it says admin, maintain or write. ``author_association`` does not say it: an
organisation member whose membership is private (GitHub's default) shows as CONTRIBUTOR or
NONE, and MEMBER does not imply write access. ``trust.author_associations`` is an extra
allow-list on top (ADR 7). The label alone proves nothing: GitHub lets people with the
triage role add labels, and a label may have been added by the issue form; who added it
is read from the issue's events.

Each person's permission is one request per run, remembered; an approval costs one events
read (100 events a page), only for an author who may not write and an issue with the label.
"""

from __future__ import annotations

import logging

from pmsync.config.schema import Config
from pmsync.core.domain.state import IssueState
from pmsync.orchestration.ports import PermissionReader

log = logging.getLogger(__name__)

# What GitHub's permission endpoint says for people who may push (and so may approve).
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


class Trust:
    """Trust decisions for one run; each person's permission is asked once."""

    def __init__(self, github: PermissionReader, config: Config) -> None:
        self._github = github
        self._config = config
        self._permissions: dict[tuple[str, str], str] = {}
        self._approvals: dict[tuple[str, int], bool] = {}

    def permission(self, repo: str, login: str) -> str:
        """``login``'s permission on ``repo`` as GitHub names it, asked once per run."""
        key = (repo.casefold(), login.casefold())
        if key not in self._permissions:
            self._permissions[key] = self._github.permission(repo, login)
        return self._permissions[key]

    def may_write(self, repo: str, login: str) -> bool:
        """Whether ``login`` has write access (admin, maintain or write) to ``repo``."""
        return self.permission(repo, login) in WRITE_PERMISSIONS

    def trusted(self, issue: IssueState) -> bool:
        """Whether this post-mortem may create tickets."""
        if issue.author_association in self._config.trust.author_associations:
            return True
        if issue.author and self.may_write(issue.repo, issue.author):
            return True
        if not issue.has_label(self._config.labels.approved):
            return False
        key = (issue.repo.casefold(), issue.number)
        if key not in self._approvals:
            self._approvals[key] = self._approved_by_writer(issue)
        return self._approvals[key]

    def _approved_by_writer(self, issue: IssueState) -> bool:
        label = self._config.labels.approved
        adder = self._github.label_added_by(issue.repo, issue.number, label)
        if adder is None:
            log.warning(
                "%s carries %r but no event says who added it; not approved", issue.ref, label
            )
            return False
        if not self.may_write(issue.repo, adder):
            log.warning(
                "%s: %r was added by %s, who has no write access; not approved",
                issue.ref,
                label,
                adder,
            )
            return False
        log.info("%s: approved by %s (%r)", issue.ref, adder, label)
        return True
