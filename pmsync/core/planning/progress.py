"""How far along an action item is, from what Jira says about its ticket.

Done-ness comes from Jira's status category, never from status names, because every project
names its workflow steps differently. A ticket in the ``done`` category whose resolution is
one of the configured "dropped" resolutions (``Won't Do`` by default) was dropped, not done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from pmsync.core.domain.model import Frozen
from pmsync.core.domain.state import TicketState


class Progress(StrEnum):
    DONE = "done"
    DROPPED = "dropped"
    OPEN = "open"
    OVERDUE = "overdue"  # open, and its due date has passed


def _resolution_key(name: str) -> str:
    # Jira sites spell "Won't Do" with a straight or a curly apostrophe.
    return " ".join(name.replace("\u2019", "'").casefold().split())


def is_dropped_resolution(resolution: str | None, dropped_resolutions: Iterable[str]) -> bool:
    if resolution is None:
        return False
    return _resolution_key(resolution) in {_resolution_key(name) for name in dropped_resolutions}


def progress_of(
    ticket: TicketState | None,
    due: date | None,
    today: date,
    dropped_resolutions: Iterable[str],
) -> Progress:
    """The progress of one item. ``ticket`` is None while the item has no ticket (it is
    open); ``due`` is the date that counts (Jira's, else the table's)."""
    if ticket is not None and ticket.status_category == "done":
        if is_dropped_resolution(ticket.resolution, dropped_resolutions):
            return Progress.DROPPED
        return Progress.DONE
    if due is not None and due < today:
        return Progress.OVERDUE
    return Progress.OPEN


def shown_status(ticket: TicketState, progress: Progress) -> str:
    """What every comment shows in brackets after an item's progress: Jira's status, or for
    a dropped item its resolution, which says why (a Won't-Do ticket is "dropped (Won't
    Do)", not "dropped (Done)")."""
    if progress is Progress.DROPPED and ticket.resolution:
        return ticket.resolution
    return ticket.status


class Counts(Frozen):
    total: int = 0
    done: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        """Items not finished, overdue ones included."""
        return self.total - self.done - self.dropped

    @property
    def complete(self) -> bool:
        """Every item done; a dropped item means the post-mortem is not complete."""
        return self.total > 0 and self.done == self.total


def count(progresses: Iterable[Progress]) -> Counts:
    values = list(progresses)
    return Counts(
        total=len(values),
        done=values.count(Progress.DONE),
        dropped=values.count(Progress.DROPPED),
        overdue=values.count(Progress.OVERDUE),
    )


def summary_line(counts: Counts) -> str:
    """E.g. ``3 of 5 done · 1 overdue · 1 dropped``; the parts with zero are left out."""
    if counts.total == 0:
        return "no action items"
    parts = [f"{counts.done} of {counts.total} done"]
    if counts.overdue:
        parts.append(f"{counts.overdue} overdue")
    if counts.dropped:
        parts.append(f"{counts.dropped} dropped")
    return " · ".join(parts)
