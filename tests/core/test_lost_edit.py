"""A person's edit that pmsync's filling of the Ticket column overwrote is found again only
when the body is the text before the edit with nothing but Ticket cells filled."""

from __future__ import annotations

from pathlib import Path

from pmsync.core.postmortem.action_items import set_ticket_cells
from pmsync.core.postmortem.lost_edit import overwritten_edit, ticket_cells_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "postmortem.md"
BEFORE = EXAMPLE.read_text(encoding="utf-8")
AFTER = BEFORE.replace("### Summary\n", "### Summary\n\nAdded by the author.\n", 1)
FILLED = set_ticket_cells(BEFORE, {1: "[OPS-1](https://jira.example/browse/OPS-1)"})


def test_the_text_before_the_edit_with_cells_filled_means_the_edit_was_overwritten() -> None:
    assert FILLED != BEFORE
    assert [cell.text for cell in ticket_cells_in(FILLED)] == [
        "[OPS-1](https://jira.example/browse/OPS-1)"
    ]
    assert overwritten_edit(FILLED, BEFORE, AFTER) == AFTER


def test_the_edit_in_place_or_any_other_change_since_is_left_alone() -> None:
    assert overwritten_edit(AFTER, BEFORE, AFTER) is None  # the edit is there
    assert overwritten_edit(BEFORE, BEFORE, AFTER) is None  # reverted by a later edit
    later = FILLED.replace("### Summary\n", "### Summary\n\nA later edit.\n", 1)
    assert overwritten_edit(later, BEFORE, AFTER) is None  # changed since: it stands
    filled_after = set_ticket_cells(AFTER, {1: "[OPS-1](https://jira.example/browse/OPS-1)"})
    assert overwritten_edit(filled_after, BEFORE, AFTER) is None  # filled on top of it


def test_a_cell_cleared_is_not_pmsyncs_doing() -> None:
    both = set_ticket_cells(BEFORE, {1: "[OPS-1](u)", 2: "[OPS-2](u)"})
    one = set_ticket_cells(BEFORE, {1: "[OPS-1](u)"})
    assert overwritten_edit(one, both, AFTER) is None
