"""Shipped evidence end to end (issue #20): `pmsync sync` on the sandbox finds the merged
pull requests that name a done ticket's key, else the default-branch commits whose message
names it (a pushed commit, or the merge commit of a pull request whose branch carries the
key), shows them in the status comment and the 4-week review, flags a done ticket without
one, and searches only when a ticket is first seen done or at a review, commits only for
the keys no pull request names."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import jira
import pytest
import requests
from github import Github
from support.lifecycle import Killed, Pmsync, kill_when
from support.sandbox_pmsync import BODY, REPO, close_ticket, use_sandbox, write_config

from pmsync.adapters.retry import RequestRecord
from pmsync.config.loading import load_config
from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

# Items of BODY, the example post-mortem (incident on Friday 20 November 2026).
ALERT = "Alert when payments-db pool usage stays above 80% for 5 minutes"  # Detect
POOL = "Give report queries their own pool, capped at 20 connections"  # Prevent
CHECKLIST = "Add database connections to the capacity checklist run 5 days before each campaign"
EVIDENCE = "followup:\n  evidence: {enabled: true, exempt_types: [Process]}\n"
EVERY_TYPE = "followup:\n  evidence: {enabled: true}\n"
NO_CHANGE = "done in Jira, no change found"


class Story:
    def __init__(self, sandbox: Sandbox, github: Github, client: jira.JIRA, config: Path) -> None:
        self.sandbox, self.github, self.jira, self.config = sandbox, github, client, config
        self.number = 0

    def travel(self, day: date, hour: int = 10) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        self.sandbox.set_clock(moment)
        return moment

    def open(self, day: date) -> None:
        self.travel(day, 9)
        repo = self.github.get_repo(REPO)
        self.number = repo.create_issue("Pool exhausted", body=BODY, labels=["postmortem"]).number

    def sync(self, day: date, hour: int = 10) -> None:
        moment = self.travel(day, hour)
        self.sandbox.clear_requests()
        assert main(["sync", "--config", str(self.config), "--now", moment.isoformat()]) == 0

    def key(self, summary: str) -> str:
        label = identity.postmortem_label(REPO, self.number)
        found = self.jira.search_issues(f'labels = "{label}"', maxResults=100)
        (key,) = [issue.key for issue in found if issue.fields.summary == summary]
        return str(key)

    def comment(self, marker: str) -> str:
        issue = self.github.get_repo(REPO).get_issue(self.number)
        (body,) = [c.body for c in issue.get_comments() if markers.has_marker(c.body, marker)]
        return body

    def pull_searches(self) -> list[str]:
        log = self.sandbox.requests("github")
        queries = [r["query"]["q"][0] for r in log if r["path"] == "/search/issues"]
        return [query for query in queries if "is:pr" in query]

    def commit_searches(self) -> list[str]:
        log = self.sandbox.requests("github")
        return [r["query"]["q"][0] for r in log if r["path"] == "/search/commits"]


@pytest.fixture
def story(
    sandbox: Sandbox,
    github_client: Github,
    jira_client: jira.JIRA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Story:
    use_sandbox(sandbox, monkeypatch)
    extra = getattr(request, "param", EVIDENCE)
    config = write_config(tmp_path, REPO, people=True, extra=extra)
    return Story(sandbox, github_client, jira_client, config)


def _line(body: str, summary: str) -> str:
    (line,) = [line for line in body.splitlines() if summary[:40] in line]
    return line


def test_done_tickets_show_their_merged_pull_request_or_are_flagged(story: Story) -> None:
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    assert story.pull_searches() == []  # nothing is done: no search
    alert, pool, checklist = story.key(ALERT), story.key(POOL), story.key(CHECKLIST)

    story.travel(date(2026, 11, 25))
    pull = story.sandbox.open_pull_request(
        REPO, f"{alert}: page on pool usage", "Adds the alert.", merged=True
    )
    story.sandbox.open_pull_request(REPO, f"{pool} draft", "Not merged yet")  # open: no evidence
    story.sandbox.open_pull_request(REPO, f"{alert}9 unrelated", "", merged=True)  # another key
    for key in (alert, pool, checklist):
        close_ticket(story.jira, key)

    story.sync(date(2026, 11, 26))
    assert len(story.pull_searches()) == 1  # one query for the batch of keys
    # Commits are searched only for the key no merged pull request names.
    assert len(story.commit_searches()) == 1 and pool in story.commit_searches()[0]
    assert alert not in story.commit_searches()[0]
    status = story.comment(markers.STATUS)
    shipped = f"shipped in [{REPO}#{pull}]("
    assert shipped in _line(status, ALERT) and "(merged 2026-11-25)" in _line(status, ALERT)
    assert f"{alert}9" not in status
    assert NO_CHANGE in _line(status, POOL)
    assert NO_CHANGE not in _line(status, CHECKLIST) and "shipped" not in _line(status, CHECKLIST)

    # Later syncs read the record in the status comment: no search, the same comment.
    story.sync(date(2026, 11, 27))
    story.sync(date(2026, 11, 28))
    assert story.pull_searches() == [] and story.commit_searches() == []
    assert story.comment(markers.STATUS) == status

    # At the 4-week review the item without evidence is searched for again, and the
    # review's verification checklist says what was found.
    story.sync(date(2026, 12, 18))
    assert len(story.pull_searches()) == 1 and pool in story.pull_searches()[0]
    assert alert not in story.pull_searches()[0]
    review = story.comment(markers.followup_marker(28))
    assert shipped in _line(review, ALERT) and "verified in production" in _line(review, ALERT)
    assert NO_CHANGE in _line(review, POOL)
    story.sync(date(2026, 12, 19))
    assert story.pull_searches() == []


def test_a_run_killed_after_the_search_searches_again_and_records_once(story: Story) -> None:
    """The record rides in the status comment that shows it: a run that dies after the
    search and before that comment is written leaves no record, so the next one searches
    again; after that, none does."""
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    alert = story.key(ALERT)
    story.travel(date(2026, 11, 25))
    pull = story.sandbox.open_pull_request(REPO, f"Fix {alert}", "", merged=True)
    close_ticket(story.jira, alert)

    moment = story.travel(date(2026, 11, 26))
    story.sandbox.clear_requests()

    def searched(entry: RequestRecord) -> bool:
        return (
            entry.method == "GET"
            and entry.path.endswith("/search/issues")
            and (len(story.pull_searches()) == 1)
        )

    with pytest.raises(Killed):
        Pmsync(story.sandbox, load_config(story.config)).sync(moment, kill_when(searched))
    assert f"{REPO}#{pull}" not in story.comment(markers.STATUS)

    story.sync(date(2026, 11, 26), 11)
    assert len(story.pull_searches()) == 1
    assert story.commit_searches() == []  # the pull request named the only done key
    assert f"shipped in [{REPO}#{pull}](" in _line(story.comment(markers.STATUS), ALERT)
    story.sync(date(2026, 11, 27))
    assert story.pull_searches() == []


@pytest.mark.parametrize("story", [EVERY_TYPE], indirect=True)
def test_a_key_only_in_a_commit_message_or_a_branch_name_is_found_through_its_commit(
    story: Story,
) -> None:
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    alert, pool, checklist = story.key(ALERT), story.key(POOL), story.key(CHECKLIST)

    story.travel(date(2026, 11, 25))
    story.sandbox.open_pull_request(REPO, f"{alert}: page on pool usage", "", merged=True)
    sha = story.sandbox.push_commit(REPO, f"Cap report queries at 20 connections\n\n{pool}")
    story.sandbox.push_commit(REPO, f"{checklist}9: another ticket")  # a near miss
    # The key is only in the branch name: GitHub's merge commit names the branch.
    branch = f"{checklist.lower()}-capacity-checklist"
    story.sandbox.open_pull_request(REPO, "Capacity checklist", "", merged=True, head=branch)
    for key in (alert, pool, checklist):
        close_ticket(story.jira, key)

    story.sync(date(2026, 11, 26))
    assert len(story.pull_searches()) == 1
    (query,) = story.commit_searches()
    assert f'"{pool}"' in query and f'"{checklist}"' in query and alert not in query
    status = story.comment(markers.STATUS)
    assert f"shipped in [{REPO}#" in _line(status, ALERT) and "(merged 2026-11-25)" in status
    commit = re.compile(
        rf"shipped in \[{REPO}@([0-9a-f]{{7}})\]\(http[^)]*/{REPO}/commit/([0-9a-f]{{40}})\) "
        r"\(committed 2026-11-25\)"
    )
    pushed = commit.search(_line(status, POOL))
    assert pushed is not None and pushed.groups() == (sha[:7], sha)
    merged = commit.search(_line(status, CHECKLIST))
    assert merged is not None and merged[2] != sha
    assert NO_CHANGE not in status

    story.sync(date(2026, 11, 27))
    assert story.pull_searches() == [] and story.commit_searches() == []

    # The 4-week review shows the commits too, and searches nothing again.
    story.sync(date(2026, 12, 18))
    assert story.pull_searches() == [] and story.commit_searches() == []
    review = story.comment(markers.followup_marker(28))
    line = _line(review, POOL)
    assert f"[{REPO}@{sha[:7]}](" in line and line.endswith(
        "(committed 2026-11-25): verified in production"
    )


def test_the_report_gives_the_rate_the_status_comments_record(
    story: Story, capsys: pytest.CaptureFixture[str]
) -> None:
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    alert, pool, checklist = story.key(ALERT), story.key(POOL), story.key(CHECKLIST)
    story.travel(date(2026, 11, 25))
    story.sandbox.open_pull_request(REPO, f"Fix {alert}", "", merged=True)
    for key in (alert, pool, checklist):
        close_ticket(story.jira, key)
    story.sync(date(2026, 11, 26))

    moment = story.travel(date(2026, 12, 1))
    story.sandbox.clear_requests()
    capsys.readouterr()
    period = ["--since", "2026-11-01", "--until", "2026-11-30"]
    args = ["report", "--config", str(story.config), "--now", moment.isoformat(), *period]
    assert main([*args, "--format", "json"]) == 0
    rate = json.loads(capsys.readouterr().out)["shipped_evidence"]
    # The alert shipped, the pool has no change; the checklist is a Process item: exempt.
    assert (rate["numerator"], rate["denominator"], rate["pending"]) == (1, 2, 0)
    assert [item["key"] for item in rate["no_change"]] == [pool]
    # The report searched for nothing: it read the status comment's record.
    assert story.pull_searches() == []
    assert main(args) == 0
    markdown = capsys.readouterr().out
    assert (
        "| Done items with shipped evidence (of done items searched for) | **50%** (1 of 2)"
        in markdown
    )


def test_the_evidence_links_open_their_pages_on_the_sandbox(story: Story) -> None:
    """The status comment's links to a merged pull request and a commit lead to the
    sandbox's read-only pages for them, as they would lead to github.com."""
    story.open(date(2026, 11, 21))
    story.sync(date(2026, 11, 21))
    alert, pool = story.key(ALERT), story.key(POOL)
    story.travel(date(2026, 11, 25))
    story.sandbox.open_pull_request(REPO, f"{alert}: page on pool usage", "Adds it.", merged=True)
    story.sandbox.push_commit(REPO, f"Cap report queries\n\n{pool}")
    for key in (alert, pool):
        close_ticket(story.jira, key)
    story.sync(date(2026, 11, 26))
    status = story.comment(markers.STATUS)
    links = {
        summary: re.findall(r"shipped in \[[^\]]+\]\(([^)]+)\)", _line(status, summary))
        for summary in (ALERT, POOL)
    }
    with requests.Session() as browser:
        browser.trust_env = False
        (pull,) = [browser.get(url, timeout=10) for url in links[ALERT]]
        (commit,) = [browser.get(url, timeout=10) for url in links[POOL]]
        missing = browser.get(links[POOL][0][:-40] + "0" * 40, timeout=10)
    assert pull.status_code == 200 and f"# {alert}: page on pool usage · {REPO}#" in pull.text
    assert "Adds it." in pull.text
    assert commit.status_code == 200 and commit.text.startswith("# commit ")
    assert f"Cap report queries\n\n{pool}" in commit.text
    assert missing.status_code == 404
