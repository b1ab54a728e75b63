"""`pmsync report` end to end: the scripted history (tests/support/report_history.py) played on the
sandbox — issues opened on their days, `pmsync sync` after each, tickets closed in Jira on
theirs — then the report read back through the real PyGithub and `jira` clients.

The expected numbers are the hand-worked ones of tests/core/test_report.py: the same history
must give the same answers whether it comes from models or from GitHub and Jira.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jira
import pytest
from support.report_history import HISTORY, NOW, PAYMENTS, SEARCH, ItemSpec, PostMortemSpec, body
from support.sandbox_pmsync import client as client_for
from support.sandbox_pmsync import close_ticket, jira_client_for, use_sandbox, write_config

from pmsync.config.loading import load_config
from pmsync.config.settings import Settings
from pmsync.core.domain import identity
from pmsync.entry import report_job as report_job
from pmsync.entry.cli import main
from pmsync.orchestration.report import gather as report_gather
from pmsync.orchestration.report.digest import digest_marker
from pmsync_sandbox.runner import Sandbox, running_sandbox

OCTOBER = ["--since", "2026-10-01", "--until", "2026-10-31"]


@dataclass
class Played:
    sandbox: Sandbox
    state: dict[str, Any]  # the sandbox right after the history, restored before each test
    config: Path


def _close(client: jira.JIRA, pm: PostMortemSpec, item: ItemSpec) -> None:
    label = identity.item_label(identity.item_id(pm.repo, pm.number, item.action))
    (ticket,) = client.search_issues(f'labels = "{label}"', maxResults=10)
    close_ticket(client, ticket.key, "Won't Do" if item.outcome == "dropped" else None)


def _events(history: tuple[PostMortemSpec, ...]) -> list[tuple[datetime, int, Any]]:
    """(when, order among equal times, what): open, then sync an hour later, then closes."""
    events: list[tuple[datetime, int, Any]] = []
    for pm in history:
        events.append((pm.opened, 0, ("open", pm)))
        events.append((pm.opened + timedelta(hours=1), 1, ("sync", pm)))
        for item in pm.items:
            if item.closed_on is not None:
                at = datetime.combine(item.closed_on, datetime.min.time(), UTC) + timedelta(
                    hours=17
                )
                events.append((at, 2, ("close", pm, item)))
    return sorted(events, key=lambda event: (event[0], event[1]))


def _sync(config: Path, moment: datetime) -> None:
    assert main(["sync", "--config", str(config), "--now", moment.isoformat()]) == 0


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    config = write_config(tmp_path_factory.mktemp("report"), PAYMENTS, SEARCH)
    with running_sandbox(now=HISTORY[0].opened) as sandbox, pytest.MonkeyPatch.context() as env:
        use_sandbox(sandbox, env)
        sandbox.add_github_repo(SEARCH)
        sandbox.add_github_user("alice", repos={SEARCH: "OWNER"})
        github, client = client_for(sandbox), jira_client_for(sandbox)
        for moment, _, event in _events(HISTORY):
            sandbox.set_clock(moment)
            if event[0] == "open":
                pm = event[1]
                created = github.get_repo(pm.repo).create_issue(
                    pm.title, body=body(pm), labels=["postmortem"]
                )
                assert created.number == pm.number
            elif event[0] == "sync":
                _sync(config, moment)
            else:
                _close(client, event[1], event[2])
        sandbox.set_clock(NOW)
        yield Played(sandbox, sandbox.state(), config)
        github.close()
        client.close()  # type: ignore[no-untyped-call]


@pytest.fixture
def world(played: Played, monkeypatch: pytest.MonkeyPatch) -> Played:
    played.sandbox.restore(played.state)
    played.sandbox.set_clock(NOW)
    played.sandbox.clear_requests()
    use_sandbox(played.sandbox, monkeypatch)
    return played


def report(
    world: Played, capsys: pytest.CaptureFixture[str], *args: str, now: datetime = NOW
) -> str:
    capsys.readouterr()
    code = main(["report", "--config", str(world.config), "--now", now.isoformat(), *args])
    out = capsys.readouterr().out
    assert code == 0
    return out


def test_every_metric_is_exact_on_the_sandbox(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(report(world, capsys, *OCTOBER, "--format", "json"))
    assert document["postmortem_count"] == 4
    assert [u["postmortem"] for u in document["unreadable"]] == ["acme/payments#4"]

    def fraction(name: str) -> tuple[int, int, float | None]:
        metric = document[name]
        return metric["numerator"], metric["denominator"], metric["percent"]

    assert fraction("completion") == (7, 15, 46.7)  # a day late (A4, F6) is not in time
    assert fraction("on_time") == (4, 6, 66.7)  # A2 done a day late; F2 overdue
    assert document["on_time"]["pending"] == 1
    assert fraction("repeats") == (2, 4, 50.0)  # C at day 180 counts; A at day 181 not
    timing = document["time_to_postmortem"]
    assert (timing["median_business_days"], timing["p90_business_days"]) == (3.0, 6)
    items = document["action_items"]
    assert (items["items"], items["mean"], items["more"]) == (15, 3.75, 1)
    owners = document["overdue"]["owners"]
    assert [(o["owner"], o["oldest_days_overdue"], len(o["items"])) for o in owners] == [
        ("carol", 30, 2),
        ("dave", 20, 1),
    ]
    (dropped,) = document["dropped"]["items"]
    assert (dropped["action"], dropped["resolution"], dropped["dropped_on"]) == (
        "Rewrite the pool library in Rust",
        "Won't Do",
        "2026-10-25",
    )
    assert [(b["group"], b["postmortems"]) for b in document["by_service"]] == [
        ("payments-db", 2),
        ("checkout", 1),
        ("indexer", 1),
        ("search-api", 1),
    ]
    assert [
        (m["month"], m["done_in_window"], m["items"])
        for m in document["charts"]["completion_by_month"]
    ] == [("2026-08", 2, 2), ("2026-10", 7, 15)]


OUTSIDERS_LESSON = "Buy the outsider's consulting package"


def test_postmortems_pmsync_refused_or_set_aside_count_nowhere(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    before = report(world, capsys, *OCTOBER, "--format", "json")
    github = client_for(world.sandbox)
    # An outsider's post-mortem of an indexer outage on Oct 2: were it counted, F (indexer,
    # Oct 28) would be its repeat, and its overdue item and lessons would be published.
    token = world.sandbox.add_github_user("mallory", repos={SEARCH: "NONE"})["token"]
    outsider = PostMortemSpec(
        "X",
        SEARCH,
        4,
        "Indexer down",
        datetime(2026, 10, 2, 10, tzinfo=UTC),
        datetime(2026, 10, 3, 9, tzinfo=UTC),
        services=("indexer",),
        items=(
            ItemSpec("Hire mallory to run the indexer", "P1", "mallory", date(2026, 10, 9), "open"),
        ),
        lessons=OUTSIDERS_LESSON,
    )
    # A member's post-mortem of Oct 3, synced, then closed as not planned.
    set_aside = PostMortemSpec(
        "Y",
        PAYMENTS,
        7,
        "Billing hiccup (opened by mistake)",
        datetime(2026, 10, 3, 10, tzinfo=UTC),
        datetime(2026, 10, 4, 9, tzinfo=UTC),
        services=("billing",),
        items=(ItemSpec("Check the billing retry queue", "P1", "zed", date(2026, 10, 9), "open"),),
        lessons="Billing lesson that was never meant to be published",
    )
    world.sandbox.set_clock(outsider.opened)
    mallory = client_for(world.sandbox, token)
    created = mallory.get_repo(SEARCH).create_issue(outsider.title, body=body(outsider))
    github.get_repo(SEARCH).get_issue(created.number).add_to_labels("postmortem")  # the form's
    world.sandbox.set_clock(set_aside.opened)
    mine = github.get_repo(PAYMENTS).create_issue(
        set_aside.title, body=body(set_aside), labels=["postmortem"]
    )
    _sync(world.config, set_aside.opened + timedelta(hours=1))
    assert "service:indexer" not in [label.name for label in created.get_labels()]  # refused
    synced = github.get_repo(PAYMENTS).get_issue(mine.number)
    assert "service:billing" in [label.name for label in synced.get_labels()]  # taken on
    synced.edit(state="closed", state_reason="not_planned")
    mallory.close()
    github.close()

    world.sandbox.set_clock(NOW)
    after = json.loads(report(world, capsys, *OCTOBER, "--format", "json"))
    # The outsider's post-mortem waits for approval: listed apart, counted nowhere.
    (waiting,) = after["waiting_for_approval"]
    assert (waiting["postmortem"], waiting["title"]) == (f"{SEARCH}#4", "Indexer down")
    unchanged = {"generated_at": None, "waiting_for_approval": None}
    assert after | unchanged == json.loads(before) | unchanged
    text = report(world, capsys, *OCTOBER)
    waiting_part, _, rest = text.partition("**Waiting for a maintainer's approval**")
    waiting_part, _, rest = rest.partition("\n\n")
    assert f"[{SEARCH}#4: Indexer down](" in waiting_part
    for left_out in ("mallory", "zed", OUTSIDERS_LESSON, "Billing lesson", "Indexer down"):
        assert left_out not in rest


def test_the_report_reads_in_two_requests(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    report(world, capsys, *OCTOBER, "--format", "csv")
    requests = [(r["service"], r["method"], r["path"]) for r in world.sandbox.requests()]
    assert sorted(requests) == [
        ("github", "GET", "/search/issues"),  # both repositories in one query
        ("jira", "GET", "/rest/api/2/search/jql"),  # every post-mortem's tickets at once
    ]


def test_an_unknown_repository_is_named_with_the_fix(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["report", "--config", str(world.config), "--now", NOW.isoformat()]
    assert main([*argv, "--repo", PAYMENTS, "--repo", "acme/paymnets"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: GitHub cannot search acme/paymnets: no such repository, or the token cannot "
        "read it. Check the name (OWNER/NAME) given with --repo or under github.repositories"
    )
    assert "Validation Failed" not in err
    # The search GitHub refused, then one read per repository of it to find which.
    requests = [(r["method"], r["path"], r["status"]) for r in world.sandbox.requests("github")]
    assert requests == [
        ("GET", "/search/issues", 422),
        ("GET", "/repos/acme/payments/labels", 200),
        ("GET", "/repos/acme/paymnets/labels", 404),
    ]


def test_an_empty_period_says_no_data(world: Played, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(world, capsys, "--since", "2027-01-01", "--until", "2027-01-31")
    assert "**No post-mortems in this period**" in text
    assert "| Action-item completion within 28 days | no data |" in text


def _digests(world: Played) -> list[Any]:
    github = client_for(world.sandbox)
    found = list(github.get_repo(PAYMENTS).get_issues(state="all", labels=["pm:digest"]))
    github.close()
    return found


def _writes(world: Played) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in world.sandbox.requests("github")
        if r["method"] not in ("GET", "HEAD")
    ]


def test_the_digest_is_created_once_per_month_and_edited_in_place(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    first = report(world, capsys, *OCTOBER, "--publish")
    assert _writes(world) == [
        ("POST", "/repos/acme/payments/labels"),
        ("POST", "/repos/acme/payments/issues"),
    ]
    (digest,) = _digests(world)
    assert digest.title == "Post-mortem digest 2026-10"
    assert digest.body.startswith(digest_marker("2026-10"))
    assert "| Action-item completion within 28 days | **46.7%** (7 of 15) ❌" in digest.body
    assert "Made 2026" not in digest.body  # the run's time would change it on every run
    assert "Made 2026-12-10 09:00 UTC" in first  # stdout says when

    # The same month again, an hour later, nothing new: nothing written.
    world.sandbox.clear_requests()
    report(world, capsys, *OCTOBER, "--publish", now=NOW + timedelta(hours=1))
    assert _writes(world) == []
    assert len(_digests(world)) == 1

    # F2 (due Nov 10) is done now: the same issue is edited, no second one appears.
    client = jira_client_for(world.sandbox)
    f = next(pm for pm in HISTORY if pm.name == "F")
    _close(client, f, f.items[1])
    world.sandbox.clear_requests()
    report(world, capsys, *OCTOBER, "--publish", now=NOW + timedelta(hours=2))
    assert _writes(world) == [("PATCH", f"/repos/acme/payments/issues/{digest.number}")]
    (edited,) = _digests(world)
    assert edited.number == digest.number
    assert "| Overdue action items | **2** |" in edited.body  # was 3
    # Done 30 days after its due date: still late, so the on-time rate stays.
    assert "| P0/P1 items done on time | **66.7%** (4 of 6) ❌" in edited.body

    # Another month gets its own digest issue.
    report(world, capsys, "--since", "2026-11-01", "--until", "2026-11-30", "--publish")
    months = sorted(issue.title for issue in _digests(world))
    assert months == ["Post-mortem digest 2026-10", "Post-mortem digest 2026-11"]
    client.close()  # type: ignore[no-untyped-call]


def test_a_dry_run_of_publish_says_what_the_digest_would_undergo_and_writes_nothing(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    def dry_run(now: datetime) -> str:
        capsys.readouterr()
        args = ["report", "--config", str(world.config), "--now", now.isoformat()]
        assert main([*args, *OCTOBER, "--publish", "--dry-run"]) == 0
        return capsys.readouterr().err

    assert "the digest of 2026-10 would be created (a new issue)" in dry_run(NOW)
    assert _writes(world) == [] and _digests(world) == []

    report(world, capsys, *OCTOBER, "--publish")
    (digest,) = _digests(world)
    world.sandbox.clear_requests()
    assert f"2026-10 is up to date ({digest.html_url})" in dry_run(NOW + timedelta(hours=1))

    client = jira_client_for(world.sandbox)
    f = next(pm for pm in HISTORY if pm.name == "F")
    _close(client, f, f.items[1])
    client.close()  # type: ignore[no-untyped-call]
    world.sandbox.clear_requests()
    assert f"2026-10 would be edited ({digest.html_url})" in dry_run(NOW + timedelta(hours=2))
    assert _writes(world) == []
    assert _digests(world)[0].body == digest.body


def test_in_actions_the_report_also_goes_to_the_job_summary(
    world: Played,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = report(world, capsys, *OCTOBER, "--format", "json")
    assert json.loads(out)["postmortem_count"] == 4
    text = summary.read_text(encoding="utf-8")
    assert "## Post-mortem report: 2026-10-01 to 2026-10-31" in text
    assert "```mermaid" in text


def test_the_default_period_is_the_last_full_month(
    world: Played, capsys: pytest.CaptureFixture[str]
) -> None:
    # On 2026-11-10 the default is October.
    text = report(world, capsys, now=datetime(2026, 11, 10, 9, tzinfo=UTC))
    assert "## Post-mortem report: 2026-10-01 to 2026-10-31" in text
    assert date(2026, 10, 31).isoformat() in text


def test_the_workers_report_job_publishes_the_last_full_month(world: Played) -> None:
    config = load_config(world.config)
    repos = config.github.repositories
    line = report_job.run(Settings.from_env(), config, repos, NOW)
    assert line.startswith("digest 2026-11: created acme/payments#7 (1 post-mortem(s)")
    again = report_job.run(Settings.from_env(), config, repos, NOW)
    assert again.startswith("digest 2026-11: unchanged acme/payments#7")
    (digest,) = _digests(world)
    assert digest.title == "Post-mortem digest 2026-11"
    # H's 28 days are not over; A, C, E and F's ended in November: 7 of their 15 in time.
    assert "| Action-item completion within 28 days | no data |" in digest.body
    assert (
        "| Action-item completion within 28 days, windows ended in the period | **46.7%** "
        "(7 of 15) ❌ | ≥ 90% | 4 post-mortems |" in digest.body
    )


def test_a_search_that_may_have_missed_post_mortems_is_a_warning(
    world: Played, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_gather, "SEARCH_RESULT_LIMIT", 1)
    capsys.readouterr()
    assert main(["report", "--config", str(world.config), "--now", NOW.isoformat()]) == 0
    err = capsys.readouterr().err
    assert "warning: GitHub search returns at most 1 post-mortems per query" in err
    config = load_config(world.config)
    line = report_job.run(Settings.from_env(), config, config.github.repositories, NOW)
    assert "; warning: GitHub search returns at most 1 post-mortems per query" in line
