"""Execute a plan change by change, and fold each answer back into what was observed.

The applier only executes: every decision was the planner's. Each change ends as
``applied`` (something was written), ``in_place`` (the remote side already held it, e.g.
the ticket cells were there when the body was re-read) or ``failed`` (the service refused
this one change with a 4xx; the run goes on with the others and exits non-zero). Failures
that say nothing about the change itself (5xx after retries, a lost connection) stop
the run: the next run starts over from what GitHub and Jira hold.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pmsync.action_items import fill_ticket_cells
from pmsync.adapters.github import GitHubAdapter
from pmsync.adapters.jira import JiraAdapter
from pmsync.changes import (
    AddRemoteLink,
    Change,
    CommentOnTicket,
    CreateTickets,
    EditTicket,
    EnsureRepoLabel,
    LinkTickets,
    SetIssueLabels,
    SetIssueState,
    SetTicketCells,
    UpsertComment,
)
from pmsync.errors import RemoteError
from pmsync.form import Form
from pmsync.repeats import with_backlink, with_link
from pmsync.state import CommentState, ObservedPostMortem, TicketState

log = logging.getLogger(__name__)

Status = Literal["applied", "in_place", "failed"]


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: Status
    detail: str = ""


class Applier(Protocol):
    def apply(
        self, change: Change, observed: ObservedPostMortem
    ) -> tuple[ObservedPostMortem, Outcome]: ...


@dataclass
class RunSummary:
    """What a run did, for the closing lines and the Actions outputs."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def count(self, kind: str, status: Status = "applied") -> int:
        return sum(1 for o in self.outcomes if o.change.kind == kind and o.status == status)

    @property
    def tickets_created(self) -> int:
        return sum(
            len(o.change.tickets)
            for o in self.outcomes
            if isinstance(o.change, CreateTickets) and o.status == "applied"
        )

    @property
    def comments_written(self) -> int:
        return self.count("upsert_comment")

    def lines(self) -> list[str]:
        """E.g. ``applied: 1 create_tickets, 2 upsert_comment; in place: 1 set_ticket_cells``."""
        by_status: dict[Status, Counter[str]] = {}
        for outcome in self.outcomes:
            by_status.setdefault(outcome.status, Counter())[outcome.change.kind] += 1
        lines = []
        for status in ("applied", "in_place"):
            counts = by_status.get(status)
            if counts:
                listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                lines.append(f"{status.replace('_', ' ')}: {listed}")
        lines += [f"failed: {o.change.describe()}: {o.detail}" for o in self.failed]
        return lines or ["nothing to do"]


def refused(exc: RemoteError) -> bool:
    """A 4xx other than a rate limit: the service refused this change, not the run."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 429


class RemoteApplier:
    """Applies changes through the adapters."""

    def __init__(self, github: GitHubAdapter, jira: JiraAdapter, form: Form | None = None):
        self._github = github
        self._jira = jira
        self._form = form

    def apply(
        self, change: Change, observed: ObservedPostMortem
    ) -> tuple[ObservedPostMortem, Outcome]:
        try:
            observed, status = self._execute(change, observed)
        except RemoteError as exc:
            if not refused(exc):
                raise
            log.error("%s: %s", change.describe(), exc)
            return observed, Outcome(change, "failed", str(exc))
        log.info("%s: %s", status.replace("_", " "), change.describe())
        return observed, Outcome(change, status)

    def _execute(self, change: Change, observed: ObservedPostMortem) -> _Result:
        match change:
            case CreateTickets():
                return self._create_tickets(change, observed)
            case AddRemoteLink():
                return self._add_remote_link(change, observed)
            case EditTicket():
                return self._edit_ticket(change, observed)
            case CommentOnTicket():
                return self._comment_on_ticket(change, observed)
            case LinkTickets():
                self._jira.link_tickets(change.inward, change.outward, change.link_type)
                return with_link(observed, change), "applied"
            case SetTicketCells():
                return self._set_ticket_cells(change, observed)
            case UpsertComment():
                return self._upsert_comment(change, observed)
            case EnsureRepoLabel():
                return self._ensure_repo_label(change, observed)
            case SetIssueLabels():
                return self._set_issue_labels(change, observed)
            case SetIssueState():
                issue = self._github.set_state(change.repo, change.number, change.state)
                return observed.model_copy(update={"issue": issue}), "applied"

    # -- Jira -----------------------------------------------------------------------------

    def _create_tickets(self, change: CreateTickets, observed: ObservedPostMortem) -> _Result:
        known = {t.key for t in observed.tickets}
        held = self._jira.create_tickets(change.tickets, claimed=change.claimed)
        new = [t for t in held if t.key not in known]
        return with_tickets(observed, held), "applied" if new else "in_place"

    def _add_remote_link(self, change: AddRemoteLink, observed: ObservedPostMortem) -> _Result:
        self._jira.add_remote_link(change.ticket, change.url, change.title)
        linked = tuple(dict.fromkeys((*observed.remote_linked, change.ticket)))
        return observed.model_copy(update={"remote_linked": linked}), "applied"

    def _edit_ticket(self, change: EditTicket, observed: ObservedPostMortem) -> _Result:
        edited = self._jira.edit_ticket(ticket_of(observed, change.ticket), change.fields)
        return with_tickets(observed, [edited]), "applied"

    def _comment_on_ticket(self, change: CommentOnTicket, observed: ObservedPostMortem) -> _Result:
        self._jira.comment_and_label(change.ticket, change.body, change.add_labels)
        ticket = ticket_of(observed, change.ticket)
        labels = tuple(dict.fromkeys((*ticket.labels, *change.add_labels)))
        return with_tickets(observed, [ticket.model_copy(update={"labels": labels})]), "applied"

    # -- GitHub ---------------------------------------------------------------------------

    def _set_ticket_cells(self, change: SetTicketCells, observed: ObservedPostMortem) -> _Result:
        issue, written = self._github.rewrite_body(
            change.repo,
            change.number,
            lambda body: fill_ticket_cells(body, change.cells, self._form),
        )
        return observed.model_copy(update={"issue": issue}), "applied" if written else "in_place"

    def _upsert_comment(self, change: UpsertComment, observed: ObservedPostMortem) -> _Result:
        if change.comment_id is None:
            comment = self._github.create_comment(
                change.repo, change.number, change.body, change.marker
            )
        else:
            comment = self._github.edit_comment(
                change.repo, change.number, change.comment_id, change.body
            )
        if (change.repo, change.number) != (observed.issue.repo, observed.issue.number):
            # A back-link on an earlier post-mortem: not one of this issue's comments.
            return with_backlink(observed, change.repo, change.number), "applied"
        return with_comment(observed, comment), "applied"

    def _ensure_repo_label(self, change: EnsureRepoLabel, observed: ObservedPostMortem) -> _Result:
        created = self._github.ensure_repo_label(
            change.repo, change.name, change.color, change.description
        )
        return observed, "applied" if created else "in_place"

    def _set_issue_labels(self, change: SetIssueLabels, observed: ObservedPostMortem) -> _Result:
        issue = observed.issue
        adding = [name for name in change.add if name not in issue.labels]
        removing = [name for name in change.remove if name in issue.labels]
        issue = self._github.add_labels(issue, adding)
        for name in removing:
            issue = self._github.remove_label(issue, name)
        status: Status = "applied" if adding or removing else "in_place"
        return observed.model_copy(update={"issue": issue}), status


_Result = tuple[ObservedPostMortem, Status]


def ticket_of(observed: ObservedPostMortem, key: str) -> TicketState:
    for ticket in observed.tickets:
        if ticket.key == key:
            return ticket
    raise KeyError(f"the plan names {key}, which is not among the observed tickets")


def with_tickets(
    observed: ObservedPostMortem, tickets: Sequence[TicketState]
) -> ObservedPostMortem:
    """Observed state with ``tickets`` added or, by key, replaced."""
    by_key = {t.key: t for t in observed.tickets}
    by_key.update({t.key: t for t in tickets})
    return observed.model_copy(update={"tickets": tuple(by_key.values())})


def with_comment(observed: ObservedPostMortem, comment: CommentState) -> ObservedPostMortem:
    """Observed state with ``comment`` added or, by id, replaced."""
    others = [c for c in observed.bot_comments if c.id != comment.id]
    comments = sorted([*others, comment], key=lambda c: (c.created_at, c.id))
    return observed.model_copy(update={"bot_comments": tuple(comments)})
