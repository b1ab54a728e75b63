"""Which Jira ticket belongs to which row of the action-item table.

Each ticket is claimed by at most one row, in two passes over the rows (ADR 1):

1. the key in the row's Ticket column, when that ticket is one of this post-mortem's;
2. the item label, for rows still without a ticket (the oldest ticket wins if a crash ever
   left two).

A row's item label must not be one a ticket claimed in pass 1 by another row carries: when
an item is reworded (keeping its Ticket cell) and a new row takes its old text, the new
row's natural label is the reworded item's. The new row then takes the next occurrence
number instead, so it gets a ticket of its own.

A row whose Ticket cell names a key that is not one of ours is left alone (no ticket is
created for it: it may be a ticket Jira search does not show yet, or one a person made by
hand), and so is a row whose cell repeats a key an earlier row holds. Tickets no row
claims are *removed*, unless they are just extra tickets for an item that has one
(duplicates), which are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from pmsync.domain.model import ActionItem, Frozen
from pmsync.domain.state import TicketState
from pmsync.engine import identity


class Entry(Frozen):
    """One row of the table and what it was matched to."""

    item: ActionItem
    item_id: str
    ticket: TicketState | None = None
    unknown_key: str | None = None  # the Ticket cell names a key this row does not hold
    held_by: int | None = None  # ... because that row holds it (the key is ours)


class Board(Frozen):
    entries: tuple[Entry, ...]  # in row order
    removed: tuple[TicketState, ...] = ()  # oldest first

    @property
    def to_create(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.ticket is None and e.unknown_key is None)

    @property
    def tracked(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.ticket is not None)


def item_ids(
    repo: str,
    number: int,
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
            found = identity.item_id(repo, number, item.action, seen[text])
            if taken.get(found, item.row) == item.row:
                break
        ids[item.row] = found
    return ids


def match_items(
    repo: str, number: int, items: Iterable[ActionItem], tickets: Iterable[TicketState]
) -> Board:
    rows = sorted(items, key=lambda item: item.row)
    ours = sorted(
        (t for t in tickets if identity.DUPLICATE_LABEL not in t.labels), key=TicketState.age_key
    )
    by_key = {ticket.key: ticket for ticket in ours}
    claimed: dict[int, TicketState] = {}
    claimed_keys: set[str] = set()

    for item in rows:  # pass 1: the Ticket column
        found = by_key.get(item.ticket) if item.ticket else None
        if found is not None and found.key not in claimed_keys:
            claimed[item.row] = found
            claimed_keys.add(found.key)

    ids = item_ids(repo, number, rows, claimed)
    for item in rows:  # pass 2: the item label
        if item.row in claimed or item.ticket:
            continue
        label = identity.item_label(ids[item.row])
        found = next((t for t in ours if t.key not in claimed_keys and label in t.labels), None)
        if found is not None:
            claimed[item.row] = found
            claimed_keys.add(found.key)

    holders = {ticket.key: row for row, ticket in claimed.items()}
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
    claimed_ids = {
        item_id for ticket in claimed.values() for item_id in identity.item_ids_in(ticket.labels)
    }
    removed = tuple(
        sorted(
            (
                t
                for t in ours
                if t.key not in claimed_keys
                and not claimed_ids & set(identity.item_ids_in(t.labels))
            ),
            key=TicketState.age_key,
        )
    )
    return Board(entries=entries, removed=removed)
