"""A post-mortem transferred to another synced repository keeps its tickets (ADR 9): the
next sync of the new repository finds the same tickets (none new, none twice), labels them
with the new ref so the report and the repeat search find them, links them to the new
address, and keeps the one status comment going. A second sync writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.sandbox_pmsync import BODY, NOW, REPO, Site, use_sandbox, write_config

from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

TARGET = "acme/platform"


@pytest.fixture
def cli(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    sandbox.add_github_repo(TARGET)
    sandbox.add_github_user("alice", repos={TARGET: "OWNER"})
    use_sandbox(sandbox, monkeypatch)
    return write_config(tmp_path, REPO, TARGET, people=True)


def sync(config: Path) -> None:
    assert main(["sync", "--config", str(config), "--now", NOW.isoformat()]) == 0


def github_repo(sandbox: Sandbox, repo: str) -> dict[str, Any]:
    found: dict[str, Any] = sandbox.state()["github"]["repos"][repo]
    return found


def status_comments(sandbox: Sandbox, repo: str, number: int) -> list[str]:
    comments = github_repo(sandbox, repo)["comments"].values()
    return [
        c["body"]
        for c in comments
        if c["issue_number"] == number and markers.has_marker(c["body"], markers.STATUS)
    ]


def test_the_sandbox_transfers_an_issue_as_github_does(sandbox: Sandbox, cli: Path) -> None:
    site = Site(sandbox)
    number = site.open("alice", BODY)
    sandbox.comment(REPO, number, "a note")
    before = site.issue_state(number)
    moved = sandbox.transfer_issue(REPO, number, TARGET)
    assert str(number) not in github_repo(sandbox, REPO)["issues"]
    after = github_repo(sandbox, TARGET)["issues"][str(moved)]
    assert after["id"] == before["id"]  # so its node_id too
    assert after["labels"] == []  # the target has no "postmortem" label
    notes = github_repo(sandbox, TARGET)["comments"].values()
    assert [c["body"] for c in notes if c["issue_number"] == moved] == ["a note"]


def test_a_transferred_postmortem_keeps_its_tickets(sandbox: Sandbox, cli: Path) -> None:
    site = Site(sandbox)
    number = site.open("alice", BODY)
    sync(cli)
    tickets = site.tickets(number)
    assert len(tickets) == 4
    old_url = f"/{REPO}/issues/{number}"

    # The target has the form's label, so the issue stays a post-mortem there.
    sandbox.comment(REPO, number, "moving this to the platform team")
    site.as_("alice").get_repo(TARGET).create_label("postmortem", "d73a4a")
    moved = sandbox.transfer_issue(REPO, number, TARGET)
    sync(cli)

    jira = sandbox.state()["jira"]["issues"]
    assert set(jira) == set(tickets)  # no ticket made again
    new_label = identity.postmortem_label(TARGET, moved)
    new_url = f"/{TARGET}/issues/{moved}"
    for key in tickets:
        assert new_label in jira[key]["labels"]  # the report and repeats find it by the new ref
        assert identity.postmortem_label(REPO, number) in jira[key]["labels"]
        # The old link stays (GitHub redirects the old address); the new one is added.
        paths = [link["object"]["url"].split("/", 3)[3] for link in jira[key]["remote_links"]]
        assert sorted(paths) == sorted([old_url[1:], new_url[1:]])
        moved_notes = [c for c in jira[key]["comments"] if TARGET in str(c)]
        assert len(moved_notes) == 1
    statuses = status_comments(sandbox, TARGET, moved)
    assert len(statuses) == 1
    body = github_repo(sandbox, TARGET)["issues"][str(moved)]["body"]
    assert all(key in body for key in tickets)
    snapshot = markers.decode_snapshot(statuses[0])
    assert snapshot is not None
    assert snapshot.origin == f"{REPO}#{number}" and snapshot.ref == f"{TARGET}#{moved}"

    sandbox.clear_requests()
    sync(cli)  # settled: nothing more to write
    assert [r for r in sandbox.requests("jira") if r["method"] not in ("GET", "HEAD")] == []
    assert [r for r in sandbox.requests("github") if r["method"] not in ("GET", "HEAD")] == []
    assert len(sandbox.state()["jira"]["issues"]) == 4
