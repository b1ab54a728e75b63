"""Jira automation's "Send web request" and GitHub's repository dispatches in the sandbox:
smart values as Atlassian documents them, and ``POST /repos/{o}/{r}/dispatches`` as GitHub
documents it (the sources are cited in pmsync_sandbox/jira/automation.py and
pmsync_sandbox/github/dispatch_endpoint.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from pmsync_sandbox.jira.automation import fill
from pmsync_sandbox.runner import Sandbox, SandboxControlError

FIELDS = {
    "issue.key": "OPS-7",
    "issue.status.name": "Done",
    "issue.description": "a [x|https://h/acme/payments/issues/12] b [y|https://h/acme/api/issues/3]",
}


@pytest.mark.parametrize(
    ("template", "filled"),
    [
        ("{{issue.key}} is {{ issue.status.name }}", "OPS-7 is Done"),
        ('{{issue.description.match("issues/(\\d+)")}}', "12, 3"),  # several: a list
        ('{{issue.description.match("payments/issues/\\d+")}}', "payments/issues/12"),
        ('{{issue.description.match("nothing (here)")}}', ""),
        ('{{issue.description.match("(unclosed")}}', ""),
        ("{{issue.fields.nope}}|{{issue.key}}", "|OPS-7"),  # unknown: empty
        ('{"k": "{{issue.key}}"}', '{"k": "OPS-7"}'),
    ],
)
def test_smart_values_are_filled_as_jira_fills_them(template: str, filled: str) -> None:
    assert fill(template, FIELDS) == filled


def dispatch(
    sandbox: Sandbox, body: Any, token: str | None = None, repo: str = "acme/payments"
) -> requests.Response:
    return requests.post(
        f"{sandbox.github_url}/repos/{repo}/dispatches",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {token or sandbox.github_token}"},
        timeout=10,
    )


def test_a_dispatch_is_recorded_as_the_event_a_workflow_reads(sandbox: Sandbox) -> None:
    answer = dispatch(sandbox, {"event_type": "deploy", "client_payload": {"a": 1}})
    assert answer.status_code == 204
    assert answer.content == b""
    (event,) = sandbox.github_events()
    payload = event["payload"]
    assert event["event"] == "repository_dispatch"
    assert (payload["action"], payload["branch"], payload["client_payload"]) == (
        "deploy",
        "main",
        {"a": 1},
    )
    assert payload["repository"]["full_name"] == "acme/payments"
    assert payload["sender"]["login"] == "alice"
    # The events are part of the state, and a reset empties them.
    state = sandbox.state()
    sandbox.reset()
    assert sandbox.github_events() == []
    sandbox.restore(state)
    assert sandbox.github_events() == [event]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"event_type": ""}, 422),
        ({"event_type": "x" * 101}, 422),
        ({"event_type": "x", "client_payload": [1]}, 422),
        ({"event_type": "x", "client_payload": {str(n): n for n in range(11)}}, 422),
        ([], 400),
    ],
)
def test_github_refuses_a_body_its_description_does_not_allow(
    sandbox: Sandbox, body: Any, status: int
) -> None:
    assert dispatch(sandbox, body).status_code == status
    assert sandbox.github_events() == []


def test_ten_top_level_properties_are_allowed(sandbox: Sandbox) -> None:
    body = {"event_type": "x" * 100, "client_payload": {str(n): n for n in range(10)}}
    assert dispatch(sandbox, body).status_code == 204


def test_an_unknown_repository_is_not_found(sandbox: Sandbox) -> None:
    assert dispatch(sandbox, {"event_type": "x"}, repo="acme/nowhere").status_code == 404


def test_the_web_request_goes_only_to_the_sandbox_itself(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxControlError, match="sends web requests only to itself"):
        sandbox.send_jira_web_request("OPS-1", "https://api.github.com/repos/a/b/dispatches", "{}")


def test_a_web_request_for_an_unknown_ticket_is_not_found(sandbox: Sandbox) -> None:
    url = f"{sandbox.github_url}/repos/acme/payments/dispatches"
    with pytest.raises(SandboxControlError, match="404"):
        sandbox.send_jira_web_request("OPS-999", url, "{}")


def test_the_web_request_takes_the_sandboxs_request_path(sandbox: Sandbox) -> None:
    """Faults and the request log apply to it as to any request."""
    url = f"{sandbox.github_url}/repos/acme/payments/dispatches"
    body = '{"event_type": "x"}'
    ticket = _a_ticket(sandbox)
    sandbox.add_fault(service="github", status=502, method="POST", path_regex="/dispatches$")
    sent = sandbox.send_jira_web_request(
        ticket, url, body, {"Authorization": f"token {sandbox.github_token}"}
    )
    assert sent["status"] == 502
    assert sandbox.github_events() == []
    sent = sandbox.send_jira_web_request(
        ticket, url, body, {"Authorization": f"token {sandbox.github_token}"}
    )
    assert sent["status"] == 204
    logged = [r for r in sandbox.requests("github") if r["path"].endswith("/dispatches")]
    assert [r["status"] for r in logged] == [502, 204]


def _a_ticket(sandbox: Sandbox) -> str:
    answer = requests.post(
        f"{sandbox.jira_url}/rest/api/2/issue",
        json={"fields": {"project": {"key": "OPS"}, "summary": "s", "issuetype": {"name": "Task"}}},
        auth=(sandbox.jira_email, sandbox.jira_token),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    key: str = answer.json()["key"]
    return key
