"""`pmsync doctor` against the sandbox: what it says of a site that has everything, of a
configuration that does not fit it, and that it never writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.sandbox_pmsync import REPO, use_sandbox, write_config

from pmsync.entry import cli
from pmsync_sandbox.runner import Sandbox


def doctor(capsys: pytest.CaptureFixture[str], config: Path, *extra: str) -> tuple[int, str]:
    code = cli.main(["--config", str(config), "doctor", *extra])
    return code, capsys.readouterr().out


def writes(sandbox: Sandbox) -> list[str]:
    return [
        f"{r['method']} {r['path']}"
        for service in ("github", "jira")
        for r in sandbox.requests(service)
        if r["method"] not in ("GET", "HEAD")
    ]


@pytest.fixture
def configured(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    use_sandbox(sandbox, monkeypatch)
    return write_config(tmp_path, REPO, people=True)


def test_a_site_with_everything_passes_without_a_single_write(
    sandbox: Sandbox, configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = doctor(capsys, configured)
    assert code == 0, out
    assert "❌" not in out
    assert "✅ github: token: works, as alice" in out
    assert f"✅ github: issues write on {REPO}" in out
    assert "✅ jira: credentials: signed in as" in out
    assert "✅ jira: issue type 'Task' in OPS: exists" in out
    assert "✅ jira: due date on the create screen of Task in OPS: can be set" in out
    assert "✅ people: people.bob: account bob exists" in out
    assert writes(sandbox) == []


def test_what_does_not_fit_is_named_with_its_fix(
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_sandbox(sandbox, monkeypatch)
    extra = (
        "  priorities: {P0: Blocker, P1: High, P2: Medium, P3: Low}\n"
        "  link_type: Causes\n"
        "  projects_by_service: {web: NOPE}\n"
        "people:\n  bob: {jira_account: nobody-here}\n"
    )
    config = write_config(tmp_path, REPO)
    config.write_text(
        config.read_text().replace("  deployment: cloud\n", "  deployment: cloud\n" + extra)
    )
    code, out = doctor(capsys, config, "--format", "json")
    assert code == 1
    document = json.loads(out)
    failed = {c["name"]: c for c in document["checks"] if c["verdict"] == "fail"}
    assert document["ok"] is False
    assert "project NOPE" in failed
    assert "jira.projects_by_service" in failed["project NOPE"]["fix"]
    assert failed["priority 'Blocker' (P0) in OPS"]["fix"].startswith("jira.priorities: {P0: ")
    assert failed["link type 'Causes'"]["fix"].startswith("jira.link_type: ")
    assert failed["people.bob"]["fix"] == "people: {bob: {jira_account: ACCOUNT_ID}}"
    assert writes(sandbox) == []
