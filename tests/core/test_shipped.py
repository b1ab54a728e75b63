"""Shipped evidence without any I/O (pmsync.core.planning.shipped): which keys a run
searches for, what a search's results count as, and what the status comment records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from support.factories import action_item, comment, issue, observed, postmortem, ticket

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.markers import Snapshot
from pmsync.core.domain.model import ActionType
from pmsync.core.domain.state import (
    MergedPull,
    ObservedPostMortem,
    ShippedObservation,
    ShippedRecord,
    TicketState,
)
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.shipped import (
    keys_to_search,
    merged_pulls,
    names_key,
    search_queries,
    shipped_records,
)

TODAY = date(2026, 11, 26)  # before the first review (4 December)
PM = postmortem(
    action_items=(
        action_item(row=1, type=ActionType.DETECT, ticket="OPS-1"),
        action_item(row=2, type=ActionType.PROCESS, ticket="OPS-2"),
        action_item(row=3, type=ActionType.PREVENT, ticket="OPS-3"),
    )
)
PULL = MergedPull(
    ref="acme/payments#7", url="https://github.com/acme/payments/pull/7", merged=TODAY
)


def config(**evidence: Any) -> Config:
    return Config.model_validate({"followup": {"evidence": {"enabled": True, **evidence}}})


def tickets(*done_rows: int) -> tuple[TicketState, ...]:
    made = []
    for item in PM.action_items:
        done = item.row in done_rows
        made.append(
            ticket(
                f"OPS-{item.row}",
                summary=item.action,
                status="Done" if done else "To Do",
                status_category="done" if done else "new",
            )
        )
    return tuple(made)


def with_snapshot(state: ObservedPostMortem, *records: ShippedRecord) -> ObservedPostMortem:
    snapshot = markers.encode_snapshot(Snapshot(shipped=records))
    return state.model_copy(update={"bot_comments": (comment(f"{markers.STATUS}\n{snapshot}"),)})


def test_only_done_items_of_types_not_exempt_are_searched_for() -> None:
    state = observed(tickets=tickets(1, 2))
    assert keys_to_search(state, PM, config(), TODAY) == ("OPS-1", "OPS-2")
    assert keys_to_search(state, PM, config(exempt_types=["Process"]), TODAY) == ("OPS-1",)
    assert keys_to_search(state, PM, Config(), TODAY) == ()  # not enabled


def test_a_recorded_key_is_not_searched_again_until_a_review_for_one_without_evidence() -> None:
    state = with_snapshot(
        observed(tickets=tickets(1, 3)),
        ShippedRecord(key="OPS-1", pulls=(PULL,)),
        ShippedRecord(key="OPS-3"),
    )
    assert keys_to_search(state, PM, config(), TODAY) == ()
    review_day = date(2026, 12, 4)  # 14 days after the incident
    assert keys_to_search(state, PM, config(), review_day) == ("OPS-3",)
    posted = comment(markers.followup_marker(14), id=1001)
    after_review = state.model_copy(update={"bot_comments": (*state.bot_comments, posted)})
    assert keys_to_search(after_review, PM, config(), review_day) == ()


def test_one_query_per_five_keys_and_only_well_formed_keys() -> None:
    keys = ["OPS-1", "OPS-2", "OPS-3", "OPS-4", "OPS-5", "OPS-6", 'OPS-7" OR x']
    queries = search_queries(keys, ["acme/payments", "ACME/payments", "acme/web"])
    assert queries == [
        "is:pr is:merged in:title,body repo:acme/payments repo:acme/web "
        '"OPS-1" OR "OPS-2" OR "OPS-3" OR "OPS-4" OR "OPS-5"',
        'is:pr is:merged in:title,body repo:acme/payments repo:acme/web "OPS-6"',
    ]


def test_a_result_counts_only_when_it_is_a_merged_pull_request_naming_the_key() -> None:
    merged = datetime(2026, 11, 25, 12, tzinfo=UTC)

    def found(number: int, title: str, body: str = "", **overrides: Any) -> Any:
        url = f"https://github.com/acme/payments/pull/{number}"
        values = {"number": number, "title": title, "body": body, "html_url": url}
        return issue(**({"closed_at": merged, "state": "closed"} | values | overrides))

    results = [
        found(1, "OPS-12: fix the pool"),
        found(2, "Retries", "Part of ops-12."),
        found(3, "OPS-123 unrelated"),
        found(4, "XOPS-12 unrelated"),
        found(5, "OPS-12 still open", closed_at=None, state="open"),
        found(6, "OPS-12 an issue", html_url="https://github.com/acme/payments/issues/6"),
    ]
    pulls = merged_pulls("OPS-12", results)
    assert [pull.ref for pull in pulls] == ["acme/payments#1", "acme/payments#2"]
    assert pulls[0].merged == date(2026, 11, 25)
    assert names_key("(OPS-12)", "OPS-12") and names_key("fix-OPS-12", "OPS-12")
    assert not names_key("OPS-12a", "OPS-12")
    many = [found(number, f"OPS-12 part {number}") for number in range(10, 15)]
    assert [p.ref for p in merged_pulls("OPS-12", many)] == [
        "acme/payments#12",
        "acme/payments#13",
        "acme/payments#14",
    ]


def test_records_shown_are_this_runs_search_else_the_snapshots_for_done_items_only() -> None:
    state = observed(
        tickets=tickets(1, 3),
        shipped=ShippedObservation(found=(ShippedRecord(key="OPS-3", pulls=(PULL,)),)),
    )
    board = match_items("acme/payments", 42, PM.action_items, state.tickets)
    previous = (ShippedRecord(key="OPS-1"), ShippedRecord(key="OPS-2", pulls=(PULL,)))
    records = shipped_records(state, board, previous, config(), TODAY)
    # OPS-2 is no longer done: its record goes, so it is searched for when done again.
    assert records == {
        "OPS-1": ShippedRecord(key="OPS-1"),
        "OPS-3": ShippedRecord(key="OPS-3", pulls=(PULL,)),
    }
    assert shipped_records(state, board, previous, Config(), TODAY) == {}
