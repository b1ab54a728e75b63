"""Follow-up reviews end to end: `pmsync sync --now …` against the sandbox, with its clock
moved along (``PUT /_sandbox/clock``), through the real PyGithub and `jira` clients.

Each review must appear exactly once however many syncs, restarts and edits happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jira
import pytest
from github import Github
from support.lifecycle import Killed, Pmsync, kill_when
from support.sandbox_pmsync import BODY, REPO, close_ticket, use_sandbox, write_config

from pmsync.adapters.retry import RequestRecord
from pmsync.config.loading import load_config
from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

# Two items of BODY, the example post-mortem (incident on Friday 20 November 2026).
BOBS_P1 = "Alert when payments-db pool usage stays above 80% for 5 minutes"  # due 27 November
ALICES_P2 = "Add database connections to the capacity checklist run 5 days before each campaign"
REVIEW_14 = markers.followup_marker(14)
REVIEW_28 = markers.followup_marker(28)


@dataclass
class Story:
    """One post-mortem on the sandbox, and `pmsync sync` run on chosen days."""

    sandbox: Sandbox
    config: Path
    github: Github
    jira: jira.JIRA
    number: int = 0
    exits: list[int] = field(default_factory=list)

    def travel(self, day: date, hour: int = 10) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        self.sandbox.set_clock(moment)
        return moment

    def open(self, day: date, body: str = BODY) -> int:
        self.travel(day, 9)
        repo = self.github.get_repo(REPO)
        self.number = repo.create_issue("Pool exhausted", body=body, labels=["postmortem"]).number
        return self.number

    def sync(self, day: date, hour: int = 10) -> int:
        """`pmsync sync` as of ``day``; every call is a new process in all but name."""
        moment = self.travel(day, hour)
        code = main(["sync", "--config", str(self.config), "--now", moment.isoformat()])
        self.exits.append(code)
        return code

    def comments(self) -> list[str]:
        issue = self.github.get_repo(REPO).get_issue(self.number)
        return [comment.body for comment in issue.get_comments()]

    def with_marker(self, marker: str) -> list[str]:
        return [body for body in self.comments() if markers.has_marker(body, marker)]

    def reviews(self) -> list[str]:
        return [body.splitlines()[0] for body in self.with_marker("<!-- pmsync:followup:")]

    def labels(self) -> set[str]:
        issue = self.github.get_repo(REPO).get_issue(self.number)
        return {label.name for label in issue.labels}

    def state(self) -> str:
        return str(self.github.get_repo(REPO).get_issue(self.number).state)

    def set_state(self, state: str) -> None:
        self.github.get_repo(REPO).get_issue(self.number).edit(state=state)

    def writes(self) -> list[tuple[str, str]]:
        return [
            (r["method"], r["path"])
            for r in self.sandbox.requests()
            if r["method"] not in ("GET", "HEAD")
        ]

    def tickets(self) -> list[Any]:
        label = identity.postmortem_label(REPO, self.number)
        return list(self.jira.search_issues(f'labels = "{label}"', maxResults=100))

    def ticket_key(self, summary: str) -> str:
        (key,) = [issue.key for issue in self.tickets() if issue.fields.summary == summary]
        return str(key)

    def finish(self, key: str) -> None:
        close_ticket(self.jira, key)

    def finish_all(self) -> None:
        for issue in self.tickets():
            self.finish(issue.key)


@pytest.fixture
def story(
    sandbox: Sandbox,
    github_client: Github,
    jira_client: jira.JIRA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Story:
    use_sandbox(sandbox, monkeypatch)
    config = write_config(tmp_path, REPO, people=True)
    return Story(sandbox, config, github_client, jira_client)


def configure(story: Story, extra: str) -> None:
    write_config(story.config.parent, REPO, people=True, extra=extra)


def killed_after_posting(story: Story, marker: str, day: date) -> None:
    """A sync that dies right after GitHub stored the comment carrying ``marker``."""
    moment = story.travel(day)
    created = story.with_marker(marker)

    def posted(entry: RequestRecord) -> bool:
        comment = entry.method == "POST" and entry.path.endswith("/comments")
        return comment and len(story.with_marker(marker)) > len(created)

    with pytest.raises(Killed):
        Pmsync(story.sandbox, load_config(story.config)).sync(moment, kill_when(posted))


# --- the stories ---------------------------------------------------------------------------------


def test_each_review_appears_once_across_many_syncs_restarts_and_edits(story: Story) -> None:
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    story.sync(date(2026, 11, 27))
    assert story.reviews() == [] and "pm:overdue" not in story.labels()

    # Bob's P1 was due on the 27th: overdue from the 28th, marked in the status comment.
    story.sync(date(2026, 11, 28))
    assert "pm:overdue" in story.labels()
    (status,) = story.with_marker(markers.STATUS)
    assert "⚠️ overdue 1d" in status

    story.sync(date(2026, 12, 3))
    assert story.reviews() == []
    for hour in (8, 12, 18):  # the review day: once, whatever the number of syncs
        story.sandbox.clear_requests()
        story.sync(date(2026, 12, 4), hour)
        if hour == 8:
            assert ("POST", f"/repos/{REPO}/issues/{story.number}/comments") in story.writes()
        else:
            assert story.writes() == []
    assert story.reviews() == [REVIEW_14]
    (review,) = story.with_marker(REVIEW_14)
    assert "2-week follow-up review: review action item progress" in review
    assert "complete, or has a clear plan and date" in review
    assert "@bob" in review  # a configured owner of an open item is mentioned

    # An edited body (a due date moved) does not bring the review back.
    issue = story.github.get_repo(REPO).get_issue(story.number)
    edited = issue.body.replace("| 2 weeks |", "| 2026-12-20 |")
    assert edited != issue.body
    issue.edit(body=edited)
    story.sync(date(2026, 12, 5))
    assert story.reviews() == [REVIEW_14]

    # Both overdue items get done (bob's, and alice's checklist item due on the 4th): the
    # overdue label goes.
    story.finish(story.ticket_key(BOBS_P1))
    story.sync(date(2026, 12, 5), 12)
    assert "pm:overdue" in story.labels()
    story.finish(story.ticket_key(ALICES_P2))
    story.sync(date(2026, 12, 6))
    assert "pm:overdue" not in story.labels()

    # A sync dies right after posting the 4-week review; the next one does not repeat it.
    killed_after_posting(story, REVIEW_28, date(2026, 12, 18))
    assert story.reviews() == [REVIEW_14, REVIEW_28]
    story.sync(date(2026, 12, 18), 11)
    for day in (date(2026, 12, 19), date(2027, 1, 4), date(2027, 3, 1)):
        story.sync(day)
    assert story.reviews() == [REVIEW_14, REVIEW_28]
    (final,) = story.with_marker(REVIEW_28)
    assert "verify fixes in production and close the post-mortem" in final
    assert "**Completion: 50%** (2 of 4 action items done) against a target of 90%" in final
    assert set(story.exits) == {0}


def test_a_late_post_mortem_gets_only_the_latest_review(story: Story) -> None:
    story.open(date(2026, 12, 21))  # the incident was on 20 November
    story.sync(date(2026, 12, 21))
    story.sync(date(2026, 12, 22))
    assert story.reviews() == [REVIEW_28]
    (review,) = story.with_marker(REVIEW_28)
    assert "The 2-week review (due 2026-12-04) was skipped" in review


def test_a_corrected_incident_start_never_brings_the_2_week_review_after_the_4_week_one(
    story: Story,
) -> None:
    story.open(date(2026, 12, 21))  # the incident was on 20 November
    story.sync(date(2026, 12, 21))
    assert story.reviews() == [REVIEW_28]
    # Corrected to 27 November: the 2-week review is due (11 December), the 4-week one not
    # yet (the 25th); the 4-week one exists, so neither is posted.
    story.travel(date(2026, 12, 21), 12)
    issue = story.github.get_repo(REPO).get_issue(story.number)
    issue.edit(body=issue.body.replace("2026-11-20 ", "2026-11-27 "))
    for day in (date(2026, 12, 22), date(2027, 1, 4)):
        story.sync(day)
        assert story.reviews() == [REVIEW_28]
    assert "2026-11-27 14:02 UTC" in story.github.get_repo(REPO).get_issue(story.number).body
    assert set(story.exits) == {0}


def test_a_closed_post_mortem_rests_and_a_reopened_one_resumes(story: Story) -> None:
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    story.travel(date(2026, 12, 1))
    story.set_state("closed")
    story.sync(date(2026, 12, 4))
    story.sync(date(2026, 12, 10))
    assert story.reviews() == []
    story.travel(date(2026, 12, 21), 9)
    story.set_state("open")
    story.sync(date(2026, 12, 21))
    story.sync(date(2026, 12, 22))
    assert story.reviews() == [REVIEW_28]
    assert "2-week review (due 2026-12-04) was skipped" in story.with_marker(REVIEW_28)[0]


def test_nudges_once_per_overdue_item_and_due_date(story: Story) -> None:
    configure(story, "followup:\n  nudge_overdue: true\n")
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    for day in (28, 29, 30):
        story.sync(date(2026, 11, day))
    key = story.ticket_key(BOBS_P1)
    (nudge,) = story.with_marker("<!-- pmsync:nudge:")
    (item,) = identity.item_ids_in(story.jira.issue(key).fields.labels)
    assert nudge.startswith(markers.nudge_marker(item, date(2026, 11, 27)))
    assert f"⏰ @bob: the action item [{key}]" in nudge


def finished_before_the_last_review(story: Story) -> None:
    """A post-mortem pmsync closes when complete, every item done, synced on 10 December
    (the 4-week review is due on the 18th)."""
    configure(story, "followup:\n  close_when_complete: true\n")
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    story.finish_all()
    story.sync(date(2026, 12, 10))


def test_a_complete_post_mortem_is_closed_after_the_last_review(story: Story) -> None:
    finished_before_the_last_review(story)
    assert "pm:complete" in story.labels() and story.state() == "open"
    story.sync(date(2026, 12, 18))
    assert story.state() == "closed"
    assert story.reviews() == [REVIEW_14, REVIEW_28]
    (closing,) = story.with_marker(markers.marker("closing"))
    assert "All 4 action items are done and the 4-week review has been posted" in closing
    # Reopened by a person: pmsync syncs it again but never closes it a second time.
    story.set_state("open")
    story.sync(date(2026, 12, 21))
    assert story.state() == "open"
    assert len(story.with_marker(markers.marker("closing"))) == 1


def test_a_run_killed_between_the_closing_comment_and_the_close_closes_next_time(
    story: Story,
) -> None:
    finished_before_the_last_review(story)
    killed_after_posting(story, markers.marker("closing"), date(2026, 12, 18))
    assert story.state() == "open"
    story.sync(date(2026, 12, 18))
    assert story.state() == "closed"
    assert len(story.with_marker(markers.marker("closing"))) == 1
    # A person reopens it: it stays open, and nothing is posted again.
    story.set_state("open")
    story.sync(date(2026, 12, 21))
    assert story.state() == "open"
    assert len(story.with_marker(markers.marker("closing"))) == 1


def test_the_worker_posts_the_review_too(story: Story) -> None:
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    moment = story.travel(date(2026, 12, 4))
    args = ["worker", "--once", "--config", str(story.config), "--now", moment.isoformat()]
    assert main(args) == 0
    assert main(args) == 0
    assert story.reviews() == [REVIEW_14]


def test_a_row_born_late_is_warned_and_each_item_reminded_once_before_it_is_due(
    story: Story,
) -> None:
    configure(story, "followup:\n  remind_before_days: 2\n  due_policy: {P1: 5, P2: 28}\n")
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    # BOBS_P1 is due 27 November, 7 days after the incident: the policy gives P1 items 5.
    (feedback,) = story.with_marker(markers.FEEDBACK)
    assert "the team's due-date policy gives P1 items at most 5 days" in feedback
    assert "on or before 2026-11-25" in feedback
    story.sync(date(2026, 11, 24))  # three days ahead: no reminder yet
    assert story.with_marker("<!-- pmsync:reminder:") == []
    killed_after_posting(story, "<!-- pmsync:reminder:", date(2026, 11, 25))
    for day in (25, 26, 27, 28):  # a rerun, then daily syncs up to and past the due date
        story.sync(date(2026, 11, day))
    key = story.ticket_key(BOBS_P1)
    (reminder,) = story.with_marker("<!-- pmsync:reminder:")
    (ticket,) = [t for t in story.tickets() if t.key == key]
    (item,) = identity.item_ids_in(ticket.fields.labels)
    assert reminder.startswith(markers.reminder_marker(item, date(2026, 11, 27)))
    assert f"📅 @bob: the action item [{key}]" in reminder
    assert set(story.exits) == {0}


# --- a person deletes a one-time comment (issue #16, defect 6) -----------------------------------


def delete_marked(story: Story, marker: str) -> None:
    """A person deletes pmsync's comment carrying ``marker`` (DELETE …/issues/comments/{id})."""
    issue = story.github.get_repo(REPO).get_issue(story.number)
    (comment,) = [c for c in issue.get_comments() if markers.has_marker(c.body, marker)]
    comment.delete()


def test_a_deleted_review_or_nudge_is_not_posted_again(story: Story) -> None:
    configure(story, "followup:\n  nudge_overdue: true\n")
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    story.sync(date(2026, 11, 28))
    story.sync(date(2026, 12, 4))
    nudges = [body.splitlines()[0] for body in story.with_marker("<!-- pmsync:nudge:")]
    assert story.reviews() == [REVIEW_14] and nudges
    for marker in [REVIEW_14, *nudges]:
        delete_marked(story, marker)
    story.sync(date(2026, 12, 5))
    story.sync(date(2026, 12, 6))
    assert story.reviews() == []
    assert not [m for m in nudges if story.with_marker(m)]
    before = len(story.writes())
    story.sync(date(2026, 12, 6))
    assert len(story.writes()) == before  # a rerun writes nothing


def test_a_reopened_post_mortem_whose_closing_comment_was_deleted_stays_open(
    story: Story,
) -> None:
    finished_before_the_last_review(story)
    story.sync(date(2026, 12, 18))
    assert story.state() == "closed"
    story.set_state("open")
    delete_marked(story, markers.marker("closing"))
    story.sync(date(2026, 12, 21))
    story.sync(date(2026, 12, 22))
    assert story.state() == "open"
    assert story.with_marker(markers.marker("closing")) == []
