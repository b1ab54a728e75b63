"""Due cells set to a due date changed in Jira (issue #18; pmsync.core.planning.merge), as
part of filling the Ticket column (``action_items.fill_ticket_cells``): only the cell's
text changes, every other character of the line stays."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pmsync.core.postmortem.mdtable import Table, with_cell
from pmsync.core.postmortem.values import Unreadable, read_due


def unedited(text: str, was: date | None) -> bool:
    """The Due cell still says what it said when the change was planned: the same calendar
    date, or a span (``2 weeks``), which counts from the incident start and cannot have
    been the date Jira now holds. Anything else was edited since: the author's text stays."""
    try:
        due = read_due(text)
    except Unreadable:
        return False
    return not isinstance(due, date) or due == was


def fill_due_column(table: Table, column: int, dues: Mapping[int, str], lines: list[str]) -> None:
    for number, row in enumerate(table.rows, start=1):
        text = dues.get(number)
        if text is not None and row.text(column) != text:
            lines[row.line] = with_cell(lines[row.line], row, column, text)


def with_due_attribute(line: str, current: str, text: str) -> str:
    """A task-list line with its due attribute's text ``current`` replaced by ``text``."""
    at = line.rfind(current) if current else -1
    return line if at < 0 else line[:at] + text + line[at + len(current) :]
