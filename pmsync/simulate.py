"""Fold a change into the observed state as if it had been applied, without any I/O.

``--dry-run`` runs the plan/apply loop with this in place of the adapters, so it prints
every round of the plan and writes nothing; tests use it to check that planning again over
the applied state gives an empty plan. Created tickets get invented keys ``NEW-1``, ``NEW-2``,
… (numbered after any ``NEW-`` key the state already holds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from pmsync.action_items import fill_ticket_cells
from pmsync.changes import (
    AddRemoteLink,
    Change,
    CommentOnTicket,
    CreateTickets,
    EditTicket,
    EnsureRepoLabel,
    LinkTickets,
    Plan,
    SetIssueLabels,
    SetIssueState,
    SetTicketCells,
    UpsertComment,
)
from pmsync.form import Form
from pmsync.repeats import with_backlink, with_link
from pmsync.state import CommentState, IssueState, ObservedPostMortem, TicketState

INVENTED_PREFIX = "NEW-"
DEFAULT_JIRA_URL = "https://jira.invalid"  # a name that can never resolve
DEFAULT_BOT = "pmsync"


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
        issue = observed.issue
        if isinstance(change, CreateTickets):
            if (change.repo, change.number) != (issue.repo, issue.number):
                return observed
            return self._create(change, observed)
        if isinstance(change, AddRemoteLink):
            linked = sorted({*observed.remote_linked, change.ticket})
            return observed.model_copy(update={"remote_linked": tuple(linked)})
        if isinstance(change, EditTicket):
            return self._update_ticket(observed, change.ticket, self._edited_fields(change))
        if isinstance(change, CommentOnTicket):
            return self._add_ticket_labels(observed, change.ticket, change.add_labels)
        if isinstance(change, LinkTickets):
            return with_link(observed, change)
        if isinstance(change, EnsureRepoLabel):
            return observed  # not part of the observed state
        if (change.repo, change.number) != (issue.repo, issue.number):
            if isinstance(change, UpsertComment):
                return with_backlink(observed, change.repo, change.number)
            return observed
        if isinstance(change, SetTicketCells):
            body = fill_ticket_cells(issue.body, change.cells, self.form)
            return self._update_issue(observed, body=body)
        if isinstance(change, UpsertComment):
            return self._upsert_comment(change, observed)
        if isinstance(change, SetIssueLabels):
            return self._update_issue(observed, labels=_labels_after(issue.labels, change))
        if isinstance(change, SetIssueState):
            return self._update_issue(observed, **self._state_change(issue, change))
        raise TypeError(f"simulate does not know the change kind {type(change).__name__}")

    # --- tickets ---------------------------------------------------------------------------------

    def _create(self, change: CreateTickets, observed: ObservedPostMortem) -> ObservedPostMortem:
        first = next_invented_number(ticket.key for ticket in observed.tickets)
        created = tuple(
            TicketState(
                key=f"{INVENTED_PREFIX}{first + offset}",
                summary=new.summary,
                status="To Do",
                status_category="new",
                priority=new.priority,
                assignee=new.assignee,
                due=new.due,
                labels=new.labels,
                created=self.now,
                updated=self.now,
                url=f"{self.jira_url}/browse/{INVENTED_PREFIX}{first + offset}",
            )
            for offset, new in enumerate(change.tickets)
        )
        return observed.model_copy(update={"tickets": observed.tickets + created})

    def _edited_fields(self, change: EditTicket) -> dict[str, object]:
        names = {"summary": "summary", "priority": "priority", "assignee": "assignee"}
        update: dict[str, object] = {
            names[name]: value for name, value in change.fields.items() if name in names
        }
        if "duedate" in change.fields:
            due = change.fields["duedate"]
            update["due"] = date.fromisoformat(due) if due else None
        return update

    def _add_ticket_labels(
        self, observed: ObservedPostMortem, key: str, labels: tuple[str, ...]
    ) -> ObservedPostMortem:
        ticket = next((t for t in observed.tickets if t.key == key), None)
        if ticket is None:
            return observed
        added = ticket.labels + tuple(label for label in labels if label not in ticket.labels)
        return self._update_ticket(observed, key, {"labels": added})

    def _update_ticket(
        self, observed: ObservedPostMortem, key: str, update: dict[str, object]
    ) -> ObservedPostMortem:
        tickets = tuple(
            t.model_copy(update=update | {"updated": self.now}) if t.key == key else t
            for t in observed.tickets
        )
        return observed.model_copy(update={"tickets": tickets})

    # --- the issue -------------------------------------------------------------------------------

    def _update_issue(self, observed: ObservedPostMortem, **update: object) -> ObservedPostMortem:
        issue = observed.issue.model_copy(update=update | {"updated_at": self.now})
        return observed.model_copy(update={"issue": issue})

    def _state_change(self, issue: IssueState, change: SetIssueState) -> dict[str, object]:
        """As GitHub does it: closing stamps closed_at; reopening keeps it."""
        if change.state == issue.state:
            return {}
        if change.state == "closed":
            return {"state": "closed", "closed_at": self.now, "state_reason": "completed"}
        return {"state": "open", "state_reason": "reopened"}

    def _upsert_comment(
        self, change: UpsertComment, observed: ObservedPostMortem
    ) -> ObservedPostMortem:
        comments = observed.bot_comments
        if change.comment_id is None:
            author = comments[0].author if comments else DEFAULT_BOT
            new = CommentState(
                id=max((c.id for c in comments), default=0) + 1,
                author=author,
                body=change.body,
                created_at=self.now,
                updated_at=self.now,
            )
            comments = (*comments, new)
        else:
            comments = tuple(
                c.model_copy(update={"body": change.body, "updated_at": self.now})
                if c.id == change.comment_id
                else c
                for c in comments
            )
        return observed.model_copy(update={"bot_comments": comments})


def next_invented_number(keys: Iterable[str]) -> int:
    numbers = [
        int(found.group(1))
        for key in keys
        if (found := re.fullmatch(rf"{re.escape(INVENTED_PREFIX)}(\d+)", key))
    ]
    return max(numbers, default=0) + 1


def _labels_after(labels: tuple[str, ...], change: SetIssueLabels) -> tuple[str, ...]:
    removed = {name.casefold() for name in change.remove}
    kept = [label for label in labels if label.casefold() not in removed]
    present = {label.casefold() for label in kept}
    return tuple(kept + [name for name in change.add if name.casefold() not in present])


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
