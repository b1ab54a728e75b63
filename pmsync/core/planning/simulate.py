"""Fold a change into the observed state as if it had been applied, without any I/O.

``--dry-run`` runs the plan/apply loop with this in place of the adapters, so it prints
every round of the plan and writes nothing; tests use it to check that planning again over
the applied state gives an empty plan. Created tickets get invented keys ``NEW-1``, ``NEW-2``,
… (numbered after any ``NEW-`` key the state already holds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from pmsync.core.domain.changes import (
    AddRemoteLink,
    Change,
    CloseDuplicate,
    CommentOnTicket,
    CreateTickets,
    DeleteComment,
    EditTicket,
    EnsureRepoLabel,
    LinkTickets,
    Plan,
    RewriteDescription,
    SetIssueLabels,
    SetIssueState,
    SetTicketCells,
    UpsertComment,
)
from pmsync.core.domain.state import CommentState, IssueState, ObservedPostMortem, TicketState
from pmsync.core.planning.fold import (
    is_this_issue,
    ticket_after,
    ticket_of,
    with_comment,
    with_issue,
    with_issue_labels,
    with_link,
    with_remote_link,
    with_tickets,
    without_comment,
)
from pmsync.core.postmortem.action_items import fill_ticket_cells
from pmsync.core.postmortem.form import Form

INVENTED_PREFIX = "NEW-"
DEFAULT_JIRA_URL = "https://jira.invalid"  # a name that can never resolve
DEFAULT_BOT = "pmsync"

Touched = TypeVar("Touched", IssueState, TicketState)


class Simulator:
    """Applies changes to an ``ObservedPostMortem`` in memory."""

    def __init__(
        self, now: datetime, jira_url: str = DEFAULT_JIRA_URL, form: Form | None = None
    ) -> None:
        self.now = now
        self.jira_url = jira_url.rstrip("/")
        self.form = form

    def apply_plan(self, plan: Plan, observed: ObservedPostMortem) -> ObservedPostMortem:
        for change in plan.changes:
            observed = self.apply(change, observed)
        return observed

    def apply(self, change: Change, observed: ObservedPostMortem) -> ObservedPostMortem:
        match change:
            case CreateTickets():
                if not is_this_issue(observed, change.repo, change.number):
                    return observed
                return with_tickets(observed, self._invented_tickets(change, observed))
            case AddRemoteLink():
                return with_remote_link(observed, change.ticket)
            case EditTicket() | RewriteDescription() | CommentOnTicket() | CloseDuplicate():
                ticket = ticket_after(ticket_of(observed, change.ticket), change)
                return with_tickets(observed, [self._touched(ticket)])
            case LinkTickets():
                return with_link(observed, change)
            case EnsureRepoLabel():
                return observed  # not part of the observed state
            case UpsertComment():
                return with_comment(observed, change, self._written(change, observed))
            case DeleteComment():
                return without_comment(observed, change)
        if not is_this_issue(observed, change.repo, change.number):
            return observed
        issue = observed.issue
        match change:
            case SetTicketCells():
                body = fill_ticket_cells(issue.body, change.cells, self.form)
                filled = with_issue(observed, issue.model_copy(update={"body": body}))
                if change.labels is not None:
                    filled = with_issue_labels(filled, change.labels)
                return self._touched_issue(filled)
            case SetIssueLabels():
                return self._touched_issue(with_issue_labels(observed, change))
            case SetIssueState():
                changed = issue.model_copy(update=self._state_change(issue, change))
                return with_issue(observed, self._touched(changed))

    # --- what GitHub and Jira would answer -------------------------------------------------------

    def _invented_tickets(
        self, change: CreateTickets, observed: ObservedPostMortem
    ) -> tuple[TicketState, ...]:
        first = next_invented_number(ticket.key for ticket in observed.tickets)
        return tuple(
            TicketState(
                key=f"{INVENTED_PREFIX}{first + offset}",
                summary=new.summary,
                status="To Do",
                status_category="new",
                priority=new.priority,
                assignee=new.assignee,
                due=new.due,
                description=new.description,
                labels=new.labels,
                created=self.now,
                updated=self.now,
                url=f"{self.jira_url}/browse/{INVENTED_PREFIX}{first + offset}",
            )
            for offset, new in enumerate(change.tickets)
        )

    def _written(self, change: UpsertComment, observed: ObservedPostMortem) -> CommentState:
        comments = observed.bot_comments
        if change.comment_id is None:
            return CommentState(
                id=max((c.id for c in comments), default=0) + 1,
                author=comments[0].author if comments else DEFAULT_BOT,
                body=change.body,
                created_at=self.now,
                updated_at=self.now,
            )
        for comment in comments:
            if comment.id == change.comment_id:
                return comment.model_copy(update={"body": change.body, "updated_at": self.now})
        raise KeyError(f"the plan edits comment {change.comment_id}, which was not observed")

    def _state_change(self, issue: IssueState, change: SetIssueState) -> dict[str, object]:
        """As GitHub does it: closing stamps closed_at; reopening keeps it."""
        if change.state == issue.state:
            return {}
        if change.state == "closed":
            return {"state": "closed", "closed_at": self.now, "state_reason": "completed"}
        return {"state": "open", "state_reason": "reopened"}

    def _touched(self, model: Touched) -> Touched:
        """Stamped as changed now, as Jira (``updated``) or GitHub (``updated_at``) would."""
        name = "updated" if isinstance(model, TicketState) else "updated_at"
        return model.model_copy(update={name: self.now})

    def _touched_issue(self, observed: ObservedPostMortem) -> ObservedPostMortem:
        return with_issue(observed, self._touched(observed.issue))


def next_invented_number(keys: Iterable[str]) -> int:
    numbers = [
        int(found.group(1))
        for key in keys
        if (found := re.fullmatch(rf"{re.escape(INVENTED_PREFIX)}(\d+)", key))
    ]
    return max(numbers, default=0) + 1


def simulate(
    change: Change,
    observed: ObservedPostMortem,
    *,
    now: datetime,
    jira_url: str = DEFAULT_JIRA_URL,
    form: Form | None = None,
) -> ObservedPostMortem:
    """``observed`` as it would be after ``change``."""
    return Simulator(now, jira_url, form).apply(change, observed)
