"""The engine end to end: the real PyGithub and `jira` clients against the sandbox.

A post-mortem is opened on the emulated GitHub, pmsync syncs it, and the test reads what
GitHub and Jira then hold. The kill test stops or breaks a full create-and-sync at every
request in turn, runs it again, and checks that nothing was lost or made twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jira
import pytest
from support.lifecycle import Killed, fast_run, kill_when, settings_for, stop_after
from support.sandbox_pmsync import (
    client,
    close_ticket,
    event_file,
    jira_client_for,
    use_sandbox,
    write_config,
)

from pmsync.adapters.retry import RequestLog
from pmsync.config.schema import Config, GitHubConfig, JiraConfig, Person
from pmsync.core.domain import identity, markers
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.entry.cli import main
from pmsync.entry.run import Run
from pmsync.errors import PmsyncError
from pmsync.orchestration import sync_all
from pmsync_sandbox.runner import Sandbox, running_sandbox

REPO = "acme/payments"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the sandbox clock after a reset
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "postmortem.md"
# One vague action: the post-mortem is valid and gets a feedback comment with a warning.
BODY = EXAMPLE.read_text(encoding="utf-8").replace(
    "| Make the pool size a runtime setting that needs no restart |", "| Improve monitoring |"
)
ACTIONS = [
    "Alert when payments-db pool usage stays above 80% for 5 minutes",
    "Give report queries their own pool, capped at 20 connections",
    "Improve monitoring",
    "Add database connections to the capacity checklist run 5 days before each campaign",
]
DUPLICATE = identity.DUPLICATE_LABEL


@pytest.fixture(scope="module")
def datacenter_server() -> Iterator[Sandbox]:
    with running_sandbox(now=NOW, jira_deployment="Server") as server:
        yield server


@pytest.fixture(params=["cloud", "datacenter"])
def world(request: pytest.FixtureRequest, sandbox: Sandbox, datacenter_server: Sandbox) -> World:
    if request.param == "cloud":
        return World(sandbox, "cloud")
    datacenter_server.reset()
    return World(datacenter_server, "datacenter")


@pytest.fixture
def cloud(sandbox: Sandbox) -> World:
    return World(sandbox, "cloud")


@dataclass
class World:
    """A sandbox with one post-mortem, and pmsync configured for it."""

    sandbox: Sandbox
    deployment: str

    def __post_init__(self) -> None:
        self.github = client(self.sandbox)
        cloud = self.deployment == "cloud"
        self.settings = settings_for(self.sandbox)
        if not cloud:  # Data Center takes the token as a personal access token, no e-mail
            token = self.settings.jira_api_token
            self.settings = self.settings.model_copy(
                update={"jira_email": None, "jira_api_token": None, "jira_token": token}
            )
        self.config = Config(
            github=GitHubConfig(repositories=[REPO], throttle=False),
            # Data Center is left to detection: serverInfo says which it is.
            jira=JiraConfig(deployment="cloud" if cloud else "auto"),
            people={"bob": Person(jira_account="bob"), "alice": Person(email="alice@example.com")},
        )
        self.number = 0

    def jira(self) -> jira.JIRA:
        if self.deployment == "cloud":
            return jira_client_for(self.sandbox)
        return jira.JIRA(
            server=self.sandbox.jira_url, token_auth=self.sandbox.jira_token, max_retries=0
        )

    def open_postmortem(self, body: str = BODY) -> int:
        repo = self.github.get_repo(REPO)
        created = repo.create_issue("Payments DB pool exhausted", body=body, labels=["postmortem"])
        self.number = created.number
        return self.number

    def run(self, requests: RequestLog | None = None) -> Run:
        session = fast_run(self.settings, self.config, NOW, requests)
        sync_all.sync([REPO], session.context, session.record)
        return session

    # -- what GitHub and Jira hold ---------------------------------------------------------

    def body(self) -> str:
        return self.github.get_repo(REPO).get_issue(self.number).body

    def labels(self) -> list[str]:
        return sorted(
            label.name for label in self.github.get_repo(REPO).get_issue(self.number).labels
        )

    def comments(self) -> list[str]:
        return [c.body for c in self.github.get_repo(REPO).get_issue(self.number).get_comments()]

    def comment(self, marker: str) -> str:
        found = [body for body in self.comments() if markers.has_marker(body, marker)]
        assert len(found) == 1, f"{len(found)} comments carry {marker}"
        return found[0]

    def tickets(self) -> dict[str, dict[str, Any]]:
        """Every Jira ticket of this post-mortem, by key, as the emulator stores it."""
        label = identity.postmortem_label(REPO, self.number)
        issues: dict[str, dict[str, Any]] = self.sandbox.state()["jira"]["issues"]
        return {key: raw for key, raw in issues.items() if label in raw["labels"]}

    def writes(self) -> list[dict[str, Any]]:
        return [r for r in self.sandbox.requests() if r["method"] != "GET"]

    def end_state(self) -> dict[str, Any]:
        """What a user sees, without ids and times: for comparing two histories."""
        tickets = self.tickets()
        return {
            "body": self.body(),
            "labels": self.labels(),
            "comments": sorted(self.comments()),
            "tickets": sorted(
                (t["key"], t["summary"], t["due"], t["assignee"], tuple(sorted(t["labels"])))
                for t in tickets.values()
            ),
            "remote_links": sorted(
                (t["key"], link["global_id"])
                for t in tickets.values()
                for link in t["remote_links"]
            ),
        }


def ticket_cells(world: World) -> dict[int, str | None]:
    parsed = check_postmortem(world.body(), None, world.config)
    assert parsed.postmortem is not None
    return {item.row: item.ticket for item in parsed.postmortem.action_items}


# -- one sync -----------------------------------------------------------------------------


def test_first_sync_creates_tickets_with_every_field(world: World) -> None:
    number = world.open_postmortem()
    assert world.run().finish() == 0

    tickets = world.tickets()
    by_summary = {t["summary"]: t for t in tickets.values()}
    assert sorted(by_summary) == sorted(ACTIONS)
    client = world.jira()
    issue_url = world.github.get_repo(REPO).get_issue(number).html_url
    expected = {
        ACTIONS[0]: ("High", "2026-11-27", "bob", "pm-type-detect"),
        ACTIONS[1]: ("High", "2026-12-04", "alice", "pm-type-prevent"),
        ACTIONS[2]: ("Medium", "2026-12-11", "bob", "pm-type-mitigate"),
        ACTIONS[3]: ("Medium", "2026-12-04", "alice", "pm-type-process"),
    }
    for summary, (priority, due, assignee, type_label) in expected.items():
        raw = by_summary[summary]
        ticket = client.issue(raw["key"])
        assert ticket.fields.priority.name == priority
        assert ticket.fields.duedate == due
        assert raw["assignee"] == assignee
        assert set(ticket.fields.labels) >= {
            "postmortem",
            type_label,
            identity.postmortem_label(REPO, number),
        }
        assert any(identity.is_item_label(label) for label in ticket.fields.labels)
        assert issue_url in json.dumps(raw["description"])
        assert [link["object"]["url"] for link in raw["remote_links"]] == [issue_url]
    client.close()

    keys = [by_summary[action]["key"] for action in ACTIONS]
    assert ticket_cells(world) == dict(enumerate(keys, start=1))
    body = world.body()
    assert all(f"[{key}]({world.sandbox.jira_url}/browse/{key})" in body for key in keys)
    status = world.comment(markers.STATUS)
    assert "0 of 4 done" in status
    assert all(key in status for key in tickets)
    assert "vague" in world.comment(markers.FEEDBACK)


def test_owners_are_found_in_the_people_map_whatever_the_case(cloud: World) -> None:
    # The table says @bob and @alice; the configuration spells them otherwise.
    cloud.config = Config.model_validate(
        {
            "github": {"repositories": [REPO], "throttle": False},
            "jira": {"deployment": "cloud"},
            "people": {"BOB": {"jira_account": "bob"}, "Alice": {"email": "alice@example.com"}},
        }
    )
    cloud.open_postmortem()
    cloud.run()
    assignees = {t["summary"]: t["assignee"] for t in cloud.tickets().values()}
    assert assignees == {
        ACTIONS[0]: "bob",
        ACTIONS[1]: "alice",
        ACTIONS[2]: "bob",
        ACTIONS[3]: "alice",
    }
    assert "unassigned" not in cloud.comment(markers.STATUS)


def test_second_run_writes_nothing(world: World) -> None:
    world.open_postmortem()
    world.run()
    before = world.end_state()
    world.sandbox.clear_requests()
    second = world.run()
    assert world.writes() == []
    assert second.requests.count(write=True) == 0
    assert second.record.summary.lines() == ["nothing to do"]
    assert world.end_state() == before


def test_status_comment_follows_jira_transitions(world: World) -> None:
    world.open_postmortem()
    world.run()
    keys = sorted(world.tickets(), key=lambda key: int(key.split("-")[1]))
    client = world.jira()
    close_ticket(client, keys[1])
    close_ticket(client, keys[2], "Won't Do")
    client.close()

    world.sandbox.clear_requests()
    world.run()
    status = world.comment(markers.STATUS)
    assert "1 of 4 done" in status
    assert "1 dropped" in status
    # Only the status comment changed: one write, and a rerun writes nothing more.
    assert [(w["method"], w["path"]) for w in world.writes()] == [
        ("PATCH", f"/repos/{REPO}/issues/comments/{_status_id(world)}")
    ]
    world.sandbox.clear_requests()
    world.run()
    assert world.writes() == []


def _status_id(world: World) -> int:
    issue = world.github.get_repo(REPO).get_issue(world.number)
    return next(c.id for c in issue.get_comments() if markers.has_marker(c.body, markers.STATUS))


def test_dry_run_prints_the_plan_and_writes_nothing(cloud: World) -> None:
    cloud.open_postmortem()
    shown: list[str] = []
    cloud.sandbox.clear_requests()
    session = fast_run(cloud.settings, cloud.config, NOW, dry_run=True, show=shown.append)
    sync_all.sync([REPO], session.context, session.record)
    assert cloud.writes() == []
    plan_text = "\n".join(shown)
    assert "create 4 Jira ticket(s)" in plan_text
    assert "fill the Ticket column" in plan_text
    assert "NEW-1" in plan_text
    assert cloud.tickets() == {}


# -- handle-event -------------------------------------------------------------------------


@pytest.fixture
def cli_config(cloud: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pmsync.yml for the CLI on the cloud world, the sandbox's variables set."""
    use_sandbox(cloud.sandbox, monkeypatch)
    return write_config(tmp_path)


def test_handle_event_reads_the_issue_again_and_syncs_it(
    cloud: World, cli_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = cloud.open_postmortem()
    # The real `issues.opened` delivery: its stale body and labels are not what counts.
    event = event_file(tmp_path, "issues/opened", number)
    args = [
        "handle-event",
        "--config",
        str(cli_config),
        "--event-name",
        "issues",
        "--event-path",
        str(event),
    ]
    assert main(args) == 0
    assert len(cloud.tickets()) == 4
    assert "requests: github:" in capsys.readouterr().out

    comment = {
        "comment": {
            "body": "/pmsync plan",
            "author_association": "MEMBER",
            "user": {"login": "bob"},
        }
    }
    plan_event = event_file(tmp_path, "issue_comment/created", number, **comment)
    payload_comment_id = json.loads(plan_event.read_text())["comment"]["id"]
    cloud.sandbox.clear_requests()
    plan_args = [*args[:-4], "--event-name", "issue_comment", "--event-path", str(plan_event)]
    assert main(plan_args) == 0
    # The plan changes nothing: its only writes answer the command (a 👀, refused here as
    # the payload's comment does not exist, and the reply with the plan).
    assert [(w["method"], w["path"]) for w in cloud.writes()] == [
        ("POST", f"/repos/acme/payments/issues/comments/{payload_comment_id}/reactions"),
        ("POST", f"/repos/acme/payments/issues/{number}/comments"),
    ]


@pytest.mark.parametrize("action", ["opened", "edited", "reopened", "labeled"])
def test_handle_event_twice_in_a_row_writes_nothing_the_second_time(
    cloud: World, cli_config: Path, tmp_path: Path, action: str
) -> None:
    number = cloud.open_postmortem()
    event = event_file(tmp_path, f"issues/{action}", number)
    args = ["handle-event", "--config", str(cli_config), "--event-name", "issues"]
    assert main([*args, "--event-path", str(event)]) == 0
    assert len(cloud.tickets()) == len(ACTIONS)
    before = cloud.end_state()
    cloud.sandbox.clear_requests()
    assert main([*args, "--event-path", str(event)]) == 0
    assert cloud.writes() == []
    assert cloud.sandbox.requests(), "the second run read the issue and its tickets again"
    assert cloud.end_state() == before


def test_a_service_that_stays_down_is_a_clear_error_and_a_non_zero_exit(
    cloud: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cloud.open_postmortem()
    use_sandbox(cloud.sandbox, monkeypatch)
    config = tmp_path / "pmsync.yml"
    config.write_text("github:\n  throttle: false\n", encoding="utf-8")
    cloud.sandbox.add_fault(
        service="jira", path_regex="/search", status=503, retry_after=0, times=100
    )
    assert main(["sync", "--config", str(config), "--repo", REPO]) == 4
    error = capsys.readouterr().err
    assert "jira GET /rest/api/2/search/jql answered 503" in error
    assert "gave up after 5 attempts" in error
    assert cloud.sandbox.env()["JIRA_API_TOKEN"] not in error
    assert cloud.tickets() == {}


def _sync_with(config: Path, monkeypatch: pytest.MonkeyPatch, **variables: str) -> int:
    """`pmsync sync` through the CLI with the sandbox's variables, ``variables`` changed."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return main(["sync", "--config", str(config), "--repo", REPO])


@pytest.mark.parametrize(
    ("variable", "wrong", "explained"),
    [
        (
            "JIRA_API_TOKEN",
            "not-the-api-token-0123",
            "answered 401: Client must be authenticated to access this resource. Jira did not "
            "accept pmsync's credentials: on Jira Cloud set JIRA_EMAIL to the account's e-mail "
            "and JIRA_API_TOKEN",
        ),
        (
            "GITHUB_TOKEN",
            "ghp_not_a_token_0123",
            "answered 401: Bad credentials. GitHub did not accept the token: set GITHUB_TOKEN",
        ),
    ],
)
def test_a_token_the_service_refuses_is_an_error_naming_the_variables(
    cloud: World,
    cli_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    wrong: str,
    explained: str,
) -> None:
    cloud.open_postmortem()
    assert _sync_with(cli_config, monkeypatch, **{variable: wrong}) == 4
    error = capsys.readouterr().err
    assert explained in error
    assert wrong not in error
    assert cloud.tickets() == {}


def test_a_github_token_without_write_access_names_the_permission(
    cloud: World,
    cli_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cloud.open_postmortem()
    reader = cloud.sandbox.add_github_user("reader", repos={REPO: "NONE"})["token"]
    assert _sync_with(cli_config, monkeypatch, GITHUB_TOKEN=reader) != 0
    printed = capsys.readouterr()
    output = printed.out + printed.err
    assert "answered 403: Must have push access to repository. GitHub knows the token" in output
    assert "needs the permissions issues: write" in output
    assert reader not in output


def test_handle_event_ignores_an_issue_without_the_label(
    cloud: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = cloud.github.get_repo(REPO).create_issue("Broken link in README", body="x").number
    use_sandbox(cloud.sandbox, monkeypatch)
    event = event_file(tmp_path, "issues/labeled", number)
    cloud.sandbox.clear_requests()
    assert main(["handle-event", "--event-name", "issues", "--event-path", str(event)]) == 0
    assert cloud.writes() == []
    assert cloud.sandbox.state()["jira"]["issues"] == {}


def test_handle_event_takes_the_postmortem_label_in_any_case(
    cloud: World, cli_config: Path, tmp_path: Path
) -> None:
    repo = cloud.github.get_repo(REPO)
    cloud.number = repo.create_issue("Pool exhausted", body=BODY, labels=["PostMortem"]).number
    event = event_file(tmp_path, "issues/labeled", cloud.number)
    args = ["handle-event", "--config", str(cli_config), "--event-name", "issues"]
    assert main([*args, "--event-path", str(event)]) == 0
    assert len(cloud.tickets()) == 4  # GitHub compares label names without regard to case


# -- crash safety -------------------------------------------------------------------------


def _baseline(world: World) -> tuple[int, dict[str, Any]]:
    """Requests of a full create-and-sync, and the end state it leaves."""
    world.sandbox.reset()
    world.open_postmortem()
    first = world.run()
    count = first.requests.count()
    world.run()
    return count, world.end_state()


def _interrupted_then_completed(world: World, fault: str, index: int) -> dict[str, Any]:
    world.sandbox.reset()
    world.open_postmortem()
    requests: RequestLog | None = None
    if fault == "killed":
        requests = stop_after(index)
    else:
        world.sandbox.add_fault("reset" if fault == "dropped" else "status", nth=index, status=500)
    try:
        world.run(requests).finish()
        stopped = False
    except (Killed, PmsyncError):
        stopped = True
    if fault == "killed":
        assert stopped, f"the run was not stopped after request {index}"
    else:
        assert [f["fired"] for f in world.sandbox.faults()] == [1], f"no {fault} at {index}"
    world.sandbox.clear_faults()
    completed = world.run()
    assert completed.record.failures == []
    again = RequestLog()
    world.run(again)
    assert again.count(write=True) == 0, f"{fault} at request {index}: a third run still writes"
    return world.end_state()


@pytest.mark.parametrize("fault", ["killed", "500", "dropped"])
def test_a_run_broken_at_any_request_converges_on_the_same_end_state(
    cloud: World, fault: str
) -> None:
    total, expected = _baseline(cloud)
    assert total > 10
    for index in range(1, total + 1):
        state = _interrupted_then_completed(cloud, fault, index)
        label = f"{fault} at request {index} of {total}"
        assert len(state["tickets"]) == len(ACTIONS), label
        assert sum(markers.has_marker(c, markers.STATUS) for c in state["comments"]) == 1, label
        assert sum(markers.has_marker(c, markers.FEEDBACK) for c in state["comments"]) == 1, label
        assert all(re.search(r"\[OPS-\d+\]", line) for line in _rows(state["body"])), label
        assert state == expected, label


def _rows(body: str) -> list[str]:
    return [line for line in body.splitlines() if any(action in line for action in ACTIONS)]


# -- Jira Cloud's search lags behind writes -------------------------------------------------


def _ticket_states(world: World) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Key -> (status category, labels), as Jira shows them."""
    client = world.jira()
    found = {
        key: (
            client.issue(key).fields.status.statusCategory.key,
            tuple(client.issue(key).fields.labels),
        )
        for key in world.tickets()
    }
    client.close()
    return found


@pytest.mark.parametrize("lag", [1, 2, 5])
def test_a_run_killed_after_the_bulk_create_converges_whatever_the_search_lag(
    cloud: World, lag: int
) -> None:
    cloud.sandbox.app.jira.search_lag = lag
    cloud.open_postmortem()
    with pytest.raises(Killed):
        cloud.run(kill_when(lambda r: r.method == "POST" and r.path.endswith("/issue/bulk")))
    # Each run searches at least once, so after lag + 1 runs every ticket shows.
    for _ in range(lag + 2):
        assert cloud.run().record.failures == []
    again = RequestLog()
    cloud.run(again)
    assert again.count(write=True) == 0

    states = _ticket_states(cloud)
    open_keys = sorted(k for k, (_, labels) in states.items() if DUPLICATE not in labels)
    items = [next(filter(identity.is_item_label, states[k][1])) for k in open_keys]
    assert len(open_keys) == len(set(items)) == len(ACTIONS)  # one open ticket per item
    assert all(category != "done" for category, _ in (states[k] for k in open_keys))
    closed = [key for key, state in states.items() if DUPLICATE in state[1]]
    assert all(states[key][0] == "done" for key in closed)
    stored = cloud.tickets()
    for key in closed:  # each says which ticket it duplicates, from ticket_duplicate.j2
        (comment,) = stored[key]["comments"]
        assert re.search(r"Duplicate of OPS-\d+: pmsync made two tickets", json.dumps(comment))
    assert not any(identity.REMOVED_LABEL in labels for _, labels in states.values())
    assert sorted(key for key in ticket_cells(cloud).values() if key) == open_keys
    status = cloud.comment(markers.STATUS)
    assert "Removed from the post-mortem" not in status and "not one of this" not in status
    assert sorted(re.findall(r"\[(OPS-\d+)\]", status)) == open_keys


def test_with_a_lagging_search_a_second_run_writes_nothing(cloud: World) -> None:
    cloud.sandbox.app.jira.search_lag = 2
    cloud.open_postmortem()
    cloud.run()
    before = cloud.end_state()
    cloud.sandbox.clear_requests()
    cloud.run()
    assert cloud.writes() == []
    assert cloud.end_state() == before
