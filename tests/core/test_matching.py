"""Which ticket belongs to which row: the two passes and the item identities (pure)."""

from __future__ import annotations

from datetime import timedelta

from support import factories as f

from pmsync.core.domain import identity
from pmsync.core.domain.state import TicketState
from pmsync.core.planning.matching import duplicates, match_items

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


# -- one item, one ticket --------------------------------------------------------------------


def later(ticket: TicketState, key: str, seconds: int = 5) -> TicketState:
    """A second ticket with the same labels, made ``seconds`` after ``ticket``."""
    return ticket.model_copy(update={"key": key, "created": ticket.created + timedelta(0, seconds)})


def test_a_cell_naming_a_later_duplicate_takes_the_original() -> None:
    # A run was killed after Jira created OPS-3; the next run did not see it yet (Cloud's
    # search lags), made OPS-9 and wrote OPS-9 into the cell.
    original = ticket_for("OPS-3", OLD)
    items = (f.action_item(row=1, action=OLD, ticket="OPS-9"),)
    board = match_items(f.REPO, f.NUMBER, items, [later(original, "OPS-9"), original])
    (entry,) = board.entries
    assert entry.ticket == original and entry.unknown_key is None
    assert [(d.ticket.key, d.original.key) for d in board.duplicates] == [("OPS-9", "OPS-3")]
    assert board.removed == ()


def test_a_ticket_whose_item_is_a_row_waiting_for_its_own_is_not_removed() -> None:
    # The cell names OPS-9, which search does not show yet; OPS-3 carries the row's label.
    items = (f.action_item(row=1, action=OLD, ticket="OPS-9"),)
    board = match_items(f.REPO, f.NUMBER, items, [ticket_for("OPS-3", OLD)])
    (entry,) = board.entries
    assert entry.ticket is None and entry.unknown_key == "OPS-9"
    assert board.removed == () and board.duplicates == () and board.to_create == ()


def test_the_ticket_of_a_deleted_row_is_removed_though_its_text_lives_on_elsewhere() -> None:
    # Row 1 was reworded (keeping OPS-3), row 2 took the old text and got OPS-9; now row 1
    # is deleted. Row 2's identity falls back to the old text's, but it holds OPS-9.
    items = (f.action_item(row=1, action=OLD, ticket="OPS-9"),)
    tickets = [ticket_for("OPS-3", OLD), ticket_for("OPS-9", OLD, 2)]
    board = match_items(f.REPO, f.NUMBER, items, tickets)
    assert [e.ticket.key if e.ticket else None for e in board.entries] == ["OPS-9"]
    assert [t.key for t in board.removed] == ["OPS-3"]
    assert board.duplicates == ()


def test_two_cells_naming_two_tickets_of_one_item_keep_both() -> None:
    # Hand-edited cells name two tickets carrying one label: each is a row's, no duplicate.
    original = ticket_for("OPS-3", OLD)
    items = (
        f.action_item(row=1, action=OLD, ticket="OPS-3"),
        f.action_item(row=2, action=OLD, ticket="OPS-9"),
    )
    board = match_items(f.REPO, f.NUMBER, items, [original, later(original, "OPS-9")])
    assert [e.ticket.key if e.ticket else None for e in board.entries] == ["OPS-3", "OPS-9"]
    assert board.duplicates == () and board.removed == ()


def test_every_later_ticket_of_an_item_is_a_duplicate_of_the_oldest() -> None:
    original = ticket_for("OPS-3", OLD)
    tickets = [later(original, "OPS-12", 9), original, later(original, "OPS-9")]
    kept, found = duplicates(tickets)
    assert [t.key for t in kept] == ["OPS-3"]
    assert [(d.ticket.key, d.original.key) for d in found] == [
        ("OPS-9", "OPS-3"),
        ("OPS-12", "OPS-3"),
    ]
    # A ticket a row holds although it carries another item's label is nobody's duplicate.
    kept, found = duplicates(tickets, exempt={"OPS-3"})
    assert [t.key for t in kept] == ["OPS-3", "OPS-9"]
    assert [(d.ticket.key, d.original.key) for d in found] == [("OPS-12", "OPS-9")]
