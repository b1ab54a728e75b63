"""The kinds of change a plan is made of.

Each change is a small frozen value: the planner decides, the applier executes. Every
change can ``describe()`` itself for ``--dry-run`` and has a stable ``key`` so a plan can
be compared and counted.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, JsonValue

from pmsync.core.domain.model import Frozen

# A pmsync comment's marker reads ``<!-- pmsync:<kind>[:<detail>] -->`` (see
# pmsync.core.domain.markers); plans and job summaries name the comment by its kind instead.
_MARKER = re.compile(r"<!-- pmsync:([a-z]+)(?::(\S+))? -->")
_COMMENT_NAMES = {
    "status": "status comment",
    "feedback": "feedback comment",
    "approval": "approval comment",
    "blocked": "comment on what Jira refused",
    "repeat": "repeat-incident comment",
    "closing": "closing comment",
    "followup": "{}-day follow-up review",
    "backlink": "back-link comment for {}",
    "nudge": "overdue nudge ({})",
    "reminder": "due-date reminder ({})",
    "digest": "digest comment for {}",
}


# Each kind of change in the words a run summary counts it with: (one, several).
_KIND_WORDS = {
    "create_tickets": ("tickets created for {} post-mortem", "tickets created for {} post-mortems"),
    "add_remote_link": ("ticket linked back to its issue", "tickets linked back to their issues"),
    "edit_ticket": ("ticket edited", "tickets edited"),
    "rewrite_description": ("ticket description updated", "ticket descriptions updated"),
    "comment_on_ticket": ("comment on a ticket", "comments on tickets"),
    "close_duplicate": ("duplicate ticket closed", "duplicate tickets closed"),
    "link_tickets": ("link between tickets", "links between tickets"),
    "set_ticket_cells": ("Ticket column filled", "Ticket columns filled"),
    "upsert_comment": ("comment written", "comments written"),
    "delete_comment": ("duplicate comment deleted", "duplicate comments deleted"),
    "ensure_repo_label": ("repository label made", "repository labels made"),
    "set_issue_labels": ("labels set on {} issue", "labels set on {} issues"),
    "set_issue_state": ("issue closed or reopened", "issues closed or reopened"),
}


def counted(kind: str, count: int) -> str:
    """``count`` changes of ``kind`` as a person would say it: ``2 comments written``,
    ``tickets created for 1 post-mortem`` (the count goes where the words put ``{}``)."""
    one, several = _KIND_WORDS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    words = one if count == 1 else several
    return words.format(count) if "{}" in words else f"{count} {words}"


def comment_name(marker: str) -> str:
    """What a comment with ``marker`` is, in words: ``status comment``,
    ``14-day follow-up review``."""
    found = _MARKER.fullmatch(marker)
    name = _COMMENT_NAMES.get(found.group(1)) if found else None
    if found is None or name is None:
        return f"{marker} comment"
    return name.format(found.group(2) or "")


class NewTicket(Frozen):
    item_id: str  # stable identity of the action item (see pmsync.core.domain.identity)
    row: int
    project: str
    issue_type: str
    summary: str
    description: str
    priority: str | None
    due: date
    labels: tuple[str, ...]  # include the identity labels: never create-then-label
    assignee: str | None
    # Fitted to the site's create screen (pmsync.core.site.fit): fields the screen lacks
    # are left out (their values stay in the description), and static values it requires
    # (jira.fields) are added, by field id in Jira's REST shape.
    omit: tuple[str, ...] = ()
    extra_fields: dict[str, JsonValue] = Field(default_factory=dict)


class CreateTickets(Frozen):
    kind: Literal["create_tickets"] = "create_tickets"
    repo: str
    number: int
    tickets: tuple[NewTicket, ...]
    # Keys the post-mortem's rows already hold: never taken for, or closed as, a duplicate
    # of a ticket created here.
    claimed: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"create:{self.repo}#{self.number}:" + ",".join(t.item_id for t in self.tickets)

    def describe(self) -> str:
        lines = [f"create {len(self.tickets)} Jira ticket(s) for {self.repo}#{self.number}:"]
        lines += [f"  - row {t.row} in {t.project}: {t.summary}" for t in self.tickets]
        return "\n".join(lines)


class AddRemoteLink(Frozen):
    kind: Literal["add_remote_link"] = "add_remote_link"
    ticket: str
    url: str
    title: str

    @property
    def key(self) -> str:
        return f"remotelink:{self.ticket}:{self.url}"

    def describe(self) -> str:
        return f"link {self.ticket} back to {self.url}"


class EditTicket(Frozen):
    kind: Literal["edit_ticket"] = "edit_ticket"
    ticket: str
    fields: dict[str, str | None]  # Jira field id -> new value (summary, priority, duedate, …)
    reason: str

    @property
    def key(self) -> str:
        return f"edit:{self.ticket}:" + ",".join(sorted(self.fields))

    def describe(self) -> str:
        changed = ", ".join(f"{name}={value!r}" for name, value in sorted(self.fields.items()))
        return f"edit {self.ticket}: {changed} ({self.reason})"


class RewriteDescription(Frozen):
    """Replace pmsync's marked part of a ticket's description (pmsync.core.planning.
    descriptions); the applier re-reads the description right before writing, so text
    people added around the part in the meantime stays. A description without a marked
    part is replaced whole only when it equals one of the ``legacy`` texts."""

    kind: Literal["rewrite_description"] = "rewrite_description"
    ticket: str
    part: str  # the marked part: start line, text, end line
    legacy: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"description:{self.ticket}"

    def describe(self) -> str:
        return f"update {self.ticket}'s description to what the post-mortem says now"


class CommentOnTicket(Frozen):
    """A Jira comment plus labels, sent in one edit so the comment is never written twice:
    the label records that it was written."""

    kind: Literal["comment_on_ticket"] = "comment_on_ticket"
    ticket: str
    body: str
    add_labels: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"jira-comment:{self.ticket}:" + ",".join(self.add_labels)

    def describe(self) -> str:
        return f"comment on {self.ticket} and label it {', '.join(self.add_labels)}"


class CloseDuplicate(Frozen):
    """Close a later ticket for an item that already has one (pmsync.core.planning.matching):
    moved to a done status, then commented on and labelled in one edit."""

    kind: Literal["close_duplicate"] = "close_duplicate"
    ticket: str
    original: str
    body: str  # the Jira comment, naming the original

    @property
    def key(self) -> str:
        return f"duplicate:{self.ticket}"

    def describe(self) -> str:
        return f"close {self.ticket} as a duplicate of {self.original}"


class LinkTickets(Frozen):
    kind: Literal["link_tickets"] = "link_tickets"
    inward: str
    outward: str
    link_type: str = "Relates"

    @property
    def key(self) -> str:
        return f"link:{self.inward}:{self.outward}"

    def describe(self) -> str:
        return f"link {self.inward} {self.link_type.lower()} {self.outward}"


class TicketCell(Frozen):
    """One row's Ticket cell. The row is named by its item, not its number: the
    ``occurrence``-th row whose action reads ``action`` (normalised, as identity compares
    it), so a row inserted or deleted after the plan never receives another item's key."""

    row: int  # where the row stood when planned (for describe)
    action: str  # pmsync.core.domain.identity.normalise_action of the row's action
    occurrence: int = 1
    text: str  # e.g. "[OPS-12](https://…)"
    # A due date changed in Jira, for the row's Due cell (issue #18), and the date the cell
    # held when planned: a cell that holds another calendar date by the time the body is
    # re-read was edited since, and keeps the author's date.
    due: date | None = None
    due_was: date | None = None


class SetTicketCells(Frozen):
    """Fill the Ticket column; the applier re-reads the body right before editing it.
    ``labels``, when the same plan changes the issue's labels too, go in the same ``PATCH``
    (ADR 8): the label set is computed from that same read."""

    kind: Literal["set_ticket_cells"] = "set_ticket_cells"
    repo: str
    number: int
    cells: tuple[TicketCell, ...]
    labels: SetIssueLabels | None = None

    @property
    def key(self) -> str:
        return f"cells:{self.repo}#{self.number}"

    def describe(self) -> str:
        filled = ", ".join(
            f"row {cell.row}: {cell.text}" + (f", due {cell.due}" if cell.due else "")
            for cell in self.cells
        )
        described = f"fill the Ticket column of {self.repo}#{self.number} ({filled})"
        if self.labels is None:
            return described
        return f"{described} and {self.labels.describe()}"


class UpsertComment(Frozen):
    """Create the comment that carries ``marker``, or edit it in place."""

    kind: Literal["upsert_comment"] = "upsert_comment"
    repo: str
    number: int
    marker: str
    body: str
    comment_id: int | None  # None: create

    @property
    def key(self) -> str:
        return f"comment:{self.repo}#{self.number}:{self.marker}"

    def describe(self) -> str:
        verb = "create" if self.comment_id is None else f"edit (id {self.comment_id})"
        return f"{verb} the {comment_name(self.marker)} on {self.repo}#{self.number}"


class DeleteComment(Frozen):
    """Delete a comment of pmsync's that carries the same marker as an older one of its
    comments (two runs overlapping on one post-mortem each wrote one, ADR 3). The oldest
    is the one every planner reads and edits (``markers.find_comment``); it stays."""

    kind: Literal["delete_comment"] = "delete_comment"
    repo: str
    number: int
    marker: str
    comment_id: int
    kept_id: int  # the oldest comment with this marker

    @property
    def key(self) -> str:
        return f"delete-comment:{self.repo}#{self.number}:{self.comment_id}"

    def describe(self) -> str:
        return (
            f"delete a duplicate {comment_name(self.marker)} (id {self.comment_id}) on "
            f"{self.repo}#{self.number}; the oldest (id {self.kept_id}) stays"
        )


class EnsureRepoLabel(Frozen):
    kind: Literal["ensure_repo_label"] = "ensure_repo_label"
    repo: str
    name: str
    color: str
    description: str

    @property
    def key(self) -> str:
        return f"repo-label:{self.repo}:{self.name}"

    def describe(self) -> str:
        return f"create label {self.name!r} in {self.repo} if missing"


class SetIssueLabels(Frozen):
    """Add and remove labels on an issue; labels nobody asked pmsync to manage stay."""

    kind: Literal["set_issue_labels"] = "set_issue_labels"
    repo: str
    number: int
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"labels:{self.repo}#{self.number}"

    def describe(self) -> str:
        parts = [f"+{name}" for name in self.add] + [f"-{name}" for name in self.remove]
        return f"label {self.repo}#{self.number}: {' '.join(parts)}"


class SetIssueState(Frozen):
    kind: Literal["set_issue_state"] = "set_issue_state"
    repo: str
    number: int
    state: Literal["open", "closed"]

    @property
    def key(self) -> str:
        return f"state:{self.repo}#{self.number}"

    def describe(self) -> str:
        return f"{'close' if self.state == 'closed' else 'reopen'} {self.repo}#{self.number}"


Change = Annotated[
    CreateTickets
    | AddRemoteLink
    | EditTicket
    | RewriteDescription
    | CommentOnTicket
    | CloseDuplicate
    | LinkTickets
    | SetTicketCells
    | UpsertComment
    | DeleteComment
    | EnsureRepoLabel
    | SetIssueLabels
    | SetIssueState,
    Field(discriminator="kind"),
]


class Plan(Frozen):
    changes: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    def describe(self) -> str:
        if not self.changes:
            return "nothing to do"
        return "\n".join(change.describe() for change in self.changes)


SetTicketCells.model_rebuild()  # its labels are a SetIssueLabels, defined below it
