"""Which Jira ticket belongs to which row of the action-item table.

Each ticket is claimed by at most one row, in two passes over the rows (ADR 1):

1. the key in the row's Ticket column, when that ticket is one of this post-mortem's;
2. the item label, for rows still without a ticket.

A row's item label must not be one a ticket claimed in pass 1 by another row carries: when
an item is reworded (keeping its Ticket cell) and a new row takes its old text, the new
row's natural label is the reworded item's. The new row then takes the next occurrence
number instead, so it gets a ticket of its own.

One item, one ticket: when two tickets carry one item label (a run killed after Jira
created its tickets, run again while Jira Cloud's search did not show them yet, creates a
second set), the oldest is the item's ticket and every later one is its *duplicate*, which
the plan closes. A row whose Ticket cell names a duplicate takes the original instead (the
plan then rewrites the cell). ``duplicates`` decides this, for the planner and for the
read-back after a create alike.

A row whose Ticket cell names a key that is not one of ours is left alone (no ticket is
created for it: it may be a ticket Jira search does not show yet, or one a person made by
hand), and so is a row whose cell repeats a key an earlier row holds. Tickets no row
claims are *removed*, unless their item is still in the table: an item label of a row
without a ticket (its ticket may be one search does not show yet), or that a claimed
ticket carries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence

from pmsync.core.domain import identity
from pmsync.core.domain.model import ActionItem, Frozen
from pmsync.core.domain.state import TicketState


class Entry(Frozen):
    """One row of the table and what it was matched to."""

    item: ActionItem
    item_id: str
    ticket: TicketState | None = None
    unknown_key: str | None = None  # the Ticket cell names a key this row does not hold
    held_by: int | None = None  # ... because that row holds it (the key is ours)


class Duplicate(Frozen):
    """A later ticket for an item that already has one: closed, pointing at the original."""

    ticket: TicketState
    original: TicketState


class Board(Frozen):
    entries: tuple[Entry, ...]  # in row order
    removed: tuple[TicketState, ...] = ()  # oldest first
    duplicates: tuple[Duplicate, ...] = ()  # oldest first

    @property
    def to_create(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.ticket is None and e.unknown_key is None)

    @property
    def tracked(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.ticket is not None)


def duplicates(
    tickets: Iterable[TicketState], exempt: Collection[str] = ()
) -> tuple[tuple[TicketState, ...], tuple[Duplicate, ...]]:
    """``tickets`` split into those to keep and the duplicates to close: per item label the
    oldest ticket stays and each later one is its duplicate. Tickets ``exempt`` (by key)
    belong to a row whatever labels they carry: they are kept and settle nothing."""
    originals: dict[str, TicketState] = {}
    kept: list[TicketState] = []
    found: list[Duplicate] = []
    for ticket in sorted(tickets, key=TicketState.age_key):
        items = () if ticket.key in exempt else identity.item_ids_in(ticket.labels)
        item = items[0] if items else None
        if item is not None and item in originals:
            found.append(Duplicate(ticket=ticket, original=originals[item]))
            continue
        if item is not None:
            originals[item] = ticket
        kept.append(ticket)
    return tuple(kept), tuple(found)


def item_ids(
    ref: str,
    items: Iterable[ActionItem],
    claimed: Mapping[int, TicketState],
) -> dict[int, str]:
    """Row -> item id. Rows with the same normalised action are numbered in row order; an
    id that a ticket ``claimed`` by another row (row -> ticket, by its Ticket column)
    already carries is passed over for the next number."""
    taken = {
        item_id: row
        for row, ticket in claimed.items()
        for item_id in identity.item_ids_in(ticket.labels)
    }
    seen: Counter[str] = Counter()
    ids = {}
    for item in sorted(items, key=lambda item: item.row):
        text = identity.normalise_action(item.action)
        while True:
            seen[text] += 1
            found = identity.item_id_for_ref(ref, item.action, seen[text])
            if taken.get(found, item.row) == item.row:
                break
        ids[item.row] = found
    return ids


def by_ticket_cell(
    rows: Sequence[ActionItem], tickets: Mapping[str, TicketState]
) -> dict[int, TicketState]:
    """Pass 1: row -> the ticket its Ticket cell names, each ticket to the first such row."""
    claimed: dict[int, TicketState] = {}
    keys: set[str] = set()
    for item in rows:
        found = tickets.get(item.ticket) if item.ticket else None
        if found is not None and found.key not in keys:
            claimed[item.row] = found
            keys.add(found.key)
    return claimed


def held_elsewhere(claimed: Mapping[int, TicketState], ids: Mapping[int, str]) -> set[str]:
    """Keys held by a row's Ticket cell although they carry another item's label (the row
    was reworded): they are that row's ticket, never a duplicate."""
    return {
        ticket.key
        for row, ticket in claimed.items()
        if ids[row] not in identity.item_ids_in(ticket.labels)
    }


def closed_as_duplicate(ticket: TicketState) -> bool:
    """A ticket pmsync closed as a second ticket for one item (``identity.DUPLICATE_LABEL``):
    no longer one of its post-mortem's tickets, wherever tickets are read."""
    return identity.DUPLICATE_LABEL in ticket.labels


def without_closed_duplicates(tickets: Iterable[TicketState]) -> tuple[TicketState, ...]:
    """``tickets`` as read, less those closed as duplicates (``closed_as_duplicate``)."""
    return tuple(ticket for ticket in tickets if not closed_as_duplicate(ticket))


def match_items(
    repo: str,
    number: int,
    items: Iterable[ActionItem],
    tickets: Iterable[TicketState],
    *,
    origin: str | None = None,
) -> Board:
    """Rows to tickets; item ids are made from ``origin``, the ref the post-mortem's
    tickets were first made under (ADR 9), when it is not ``repo#number``."""
    rows = sorted(items, key=lambda item: item.row)
    ours = sorted(without_closed_duplicates(tickets), key=TicketState.age_key)
    by_key = {ticket.key: ticket for ticket in ours}
    first = by_ticket_cell(rows, by_key)
    ids = item_ids(origin or identity.issue_ref(repo, number), rows, first)
    kept, extra = duplicates(ours, held_elsewhere(first, ids))
    # A cell naming a duplicate stands for its original.
    named = {ticket.key: ticket for ticket in kept}
    named.update({d.ticket.key: d.original for d in extra})
    claimed = by_ticket_cell(rows, named)
    claimed_keys = {ticket.key for ticket in claimed.values()}

    for item in rows:  # pass 2: the item label
        if item.row in claimed or item.ticket:
            continue
        label = identity.item_label(ids[item.row])
        found = next((t for t in kept if t.key not in claimed_keys and label in t.labels), None)
        if found is not None:
            claimed[item.row] = found
            claimed_keys.add(found.key)

    holders = {ticket.key: row for row, ticket in claimed.items()}
    holders.update(
        {d.ticket.key: holders[d.original.key] for d in extra if d.original.key in holders}
    )
    entries = tuple(
        Entry(
            item=item,
            item_id=ids[item.row],
            ticket=claimed.get(item.row),
            unknown_key=item.ticket if item.row not in claimed and item.ticket else None,
            held_by=holders.get(item.ticket) if item.row not in claimed and item.ticket else None,
        )
        for item in rows
    )
    return Board(entries=entries, removed=_removed(kept, entries), duplicates=extra)


def _removed(kept: Iterable[TicketState], entries: Sequence[Entry]) -> tuple[TicketState, ...]:
    """Tickets no row claims whose item left the table (see the module's docstring)."""
    claimed = {entry.ticket.key for entry in entries if entry.ticket is not None}
    in_table = {entry.item_id for entry in entries if entry.ticket is None}
    in_table |= {
        item_id
        for entry in entries
        if entry.ticket is not None
        for item_id in identity.item_ids_in(entry.ticket.labels)
    }
    return tuple(
        ticket
        for ticket in kept
        if ticket.key not in claimed and not in_table & set(identity.item_ids_in(ticket.labels))
    )
