"""Issue #16 on the sandbox: what an attacker, a careless colleague and a crash could do
to pmsync, each reproduced as it was found and now held off."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from support.sandbox_pmsync import BODY, Site, jira_client_for

from pmsync.core.comment_budget import COMMENT_BUDGET
from pmsync.core.domain import markers
from pmsync.core.domain.state import CommentState
from pmsync.core.planning import plan as plan_module
from pmsync_sandbox.runner import Sandbox

START = "2026-11-20 14:02 UTC"


def comment(body: str) -> CommentState:
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    return CommentState(id=1, author="alice", body=body, created_at=moment, updated_at=moment)


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


@pytest.mark.parametrize("start", ["0001-01-01 00:00 UTC", "9999-12-31 23:00 -01:00"])
def test_a_date_out_of_range_is_feedback_and_the_others_are_synced(site: Site, start: str) -> None:
    broken = site.open("alice", BODY.replace(START, start))
    fine = site.open("alice")
    session = site.run()
    assert session.finish() == 0
    assert len(site.tickets(fine)) == 4 and site.tickets(broken) == {}
    (feedback,) = site.bot_comments(broken, markers.FEEDBACK)
    assert "outside the years 1970–2199" in feedback


def test_an_unexpected_error_on_one_postmortem_leaves_the_others_synced(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = site.open("alice")
    second = site.open("alice")
    real = plan_module.plan

    def plan_failing_on_first(observed, parsed, ctx):  # type: ignore[no-untyped-def]
        if observed.issue.number == first:
            raise OverflowError("date value out of range")
        return real(observed, parsed, ctx)

    monkeypatch.setattr("pmsync.orchestration.reconcile.plan", plan_failing_on_first)
    session = site.run()
    assert session.finish() == 1  # the run still says something failed
    assert [f for f in session.record.failures if f.startswith(f"acme/payments#{first}:")]
    assert "OverflowError" in session.record.failures[0]
    assert len(site.tickets(second)) == 4


def test_bare_urls_in_an_action_become_no_link_in_jira(site: Site) -> None:
    body = BODY.replace(
        "| Alert when", "| See https://evil.example and ftp://evil.example: alert when"
    )
    number = site.open("alice", body)
    site.run()
    # The summary is plain text in Jira; the description is wiki markup, where Jira links
    # any bare URL.
    texts = [ticket["description"]["wiki"] for ticket in site.tickets(number).values()]
    hostile = [text for text in texts if "evil.example" in text]
    assert hostile and not any("://evil" in text for text in hostile)


def test_a_lone_surrogate_in_a_body_does_not_fail_the_sync(site: Site) -> None:
    number = site.open("alice", BODY.replace("| Alert when", "| Odd \ud800 text: alert when"))
    session = site.run()
    assert session.finish() == 0
    assert len(site.tickets(number)) == 4
    site.sandbox.clear_requests()
    site.run()  # and in step: a second run writes nothing
    assert site.writes("github") == [] and site.writes("jira") == []


def test_a_lone_surrogate_in_a_ticket_summary_does_not_fail_the_sync(site: Site) -> None:
    number = site.open("alice")
    site.run()
    key = sorted(site.tickets(number))[0]
    jira_client_for(site.sandbox).issue(key).update(summary="Broken \ud800 summary")
    session = site.run()
    assert session.finish() == 0


def test_a_huge_action_still_gets_a_status_comment_within_githubs_limit(site: Site) -> None:
    number = site.open("alice", BODY.replace("| Alert when", "| " + "漢" * 17_000 + " alert when"))
    session = site.run()
    assert session.finish() == 0
    (status,) = site.bot_comments(number, markers.STATUS)
    assert len(status) < COMMENT_BUDGET
    assert markers.last_snapshot([comment(status)]).items  # the snapshot survived
    site.sandbox.clear_requests()
    site.run()
    assert site.writes("github") == [] and site.writes("jira") == []


def test_thousands_of_broken_rows_get_their_feedback_with_and_n_more(site: Site) -> None:
    start, end = BODY.index("| Alert when"), BODY.index("\n### Lessons")
    rows = "|a|b|P9|c|d||\n" * 2_000
    number = site.open("alice", BODY[:start] + rows + BODY[end:])
    site.run()
    (feedback,) = site.bot_comments(number, markers.FEEDBACK)
    assert len(feedback) < COMMENT_BUDGET
    assert re.search(r"… and \d[\d,]* more", feedback)
