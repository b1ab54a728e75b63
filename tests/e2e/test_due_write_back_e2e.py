"""A due date changed in Jira reaches the post-mortem's table (issue #18): the next run
writes it into the row's Due cell, the status comment and the ticket's description agree
with it, and a rerun writes nothing. A row whose due date the author changed too keeps
the author's date (a conflict, as the status comment says)."""

from __future__ import annotations

import pytest
from support.lifecycle import Killed, kill_when
from support.sandbox_pmsync import REPO, Site, jira_client_for

from pmsync.adapters.jira import authenticated_session
from pmsync.core.domain import markers
from pmsync_sandbox.runner import Sandbox

pytestmark = pytest.mark.e2e

FIRST = "Alert when payments-db pool usage stays above 80% for 5 minutes"


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


def first_row(site: Site, number: int) -> str:
    body = site.as_("alice").get_repo(REPO).get_issue(number).body
    return next(line for line in body.splitlines() if line.startswith(f"| {FIRST} |"))


def first_key(site: Site, number: int) -> str:
    [key] = [k for k, raw in site.tickets(number).items() if raw["summary"] == FIRST]
    return key


def set_jira_due(site: Site, key: str, due: str) -> None:
    session = authenticated_session(jira_client_for(site.sandbox))
    url = f"{site.sandbox.jira_url}/rest/api/2/issue/{key}"
    answer = session.put(url, json={"fields": {"duedate": due}})
    assert answer.status_code == 204, answer.text


def settled(site: Site) -> None:
    before = len(site.writes("jira")), len(site.writes("github"))
    site.run()
    assert (len(site.writes("jira")), len(site.writes("github"))) == before


def test_a_due_date_changed_in_jira_is_written_into_the_table(site: Site) -> None:
    number = site.open("alice")
    site.run()
    key = first_key(site, number)
    assert "| 2026-11-27 |" in first_row(site, number)
    set_jira_due(site, key, "2026-12-09")

    run = site.run()
    assert not run.record.failures
    row = first_row(site, number)
    assert "| 2026-12-09 |" in row and f"[{key}](" in row
    [status] = site.bot_comments(number, markers.STATUS)
    [line] = [line for line in status.splitlines() if f"[{key}](" in line]
    assert "2026-12-09" in line and "changed both" not in status
    description = site.tickets(number)[key]["description"]["wiki"]
    assert "*Due:* 2026-12-09" in description
    assert site.tickets(number)[key]["due"] == "2026-12-09"  # Jira's date stood
    settled(site)


def test_a_due_date_changed_on_both_sides_keeps_the_authors_cell(site: Site) -> None:
    number = site.open("alice")
    site.run()
    key = first_key(site, number)
    set_jira_due(site, key, "2026-12-09")
    issue = site.as_("alice").get_repo(REPO).get_issue(number)
    row = first_row(site, number)
    issue.edit(body=issue.body.replace(row, row.replace("| 2026-11-27 |", "| 2026-12-24 |")))

    site.run()
    assert "| 2026-12-24 |" in first_row(site, number)
    [status] = site.bot_comments(number, markers.STATUS)
    assert f"**{key}**: the due date was changed both in the table (2026-12-24)" in status
    settled(site)


@pytest.mark.parametrize("after", ["PATCH", "PUT"], ids=["due-cell-written", "description-written"])
def test_a_run_killed_right_after_a_write_of_the_pull_converges_on_the_rerun(
    site: Site, after: str
) -> None:
    number = site.open("alice")
    site.run()
    key = first_key(site, number)
    set_jira_due(site, key, "2026-12-09")
    issue_path = f"/repos/{REPO}/issues/{number}"
    killed_at = {
        "PATCH": lambda r: r.method == "PATCH" and r.path == issue_path,
        "PUT": lambda r: r.method == "PUT" and r.path.endswith(f"/issue/{key}"),
    }[after]
    with pytest.raises(Killed):
        site.run(requests=kill_when(killed_at))

    site.run()
    assert "| 2026-12-09 |" in first_row(site, number)
    [status] = site.bot_comments(number, markers.STATUS)
    assert "2026-12-09" in status and "changed both" not in status
    assert "*Due:* 2026-12-09" in site.tickets(number)[key]["description"]["wiki"]
    assert len(site.bot_comments(number, markers.STATUS)) == 1
    settled(site)
