"""Issue #16 on the sandbox: what an attacker, a careless colleague and a crash could do
to pmsync, each reproduced as it was found and now held off."""

from __future__ import annotations

import pytest
from support.sandbox_pmsync import BODY, Site, jira_client_for

from pmsync.core.domain import markers
from pmsync.core.planning import plan as plan_module
from pmsync_sandbox.runner import Sandbox

START = "2026-11-20 14:02 UTC"


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
