"""Who pmsync is, with every kind of token: an App's installation token handed in as
GITHUB_TOKEN (named by PMSYNC_BOT_LOGIN), the workflow's own token, and one it cannot
place (it stops before writing, naming the setting). A comment by another bot that copies
pmsync's markers is never taken for pmsync's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.sandbox_pmsync import BODY, NOW, REPO, Site, client, use_sandbox, write_config

from pmsync.core.domain import markers
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox


@pytest.fixture
def cli(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_sandbox(sandbox, monkeypatch)
    monkeypatch.delenv("PMSYNC_BOT_LOGIN", raising=False)
    monkeypatch.delenv("PMSYNC_WORKFLOW_TOKEN", raising=False)
    return write_config(tmp_path, REPO, people=True)


def sync(config: Path) -> int:
    return main(["sync", "--config", str(config), "--now", NOW.isoformat()])


def status_authors(site: Site, number: int) -> list[str]:
    return [
        c["user"] for c in site.comments(number) if markers.has_marker(c["body"], markers.STATUS)
    ]


def test_the_sandbox_gives_an_installation_token_githubs_answers(sandbox: Sandbox) -> None:
    token = sandbox.add_github_app("pm-helper", [REPO])
    github = client(sandbox, token)
    with pytest.raises(Exception, match="403") as refused:
        github.get_user().login  # noqa: B018 - the request is the point
    assert "Resource not accessible by integration" in str(refused.value)
    comment = github.get_repo(REPO).create_issue("Hello", body="x").create_comment("hi")
    assert comment.user.login == "pm-helper[bot]" and comment.user.type == "Bot"
    assert comment.raw_data["performed_via_github_app"]["slug"] == "pm-helper"


def test_an_installation_token_named_by_the_setting_leaves_one_status_comment(
    sandbox: Sandbox, cli: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(sandbox)
    number = site.open("alice", BODY)
    monkeypatch.setenv("GITHUB_TOKEN", sandbox.add_github_app("pm-helper", [REPO]))
    monkeypatch.setenv("PMSYNC_BOT_LOGIN", "pm-helper[bot]")
    for _ in range(3):
        assert sync(cli) == 0
    assert status_authors(site, number) == ["pm-helper[bot]"]
    bodies = [c["body"] for c in site.comments(number)]
    assert len(bodies) == len(set(bodies))  # no comment written twice
    assert len(site.tickets(number)) == 4


def test_the_workflows_own_token_acts_as_the_actions_bot(
    sandbox: Sandbox, cli: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(sandbox)
    number = site.open("alice", BODY)
    token = sandbox.add_github_app("github-actions", [REPO])
    monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.setenv("PMSYNC_WORKFLOW_TOKEN", token)
    for _ in range(3):
        assert sync(cli) == 0
    assert status_authors(site, number) == ["github-actions[bot]"]


def test_a_token_pmsync_cannot_place_stops_it_before_any_write(
    sandbox: Sandbox, cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = Site(sandbox)
    number = site.open("alice", BODY)
    monkeypatch.setenv("GITHUB_TOKEN", sandbox.add_github_app("pm-helper", [REPO]))
    monkeypatch.setenv("PMSYNC_WORKFLOW_TOKEN", "ghs_the_workflows_other_token")
    sandbox.clear_requests()
    assert sync(cli) == 3
    assert "PMSYNC_BOT_LOGIN" in capsys.readouterr().err
    assert site.writes("github") == [] and site.writes("jira") == []
    assert site.comments(number) == []


def test_another_bots_copy_of_the_markers_is_not_pmsyncs(
    sandbox: Sandbox, cli: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(sandbox)
    number = site.open("alice", BODY)
    copier = client(sandbox, sandbox.add_github_app("copycat", [REPO]))
    copy = f"{markers.STATUS}\nall done, nothing to see"
    copier.get_repo(REPO).get_issue(number).create_comment(copy)
    monkeypatch.setenv("GITHUB_TOKEN", sandbox.add_github_app("pm-helper", [REPO]))
    monkeypatch.setenv("PMSYNC_BOT_LOGIN", "pm-helper[bot]")
    for _ in range(2):
        assert sync(cli) == 0
    assert status_authors(site, number) == ["copycat[bot]", "pm-helper[bot]"]
    assert site.comments(number)[0]["body"] == copy  # the copy is left as it was
