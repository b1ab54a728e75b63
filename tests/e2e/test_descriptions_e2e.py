"""Ticket descriptions stay true end to end (issue #21): a row's owner, priority and due
date edited on GitHub change the ticket's assignee, fields and description on the next
run; what the owner wrote in Jira (through REST v3, as Jira Cloud's editor stores it, a
document) stays; a rerun writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from support.sandbox_pmsync import REPO, Site, jira_client_for

from pmsync.adapters.jira import authenticated_session
from pmsync_sandbox.runner import Sandbox

pytestmark = pytest.mark.e2e

FIRST = "Alert when payments-db pool usage stays above 80% for 5 minutes"
FIRST_VALUES = "| Detect | P1 | @bob | 2026-11-27 |"
EDITED_VALUES = "| Detect | P0 | @alice | 2026-12-04 |"
NOTE = "Owner's note: roll out behind the canary first."


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


def first_ticket(site: Site, number: int) -> tuple[str, dict[str, Any]]:
    [(key, raw)] = [(k, r) for k, r in site.tickets(number).items() if r["summary"] == FIRST]
    return key, raw


def description(site: Site, key: str) -> str:
    """The description as REST v2 gives it: wiki text."""
    session = authenticated_session(jira_client_for(site.sandbox))
    answer = session.get(f"{site.sandbox.jira_url}/rest/api/2/issue/{key}?fields=description")
    text: str = answer.json()["fields"]["description"]
    return text


def owner_adds_a_note_in_jira(site: Site, key: str) -> None:
    """Jira Cloud's editor: the description is a document (REST v3), a paragraph put first."""
    session = authenticated_session(jira_client_for(site.sandbox))
    url = f"{site.sandbox.jira_url}/rest/api/3/issue/{key}"
    document = session.get(url, params={"fields": "description"}).json()["fields"]["description"]
    note = {"type": "paragraph", "content": [{"type": "text", "text": NOTE}]}
    document["content"].insert(0, note)
    answer = session.put(url, json={"fields": {"description": document}})
    assert answer.status_code == 204, answer.text


def edit_first_row(site: Site, number: int) -> None:
    issue = site.as_("alice").get_repo(REPO).get_issue(number)
    line = next(line for line in issue.body.splitlines() if line.startswith(f"| {FIRST} |"))
    assert FIRST_VALUES in line
    issue.edit(body=issue.body.replace(line, line.replace(FIRST_VALUES, EDITED_VALUES)))


def test_a_row_edited_on_github_rewrites_pmsyncs_part_of_the_description(site: Site) -> None:
    number = site.open("alice")
    site.run()
    key, _ = first_ticket(site, number)
    created = description(site, key)
    assert "*Due:* 2026-11-27" in created and "*Owner:* \\@bob (GitHub)" in created
    owner_adds_a_note_in_jira(site, key)
    before = len(site.writes("jira"))
    site.run()
    assert len(site.writes("jira")) == before  # a note alone changes nothing pmsync says

    edit_first_row(site, number)
    run = site.run()
    assert not run.record.failures
    _, raw = first_ticket(site, number)
    assert raw["assignee"] == "alice" and raw["due"] == "2026-12-04"
    text = description(site, key)
    assert text.startswith(NOTE)
    assert "*Due:* 2026-12-04" in text and "*Priority:* P0" in text
    assert "*Owner:* \\@alice (GitHub)" in text
    assert "2026-11-27" not in text and "\\@bob" not in text
    assert ("PUT", f"/rest/api/2/issue/{key}") in site.writes("jira")

    writes = len(site.writes("jira")), len(site.writes("github"))
    site.run()
    assert (len(site.writes("jira")), len(site.writes("github"))) == writes


def test_without_a_due_date_field_the_description_carries_the_new_due_date(site: Site) -> None:
    site.sandbox.set_jira_profile("strict")  # no due date on the screen (core.site.fit)
    jira = type(site.config.jira).model_validate(
        site.config.jira.model_dump()
        | {
            "fields": {"Team": "Platform"},
            "priorities": {"P0": "Blocker", "P1": "Critical", "P2": "Major", "P3": "Minor"},
        }
    )
    site.config = site.config.model_copy(update={"jira": jira})
    number = site.open("alice")
    site.run()
    key, raw = first_ticket(site, number)
    assert raw["due"] is None and "*Due:* 2026-11-27" in description(site, key)

    edit_first_row(site, number)
    # The due date cannot be set on this site: the edit leaves it out (as the create did)
    # and sends the rest, and the description carries the new date.
    run = site.run()
    text = description(site, key)
    assert "*Due:* 2026-12-04" in text and "2026-11-27" not in text
    outcomes = [(o.change.kind, o.status) for o in run.record.summary.outcomes]
    assert ("rewrite_description", "applied") in outcomes and ("edit_ticket", "applied") in outcomes
    assert run.record.failures == [] and "pm:blocked" not in site.labels(number)
    _, edited = first_ticket(site, number)
    assert (edited["assignee"], edited["due"]) == ("alice", None), edited
    assert edited["priority"] != raw["priority"]  # Critical (P1) became Blocker (P0)
    jira_writes = len(site.writes("jira"))
    site.run()
    assert len(site.writes("jira")) == jira_writes  # the description is not written again


def test_an_edit_jira_refused_once_is_sent_again_on_the_next_run(site: Site) -> None:
    """The status comment written after a refusal does not take the held-back edit as made:
    the next run still sees the table's change and sends it."""
    number = site.open("alice")
    site.run()
    key, raw = first_ticket(site, number)
    edit_first_row(site, number)
    site.sandbox.add_fault(
        service="jira", method="PUT", path_regex=rf"/rest/api/2/issue/{key}$", status=400
    )
    refused = site.run()
    assert refused.record.failures and "pm:blocked" in site.labels(number)
    assert first_ticket(site, number)[1]["assignee"] == raw["assignee"]  # nothing reached Jira

    site.run()
    _, edited = first_ticket(site, number)
    assert edited["assignee"] == "alice" and edited["priority"] != raw["priority"]
    assert "*Due:* 2026-12-04" in description(site, key)
    assert "pm:blocked" not in site.labels(number)
