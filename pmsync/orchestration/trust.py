"""Who may make pmsync create Jira tickets, and whose slash commands it obeys.

On a public repository anyone can open an issue, so a post-mortem creates tickets only
when its author's ``author_association`` is one the configuration trusts, or when the
approved label was added by a person with write access. The label alone proves nothing:
GitHub lets people with the triage role add labels, and a label may have been added by
the issue form. Who added it is read from the issue's events, and what that person may
do from the repository's permission endpoint.

Requests are spent only where they decide something: none for a trusted author or an
issue without the label, else one events read (100 events a page) and one permission
read per person and run.
"""

from __future__ import annotations

import logging

from pmsync.config.schema import Config
from pmsync.core.domain.state import IssueState
from pmsync.orchestration.ports import PermissionReader

log = logging.getLogger(__name__)

# What GitHub's permission endpoint says for people who may push (and so may approve).
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})
# The only author associations write access comes with: an owner, a member of the
# owning organisation, or an invited collaborator. Anyone else has no write access.
WRITE_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


class Trust:
    """Trust decisions for one run; each person's permission is asked once."""

    def __init__(self, github: PermissionReader, config: Config) -> None:
        self._github = github
        self._config = config
        self._permissions: dict[tuple[str, str], str] = {}
        self._approvals: dict[tuple[str, int], bool] = {}

    def may_write(self, repo: str, login: str) -> bool:
        """Whether ``login`` has write access (admin, maintain or write) to ``repo``."""
        key = (repo.casefold(), login.casefold())
        if key not in self._permissions:
            self._permissions[key] = self._github.permission(repo, login)
        return self._permissions[key] in WRITE_PERMISSIONS

    def trusted(self, issue: IssueState) -> bool:
        """Whether this post-mortem may create tickets."""
        if issue.author_association in self._config.trust.author_associations:
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
