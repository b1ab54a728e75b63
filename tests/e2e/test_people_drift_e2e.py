"""People drift end to end (issue #21): a row's owner edited on GitHub moves the ticket's
assignee on the next run (to the mapped account, or to nobody with a note naming the
missing `people:` entry), a person added to `people:` later gets their tickets, and a
rerun writes nothing."""

from __future__ import annotations

import pytest
from support.sandbox_pmsync import REPO, Site

from pmsync.config.schema import Person
from pmsync.core.domain import markers
from pmsync_sandbox.runner import Sandbox

pytestmark = pytest.mark.e2e

FIRST = "Alert when payments-db pool usage stays above 80% for 5 minutes"
THIRD = "Make the pool size a runtime setting that needs no restart"
FIRST_ROW = f"| {FIRST} | Detect | P1 | @bob |"
THIRD_ROW = f"| {THIRD} | Mitigate | P2 | @bob |"


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


def edit_body(site: Site, number: int, old: str, new: str) -> None:
    issue = site.as_("alice").get_repo(REPO).get_issue(number)
    assert old in issue.body
    issue.edit(body=issue.body.replace(old, new))


def assignees(site: Site, number: int) -> dict[str, str | None]:
    return {raw["summary"]: raw["assignee"] for raw in site.tickets(number).values()}


def settled(site: Site) -> None:
    """A rerun sends neither service a single write."""
    before = len(site.writes("jira")), len(site.writes("github"))
    site.run()
    assert (len(site.writes("jira")), len(site.writes("github"))) == before


def test_owners_edited_on_github_move_the_assignee_and_a_later_mapping_assigns(
    site: Site,
) -> None:
    number = site.open("alice")
    site.run()
    first, third = FIRST, THIRD
    assert assignees(site, number)[first] == "bob"

    edit_body(site, number, FIRST_ROW, FIRST_ROW.replace("@bob", "@carol"))
    edit_body(site, number, THIRD_ROW, THIRD_ROW.replace("@bob", "@alice"))
    site.run()
    now = assignees(site, number)
    assert now[first] is None  # carol has no Jira account pmsync knows
    assert now[third] == "alice"
    [status] = site.bot_comments(number, markers.STATUS)
    [note] = [line for line in status.splitlines() if "is unassigned" in line]
    assert note.startswith("- Row 1: ")
    assert "`people: {carol: {jira_account: ACCOUNT_ID}}`" in note
    settled(site)

    site.sandbox.add_jira_user("carol", display_name="Carol Chen")
    site.config = site.config.model_copy(
        update={"people": {**site.config.people, "carol": Person(jira_account="carol")}}
    )
    site.run()
    assert assignees(site, number)[first] == "carol"
    [status] = site.bot_comments(number, markers.STATUS)
    assert "is unassigned" not in status
    settled(site)
