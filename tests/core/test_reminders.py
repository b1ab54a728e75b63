"""Reminders before a due date (``followup.remind_before_days``), without any I/O: the
whole planner over a simulated GitHub and Jira, day after day, as `pmsync sync` runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from support.factories import issue, observed, sync

from pmsync.config.schema import Config
from pmsync.core.domain import identity
from pmsync.core.domain.changes import UpsertComment
from pmsync.core.domain.state import CommentState, ObservedPostMortem
from pmsync.core.planning.plan import PlanContext, plan
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.core.render import ZWJ

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "postmortem.md"
BODY = EXAMPLE.read_text(encoding="utf-8")
OPENED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
# The example's rows are due 2026-11-27 (@bob), 12-04 (@alice), 12-11 (@bob), 12-04 (@alice).
FIRST_DUE = date(2026, 11, 27)
ACCOUNTS = {"alice": "acc-alice", "bob": "acc-bob"}


def config(people: tuple[str, ...] = ("alice", "bob"), **followup_keys: Any) -> Config:
    return Config.model_validate(
        {
            "people": {name: {"jira_account": f"acc-{name}"} for name in people},
            "followup": followup_keys,
        }
    )


REMIND = config(remind_before_days=2)


def context(day: date, cfg: Config = REMIND) -> PlanContext:
    now = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return PlanContext(config=cfg, now=now, accounts=ACCOUNTS)


def synced(*days: date, cfg: Config = REMIND) -> ObservedPostMortem:
    """The example post-mortem opened and synced on OPENED's day, then on each of ``days``."""
    state = observed(issue=issue(body=BODY, created_at=OPENED, updated_at=OPENED))
    for day in (OPENED.date(), *days):
        state, _ = sync(state, context(day, cfg))
    return state


def reminders(state: ObservedPostMortem) -> list[CommentState]:
    return [c for c in state.bot_comments if c.body.startswith("<!-- pmsync:reminder:")]


def first_lines(state: ObservedPostMortem) -> list[str]:
    return [c.body.splitlines()[0] for c in reminders(state)]


def item_of(state: ObservedPostMortem, key: str) -> str:
    (ticket,) = [t for t in state.tickets if t.key == key]
    (item,) = identity.item_ids_in(ticket.labels)
    return item


def with_due(state: ObservedPostMortem, key: str, due: date) -> ObservedPostMortem:
    tickets = tuple(t.model_copy(update={"due": due}) if t.key == key else t for t in state.tickets)
    return state.model_copy(update={"tickets": tickets})


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_one_reminder_before_the_due_date_mentioning_the_owner() -> None:
    state = synced(date(2026, 11, 24))
    assert reminders(state) == []  # three days ahead: not yet
    state = synced(date(2026, 11, 24), date(2026, 11, 25))
    (reminder,) = reminders(state)
    key = state.tickets[0].key
    assert first_lines(state) == [f"<!-- pmsync:reminder:{item_of(state, key)}:2026-11-27 -->"]
    assert f"📅 @bob: the action item [{key}]" in reminder.body
    assert "is due on 2026-11-27, in 2 days" in reminder.body


def test_daily_syncs_up_to_and_past_the_due_date_remind_once_per_item_and_date() -> None:
    state = synced(*days(date(2026, 11, 22), date(2026, 12, 12)))
    keys = [t.key for t in state.tickets]
    # Every row got exactly one reminder for its due date, the first sync inside the window.
    expected = {
        (item_of(state, keys[0]), "2026-11-27"),
        (item_of(state, keys[1]), "2026-12-04"),
        (item_of(state, keys[2]), "2026-12-11"),
        (item_of(state, keys[3]), "2026-12-04"),
    }
    found = [
        tuple(line.split(":", 2)[2].removesuffix(" -->").split(":")) for line in first_lines(state)
    ]
    assert sorted(found) == sorted(expected)


def test_a_sync_on_the_due_date_itself_still_reminds() -> None:
    state = synced(FIRST_DUE)
    (reminder,) = reminders(state)
    assert "is due today, 2026-11-27" in reminder.body


def test_a_new_due_date_gets_a_reminder_of_its_own() -> None:
    state = synced(date(2026, 11, 25))
    key = state.tickets[0].key
    state = with_due(state, key, date(2026, 12, 10))  # the owner agrees a new date in Jira
    for day in days(date(2026, 11, 26), date(2026, 12, 9)):
        state, _ = sync(state, context(day))
    item = item_of(state, key)
    assert [line for line in first_lines(state) if item in line] == [
        f"<!-- pmsync:reminder:{item}:2026-11-27 -->",
        f"<!-- pmsync:reminder:{item}:2026-12-10 -->",
    ]


def test_rewording_the_action_keeps_the_item_and_its_reminder() -> None:
    state = synced(date(2026, 11, 25))
    reworded = state.issue.body.replace(
        "Alert when payments-db pool usage stays above 80% for 5 minutes",
        "Alert when payments-db pool usage stays above 80% for five minutes",
    )
    assert reworded != state.issue.body
    state = state.model_copy(update={"issue": state.issue.model_copy(update={"body": reworded})})
    state, _ = sync(state, context(date(2026, 11, 26)))
    assert len([line for line in first_lines(state) if "2026-11-27" in line]) == 1


def test_the_reminder_is_planned_until_it_exists() -> None:
    """Nothing records it but the comment itself: a run that died before posting it plans
    it again, and once posted no run plans it."""
    state = synced()
    ctx = context(date(2026, 11, 25))
    parsed = check_postmortem(state.issue.body, None, REMIND, title=state.issue.title)

    def planned(state: ObservedPostMortem) -> list[str]:
        result = plan(state, parsed, ctx)
        return [
            c.marker
            for c in result.changes
            if isinstance(c, UpsertComment) and "reminder:" in c.marker
        ]

    assert len(planned(state)) == 1
    assert planned(state) == planned(state)  # not posted: still planned
    state, _ = sync(state, ctx)
    assert planned(state) == []


def test_no_reminders_unless_configured_for_done_items_or_closed_post_mortems() -> None:
    assert reminders(synced(date(2026, 11, 25), cfg=config())) == []
    state = synced()
    done = {"status": "Done", "status_category": "done", "resolution": "Done"}
    state = state.model_copy(
        update={"tickets": tuple(t.model_copy(update=done) for t in state.tickets)}
    )
    state, _ = sync(state, context(date(2026, 11, 25)))
    assert reminders(state) == []
    closed = synced().model_copy(
        update={"issue": synced().issue.model_copy(update={"state": "closed"})}
    )
    state, _ = sync(closed, context(date(2026, 11, 25)))
    assert reminders(state) == []


def test_a_window_no_sync_fell_into_gets_no_late_reminder() -> None:
    """After the due date the item is overdue: that is the overdue nudge's business."""
    state = synced(date(2026, 11, 24), date(2026, 11, 28))
    assert all("2026-11-27" not in line for line in first_lines(state))


def test_a_reminder_for_an_owner_pmsync_does_not_know_mentions_nobody() -> None:
    state = synced(date(2026, 11, 25), cfg=config(people=("alice",), remind_before_days=2))
    (reminder,) = reminders(state)
    assert "@" + ZWJ + "bob" in reminder.body and "@bob" not in reminder.body


def test_a_reminder_a_person_deleted_does_not_come_back() -> None:
    state = synced(date(2026, 11, 25), date(2026, 11, 26))  # posted, then recorded
    (reminder,) = reminders(state)
    gone = tuple(c for c in state.bot_comments if c.id != reminder.id)
    state = state.model_copy(update={"bot_comments": gone})
    for day in (date(2026, 11, 26), FIRST_DUE):
        state, _ = sync(state, context(day))
    assert reminders(state) == []
