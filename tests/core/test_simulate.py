"""The simulator folds each change kind into the observed state, as the applier would."""

from __future__ import annotations

from datetime import UTC, date, datetime

from support.factories import JIRA, NUMBER, REPO, comment, issue, observed, ticket

from pmsync.core.domain.changes import (
    AddRemoteLink,
    CommentOnTicket,
    CreateTickets,
    EditTicket,
    EnsureRepoLabel,
    LinkTickets,
    NewTicket,
    SetIssueLabels,
    SetIssueState,
    UpsertComment,
)
from pmsync.core.domain.state import TicketLink
from pmsync.core.planning.simulate import Simulator, simulate

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SIM = Simulator(NOW, JIRA)


def new_ticket(row: int) -> NewTicket:
    return NewTicket(
        item_id=f"{row:012d}",
        row=row,
        project="OPS",
        issue_type="Task",
        summary=f"item {row}",
        description="d",
        priority="High",
        due=date(2026, 12, 24),
        labels=("postmortem",),
        assignee=None,
    )


def test_created_tickets_get_invented_keys_that_continue() -> None:
    state = observed(tickets=(ticket("NEW-4"), ticket("OPS-9")))
    create = CreateTickets(repo=REPO, number=NUMBER, tickets=(new_ticket(1), new_ticket(2)))
    after = SIM.apply(create, state)
    made = after.tickets[2:]
    assert [t.key for t in made] == ["NEW-5", "NEW-6"]
    assert made[0].url == f"{JIRA}/browse/NEW-5" and made[0].status_category == "new"
    assert made[0].created == NOW and made[0].summary == "item 1"
    other_issue = CreateTickets(repo=REPO, number=NUMBER + 1, tickets=(new_ticket(1),))
    assert SIM.apply(other_issue, state) == state


def test_ticket_edits_labels_and_links() -> None:
    state = observed(tickets=(ticket("OPS-1"),))
    edit = EditTicket(
        ticket="OPS-1",
        fields={"summary": "new", "priority": "Low", "assignee": None, "duedate": "2027-01-02"},
        reason="test",
    )
    edited = SIM.apply(edit, state).tickets[0]
    assert (edited.summary, edited.priority, edited.assignee) == ("new", "Low", None)
    assert edited.due == date(2027, 1, 2) and edited.updated == NOW
    told = SIM.apply(CommentOnTicket(ticket="OPS-1", body="b", add_labels=("x",)), state)
    assert told.tickets[0].labels[-1] == "x"
    linked = simulate(AddRemoteLink(ticket="OPS-1", url="u", title="t"), state, now=NOW)
    assert linked.remote_linked == ("OPS-1",)
    related = SIM.apply(LinkTickets(inward="OPS-1", outward="OPS-2"), state)
    assert related.tickets[0].links == (TicketLink(type="Relates", key="OPS-2"),)
    assert (
        SIM.apply(EnsureRepoLabel(repo=REPO, name="x", color="fff", description=""), state) == state
    )


def test_comments_labels_and_state() -> None:
    state = observed(
        issue=issue(labels=("postmortem", "PM:Needs-Fix")), bot_comments=(comment("a", id=7),)
    )
    created = SIM.apply(
        UpsertComment(repo=REPO, number=NUMBER, marker="m", body="b", comment_id=None), state
    )
    assert [(c.id, c.body, c.author) for c in created.bot_comments][-1] == (8, "b", "pmsync[bot]")
    edited = SIM.apply(
        UpsertComment(repo=REPO, number=NUMBER, marker="m", body="c", comment_id=7), state
    )
    assert edited.bot_comments[0].body == "c"
    relabelled = SIM.apply(
        SetIssueLabels(repo=REPO, number=NUMBER, add=("pm:complete",), remove=("pm:needs-fix",)),
        state,
    )
    assert relabelled.issue.labels == ("postmortem", "pm:complete")
    closed = SIM.apply(SetIssueState(repo=REPO, number=NUMBER, state="closed"), state)
    assert closed.issue.state == "closed" and closed.issue.updated_at == NOW
