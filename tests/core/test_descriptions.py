"""Ticket descriptions stay true to the post-mortem's row (issue #21): pmsync's marked part
is rewritten when the row changes, text people added around it stays, and a description
written before parts were marked is replaced only while it is still pmsync's."""

from __future__ import annotations

from datetime import date
from typing import Any

from support.planning import converge, of_kind, synced

from pmsync.core.domain.changes import EditTicket, RewriteDescription
from pmsync.core.domain.model import ParseResult, Priority
from pmsync.core.domain.state import ObservedPostMortem, TicketState
from pmsync.core.planning.descriptions import (
    description_view,
    marked_part,
    present_version,
    row_version,
    spliced,
)
from pmsync.core.planning.plan import plan
from pmsync.core.render import render_ticket_description


def edited_row(parsed: ParseResult, row: int, **update: Any) -> ParseResult:
    assert parsed.postmortem is not None
    items = tuple(
        item.model_copy(update=update) if item.row == row else item
        for item in parsed.postmortem.action_items
    )
    pm = parsed.postmortem.model_copy(update={"action_items": items})
    return parsed.model_copy(update={"postmortem": pm})


def the_ticket(state: ObservedPostMortem, key: str = "NEW-1") -> TicketState:
    return next(t for t in state.tickets if t.key == key)


def with_description(state: ObservedPostMortem, key: str, text: str | None) -> ObservedPostMortem:
    tickets = tuple(
        t.model_copy(update={"description": text}) if t.key == key else t for t in state.tickets
    )
    return state.model_copy(update={"tickets": tickets})


def test_a_new_ticket_carries_the_marked_part_and_a_synced_one_plans_nothing() -> None:
    state, parsed, ctx = synced()
    text = the_ticket(state).description
    assert text is not None and "*Action:* Add connection pool alert number 1" in text
    assert present_version(text) is not None
    assert plan(state, parsed, ctx).empty


def test_a_row_edit_rewrites_the_part_and_keeps_what_the_owner_wrote_around_it() -> None:
    state, parsed, ctx = synced()
    before = the_ticket(state).description
    assert before is not None
    state = with_description(state, "NEW-1", f"Owner's plan: canary first.\n\n{before}\nLater.")
    parsed = edited_row(parsed, 1, owner="carol", priority=Priority.P0, due=date(2026, 12, 24))
    result = plan(state, parsed, ctx)
    (rewrite,) = of_kind(result, RewriteDescription)
    assert rewrite.ticket == "NEW-1" and rewrite.legacy == ()
    assert of_kind(result, EditTicket)[0].fields["assignee"] == "acc-carol"
    final, _, _ = converge(state, parsed, ctx)
    text = the_ticket(final).description
    assert text is not None
    assert text.startswith("Owner's plan: canary first.\n\n") and text.endswith("\nLater.")
    assert "*Owner:* \\@carol (GitHub)" in text and "*Priority:* P0" in text
    assert "*Due:* 2026-12-24" in text and "2026-12-01" not in text
    assert the_ticket(final, "NEW-2").description == the_ticket(state, "NEW-2").description
    assert plan(final, parsed, ctx).empty


def test_an_edit_elsewhere_in_the_post_mortem_writes_to_no_ticket() -> None:
    state, parsed, ctx = synced()
    assert parsed.postmortem is not None
    pm = parsed.postmortem.model_copy(update={"summary": "Checkout failed for 41 minutes."})
    assert plan(state, parsed.model_copy(update={"postmortem": pm}), ctx).empty


def test_the_version_follows_the_row_values_the_part_shows() -> None:
    _, parsed, _ = synced()
    assert parsed.postmortem is not None
    item = parsed.postmortem.action_items[0]
    assert row_version(item) == row_version(item.model_copy(update={"row": 5}))
    for update in ({"owner": "carol"}, {"priority": Priority.P3}, {"due": date(2027, 1, 1)}):
        assert row_version(item.model_copy(update=update)) != row_version(item)


def test_a_reformatted_description_with_the_same_version_plans_nothing() -> None:
    state, parsed, ctx = synced()
    text = the_ticket(state).description
    assert text is not None
    jira_stored = "\r\n".join(line + "  " for line in text.split("\n"))
    assert plan(with_description(state, "NEW-1", jira_stored), parsed, ctx).empty


def test_edits_inside_the_part_stay_until_the_row_changes() -> None:
    state, parsed, ctx = synced()
    text = the_ticket(state).description
    assert text is not None
    state = with_description(state, "NEW-1", text.replace("h3. Incident", "h3. What happened"))
    assert plan(state, parsed, ctx).empty


def unmarked(state: ObservedPostMortem, parsed: ParseResult, row: int) -> str:
    """What pmsync wrote before parts were marked, for the row as it stands in ``parsed``."""
    assert parsed.postmortem is not None
    item = parsed.postmortem.action_items[row - 1]
    return render_ticket_description(description_view(item, state.issue, parsed.postmortem))


def test_an_unmarked_description_pmsync_wrote_becomes_the_marked_part_when_the_row_changes() -> (
    None
):
    state, parsed, ctx = synced()
    state = with_description(state, "NEW-1", unmarked(state, parsed, 1))
    assert plan(state, parsed, ctx).empty  # still true: left as it is
    parsed = edited_row(parsed, 1, due=date(2026, 12, 24))
    (rewrite,) = of_kind(plan(state, parsed, ctx), RewriteDescription)
    assert rewrite.legacy == (the_ticket(state).description,)
    final, _, _ = converge(state, parsed, ctx)
    text = the_ticket(final).description
    assert text is not None and present_version(text) is not None
    assert "*Due:* 2026-12-24" in text
    assert plan(final, parsed, ctx).empty


def test_an_unmarked_description_someone_changed_is_left_alone() -> None:
    state, parsed, ctx = synced()
    state = with_description(state, "NEW-1", unmarked(state, parsed, 1) + "\nOwner's note")
    parsed = edited_row(parsed, 1, due=date(2026, 12, 24))
    assert not of_kind(plan(state, parsed, ctx), RewriteDescription)
    state = with_description(state, "NEW-1", None)  # emptied in Jira
    assert not of_kind(plan(state, parsed, ctx), RewriteDescription)


def test_without_a_snapshot_an_unmarked_description_is_left_alone() -> None:
    state, parsed, ctx = synced()
    state = with_description(state, "NEW-1", unmarked(state, parsed, 1))
    state = state.model_copy(update={"bot_comments": ()})
    parsed = edited_row(parsed, 1, due=date(2026, 12, 24))
    assert not of_kind(plan(state, parsed, ctx), RewriteDescription)


def test_splicing_needs_both_lines_and_keeps_everything_around_them() -> None:
    part = marked_part("new text\n", "0123456789ab")
    old = marked_part("old text\n", "ba9876543210")
    start, *_, end = old.rstrip("\n").split("\n")
    assert spliced(f"a\n{old}b", part) == f"a\n{part}b"
    assert spliced(f"a\n{start}\nold text", part) is None  # the end line was deleted
    assert spliced(f"{end}\n{start}", part) is None
    assert spliced("bare", part, legacy=("bare  ",)) == part
    assert present_version(old) == "ba9876543210" and present_version(part) == "0123456789ab"


def test_post_mortem_text_cannot_forge_the_lines_around_the_part() -> None:
    state, parsed, ctx = synced()
    text = the_ticket(state).description
    assert text is not None
    start, *_, end = text.rstrip("\n").split("\n")
    assert parsed.postmortem is not None
    pm = parsed.postmortem.model_copy(update={"summary": f"{end}\n{start}\nquoted"})
    parsed = edited_row(parsed.model_copy(update={"postmortem": pm}), 1, due=date(2026, 12, 24))
    final, _, _ = converge(state, parsed, ctx)
    after = the_ticket(final).description
    assert after is not None and after.count("quoted") == 1
    assert after.rstrip("\n").split("\n")[-1] == end
    assert plan(final, parsed, ctx).empty
