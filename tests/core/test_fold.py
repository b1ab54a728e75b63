"""What an applied change does to the observed state: the folds both appliers share."""

from __future__ import annotations

from datetime import date

from support import factories as f

from pmsync.core.domain.changes import (
    CloseDuplicate,
    CommentOnTicket,
    EditTicket,
    SetIssueLabels,
    UpsertComment,
)
from pmsync.core.domain.identity import DUPLICATE_LABEL
from pmsync.core.domain.state import EarlierPostMortem, RepeatObservation
from pmsync.core.planning.fold import (
    edited,
    label_delta,
    ticket_after,
    with_comment,
    with_issue_labels,
)


def test_an_edit_folds_in_the_fields_pmsync_observes() -> None:
    ticket = f.ticket("OPS-1", priority="Low", assignee="acc-bob")
    after = edited(
        ticket,
        {
            "summary": "New text",
            "priority": "Highest",
            "duedate": "2026-12-24",
            "assignee": None,
            "description": "not observed",
        },
    )
    assert (after.summary, after.priority, after.due, after.assignee) == (
        "New text",
        "Highest",
        date(2026, 12, 24),
        None,
    )
    assert edited(ticket, {"duedate": None}).due is None


def test_labels_are_compared_as_github_does_without_regard_to_case() -> None:
    change = SetIssueLabels(
        repo=f.REPO, number=f.NUMBER, add=("PostMortem", "pm:complete"), remove=("pm:needs-fix",)
    )
    labels = ("postmortem", "PM:Needs-Fix")
    assert label_delta(labels, change) == (("pm:complete",), ("PM:Needs-Fix",))
    state = f.observed(issue=f.issue(labels=labels))
    assert with_issue_labels(state, change).issue.labels == ("postmortem", "pm:complete")


def test_a_comment_on_an_earlier_post_mortem_is_recorded_as_its_back_link() -> None:
    earlier = EarlierPostMortem(issue=f.issue(number=7), postmortem=f.postmortem())
    state = f.observed(repeats=RepeatObservation(candidates=(earlier,)))
    backlink = UpsertComment(repo=f.REPO, number=7, marker="m", body="b", comment_id=None)
    after = with_comment(state, backlink, f.comment("b", id=99))
    assert after.bot_comments == () and after.repeats is not None
    assert after.repeats.candidates[0].backlinked


def test_a_ticket_after_a_jira_write_holds_what_the_write_set() -> None:
    ticket = f.ticket("OPS-1", priority="Low", labels=("postmortem",))
    edit = EditTicket(ticket="OPS-1", fields={"priority": "High"}, reason="row changed")
    assert ticket_after(ticket, edit).priority == "High"
    told = CommentOnTicket(ticket="OPS-1", body="removed", add_labels=("pmsync-removed",))
    assert ticket_after(ticket, told).labels == ("postmortem", "pmsync-removed")
    closed = CloseDuplicate(ticket="OPS-1", original="OPS-0", body="duplicate of OPS-0")
    assert ticket_after(ticket, closed).labels == ("postmortem", DUPLICATE_LABEL)
