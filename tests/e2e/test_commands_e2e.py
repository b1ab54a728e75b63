"""Slash commands answer where they were written (issue #18): 👀 on the command when it is
taken up, then one reply (the plan collapsed for ``/pmsync plan``, what was done for
``/pmsync sync``) that a job run again edits in place, and that notifies no one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.sandbox_pmsync import BODY, NOW, REPO, Site, event_file, use_sandbox, write_config

from pmsync.core.render import ZWJ
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


@pytest.fixture
def cli_env(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_sandbox(site.sandbox, monkeypatch)
    return write_config(tmp_path)


def command(site: Site, tmp_path: Path, number: int, text: str, login: str = "bob") -> Path:
    """``login`` comments ``text`` on the issue; the event GitHub would deliver for it."""
    made = site.as_(login).get_repo(REPO).get_issue(number).create_comment(text)
    comment = {
        "id": made.id,
        "body": text,
        "author_association": "MEMBER",
        "user": {"login": login, "type": "User"},
    }
    folder = tmp_path / f"comment-{made.id}"  # one event file per command
    folder.mkdir()
    return event_file(folder, "issue_comment/created", number, comment=comment)


def handle(config: Path, event: Path) -> int:
    args = ["handle-event", "--config", str(config), "--now", NOW.isoformat()]
    return main([*args, "--event-name", "issue_comment", "--event-path", str(event)])


def replies(site: Site, number: int) -> list[dict[str, Any]]:
    return [c for c in site.comments(number) if c["body"].startswith("<!-- pmsync:reply:")]


def reactions(site: Site, event: Path) -> list[dict[str, Any]]:
    comment_id = json.loads(event.read_text())["comment"]["id"]
    (comment,) = [c for c in site.comments() if c["id"] == comment_id]
    found: list[dict[str, Any]] = comment["reactions"]
    return found


def test_a_plan_is_answered_collapsed_and_changes_nothing_else(
    site: Site, cli_env: Path, tmp_path: Path
) -> None:
    number = site.open("alice")
    event = command(site, tmp_path, number, "/pmsync plan")
    site.sandbox.clear_requests()
    assert handle(cli_env, event) == 0
    assert site.tickets() == {} and site.writes("jira") == []
    comment_id = json.loads(event.read_text())["comment"]["id"]
    assert site.writes("github") == [
        ("POST", f"/repos/{REPO}/issues/comments/{comment_id}/reactions"),
        ("POST", f"/repos/{REPO}/issues/{number}/comments"),
    ]
    assert [(r["user"], r["content"]) for r in reactions(site, event)] == [("alice", "eyes")]
    (reply,) = replies(site, number)
    body = reply["body"]
    assert "<details>" in body and "</details>" in body
    assert "create 4 Jira ticket(s)" in body
    assert "Nothing was changed" in body
    assert "@bob" not in body and f"@{ZWJ}bob" in body  # named, not notified

    # The job run again: the same answer, not a second one, and one 👀.
    assert handle(cli_env, event) == 0
    assert [r["body"] for r in replies(site, number)] == [body]
    assert len(reactions(site, event)) == 1


def test_a_plan_run_again_after_a_sync_is_edited_in_place(
    site: Site, cli_env: Path, tmp_path: Path
) -> None:
    number = site.open("alice")
    event = command(site, tmp_path, number, "/pmsync plan")
    assert handle(cli_env, event) == 0
    assert handle(cli_env, command(site, tmp_path, number, "/pmsync sync")) == 0
    assert len(site.tickets(number)) == 4
    assert handle(cli_env, event) == 0  # the plan's job run again, after the sync
    plan_reply, _ = replies(site, number)
    assert "a sync would change nothing now" in plan_reply["body"]
    assert "<details>" not in plan_reply["body"]


def test_a_sync_says_what_it_did_and_a_rerun_keeps_that_answer(
    site: Site, cli_env: Path, tmp_path: Path
) -> None:
    number = site.open("alice")
    event = command(site, tmp_path, number, "/pmsync sync")
    site.sandbox.clear_requests()
    assert handle(cli_env, event) == 0
    assert len(site.tickets(number)) == 4
    # The reply is looked for among the comments the run ended with, not read again.
    listed = [r for r in site.sandbox.requests("github") if r["method"] == "GET"]
    assert [r["path"] for r in listed].count(f"/repos/{REPO}/issues/{number}/comments") == 1
    (reply,) = replies(site, number)
    assert "`/pmsync sync` ran:" in reply["body"]
    assert "- done: " in reply["body"] and "created" in reply["body"]
    assert [r["content"] for r in reactions(site, event)] == ["eyes"]

    # Run again, the job finds nothing to do: the answer still says what the command did.
    assert handle(cli_env, event) == 0
    assert [r["body"] for r in replies(site, number)] == [reply["body"]]
    assert len(site.tickets(number)) == 4

    # A second command: its own answer, which says nothing was left to do.
    again = command(site, tmp_path, number, "/pmsync sync")
    assert handle(cli_env, again) == 0
    first, second = replies(site, number)
    assert first["body"] == reply["body"]
    assert "ran and changed nothing" in second["body"]


def test_a_plan_quoting_hostile_text_notifies_no_one_and_stays_in_its_block(
    site: Site, cli_env: Path, tmp_path: Path
) -> None:
    body = BODY.replace("| Alert when", "| Page @carol about #1 ```` </details> then alert when", 1)
    number = site.open("alice", body=body)
    event = command(site, tmp_path, number, "/pmsync plan")
    assert handle(cli_env, event) == 0
    (reply,) = replies(site, number)
    text = reply["body"]
    block = text[text.index("<details>") : text.rindex("</details>")]
    assert "@carol" in block  # quoted in the code block, where GitHub links nothing
    fence = block.split("\n")[3]
    assert fence == "`" * 5  # longer than the ```` in the action, so it cannot end early
    outside = text.replace(block, "")
    assert "@carol" not in outside and "#1" not in outside
