"""The scheduled sync and the event workflow on one issue (ADR 3), on the sandbox.

The two workflows cannot share a concurrency group, so on a schedule `pmsync sync` takes a
post-mortem changed in the last few minutes last, once the event run that change may have
started is done; it never skips one, so no comment can hold a post-mortem off.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from support.sandbox_pmsync import REPO, Site, use_sandbox, write_config

from pmsync.core.domain import markers
from pmsync.entry.cli import main
from pmsync.entry.commands.sync import LEAVE_RECENT_ON_SCHEDULE
from pmsync.orchestration import sync_all
from pmsync_sandbox.runner import Sandbox


@pytest.fixture
def site(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    use_sandbox(sandbox, monkeypatch)
    write_config(tmp_path, REPO)
    monkeypatch.chdir(tmp_path)
    return Site(sandbox)


def sync_after(site: Site, delay: timedelta) -> int:
    moment = site.sandbox.clock() + delay
    return main(["sync", "--config", "pmsync.yml", "--now", moment.isoformat()])


def in_actions(monkeypatch: pytest.MonkeyPatch, event: str) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_EVENT_NAME", event)


def test_on_a_schedule_a_post_mortem_changed_minutes_ago_is_taken_last_once_settled(
    site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pmsync.orchestration.sync_all")
    waits: list[float] = []
    monkeypatch.setattr(sync_all.time, "sleep", waits.append)
    number = site.open("alice")
    site.sandbox.clear_requests()
    in_actions(monkeypatch, "schedule")

    assert sync_after(site, timedelta(minutes=1)) == 0
    assert f"{REPO}#{number} changed 60 s ago; taken last" in caplog.text
    assert waits == [(LEAVE_RECENT_ON_SCHEDULE - timedelta(minutes=1)).total_seconds()]
    assert len(site.tickets(number)) == 4


def test_an_outsiders_comments_before_each_sync_cannot_hold_a_post_mortem_off(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone may comment, and the cron minute is public: a comment a minute before each
    scheduled sync moves ``updated_at`` but starts no event run."""
    monkeypatch.setattr(sync_all.time, "sleep", lambda seconds: None)
    site.person("mallory", "NONE")
    number = site.open("alice")
    in_actions(monkeypatch, "schedule")
    site.as_("mallory").get_repo(REPO).get_issue(number).create_comment("nice write-up!")
    assert sync_after(site, timedelta(minutes=1)) == 0
    assert len(site.tickets(number)) == 4
    assert site.bot_comments(number, markers.STATUS)


@pytest.mark.parametrize("event", ["workflow_dispatch", None])
def test_a_sync_started_by_hand_or_outside_actions_takes_every_post_mortem(
    site: Site, monkeypatch: pytest.MonkeyPatch, event: str | None
) -> None:
    number = site.open("alice")
    if event is not None:
        in_actions(monkeypatch, event)
    assert sync_after(site, timedelta(minutes=1)) == 0
    assert len(site.tickets(number)) == 4
