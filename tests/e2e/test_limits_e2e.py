"""Limits on the sandbox: a body over GitHub's 65,536 characters, a body without room
for the Ticket links pmsync would write into it, and more action items than
`lint.max_action_items` are refused before anything is written: no request that writes
to Jira, and on GitHub only the feedback comment (and its needs-fix label).
"""

from __future__ import annotations

import pytest
from support.sandbox_pmsync import BODY, REPO, Site

from pmsync.core.domain import markers
from pmsync.core.postmortem.parse import MAX_BODY_CHARACTERS, TICKET_CELL_RESERVE
from pmsync_sandbox.runner import Sandbox

ROW = "| Review connection limits of service {n} | Prevent | P2 | @bob | 2 weeks | |\n"


def with_rows(count: int) -> str:
    start, end = BODY.index("| Alert when"), BODY.index("\n### Lessons")
    return BODY[:start] + "".join(ROW.format(n=n) for n in range(1, count + 1)) + BODY[end:]


def feedback_only(site: Site, number: int) -> str:
    """The writes a refused post-mortem gets: its feedback comment and the needs-fix label
    (created in the repository, then put on the issue). Returns the comment."""
    assert site.writes("jira") == []
    assert site.writes("github") == [
        ("POST", f"/repos/{REPO}/issues/{number}/comments"),
        ("POST", f"/repos/{REPO}/labels"),
        ("POST", f"/repos/{REPO}/issues/{number}/labels"),
    ]
    assert site.tickets() == {}
    assert "pm:needs-fix" in site.labels(number)
    comments = site.comments(number)
    assert len(comments) == 1 and markers.has_marker(comments[0]["body"], markers.FEEDBACK)
    body: str = comments[0]["body"]
    return body


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


def test_too_many_action_items_are_refused_before_any_write(site: Site) -> None:
    limit = site.config.lint.max_action_items
    number = site.open("alice", with_rows(limit + 1))
    site.sandbox.clear_requests()
    session = site.run()
    assert session.finish() == 0  # a refused post-mortem is feedback, not a failed run
    feedback = feedback_only(site, number)
    assert f"{limit + 1} action items; at most {limit} are accepted" in feedback
    assert "lint.max_action_items" in feedback

    site.sandbox.clear_requests()
    site.run()
    assert site.writes("github") == [] and site.writes("jira") == []


def test_the_limit_itself_is_accepted(site: Site) -> None:
    limit = site.config.lint.max_action_items
    number = site.open("alice", with_rows(limit))
    site.run()
    assert len(site.tickets(number)) == limit


def test_an_oversized_body_is_refused_before_any_write(site: Site) -> None:
    """GitHub refuses such a body through its API (the sandbox too), so it is put in the
    store directly: pmsync must not trust that whatever it reads is within the limit."""
    number = site.open("alice")
    padding = "\n\nLog excerpt:\n" + "x" * (MAX_BODY_CHARACTERS + 1 - len(BODY))
    state = site.sandbox.state()
    issue = state["github"]["repos"][REPO]["issues"][str(number)]
    issue["body"] = BODY.replace("### Lessons learned", padding + "\n\n### Lessons learned")
    site.sandbox.restore(state)
    site.sandbox.clear_requests()
    site.run()
    feedback = feedback_only(site, number)
    size = len(issue["body"])
    assert size > MAX_BODY_CHARACTERS
    assert f"the body has {size:,} characters; GitHub accepts at most 65,536" in feedback


def test_github_itself_refuses_an_oversized_body(site: Site) -> None:
    """Why the check is cheap insurance: the API answers 422 to a body over the limit."""
    with pytest.raises(Exception, match="422"):
        site.open("alice", BODY + "x" * MAX_BODY_CHARACTERS)


def padded(size: int) -> str:
    """The example post-mortem grown to ``size`` characters by a long log excerpt."""
    filler = "\n\nLog excerpt:\n"
    padding = filler + "x" * (size - len(BODY) - len(filler))
    body = BODY.replace("\n\n### Lessons learned", padding + "\n\n### Lessons learned")
    assert len(body) == size
    return body


def test_a_body_without_room_for_its_ticket_links_is_refused_before_any_ticket(
    site: Site,
) -> None:
    """Within GitHub's limit, but the four Ticket links would take it over: creating the
    tickets would leave them unrecordable, so nothing is created."""
    room = 4 * TICKET_CELL_RESERVE
    number = site.open("alice", padded(MAX_BODY_CHARACTERS - room + 1))
    site.sandbox.clear_requests()
    site.run()
    feedback = feedback_only(site, number)
    assert "filling in its Ticket column needs about 800 more" in feedback


def test_a_body_with_room_for_its_ticket_links_is_synced_whole(site: Site) -> None:
    number = site.open("alice", padded(MAX_BODY_CHARACTERS - 4 * TICKET_CELL_RESERVE))
    assert site.run().finish() == 0
    assert len(site.tickets(number)) == 4
    body = site.issue_state(number)["body"]
    assert len(body) <= MAX_BODY_CHARACTERS
    assert all(f"[{key}](" in body for key in site.tickets(number))


def test_an_edit_listing_thousands_of_services_makes_no_labels_and_says_why(site: Site) -> None:
    """Issue 16, item 8: each service becomes a label, so an approved author's edit listing
    3,000 services made 3,000 repository labels. Now the edit is feedback, naming the limit
    and its key; the tickets stay as they are and nothing more is labelled."""
    number = site.open("alice")
    site.run()
    labels_before = sorted(site.labels(number))
    tickets_before = site.tickets(number)
    services = ", ".join(f"service-{n}" for n in range(3000))
    edited = BODY.replace("payments-api, payments-db", services)
    site.as_("alice").get_repo(REPO).get_issue(number).edit(body=edited)

    site.sandbox.clear_requests()
    assert site.run().finish() == 0
    assert site.writes("jira") == []
    assert [w for w in site.writes("github") if w[1] == f"/repos/{REPO}/labels"] == [
        ("POST", f"/repos/{REPO}/labels")  # the needs-fix label, and nothing else
    ]
    assert sorted(site.labels(number)) == sorted([*labels_before, "pm:needs-fix"])
    assert site.tickets(number) == tickets_before
    (feedback,) = site.bot_comments(number, markers.FEEDBACK)
    limit = site.config.lint.max_services
    assert f"3000 affected services; at most {limit} are accepted (lint.max_services" in feedback
