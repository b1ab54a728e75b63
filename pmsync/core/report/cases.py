"""One post-mortem as the report sees it (a :class:`Case`): its action items with their
tickets' progress, and whether, and in which services, it is a repeat."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pmsync.config.schema import Config
from pmsync.core.domain.model import ActionType, Frozen, PostMortem
from pmsync.core.domain.state import EarlierPostMortem, IssueState, ShippedRecord, TicketState
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.preventable import PreventingItem, preventing_items
from pmsync.core.planning.progress import Progress, progress_of
from pmsync.core.planning.repeat_matching import Match, find_matches
from pmsync.core.postmortem.labels import prefixed, slug
from pmsync.core.report.contents import ItemRef
from pmsync.core.report.periods import utc_date

# Issues closed with these reasons were set aside, not followed up: they count nowhere but
# may still be the earlier post-mortem of a repeat, as they are for the repeat-incident label.
DISMISSED_REASONS = frozenset({"not_planned", "duplicate"})


class ReportInput(Frozen):
    """One post-mortem as gathered: the issue, its parsed body (None when the body has
    errors), every ticket carrying its post-mortem label and, where read, what its status
    comment records of shipped evidence (None: not read)."""

    issue: IssueState
    postmortem: PostMortem | None
    tickets: tuple[TicketState, ...] = ()
    shipped: tuple[ShippedRecord, ...] | None = None


@dataclass(frozen=True)
class Item:
    ref: ItemRef
    type: ActionType
    progress: Progress
    done_on: date | None  # the day it was done or dropped
    resolution: str | None

    def done_by(self, day: date) -> bool:
        """Done (not dropped) on or before ``day``."""
        return self.progress is Progress.DONE and self.done_on is not None and self.done_on <= day


@dataclass(frozen=True)
class Case:
    issue: IssueState
    pm: PostMortem
    items: tuple[Item, ...]
    repeat: bool
    # The services (label values) it shares with the earlier post-mortems that make it a
    # repeat: a repeat is one of these services', not of every service it names.
    repeat_services: tuple[str, ...] = ()
    # Earlier items planned and not done when its incident started (a preventable repeat).
    preventing: tuple[PreventingItem, ...] = ()
    # Shipped evidence by ticket key, as its status comment records it (None: not read).
    shipped: dict[str, ShippedRecord] | None = None

    @property
    def incident_date(self) -> date:
        return utc_date(self.pm.incident_start)

    @property
    def services(self) -> tuple[str, ...]:
        return service_values(self.pm)

    def window_end(self, config: Config) -> date:
        return self.incident_date + timedelta(days=config.report.completion_window_days)


def dismissed(issue: IssueState) -> bool:
    """Closed as not planned or as a duplicate (GitHub's ``state_reason``)."""
    return issue.state == "closed" and issue.state_reason in DISMISSED_REASONS


def service_values(pm: PostMortem) -> tuple[str, ...]:
    """The services as their label values (``Payments DB`` -> ``payments-db``)."""
    return tuple(dict.fromkeys(slug(name) or name for name in pm.services))


def _done_on(ticket: TicketState | None) -> date | None:
    if ticket is None or ticket.status_category != "done":
        return None
    return utc_date(ticket.resolved or ticket.updated)


def items_of(
    issue: IssueState, pm: PostMortem, tickets: Iterable[TicketState], today: date, config: Config
) -> tuple[Item, ...]:
    """Each action item with its ticket (matched as the engine matches them)."""
    board = match_items(issue.repo, issue.number, pm.action_items, tickets)
    items = []
    for entry in board.entries:
        ticket = entry.ticket
        due = (ticket.due if ticket else None) or entry.item.due
        ref = ItemRef(
            postmortem=issue.ref,
            postmortem_url=issue.html_url,
            postmortem_title=pm.title or issue.title,
            action=entry.item.action,
            owner=entry.item.owner,
            priority=entry.item.priority.value,
            due=due,
            key=ticket.key if ticket else None,
            ticket_url=ticket.url if ticket else None,
        )
        progress = progress_of(ticket, due, today, config.jira.dropped_resolutions)
        resolution = ticket.resolution if ticket else None
        items.append(Item(ref, entry.item.type, progress, _done_on(ticket), resolution))
    return tuple(items)


def shared_services(
    services: Iterable[str], matches: Iterable[Match], config: Config
) -> tuple[str, ...]:
    """Those of ``services`` whose label an earlier matching post-mortem carries too."""
    shared = {label.casefold() for match in matches for label in match.shared_labels}
    prefix = config.labels.service_prefix
    return tuple(s for s in services if (prefixed(prefix, s) or "").casefold() in shared)


def cases_of(inputs: Sequence[ReportInput], today: date, config: Config) -> list[Case]:
    """Every readable post-mortem with its items and whether (and in which services) it is
    a repeat, and a preventable one."""
    readable = [(i, i.issue, i.postmortem) for i in inputs if i.postmortem is not None]
    candidates = [
        EarlierPostMortem(issue=issue, postmortem=pm, tickets=given.tickets)
        for given, issue, pm in readable
    ]
    cases = []
    for given, issue, pm in readable:
        tickets = given.tickets
        matches = find_matches(issue, pm, candidates, config)
        cases.append(
            Case(
                issue=issue,
                pm=pm,
                items=items_of(issue, pm, tickets, today, config),
                repeat=bool(matches),
                repeat_services=shared_services(service_values(pm), matches, config),
                preventing=preventing_items(pm, (m.earlier for m in matches), config),
                shipped=None if given.shipped is None else {r.key: r for r in given.shipped},
            )
        )
    return cases


def by_incident(cases: Iterable[Case]) -> list[Case]:
    """By incident start, then repository and number: the order of every list the report shows."""
    return sorted(
        cases, key=lambda c: (c.pm.incident_start, c.issue.repo.casefold(), c.issue.number)
    )
