"""Security properties of the workflows and of action.yml that zizmor and actionlint do not check.

Every workflow here runs with a token that can write issues and with the Jira secrets, on
repositories where anyone may open an issue. These tests pin what keeps that safe, and
run the action's own shell step to show how inputs become pmsync's arguments.
"""

from __future__ import annotations

import json
import re
import stat
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.actions_runner import cron_values, run_action_step

from pmsync.entry.workflow_step import write_run_outputs

ROOT = Path(__file__).resolve().parents[2]
COPYABLE = sorted((ROOT / "workflows").glob("*.yml"))
OWN = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
WORKFLOWS = COPYABLE + OWN
ACTION = ROOT / "action.yml"

# What a job may be granted: read the code, write issues and comments. Nothing else.
ALLOWED_PERMISSIONS = {"contents": {"read"}, "issues": {"read", "write"}}
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_USE = README[README.index("## Use it in your repository") :].split("\n## ", 1)[0]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses:\s*\S+@[0-9a-f]{40}\s+#\s*\S")
PLACEHOLDER = "YOUR_ORG/pmsync@0000000000000000000000000000000000000000"
SECRET_NAMES = {"GITHUB_TOKEN", "JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_TOKEN"}
# A GitHub App instead of the token: commented out in the copyable workflows until a team
# uncomments them (README, "Use it in your repository", step 3).
APP_NAMES = {"GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY"}
COMMENTED_APP_LINE = re.compile(r"^(\s*)# ((?:GITHUB_APP_ID|GITHUB_APP_PRIVATE_KEY): .*)$", re.M)
# Plain settings a workflow may pass besides the secrets (the scheduled sync's cache).
SETTING_NAMES = {"PMSYNC_CACHE_DIR"}


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path} is not a YAML mapping"
    return document


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    return {name: None for name in on} if isinstance(on, list) else dict(on)


def jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(workflow["jobs"])


def all_steps(path: Path) -> list[dict[str, Any]]:
    document = load(path)
    if path == ACTION:
        return list(document["runs"]["steps"])
    return [step for job in jobs(document).values() for step in job.get("steps", [])]


def test_there_are_workflows_to_check() -> None:
    names = {path.name for path in COPYABLE}
    assert {"postmortem.yml", "postmortem-sync.yml", "postmortem-digest.yml"} <= names
    assert OWN, "this repository's CI workflow is missing"


def test_own_ci_runs_the_readme_test_command_on_every_supported_python() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"^(scripts/test)\s+# sets up", readme, re.MULTILINE)
    assert test_command, "the README gives its test command"
    ci = load(ROOT / ".github" / "workflows" / "ci.yml")
    checks = jobs(ci)["checks"]
    assert checks["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    runs = [step.get("run", "") for step in checks["steps"]]
    assert f"./{test_command.group(1)}" in runs
    setup = next(s for s in checks["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["python-version"] == "${{ matrix.python }}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_empty_by_default_and_minimal_per_job(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") == {}, "grant nothing at the top; each job asks"
    for name, job in jobs(workflow).items():
        granted = job.get("permissions")
        assert isinstance(granted, dict), f"job {name} must list its permissions"
        for scope, level in granted.items():
            assert level in ALLOWED_PERMISSIONS.get(scope, set()), (
                f"job {name} asks for {scope}: {level}"
            )


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for step in all_steps(path):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{step['uses']} is not pinned to a full commit"
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(-\s*)?uses:", line):
            assert VERSION_COMMENT.search(line), f"say which version is pinned: {line.strip()}"


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_no_expression_inside_a_shell_script(path: Path) -> None:
    # Stricter than "no github.event.*": every value reaches a script through env, where
    # the shell sees it as data and never as code.
    for step in all_steps(path):
        if "run" in step:
            assert "${{" not in step["run"], f"step {step.get('name')!r} expands an expression"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_keeps_no_credentials_and_takes_no_foreign_ref(path: Path) -> None:
    for step in all_steps(path):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            options = step.get("with", {})
            assert options.get("persist-credentials") is False
            assert "ref" not in options and "repository" not in options


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_trigger_that_runs_untrusted_code_with_secrets(path: Path) -> None:
    assert not {"pull_request_target", "workflow_run"} & set(triggers(load(path)))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_secrets_reach_only_the_step_that_needs_them(path: Path) -> None:
    workflow = load(path)
    assert "secrets." not in str(workflow.get("env", "")), "no secrets in workflow-wide env"
    for name, job in jobs(workflow).items():
        assert "secrets." not in str(job.get("env", "")), f"job {name}: secrets in job env"
        for step in job.get("steps", []):
            assert "secrets." not in str(step.get("with", "")), "secrets go through env"
            if "secrets." in str(step.get("env", "")):
                assert str(step.get("uses", "")).startswith("YOUR_ORG/pmsync@")


def test_comment_events_skip_pull_requests() -> None:
    workflow = load(ROOT / "workflows" / "postmortem.yml")
    assert "issue_comment" in triggers(workflow)
    for name, job in jobs(workflow).items():
        condition = " ".join(str(job.get("if", "")).split())
        assert "github.event.issue.pull_request == null" in condition, name
        assert "startsWith(github.event.comment.body, '/pmsync')" in condition, name


ISSUE_GROUP = "pmsync-issue-${{ github.event.issue.number }}"
# The associations whose slash commands queue in the issue's own group: the ones GitHub
# gives to people who are likely maintainers (pmsync still asks the permission endpoint).
QUEUED_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
OWN_GROUP = re.compile(
    r"\$\{\{ github\.event_name == 'issue_comment' && !contains\(fromJSON\('(\[[^']*\])'\), "
    r"github\.event\.comment\.author_association\) && "
    r"format\('-comment-\{0\}', github\.event\.comment\.id\) \|\| '' \}\}"
)


def test_outsiders_comments_never_join_the_issues_group() -> None:
    """GitHub keeps one pending run per concurrency group and cancels the one waiting
    before it: a slash command by someone GitHub does not show as owner, member or
    collaborator runs in a group of its own (its comment's), so it cannot push out a
    maintainer's pending run (an approval's). It still runs, so pmsync can answer it: a
    private org member shows as CONTRIBUTOR and may have write access."""
    workflow = load(ROOT / "workflows" / "postmortem.yml")
    for name, job in jobs(workflow).items():
        condition = " ".join(str(job.get("if", "")).split())
        assert "startsWith(github.event.comment.body, '/pmsync')" in condition, name
        assert "author_association" not in condition, "every slash command gets an answer"
        group = job["concurrency"]["group"]
        assert group.startswith(ISSUE_GROUP), name
        own = OWN_GROUP.fullmatch(group.removeprefix(ISSUE_GROUP))
        assert own is not None, group
        assert frozenset(json.loads(own.group(1))) == QUEUED_ASSOCIATIONS, name


def test_events_for_one_issue_never_run_at_once() -> None:
    workflow = load(ROOT / "workflows" / "postmortem.yml")
    # A workflow-level group would also take in runs whose job is then skipped (a plain
    # comment); one of those could push a waiting run for the same issue out of the queue.
    assert "concurrency" not in workflow, "the group belongs to the job"
    for name, job in jobs(workflow).items():
        assert "if" in job, f"job {name} runs only for post-mortem events"
        concurrency = job["concurrency"]
        assert concurrency["group"].startswith(ISSUE_GROUP), name
        assert concurrency["cancel-in-progress"] is False, name


@pytest.mark.parametrize("name", ["postmortem-sync.yml", "postmortem-digest.yml"])
def test_scheduled_runs_never_overlap(name: str) -> None:
    workflow = load(ROOT / "workflows" / name)
    assert "${{" not in workflow["concurrency"]["group"], "one group for every run"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert {"schedule", "workflow_dispatch"} <= set(triggers(workflow))


def runs_once_an_hour(cron: str) -> bool:
    """Every day, 24 times, an hour apart."""
    minute, hour, *day_fields = cron.split()
    if day_fields != ["*", "*", "*"]:
        return False
    fires = sorted(h * 60 + m for h in cron_values(hour, 0, 23) for m in cron_values(minute, 0, 59))
    return len(fires) == 24 and all(later - earlier == 60 for earlier, later in pairwise(fires))


@pytest.mark.parametrize(
    ("cron", "hourly"),
    [
        ("17 * * * *", True),
        ("0 */1 * * *", True),
        ("5 0-23 * * *", True),
        ("0,30 * * * *", False),
        ("*/5 * * * *", False),
        ("17 */2 * * *", False),
        ("17 1-23 * * *", False),
        ("17 * * * 1-5", False),
        ("17 * 1 * *", False),
    ],
)
def test_runs_once_an_hour_tells_an_hourly_cron(cron: str, hourly: bool) -> None:
    assert runs_once_an_hour(cron) is hourly


def test_the_scheduled_sync_runs_pmsync_sync_once_an_hour() -> None:
    path = ROOT / "workflows" / "postmortem-sync.yml"
    (entry,) = triggers(load(path))["schedule"]
    assert runs_once_an_hour(entry["cron"]), f"cron {entry['cron']!r} is not hourly"
    (step,) = [s for s in all_steps(path) if str(s.get("uses", "")).startswith("YOUR_ORG/")]
    assert step["with"]["command"] == "sync"


def test_sync_keeps_its_cache_between_runs() -> None:
    steps = all_steps(ROOT / "workflows" / "postmortem-sync.yml")
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == ".pmsync-cache"
    assert cache["with"]["restore-keys"] and "${{ github.run_id }}" in cache["with"]["key"]


def pmsync_steps(path: Path) -> list[dict[str, Any]]:
    return [s for s in all_steps(path) if str(s.get("uses", "")).startswith("YOUR_ORG/")]


@pytest.mark.parametrize("path", COPYABLE, ids=lambda p: p.name)
def test_copyable_workflows_run_pmsync_with_the_documented_placeholder(path: Path) -> None:
    steps = pmsync_steps(path)
    assert [s["uses"] for s in steps] == [PLACEHOLDER]
    assert SECRET_NAMES <= set(steps[0]["env"]) - SETTING_NAMES <= SECRET_NAMES | APP_NAMES
    assert "YOUR_ORG" in README_USE, "the README must say how to replace the placeholder"


@pytest.mark.parametrize("path", COPYABLE, ids=lambda p: p.name)
def test_the_github_app_lines_work_once_uncommented(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(COMMENTED_APP_LINE.findall(text)) == 2, "both App lines, commented out"
    uncommented = tmp_path / path.name
    uncommented.write_text(COMMENTED_APP_LINE.sub(r"\1\2", text), encoding="utf-8")
    env = pmsync_steps(uncommented)[0]["env"]
    assert set(env) - SETTING_NAMES == SECRET_NAMES | APP_NAMES
    for name in APP_NAMES:
        secret = re.fullmatch(r"\$\{\{ secrets\.(\w+) \}\}", env[name])
        assert secret, f"{name} comes from a secret"
        # GitHub refuses secret names that start with GITHUB_.
        assert not secret.group(1).upper().startswith("GITHUB_"), env[name]
        assert f"`{secret.group(1)}`" in README_USE, "the walk-through names the secret"
    assert "GITHUB_APP_ID" in README_USE and "GITHUB_APP_PRIVATE_KEY" in README_USE


# -- action.yml --------------------------------------------------------------------------


def test_action_outputs_read_what_pmsync_writes(tmp_path: Path) -> None:
    output = tmp_path / "output"
    write_run_outputs(tickets_created=1, comments_written=2, environ={"GITHUB_OUTPUT": str(output)})
    written = set(re.findall(r"^(\w+)<<", output.read_text(encoding="utf-8"), re.MULTILINE))
    outputs = load(ACTION)["outputs"]
    read = {re.sub(r".*steps\.run\.outputs\.(\w+).*", r"\1", o["value"]) for o in outputs.values()}
    assert set(outputs) == {"tickets-created", "comments-written"}
    assert read == written


def test_action_installs_from_its_own_checkout() -> None:
    install = next(s for s in all_steps(ACTION) if s.get("name") == "Install pmsync")
    assert install["env"]["PMSYNC_SOURCE"] == "${{ github.action_path }}"
    assert '"$PMSYNC_SOURCE"' in install["run"]


def run_step(tmp_path: Path, inputs: dict[str, str]) -> tuple[int, list[str], str]:
    """Run the action's shell step with a stand-in pmsync that records its arguments."""
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    argv_file = tmp_path / "argv"
    fake = venv_bin / "pmsync"
    fake.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "{argv_file}"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    done = run_action_step(inputs, venv=tmp_path / "venv", cwd=tmp_path, env={})
    argv = argv_file.read_text(encoding="utf-8").splitlines() if argv_file.exists() else []
    return done.returncode, argv, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("inputs", "argv"),
    [
        ({}, ["handle-event"]),
        ({"dry-run": "true"}, ["handle-event", "--dry-run"]),
        (
            {"command": "sync", "config": "ops/pm sync.yml", "dry-run": "true"},
            ["sync", "--config", "ops/pm sync.yml", "--dry-run"],
        ),
        ({"command": "report"}, ["report"]),
        ({"command": "report", "publish": "true"}, ["report", "--publish"]),
        ({"command": "report", "publish": "true", "dry-run": "true"}, ["report"]),
        ({"config": "$(touch pwned); `id`"}, ["--config", "$(touch pwned); `id`"]),
    ],
)
def test_inputs_become_arguments(tmp_path: Path, inputs: dict[str, str], argv: list[str]) -> None:
    code, got, log = run_step(tmp_path, inputs)
    assert code == 0, log
    expected = argv if argv[0] != "--config" else ["handle-event", *argv]
    assert got == expected
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ({"command": "sync; rm -rf ~"}, "input command must be handle-event, sync or report"),
        ({"dry-run": "yes"}, "input dry-run must be true or false"),
        ({"publish": "1"}, "input publish must be true or false"),
    ],
)
def test_bad_inputs_stop_with_an_annotation(
    tmp_path: Path, inputs: dict[str, str], problem: str
) -> None:
    code, argv, log = run_step(tmp_path, inputs)
    assert code == 2
    assert argv == []
    assert f"::error title=pmsync action::{problem}" in log


def test_the_dispatch_run_waits_in_the_issues_queue_for_pmsyncs_event_only() -> None:
    """A status change sent from Jira syncs its post-mortem in the same queue as the issue's
    own events (postmortem.yml), so the two never run at once; only pmsync's event type
    starts it, and the payload reaches nothing but that queue's name (pmsync validates
    the reference itself, entry/commands/dispatch_event.py)."""
    from pmsync.entry.commands.dispatch_event import EVENT_TYPE

    path = ROOT / "workflows" / "postmortem-dispatch.yml"
    workflow = load(path)
    assert triggers(workflow) == {"repository_dispatch": {"types": [EVENT_TYPE]}}
    (job,) = jobs(workflow).values()
    issue_queue = ISSUE_GROUP.replace(
        "github.event.issue.number", "github.event.client_payload.issue"
    )
    assert job["concurrency"] == {"group": issue_queue, "cancel-in-progress": False}
    text = path.read_text(encoding="utf-8")
    assert text.count("github.event.client_payload") == 1, "only the queue's name reads it"
    assert [s["with"]["command"] for s in pmsync_steps(path)] == ["handle-event"]
