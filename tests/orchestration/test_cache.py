"""The local cache on the sandbox: fewer requests, never another outcome.

Each test compares a history synced with the cache against what pmsync does without it:
the same writes, the same end state, and a request count that stays flat as the number of
post-mortems grows. The whole lifecycle of tests/support/lifecycle.py is played both ways too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.lifecycle import (
    START,
    Lifecycle,
    People,
    Pmsync,
    fast_run,
    record,
    settings_for,
    view,
)
from support.postmortem_bodies import actions, good_body
from support.sandbox_pmsync import use_sandbox, write_config

from pmsync.adapters.retry import RequestLog
from pmsync.config.schema import Config, FollowupConfig, GitHubConfig, JiraConfig, Person
from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync.entry.run import Run
from pmsync.entry.worker import sync_job
from pmsync.orchestration import sync_all
from pmsync.orchestration.cache import DEFAULT_DIRECTORY, FILE_NAME, FileCache
from pmsync_sandbox.runner import Sandbox

REPO = "acme/payments"
ITEMS = 5


def body(index: int, incident: str = "2026-11-27 14:00 UTC") -> str:
    rows = [
        f"| Cut p99 latency of service-{index} step {n} below 200 ms | Prevent | P2 | @bob | 3w | |"
        for n in range(1, ITEMS + 1)
    ]
    return good_body(
        incident_start=incident,
        incident_end=incident.replace("14:00", "15:00"),
        services=f"service-{index}",
        action_items=actions(*rows),
    )


@dataclass
class World:
    """P post-mortems in one repository, synced as alice with or without a cache."""

    sandbox: Sandbox
    folder: Path

    def __post_init__(self) -> None:
        self.config = Config(
            github=GitHubConfig(repositories=[REPO], throttle=False),
            jira=JiraConfig(deployment="cloud"),
            people={"bob": Person(jira_account="bob")},
            followup=FollowupConfig(nudge_overdue=True),
        )
        self.people = People(self.sandbox)
        self.now = START

    def open(self, count: int, incident: str = "2026-11-27 14:00 UTC") -> list[int]:
        return [
            self.people.open("alice", REPO, f"service-{index} errors", body(index, incident))
            for index in range(count)
        ]

    def at(self, moment: datetime) -> None:
        self.now = moment
        self.sandbox.set_clock(moment)

    def later(self, delta: timedelta = timedelta(hours=1)) -> None:
        self.at(self.now + delta)

    def sync(self, cached: bool = True, *, dry_run: bool = False) -> Run:
        """One sync at the current time; the sandbox's request log holds only its requests."""
        self.sandbox.clear_requests()
        session = fast_run(
            settings_for(self.sandbox), self.config, self.now, RequestLog(), dry_run=dry_run
        )
        sync_all.sync(
            [REPO], session.context, session.record, FileCache(self.folder) if cached else None
        )
        assert session.record.failures == []
        return session

    def requests(self) -> list[dict[str, Any]]:
        return self.sandbox.requests()

    def writes(self) -> list[tuple[str, str]]:
        return [(r["method"], r["path"]) for r in self.requests() if r["method"] != "GET"]

    def view(self) -> dict[str, Any]:
        return view(self.sandbox.state(), self.sandbox.url)


@pytest.fixture
def world(sandbox: Sandbox, tmp_path: Path) -> Iterator[World]:
    sandbox.set_clock(START)
    found = World(sandbox, tmp_path / "cache")
    yield found
    found.people.close()


def settled(world: World, count: int) -> None:
    """``count`` post-mortems with their tickets; then a sync that reads back what the
    first one wrote, so the next one starts from a steady state."""
    world.open(count)
    world.sync()
    world.later()
    world.sync()
    world.later()


# -- cost -----------------------------------------------------------------------------------


def test_a_steady_state_with_the_cache_asks_three_questions_and_writes_nothing(
    world: World,
) -> None:
    settled(world, 4)
    world.sync()
    asked = sorted((r["service"], r["path"]) for r in world.requests())
    assert asked == [
        ("github", "/repos/acme/payments/issues"),  # issues changed since the last sync
        ("github", "/repos/acme/payments/issues/comments"),  # comments changed since then
        ("github", "/user"),  # whose comments are pmsync's
        ("jira", "/rest/api/2/search/jql"),  # tickets changed since then
    ]
    since = [r["query"]["since"] for r in world.requests() if "since" in r["query"]]
    # The last sync began at 10:00; each question starts five minutes before.
    assert since == [["2026-12-01T09:55:00Z"]] * 2
    assert world.writes() == []


@pytest.mark.parametrize("cached", [True, False])
def test_how_a_steady_state_grows_with_the_number_of_post_mortems(
    sandbox: Sandbox, tmp_path: Path, cached: bool
) -> None:
    counts = {}
    for p in (3, 12):
        sandbox.reset()
        world = World(sandbox, tmp_path / f"cache-{p}")
        settled(world, p)
        world.sync(cached)
        counts[p] = len(world.requests())
        assert world.writes() == []
        world.people.close()
    if cached:
        assert counts[3] == counts[12] == 4
    else:
        for p, count in counts.items():
            # Issue 8's bound for a fresh runner: P + ⌈5P/100⌉ + ⌈P/100⌉ + 2.
            assert count <= p + math.ceil(ITEMS * p / 100) + math.ceil(p / 100) + 2


def test_tickets_are_read_in_batches_not_one_query_per_post_mortem(world: World) -> None:
    settled(world, 12)
    world.sync(cached=False)
    searches = [r for r in world.requests() if r["path"] == "/rest/api/2/search/jql"]
    assert len(searches) == 1  # 60 tickets of 12 post-mortems: one page


def test_a_first_sync_of_more_than_fifty_tickets_on_jira_cloud(world: World) -> None:
    numbers = world.open(11)  # 55 tickets: more ids than a search takes as reconcileIssues
    world.sync()
    tickets = world.sandbox.state()["jira"]["issues"]
    assert len(tickets) == 11 * ITEMS
    for number in numbers:
        label = identity.postmortem_label(REPO, number)
        assert sum(label in raw["labels"] for raw in tickets.values()) == ITEMS


# -- what the cache must see --------------------------------------------------------------------


def transition(world: World, number: int, row: int, name: str) -> None:
    action = f"Cut p99 latency of service-{number - 1} step {row} below 200 ms"
    world.people.move(REPO, number, action, name)


def test_a_ticket_changed_in_jira_updates_only_its_status_comment(world: World) -> None:
    settled(world, 5)
    transition(world, 2, 1, "Start Progress")
    transition(world, 4, 3, "Done")
    world.later()
    world.sync()
    status = {
        c["issue_number"]: c["id"]
        for c in world.sandbox.state()["github"]["repos"][REPO]["comments"].values()
        if markers.has_marker(c["body"], markers.STATUS)
    }
    assert sorted(world.writes()) == sorted(
        [
            ("PATCH", f"/repos/{REPO}/issues/comments/{status[2]}"),
            ("PATCH", f"/repos/{REPO}/issues/comments/{status[4]}"),
        ]
    )
    # Only the two post-mortems that changed were read again.
    read = {r["path"] for r in world.requests() if r["path"].endswith("/comments")}
    assert read == {
        f"/repos/{REPO}/issues/comments",
        f"/repos/{REPO}/issues/2/comments",
        f"/repos/{REPO}/issues/4/comments",
    }


def test_an_edit_a_new_post_mortem_and_a_closed_one_are_seen(world: World) -> None:
    settled(world, 3)
    runbook = "| Add a runbook for service-0 restarts | Process | P3 | @bob | 3w | |"
    world.people.edit("alice", REPO, 1, _add_row(world.people.body(REPO, 1), runbook))
    world.people.open("alice", REPO, "service-3 errors", body(3))  # issue 4
    world.people.set_state("alice", REPO, 3, "closed")
    world.later()
    world.sync()
    tickets = world.sandbox.state()["jira"]["issues"].values()
    assert "Add a runbook for service-0 restarts" in [raw["summary"] for raw in tickets]
    label = identity.postmortem_label(REPO, 4)
    assert sum(label in raw["labels"] for raw in tickets) == ITEMS
    assert not any("/issues/3" in path for _, path in world.writes())
    world.later()
    world.sync()
    assert world.writes() == []


def _add_row(body_text: str, row: str) -> str:
    lines = body_text.splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith("| Cut p99"))
    return "\n".join([*lines[: last + 1], row, *lines[last + 1 :]])


def test_a_follow_up_review_comes_due_without_any_change(world: World) -> None:
    world.open(2, incident="2026-11-18 14:00 UTC")  # 2-week review on Wednesday 2 December
    world.sync()
    world.later()
    world.sync()
    world.at(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    world.sync()
    review = markers.followup_marker(14)
    writes = sorted(world.writes())
    assert [w for w in writes if w[0] == "POST"] == [
        ("POST", f"/repos/{REPO}/issues/1/comments"),
        ("POST", f"/repos/{REPO}/issues/2/comments"),
    ]
    # Each status comment then records the posted review in its snapshot (next round),
    # so a deleted one stays gone.
    patches = [w for w in writes if w[0] == "PATCH"]
    assert len(patches) == 2 and len(writes) == 4
    assert all(path.startswith(f"/repos/{REPO}/issues/comments/") for _, path in patches)
    world.later()
    world.sync()
    assert world.writes() == []
    comments = world.sandbox.state()["github"]["repos"][REPO]["comments"].values()
    assert sum(markers.has_marker(c["body"], review) for c in comments) == 2


def test_an_item_that_falls_overdue_is_flagged_without_any_change(world: World) -> None:
    world.people.open(
        "alice",
        REPO,
        "service-0 errors",
        good_body(
            services="service-0",
            action_items=actions("| Cap pool usage at 80% | Prevent | P2 | @bob | 2026-12-03 | |"),
        ),
    )
    world.sync()
    world.later()
    world.sync()
    world.at(datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    world.sync()
    issue = world.sandbox.state()["github"]["repos"][REPO]["issues"]["1"]
    assert "pm:overdue" in issue["labels"]
    assert any(w[1].endswith("/issues/1/comments") for w in world.writes())  # the nudge


def _a_repeat_settled(world: World, priority: str = "P2") -> str:
    """Two payments-db post-mortems, #2 a repeat of #1 whose item has ``priority``, synced
    to a steady state; #2's body."""
    first = good_body(
        services="payments-db",
        action_items=actions("| Cap pool usage at 80% | Prevent | P2 | @bob | 2026-12-20 | |"),
    )
    second = good_body(
        incident_start="2026-11-29 14:00 UTC",
        incident_end="2026-11-29 15:00 UTC",
        services="payments-db",
        action_items=actions(
            f"| Alert on pool usage | Detect | {priority} | @bob | 2026-12-20 | |"
        ),
    )
    world.people.open("alice", REPO, "Pool exhausted", first)
    world.people.open("alice", REPO, "Pool exhausted again", second)
    world.sync()
    world.later()
    world.sync()
    world.later()
    return second


def test_a_repeat_follows_the_earlier_post_mortems_tickets(world: World) -> None:
    _a_repeat_settled(world)
    repeat = _comment(world, 2, markers.REPEAT)
    world.people.move(REPO, 1, "Cap pool usage at 80%", "Done")
    world.sync()
    assert _comment(world, 2, markers.REPEAT) != repeat  # the earlier item is done now
    world.later()
    world.sync()
    assert world.writes() == []


def test_a_repeat_fixed_by_its_event_still_follows_the_earlier_tickets(world: World) -> None:
    """The cache kept the post-mortem while it was invalid (no repeat search then); the
    fix's event made its tickets and repeat comment. The cache must not go on vouching
    for the state it kept, or the repeat comment would never follow the earlier items."""
    second = _a_repeat_settled(world, priority="urgent")  # invalid: no repeat search yet
    world.people.edit("alice", REPO, 2, second.replace("| urgent |", "| P2 |"))
    event = Pmsync(world.sandbox, world.config).event(REPO, 2, "edited", world.now, RequestLog())
    assert event.ok
    repeat = _comment(world, 2, markers.REPEAT)
    world.later()
    world.sync()
    world.later()
    world.people.move(REPO, 1, "Cap pool usage at 80%", "Done")
    world.sync()
    assert _comment(world, 2, markers.REPEAT) != repeat
    world.sync(cached=False)
    assert world.writes() == []


def _comment(world: World, number: int, marker: str) -> str:
    comments = world.sandbox.state()["github"]["repos"][REPO]["comments"].values()
    found = [
        c["body"]
        for c in comments
        if c["issue_number"] == number and markers.has_marker(c["body"], marker)
    ]
    assert len(found) == 1
    return str(found[0])


# -- losing it --------------------------------------------------------------------------------


def _damage(folder: Path, how: str) -> None:
    path = folder / FILE_NAME
    if how == "lost":
        path.unlink()
    elif how == "garbage":
        path.write_text("{not json", encoding="utf-8")
    elif how == "truncated":
        path.write_text(path.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    elif how == "other format":
        data = json.loads(path.read_text(encoding="utf-8"))
        data["format"] = 0
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "stale entries":
        # A cache that claims a post-mortem holds nothing: the fingerprint still matches,
        # so only its age can save it (a full sync once MAX_AGE has passed).
        data = json.loads(path.read_text(encoding="utf-8"))
        data["full_at"] = "2026-11-01T00:00:00Z"
        path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("how", ["lost", "garbage", "truncated", "other format", "stale entries"])
def test_a_lost_or_damaged_cache_gives_the_same_end_state_with_more_requests(
    world: World, how: str
) -> None:
    settled(world, 3)
    transition(world, 1, 2, "Done")
    before = world.sandbox.state()
    world.sync(cached=False)
    expected, fresh = world.view(), len(world.requests())

    world.sandbox.restore(before)
    _damage(world.folder, how)
    world.sync()
    assert world.view() == expected
    assert len(world.requests()) >= fresh  # everything was read again
    world.later()
    world.sync()  # and the cache it wrote is good
    assert len(world.requests()) == 4


def test_a_clock_that_went_back_means_reading_everything(world: World) -> None:
    settled(world, 2)
    world.at(START - timedelta(hours=1))
    world.sync()
    assert len(world.requests()) > 4


def test_a_dry_run_reads_the_cache_and_leaves_it_alone(world: World) -> None:
    settled(world, 2)
    kept = (world.folder / FILE_NAME).read_bytes()
    transition(world, 1, 1, "Done")
    world.sync(dry_run=True)
    assert world.writes() == []
    assert (world.folder / FILE_NAME).read_bytes() == kept


# -- the whole lifecycle both ways ---------------------------------------------------------------


def test_the_lifecycle_ends_the_same_with_and_without_the_cache(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    plain = record(Lifecycle(sandbox))
    # Syncs in the script are days apart: without a longer age the cache would read
    # everything at each of them, and be put to no test. (Something changes before nearly
    # every sync of the script, so the cache saves nothing here; the tests above count.)
    cached = record(Lifecycle(sandbox, cache=tmp_path / "cache", cache_age=timedelta(days=60)))
    assert view(cached.final, sandbox.url) == view(plain.final, sandbox.url)


# -- the workflow, the worker and the command line -----------------------------------------------


def test_the_scheduled_workflow_keeps_the_directory_pmsync_uses() -> None:
    workflow = Path(__file__).resolve().parents[2] / "workflows" / "postmortem-sync.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["sync"]["steps"]
    kept = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    run = next(s for s in steps if s.get("with", {}).get("command") == "sync")
    assert kept["with"]["path"] == run["env"]["PMSYNC_CACHE_DIR"] == str(DEFAULT_DIRECTORY)


def test_the_worker_keeps_one_cache_from_run_to_run(world: World) -> None:
    world.open(3)
    clock = iter([START, START + timedelta(hours=1), START + timedelta(hours=2)])
    job = sync_job(
        settings_for(world.sandbox),
        world.config,
        [REPO],
        lambda: next(clock),
        cache=FileCache(world.folder),
    )
    for _ in range(3):
        world.sandbox.clear_requests()
        assert job.run().ok
    assert len(world.requests()) == 4  # the third run: the three questions and GET /user


@pytest.mark.parametrize("where", ["option", "variable"])
def test_sync_keeps_the_cache_where_it_is_told(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    world.open(1)
    use_sandbox(world.sandbox, monkeypatch)
    config = write_config(tmp_path)
    args = ["sync", "--config", str(config), "--repo", REPO, "--now", START.isoformat()]
    if where == "option":
        args += ["--cache", str(world.folder)]
    else:
        monkeypatch.setenv("PMSYNC_CACHE_DIR", str(world.folder))
    assert main(args) == 0
    assert (world.folder / FILE_NAME).is_file()


def test_no_cache_means_none(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world.open(1)
    use_sandbox(world.sandbox, monkeypatch)
    monkeypatch.setenv("PMSYNC_CACHE_DIR", str(world.folder))
    monkeypatch.chdir(tmp_path)
    config = write_config(tmp_path)
    assert main(["sync", "--config", str(config), "--repo", REPO, "--no-cache"]) == 0
    assert not world.folder.exists()
    assert not (tmp_path / ".pmsync-cache").exists()


# -- a busy repository: pull requests ---------------------------------------------------------


def busy(world: World, pulls: int, comments: int) -> None:
    """Pull request traffic between two syncs: ``pulls`` pull requests (half merged), one of
    them labelled as a post-mortem with a post-mortem's body, and ``comments`` comments on
    them by bob."""
    numbers = [
        world.sandbox.open_pull_request(REPO, f"Change {n}", body(n), merged=n % 2 == 0)
        for n in range(pulls)
    ]
    labelled = world.people.github("alice").get_repo(REPO).get_issue(numbers[0])
    labelled.add_to_labels(world.config.labels.postmortem)
    for n in range(comments):
        world.sandbox.comment(REPO, numbers[n % pulls], f"Looks good ({n})", author="bob")


def test_pull_requests_cost_a_steady_state_nothing_and_are_never_post_mortems(
    world: World,
) -> None:
    settled(world, 3)
    busy(world, pulls=150, comments=40)
    world.later()
    world.sync()
    asked = sorted((r["service"], r["path"]) for r in world.requests())
    assert asked == [
        ("github", "/repos/acme/payments/issues"),  # post-mortems changed: one page
        ("github", "/repos/acme/payments/issues/comments"),
        ("github", "/user"),
        ("jira", "/rest/api/2/search/jql"),
    ]
    assert world.writes() == []
    # Without the cache the labelled pull request is not taken for a post-mortem either.
    world.later()
    world.sync(cached=False)
    assert world.writes() == []
    tickets = world.sandbox.state()["jira"]["issues"].values()
    assert len(tickets) == 3 * ITEMS


def test_a_post_mortem_that_lost_its_label_is_left_alone(world: World) -> None:
    settled(world, 3)
    issue = world.people.github("alice").get_repo(REPO).get_issue(2)
    issue.remove_from_labels(world.config.labels.postmortem)
    transition(world, 2, 1, "Start Progress")  # its plan is no longer empty
    transition(world, 3, 1, "Start Progress")
    world.later()
    world.sync()
    # Its repository's open post-mortems were listed once before reconciling: issue 2 is
    # not one of them any more, so only issue 3's status comment changed.
    listings = [r for r in world.requests() if r["path"] == f"/repos/{REPO}/issues"]
    assert len(listings) == 2
    assert [path for _, path in world.writes()] == [
        f"/repos/{REPO}/issues/comments/{comment_id(world, 3)}"
    ]
    world.later()
    world.sync()
    assert world.writes() == []


def comment_id(world: World, number: int) -> int:
    return next(
        c["id"]
        for c in world.sandbox.state()["github"]["repos"][REPO]["comments"].values()
        if c["issue_number"] == number and markers.has_marker(c["body"], markers.STATUS)
    )


# -- writes per post-mortem --------------------------------------------------------------------


def test_a_first_sync_fills_the_cells_and_labels_the_issue_in_one_patch(world: World) -> None:
    world.open(2)
    issue = world.people.github("alice").get_repo(REPO).get_issue(1)
    issue.add_to_labels("team:payments")  # someone's own label, before pmsync first looks
    world.sync()
    issue_writes = [(method, path) for method, path in world.writes() if "/issues/1" in path]
    assert sorted(issue_writes) == [
        ("PATCH", f"/repos/{REPO}/issues/1"),  # the Ticket cells and the labels
        ("POST", f"/repos/{REPO}/issues/1/comments"),  # the status comment
    ]
    labels = world.sandbox.state()["github"]["repos"][REPO]["issues"]["1"]["labels"]
    assert {"team:payments", "service:service-0", "postmortem"} <= set(labels)
    world.later()
    world.sync(cached=False)
    assert world.writes() == []
