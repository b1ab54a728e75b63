"""Jira refusing pmsync's tickets shows on the post-mortem (issue #21): a comment naming
what was not created, Jira's reason and the key to change, and the blocked label, until a
run gets through; tickets Jira did create are recorded at once. Reruns change nothing."""

from __future__ import annotations

import pytest
from support.sandbox_pmsync import Site

from pmsync.config.schema import Config, Person
from pmsync.core.domain import markers
from pmsync_sandbox.runner import Sandbox

BLOCKED = "pm:blocked"


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


def configured(site: Site, jira: dict[str, object] | None = None, **people: str) -> None:
    data = site.config.model_dump()
    data["jira"] |= jira or {}
    data["people"] |= {
        login: Person(jira_account=account).model_dump() for login, account in people.items()
    }
    site.config = Config.model_validate(data)


def end_state(site: Site, number: int) -> tuple[object, ...]:
    return (
        sorted(site.labels(number)),
        [c["body"] for c in site.comments(number)],
        sorted(site.tickets(number)),
        site.issue_state(number)["body"],
    )


def test_a_wrong_project_blocks_until_fixed_then_every_ticket_is_created_once(site: Site) -> None:
    configured(site, {"project": "NOPE"})
    number = site.open("alice")
    first = site.run()
    assert first.finish() == 1
    assert site.tickets(number) == {}
    assert BLOCKED in site.labels(number)
    [blocked] = site.bot_comments(number, markers.BLOCKED)
    assert "was not created" in blocked
    assert "`jira.project`" in blocked
    assert "pmsync doctor" in blocked
    for comment in site.comments(number):
        assert "is creating" not in comment["body"]
        assert "has created" not in comment["body"]
    before = end_state(site, number)
    site.run()
    assert end_state(site, number) == before  # a rerun of a refused run changes nothing

    configured(site, {"project": "OPS"})
    assert site.run().finish() == 0
    tickets = site.tickets(number)
    assert len(tickets) == 4
    assert BLOCKED not in site.labels(number)
    assert "accepted" in site.bot_comments(number, markers.BLOCKED)[0]
    settled = end_state(site, number)
    site.run()
    site.run()
    assert end_state(site, number) == settled
    assert len(site.tickets(number)) == 4


def test_tickets_jira_did_create_are_recorded_when_others_are_refused(site: Site) -> None:
    configured(site, bob="no-such-account")
    number = site.open("alice")
    site.run()
    created = site.tickets(number)
    assert created, "Jira refused every ticket; this test needs a partial refusal"
    body = site.issue_state(number)["body"]
    for key in created:
        assert f"[{key}](" in body  # the Ticket cells of the created ones are filled
    [status] = site.bot_comments(number, markers.STATUS)
    for key in created:
        assert key in status
    [blocked] = site.bot_comments(number, markers.BLOCKED)
    assert "assignee" in blocked
    assert "`people:`" in blocked
    assert BLOCKED in site.labels(number)
