"""What an applied change does to the observed state (ADR 1, step 3), pure.

Both appliers fold with these functions: the one that writes (``apply.RemoteApplier``,
folding in what GitHub and Jira answered) and the dry run's (``simulate.Simulator``,
folding in invented answers). So the state the next round is planned from is worked out
in one place, and a dry run cannot drift from a real run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from pmsync.core.domain.changes import (
    CloseDuplicate,
    CommentOnTicket,
    DeleteComment,
    EditTicket,
    LinkTickets,
    RewriteDescription,
    SetIssueLabels,
    UpsertComment,
)
from pmsync.core.domain.identity import DUPLICATE_LABEL
from pmsync.core.domain.markers import comment_age
from pmsync.core.domain.state import (
    CommentState,
    IssueState,
    ObservedPostMortem,
    TicketLink,
    TicketState,
)
from pmsync.core.planning.descriptions import spliced


def is_this_issue(observed: ObservedPostMortem, repo: str, number: int) -> bool:
    """Whether ``repo#number`` is the post-mortem observed (a back-link goes elsewhere)."""
    issue = observed.issue
    return (repo.casefold(), number) == (issue.repo.casefold(), issue.number)


# --- the issue ---------------------------------------------------------------------------------


def with_issue(observed: ObservedPostMortem, issue: IssueState) -> ObservedPostMortem:
    return observed.model_copy(update={"issue": issue})


def label_delta(
    labels: Iterable[str], change: SetIssueLabels
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What ``change`` really adds to and removes from an issue carrying ``labels``: GitHub
    compares names without regard to case, and a removal names the label as the issue
    spells it."""
    present = {label.casefold(): label for label in labels}
    adding = tuple(dict.fromkeys(n for n in change.add if n.casefold() not in present))
    removing = tuple(present[n.casefold()] for n in change.remove if n.casefold() in present)
    return adding, removing


def relabelled(change: SetIssueLabels, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The labels an issue carrying ``labels`` has after ``change``."""
    adding, removing = label_delta(labels, change)
    return tuple(label for label in labels if label not in removing) + adding


def with_issue_labels(observed: ObservedPostMortem, change: SetIssueLabels) -> ObservedPostMortem:
    issue = observed.issue
    return with_issue(
        observed, issue.model_copy(update={"labels": relabelled(change, issue.labels)})
    )


# --- comments -----------------------------------------------------------------------------------


def with_comment(
    observed: ObservedPostMortem, change: UpsertComment, comment: CommentState
) -> ObservedPostMortem:
    """After ``change`` wrote ``comment``: one of this issue's comments (added or, by id,
    replaced), or a back-link on an earlier post-mortem of a repeat."""
    if not is_this_issue(observed, change.repo, change.number):
        return _with_backlink(observed, change.repo, change.number)
    others = [c for c in observed.bot_comments if c.id != comment.id]
    comments = sorted([*others, comment], key=comment_age)
    return observed.model_copy(update={"bot_comments": tuple(comments)})


def without_comment(observed: ObservedPostMortem, change: DeleteComment) -> ObservedPostMortem:
    """After ``change`` deleted one of this issue's comments (or found it gone already)."""
    if not is_this_issue(observed, change.repo, change.number):
        return observed
    kept = tuple(c for c in observed.bot_comments if c.id != change.comment_id)
    return observed.model_copy(update={"bot_comments": kept})


def _with_backlink(observed: ObservedPostMortem, repo: str, number: int) -> ObservedPostMortem:
    """The earlier post-mortem now carries the back-link: the next round records it in the
    repeat comment (pmsync.core.planning.repeats records only back-links that exist)."""
    if observed.repeats is None:
        return observed
    candidates = tuple(
        c.model_copy(update={"backlinked": True})
        if (c.issue.repo.casefold(), c.issue.number) == (repo.casefold(), number)
        else c
        for c in observed.repeats.candidates
    )
    repeats = observed.repeats.model_copy(update={"candidates": candidates})
    return observed.model_copy(update={"repeats": repeats})


# --- tickets ------------------------------------------------------------------------------------


def with_tickets(
    observed: ObservedPostMortem, tickets: Iterable[TicketState]
) -> ObservedPostMortem:
    """Observed state with ``tickets`` added or, by key, replaced."""
    by_key = {t.key: t for t in observed.tickets}
    by_key.update({t.key: t for t in tickets})
    return observed.model_copy(update={"tickets": tuple(by_key.values())})


def ticket_of(observed: ObservedPostMortem, key: str) -> TicketState:
    for ticket in observed.tickets:
        if ticket.key == key:
            return ticket
    raise KeyError(f"the plan names {key}, which is not among the observed tickets")


def edited(ticket: TicketState, fields: Mapping[str, str | None]) -> TicketState:
    """``ticket`` after an edit of these Jira fields (``summary``, ``priority``,
    ``assignee``, ``duedate``; the description changes by ``RewriteDescription``)."""
    update: dict[str, object] = {}
    for name, value in fields.items():
        if name == "duedate":
            update["due"] = date.fromisoformat(value) if value else None
        elif name in ("summary", "priority", "assignee"):
            update[name] = value
    return ticket.model_copy(update=update)


def with_description(ticket: TicketState, description: str | None) -> TicketState:
    return ticket.model_copy(update={"description": description})


def with_ticket_labels(ticket: TicketState, labels: Iterable[str]) -> TicketState:
    return ticket.model_copy(update={"labels": tuple(dict.fromkeys((*ticket.labels, *labels)))})


def ticket_after(
    ticket: TicketState, change: EditTicket | RewriteDescription | CommentOnTicket | CloseDuplicate
) -> TicketState:
    """``ticket`` after ``change`` wrote to it: the edited fields, or the labels its Jira
    comment went with (a closed duplicate's keeps it out of later searches)."""
    match change:
        case EditTicket():
            return edited(ticket, change.fields)
        case RewriteDescription():
            now = spliced(ticket.description, change.part, change.legacy)
            return ticket if now is None else with_description(ticket, now)
        case CommentOnTicket():
            return with_ticket_labels(ticket, change.add_labels)
        case CloseDuplicate():
            return with_ticket_labels(ticket, (DUPLICATE_LABEL,))


def with_remote_link(observed: ObservedPostMortem, key: str) -> ObservedPostMortem:
    linked = tuple(dict.fromkeys((*observed.remote_linked, key)))
    return observed.model_copy(update={"remote_linked": linked})


def with_link(observed: ObservedPostMortem, change: LinkTickets) -> ObservedPostMortem:
    """After a Jira issue link was made (both ends, where they are observed)."""

    def linked(ticket: TicketState, other: str) -> TicketState:
        link = TicketLink(type=change.link_type, key=other)
        if link in ticket.links:
            return ticket
        return ticket.model_copy(update={"links": (*ticket.links, link)})

    ends = {change.inward: change.outward, change.outward: change.inward}
    tickets = tuple(linked(t, ends[t.key]) if t.key in ends else t for t in observed.tickets)
    return observed.model_copy(update={"tickets": tickets})
