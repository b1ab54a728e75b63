"""Preventable repeats: was a repeat covered by work the team had already planned? (pure)

A repeat is **preventable** when an earlier post-mortem about the same service (a shared
service label) and the same root-cause category had an action item whose Jira ticket
existed before the new incident started and was not done at that moment: still open then
(not resolved yet, or resolved after the new incident started, overdue or not), or dropped
before it (resolved with a ``jira.dropped_resolutions`` resolution). An item without a
ticket was never planned in Jira and does not count; an item done before the new incident
started does not either.

The earlier post-mortems are those that make the new one a repeat
(``pmsync.core.planning.repeat_matching.find_matches``), all of them, not only the linked
ones. The repeat comment's first line and ``pmsync report`` (``preventable_repeat_rate``)
both use :func:`preventing_items`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Literal

from pmsync.config.schema import Config
from pmsync.core.domain.model import Frozen, PostMortem
from pmsync.core.domain.state import EarlierPostMortem, TicketState
from pmsync.core.planning.matching import match_items
from pmsync.core.postmortem.labels import root_cause_label, service_labels

StateThen = Literal["open", "overdue", "dropped"]


class PreventingItem(Frozen):
    """An earlier action item that was planned and not done when the new incident started."""

    postmortem: str  # the earlier post-mortem, owner/name#number
    postmortem_url: str
    key: str
    url: str
    action: str
    planned: date  # the day its ticket was created (UTC)
    state: StateThen  # what it was when the new incident started


def _same_subject(pm: PostMortem, earlier: PostMortem, config: Config) -> bool:
    labels = config.labels
    mine = {name.casefold() for name in service_labels(pm, labels)}
    shares_service = any(name.casefold() in mine for name in service_labels(earlier, labels))
    category = root_cause_label(pm, labels)
    return shares_service and category is not None and category == root_cause_label(earlier, labels)


def _finished_on(ticket: TicketState) -> datetime | None:
    """When Jira counted the ticket as finished (done or dropped); None while it is not."""
    if ticket.status_category != "done":
        return None
    return ticket.resolved or ticket.updated


def state_then(ticket: TicketState, due: date, start: datetime, config: Config) -> StateThen | None:
    """What the ticket was at ``start`` (the new incident's start); None when it did not
    exist yet or was done by then."""
    if ticket.created >= start:
        return None
    finished = _finished_on(ticket)
    if finished is not None and finished <= start:
        return "dropped" if ticket.resolution in config.jira.dropped_resolutions else None
    return "overdue" if due < start.astimezone(UTC).date() else "open"


def preventing_items(
    pm: PostMortem, earlier: Iterable[EarlierPostMortem], config: Config
) -> tuple[PreventingItem, ...]:
    """The items that make a repeat preventable, most recent earlier post-mortem first,
    then in row order. ``earlier`` carry their tickets."""
    found: list[PreventingItem] = []
    start = pm.incident_start
    ordered = sorted(earlier, key=lambda e: e.postmortem.incident_start, reverse=True)
    for other in ordered:
        if other.postmortem.incident_start >= start or not _same_subject(
            pm, other.postmortem, config
        ):
            continue
        issue = other.issue
        board = match_items(issue.repo, issue.number, other.postmortem.action_items, other.tickets)
        for entry in board.tracked:
            ticket = entry.ticket
            if ticket is None:
                continue
            state = state_then(ticket, ticket.due or entry.item.due, start, config)
            if state is None:
                continue
            found.append(
                PreventingItem(
                    postmortem=issue.ref,
                    postmortem_url=issue.html_url,
                    key=ticket.key,
                    url=ticket.url,
                    action=entry.item.action,
                    planned=ticket.created.astimezone(UTC).date(),
                    state=state,
                )
            )
    return tuple(found)
