"""Due dates changed in Jira reach the row's Due cell (issue #18): the planner's rule
(pmsync.core.planning.merge), and the cell written through the Ticket-column path
(pmsync.core.postmortem.due_cells) without touching anything else."""

from __future__ import annotations

from datetime import date
from typing import Any

from support.planning import converge, of_kind, synced
from support.postmortem_bodies import good_body

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.changes import EditTicket, SetTicketCells, TicketCell
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.plan import plan
from pmsync.core.planning.simulate import Simulator
from pmsync.core.postmortem.action_items import fill_ticket_cells
from pmsync.core.postmortem.parse import parse_postmortem

ALERT = "alert when pool usage stays above 80% for 5 minutes"  # row 1 of good_body
CAP = "cap report queries at 20 connections"  # row 2, due "2 weeks"
MOVED = date(2026, 12, 9)


def with_jira_due(state: ObservedPostMortem, key: str, due: date) -> ObservedPostMortem:
    tickets = tuple(t.model_copy(update={"due": due}) if t.key == key else t for t in state.tickets)
    return state.model_copy(update={"tickets": tickets})


def with_table_due(parsed: ParseResult, row: int, due: date) -> ParseResult:
    assert parsed.postmortem is not None
    items = tuple(
        i.model_copy(update={"due": due}) if i.row == row else i
        for i in parsed.postmortem.action_items
    )
    pm = parsed.postmortem.model_copy(update={"action_items": items})
    return parsed.model_copy(update={"postmortem": pm})


def due_cells(result: Any) -> dict[int, date | None]:
    return {
        cell.row: cell.due for change in of_kind(result, SetTicketCells) for cell in change.cells
    }


# --- the planner --------------------------------------------------------------------------------


def test_a_due_date_changed_only_in_jira_is_written_into_the_row() -> None:
    state, parsed, ctx = synced()
    state = with_jira_due(state, "NEW-1", MOVED)
    result = plan(state, parsed, ctx)
    assert due_cells(result) == {1: MOVED}
    (cells,) = of_kind(result, SetTicketCells)
    assert cells.cells[0].due_was == date(2026, 12, 1)
    assert not of_kind(result, EditTicket)
    final, parsed, _ = converge(state, parsed, ctx)
    assert parsed.postmortem is not None and parsed.postmortem.action_items[0].due == MOVED
    status = markers.find_comment(final.bot_comments, markers.STATUS)
    assert status is not None and f"| {MOVED.isoformat()} |" in status.body
    assert "changed both" not in status.body
    assert plan(final, parsed, ctx).empty


def test_a_pull_that_did_not_land_is_planned_again() -> None:
    state, parsed, ctx = synced()
    state = with_jira_due(state, "NEW-1", MOVED)
    result = plan(state, parsed, ctx)
    # The status comment was written, the body edit was not (refused, or the run died).
    without_cells = result.model_copy(
        update={"changes": tuple(c for c in result.changes if not isinstance(c, SetTicketCells))}
    )
    state = Simulator(ctx.now, "https://acme.atlassian.net").apply_plan(without_cells, state)
    assert due_cells(plan(state, parsed, ctx)) == {1: MOVED}


def test_a_due_date_changed_on_both_sides_stays_a_conflict_and_the_table_keeps_its_date() -> None:
    state, parsed, ctx = synced()
    state = with_jira_due(state, "NEW-1", MOVED)
    parsed = with_table_due(parsed, 1, date(2026, 12, 24))
    result = plan(state, parsed, ctx)
    assert due_cells(result) == {}
    final, parsed, _ = converge(state, parsed, ctx)
    status = markers.find_comment(final.bot_comments, markers.STATUS)
    assert status is not None and "the due date was changed both" in status.body
    assert parsed.postmortem is not None
    assert parsed.postmortem.action_items[0].due == date(2026, 12, 24)


def test_direction_github_never_writes_jira_due_dates_into_the_table() -> None:
    config = Config.model_validate({"jira": {"sync_direction": {"due": "github"}}})
    state, parsed, ctx = synced(config=config)
    state = with_jira_due(state, "NEW-1", MOVED)
    result = plan(state, parsed, ctx)
    assert due_cells(result) == {}
    (edit,) = of_kind(result, EditTicket)
    assert edit.fields == {"duedate": "2026-12-01"}


# --- the cells ----------------------------------------------------------------------------------


def test_the_due_cell_takes_the_date_and_nothing_else_in_the_line_changes() -> None:
    body = good_body()
    cells = (
        TicketCell(row=1, action=ALERT, text="OPS-1", due=MOVED, due_was=date(2026, 11, 27)),
        TicketCell(row=2, action=CAP, text="OPS-2", due=MOVED, due_was=date(2026, 12, 4)),
    )
    filled = fill_ticket_cells(body, cells)
    assert "| P1 | @bob | 2026-12-09 | OPS-1 |" in filled
    assert "| P2 | @alice | 2026-12-09 | OPS-2 |" in filled  # a span becomes the date
    pm = parse_postmortem(filled).postmortem
    assert pm is not None and [i.due for i in pm.action_items] == [MOVED, MOVED]
    assert fill_ticket_cells(filled, cells) == filled


def test_a_due_cell_edited_since_the_plan_keeps_the_authors_date() -> None:
    body = good_body().replace("| 2026-11-27 |", "| 2026-12-24 |")
    cell = TicketCell(row=1, action=ALERT, text="OPS-1", due=MOVED, due_was=date(2026, 11, 27))
    filled = fill_ticket_cells(body, (cell,))
    assert "| @bob | 2026-12-24 | OPS-1 |" in filled


def test_a_ticket_column_left_of_the_due_column_stays_in_place() -> None:
    table = (
        "| Ticket | Action | Type | Priority | Owner | Due |\n|---|---|---|---|---|---|\n"
        "| OPS-1 | Alert when pool usage stays above 80% for 5 minutes | Detect | P1 | @bob "
        "| 2026-11-27 |"
    )
    cell = TicketCell(row=1, action=ALERT, text="[OPS-1](u)", due=MOVED, due_was=date(2026, 11, 27))
    filled = fill_ticket_cells(good_body(action_items=table), (cell,))
    assert "| [OPS-1](u) | Alert when pool usage" in filled and "| @bob | 2026-12-09 |" in filled


def test_a_task_list_item_gets_the_date_in_place_of_its_due() -> None:
    items = (
        "- [ ] Alert when pool usage stays above 80% for 5 minutes — Detect, P1, @bob, due 1 week"
    )
    cell = TicketCell(row=1, action=ALERT, text="OPS-1", due=MOVED, due_was=date(2026, 11, 27))
    filled = fill_ticket_cells(good_body(action_items=items), (cell,))
    assert "— Detect, P1, @bob, due 2026-12-09, OPS-1" in filled
    pm = parse_postmortem(filled).postmortem
    assert pm is not None and pm.action_items[0].due == MOVED
