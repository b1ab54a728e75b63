"""Trying a post-mortem on the sandbox takes one command per step: open it as the form
would (`pmsync sandbox open-issue`), then handle it as an edit would (`handle-event --issue`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.sandbox_pmsync import EXAMPLE, NOW, REPO, client, use_sandbox, write_config

from pmsync.core.domain import markers
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox


def opened_number(out: str) -> int:
    first = out.splitlines()[0]
    assert first.startswith(f"opened {REPO}#"), out
    return int(first.split("#")[1].split(":")[0])


def test_open_an_issue_then_handle_it_by_its_number(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_sandbox(sandbox, monkeypatch)
    config = write_config(tmp_path, REPO, people=True)
    monkeypatch.chdir(tmp_path)
    common = ["--config", str(config), "--now", NOW.isoformat()]

    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    number = opened_number(out)
    assert f"next: pmsync handle-event --issue {number} --repo {REPO}" in out
    github = client(sandbox)
    issue = github.get_repo(REPO).get_issue(number)
    assert [label.name for label in issue.get_labels()] == ["postmortem"]  # the form's
    assert issue.user.login == "alice"

    assert main([*common, "handle-event", "--issue", str(number)]) == 0
    assert len(sandbox.state()["jira"]["issues"]) == 4  # one ticket per row
    bodies = [c.body for c in issue.get_comments()]
    assert any(body.startswith(markers.STATUS) for body in bodies)
    github.close()


def test_opened_as_an_outsider_it_waits_for_approval(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_sandbox(sandbox, monkeypatch)
    config = write_config(tmp_path, REPO)
    monkeypatch.chdir(tmp_path)
    common = ["--config", str(config), "--now", NOW.isoformat()]

    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE), "--as", "zoe"]) == 0
    number = opened_number(capsys.readouterr().out)
    assert main([*common, "handle-event", "--issue", str(number)]) == 0
    assert sandbox.state()["jira"]["issues"] == {}
    github = client(sandbox)
    issue = github.get_repo(REPO).get_issue(number)
    assert issue.user.login == "zoe"
    assert any(c.body.startswith(markers.APPROVAL) for c in issue.get_comments())
    github.close()


def test_without_a_sandbox_to_open_it_on_the_error_says_which_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, REPO)
    code = main(["--config", str(config), "sandbox", "open-issue", "--file", str(EXAMPLE)])
    assert code == 2
    assert "which sandbox? give --sandbox http://127.0.0.1:PORT" in capsys.readouterr().err
