"""Status in seconds, end to end on the sandbox: a Jira transition, the documented Jira
automation rule's web request (docs/jira-site.md, sent by the sandbox's Jira through its
GitHub), the ``repository_dispatch`` event GitHub records, and ``pmsync handle-event`` run
on that event as workflows/postmortem-dispatch.yml runs it: the status comment shows the
transition without the scheduled sync."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.sandbox_pmsync import (
    BODY,
    REPO,
    TITLE,
    client,
    close_ticket,
    event_file,
    jira_client_for,
    use_sandbox,
    write_config,
)

from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync_sandbox.acting import DISPATCH_RULE_BODY
from pmsync_sandbox.runner import Sandbox

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "jira-site.md").read_text(encoding="utf-8")
RULE_BODY = re.search(r"<!-- dispatch-rule-body:[^>]*-->\n```json\n(.*?)```", DOCS, re.DOTALL)
WORKFLOW = yaml.safe_load((ROOT / "workflows" / "postmortem-dispatch.yml").read_text())


def rule_body() -> str:
    assert RULE_BODY is not None, "docs/jira-site.md shows the rule's custom data"
    return RULE_BODY.group(1)


class Setup:
    def __init__(self, sandbox: Sandbox, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sandbox = sandbox
        self.folder = folder
        use_sandbox(sandbox, monkeypatch)
        monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
        self.config = write_config(folder, people=True)
        issue = client(sandbox).get_repo(REPO).create_issue(TITLE, BODY, labels=["postmortem"])
        self.number = issue.number
        opened = event_file(folder, "issues/opened", self.number)
        assert self.handle("issues", opened) == 0

    def handle(self, name: str, event: Path) -> int:
        args = ["handle-event", "--config", str(self.config), "--event-name", name]
        return main([*args, "--event-path", str(event)])

    def keys(self) -> list[str]:
        label = identity.postmortem_label(REPO, self.number)
        issues: dict[str, Any] = self.sandbox.state()["jira"]["issues"]
        found = [key for key, raw in issues.items() if label in raw["labels"]]
        return sorted(found, key=lambda key: int(key.split("-")[1]))

    def status(self) -> str:
        issue = client(self.sandbox).get_repo(REPO).get_issue(self.number)
        (body,) = [
            c.body for c in issue.get_comments() if markers.has_marker(c.body, markers.STATUS)
        ]
        return body

    def send_rule(self, key: str, repo: str = REPO) -> dict[str, Any]:
        """The rule's web request for ``key``, as Jira sends it, with a token of alice's."""
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.sandbox.github_token}",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        url = f"{self.sandbox.github_url}/repos/{repo}/dispatches"
        return self.sandbox.send_jira_web_request(key, url, rule_body(), headers)

    def event_path(self, payload: dict[str, Any]) -> Path:
        path = self.folder / "dispatch.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path


@pytest.fixture
def setup(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Setup:
    return Setup(sandbox, tmp_path, monkeypatch)


def test_a_jira_transition_reaches_the_status_comment_through_the_dispatch(
    setup: Setup,
) -> None:
    keys = setup.keys()
    assert len(keys) == 4
    assert "0 of 4 done" in setup.status()
    jira = jira_client_for(setup.sandbox)
    close_ticket(jira, keys[0])
    jira.close()

    sent = setup.send_rule(keys[0])
    assert sent["status"] == 204, sent
    assert json.loads(sent["body"])["client_payload"] == {
        "repository": REPO,
        "issue": str(setup.number),
    }
    (event,) = setup.sandbox.github_events()
    assert event["event"] == "repository_dispatch"
    payload = event["payload"]
    assert payload["action"] in WORKFLOW[True]["repository_dispatch"]["types"]
    assert payload["repository"]["full_name"] == REPO

    # The event run, and no scheduled sync: the status comment now counts the ticket done.
    assert setup.handle("repository_dispatch", setup.event_path(payload)) == 0
    assert "1 of 4 done" in setup.status()

    # The same event again (a rerun of the job) changes nothing.
    before = setup.sandbox.state()
    setup.sandbox.clear_requests()
    assert setup.handle("repository_dispatch", setup.event_path(payload)) == 0
    writes = [r for r in setup.sandbox.requests() if r["method"] not in ("GET", "HEAD")]
    assert writes == []
    assert setup.sandbox.state()["github"]["repos"] == before["github"]["repos"]


@pytest.mark.parametrize(
    ("client_payload", "problem"),
    [
        ({"repository": "acme/other", "issue": "1"}, "neither this workflow's repository"),
        ({"repository": REPO, "issue": "0"}, "client_payload.issue '0'"),
        ({"repository": REPO, "issue": "1; rm -rf /"}, "is not an issue number"),
        ({"repository": "", "issue": "1"}, "is not a repository"),
        ({"repository": REPO}, "client_payload.issue None"),
    ],
)
def test_a_dispatch_naming_no_post_mortem_of_ours_runs_nothing(
    setup: Setup,
    client_payload: dict[str, Any],
    problem: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sent = setup.sandbox.send_jira_web_request(
        "OPS-1",
        f"{setup.sandbox.github_url}/repos/{REPO}/dispatches",
        json.dumps({"event_type": "pmsync-ticket-changed", "client_payload": client_payload}),
        {"Authorization": f"Bearer {setup.sandbox.github_token}"},
    )
    assert sent["status"] == 204
    (event,) = setup.sandbox.github_events()
    setup.sandbox.clear_requests()
    capsys.readouterr()
    assert setup.handle("repository_dispatch", setup.event_path(event["payload"])) != 0
    assert problem in capsys.readouterr().err
    assert setup.sandbox.requests() == []  # nothing read, nothing written


def test_github_refuses_a_dispatch_from_a_token_without_write_access(setup: Setup) -> None:
    setup.sandbox.add_github_user("dave", token="ghp_dave", repos={REPO: "READ_MEMBER"})
    sent = setup.sandbox.send_jira_web_request(
        setup.keys()[0],
        f"{setup.sandbox.github_url}/repos/{REPO}/dispatches",
        rule_body(),
        {"Authorization": "Bearer ghp_dave"},
    )
    assert sent["status"] == 403
    assert setup.sandbox.github_events() == []


def test_the_sandbox_sends_the_documented_rule_itself(
    setup: Setup, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pmsync sandbox move-ticket KEY --to Done --dispatch` sends the very custom data the
    docs show, and its next: line is the event run the dispatch workflow makes."""
    assert DISPATCH_RULE_BODY.read_text() == rule_body()
    key = setup.keys()[0]
    monkeypatch.chdir(setup.folder)
    capsys.readouterr()
    move = ["sandbox", "move-ticket", key, "--to", "Done", "--dispatch"]
    assert main(["--config", str(setup.config), *move]) == 0
    out = capsys.readouterr().out
    assert f"{key}: To Do -> Done" in out
    sent = out.split("a repository dispatch: ", 1)[1].splitlines()[0]
    assert json.loads(sent) == {"repository": REPO, "issue": str(setup.number)}
    (line,) = [line for line in out.splitlines() if line.startswith("next: pmsync ")]
    assert "handle-event --event-name repository_dispatch --event-path" in line
    assert main(shlex.split(line.removeprefix("next: "))[1:]) == 0
    assert "1 of 4 done" in setup.status()
    # Already there, the ticket does not move, so no rule fires: no dispatch is sent.
    events = setup.sandbox.github_events()
    assert main(["--config", str(setup.config), *move]) == 0
    out = capsys.readouterr().out
    assert f"{key} is already Done; nothing to do" in out and "dispatch" not in out
    assert setup.sandbox.github_events() == events
