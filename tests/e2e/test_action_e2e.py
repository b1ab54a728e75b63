"""action.yml's run step end to end: the real pmsync against the sandbox, as in a workflow.

A workspace holds the configuration a team writes (README, "Use it in your repository"),
the runner's files (event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) are temporary
files, and pmsync comes from this test's own virtual environment.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from support.actions_runner import run_action_step, runner_commands, runner_outputs
from support.postmortem_bodies import ROOT, actions, good_body

from pmsync_sandbox.runner import Sandbox

VENV = Path(sys.executable).parent.parent
REPO = "acme/payments"
CONFIG = """\
github:
  repositories: [acme/payments]
  throttle: false
jira:
  project: OPS
people:
  alice: {email: alice@example.com}
  bob: {email: bob@example.com}
"""


@pytest.fixture
def sandbox(sandbox: Sandbox) -> Sandbox:
    """The shared sandbox on the wall clock: the action runs pmsync without --now."""
    sandbox.set_clock(None)
    return sandbox


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout of the adopting repository: its config and its issue form."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "pmsync.yml").write_text(CONFIG, encoding="utf-8")
    form = tmp_path / ".github" / "ISSUE_TEMPLATE" / "postmortem.yml"
    form.parent.mkdir(parents=True)
    shutil.copy(ROOT / ".github" / "ISSUE_TEMPLATE" / "postmortem.yml", form)
    return tmp_path


def open_postmortem(sandbox: Sandbox, title: str, body: str) -> dict[str, Any]:
    headers = {"Authorization": f"token {sandbox.env()['GITHUB_TOKEN']}"}
    base = f"{sandbox.env()['GITHUB_API_URL']}/repos/{REPO}"
    requests.post(f"{base}/labels", headers=headers, json={"name": "postmortem"}, timeout=10)
    answer = requests.post(
        f"{base}/issues",
        headers=headers,
        json={"title": title, "body": body, "labels": ["postmortem"]},
        timeout=10,
    )
    answer.raise_for_status()
    issue: dict[str, Any] = answer.json()
    return issue


class Step:
    """One job step: runs the action's step and keeps what the runner would have seen."""

    def __init__(self, sandbox: Sandbox, workspace: Path, issue: dict[str, Any]) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        event = workspace.parent / "event.json"
        event.write_text(
            json.dumps({"action": "opened", "issue": issue, "repository": {"full_name": REPO}}),
            encoding="utf-8",
        )
        self.event = event
        self.log = ""

    def run(self, expect: int = 0, **inputs: str) -> dict[str, str]:
        """Run the step, which must exit with ``expect``; answer its outputs as the runner
        reads them."""
        output = self.workspace.parent / "output"
        summary = self.workspace.parent / "summary.md"
        output.write_text("", encoding="utf-8")
        summary.write_text("", encoding="utf-8")
        env = {
            **self.sandbox.env(),
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "issues",
            "GITHUB_EVENT_PATH": str(self.event),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        done = run_action_step(inputs, venv=VENV, cwd=self.workspace, env=env)
        self.log = done.stdout + done.stderr
        self.summary = summary.read_text(encoding="utf-8")
        assert done.returncode == expect, self.log
        return runner_outputs(output.read_text(encoding="utf-8"))

    def jira_keys(self) -> list[str]:
        return sorted(self.sandbox.state()["jira"]["issues"])


ALERT_ROW = "Alert when pool usage stays above 80% for 5 minutes"
CAP_ROW = "Cap report queries at 20 connections"


def recent_body(**changes: str) -> str:
    """A valid body about an incident that ended yesterday, its items due in a week or two.

    The action runs on the wall clock, so fixed dates would make the first sync post
    reviews and overdue nudges once they lie in the past.
    """
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
    fields = {
        "incident_start": f"{yesterday} 14:02 UTC",
        "incident_end": f"{yesterday} 15:47 UTC",
        "action_items": actions(
            f"| {ALERT_ROW} | Detect | P1 | @bob | 1 week | |",
            f"| {CAP_ROW} | Prevent | P2 | @alice | 2 weeks | |",
        ),
    }
    return good_body(**{**fields, **changes})


LABELS_ADDED = "+root-cause:capacity +service:payments-api +service:payments-db +sev:2"


def test_dry_run_then_apply_then_nothing_left_to_do(sandbox: Sandbox, workspace: Path) -> None:
    assert (VENV / "bin" / "pmsync").exists(), "pmsync must be installed in the test's venv"
    step = Step(sandbox, workspace, open_postmortem(sandbox, "Payments outage", recent_body()))

    assert step.run(**{"dry-run": "true"}) == {"tickets_created": "0", "comments_written": "0"}
    assert step.jira_keys() == []
    plan = step.summary
    assert plan.startswith("### pmsync: the plan (dry run: nothing was written)\n")
    assert f"#### [{REPO}#1](" in plan and "): Payments outage\n" in plan
    assert "| planned | create 2 Jira ticket(s) for acme/payments#\u200d1:<br>" in plan
    assert f"row 1 in OPS: {ALERT_ROW}<br>row 2 in OPS: {CAP_ROW} |" in plan
    # The labels ride in the PATCH that fills the Ticket column (ADR 8).
    assert f") and label {REPO}#\u200d1: {LABELS_ADDED} |" in plan
    assert "| planned | create the status comment on acme/payments#" in plan

    assert step.run() == {"tickets_created": "2", "comments_written": "1"}
    assert len(step.jira_keys()) == 2
    done = step.summary
    assert done.startswith("### pmsync: what was done\n")
    assert "| done | create 2 Jira ticket(s) for acme/payments#\u200d1:<br>" in done
    assert f"row 1 in OPS: {ALERT_ROW}<br>row 2 in OPS: {CAP_ROW} |" in done
    assert f") and label {REPO}#\u200d1: {LABELS_ADDED} |" in done
    assert "| done | link OPS-1 back to " in done and "| done | link OPS-2 back to " in done
    assert "- post-mortems: 1 looked at, 0 with nothing to do\n" in done

    assert step.run() == {"tickets_created": "0", "comments_written": "0"}
    assert len(step.jira_keys()) == 2
    assert "####" not in step.summary, "nothing was done, so no post-mortem has a section"
    assert "- post-mortems: 1 looked at, 1 with nothing to do\n" in step.summary


def test_a_refused_change_is_an_error_annotation_and_a_row_of_the_summary(
    sandbox: Sandbox, workspace: Path
) -> None:
    first = open_postmortem(sandbox, "Payments outage", recent_body())
    open_postmortem(sandbox, "Payments outage again", recent_body())
    step = Step(sandbox, workspace, first)
    # Jira refuses the tickets of the post-mortem the sync takes first, which then gets its
    # status comment and the comment saying what Jira refused (the two comments written);
    # GitHub refuses the third comment, which is then the other post-mortem's status comment.
    sandbox.add_fault(service="jira", method="POST", path_regex="/issue/bulk$", status=400)
    sandbox.add_fault(service="github", method="POST", path_regex="/comments$", status=403, nth=3)

    assert step.run(expect=1, command="sync") == {"tickets_created": "2", "comments_written": "2"}

    # One annotation per failure, titled with its post-mortem (whichever the sync took first).
    errors = sorted(
        (message, properties["title"])
        for command, properties, message in runner_commands(step.log)
        if command == "error"
    )
    assert len(errors) == 2 and len(runner_commands(step.log)) == 2
    (refused_tickets, other), (refused_comment, one) = errors  # "create 2 …" sorts first
    assert {one, other} == {f"pmsync: {REPO}#1", f"pmsync: {REPO}#2"}
    assert refused_tickets.startswith(
        f"create 2 Jira ticket(s) for {other.removeprefix('pmsync: ')}:"
    )
    assert refused_tickets.endswith("jira POST /rest/api/2/issue/bulk answered 400: Bad Request")
    assert refused_comment.startswith("create the status comment on ")
    assert "/comments answered 403: Forbidden. GitHub knows the token but" in refused_comment
    summary = step.summary
    assert f"<br>row 2 in OPS: {CAP_ROW}<br>refused: jira POST /rest/api/2/issue/bulk " in summary
    assert "| done | create 2 Jira ticket(s) for " in summary
    assert " comment on acme/payments#\u200d" in summary and "<br>refused: github POST " in summary
    assert "- post-mortems: 2 looked at, 0 with nothing to do, 2 with a failure\n" in summary


def test_an_error_that_ends_the_run_leaves_what_was_done_in_the_summary(
    sandbox: Sandbox, workspace: Path
) -> None:
    step = Step(sandbox, workspace, open_postmortem(sandbox, "Payments outage", recent_body()))
    # The tickets are made; linking them back fails until the retries run out.
    sandbox.add_fault(
        service="jira", method="POST", path_regex="/remotelink$", retry_after=0, times=1000
    )

    assert step.run(expect=4) == {}

    summary = step.summary
    assert summary.startswith("### pmsync: what was done\n")
    assert "| done | create 2 Jira ticket(s) for acme/payments#\u200d1:<br>" in summary
    assert "The run stopped here, on an error (below)." in summary
    stopped = summary[summary.index("### pmsync stopped with an error\n") :]
    assert "pmsync: jira request failed: jira POST /rest/api/2/issue/OPS-1/remotelink " in stopped
    assert "answered 500" in stopped
    errors = [command for command in runner_commands(step.log) if command[0] == "error"]
    assert [properties for _, properties, _ in errors] == [{"title": "pmsync: jira request failed"}]


HOSTILE = "::add-mask::x ##[set-output name=tickets_created;]999 %0A::error::forged"


def test_issue_text_cannot_issue_workflow_commands(sandbox: Sandbox, workspace: Path) -> None:
    body = recent_body(
        action_items=actions(f"| Rotate keys {HOSTILE} | Prevent | P2 | @bob | 2w | |")
    )
    step = Step(sandbox, workspace, open_postmortem(sandbox, f"Outage {HOSTILE}", body))

    for inputs in ({"dry-run": "true"}, {}):
        outputs = step.run(**inputs)
        assert "Rotate keys" in step.log + step.summary, "the plan quotes the action item"
        assert runner_commands(step.log) == [], step.log
        assert runner_commands(step.summary) == []
    assert outputs == {"tickets_created": "1", "comments_written": "1"}
