"""GitHub's secondary write limits: the sandbox enforces them as GitHub documents, and
pmsync stops writing cleanly when a run meets one, leaving the rest to the next run."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from support.sandbox_pmsync import BODY, REPO, Site, client, use_sandbox, write_config

from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

# -- the sandbox ------------------------------------------------------------------------------


def post_comment(sandbox: Sandbox, number: int) -> requests.Response:
    return requests.post(
        f"{sandbox.github_url}/repos/{REPO}/issues/{number}/comments",
        json={"body": "hello"},
        headers={"Authorization": f"token {sandbox.github_token}"},
        timeout=10,
    )


def test_a_fresh_sandbox_has_githubs_numbers(sandbox: Sandbox) -> None:
    sandbox.reset()  # the fixture raised them
    assert sandbox.set_github_limits() == {
        "content_per_minute": 80,
        "content_per_hour": 500,
        "search_per_minute": 30,
    }


def test_writes_over_the_limit_get_githubs_four_answers_and_the_clock_frees_them(
    sandbox: Sandbox,
) -> None:
    sandbox.set_github_limits(content_per_minute=2)
    number = client(sandbox).get_repo(REPO).create_issue("x").number  # one write
    assert post_comment(sandbox, number).status_code == 201
    answers = [post_comment(sandbox, number) for _ in range(4)]
    assert [(a.status_code, "retry-after" in a.headers) for a in answers] == [
        (403, True),
        (429, True),
        (403, False),
        (429, False),
    ]
    assert answers[0].json()["message"].startswith("You have exceeded a secondary rate limit.")
    assert 1 <= int(answers[0].headers["retry-after"]) <= 60
    # Reads are not content; the window slides with the sandbox clock.
    assert requests.get(
        f"{sandbox.github_url}/repos/{REPO}/issues/{number}",
        headers={"Authorization": f"token {sandbox.github_token}"},
        timeout=10,
    ).ok
    sandbox.advance(timedelta(seconds=61))
    assert post_comment(sandbox, number).status_code == 201


# -- pmsync under them ---------------------------------------------------------------------------


@pytest.fixture
def cli(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_sandbox(sandbox, monkeypatch)
    return write_config(tmp_path, REPO, people=True)


def sync(config: Path, sandbox: Sandbox) -> int:
    return main(["sync", "--config", str(config), "--now", sandbox.clock().isoformat()])


def no_write_after_a_refusal(sandbox: Sandbox) -> bool:
    writes = [r for r in sandbox.requests("github") if r["method"] not in ("GET", "HEAD")]
    refused = [i for i, r in enumerate(writes) if r["status"] in (403, 429)]
    return not refused or refused[0] == len(writes) - 1


def distinct(n: int) -> str:
    """The example post-mortem, about services of its own."""
    return BODY.replace("payments-api", f"api-{n}").replace("payments-db", f"db-{n}")


def test_a_first_sync_over_the_hourly_limit_finishes_over_several_runs(
    sandbox: Sandbox, cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_github_limits(content_per_hour=40)
    site = Site(sandbox)
    # Each about services of its own, so none is a repeat of another: a first sync of them
    # writes more than 40 times (a PATCH with the cells and labels, a status comment and two
    # new service labels each).
    numbers = [site.open("alice", distinct(n), title=f"Post-mortem {n}") for n in range(15)]
    sandbox.advance(timedelta(hours=1))  # opening them took writes of their own
    capsys.readouterr()
    sandbox.clear_requests()
    assert sync(cli, sandbox) == 0
    out = capsys.readouterr().out
    assert "stopped: GitHub's secondary rate limit" in out
    assert "post-mortem(s) left for the next run" in out
    assert no_write_after_a_refusal(sandbox)
    runs = 1
    while "stopped:" in out:  # each later run an hour on, when the window has moved
        assert runs < 10, "the job never finished"
        sandbox.advance(timedelta(hours=1))
        sandbox.clear_requests()
        assert sync(cli, sandbox) == 0
        out = capsys.readouterr().out
        assert no_write_after_a_refusal(sandbox)
        runs += 1
    assert runs >= 2
    assert len(site.tickets()) == 60
    for number in numbers:
        assert len(site.tickets(number)) == 4
        assert len(site.bot_comments(number, markers.STATUS)) == 1
    items = Counter(
        label
        for raw in site.tickets().values()
        for label in raw["labels"]
        if label.startswith(identity.ITEM_LABEL_PREFIX)
    )
    assert len(items) == 60 and max(items.values()) == 1  # no action item ticketed twice
