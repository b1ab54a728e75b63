"""Preventable repeats, pure: which earlier action items were planned and not done when
the new incident started, and how the repeat comment's first lines say so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from support import factories as f

from pmsync.config.schema import Config
from pmsync.core.domain import identity, markers
from pmsync.core.domain.changes import UpsertComment
from pmsync.core.domain.state import EarlierPostMortem, RepeatObservation, TicketState
from pmsync.core.planning.preventable import preventing_items
from pmsync.core.planning.repeats import repeat_changes

START = f.INCIDENT  # the new incident's start
EARLIER_START = START - timedelta(days=30)
PLANNED = EARLIER_START + timedelta(days=2)
REPO = "acme/ledger"


def ticket(key: str, **fields: Any) -> TicketState:
    labels = ("postmortem", identity.postmortem_label(REPO, 7))
    values: dict[str, Any] = {"created": PLANNED, "updated": PLANNED, "labels": labels}
    return f.ticket(key, **(values | fields))


def earlier(*tickets: TicketState, **pm: Any) -> EarlierPostMortem:
    items = tuple(
        f.action_item(row=n, ticket=t.key, action=f"Alert when payments-db pool {n}")
        for n, t in enumerate(tickets, start=1)
    )
    return EarlierPostMortem(
        issue=f.issue(repo=REPO, number=7, created_at=EARLIER_START + timedelta(hours=3)),
        postmortem=f.postmortem(incident_start=EARLIER_START, action_items=items, **pm),
        tickets=tickets,
    )


def done(key: str, when: datetime, resolution: str = "Done") -> TicketState:
    return ticket(key, status="Done", status_category="done", resolution=resolution, resolved=when)


@pytest.mark.parametrize(
    ("found", "state"),
    [
        (ticket("LED-1"), "open"),
        (ticket("LED-1", due=date(2026, 11, 1)), "overdue"),
        (done("LED-1", START + timedelta(hours=1)), "open"),  # done only after it started
        (done("LED-1", START - timedelta(days=1), "Won't Do"), "dropped"),
        (done("LED-1", START - timedelta(days=1)), None),  # done before: not preventable
        (ticket("LED-1", created=START + timedelta(hours=1)), None),  # planned after it
    ],
)
def test_what_an_earlier_item_was_when_the_new_incident_started(
    found: TicketState, state: str | None
) -> None:
    items = preventing_items(f.postmortem(), [earlier(found)], Config())
    assert [item.state for item in items] == ([state] if state else [])


def test_only_the_same_service_and_root_cause_count_whatever_the_rule() -> None:
    open_ticket = ticket("LED-1")
    assert preventing_items(f.postmortem(), [earlier(open_ticket)], Config())
    other_cause = earlier(open_ticket, root_cause_category="Deploy")
    assert preventing_items(f.postmortem(), [other_cause], Config()) == ()
    other_service = earlier(open_ticket, services=("ledger",))
    assert preventing_items(f.postmortem(), [other_service], Config()) == ()


def test_the_item_tells_where_and_when_it_was_planned() -> None:
    (item,) = preventing_items(f.postmortem(), [earlier(ticket("LED-1"))], Config())
    assert (item.postmortem, item.key, item.planned) == ("acme/ledger#7", "LED-1", PLANNED.date())
    assert item.action == "Alert when payments-db pool 1"


def _repeat_body(candidate: EarlierPostMortem) -> str:
    observed = f.observed(repeats=RepeatObservation(candidates=(candidate,)))
    found = repeat_changes(observed, f.postmortem(), config=Config(), today=START.date())
    (comment,) = [
        c for c in found.changes if isinstance(c, UpsertComment) and c.marker == markers.REPEAT
    ]
    return comment.body


def test_the_repeat_comment_says_preventable_first() -> None:
    body = _repeat_body(earlier(ticket("LED-1"), ticket("LED-2", due=date(2026, 11, 1))))
    lines = [line for line in body.splitlines() if line]
    assert lines[1] == "### 🔁 Repeat incident: preventable"
    assert lines[2] == (
        '**Preventable:** [LED-1](https://jira.example.com/browse/LED-1) "Alert when payments-db '
        f'pool 1" was planned on {PLANNED.date()} and still open when this started, and so was '
        "1 more earlier action item on the same service and root cause."
    )


def test_a_repeat_whose_earlier_items_were_done_before_is_not_called_preventable() -> None:
    body = _repeat_body(earlier(done("LED-1", START - timedelta(days=3))))
    assert "### 🔁 Repeat incident\n" in body and "Preventable" not in body


def test_user_text_in_the_preventable_line_mentions_no_one() -> None:
    candidate = earlier(ticket("LED-1"))
    items = (f.action_item(row=1, ticket="LED-1", action="Ask @alice <!-- x"),)
    pm = candidate.postmortem.model_copy(update={"action_items": items})
    body = _repeat_body(candidate.model_copy(update={"postmortem": pm}))
    assert "@alice" not in body and body.count("<!--") == body.count("-->")


def test_times_compare_as_instants_whatever_the_zone() -> None:
    resolved = START.astimezone(UTC) - timedelta(minutes=1)
    assert preventing_items(f.postmortem(), [earlier(done("LED-1", resolved))], Config()) == ()
