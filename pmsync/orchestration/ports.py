"""What orchestration asks of GitHub and Jira, as ports it owns.

Orchestration types against these protocols and never imports the adapters; the concrete
adapters (``pmsync.adapters.github``, ``pmsync.adapters.jira``) satisfy them structurally,
and the entry points (``pmsync.entry.run``) hand them over, where mypy checks that they
fit. Each module asks only for the small port it uses, so a test's fake needs only those
methods. Every method is one or more counted requests of the adapter behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.site import CreateScreen, IssueTypeRef, ProjectInfo
from pmsync.core.domain.state import CommentState, CommitState, IssueState, TicketState

# -- GitHub ------------------------------------------------------------------------------------


class IssueSearch(Protocol):
    """GitHub's issue search (the repeat search and the report)."""

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        """Issues matching ``query`` (which says ``is:issue``), oldest first."""
        ...


class CommitSearch(Protocol):
    """GitHub's commit search (shipped evidence), which looks only at default branches."""

    def search_commits(self, query: str) -> tuple[CommitState, ...]:
        """Commits matching ``query``, oldest committer date first."""
        ...


class ShippedReads(IssueSearch, CommitSearch, Protocol):
    """What shipped evidence reads of GitHub (``pmsync.orchestration.shipped_search``)."""


class CommentReader(Protocol):
    def bot_comments(self, repo: str, number: int) -> tuple[CommentState, ...]:
        """The issue's comments written by pmsync's own identity, oldest first."""
        ...


class PermissionReader(Protocol):
    """The two reads trust needs (``pmsync.orchestration.trust``)."""

    def label_added_by(self, repo: str, number: int, label: str) -> str | None: ...

    def permission(self, repo: str, login: str) -> str: ...


class RepeatReads(IssueSearch, CommentReader, Protocol):
    """What the repeat search reads of GitHub (``pmsync.orchestration.repeat_search``)."""


class ChangeReader(Protocol):
    """What changed since a sync (``pmsync.orchestration.cache``)."""

    def identity(self) -> str:
        """pmsync's own login on GitHub."""
        ...

    def issues_updated_since(
        self, repo: str, since: datetime, label: str
    ) -> tuple[IssueState, ...]: ...

    def comments_updated_since(
        self, repo: str, since: datetime
    ) -> tuple[tuple[int, CommentState], ...]:
        """Each comment changed at or after ``since``, with the number of its issue."""
        ...


class LabelMaker(Protocol):
    def ensure_repo_label(self, repo: str, name: str, color: str, description: str) -> bool:
        """Create a repository label unless it exists; True if created."""
        ...


class IssueWriter(LabelMaker, Protocol):
    """The writes a plan's changes make on GitHub (``pmsync.orchestration.apply``)."""

    def create_comment(self, repo: str, number: int, body: str, marker: str) -> CommentState: ...

    def edit_comment(self, repo: str, number: int, comment_id: int, body: str) -> CommentState: ...

    def delete_comment(self, repo: str, number: int, comment_id: int) -> bool:
        """False when the comment was gone already."""
        ...

    def rewrite_body(
        self,
        repo: str,
        number: int,
        rewrite: Callable[[str], str],
        relabel: Callable[[tuple[str, ...]], tuple[str, ...]] | None = None,
    ) -> tuple[IssueState, bool]:
        """Edit the body by ``rewrite`` of the body as read right before; True if edited.
        With ``relabel``, the same edit sets the labels to ``relabel`` of the labels that
        read found (when the body is not edited, the labels are not either)."""
        ...

    def set_state(self, repo: str, number: int, state: Literal["open", "closed"]) -> IssueState: ...

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None: ...

    def remove_label(self, repo: str, number: int, label: str) -> None: ...

    def react(self, repo: str, number: int, comment_id: int, content: str) -> None:
        """Add pmsync's reaction (``eyes``, …) to a comment; adding it again changes nothing."""
        ...


class GitHub(PermissionReader, RepeatReads, ShippedReads, ChangeReader, IssueWriter, Protocol):
    """Everything a sync or an event run asks of GitHub."""

    def issue(self, repo: str, number: int) -> IssueState: ...

    def open_postmortems(self, repo: str, label: str) -> tuple[IssueState, ...]: ...


class DigestGitHub(LabelMaker, Protocol):
    """What publishing the monthly digest needs (``pmsync.orchestration.report.digest``)."""

    def issues_with_label(self, repo: str, label: str) -> tuple[IssueState, ...]:
        """Open and closed issues carrying ``label``, as the issues list shows them."""
        ...

    def create_issue(
        self, repo: str, title: str, body: str, labels: Sequence[str], marker: str
    ) -> IssueState: ...

    def edit_issue(self, repo: str, number: int, *, title: str, body: str) -> IssueState: ...


class CheckedSearch(IssueSearch, Protocol):
    """The report's search, and a read that names a repository the search refused."""

    def repo_labels(self, repo: str) -> set[str]:
        """The repository's label names, case-folded; refused for one the token cannot read."""
        ...


class ReportReads(CheckedSearch, PermissionReader, CommentReader, Protocol):
    """What gathering the report reads (``pmsync.orchestration.report.gather``)."""


class ReportGitHub(ReportReads, DigestGitHub, Protocol):
    """Everything ``pmsync report`` asks of GitHub."""


class AccessReads(Protocol):
    """What ``pmsync doctor`` reads of GitHub (``pmsync.orchestration.doctor_github``)."""

    def identity(self) -> str: ...

    def repo_labels(self, repo: str) -> set[str]: ...

    def permission(self, repo: str, login: str) -> str: ...


# -- Jira --------------------------------------------------------------------------------------


class TicketReader(Protocol):
    def tickets_with_labels(
        self, labels: Sequence[str], *, known_ids: Collection[str] = ()
    ) -> tuple[TicketState, ...]:
        """Every ticket carrying any of ``labels``, oldest first, those closed as
        duplicates included (``pmsync.core.planning.matching.without_closed_duplicates``
        leaves them out); ``known_ids`` are ids the search must not miss, even when its
        index lags."""
        ...


class ScreenReader(Protocol):
    def create_screen(self, project: str, issue_type: str) -> CreateScreen | None:
        """The create screen of ``issue_type`` in ``project``; None when the project has
        no such issue type."""
        ...


class SiteReads(ScreenReader, Protocol):
    """What ``pmsync doctor`` reads of a Jira site (``pmsync.orchestration.doctor``); it
    writes nothing."""

    def whoami(self) -> dict[str, Any]: ...

    def cloud_id(self) -> str | None:
        """The Cloud site's id, for the service-account URL; None when it does not say."""
        ...

    def project(self, key: str) -> ProjectInfo | None: ...

    def issue_types(self, project: str) -> tuple[IssueTypeRef, ...]: ...

    def priority_names(self) -> tuple[str, ...]: ...

    def resolution_names(self) -> tuple[str, ...]: ...

    def link_type_names(self) -> tuple[str, ...]: ...

    def user_exists(self, account: str) -> bool: ...

    def users_matching(self, query: str) -> int: ...

    def some_ticket(self, project: str) -> str | None: ...

    def transition_targets(self, key: str) -> tuple[tuple[str, str], ...]: ...


class TicketWriter(ScreenReader, Protocol):
    """The writes a plan's changes make in Jira (``pmsync.orchestration.apply``), and the
    create screens they are fitted to."""

    def create_tickets(
        self, tickets: Sequence[NewTicket], *, claimed: Collection[str] = ()
    ) -> tuple[TicketState, ...]:
        """Create ``tickets``; every ticket carrying their item labels, as Jira now holds them."""
        ...

    def add_remote_link(self, key: str, url: str, title: str) -> None: ...

    def edit_ticket(self, key: str, fields: Mapping[str, str | None]) -> None: ...

    def rewrite_description(
        self, key: str, part: str, legacy: Sequence[str]
    ) -> tuple[str | None, bool]:
        """Replace pmsync's part of the description as Jira holds it now; the description
        Jira then holds, and whether it was written."""
        ...

    def comment_and_label(self, key: str, body: str, add_labels: Sequence[str]) -> None: ...

    def close_as_duplicate(self, ticket: TicketState, comment: str) -> None: ...

    def link_tickets(self, inward: str, outward: str, link_type: str) -> None: ...


class Jira(TicketReader, TicketWriter, Protocol):
    """Everything a sync or an event run asks of Jira."""

    @property
    def server_url(self) -> str: ...

    @property
    def deployment(self) -> str:
        """``cloud`` or ``datacenter``."""
        ...

    def tickets_updated(self, projects: Sequence[str], minutes: int) -> tuple[TicketState, ...]:
        """Every ticket of ``projects`` updated in the last ``minutes`` minutes."""
        ...

    def account_for_email(self, email: str) -> str | None: ...
