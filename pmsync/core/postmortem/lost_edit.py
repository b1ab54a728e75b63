"""A person's edit that pmsync's filling of the Ticket column overwrote, found again.

Filling the Ticket column reads the body and writes it back whole (GitHub has no
conditional write for an issue): a person who saves an edit in the moment between that
read and that write loses it. GitHub tells the edit's own event run what the body was
before and after it (``changes.body.from`` and ``issue.body`` of ``issues.edited``), so that
run can tell the loss from any later change: the body it finds is the text *before* the
edit with only Ticket cells filled, which is what pmsync writes and nothing else does.
Then the person's text is put back, and the run fills the cells again on top of it.
"""

from __future__ import annotations

from pmsync.core.domain.changes import TicketCell
from pmsync.core.domain.identity import numbered_actions
from pmsync.core.postmortem.action_items import fill_ticket_cells, read_block
from pmsync.core.postmortem.form import Form, default_form, split_sections
from pmsync.core.postmortem.values import plain


def ticket_cells_in(body: str, form: Form | None = None) -> tuple[TicketCell, ...]:
    """The Ticket cells written in ``body``, each naming its row by the item's action."""
    items = read_block(split_sections(body, form or default_form())).items
    numbered = numbered_actions(plain(item.values.get("action", "")) for item in items)
    return tuple(
        TicketCell(row=item.row, action=action, occurrence=occurrence, text=text)
        for item, (action, occurrence) in zip(items, numbered, strict=True)
        if (text := item.values.get("ticket", "").strip())
    )


def overwritten_edit(current: str, before: str, after: str, form: Form | None = None) -> str | None:
    """``after``, a person's saved text that replaced ``before``, when the body is now
    ``before`` with Ticket cells filled (pmsync wrote over the edit); else None: the edit is
    in place, or the body changed otherwise since, and a later change always stands."""
    if current in (before, after) or before == after:
        return None
    if fill_ticket_cells(before, ticket_cells_in(current, form), form) != current:
        return None
    return after
