"""Follow-up reviews, overdue items, nudges and closing (issue 5), without any I/O.

Most tests run the whole planner over a simulated GitHub and Jira, day after day, the way
`pmsync sync` would; a few pin the date arithmetic and the templates directly.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.factories import JIRA, issue, observed, sync

from pmsync.config.schema import Config, FollowupConfig
from pmsync.core.domain import identity, markers
from pmsync.core.domain.changes import (
    EnsureRepoLabel,
    Plan,
    SetIssueLabels,
    SetIssueState,
    UpsertComment,
)
from pmsync.core.domain.model import Priority
from pmsync.core.domain.state import CommentState, ObservedPostMortem
from pmsync.core.planning import followup
from pmsync.core.planning.plan import PlanContext, plan
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.core.render import ZWJ, StatusRow, StatusView

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "postmortem.md"
INCIDENT = datetime(2026, 11, 20, 14, 2, tzinfo=UTC)  # the example's incident start, a Friday
OPENED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TWO_WEEKS = date(2026, 12, 4)  # Friday
FOUR_WEEKS = date(2026, 12, 18)  # Friday
ACCOUNTS = {"alice": "acc-alice", "bob": "acc-bob"}


# --- helpers -------------------------------------------------------------------------------------


def config(people: tuple[str, ...] = ("alice", "bob"), **followup_keys: Any) -> Config:
    return Config.model_validate(
        {
            "people": {name: {"jira_account": f"acc-{name}"} for name in people},
            "followup": followup_keys,
        }
    )


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def context(day: date, cfg: Config | None = None) -> PlanContext:
    return PlanContext(config=cfg or config(), now=at(day), accounts=ACCOUNTS)


def opened(created_at: datetime = OPENED) -> ObservedPostMortem:
    body = EXAMPLE.read_text(encoding="utf-8")
    return observed(issue=issue(body=body, created_at=created_at, updated_at=created_at))


def synced(day: date, cfg: Config | None = None) -> ObservedPostMortem:
    """The example post-mortem, synced the day it was opened and again on ``day``."""
    state, _ = sync(opened(), context(OPENED.date(), cfg))
    if day != OPENED.date():
        state, _ = sync(state, context(day, cfg))
    return state


def comments_with(state: ObservedPostMortem, prefix: str) -> list[CommentState]:
    return [c for c in state.bot_comments if c.body.startswith(f"<!-- pmsync:{prefix}")]


def reviews(state: ObservedPostMortem) -> list[str]:
    """The markers of the follow-up comments, oldest first."""
    return [c.body.splitlines()[0] for c in comments_with(state, "followup:")]


def set_tickets(state: ObservedPostMortem, **update: Any) -> ObservedPostMortem:
    tickets = tuple(t.model_copy(update=update) for t in state.tickets)
    return state.model_copy(update={"tickets": tickets})


def finish(state: ObservedPostMortem, *keys: str, resolution: str = "Done") -> ObservedPostMortem:
    done = {"status": "Done", "status_category": "done", "resolution": resolution}
    tickets = tuple(
        t.model_copy(update=done) if not keys or t.key in keys else t for t in state.tickets
    )
    return state.model_copy(update={"tickets": tickets})


def changes(result: list[Plan], kind: type[Any]) -> list[Any]:
    return [c for p in result for c in p.changes if isinstance(c, kind)]


def with_state(state: ObservedPostMortem, value: str) -> ObservedPostMortem:
    return state.model_copy(update={"issue": state.issue.model_copy(update={"state": value})})


# --- milestone dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "skip", "expected"),
    [
        (date(2026, 11, 20), 14, True, date(2026, 12, 4)),  # Friday stays
        (date(2026, 11, 21), 14, True, date(2026, 12, 7)),  # Saturday -> Monday
        (date(2026, 11, 22), 14, True, date(2026, 12, 7)),  # Sunday -> Monday
        (date(2026, 11, 21), 14, False, date(2026, 12, 5)),  # kept on the Saturday
        (date(2026, 12, 30), 3, True, date(2027, 1, 4)),  # across the year: Sat 2 Jan -> Mon
    ],
)
def test_review_date_moves_off_weekends(start: date, days: int, skip: bool, expected: date) -> None:
    assert followup.review_date(start, days, skip) == expected


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(1, 400))
def test_review_date_is_never_on_a_weekend_and_at_most_two_days_late(
    start: date, days: int
) -> None:
    due = followup.review_date(start, days, skip_weekends=True)
    plain = start + timedelta(days=days)
    assert due.weekday() < 5
    assert 0 <= (due - plain).days <= 2


def test_milestones_count_from_the_incident_start_in_utc() -> None:
    # 08:30 on 21 November in Tokyo is still 20 November in UTC, pmsync's calendar.
    in_tokyo = datetime(2026, 11, 21, 8, 30, tzinfo=timezone(timedelta(hours=9)))
    found = followup.milestones(in_tokyo, OPENED, FollowupConfig())
    assert [(m.days, m.due, m.final, m.name) for m in found] == [
        (14, TWO_WEEKS, False, "2-week"),
        (28, FOUR_WEEKS, True, "4-week"),
    ]
    assert found[0].marker == "<!-- pmsync:followup:14 -->"


def test_milestones_fall_back_to_the_issue_creation_without_an_incident_start() -> None:
    found = followup.milestones(None, datetime(2026, 11, 23, 8, tzinfo=UTC), FollowupConfig())
    assert [m.due for m in found] == [date(2026, 12, 7), date(2026, 12, 21)]


def test_a_milestone_that_is_not_whole_weeks_is_named_in_days() -> None:
    found = followup.milestones(INCIDENT, OPENED, FollowupConfig(milestones_days=[10]))
    assert [(m.name, m.final) for m in found] == [("10-day", True)]


@pytest.mark.parametrize(
    ("today", "posted", "expected", "skipped"),
    [
        (date(2026, 12, 3), set(), None, []),
        (TWO_WEEKS, set(), 14, []),
        (TWO_WEEKS, {14}, None, []),
        (date(2026, 12, 17), {14}, None, []),
        (FOUR_WEEKS, {14}, 28, []),
        (FOUR_WEEKS, set(), 28, [14]),  # opened late: only the latest, naming the skipped one
        (FOUR_WEEKS, {28}, None, []),  # the 2-week one is never posted after the 4-week one
        # The incident start was corrected to a later date after the 4-week review was
        # posted: only the 2-week one is due now, and it is not posted after the 4-week one.
        (TWO_WEEKS, {28}, None, []),
        (date(2026, 12, 17), {28}, None, []),
        (date(2027, 6, 1), {14, 28}, None, []),
    ],
)
def test_the_review_due_is_the_latest_one_not_posted(
    today: date, posted: set[int], expected: int | None, skipped: list[int]
) -> None:
    all_reviews = followup.milestones(INCIDENT, OPENED, FollowupConfig())
    due = followup.review_due(all_reviews, today, posted)
    assert (due.milestone.days if due else None) == expected
    assert ([m.days for m in due.skipped] if due else []) == skipped


# --- through the planner: exactly once ------------------------------------------------------------


def test_each_review_is_posted_once_on_its_day_across_many_syncs() -> None:
    state = synced(OPENED.date())
    day = OPENED.date()
    posted_on: dict[str, date] = {}
    while day <= date(2027, 1, 31):
        for hour in (9, 17):  # two syncs a day
            ctx = PlanContext(config=config(), now=at(day, hour), accounts=ACCOUNTS)
            state, _ = sync(state, ctx)
            for marker in reviews(state):
                posted_on.setdefault(marker, day)
        day += timedelta(days=1)
    assert reviews(state) == ["<!-- pmsync:followup:14 -->", "<!-- pmsync:followup:28 -->"]
    assert posted_on == {
        "<!-- pmsync:followup:14 -->": TWO_WEEKS,
        "<!-- pmsync:followup:28 -->": FOUR_WEEKS,
    }


def test_a_review_is_not_posted_twice_even_when_its_text_would_now_differ() -> None:
    state = synced(TWO_WEEKS)
    (review,) = comments_with(state, "followup:14")
    # Jira moved on, the body was edited (a new row), and someone edited our comment.
    state = finish(state, state.tickets[0].key)
    edited_body = state.issue.body.replace(
        "| Add database connections",
        "| Write the pool runbook | Process | P3 | @alice | 2026-12-30 | |\n"
        "| Add database connections",
    )
    state = state.model_copy(
        update={
            "issue": state.issue.model_copy(update={"body": edited_body}),
            "bot_comments": tuple(
                c.model_copy(update={"body": c.body + "\nedited by hand"}) if c == review else c
                for c in state.bot_comments
            ),
        }
    )
    state, plans = sync(state, context(TWO_WEEKS + timedelta(days=3)))
    assert not any(c.marker == review.body.splitlines()[0] for c in changes(plans, UpsertComment))
    assert len(comments_with(state, "followup:14")) == 1


def test_a_rerun_on_a_review_day_plans_nothing() -> None:
    state = synced(TWO_WEEKS)
    parsed = check_postmortem(state.issue.body, None, config(), title=state.issue.title)
    assert plan(state, parsed, context(TWO_WEEKS)).empty


def test_a_late_post_mortem_gets_only_the_latest_review_which_names_the_skipped_one() -> None:
    late = at(date(2026, 12, 21))
    state, _ = sync(opened(created_at=late), context(late.date()))
    assert reviews(state) == ["<!-- pmsync:followup:28 -->"]
    (review,) = comments_with(state, "followup:28")
    assert "The 2-week review (due 2026-12-04) was skipped" in review.body
    state, _ = sync(state, context(date(2027, 2, 1)))
    assert reviews(state) == ["<!-- pmsync:followup:28 -->"]


def test_a_later_incident_start_never_brings_an_earlier_review_after_a_later_one() -> None:
    late = at(date(2026, 12, 21))
    state, _ = sync(opened(created_at=late), context(late.date()))
    assert reviews(state) == ["<!-- pmsync:followup:28 -->"]
    # The incident is corrected to 27 November: the 2-week review falls due on 11 December,
    # the 4-week one on the 25th. Neither is posted: the 4-week one exists already.
    corrected = state.issue.body.replace("2026-11-20 14:02 UTC", "2026-11-27 14:02 UTC")
    corrected = corrected.replace("2026-11-20 15:47 UTC", "2026-11-27 15:47 UTC")
    parsed = check_postmortem(corrected, None, config(), title=state.issue.title)
    assert parsed.postmortem is not None, parsed.errors
    assert parsed.postmortem.incident_start.date() == date(2026, 11, 27)
    state = state.model_copy(
        update={"issue": state.issue.model_copy(update={"body": corrected, "updated_at": late})}
    )
    for day in (date(2026, 12, 22), date(2027, 1, 4)):
        state, _ = sync(state, context(day))
        assert reviews(state) == ["<!-- pmsync:followup:28 -->"]


def test_a_post_mortem_opened_between_milestones_gets_the_first_without_a_skip_note() -> None:
    state, _ = sync(opened(created_at=at(date(2026, 12, 10))), context(date(2026, 12, 10)))
    (review,) = comments_with(state, "followup:14")
    assert "skipped" not in review.body


def test_a_closed_post_mortem_gets_no_reviews_and_a_reopened_one_resumes() -> None:
    state = with_state(synced(date(2026, 12, 1)), "closed")
    state, plans = sync(state, context(TWO_WEEKS))
    assert reviews(state) == []
    assert [c.marker for c in changes(plans, UpsertComment)] == [markers.STATUS]
    state, _ = sync(state, context(FOUR_WEEKS + timedelta(days=2)))
    assert reviews(state) == []
    state, _ = sync(with_state(state, "open"), context(FOUR_WEEKS + timedelta(days=3)))
    assert reviews(state) == ["<!-- pmsync:followup:28 -->"]
    assert "2-week review (due 2026-12-04) was skipped" in comments_with(state, "followup")[0].body


def test_no_review_before_the_tickets_exist() -> None:
    # Untrusted author: nothing reaches Jira, so there is nothing to review either.
    ctx = PlanContext(config=config(), now=at(FOUR_WEEKS), accounts=ACCOUNTS, trusted=False)
    state, _ = sync(opened(), ctx)
    assert reviews(state) == []


# --- what the reviews say ------------------------------------------------------------------------


def test_the_progress_review_lists_items_checks_open_p0_p1_and_mentions_open_owners() -> None:
    state = synced(TWO_WEEKS - timedelta(days=1))
    alice_p1 = next(t for t in state.tickets if t.summary.startswith("Give report queries"))
    state = finish(state, alice_p1.key)  # alice's P1 is done; bob's P1 is open
    state, _ = sync(state, context(TWO_WEEKS))
    (review,) = comments_with(state, "followup:14")
    body = review.body
    assert "2-week follow-up review: review action item progress" in body
    for t in state.tickets:
        assert f"[{t.key}]({t.url})" in body
    assert "| 2026-11-27 | ⚠️ overdue 7d (To Do) |" in body  # bob's P1, due a week ago
    checklist = [line for line in body.splitlines() if "clear plan and date" in line]
    assert len(checklist) == 1 and "Alert when payments-db pool usage" in checklist[0]
    assert checklist[0].startswith("- [ ] [")
    # bob owns two open items, alice an open P2: both are configured, so both are mentioned,
    # in the order of their first row.
    assert "@bob, @alice: you own an open item above" in body


def test_only_configured_owners_are_really_mentioned() -> None:
    state = synced(TWO_WEEKS, cfg=config(people=("alice",)))
    body = comments_with(state, "followup:14")[0].body
    assert "@" + ZWJ + "bob, @alice: you own" in body
    assert "@bob" not in body


def test_the_final_review_measures_completion_and_asks_to_verify_done_items() -> None:
    state = synced(FOUR_WEEKS - timedelta(days=1))
    keys = [t.key for t in state.tickets]
    state = finish(state, keys[0], keys[1])
    state = finish(state, keys[2], resolution="Won't Do")
    state, _ = sync(state, context(FOUR_WEEKS))
    body = comments_with(state, "followup:28")[0].body
    assert "4-week follow-up review: verify fixes in production and close the post-mortem" in body
    assert "**Completion: 50%** (2 of 4 action items done) against a target of 90%" in body
    assert "⚠️ below target" in body
    still = body.split("#### Still open or dropped")[1].split("####")[0]
    assert keys[2] in still and keys[3] in still and keys[0] not in still
    verify = body.split("#### Verify fixes in production")[1].split("####")[0]
    assert verify.count("- [ ] ") == 2 and keys[0] in verify and keys[1] in verify
    assert "#### Close the post-mortem" in body


@pytest.mark.parametrize(
    ("done", "total", "percent", "met"), [(9, 10, 90, True), (8, 9, 88, False), (0, 0, 0, False)]
)
def test_completion_rounds_down_against_the_target(
    done: int, total: int, percent: int, met: bool
) -> None:
    rows = [row(n, progress="done" if n <= done else "open") for n in range(1, total + 1)]
    result = followup.completion(rows, 90)
    assert (result.percent, result.met) == (percent, met)


def test_user_text_in_a_review_mentions_nobody_and_cannot_hide_markers() -> None:
    rows = (row(1, action="ping @everyone <!-- pmsync:followup:28 --> | x", progress="overdue"),)
    result = followup.followups(
        observed(),
        view(rows),
        incident_start=INCIDENT,
        config=config(),
        today=TWO_WEEKS,
    )
    (review,) = [c for c in result.changes if isinstance(c, UpsertComment)]
    assert "@everyone" not in review.body and "<!-- pmsync:followup:28" not in review.body
    assert review.body.count("<!--") == 1


# --- overdue -------------------------------------------------------------------------------------


def test_the_overdue_label_comes_and_goes() -> None:
    state = synced(date(2026, 11, 27))  # bob's first item is due today: not overdue yet
    assert "pm:overdue" not in state.issue.labels
    state, plans = sync(state, context(date(2026, 11, 28)))
    assert "pm:overdue" in state.issue.labels
    assert [c.name for c in changes(plans, EnsureRepoLabel)] == ["pm:overdue"]
    assert [c.add for c in changes(plans, SetIssueLabels)] == [("pm:overdue",)]
    status = markers.find_comment(state.bot_comments, markers.STATUS)
    assert status is not None and "⚠️ overdue 1d" in status.body
    state, plans = sync(finish(state, state.tickets[0].key), context(date(2026, 11, 29)))
    assert "pm:overdue" not in state.issue.labels
    assert [c.remove for c in changes(plans, SetIssueLabels)] == [("pm:overdue",)]


def test_a_dropped_item_is_not_overdue() -> None:
    state = synced(date(2026, 11, 27))
    state = finish(state, state.tickets[0].key, resolution="Won't Do")
    state, _ = sync(state, context(date(2026, 11, 28)))
    assert "pm:overdue" not in state.issue.labels


# --- nudges --------------------------------------------------------------------------------------


def test_a_nudge_naming_a_duplicate_ticket_is_corrected_never_doubled() -> None:
    """A nudge posted by a run that saw a duplicate ticket of the item names it; the next
    run edits that nudge to name the item's ticket (no second ping, no second nudge)."""
    cfg = config(nudge_overdue=True)
    state = synced(date(2026, 11, 28), cfg=cfg)
    (nudge,) = comments_with(state, "nudge")
    key = state.tickets[0].key
    stale = nudge.model_copy(update={"body": nudge.body.replace(f"[{key}](", "[OPS-999](")})
    state = state.model_copy(
        update={"bot_comments": tuple(stale if c == nudge else c for c in state.bot_comments)}
    )
    state, plans = sync(state, context(date(2026, 11, 29), cfg))
    (nudge,) = comments_with(state, "nudge")
    assert f"[{key}](" in nudge.body and "OPS-999" not in nudge.body
    nudges = [c for c in changes(plans, UpsertComment) if "nudge" in c.marker]
    assert [c.comment_id for c in nudges] == [stale.id]
    # An earlier nudge keyed by the ticket counts: no second one after an upgrade.
    legacy = nudge.model_copy(
        update={
            "body": nudge.body.replace(
                nudge.body.splitlines()[0], markers.nudge_marker(key, date(2026, 11, 27))
            )
        }
    )
    state = state.model_copy(
        update={"bot_comments": tuple(legacy if c == nudge else c for c in state.bot_comments)}
    )
    state, plans = sync(state, context(date(2026, 11, 30), cfg))
    assert not [c for c in changes(plans, UpsertComment) if "nudge" in c.marker]


def test_a_post_mortem_filed_late_gets_no_burst_of_reminders() -> None:
    """Issue #18: filed 16 days after the incident, with three due dates passed, the first
    sync gave three reminders at once. The status comment now says it, once."""
    cfg = config(nudge_overdue=True)
    filed = at(date(2026, 12, 7))
    state, _ = sync(opened(created_at=filed), context(filed.date(), cfg))
    assert comments_with(state, "nudge") == []
    (status,) = comments_with(state, "status")
    late = re.search(
        r"\*\*Already late when filed\*\* \(2026-12-07\): 3 action items \((.*?)\) were",
        status.body,
    )
    assert late is not None  # named by their tickets
    late_keys = sorted(t.key for t in state.tickets if t.due and t.due < filed.date())
    assert late[1].split(", ") == late_keys
    assert "pm:overdue" in state.issue.labels  # still shown as overdue
    for day in (8, 14):  # a due date passed since filing gets its reminder as usual
        state, _ = sync(state, context(date(2026, 12, day), cfg))
    (nudge,) = comments_with(state, "nudge")
    assert nudge.body.splitlines()[0].endswith(":2026-12-11 -->")


def test_no_nudges_unless_configured() -> None:
    state = synced(date(2026, 12, 2))
    assert comments_with(state, "nudge") == []


def test_one_nudge_per_overdue_item_and_due_date_mentioning_the_owner() -> None:
    cfg = config(nudge_overdue=True)
    state = synced(date(2026, 11, 28), cfg=cfg)
    (nudge,) = comments_with(state, "nudge")
    key = state.tickets[0].key
    (item,) = identity.item_ids_in(state.tickets[0].labels)  # keyed by item, not ticket
    assert nudge.body.startswith(f"<!-- pmsync:nudge:{item}:2026-11-27 -->")
    assert f"⏰ @bob: the action item [{key}]" in nudge.body
    assert "1 day overdue" in nudge.body
    for days_later in range(1, 4):  # later syncs: no second nudge for the same due date
        state, _ = sync(state, context(date(2026, 11, 28) + timedelta(days=days_later), cfg))
    assert len(comments_with(state, "nudge")) == 1
    # The owner agrees a new date in Jira; it passes too: one more nudge, for that date.
    state = state.model_copy(
        update={
            "tickets": tuple(
                t.model_copy(update={"due": date(2026, 12, 3)}) if t.key == key else t
                for t in state.tickets
            )
        }
    )
    state, _ = sync(state, context(date(2026, 12, 3), cfg))
    assert len(comments_with(state, "nudge")) == 1
    state, _ = sync(state, context(date(2026, 12, 4), cfg))
    assert [c.body.splitlines()[0] for c in comments_with(state, "nudge")] == [
        f"<!-- pmsync:nudge:{item}:2026-11-27 -->",
        f"<!-- pmsync:nudge:{item}:2026-12-03 -->",
    ]


def test_a_nudge_for_an_owner_pmsync_does_not_know_mentions_nobody() -> None:
    cfg = config(people=("alice",), nudge_overdue=True)
    state = synced(date(2026, 11, 28), cfg=cfg)
    (nudge,) = comments_with(state, "nudge")
    assert "@" + ZWJ + "bob" in nudge.body and "@bob" not in nudge.body


def test_a_closed_post_mortem_gets_no_nudges() -> None:
    cfg = config(nudge_overdue=True)
    state = with_state(synced(date(2026, 11, 25), cfg=cfg), "closed")
    state, _ = sync(state, context(date(2026, 11, 28), cfg))
    assert comments_with(state, "nudge") == []


# --- completion and closing ----------------------------------------------------------------------


def test_complete_post_mortem_is_closed_after_the_last_review_when_configured() -> None:
    cfg = config(close_when_complete=True)
    state = finish(synced(date(2026, 12, 10), cfg=cfg))
    state, plans = sync(state, context(date(2026, 12, 11), cfg))
    assert "pm:complete" in state.issue.labels and state.issue.state == "open"
    assert not changes(plans, SetIssueState)
    state, plans = sync(state, context(FOUR_WEEKS, cfg))
    # The review comes first (round one), the closing comment and the close after it.
    # (The status comment records each of them once it exists, in the round after.)
    markers_in_order = [
        c.marker for c in changes(plans, UpsertComment) if c.marker != markers.STATUS
    ]
    assert markers_in_order[-2:] == ["<!-- pmsync:followup:28 -->", followup.CLOSING]
    assert changes(plans, SetIssueState) == [
        SetIssueState(repo=state.issue.repo, number=state.issue.number, state="closed")
    ]
    assert state.issue.state == "closed"
    (closing,) = comments_with(state, "closing")
    assert "All 4 action items are done and the 4-week review has been posted" in closing.body
    # Reopened by a person: follow-ups would resume, but pmsync never closes it again.
    state, plans = sync(with_state(state, "open"), context(FOUR_WEEKS + timedelta(days=1), cfg))
    assert state.issue.state == "open" and not changes(plans, SetIssueState)


def test_a_once_only_comment_is_recorded_only_after_it_exists() -> None:
    """The status snapshot records a review, nudge or closing comment only in a plan made
    after the comment was read back: a run killed while posting it must post it next time
    (the fault sweep found a rerun that never did, when the record came first)."""
    cfg = config(close_when_complete=True)
    state = finish(synced(date(2026, 12, 10), cfg=cfg))
    seen = {m for c in state.bot_comments if (m := markers.leading_marker(c.body))}
    state, plans = sync(state, context(FOUR_WEEKS, cfg))
    for made in plans:
        for change in made.changes:
            if not isinstance(change, UpsertComment):
                continue
            if change.marker == markers.STATUS:
                snapshot = markers.decode_snapshot(change.body)
                assert snapshot is not None and set(snapshot.posted) <= seen
        seen |= {c.marker for c in made.changes if isinstance(c, UpsertComment)}
    assert set(markers.last_snapshot(state.bot_comments).posted) >= {
        "<!-- pmsync:followup:28 -->",
        followup.CLOSING,
    }


def test_a_run_that_died_between_the_closing_comment_and_the_close_closes_next_time() -> None:
    cfg = config(close_when_complete=True)
    state, _ = sync(finish(synced(date(2026, 12, 10), cfg=cfg)), context(FOUR_WEEKS, cfg))
    assert state.issue.state == "closed" and comments_with(state, "closing")
    # As GitHub holds it after the comment was posted and before the PATCH was sent.
    never_closed = state.issue.model_copy(
        update={"state": "open", "closed_at": None, "state_reason": None}
    )
    state, plans = sync(
        state.model_copy(update={"issue": never_closed}),
        context(FOUR_WEEKS + timedelta(days=1), cfg),
    )
    assert [change for p in plans for change in p.changes] == [
        SetIssueState(repo=state.issue.repo, number=state.issue.number, state="closed")
    ]
    assert state.issue.state == "closed" and len(comments_with(state, "closing")) == 1


def test_a_post_mortem_closed_and_reopened_before_its_closing_comment_is_still_closed() -> None:
    cfg = config(close_when_complete=True)
    state, _ = sync(finish(synced(date(2026, 12, 10), cfg=cfg)), context(FOUR_WEEKS, cfg))
    (closing,) = comments_with(state, "closing")
    reopened_earlier = state.issue.model_copy(
        update={
            "state": "open",
            "closed_at": closing.created_at - timedelta(days=3),
            "state_reason": "reopened",
        }
    )
    state, plans = sync(
        state.model_copy(update={"issue": reopened_earlier}),
        context(FOUR_WEEKS + timedelta(days=1), cfg),
    )
    assert changes(plans, SetIssueState) and state.issue.state == "closed"


def test_no_closing_without_the_option_or_with_an_unfinished_item() -> None:
    done = finish(synced(FOUR_WEEKS))
    state, plans = sync(done, context(FOUR_WEEKS + timedelta(days=1)))
    assert state.issue.state == "open" and not changes(plans, SetIssueState)
    cfg = config(close_when_complete=True)
    state = synced(FOUR_WEEKS, cfg=cfg)
    state = finish(state, *[t.key for t in state.tickets[:3]])
    state = finish(state, state.tickets[3].key, resolution="Won't Do")  # dropped is not done
    state, plans = sync(state, context(FOUR_WEEKS + timedelta(days=1), cfg))
    assert state.issue.state == "open" and not changes(plans, SetIssueState)


def test_without_milestones_a_complete_post_mortem_closes_at_once() -> None:
    cfg = config(close_when_complete=True, milestones_days=[])
    state = finish(synced(date(2026, 11, 25), cfg=cfg))
    state, _ = sync(state, context(date(2026, 11, 26), cfg))
    assert state.issue.state == "closed" and reviews(state) == []


# --- pure helpers ------------------------------------------------------------------------------


def row(number: int, **overrides: Any) -> StatusRow:
    values: dict[str, Any] = {
        "row": number,
        "key": f"OPS-{number}",
        "url": f"{JIRA}/browse/OPS-{number}",
        "action": f"Action {number}",
        "owner": "bob",
        "priority": Priority.P1.value,
        "due": date(2026, 11, 27),
        "status": "To Do",
        "progress": "open",
    }
    return StatusRow(**(values | overrides))


def view(rows: tuple[StatusRow, ...]) -> StatusView:
    return StatusView(summary="summary", rows=rows, snapshot_marker="<!-- pmsync:snapshot x -->")


def test_owners_are_mentioned_once_and_only_for_unfinished_items() -> None:
    rows = (
        row(1, owner="bob"),
        row(2, owner="carol", progress="done"),
        row(3, owner="bob", progress="overdue"),
        row(4, owner="acc-123", owner_is_handle=False),
        row(5, owner="dave", progress="dropped"),
        row(6, owner="erin", progress="overdue"),
    )
    assert followup.owners_to_mention(rows) == ("bob", "erin")


def test_followups_add_nothing_for_a_closed_issue_but_keep_the_overdue_label_right() -> None:
    closed = observed(issue=issue(state="closed"))
    result = followup.followups(
        closed,
        view((row(1, progress="overdue"),)),
        incident_start=INCIDENT,
        config=config(nudge_overdue=True, close_when_complete=True),
        today=FOUR_WEEKS,
    )
    assert result.changes == () and result.labels == {"pm:overdue": True}


def test_a_nudge_needs_a_ticket_key() -> None:
    result = followup.followups(
        observed(),
        view((row(1, key=None, url=None, progress="overdue"),)),
        incident_start=INCIDENT,
        config=config(nudge_overdue=True),
        today=date(2026, 11, 30),
    )
    assert result.changes == ()
