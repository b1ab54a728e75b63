"""Shipped evidence without any I/O (pmsync.core.planning.shipped): which keys a run
searches for, what a search's results count as, what the status comment records, and how
it shows a merged pull request and a commit."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from typing import Any

from support.factories import action_item, comment, issue, observed, postmortem, ticket

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.markers import Snapshot
from pmsync.core.domain.model import ActionType
from pmsync.core.domain.state import (
    CommitState,
    ObservedPostMortem,
    ShippedChange,
    ShippedObservation,
    ShippedRecord,
    TicketState,
)
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.shipped import (
    commit_queries,
    commits_naming,
    keys_to_search,
    merged_pulls,
    names_key,
    search_queries,
    shipped_records,
    without_changes,
)
from pmsync.core.render import StatusRow, StatusView, environment, render_status

TODAY = date(2026, 11, 26)  # before the first review (4 December)
PM = postmortem(
    action_items=(
        action_item(row=1, type=ActionType.DETECT, ticket="OPS-1"),
        action_item(row=2, type=ActionType.PROCESS, ticket="OPS-2"),
        action_item(row=3, type=ActionType.PREVENT, ticket="OPS-3"),
    )
)
PULL = ShippedChange(
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


def test_the_commit_search_names_the_same_batches_without_the_pull_request_qualifiers() -> None:
    keys = [f"OPS-{n}" for n in range(1, 7)]
    repos = [f"acme/repo{n:02}" for n in range(21)]  # 21: two batches of repositories
    queries = commit_queries(keys, repos)
    assert len(queries) == 4 and len(search_queries(keys, repos)) == 4
    first = " ".join(f"repo:acme/repo{n:02}" for n in range(20))
    assert queries[0] == f'{first} "OPS-1" OR "OPS-2" OR "OPS-3" OR "OPS-4" OR "OPS-5"'
    assert queries[3] == 'repo:acme/repo20 "OPS-6"'
    assert commit_queries(['OPS-7" OR x'], repos) == []


def test_only_keys_whose_pull_request_search_found_nothing_go_to_the_commit_search() -> None:
    records = (
        ShippedRecord(key="OPS-1", pulls=(PULL,)),
        ShippedRecord(key="OPS-2"),
        ShippedRecord(key="OPS-3"),
    )
    assert without_changes(records) == ("OPS-2", "OPS-3")
    assert without_changes(records[:1]) == ()


def commit(sha: str, message: str, day: int, repo: str = "acme/payments") -> CommitState:
    return CommitState(
        repo=repo,
        sha=sha,
        message=message,
        html_url=f"https://github.com/{repo}/commit/{sha}",
        committed_at=datetime(2026, 11, day, 23, 30, tzinfo=UTC),
    )


def test_a_commit_counts_when_its_message_names_the_key_as_a_whole_word() -> None:
    found = [
        commit("1a2b3c4d5e6f" + "0" * 28, "Page on pool usage\n\nFixes OPS-12.", 25),
        commit("2" * 40, "Merge pull request #7 from acme/ops-12-alert\n\nPage on pool", 26),
        commit("3" * 40, "OPS-123: unrelated", 24),
        commit("4" * 40, "XOPS-12 unrelated", 24),
        commit("1a2b3c4d5e6f" + "0" * 28, "Page on pool usage\n\nFixes OPS-12.", 25),  # again
        # A revert undoes the change; a commit without a date cannot say when it shipped.
        commit("5" * 40, 'Revert "Page on pool usage"\n\nFixes OPS-12.', 27),
        commit("6" * 40, "OPS-12 undated", 27).model_copy(update={"committed_at": None}),
    ]
    changes = commits_naming("OPS-12", found)
    assert [(c.kind, c.ref, c.merged) for c in changes] == [
        ("commit", "acme/payments@1a2b3c4", date(2026, 11, 25)),
        ("commit", "acme/payments@2222222", date(2026, 11, 26)),
    ]
    assert changes[0].url == f"https://github.com/acme/payments/commit/{'1a2b3c4d5e6f' + '0' * 28}"
    many = [commit(f"{n}" * 40, f"OPS-12 part {n}", 20 + n) for n in range(1, 6)]
    assert [c.ref for c in commits_naming("OPS-12", many)] == [
        "acme/payments@3333333",
        "acme/payments@4444444",
        "acme/payments@5555555",
    ]


def test_a_snapshot_written_before_commits_were_searched_reads_as_pull_requests() -> None:
    old = {
        "shipped": [
            {
                "key": "OPS-1",
                "pulls": [{"ref": "acme/payments#7", "url": "u", "merged": "2026-11-25"}],
            }
        ]
    }
    encoded = base64.b64encode(json.dumps(old).encode()).decode()
    body = f"{markers.STATUS}\n{markers.data_marker(markers.SNAPSHOT, encoded)}"
    (record,) = markers.last_snapshot([comment(body)]).shipped
    assert record.pulls[0].kind == "pull" and record.pulls[0].ref == "acme/payments#7"
    stored = (
        ShippedRecord(key="OPS-2", pulls=(commits_naming("OPS-2", [commit("a" * 40, "OPS-2", 3)]))),
    )
    again = markers.decode_snapshot(markers.encode_snapshot(Snapshot(shipped=stored)))
    assert again is not None and again.shipped == stored
    # A pull request is written as before commits were searched (no "kind"), so a pmsync
    # that predates commits still reads the snapshot; a commit says what it is.
    assert Snapshot.model_validate(old).model_dump(mode="json")["shipped"] == old["shipped"]
    assert stored[0].pulls[0].model_dump(mode="json")["kind"] == "commit"


def test_a_pull_request_shows_its_merge_and_a_commit_its_commit_date() -> None:
    landed = commits_naming("OPS-1", [commit("1a2b3c4" + "f" * 33, "Fix OPS-1", 3)])
    row = StatusRow(
        row=1,
        key="OPS-1",
        url="https://jira.example.com/browse/OPS-1",
        action="Add pool alert",
        owner="bob",
        priority="P1",
        due=None,
        status="Done",
        progress="done",
        shipped=(PULL, *landed),
    )
    body = render_status(StatusView(summary="1 of 1 done", rows=(row,), snapshot_marker=""))
    assert (
        "✅ Done — shipped in [acme/payments#7](https://github.com/acme/payments/pull/7) "
        "(merged 2026-11-26), [acme/payments@1a2b3c4](https://github.com/acme/payments/commit/"
        f"1a2b3c4{'f' * 33}) (committed 2026-11-03)"
    ) in body
    macros = environment().get_template("item_macros.md.j2").module
    alone = row.model_copy(update={"shipped": landed})
    assert str(macros.shipped(alone)).startswith(" — shipped in [acme/payments@1a2b3c4](")
