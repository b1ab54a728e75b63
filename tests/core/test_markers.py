"""Markers find pmsync's comments again; the snapshot survives a round trip and damage."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from support.factories import comment

from pmsync.core.domain import markers
from pmsync.core.domain.changes import comment_name
from pmsync.core.domain.markers import Conflict, FieldValues, Snapshot, SnapshotItem
from pmsync.core.planning.followup import CLOSING
from pmsync.orchestration.report.digest import digest_marker


def snapshot() -> Snapshot:
    github = FieldValues(action="Add pool alert", priority="P1", owner="bob", due=date(2026, 12, 1))
    jira = FieldValues(action="Add pool alert", priority="High", owner="acc-1", due=None)
    return Snapshot(
        items=(SnapshotItem(key="OPS-1", item_id="0123456789ab", row=1, github=github, jira=jira),),
        linked=("OPS-1",),
        removed=("OPS-7",),
        conflicts=(Conflict(key="OPS-1", field="priority"),),
    )


def test_marker_names() -> None:
    assert markers.STATUS == "<!-- pmsync:status -->"
    assert markers.followup_marker(14) == "<!-- pmsync:followup:14 -->"
    assert (
        markers.nudge_marker("OPS-1", date(2026, 12, 1)) == "<!-- pmsync:nudge:OPS-1:2026-12-01 -->"
    )
    assert markers.backlink_marker("acme/a#3") == "<!-- pmsync:backlink:acme/a#3 -->"


def test_find_comment_takes_the_oldest_comment_that_starts_with_the_marker() -> None:
    early = datetime(2026, 1, 1, tzinfo=UTC)
    comments = (
        comment("hello <!-- pmsync:status -->", id=1, created_at=early - timedelta(days=1)),
        comment("<!-- pmsync:status -->\nsecond", id=3, created_at=early + timedelta(days=1)),
        comment("\r\n<!-- pmsync:status -->\nfirst", id=2, created_at=early),
        comment("<!-- pmsync:feedback -->", id=4),
    )
    found = markers.find_comment(comments, markers.STATUS)
    assert found is not None and found.id == 2
    assert markers.find_comment(comments, markers.APPROVAL) is None


def test_snapshot_round_trip_inside_a_comment() -> None:
    body = f"<!-- pmsync:status -->\ntable\n{markers.encode_snapshot(snapshot())}\n"
    assert markers.decode_snapshot(body) == snapshot()
    assert markers.encode_snapshot(snapshot()) == markers.encode_snapshot(snapshot())


def test_missing_or_damaged_snapshots_are_absent() -> None:
    good = markers.encode_snapshot(snapshot())
    value = markers.find_data(good, markers.SNAPSHOT)
    assert value is not None
    wrong_shape = base64.b64encode(b'{"items": 3}').decode()
    not_json = base64.b64encode(b"{nope").decode()
    newer = base64.b64encode(b'{"version": 2}').decode()
    for body in (
        "",
        "<!-- pmsync:status -->",
        good.replace(value, value[:-8]),
        good.replace(value, "!!!!"),
        markers.data_marker(markers.SNAPSHOT, wrong_shape),
        markers.data_marker(markers.SNAPSHOT, not_json),
        markers.data_marker(markers.SNAPSHOT, newer),
        markers.data_marker(markers.SNAPSHOT, base64.b64encode(b"[" * 100_000).decode()),
    ):
        assert markers.decode_snapshot(body) is None


def test_data_marker_values_cannot_close_the_comment() -> None:
    try:
        markers.data_marker("x", "a -->")
    except ValueError:
        pass
    else:
        raise AssertionError("a value with '-->' was accepted")


values = st.builds(
    FieldValues,
    action=st.text(),
    priority=st.none() | st.text(),
    owner=st.none() | st.text(),
    due=st.none() | st.dates(),
)
keys = st.from_regex(r"[A-Z]{2,5}-[1-9][0-9]{0,4}", fullmatch=True)
snapshots = st.builds(
    Snapshot,
    items=st.lists(
        st.builds(
            SnapshotItem,
            key=keys,
            item_id=st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
            row=st.integers(1, 50),
            github=values,
            jira=values,
        ),
        max_size=5,
    ).map(tuple),
    linked=st.lists(keys, max_size=5).map(tuple),
    removed=st.lists(keys, max_size=5).map(tuple),
    conflicts=st.lists(
        st.builds(
            Conflict, key=keys, field=st.sampled_from(["action", "priority", "owner", "due"])
        ),
        max_size=3,
    ).map(tuple),
)


@given(snapshots, st.text())
def test_any_snapshot_round_trips_next_to_any_text(value: Snapshot, text: str) -> None:
    marker = markers.encode_snapshot(value)
    assert "-->" not in marker[: -len("-->")]
    assert (
        markers.decode_snapshot(f"{markers.STATUS}\n{text.replace('<!--', '')}\n{marker}") == value
    )


@given(st.text())
def test_decoding_never_fails(text: str) -> None:
    markers.decode_snapshot(text)
    markers.decode_snapshot(f"<!-- pmsync:snapshot {text} -->")


def test_the_last_snapshot_is_the_status_comments_and_names_the_jira_ids() -> None:
    item = snapshot().items[0]
    recorded = snapshot().model_copy(
        update={"items": (item.model_copy(update={"jira_id": "10042"}), item)}
    )
    comments = (
        comment("<!-- pmsync:feedback -->", id=1),
        comment(f"<!-- pmsync:status -->\n{markers.encode_snapshot(recorded)}", id=2),
    )
    assert markers.last_snapshot(comments) == recorded
    assert recorded.jira_ids == ("10042",)
    assert markers.last_snapshot(comments[:1]) == Snapshot()


def test_a_snapshot_written_before_jira_ids_were_kept_still_reads() -> None:
    payload = snapshot().model_dump(mode="json")
    del payload["items"][0]["jira_id"]
    value = base64.b64encode(json.dumps(payload).encode()).decode()
    found = markers.decode_snapshot(markers.data_marker(markers.SNAPSHOT, value))
    assert found == snapshot() and found.jira_ids == ()


def test_plans_name_each_kind_of_comment_in_words() -> None:
    named = {
        markers.STATUS: "status comment",
        markers.FEEDBACK: "feedback comment",
        markers.APPROVAL: "approval comment",
        markers.REPEAT: "repeat-incident comment",
        CLOSING: "closing comment",
        markers.followup_marker(28): "28-day follow-up review",
        markers.backlink_marker("acme/payments#7"): "back-link comment for acme/payments#7",
        markers.nudge_marker("OPS-1", date(2026, 12, 1)): "overdue nudge (OPS-1:2026-12-01)",
        digest_marker("2026-11"): "digest comment for 2026-11",
    }
    assert {marker: comment_name(marker) for marker in named} == named
    assert comment_name("<!-- other -->") == "<!-- other --> comment"
