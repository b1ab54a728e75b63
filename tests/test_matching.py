"""Which ticket belongs to which row: the two passes and the item identities (pure)."""

from __future__ import annotations

import factories as f

from pmsync.domain.state import TicketState
from pmsync.engine import identity
from pmsync.engine.matching import match_items

OLD = "Make the pool size a runtime setting"
NEW = "Make the pool size a runtime setting, tested in staging"


def ticket_for(key: str, action: str, occurrence: int = 1) -> TicketState:
    item = identity.item_id(f.REPO, f.NUMBER, action, occurrence)
    return f.ticket(key, labels=(*f.ticket().labels, identity.item_label(item)))


def test_a_reworded_item_keeps_its_ticket_and_its_old_text_gets_a_new_identity() -> None:
    # Row 1 was reworded and keeps OPS-3 by its Ticket cell; row 2 re-adds the old text.
    items = (
        f.action_item(row=1, action=NEW, ticket="OPS-3"),
        f.action_item(row=2, action=OLD),
    )
    board = match_items(f.REPO, f.NUMBER, items, [ticket_for("OPS-3", OLD)])
    reworded, readded = board.entries
    assert reworded.ticket is not None and reworded.ticket.key == "OPS-3"
    assert readded.ticket is None and board.to_create == (readded,)
    assert readded.item_id == identity.item_id(f.REPO, f.NUMBER, OLD, 2)
    assert board.removed == ()

    # Once created, the new ticket is found by that identity even before its cell is filled.
    tickets = [ticket_for("OPS-3", OLD), ticket_for("OPS-9", OLD, 2)]
    board = match_items(f.REPO, f.NUMBER, items, tickets)
    assert [e.ticket.key if e.ticket else None for e in board.entries] == ["OPS-3", "OPS-9"]
    assert board.to_create == () and board.removed == ()


def test_rows_with_one_text_skip_every_identity_another_row_holds() -> None:
    items = (
        f.action_item(row=1, action=NEW, ticket="OPS-3"),
        f.action_item(row=2, action=OLD),
        f.action_item(row=3, action=OLD),
    )
    board = match_items(f.REPO, f.NUMBER, items, [ticket_for("OPS-3", OLD)])
    assert [e.item_id for e in board.to_create] == [
        identity.item_id(f.REPO, f.NUMBER, OLD, 2),
        identity.item_id(f.REPO, f.NUMBER, OLD, 3),
    ]


def test_an_unchanged_table_keeps_the_identities_it_always_had() -> None:
    items = (f.action_item(row=1, action=OLD), f.action_item(row=2, action=OLD))
    board = match_items(f.REPO, f.NUMBER, items, [])
    assert [e.item_id for e in board.entries] == [
        identity.item_id(f.REPO, f.NUMBER, OLD, 1),
        identity.item_id(f.REPO, f.NUMBER, OLD, 2),
    ]


def test_a_cell_repeating_another_rows_key_names_the_row_that_holds_it() -> None:
    items = (
        f.action_item(row=1, ticket="OPS-3"),
        f.action_item(row=2, ticket="OPS-3"),
        f.action_item(row=3, ticket="XYZ-5"),
    )
    board = match_items(f.REPO, f.NUMBER, items, [ticket_for("OPS-3", OLD)])
    holder, repeated, foreign = board.entries
    assert holder.ticket is not None and holder.held_by is None
    assert (repeated.unknown_key, repeated.held_by) == ("OPS-3", 1)
    assert (foreign.unknown_key, foreign.held_by) == ("XYZ-5", None)
    assert board.to_create == ()
