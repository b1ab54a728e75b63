"""Reminders before a due date (``followup.remind_before_days``), pure.

An open action item whose due date is at most ``remind_before_days`` away (and not yet
passed: after it, the overdue nudge is the one that speaks) gets one comment mentioning its
owner. The comment's marker names the item and the due date
(``markers.reminder_marker``): it is found again among pmsync's comments on every later
run, and, once it exists, the status comment records it (a once-only comment, like the
reviews and nudges), so the reminder is written once, one a person deleted does not come
back, and a run that died before writing it writes it on the next one. A new due date is a new
marker, so it gets a reminder of its own. The item is named by its identity (the item
label its ticket carries, ADR 1), falling back to the ticket key for a ticket that carries
none, so renumbering rows or rewording the action does not remind twice.

A closed post-mortem gets none. Like the follow-up reviews, everything here works on the
status comment's rows, so "open" and "due" mean what the status comment shows.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from pmsync.config.schema import Config
from pmsync.core.domain import identity, markers
from pmsync.core.domain.changes import Change
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.comments import create_comment
from pmsync.core.planning.progress import Progress
from pmsync.core.render import StatusRow, StatusView, render


def reminder_changes(
    observed: ObservedPostMortem,
    view: StatusView,
    config: Config,
    today: date,
    recorded: Collection[str] = (),
) -> tuple[Change, ...]:
    """The reminders due today that were never posted: not among pmsync's comments, nor
    in ``recorded`` (the status comment's record of once-only comments, so one a person
    deleted does not come back)."""
    before = config.followup.remind_before_days
    if before is None or observed.issue.state != "open":
        return ()
    changes: list[Change] = []
    for row in view.rows:
        if row.progress != Progress.OPEN.value or row.key is None or row.due is None:
            continue
        days_left = (row.due - today).days
        if not 0 <= days_left <= before:
            continue
        marker = markers.reminder_marker(item_identity(observed, row), row.due)
        if marker in recorded or markers.find_comment(observed.bot_comments, marker):
            continue
        context = {
            "marker": marker,
            "row": row,
            "days_left": days_left,
            "people": sorted(config.people),
        }
        changes.append(create_comment(observed.issue, marker, render("reminder.md.j2", context)))
    return tuple(changes)


def item_identity(observed: ObservedPostMortem, row: StatusRow) -> str:
    """The item a row shows: the one item id its ticket's labels name, else its key."""
    for ticket in observed.tickets:
        if ticket.key == row.key:
            ids = identity.item_ids_in(ticket.labels)
            if len(ids) == 1:
                return ids[0]
    return str(row.key)
